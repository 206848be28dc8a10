//! Collecting every problem with an input at once, each tied to the field a person must fix.

use serde::Serialize;

use crate::codes::CodeError;
use crate::text::{Lines, clean};

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as the form or JSON body spells it (`coverage.member_id`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Every problem found in one input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} field(s) need attention", errors.len())]
pub struct FieldErrors {
    /// The problems, in the order the fields were checked.
    pub errors: Vec<FieldError>,
}

impl FieldErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A single problem.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Keeps a parsed value, or records why it failed.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, CodeError>) -> Option<T> {
        parsed.map_err(|err| self.add(field, err.0)).ok()
    }

    /// A required one-line text field (a name, a number): clean (`text::clean`), not empty,
    /// at most `max` characters.
    pub fn required(&mut self, field: &str, text: &str, max: usize) -> Option<String> {
        self.text(field, Some(text), max, Lines::One, true)
    }

    /// An optional one-line text field: empty becomes `None`; clean, at most `max` characters.
    pub fn optional(&mut self, field: &str, text: Option<&str>, max: usize) -> Option<String> {
        self.text(field, text, max, Lines::One, false)
    }

    /// A required note, which may hold line breaks.
    pub fn required_note(&mut self, field: &str, text: &str, max: usize) -> Option<String> {
        self.text(field, Some(text), max, Lines::Many, true)
    }

    /// An optional note, which may hold line breaks; empty becomes `None`.
    pub fn optional_note(&mut self, field: &str, text: Option<&str>, max: usize) -> Option<String> {
        self.text(field, text, max, Lines::Many, false)
    }

    fn text(
        &mut self,
        field: &str,
        text: Option<&str>,
        max: usize,
        lines: Lines,
        required: bool,
    ) -> Option<String> {
        let text = self.check(field, clean(text.unwrap_or(""), lines))?;
        if text.is_empty() {
            if required {
                self.add(field, "This field is required.");
            }
            None
        } else if text.chars().count() > max {
            self.add(field, format!("Use at most {max} characters."));
            None
        } else {
            Some(text)
        }
    }

    /// An optional field that must parse when present.
    pub fn optional_parsed<T>(
        &mut self,
        field: &str,
        text: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, CodeError>,
    ) -> Option<T> {
        match text.map(str::trim) {
            None | Some("") => None,
            Some(text) => self.check(field, parse(text)),
        }
    }

    /// Whether any problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The message for one field, if it has a problem.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `Ok(value)` when nothing was recorded, else these errors.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if !self.is_empty() {
            return Err(self);
        }
        value().ok_or(self)
    }
}

/// Parses a calendar date typed as `YYYY-MM-DD` (HTML date inputs) or `MM/DD/YYYY`.
pub fn parse_date(text: &str) -> Result<time::Date, CodeError> {
    let text = text.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let us = time::macros::format_description!("[month]/[day]/[year]");
    time::Date::parse(text, iso)
        .or_else(|_| time::Date::parse(text, us))
        .map_err(|_| CodeError("Enter a date as YYYY-MM-DD or MM/DD/YYYY.".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn collects_every_problem_with_its_field() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.required("family_name", "  ", 10), None);
        assert_eq!(
            errors.required("given_name", " Ann ", 10).as_deref(),
            Some("Ann")
        );
        assert_eq!(
            errors.optional("email", Some("x".repeat(11).as_str()), 10),
            None
        );
        assert_eq!(errors.optional("middle", Some(""), 10), None);
        assert_eq!(errors.errors.len(), 2);
        assert_eq!(
            errors.for_field("family_name"),
            Some("This field is required.")
        );
        assert!(errors.finish(|| Some(1)).is_err());
        assert_eq!(FieldErrors::new().finish(|| Some(7)), Ok(7));
    }

    #[test]
    fn dates_in_both_common_layouts() {
        assert_eq!(parse_date("1950-02-28").unwrap(), date!(1950 - 02 - 28));
        assert_eq!(parse_date("02/28/1950").unwrap(), date!(1950 - 02 - 28));
        assert!(parse_date("1950-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}

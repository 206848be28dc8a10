//! How a typed search turns into a patient query. One search box takes a name, a date of birth,
//! an MBI or a phone number; names are matched on keys that ignore case, spaces, hyphens and
//! apostrophes, so "o'brien", "OBrien" and "smith-jones" all find what people expect.

use time::Date;

use crate::codes::{Mbi, Phone};
use crate::validation::parse_date;

/// The comparable form of a name: lower-case letters and digits only.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The exclusive upper bound of keys starting with `prefix`, so a prefix search is an index
/// range scan (`key >= prefix AND key < bound`) on both databases (which compare bytewise here).
pub fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

/// What a search box's text asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatientQuery {
    /// A family-name prefix ("smi"), or a family and a given-name prefix: "smith, jo" says which
    /// is which; "jo smith" or "smith jo" matches either order.
    Name {
        /// Key prefix of the first word.
        first: String,
        /// Key prefix of the second word, if one was typed.
        second: Option<String>,
        /// True when a comma said which word is the family name.
        ordered: bool,
    },
    /// A date of birth.
    BirthDate(Date),
    /// A Medicare Beneficiary Identifier.
    Mbi(Mbi),
    /// A phone number (digits).
    Phone(Phone),
}

impl PatientQuery {
    /// Reads a search box; `None` when there is nothing to search for.
    pub fn parse(text: &str) -> Option<PatientQuery> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let has_letter = text.chars().any(char::is_alphabetic);
        if !has_letter || text.contains('/') {
            if let Ok(date) = parse_date(text) {
                return Some(PatientQuery::BirthDate(date));
            }
            if let Ok(phone) = Phone::parse(text) {
                return Some(PatientQuery::Phone(phone));
            }
        }
        if text.chars().next().is_some_and(|c| c.is_ascii_digit())
            && let Ok(mbi) = Mbi::parse(text)
        {
            return Some(PatientQuery::Mbi(mbi));
        }
        let (ordered, words): (bool, Vec<&str>) = match text.split_once(',') {
            Some((family, given)) => (true, vec![family, given]),
            None => (false, text.split_whitespace().collect()),
        };
        let mut keys = words.iter().map(|w| name_key(w)).filter(|k| !k.is_empty());
        let first = keys.next()?;
        let second = keys.next();
        Some(PatientQuery::Name {
            first,
            second,
            ordered,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn keys_ignore_case_and_punctuation() {
        assert_eq!(name_key("O'Brien"), "obrien");
        assert_eq!(name_key("Smith-Jones"), "smithjones");
        assert_eq!(name_key("José"), "josé");
        assert!(prefix_upper_bound("smi").as_str() > "smithjones");
        assert!(prefix_upper_bound("smi").as_str() < "smj");
    }

    #[test]
    fn one_box_understands_names_dates_mbis_and_phones() {
        assert_eq!(
            PatientQuery::parse("Smith, Jo"),
            Some(PatientQuery::Name {
                first: "smith".into(),
                second: Some("jo".into()),
                ordered: true
            })
        );
        assert_eq!(
            PatientQuery::parse("o'bri"),
            Some(PatientQuery::Name {
                first: "obri".into(),
                second: None,
                ordered: false
            })
        );
        assert_eq!(
            PatientQuery::parse("03/04/1941"),
            Some(PatientQuery::BirthDate(date!(1941 - 03 - 04)))
        );
        assert_eq!(
            PatientQuery::parse("1941-03-04"),
            Some(PatientQuery::BirthDate(date!(1941 - 03 - 04)))
        );
        assert!(matches!(
            PatientQuery::parse("1EG4-TE5-MK73"),
            Some(PatientQuery::Mbi(_))
        ));
        assert!(matches!(
            PatientQuery::parse("(614) 555-0100"),
            Some(PatientQuery::Phone(_))
        ));
        assert_eq!(PatientQuery::parse("  "), None);
        assert_eq!(PatientQuery::parse("--"), None);
    }
}

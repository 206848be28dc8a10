//! Normalized keys for serials, manufacturers, models and lots, shared by the duplicate-serial
//! check on receiving and by recall matching, so both compare text the same way.
//!
//! **The key rule.** A key keeps the letters and digits of the text, upper-cased, and drops
//! everything else (spaces, hyphens, slashes, dots). `"ab-12 34"`, `"AB1234"` and `"Ab 12/34"`
//! share the key `AB1234`. People type serials from worn labels and vendors print them with
//! varying separators; treating those as one serial errs on the side of finding a recalled unit
//! and refusing a duplicate, never of missing one.
//!
//! **Serial parts.** For range matching a serial key splits into a *prefix* and a *number*: the
//! number is the trailing run of digits, at most [`SERIAL_NUMBER_DIGITS`] of them (so it fits a
//! signed 64-bit column), and the prefix is everything before it. `ABC000123` → prefix `ABC`,
//! number 123. A key that ends in a letter has no number and cannot fall inside a range.

use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// The most trailing digits read as a serial's number: 18 digits always fit an `i64`.
pub const SERIAL_NUMBER_DIGITS: usize = 18;

/// The longest serial, lot, manufacturer or model text accepted, in characters.
pub const MAX_KEY_TEXT: usize = 64;

/// The key of any identifying text: its letters and digits, upper-cased.
pub fn text_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A serial number's key and its range parts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SerialKey {
    /// The whole key (`ABC000123`); unique per manufacturer.
    pub key: String,
    /// The key without its trailing number (`ABC`).
    pub prefix: String,
    /// The trailing number (123), if the key ends in a digit.
    pub number: Option<i64>,
}

impl SerialKey {
    /// The key of a serial as typed or scanned; refuses text with no letter or digit.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        if text.trim().chars().count() > MAX_KEY_TEXT {
            return Err(CodeError(format!(
                "A serial number has at most {MAX_KEY_TEXT} characters."
            )));
        }
        let key = text_key(text);
        if key.is_empty() {
            return Err(CodeError(
                "Enter the serial number printed on the unit's label.".into(),
            ));
        }
        Ok(Self::from_key(key))
    }

    /// Splits an already normalized key; an empty key matches no serial.
    fn from_key(key: String) -> Self {
        let digits = key
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .take(SERIAL_NUMBER_DIGITS)
            .count();
        let split = key.len() - digits;
        // The suffix is ASCII digits only, at most 18 of them, so it always parses; `ok()` keeps
        // the type honest without a panic path.
        let number = (digits > 0)
            .then(|| key[split..].parse::<i64>().ok())
            .flatten();
        let prefix = key[..split].to_owned();
        Self {
            key,
            prefix,
            number,
        }
    }

    /// The key of a stored serial, whatever its text (an empty key matches nothing).
    pub fn of(text: &str) -> Self {
        Self::from_key(text_key(text))
    }
}

/// A manufacturer's lot number, as printed (trimmed, upper-cased).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lot(String);

impl Lot {
    /// Parses a lot number: 1 to 64 characters. Upper-cased because the same lot typed in lower
    /// case must not split into a second stock line.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        if text_key(text).is_empty() {
            return Err(CodeError(
                "Enter the lot number printed on the package.".into(),
            ));
        }
        if text.chars().count() > MAX_KEY_TEXT {
            return Err(CodeError(format!(
                "A lot number has at most {MAX_KEY_TEXT} characters."
            )));
        }
        Ok(Self(text.to_uppercase()))
    }

    /// The lot as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lot's key for recall matching.
    pub fn key(&self) -> String {
        text_key(&self.0)
    }
}

impl TryFrom<String> for Lot {
    type Error = CodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Lot> for String {
    fn from(lot: Lot) -> Self {
        lot.0
    }
}

impl std::fmt::Display for Lot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_letters_and_digits_upper_cased() {
        assert_eq!(text_key(" ab-12 34/x."), "AB1234X");
        assert_eq!(
            text_key("Philips Respironics, Inc."),
            "PHILIPSRESPIRONICSINC"
        );
        assert_eq!(text_key("--"), "");
    }

    #[test]
    fn serials_split_into_prefix_and_trailing_number() {
        let key = SerialKey::parse("abc-000123").unwrap();
        assert_eq!(key.key, "ABC000123");
        assert_eq!(key.prefix, "ABC");
        assert_eq!(key.number, Some(123));

        let no_number = SerialKey::parse("12AB").unwrap();
        assert_eq!(
            (no_number.prefix.as_str(), no_number.number),
            ("12AB", None)
        );

        let digits_only = SerialKey::parse("0042").unwrap();
        assert_eq!(
            (digits_only.prefix.as_str(), digits_only.number),
            ("", Some(42))
        );

        // Twenty digits: only the last eighteen are the number, so it fits an i64.
        let long = SerialKey::parse("X99123456789012345678").unwrap();
        assert_eq!(long.prefix, "X99");
        assert_eq!(long.number, Some(123_456_789_012_345_678));
        let widest = SerialKey::parse("999999999999999999").unwrap();
        assert_eq!(widest.number, Some(999_999_999_999_999_999));
    }

    #[test]
    fn empty_or_overlong_serials_are_refused() {
        assert!(SerialKey::parse(" - / ").is_err());
        assert!(SerialKey::parse(&"9".repeat(65)).is_err());
        assert_eq!(SerialKey::of("--").key, "");
    }

    #[test]
    fn lots_are_trimmed_and_upper_cased() {
        assert_eq!(Lot::parse(" lot-7a ").unwrap().as_str(), "LOT-7A");
        assert_eq!(Lot::parse("lot-7a").unwrap().key(), "LOT7A");
        assert!(Lot::parse(" ").is_err());
        assert!(serde_json::from_str::<Lot>("\"\"").is_err());
        assert_eq!(
            serde_json::from_str::<Lot>("\"b12\"").unwrap(),
            Lot::parse("B12").unwrap()
        );
    }
}

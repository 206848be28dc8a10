//! Identifiers and codes that arrive as text and must be checked before they are stored:
//! NPI, MBI, ICD-10-CM, US state, ZIP code, phone number and e-mail address.
//! Each type can only be built through its parser, so a stored value is always well formed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a code was refused, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodeError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, CodeError> {
    Err(CodeError(message.into()))
}

/// Implements Display, FromStr and serde for a string newtype with a `parse` function.
macro_rules! text_code {
    ($name:ident) => {
        impl $name {
            /// The code as stored and transmitted.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
// The HCPCS catalog's code newtypes share this pattern.
pub(crate) use text_code;

/// A National Provider Identifier: 10 digits whose last is a Luhn check digit computed over
/// the card-issuer prefix 80840 followed by the first nine digits (CMS NPI check-digit rule).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Npi(String);
text_code!(Npi);

impl Npi {
    /// Parses and checks an NPI.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return refuse("An NPI is exactly 10 digits.");
        }
        let digits: Vec<u32> = text.bytes().map(|b| u32::from(b - b'0')).collect();
        if npi_check_digit(&digits[..9]) != digits[9] {
            return refuse("This NPI's check digit is wrong; check the number against NPPES.");
        }
        Ok(Self(text.to_owned()))
    }

    /// Builds a valid NPI from nine leading digits by appending the check digit (demo data).
    pub fn from_first_nine(first_nine: u32) -> Result<Self, CodeError> {
        let text = format!("{first_nine:09}");
        if text.len() != 9 {
            return refuse("An NPI stem is nine digits.");
        }
        let digits: Vec<u32> = text.bytes().map(|b| u32::from(b - b'0')).collect();
        Ok(Self(format!("{text}{}", npi_check_digit(&digits))))
    }
}

/// Luhn over "80840" + the nine digits; the constant 24 is the prefix's contribution.
fn npi_check_digit(first_nine: &[u32]) -> u32 {
    let mut sum = 24;
    for (i, digit) in first_nine.iter().rev().enumerate() {
        sum += if i % 2 == 0 {
            let doubled = digit * 2;
            doubled / 10 + doubled % 10
        } else {
            *digit
        };
    }
    (10 - sum % 10) % 10
}

/// A Medicare Beneficiary Identifier: 11 characters, C A AN N A AN N A A N N, where C is 1–9,
/// A is a letter other than S, L, O, I, B, Z, N is 0–9 and AN is either (CMS MBI format).
/// Dashes and spaces typed for readability are dropped; letters are upper-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mbi(String);
text_code!(Mbi);

impl Mbi {
    /// Parses and checks an MBI.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let compact: String = text
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        const SHAPE: &[u8; 11] = b"CAMNAMNAANN";
        if compact.len() != 11 || !compact.is_ascii() {
            return refuse("An MBI has 11 characters, like 1EG4-TE5-MK73.");
        }
        for (position, (kind, ch)) in SHAPE.iter().zip(compact.bytes()).enumerate() {
            let ok = match kind {
                b'C' => (b'1'..=b'9').contains(&ch),
                b'N' => ch.is_ascii_digit(),
                b'A' => mbi_letter(ch),
                _ => ch.is_ascii_digit() || mbi_letter(ch),
            };
            if !ok {
                let expected = match kind {
                    b'C' => "a digit 1-9",
                    b'N' => "a digit",
                    b'A' => "a letter other than S, L, O, I, B or Z",
                    _ => "a digit or a letter other than S, L, O, I, B or Z",
                };
                return refuse(format!(
                    "Character {} of an MBI must be {expected}.",
                    position + 1
                ));
            }
        }
        Ok(Self(compact))
    }
}

fn mbi_letter(ch: u8) -> bool {
    ch.is_ascii_uppercase() && !b"SLOIBZ".contains(&ch)
}

/// An ICD-10-CM diagnosis code, stored without the dot: a letter, a digit, a letter or digit,
/// then up to four more letters or digits (3 to 7 characters in all).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Icd10Cm(String);
text_code!(Icd10Cm);

impl Icd10Cm {
    /// Parses an ICD-10-CM code such as `G47.33` or `G4733`.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let trimmed = text.trim();
        let dots = trimmed.matches('.').count();
        let compact: String = trimmed
            .chars()
            .filter(|c| *c != '.')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = compact.as_bytes();
        let shape_ok = (3..=7).contains(&bytes.len())
            && bytes[0].is_ascii_uppercase()
            && bytes[1].is_ascii_digit()
            && bytes[2..].iter().all(u8::is_ascii_alphanumeric)
            && (dots == 0 || (dots == 1 && trimmed.find('.') == Some(3) && bytes.len() > 3));
        if !shape_ok {
            return refuse(
                "An ICD-10-CM code looks like G47.33: a letter, two characters, then an optional dot and up to four more.",
            );
        }
        Ok(Self(compact))
    }

    /// The code as people write it, with the dot after the third character.
    pub fn dotted(&self) -> String {
        if self.0.len() > 3 {
            format!("{}.{}", &self.0[..3], &self.0[3..])
        } else {
            self.0.clone()
        }
    }
}

/// The states, district and territories a US address can be in (USPS codes).
pub const US_STATES: [&str; 56] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
];

/// A USPS state or territory code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UsState(String);
text_code!(UsState);

impl UsState {
    /// Parses a two-letter state code, any case.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let code = text.trim().to_ascii_uppercase();
        if US_STATES.contains(&code.as_str()) {
            Ok(Self(code))
        } else {
            refuse("Use the two-letter USPS state code, such as OH.")
        }
    }
}

/// A US ZIP code, five digits or ZIP+4.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ZipCode(String);
text_code!(ZipCode);

impl ZipCode {
    /// Parses `12345`, `12345-6789` or `123456789`.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        let (five, four) = match text.split_once('-') {
            Some((five, four)) if four.len() == 4 => (five, Some(four)),
            None if text.len() == 9 && text.is_ascii() => (&text[..5], Some(&text[5..])),
            None => (text, None),
            Some(_) => ("", None),
        };
        if five.len() != 5 || !all_digits(five) || !four.is_none_or(all_digits) {
            return refuse("A ZIP code is 5 digits or ZIP+4 (12345-6789).");
        }
        Ok(Self(match four {
            Some(four) => format!("{five}-{four}"),
            None => five.to_owned(),
        }))
    }
}

/// A ten-digit North American phone number, stored as digits only.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);
text_code!(Phone);

impl Phone {
    /// Parses a phone number typed in any common layout; a leading country code 1 is dropped.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        if !text
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-.+".contains(c))
        {
            return refuse("A phone number has 10 digits, like (555) 123-4567.");
        }
        let mut digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 11 && digits.starts_with('1') {
            digits.remove(0);
        }
        if digits.len() != 10 {
            return refuse("A phone number has 10 digits, like (555) 123-4567.");
        }
        // North American Numbering Plan: area code and exchange start with 2-9.
        if digits.starts_with(['0', '1']) || digits[3..].starts_with(['0', '1']) {
            return refuse(
                "Check the number: US area codes and exchanges do not start with 0 or 1.",
            );
        }
        Ok(Self(digits))
    }

    /// The number as people read it: (555) 123-4567.
    pub fn formatted(&self) -> String {
        format!("({}) {}-{}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// An e-mail address, checked only for the shape `local@domain.tld` (delivery proves the rest).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);
text_code!(Email);

impl Email {
    /// Parses an e-mail address.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        let valid = text.len() <= 254
            && !text.chars().any(char::is_whitespace)
            && text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            refuse("Enter an e-mail address like name@example.com.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn npi_check_digit_matches_cms_example() {
        // CMS's worked example: 123456789 has check digit 3.
        assert!(Npi::parse("1234567893").is_ok());
        assert!(Npi::parse("1234567890").is_err());
        assert!(Npi::parse("123456789").is_err());
        assert!(Npi::parse("12345678ab").is_err());
        assert_eq!(
            Npi::from_first_nine(123_456_789).unwrap().as_str(),
            "1234567893"
        );
    }

    proptest! {
        #[test]
        fn generated_npis_validate_and_any_single_digit_change_fails(stem in 100_000_000u32..999_999_999, pos in 0usize..10, bump in 1u8..10) {
            let npi = Npi::from_first_nine(stem).unwrap();
            prop_assert!(Npi::parse(npi.as_str()).is_ok());
            let mut bytes = npi.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + bump) % 10;
            prop_assert!(Npi::parse(std::str::from_utf8(&bytes).unwrap()).is_err());
        }

        #[test]
        fn code_parsers_never_panic(text in "\\PC{0,20}") {
            let _ = Npi::parse(&text);
            let _ = Mbi::parse(&text);
            let _ = Icd10Cm::parse(&text);
            let _ = ZipCode::parse(&text);
            let _ = Phone::parse(&text);
            let _ = Email::parse(&text);
            let _ = UsState::parse(&text);
        }
    }

    #[test]
    fn mbi_follows_the_cms_format() {
        assert_eq!(Mbi::parse("1EG4-TE5-MK73").unwrap().as_str(), "1EG4TE5MK73");
        assert_eq!(Mbi::parse("1eg4te5mk73").unwrap().as_str(), "1EG4TE5MK73");
        assert!(
            Mbi::parse("0EG4TE5MK73").is_err(),
            "first character cannot be 0"
        );
        assert!(Mbi::parse("1SG4TE5MK73").is_err(), "S is excluded");
        assert!(Mbi::parse("1EG4TE5MK7").is_err(), "too short");
        let err = Mbi::parse("1EGATE5MK73").unwrap_err();
        assert!(err.0.contains("Character 4"), "{err}");
    }

    #[test]
    fn icd10_accepts_dotted_and_compact_forms() {
        assert_eq!(Icd10Cm::parse("g47.33").unwrap().as_str(), "G4733");
        assert_eq!(Icd10Cm::parse("J449").unwrap().dotted(), "J44.9");
        assert_eq!(Icd10Cm::parse("E11").unwrap().dotted(), "E11");
        for bad in ["", "47.33", "G4", "G47.33.1", "G4.733", "G47.", "G4733XXX"] {
            assert!(Icd10Cm::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn addresses_and_contacts_normalise() {
        assert_eq!(UsState::parse(" oh ").unwrap().as_str(), "OH");
        assert!(UsState::parse("XX").is_err());
        assert_eq!(ZipCode::parse("432151234").unwrap().as_str(), "43215-1234");
        assert!(ZipCode::parse("4321").is_err());
        assert!(ZipCode::parse("12345-").is_err());
        assert!(ZipCode::parse("1-2-3-4-5").is_err());
        assert_eq!(ZipCode::parse("12345").unwrap().as_str(), "12345");
        assert!(
            Phone::parse("(014) 555-0100").is_err(),
            "area codes start with 2-9"
        );
        assert!(
            Phone::parse("(614) 155-0100").is_err(),
            "exchanges start with 2-9"
        );
        assert_eq!(
            Phone::parse("+1 (614) 555-0100").unwrap().as_str(),
            "6145550100"
        );
        assert_eq!(
            Phone::parse("614.555.0100").unwrap().formatted(),
            "(614) 555-0100"
        );
        assert!(Phone::parse("555-0100").is_err());
        assert!(Phone::parse("call me").is_err());
        assert!(Email::parse("a@b.co").is_ok());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.de").is_err());
    }
}

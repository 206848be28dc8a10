//! The codes a HCPCS Level II catalog holds: procedure codes (E0260) and modifiers (RR).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::{CodeError, text_code};

/// A HCPCS Level II code: one letter A–V and four digits, upper case (CMS HCPCS file layout).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hcpcs(String);
text_code!(Hcpcs);

impl Hcpcs {
    /// Parses a code such as `E0260` or ` e0260 `.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let code = text.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        let shaped = bytes.len() == 5
            && (b'A'..=b'V').contains(&bytes[0])
            && bytes[1..].iter().all(u8::is_ascii_digit);
        if shaped {
            Ok(Self(code))
        } else {
            Err(CodeError(
                "A HCPCS Level II code is a letter A-V and four digits, like E0260.".to_owned(),
            ))
        }
    }

    /// The leading letter, which names the code's section (E = durable medical equipment …).
    pub fn section(&self) -> char {
        // parse() guarantees an ASCII upper-case letter at index 0.
        char::from(self.0.as_bytes()[0])
    }
}

/// A HCPCS modifier: two letters or digits, upper case (RR, NU, KX, 59).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModifierCode(String);
text_code!(ModifierCode);

impl ModifierCode {
    /// Parses a modifier such as `RR` or `kx`.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let code = text.trim().to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(code))
        } else {
            Err(CodeError(
                "A HCPCS modifier is two letters or digits, like RR.".to_owned(),
            ))
        }
    }
}

/// Whether a catalog entry is a procedure code or a modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A HCPCS Level II procedure, supply or equipment code.
    Procedure,
    /// A HCPCS modifier.
    Modifier,
}

impl RecordKind {
    /// The stored name, as in the CSV layout's `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Procedure => "procedure",
            Self::Modifier => "modifier",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "procedure" => Ok(Self::Procedure),
            "modifier" => Ok(Self::Modifier),
            _ => Err(CodeError(
                "A catalog entry is either a procedure or a modifier.".to_owned(),
            )),
        }
    }
}

/// The code of one catalog entry; its variant says which kind of entry it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CatalogCode {
    /// A procedure code such as E0260.
    Procedure(Hcpcs),
    /// A modifier such as RR.
    Modifier(ModifierCode),
}

impl CatalogCode {
    /// Parses `text` as the given kind of code.
    pub fn parse(kind: RecordKind, text: &str) -> Result<Self, CodeError> {
        match kind {
            RecordKind::Procedure => Hcpcs::parse(text).map(Self::Procedure),
            RecordKind::Modifier => ModifierCode::parse(text).map(Self::Modifier),
        }
    }

    /// The code as stored: `E0260` or `RR`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Procedure(code) => code.as_str(),
            Self::Modifier(code) => code.as_str(),
        }
    }

    /// Which kind of entry this code names.
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::Procedure(_) => RecordKind::Procedure,
            Self::Modifier(_) => RecordKind::Modifier,
        }
    }
}

impl fmt::Display for CatalogCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hcpcs_is_a_letter_a_to_v_and_four_digits() {
        assert_eq!(Hcpcs::parse(" e0260 ").unwrap().as_str(), "E0260");
        assert_eq!(Hcpcs::parse("V5999").unwrap().section(), 'V');
        for bad in [
            "", "E026", "E02600", "W0260", "0260E", "EE260", "E02 6", "É0260",
        ] {
            assert!(Hcpcs::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!("K0823".parse::<Hcpcs>().unwrap().to_string(), "K0823");
    }

    #[test]
    fn modifiers_are_two_alphanumerics() {
        assert_eq!(ModifierCode::parse("rr").unwrap().as_str(), "RR");
        assert_eq!(ModifierCode::parse("59").unwrap().as_str(), "59");
        for bad in ["", "R", "RRR", "R-", "é1"] {
            assert!(
                ModifierCode::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn catalog_codes_know_their_kind_and_serialize_as_text() {
        let code = CatalogCode::parse(RecordKind::Procedure, "E1390").unwrap();
        assert_eq!(code.kind(), RecordKind::Procedure);
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"E1390\"");
        let modifier = CatalogCode::parse(RecordKind::Modifier, "KX").unwrap();
        assert_eq!(modifier.kind(), RecordKind::Modifier);
        assert_eq!(modifier.to_string(), "KX");
        assert!(CatalogCode::parse(RecordKind::Modifier, "E1390").is_err());
        let back: Hcpcs = serde_json::from_str("\"e0601\"").unwrap();
        assert_eq!(back.as_str(), "E0601");
        assert!(serde_json::from_str::<Hcpcs>("\"X0601\"").is_err());
        for kind in [RecordKind::Procedure, RecordKind::Modifier] {
            assert_eq!(kind.as_str().parse::<RecordKind>().unwrap(), kind);
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }

    proptest! {
        #[test]
        fn code_parsers_never_panic(text in "\\PC{0,8}") {
            let _ = Hcpcs::parse(&text);
            let _ = ModifierCode::parse(&text);
            let _ = text.parse::<RecordKind>();
        }
    }
}

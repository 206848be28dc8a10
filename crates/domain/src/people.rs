//! The closed vocabularies of intake: sex, contact preference, coverage priority and the like.
//! Each is stored by its `as_str` name and shown by its `label`.

use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// Declares a closed vocabulary with a stored name and a label for each value.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($text:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The name people read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a stored name.
            pub fn parse(text: &str) -> Result<Self, CodeError> {
                let wanted = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| {
                        let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        CodeError(format!("Choose one of: {}.", names.join(", ")))
                    })
            }
        }
    };
}

vocabulary!(
    /// Administrative sex as payers record it (X12 DMG03: F, M, U).
    Sex {
        Female => ("female", "Female"),
        Male => ("male", "Male"),
        Unknown => ("unknown", "Unknown"),
    }
);

vocabulary!(
    /// How the patient wants to be reached.
    PreferredContact {
        Phone => ("phone", "Phone call"),
        Text => ("text", "Text message"),
        Email => ("email", "E-mail"),
        Mail => ("mail", "Mail"),
    }
);

vocabulary!(
    /// Which payer pays first.
    CoveragePriority {
        Primary => ("primary", "Primary"),
        Secondary => ("secondary", "Secondary"),
        Tertiary => ("tertiary", "Tertiary"),
    }
);

vocabulary!(
    /// The patient's relationship to the policy's subscriber (X12 2000B/2000C).
    SubscriberRelationship {
        SelfInsured => ("self", "Self"),
        Spouse => ("spouse", "Spouse"),
        Child => ("child", "Child"),
        Other => ("other", "Other"),
    }
);

vocabulary!(
    /// Which of a patient's addresses this is.
    AddressKind {
        Home => ("home", "Home"),
        Delivery => ("delivery", "Delivery"),
    }
);

vocabulary!(
    /// Which of a patient's phones this is.
    PhoneKind {
        Mobile => ("mobile", "Mobile"),
        Home => ("home", "Home"),
        Work => ("work", "Work"),
    }
);

vocabulary!(
    /// The kind of payer, which decides which rules apply to its claims.
    PayerKind {
        Medicare => ("medicare", "Medicare"),
        Medicaid => ("medicaid", "Medicaid"),
        Commercial => ("commercial", "Commercial"),
    }
);

vocabulary!(
    /// Where referrals come from.
    ReferralSourceKind {
        Practice => ("practice", "Physician practice"),
        Hospital => ("hospital", "Hospital"),
        SkilledNursing => ("snf", "Skilled nursing facility"),
        HomeHealth => ("home_health", "Home health agency"),
        Other => ("other", "Other"),
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_parse_their_own_names_and_refuse_others() {
        for value in CoveragePriority::ALL {
            assert_eq!(CoveragePriority::parse(value.as_str()).unwrap(), *value);
        }
        assert_eq!(Sex::parse("FEMALE").unwrap(), Sex::Female);
        let err = ReferralSourceKind::parse("church").unwrap_err();
        assert!(err.0.contains("practice, hospital"), "{err}");
        assert_eq!(
            serde_json::to_string(&SubscriberRelationship::SelfInsured).unwrap(),
            "\"self\""
        );
    }
}

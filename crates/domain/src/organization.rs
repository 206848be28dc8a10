//! The supplier's own identifiers, as they go on every claim as the billing provider: the
//! employer identification number, the NUCC provider taxonomy code, and the time zone that
//! decides which calendar day "today" is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::{CodeError, text_code};

/// A federal tax identification number (EIN, IRS form SS-4): nine digits, stored without the
/// dash and shown as `12-3456789`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TaxId(String);
text_code!(TaxId);

impl TaxId {
    /// Parses nine digits, with or without the dash after the second.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        let digits: String = text.chars().filter(|c| *c != '-').collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) || text.len() > 10 {
            return Err(CodeError(
                "A tax ID (EIN) has nine digits, like 12-3456789.".into(),
            ));
        }
        Ok(Self(digits))
    }

    /// The number as people read it: 12-3456789.
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.0[..2], &self.0[2..])
    }
}

/// A Health Care Provider Taxonomy code (NUCC code set), such as 332B00000X for a durable
/// medical equipment and medical supplies supplier: ten letters and digits, stored upper-case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TaxonomyCode(String);
text_code!(TaxonomyCode);

impl TaxonomyCode {
    /// Parses a taxonomy code.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CodeError(
                "A taxonomy code has 10 letters and digits, such as 332B00000X.".into(),
            ));
        }
        Ok(Self(text.to_ascii_uppercase()))
    }
}

/// A time zone of the IANA time zone database, such as `America/Chicago`: daylight saving time
/// included, so "today" turns over at the supplier's local midnight all year.
#[derive(Clone, Debug)]
pub struct TimeZoneName {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl TimeZoneName {
    /// Parses an IANA time zone name (case as the database spells it is not required).
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        let zone = jiff::tz::TimeZone::get(text).map_err(|_| {
            CodeError(
                "Choose a time zone from the IANA list, such as America/New_York or America/Chicago."
                    .into(),
            )
        })?;
        let name = zone.iana_name().unwrap_or(text).to_owned();
        Ok(Self { name, zone })
    }

    /// Coordinated Universal Time: the zone before an administrator chooses one.
    pub fn utc() -> Self {
        Self {
            name: "UTC".into(),
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The zone's offset from UTC at `at` (daylight saving time applied).
    pub fn offset_at(&self, at: time::OffsetDateTime) -> time::UtcOffset {
        let seconds = jiff::Timestamp::from_second(at.unix_timestamp())
            .map(|instant| self.zone.to_offset(instant).seconds())
            .unwrap_or(0);
        // jiff's and time's offsets share the range of ±25:59:59, so this always converts.
        time::UtcOffset::from_whole_seconds(seconds).unwrap_or(time::UtcOffset::UTC)
    }

    /// The zone of a fixed offset (a clock stopped at an instant with an offset).
    pub fn fixed(offset: time::UtcOffset) -> Self {
        let zone = jiff::tz::Offset::from_seconds(offset.whole_seconds())
            .map(jiff::tz::TimeZone::fixed)
            .unwrap_or(jiff::tz::TimeZone::UTC);
        Self {
            name: offset.to_string(),
            zone,
        }
    }
}

impl PartialEq for TimeZoneName {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for TimeZoneName {}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl FromStr for TimeZoneName {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for TimeZoneName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for TimeZoneName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on purpose.
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn tax_ids_keep_nine_digits() {
        assert_eq!(TaxId::parse("12-3456789").unwrap().as_str(), "123456789");
        assert_eq!(TaxId::parse("123456789").unwrap().formatted(), "12-3456789");
        assert!(TaxId::parse("12-345678").is_err());
        assert!(TaxId::parse("12-34567a9").is_err());
        assert!(TaxId::parse("1-2-3-4-5-6789").is_err());
    }

    #[test]
    fn taxonomy_codes_are_ten_characters() {
        assert_eq!(
            TaxonomyCode::parse("332b00000x").unwrap().as_str(),
            "332B00000X"
        );
        assert!(TaxonomyCode::parse("332B0000X").is_err());
        assert!(TaxonomyCode::parse("332B0000-X").is_err());
    }

    #[test]
    fn time_zones_follow_daylight_saving() {
        let chicago = TimeZoneName::parse("America/Chicago").unwrap();
        assert_eq!(chicago.as_str(), "America/Chicago");
        let winter = chicago.offset_at(datetime!(2026-12-02 12:00 UTC));
        let summer = chicago.offset_at(datetime!(2026-07-02 12:00 UTC));
        assert_eq!(winter.whole_hours(), -6);
        assert_eq!(summer.whole_hours(), -5);
        assert!(TimeZoneName::parse("Mars/Olympus_Mons").is_err());
        assert_eq!(
            TimeZoneName::utc().offset_at(datetime!(2026-07-02 12:00 UTC)),
            time::UtcOffset::UTC
        );
    }
}

//! Where a page of a list starts. Both databases take offsets as signed 64-bit integers, so a
//! larger one is refused as bad input before it reaches them.

use serde::{Deserialize, Deserializer};

/// The largest offset either database accepts.
const MAX_OFFSET: u64 = i64::MAX.unsigned_abs();

/// What to tell a client whose offset or cursor does not parse.
pub(crate) const BAD_OFFSET: &str =
    "Pass back the 'next' value of the previous page (a whole number up to 9223372036854775807).";

/// Parses an offset sent by a client.
pub(crate) fn parse_offset(text: &str) -> Option<u64> {
    text.parse().ok().filter(|offset| *offset <= MAX_OFFSET)
}

/// `serde(deserialize_with)` for a page's `offset` query field.
pub(crate) fn offset<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let text = String::deserialize(deserializer)?;
    match text.trim() {
        "" => Ok(0),
        text => parse_offset(text).ok_or_else(|| serde::de::Error::custom(BAD_OFFSET)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_stop_at_the_databases_limit() {
        assert_eq!(parse_offset("0"), Some(0));
        assert_eq!(
            parse_offset("9223372036854775807"),
            Some(9_223_372_036_854_775_807)
        );
        assert_eq!(parse_offset("9223372036854775808"), None);
        assert_eq!(parse_offset("18446744073709551615"), None);
        assert_eq!(parse_offset("-1"), None);
        assert_eq!(parse_offset("1e3"), None);
    }
}

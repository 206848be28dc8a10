//! Parsing helpers shared by the intake forms.

use durable_domain::codes::{UsState, ZipCode};
use durable_domain::validation::FieldErrors;

/// The longest free-text name or address line accepted.
pub(crate) const MAX_TEXT: usize = 100;

/// A checked postal address.
pub(crate) struct ParsedAddress {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// Parses the five address fields named `{prefix}line1` … `{prefix}postal_code`.
pub(crate) fn parse_address(
    errors: &mut FieldErrors,
    prefix: &str,
    [line1, line2, city, state, zip]: [Option<&str>; 5],
) -> Option<ParsedAddress> {
    let field = |name: &str| format!("{prefix}{name}");
    let line1 = errors.required(&field("line1"), line1.unwrap_or(""), MAX_TEXT);
    let line2 = errors.optional(&field("line2"), line2, MAX_TEXT);
    let city = errors.required(&field("city"), city.unwrap_or(""), MAX_TEXT);
    let state = errors.check(&field("state"), UsState::parse(state.unwrap_or("")));
    let zip = errors.check(&field("postal_code"), ZipCode::parse(zip.unwrap_or("")));
    Some(ParsedAddress {
        line1: line1?,
        line2,
        city: city?,
        state: state?.as_str().to_owned(),
        postal_code: zip?.as_str().to_owned(),
    })
}

/// Whether a form flag is set: a ticked checkbox sends "on", the API sends "true".
pub(crate) fn flag(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some("on" | "true" | "1" | "yes"))
}

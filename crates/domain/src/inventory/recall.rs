//! Which units a recall campaign affects (recall traceability, which the DMEPOS accreditation
//! quality standards ask for).
//!
//! A campaign names a manufacturer, optionally one model, and what it covers: every unit of the
//! model, serial ranges, an explicit serial list, manufacturer lots, or any mix (a unit matches
//! when any of them does). Text is compared by key (see [`super::keys`]): letters and digits,
//! upper-cased.
//!
//! **Serial range rule.** A range is inclusive. Both ends must have the same prefix and end in a
//! number; a serial is inside when its prefix equals that prefix and its number lies between the
//! two numbers, compared as numbers (so `SN0999` < `SN1000`, and `SN01500` is inside
//! `SN1000`–`SN1999`: leading zeros do not matter). A serial with another prefix, or with no
//! trailing number, is never inside a range.
//!
//! **In SQL.** Store [`AssetKeys`] as columns of the asset row (`manufacturer_key`, `model_key`,
//! `serial_key`, `serial_prefix`, `serial_number` BIGINT NULL, `lot_key` NULL), computed with
//! [`AssetKeys::of`] when the asset is saved. A [`Campaign`] is then one WHERE clause:
//!
//! ```text
//! manufacturer_key = :manufacturer
//!   [AND model_key = :model]                                  -- when the campaign names a model
//!   AND ( TRUE                                                -- Selector::EveryUnit
//!      OR (serial_prefix = :p AND serial_number BETWEEN :low AND :high)   -- each SerialRange
//!      OR serial_key IN (:serials…)                           -- Selector::Serials
//!      OR lot_key IN (:lots…) )                               -- Selector::Lots
//! ```
//!
//! With an index on (manufacturer_key, model_key, serial_prefix, serial_number) and one on
//! (manufacturer_key, serial_key), which is also the unique key that refuses duplicate serials,
//! the affected assets come from index range scans; the patients who ever held them are a join
//! of those asset ids to the custody events (index on custody(asset_id)). [`Campaign::matches`]
//! is the same predicate in Rust, and the reference the SQL must agree with in tests.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::keys::{MAX_KEY_TEXT, SerialKey, text_key};
use crate::validation::FieldErrors;

/// What identifies a unit for a recall, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AssetIdentity {
    /// The manufacturer's name.
    pub manufacturer: String,
    /// The model (name or number).
    pub model: String,
    /// The serial number.
    pub serial: String,
    /// The manufacturer's lot, when known.
    #[serde(default)]
    pub lot: Option<String>,
}

/// The normalized keys of a unit: the columns recall queries filter on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AssetKeys {
    /// Key of the manufacturer's name.
    pub manufacturer_key: String,
    /// Key of the model.
    pub model_key: String,
    /// The serial's key and range parts.
    pub serial: SerialKey,
    /// Key of the lot.
    pub lot_key: Option<String>,
}

impl AssetKeys {
    /// The keys of a unit.
    pub fn of(asset: &AssetIdentity) -> Self {
        Self {
            manufacturer_key: text_key(&asset.manufacturer),
            model_key: text_key(&asset.model),
            serial: SerialKey::of(&asset.serial),
            lot_key: asset
                .lot
                .as_deref()
                .map(text_key)
                .filter(|key| !key.is_empty()),
        }
    }
}

/// A recall campaign as a person enters it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignInput {
    /// The manufacturer's name.
    pub manufacturer: String,
    /// The model; empty for a campaign by lot that spans models.
    pub model: Option<String>,
    /// Every unit of the model is affected.
    pub every_unit: bool,
    /// Inclusive serial ranges.
    pub serial_ranges: Vec<SerialRangeInput>,
    /// Serials listed one by one.
    pub serials: Vec<String>,
    /// Manufacturer lots.
    pub lots: Vec<String>,
}

/// An inclusive serial range as entered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialRangeInput {
    /// First serial in the range.
    pub first: String,
    /// Last serial in the range.
    pub last: String,
}

/// One way a campaign selects units; a unit is affected when any selector matches.
/// Adjacently tagged: an internally tagged enum cannot carry the serial and lot sets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum Selector {
    /// Every unit of the campaign's model.
    EveryUnit,
    /// Serials with this prefix and a number from `low` to `high`, inclusive.
    SerialRange {
        /// The shared prefix key.
        prefix: String,
        /// Lowest number.
        low: i64,
        /// Highest number.
        high: i64,
    },
    /// These serial keys.
    Serials(BTreeSet<String>),
    /// These lot keys.
    Lots(BTreeSet<String>),
}

impl Selector {
    fn matches(&self, asset: &AssetKeys) -> bool {
        match self {
            Self::EveryUnit => true,
            Self::SerialRange { prefix, low, high } => {
                asset.serial.prefix == *prefix
                    && asset
                        .serial
                        .number
                        .is_some_and(|number| (*low..=*high).contains(&number))
            }
            Self::Serials(keys) => keys.contains(&asset.serial.key),
            Self::Lots(keys) => asset.lot_key.as_ref().is_some_and(|lot| keys.contains(lot)),
        }
    }
}

/// A checked recall campaign, normalized for matching.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Campaign {
    /// Key of the manufacturer's name.
    pub manufacturer_key: String,
    /// Key of the model, or `None` for every model of the manufacturer.
    pub model_key: Option<String>,
    /// What the campaign covers; never empty.
    pub selectors: Vec<Selector>,
}

impl Campaign {
    /// Checks and normalizes a campaign, collecting every problem by field
    /// (`manufacturer`, `model`, `serial_ranges[0].first`, `serials[2]`, `lots[0]`, `scope`).
    pub fn parse(input: &CampaignInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let manufacturer_key = required_key(&mut errors, "manufacturer", &input.manufacturer);
        let model_key = match input.model.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(model) => required_key(&mut errors, "model", model),
        };
        let mut selectors = Vec::new();
        if input.every_unit {
            if input.model.as_deref().is_none_or(|m| m.trim().is_empty()) {
                errors.add("model", "Name the model whose every unit is recalled.");
            }
            if !(input.serial_ranges.is_empty()
                && input.serials.is_empty()
                && input.lots.is_empty())
            {
                errors.add("scope", "A recall of every unit needs no serials or lots: clear them or untick every unit.");
            }
            selectors.push(Selector::EveryUnit);
        }
        for (i, range) in input.serial_ranges.iter().enumerate() {
            if let Some(selector) = parse_range(&mut errors, i, range) {
                selectors.push(selector);
            }
        }
        let serials = keys_of(&mut errors, "serials", &input.serials);
        if !serials.is_empty() {
            selectors.push(Selector::Serials(serials));
        }
        let lots = keys_of(&mut errors, "lots", &input.lots);
        if !lots.is_empty() {
            selectors.push(Selector::Lots(lots));
        }
        if selectors.is_empty() && errors.is_empty() {
            errors.add("scope", "Say which units are recalled: every unit of the model, serial ranges, serials or lots.");
        }
        errors.finish(|| {
            Some(Self {
                manufacturer_key: manufacturer_key?,
                model_key,
                selectors,
            })
        })
    }

    /// Whether the unit with these keys is affected.
    pub fn matches(&self, asset: &AssetKeys) -> bool {
        asset.manufacturer_key == self.manufacturer_key
            && self
                .model_key
                .as_ref()
                .is_none_or(|model| *model == asset.model_key)
            && self
                .selectors
                .iter()
                .any(|selector| selector.matches(asset))
    }

    /// The affected items among many, in their order; `keys` reads each item's stored keys.
    pub fn select<'a, T>(
        &self,
        items: impl IntoIterator<Item = &'a T>,
        keys: impl Fn(&T) -> &AssetKeys,
    ) -> Vec<&'a T>
    where
        T: 'a,
    {
        items
            .into_iter()
            .filter(|item| self.matches(keys(item)))
            .collect()
    }
}

/// Whether `campaign` affects `asset`.
pub fn affects(campaign: &Campaign, asset: &AssetIdentity) -> bool {
    campaign.matches(&AssetKeys::of(asset))
}

fn required_key(errors: &mut FieldErrors, field: &str, text: &str) -> Option<String> {
    let text = errors.required(field, text, MAX_KEY_TEXT)?;
    let key = text_key(&text);
    if key.is_empty() {
        errors.add(field, "Use letters or digits.");
        return None;
    }
    Some(key)
}

fn parse_range(errors: &mut FieldErrors, i: usize, range: &SerialRangeInput) -> Option<Selector> {
    let first_field = format!("serial_ranges[{i}].first");
    let last_field = format!("serial_ranges[{i}].last");
    let first = errors.check(&first_field, SerialKey::parse(&range.first));
    let last = errors.check(&last_field, SerialKey::parse(&range.last));
    let (first, last) = (first?, last?);
    let (Some(low), Some(high)) = (first.number, last.number) else {
        let field = if first.number.is_none() {
            &first_field
        } else {
            &last_field
        };
        errors.add(field, "Both ends of a serial range must end in digits.");
        return None;
    };
    if first.prefix != last.prefix {
        errors.add(&last_field, format!(
            "Both ends of a serial range must share the part before the number ({} and {} differ).",
            first.prefix, last.prefix
        ));
        return None;
    }
    if low > high {
        errors.add(
            &last_field,
            "The last serial of a range must not come before the first.",
        );
        return None;
    }
    Some(Selector::SerialRange {
        prefix: first.prefix,
        low,
        high,
    })
}

fn keys_of(errors: &mut FieldErrors, field: &str, texts: &[String]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (i, text) in texts.iter().enumerate() {
        let key = text_key(text);
        if key.is_empty() || text.trim().chars().count() > MAX_KEY_TEXT {
            errors.add(
                &format!("{field}[{i}]"),
                format!("Enter up to {MAX_KEY_TEXT} characters, with letters or digits."),
            );
        } else {
            keys.insert(key);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_needs_a_manufacturer_and_a_scope() {
        let errors = Campaign::parse(&CampaignInput::default()).unwrap_err();
        assert!(errors.for_field("manufacturer").is_some());
        let errors = Campaign::parse(&CampaignInput {
            manufacturer: "Acme".into(),
            ..CampaignInput::default()
        })
        .unwrap_err();
        assert!(errors.for_field("scope").is_some());
    }

    #[test]
    fn ranges_need_a_shared_prefix_numbers_and_order() {
        let campaign = |first: &str, last: &str| {
            Campaign::parse(&CampaignInput {
                manufacturer: "Acme".into(),
                serial_ranges: vec![SerialRangeInput {
                    first: first.into(),
                    last: last.into(),
                }],
                ..CampaignInput::default()
            })
        };
        assert!(campaign("SN100", "SN200").is_ok());
        let errors = campaign("SN100", "SX200").unwrap_err();
        assert!(
            errors
                .for_field("serial_ranges[0].last")
                .unwrap()
                .contains("SN and SX")
        );
        assert!(campaign("SN200", "SN100").is_err());
        assert!(
            campaign("SNA", "SN100")
                .unwrap_err()
                .for_field("serial_ranges[0].first")
                .is_some()
        );
        assert!(campaign("", "SN100").is_err());
    }

    #[test]
    fn a_campaign_round_trips_through_json_for_storage() {
        let campaign = Campaign::parse(&CampaignInput {
            manufacturer: "Acme".into(),
            serials: vec!["A1".into()],
            lots: vec!["L1".into()],
            serial_ranges: vec![SerialRangeInput {
                first: "SN1".into(),
                last: "SN9".into(),
            }],
            ..CampaignInput::default()
        })
        .unwrap();
        let json = serde_json::to_string(&campaign).unwrap();
        assert_eq!(serde_json::from_str::<Campaign>(&json).unwrap(), campaign);
    }

    #[test]
    fn every_unit_needs_a_model_and_nothing_else() {
        let errors = Campaign::parse(&CampaignInput {
            manufacturer: "Acme".into(),
            every_unit: true,
            lots: vec!["L1".into()],
            ..CampaignInput::default()
        })
        .unwrap_err();
        assert!(errors.for_field("model").is_some());
        assert!(errors.for_field("scope").is_some());
    }
}

//! Importing the CMS DMEPOS fee schedule and the supplier's list of rural ZIP codes.
//!
//! A fee schedule file is loaded for one effective date. Loading the same file again changes no
//! amount; a newer file for the same date replaces the amounts it changes or drops (the old rows
//! are kept, marked as replaced by that import). Rows whose HCPCS code is not in the catalog are
//! left out and listed in the summary, so nothing is stored that no claim could use.

use std::collections::{HashMap, HashSet};

use durable_domain::catalog::fee_schedule;
use durable_domain::codes::ZipCode;
use durable_domain::money::Money;
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::catalog as catalog_store;
use durable_store::pricing::{self as store, FeeScheduleAmount, FeeScheduleImport, RuralZip};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;
use uuid::Uuid;

use crate::audit::{Audit, record};
use crate::forms::MAX_TEXT;
use crate::{Actor, App, AppResult, Permission};

/// What one fee schedule import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FeeScheduleSummary {
    /// The import's id.
    pub id: Uuid,
    /// The date the amounts take effect.
    pub effective: Date,
    /// Rows (code and modifier combinations) in the file.
    pub rows: u32,
    /// Amounts (one per row, state and rural/non-rural) not on file for that date before.
    pub added: u32,
    /// Amounts that differ from what was on file (the old ones are kept as replaced).
    pub changed: u32,
    /// Amounts on file for that date that the file no longer gives (kept as replaced).
    pub removed: u32,
    /// Amounts identical to what was on file.
    pub unchanged: u32,
    /// HCPCS codes in the file that are not in the catalog: their rows were not imported.
    pub unknown_codes: Vec<String>,
}

/// A past fee schedule import.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeeScheduleImportView {
    /// What it did (its counts are the amounts it added, changed, removed, left unchanged).
    #[serde(flatten)]
    pub summary: FeeScheduleSummary,
    /// The file's name.
    pub file_name: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub imported_at: time::OffsetDateTime,
    /// Who.
    pub imported_by: String,
}

/// Identifies one amount: code, modifiers, state and area.
type AmountKey = (String, String, String, String, bool);

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn count_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The first day of the calendar quarter holding `day`: CMS publishes the fee schedule
/// quarterly, so that is the date an import applies from when none is given.
fn quarter_start(day: Date) -> Date {
    let month = (u8::from(day.month()) - 1) / 3 * 3 + 1;
    time::Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(day.year(), m, 1).ok())
        .unwrap_or(day)
}

/// Loads a CMS DMEPOS fee schedule CSV for `effective` (`YYYY-MM-DD`; the first day of the
/// current quarter when absent). The whole file or nothing is applied.
pub async fn import_fee_schedule(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    effective: Option<&str>,
) -> AppResult<FeeScheduleSummary> {
    actor.require(Permission::PricingWrite)?;
    let effective = match effective.map(str::trim) {
        None | Some("") => quarter_start(app.clock.today()),
        Some(text) => parse_date(text).map_err(|e| FieldErrors::single("effective", e.0))?,
    };
    let rows = fee_schedule::parse(bytes)
        .map_err(|err| FieldErrors::single("file", format!("{err} Nothing was imported.")))?;
    let mut seen = HashSet::with_capacity(rows.len());
    for row in &rows {
        let key = (&row.hcpcs, &row.modifier, &row.modifier2);
        if !seen.insert(key) {
            let mods: Vec<&str> = [&row.modifier, &row.modifier2]
                .into_iter()
                .flatten()
                .map(|m| m.as_str())
                .collect();
            return Err(FieldErrors::single(
                "file",
                format!(
                    "The file lists {} {} more than once; nothing was imported.",
                    row.hcpcs,
                    mods.join(" ")
                ),
            )
            .into());
        }
    }

    let id = Uuid::now_v7();
    let tx = app.store.begin_write().await?;
    let catalog: HashSet<String> = catalog_store::all_hcpcs_codes(tx.conn())
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut existing: HashMap<AmountKey, (Uuid, i64)> =
        store::current_fee_amounts(tx.conn(), effective)
            .await?
            .into_iter()
            .map(|a| {
                (
                    (a.hcpcs, a.modifier, a.modifier2, a.state, a.rural),
                    (a.id, a.amount_cents),
                )
            })
            .collect();
    let mut unknown = Vec::new();
    let (mut added, mut replaced) = (Vec::new(), Vec::new());
    let (mut changed, mut unchanged) = (0u32, 0u32);
    for row in &rows {
        let code = row.hcpcs.as_str();
        if !catalog.contains(code) {
            unknown.push(code.to_owned());
            continue;
        }
        let modifier = row.modifier.as_ref().map_or("", |m| m.as_str());
        let modifier2 = row.modifier2.as_ref().map_or("", |m| m.as_str());
        for state in &row.amounts {
            for (rural, amount) in [(false, state.non_rural), (true, state.rural)] {
                let Some(amount) = amount else { continue };
                let key: AmountKey = (
                    code.to_owned(),
                    modifier.to_owned(),
                    modifier2.to_owned(),
                    state.state.as_str().to_owned(),
                    rural,
                );
                match existing.remove(&key) {
                    Some((_, cents)) if cents == amount.cents() => {
                        unchanged += 1;
                        continue;
                    }
                    Some((old, _)) => {
                        changed += 1;
                        replaced.push(old);
                    }
                    None => {}
                }
                added.push(amount_row(id, effective, key, amount));
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    // What is left on file for this date is what the new file no longer lists.
    let removed = count(existing.len());
    replaced.extend(existing.into_values().map(|(old, _)| old));
    let summary = FeeScheduleSummary {
        id,
        effective,
        rows: count(rows.len()),
        added: count(added.len()).saturating_sub(changed),
        changed,
        removed,
        unchanged,
        unknown_codes: unknown,
    };
    let import = FeeScheduleImport {
        id,
        file_name: file_name.chars().take(MAX_TEXT).collect(),
        file_sha256: hex::encode(Sha256::digest(bytes)),
        effective,
        imported_at: app.clock.now(),
        imported_by: actor.username.clone(),
        amounts_added: count_i32(summary.added),
        amounts_changed: count_i32(summary.changed),
        amounts_removed: count_i32(summary.removed),
        amounts_unchanged: count_i32(summary.unchanged),
        unknown_codes: summary.unknown_codes.join(","),
    };
    store::record_fee_schedule_import(tx.conn(), import, added, replaced).await?;
    let event = Audit::new("pricing.import_fee_schedule", "fee_schedule_import", id).detail(
        serde_json::json!({
            "file": file_name,
            "effective": effective.to_string(),
            "added": summary.added,
            "changed": summary.changed,
            "removed": summary.removed,
            "unchanged": summary.unchanged,
            "unknown_codes": summary.unknown_codes,
        }),
    );
    record(tx.conn(), &app.clock, actor, event).await?;
    tx.commit().await?;
    Ok(summary)
}

fn amount_row(import: Uuid, effective: Date, key: AmountKey, amount: Money) -> FeeScheduleAmount {
    let (hcpcs, modifier, modifier2, state, rural) = key;
    FeeScheduleAmount {
        id: Uuid::now_v7(),
        effective,
        hcpcs,
        modifier,
        modifier2,
        state,
        rural,
        amount_cents: amount.cents(),
        import_id: import,
        replaced_by: None,
    }
}

/// Every fee schedule import, newest first.
pub async fn fee_schedule_imports(
    app: &App,
    actor: &Actor,
) -> AppResult<Vec<FeeScheduleImportView>> {
    actor.require(Permission::PricingRead)?;
    Ok(store::fee_schedule_imports(app.store.conn())
        .await?
        .into_iter()
        .map(|i| FeeScheduleImportView {
            summary: FeeScheduleSummary {
                id: i.id,
                effective: i.effective,
                rows: 0,
                added: u32::try_from(i.amounts_added).unwrap_or(0),
                changed: u32::try_from(i.amounts_changed).unwrap_or(0),
                removed: u32::try_from(i.amounts_removed).unwrap_or(0),
                unchanged: u32::try_from(i.amounts_unchanged).unwrap_or(0),
                unknown_codes: i
                    .unknown_codes
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            },
            file_name: i.file_name,
            imported_at: i.imported_at,
            imported_by: i.imported_by,
        })
        .collect())
}

/// What loading the rural ZIP list did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RuralZipSummary {
    /// ZIP codes now flagged rural (the list replaces the previous one).
    pub rural: u32,
}

/// Loads the ZIP codes the supplier knows to be rural for fee schedule purposes, replacing the
/// previous list. The file is CSV with a `zip` column and an optional `rural` column (`Y`,
/// `yes`, `true`, `1` or `R` flag a row rural; without the column every listed ZIP is rural).
/// Durable ships no such list: a ZIP not on it is priced as non-rural.
pub async fn import_rural_zips(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<RuralZipSummary> {
    actor.require(Permission::PricingWrite)?;
    let zips = parse_rural_zips(bytes).map_err(|m| FieldErrors::single("file", m))?;
    let now = app.clock.now();
    let summary = RuralZipSummary {
        rural: count(zips.len()),
    };
    let tx = app.store.begin_write().await?;
    store::replace_rural_zips(
        tx.conn(),
        zips.into_iter()
            .map(|zip| RuralZip {
                zip,
                loaded_at: now,
            })
            .collect(),
    )
    .await?;
    let event = Audit::about("pricing.import_rural_zips", "rural_zips", None)
        .detail(serde_json::json!({ "file": file_name, "rural": summary.rural }));
    record(tx.conn(), &app.clock, actor, event).await?;
    tx.commit().await?;
    Ok(summary)
}

/// The rural 5-digit ZIPs of a `zip[,rural]` CSV, sorted and without repeats; errors name the
/// line and column.
fn parse_rural_zips(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: this is not readable as CSV ({e})."))?
        .clone();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let zip_column = find("zip").ok_or("line 1: the header has no \"zip\" column.")?;
    let rural_column = find("rural");
    let mut zips = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| format!("This is not readable as CSV: {e}."))?;
        let line = row.position().map_or(0, csv::Position::line);
        let zip = row.get(zip_column).unwrap_or_default();
        if zip.is_empty() {
            continue;
        }
        let zip = ZipCode::parse(zip).map_err(|e| format!("line {line}, zip: {}", e.0))?;
        let rural = match rural_column.map(|c| row.get(c).unwrap_or_default().to_ascii_lowercase())
        {
            None => true,
            Some(flag) => match flag.as_str() {
                "y" | "yes" | "true" | "1" | "r" => true,
                "n" | "no" | "false" | "0" | "" => false,
                _ => {
                    return Err(format!(
                        "line {line}, rural: write Y or N (or true/false), not {flag:?}."
                    ));
                }
            },
        };
        if rural {
            zips.push(zip.as_str().chars().take(5).collect());
        }
    }
    zips.sort();
    zips.dedup();
    Ok(zips)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn imports_default_to_the_quarter_they_fall_in() {
        assert_eq!(quarter_start(date!(2025 - 05 - 17)), date!(2025 - 04 - 01));
        assert_eq!(quarter_start(date!(2025 - 01 - 01)), date!(2025 - 01 - 01));
        assert_eq!(quarter_start(date!(2025 - 12 - 31)), date!(2025 - 10 - 01));
    }

    #[test]
    fn rural_zip_lists_name_the_line_at_fault() {
        assert_eq!(
            parse_rural_zips(b"zip,rural\n43215,N\n45701,Y\n45701-1234,yes\n").unwrap(),
            vec!["45701".to_owned()]
        );
        assert_eq!(parse_rural_zips(b"ZIP\n45701\n").unwrap(), vec!["45701"]);
        let err = parse_rural_zips(b"zip,rural\n45701,Y\n4570,Y\n").unwrap_err();
        assert!(err.starts_with("line 3, zip:"), "{err}");
        assert!(parse_rural_zips(b"postal,rural\n").is_err());
        assert!(
            parse_rural_zips(b"zip,rural\n45701,maybe\n")
                .unwrap_err()
                .contains("rural")
        );
    }
}

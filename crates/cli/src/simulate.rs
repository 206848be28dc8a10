//! `durable billing simulate`: a rental described in JSON, printed month by month with the rules
//! behind every line. Runs without the database, so it answers in milliseconds.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use durable_app::{Actor, billing};
use durable_domain::billing::{Finding, RentalInput, Rule, Schedule, Severity};
use durable_domain::validation::parse_date;

/// Reads, checks and schedules the rental in `file`; `through` overrides the input's own date.
pub fn run(file: &Path, through: Option<&str>, json: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut input: RentalInput =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if let Some(through) = through {
        input.through = parse_date(through).map_err(|e| format!("--through: {}", e.0))?;
    }
    let schedule =
        billing::simulate(&Actor::operator(), &input).map_err(|err| crate::describe(&err))?;
    if json {
        return serde_json::to_string_pretty(&schedule).map_err(|e| e.to_string());
    }
    Ok(as_text(&input, &schedule))
}

/// One finding as a line of text: how much it matters, its rule, the field, what and the fix.
pub(crate) fn finding_text(finding: &Finding) -> String {
    let severity = match finding.severity {
        Severity::Blocking => "Blocking",
        Severity::Warning => "Warning",
    };
    let field = finding
        .field
        .as_deref()
        .map_or_else(String::new, |field| format!(" at {field}"));
    format!(
        "{severity} {}{field}: {} Fix: {}",
        finding.code, finding.message, finding.fix
    )
}

fn ids(rules: &[Rule]) -> String {
    rules.iter().map(|r| r.id).collect::<Vec<_>>().join(" ")
}

/// The schedule as a table, then every rule that fired with its source.
fn as_text(input: &RentalInput, schedule: &Schedule) -> String {
    let mut out = String::new();
    let mut fired: BTreeMap<&str, &Rule> = BTreeMap::new();
    let _ = writeln!(
        out,
        "{} from {} through {}",
        input.item.hcpcs, input.first_date_of_service, input.through
    );
    let _ = writeln!(
        out,
        "{:>5}  {:<10}  {:<10}  {:<5}  {:<12}  {:>5}  {:>10}  {:>10}  {:<3}  {:<10}  rules",
        "month", "from", "to", "hcpcs", "modifiers", "units", "charge", "allowed", "mac", "file by"
    );
    let mut rows: Vec<(time::Date, String)> = Vec::new();
    for line in &schedule.lines {
        let modifiers: Vec<&str> = line.modifiers.iter().map(|m| m.code()).collect();
        let mut row = format!(
            "{:>5}  {}  {}  {:<5}  {:<12}  {:>5}  {:>10}  {:>10}  {:<3}  {:<10}  {}",
            line.rental_month,
            line.from,
            line.to,
            line.hcpcs,
            modifiers.join(" "),
            line.units,
            line.charge.to_string(),
            line.allowed.to_string(),
            line.dme_mac.map_or("-", |mac| mac.letter()),
            line.filing_deadline
                .map_or_else(|| "-".to_owned(), |date| date.to_string()),
            ids(&line.rules)
        );
        // The claim narrative (e.g. the previous supplier) goes on the claim with the line.
        if let Some(narrative) = &line.narrative {
            let _ = write!(row, "\n       narrative: {narrative}");
        }
        rows.push((line.from, row));
        fired.extend(line.rules.iter().map(|r| (r.id, r)));
    }
    for skipped in &schedule.skipped {
        rows.push((
            skipped.from,
            format!(
                "{:>5}  {}  {}  {:<5}  {:<12}  {:>5}  {:>10}  {:>10}  {:<3}  {:<10}  {}",
                "-",
                skipped.from,
                skipped.to,
                "",
                serde_json::to_value(skipped.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                "",
                "",
                "not billed",
                "",
                "",
                ids(&skipped.rules)
            ),
        ));
        fired.extend(skipped.rules.iter().map(|r| (r.id, r)));
    }
    rows.sort_by_key(|(from, _)| *from);
    for (_, row) in rows {
        let _ = writeln!(out, "{row}");
    }
    if let Some(date) = schedule.title_transfer {
        let _ = writeln!(out, "Title passes to the beneficiary on {date}.");
    }
    if let Some(date) = schedule.useful_lifetime_end {
        let _ = writeln!(out, "The useful lifetime ends on {date}.");
    }
    if let Some(date) = schedule.end_of_need {
        let _ = writeln!(out, "Need ended on {date}.");
    }
    if let Some(pap) = &schedule.pap {
        let best = pap.adherence.best;
        let _ = writeln!(
            out,
            "PAP adherence: best 30 days {} to {}, {} nights of 4 hours or more ({}).",
            best.from,
            best.to,
            best.nights,
            if pap.adherence.met { "met" } else { "not met" }
        );
        // Coverage from the first date of service means every month 4+ qualifies.
        let first = schedule.lines.first().map(|l| l.from);
        let reevaluated = pap
            .reevaluation_date
            .map_or_else(|| "—".to_owned(), |d| d.to_string());
        let _ = match pap.continued_coverage_from {
            Some(date) if Some(date) == first => writeln!(
                out,
                "Months 4 and later may carry KX (re-evaluated {reevaluated})."
            ),
            Some(date) => writeln!(out, "Months 4 and later may carry KX from {date}."),
            None => writeln!(out, "Months 4 and later carry GA or GZ, not KX."),
        };
    }
    for finding in &schedule.findings {
        let _ = writeln!(out, "{}", finding_text(finding));
    }
    let _ = writeln!(out, "Total allowed: {}", schedule.total_allowed);
    let _ = writeln!(out, "\nRules:");
    for rule in fired.values() {
        let _ = writeln!(out, "  {:<20} {} ({})", rule.id, rule.summary, rule.section);
    }
    out
}

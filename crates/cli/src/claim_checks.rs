//! `durable billing check-lines` and `durable billing appeal-deadline`: the claim-line checks and
//! the appeal deadlines of the domain crate, from a file or flags, without the database.

use std::fmt::Write;
use std::path::Path;

use durable_domain::billing::appeals::{AppealLevel, AppealRequest};
use durable_domain::billing::checks::{LinesToCheck, check_request};
use durable_domain::clock::Clock;
use durable_domain::money::Money;
use durable_domain::validation::parse_date;

fn today() -> time::Date {
    Clock::system(time::UtcOffset::UTC).today()
}

/// Checks the claim lines in `file` (JSON: `lines`, optional `rental` and `filed_on`); prints
/// every finding and each Medicare line's filing deadline.
pub fn check_lines(file: &Path, json: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let request: LinesToCheck =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let checked = check_request(&request, today()).map_err(|err| err.to_string())?;
    if json {
        return serde_json::to_string_pretty(&checked).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    for (index, (line, deadline)) in request
        .lines
        .iter()
        .zip(&checked.filing_deadlines)
        .enumerate()
    {
        let _ = writeln!(
            out,
            "lines[{index}] {} {} {}{}",
            line.hcpcs,
            line.modifiers.join(" "),
            line.from,
            deadline.map_or_else(String::new, |d| format!(", file by {}", d.deadline))
        );
    }
    if checked.findings.is_empty() {
        let _ = writeln!(out, "No findings.");
    }
    for finding in &checked.findings {
        let _ = writeln!(out, "{}", crate::simulate::finding_text(finding));
    }
    Ok(out)
}

/// The deadline of one appeal level (or of every level when `level` is `None`) for a decision
/// noticed on `notice_date`.
pub fn appeal_deadline(
    level: Option<&str>,
    notice_date: &str,
    filed_on: Option<&str>,
    amount: Option<&str>,
    json: bool,
) -> Result<String, String> {
    let notice_date = parse_date(notice_date).map_err(|e| format!("--notice-date: {}", e.0))?;
    let filed_on = filed_on
        .map(parse_date)
        .transpose()
        .map_err(|e| format!("--filed-on: {}", e.0))?;
    let amount_in_controversy = amount
        .map(Money::parse_dollars)
        .transpose()
        .map_err(|e| format!("--amount: {e}"))?
        .flatten();
    let levels: Vec<AppealLevel> = match level {
        None => AppealLevel::ALL.to_vec(),
        Some(name) => vec![
            serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
                format!("--level: {name:?} is not one of redetermination, reconsideration, alj_hearing, appeals_council, judicial_review")
            })?,
        ],
    };
    let mut answers = Vec::with_capacity(levels.len());
    for level in levels {
        let request = AppealRequest {
            level,
            notice_date,
            filed_on,
            amount_in_controversy,
        };
        answers.push(request.answer(today()).map_err(|err| err.to_string())?);
    }
    if json {
        return serde_json::to_string_pretty(&answers).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    for answer in &answers {
        let _ = write!(
            out,
            "{}: request by {} (notice of {} presumed received {})",
            answer.level.label(),
            answer.deadline,
            answer.notice_date,
            answer.presumed_receipt
        );
        if let Some(minimum) = answer.minimum_amount {
            let _ = write!(out, "; amount in controversy at least {minimum}");
            if let Some(meets) = answer.meets_minimum {
                out.push_str(if meets { " (met)" } else { " (not met)" });
            }
        }
        let _ = writeln!(out, " [{}: {}]", answer.rule.id, answer.rule.section);
    }
    Ok(out)
}

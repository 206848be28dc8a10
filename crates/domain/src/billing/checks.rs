//! Claim-line checks (issue 5 §4): pure functions over a line's modifiers, the identifiers on a
//! claim and its deadlines. Each problem is a [`Finding`] whose code is a rule id in
//! docs/billing-rules.md, with a plain sentence, blocking or warning, and the fix.
//!
//! The lines may come from anywhere (typed in, read back from a file), so modifiers are text
//! here; codes this engine does not know are treated as informational.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::input::date_format;
use super::months::anniversary;
use super::output::{Finding, Line, Modifier, ModifierKind, Severity};
use super::rules;
use crate::codes::{Mbi, Npi};

/// A line holds at most this many modifiers (medicare-rules.md §2 placement).
const MAX_MODIFIERS: usize = 4;
/// The expected-denial modifiers KX may never sit with.
static DENIAL: [Modifier; 3] = [Modifier::Ga, Modifier::Gy, Modifier::Gz];
/// Timely filing: 12 months after the date of service (§6.1).
const TIMELY_FILING_MONTHS: u32 = 12;
/// A remittance notice is presumed received 5 days after its date (§6.3) …
const PRESUMED_RECEIPT_DAYS: i64 = 5;
/// … and a redetermination is due 120 days after receipt.
const REDETERMINATION_DAYS: i64 = 120;
/// A deadline this close is worth a warning.
pub const DEADLINE_WARNING_DAYS: i64 = 30;

/// One claim line as the checks see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimLine {
    /// HCPCS code billed.
    pub hcpcs: String,
    /// Modifiers in claim order, as two-character codes.
    pub modifiers: Vec<String>,
    /// Date of service (the line's "from" date).
    #[serde(with = "date_format")]
    pub from: Date,
    /// Capped rental month number, when the line is a rental month.
    #[serde(default)]
    pub rental_month: Option<u32>,
}

impl From<&Line> for ClaimLine {
    fn from(line: &Line) -> Self {
        Self {
            hcpcs: line.hcpcs.clone(),
            modifiers: line.modifiers.iter().map(|m| m.code().to_owned()).collect(),
            from: line.from,
            rental_month: (line.rental_month > 0).then_some(line.rental_month),
        }
    }
}

/// Every modifier problem on one line: conflicts, month consistency, count, order, duplicates.
pub fn check_line(line: &ClaimLine) -> Vec<Finding> {
    let mut findings = Vec::new();
    let known: Vec<Option<Modifier>> = line
        .modifiers
        .iter()
        .map(|code| Modifier::from_code(code))
        .collect();
    let has = |m: Modifier| known.contains(&Some(m));

    let denial: Vec<&str> = DENIAL
        .iter()
        .filter(|m| has(**m))
        .map(Modifier::code)
        .collect();
    if has(Modifier::Kx) && !denial.is_empty() {
        findings.push(Finding::new(
            rules::CHK_KX_WITH_G,
            Severity::Blocking,
            format!(
                "KX (policy requirements met) is on the same line as {}, so the line cannot be processed.",
                denial.join(" and ")
            ),
            "Keep KX only if every policy requirement is documented; otherwise remove KX and keep GA (ABN signed), GZ (no ABN) or GY (statutory exclusion).",
        ));
    }
    if has(Modifier::Ga) && has(Modifier::Gz) {
        findings.push(Finding::new(
            rules::CHK_GA_WITH_GZ,
            Severity::Blocking,
            "GA says a valid ABN is on file and GZ says there is none; a line carries one or the other.",
            "Keep GA if the beneficiary signed a valid ABN before the date of service, otherwise keep GZ.",
        ));
    }
    if let Some(month) = line.rental_month {
        for (modifier, range, months) in [
            (Modifier::Kh, 1..=1, "month 1"),
            (Modifier::Ki, 2..=3, "months 2 and 3"),
            (Modifier::Kj, 4..=13, "months 4 to 13"),
        ] {
            if has(modifier) && !range.contains(&month) {
                let fix = match month {
                    1 => "Use KH on rental month 1.".to_owned(),
                    2 | 3 => "Use KI on rental months 2 and 3.".to_owned(),
                    4..=13 => "Use KJ on rental months 4 to 13.".to_owned(),
                    _ => "Do not bill: a capped rental pays 13 months and then the beneficiary owns the item.".to_owned(),
                };
                findings.push(Finding::new(
                    rules::CHK_MONTH_MODIFIER,
                    Severity::Blocking,
                    format!(
                        "{} belongs on capped rental {months}, but this line is rental month {month}.",
                        modifier.code()
                    ),
                    fix,
                ));
            }
        }
    }
    if line.modifiers.len() > MAX_MODIFIERS {
        findings.push(Finding::new(
            rules::CHK_MODIFIER_COUNT,
            Severity::Blocking,
            format!(
                "The line has {} modifiers; a claim line holds 4.",
                line.modifiers.len()
            ),
            "Put 99 in position 4 and list the remaining modifiers in the line narrative.",
        ));
    }
    let kinds: Vec<ModifierKind> = known
        .iter()
        .map(|m| m.map_or(ModifierKind::Informational, Modifier::kind))
        .collect();
    if kinds.windows(2).any(|pair| pair[0] > pair[1]) {
        findings.push(Finding::new(
            rules::CHK_PRICING_FIRST,
            Severity::Warning,
            format!(
                "The modifiers {} are out of order: pricing modifiers go first, then KX, then informational ones.",
                line.modifiers.join(" ")
            ),
            "Reorder them: pricing (RR, NU, UE, KH, KI, KJ, Q…) first, then KX, then the rest.",
        ));
    }
    let mut seen: Vec<String> = Vec::with_capacity(line.modifiers.len());
    for code in &line.modifiers {
        let code = code.trim().to_ascii_uppercase();
        if seen.contains(&code) {
            findings.push(Finding::new(
                rules::CHK_DUPLICATE_MODIFIER,
                Severity::Warning,
                format!("{code} appears more than once on the line."),
                "List each modifier once.",
            ));
        } else {
            seen.push(code);
        }
    }
    findings
}

/// [`check_line`] over every line, each finding naming its line (`lines[i].modifiers`).
pub fn check_lines(lines: &[ClaimLine]) -> Vec<Finding> {
    lines
        .iter()
        .enumerate()
        .flat_map(|(index, line)| {
            check_line(line)
                .into_iter()
                .map(move |f| f.at(format!("lines[{index}].modifiers")))
        })
        .collect()
}

/// The last day the MAC may receive a claim for `date_of_service`: the same date a year later,
/// Feb 29 falling on Feb 28 (§6.1). `None` past the calendar.
pub fn timely_filing_deadline(date_of_service: Date) -> Option<Date> {
    // The anniversary rule of rental months clamps Feb 29 to Feb 28 exactly as §6.1 says.
    anniversary(date_of_service, TIMELY_FILING_MONTHS).map(|(date, _)| date)
}

/// Blocking once the timely-filing deadline has passed, a warning within 30 days of it.
pub fn check_timely_filing(date_of_service: Date, today: Date) -> Option<Finding> {
    let Some(deadline) = timely_filing_deadline(date_of_service) else {
        return Some(Finding::new(
            rules::CHK_TIMELY_FILING,
            Severity::Blocking,
            "The date of service is too close to the end of the supported calendar.",
            "Check the date of service.",
        ));
    };
    deadline_finding(
        deadline,
        today,
        rules::CHK_TIMELY_FILING,
        format!("The claim for the date of service {date_of_service}"),
        "Medicare denies it as untimely; for an assigned claim the beneficiary may be billed only the deductible and 20 % coinsurance. Record why it was late.",
        "Submit the claim now; a rejected or unprocessable claim does not count as filed.",
    )
}

/// The last day to request a redetermination of a remittance dated `remittance_date`: 5 days
/// for presumed receipt plus 120 days (§6.3). `None` past the calendar.
pub fn redetermination_deadline(remittance_date: Date) -> Option<Date> {
    remittance_date.checked_add(Duration::days(PRESUMED_RECEIPT_DAYS + REDETERMINATION_DAYS))
}

/// Blocking once the redetermination deadline has passed, a warning within 30 days of it.
pub fn check_redetermination(remittance_date: Date, today: Date) -> Option<Finding> {
    let Some(deadline) = redetermination_deadline(remittance_date) else {
        return Some(Finding::new(
            rules::CHK_REDETERMINATION,
            Severity::Blocking,
            "The remittance date is too close to the end of the supported calendar.",
            "Check the remittance date.",
        ));
    };
    deadline_finding(
        deadline,
        today,
        rules::CHK_REDETERMINATION,
        format!("A redetermination of the remittance dated {remittance_date}"),
        "Only a showing of good cause for late filing can still open an appeal; a line rejected as unprocessable (MA130) has no appeal rights and is corrected and resubmitted instead.",
        "File the redetermination request with the DME MAC now.",
    )
}

/// The shared shape of the two deadline checks.
fn deadline_finding(
    deadline: Date,
    today: Date,
    rule: rules::Rule,
    what: String,
    late_fix: &str,
    soon_fix: &str,
) -> Option<Finding> {
    let days_left = (deadline - today).whole_days();
    if days_left < 0 {
        Some(Finding::new(
            rule,
            Severity::Blocking,
            format!("{what} was due by {deadline}; that date has passed."),
            late_fix,
        ))
    } else if days_left <= DEADLINE_WARNING_DAYS {
        Some(Finding::new(
            rule,
            Severity::Warning,
            format!("{what} is due by {deadline}, in {days_left} days."),
            soon_fix,
        ))
    } else {
        None
    }
}

/// A blocking finding when `text` (at `field`) is not a valid NPI; the check is
/// [`crate::codes::Npi`]'s.
pub fn check_npi(field: &str, text: &str) -> Option<Finding> {
    Npi::parse(text).err().map(|err| {
        Finding::new(
            rules::CHK_NPI,
            Severity::Blocking,
            err.0,
            "Look the NPI up in NPPES and enter its 10 digits exactly.",
        )
        .at(field)
    })
}

/// A blocking finding when `text` (at `field`) is not a valid MBI; the check is
/// [`crate::codes::Mbi`]'s.
pub fn check_mbi(field: &str, text: &str) -> Option<Finding> {
    Mbi::parse(text).err().map(|err| {
        Finding::new(
            rules::CHK_MBI,
            Severity::Blocking,
            err.0,
            "Copy the MBI from the beneficiary's Medicare card or the eligibility response.",
        )
        .at(field)
    })
}

//! Claim-line checks: pure functions over a line's modifiers, the identifiers on a
//! claim and its deadlines. Each problem is a [`Finding`] whose code is a rule id in
//! docs/billing-rules.md, with a plain sentence, blocking or warning, and the fix.
//!
//! The lines may come from anywhere (typed in, read back from a file), so modifiers are text
//! here; codes this engine does not know are treated as informational.

use serde::{Deserialize, Serialize};
use time::Date;

use super::appeals::{AppealLevel, appeal_deadline};
use super::engine::schedule;
use super::input::{PayerKind, RentalInput, date_format};
use super::months::anniversary;
use super::output::{Finding, InputError, Line, Modifier, ModifierKind, Severity};
use super::plan::check_hcpcs;
use super::rules;
use crate::codes::{Mbi, Npi};

/// A line holds at most this many modifiers (DME MAC modifier guidance placement).
const MAX_MODIFIERS: usize = 4;
/// The expected-denial modifiers KX may never sit with.
static DENIAL: [Modifier; 3] = [Modifier::Ga, Modifier::Gy, Modifier::Gz];
/// Timely filing: 12 months after the date of service (§6.1).
const TIMELY_FILING_MONTHS: u32 = 12;
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
    /// Who the line is billed to; absent means Medicare. Medicare's modifier rules and
    /// timely-filing limit are checked for Medicare lines only.
    #[serde(default)]
    pub payer: Option<PayerKind>,
}

impl ClaimLine {
    fn is_medicare(&self) -> bool {
        self.payer.is_none_or(PayerKind::is_medicare)
    }
}

impl From<&Line> for ClaimLine {
    fn from(line: &Line) -> Self {
        Self {
            hcpcs: line.hcpcs.clone(),
            modifiers: line.modifiers.iter().map(|m| m.code().to_owned()).collect(),
            from: line.from,
            rental_month: (line.rental_month > 0).then_some(line.rental_month),
            payer: None,
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

/// Lines as a caller writes them, to check together: optionally the rental they bill (so a KX
/// the rental's documentation does not support is refused) and the day they would be filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinesToCheck {
    /// The claim lines.
    pub lines: Vec<ClaimLine>,
    /// The rental the lines bill, as `durable billing simulate` reads it.
    #[serde(default)]
    pub rental: Option<RentalInput>,
    /// The day the claim would be filed, for the timely-filing check; absent: today.
    #[serde(default, with = "date_format::option")]
    pub filed_on: Option<Date>,
}

/// Every finding for a set of lines, and each Medicare line's timely-filing deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinesChecked {
    /// Every problem, each naming its line's field.
    pub findings: Vec<Finding>,
    /// Per line, in order: the last day the MAC may receive it (Medicare lines only).
    pub filing_deadlines: Vec<Option<LineDeadline>>,
}

/// A line's timely-filing deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineDeadline {
    /// The last day the MAC may receive the claim (42 CFR 424.44).
    #[serde(with = "date_format")]
    pub deadline: Date,
}

/// Checks `request`: every line's modifiers, the timely-filing limit of Medicare lines as of
/// `request.filed_on` (else `today`), and, given the rental, that no line carries KX on a date of
/// service the rental's documentation leaves uncovered (a missed oxygen retest or PAP
/// re-evaluation, a missing checklist). Input problems name their field.
pub fn check_request(request: &LinesToCheck, today: Date) -> Result<LinesChecked, InputError> {
    let filed_on = request.filed_on.unwrap_or(today);
    let mut findings = check_lines(&request.lines);
    let mut filing_deadlines = Vec::with_capacity(request.lines.len());
    for (index, line) in request.lines.iter().enumerate() {
        check_hcpcs(&format!("lines[{index}].hcpcs"), &line.hcpcs)?;
        if !line.is_medicare() {
            filing_deadlines.push(None);
            continue;
        }
        filing_deadlines
            .push(timely_filing_deadline(line.from).map(|deadline| LineDeadline { deadline }));
        findings.extend(
            check_timely_filing(line.from, filed_on).map(|f| f.at(format!("lines[{index}].from"))),
        );
    }
    if let Some(rental) = &request.rental {
        let billed = schedule(rental)
            .map_err(|err| InputError::new(format!("rental.{}", err.field), err.message))?;
        for (index, line) in request.lines.iter().enumerate() {
            let claims_kx = line
                .modifiers
                .iter()
                .any(|m| Modifier::from_code(m) == Some(Modifier::Kx));
            let uncovered = billed.lines.iter().find(|billed| {
                billed.hcpcs == line.hcpcs
                    && billed.from == line.from
                    && !billed.modifiers.contains(&Modifier::Kx)
            });
            if let (true, Some(uncovered)) = (claims_kx, uncovered) {
                let why: Vec<&str> = uncovered.rules.iter().map(|r| r.id).collect();
                findings.push(
                    Finding::new(
                        rules::CHK_KX_NOT_COVERED,
                        Severity::Blocking,
                        format!(
                            "KX says every policy requirement is met on {}, but the rental's documentation does not support it then (rules {}).",
                            line.from,
                            why.join(", ")
                        ),
                        "Bill the line with GA if a valid ABN was signed before the date of service, otherwise GZ; or record the missing documentation in the rental first.",
                    )
                    .at(format!("lines[{index}].modifiers")),
                );
            }
        }
    }
    Ok(LinesChecked {
        findings,
        filing_deadlines,
    })
}

/// [`check_line`] over every line, each finding naming its line (`lines[i].modifiers`).
pub fn check_lines(lines: &[ClaimLine]) -> Vec<Finding> {
    lines
        .iter()
        .enumerate()
        .flat_map(|(index, line)| {
            let medicare = line.is_medicare();
            check_line(line)
                .into_iter()
                // Other payers set their own modifiers; only a line's size and repeats are theirs too.
                .filter(move |f| {
                    medicare
                        || f.code == rules::CHK_MODIFIER_COUNT.id
                        || f.code == rules::CHK_DUPLICATE_MODIFIER.id
                })
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
    appeal_deadline(
        AppealLevel::Redetermination,
        remittance_date,
        remittance_date,
        None,
    )
    .ok()
    .map(|deadline| deadline.deadline)
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

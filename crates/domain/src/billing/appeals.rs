//! Deadlines of the five Medicare Part A/B appeal levels that DME MAC claims follow, and the
//! amount-in-controversy minimums of the ALJ hearing and judicial review as data by year
//! (`data/rules/appeal_thresholds.csv`). Each level's notice is presumed received 5 days after
//! its date (42 CFR 405.942(a)(2), 405.962, 405.1014, 405.1102, 405.1130; Medicare Claims
//! Processing Manual ch. 29).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::input::date_format;
use super::rules::{self, Rule};
use crate::money::Money;

const BUNDLED: &str = include_str!("../../../../data/rules/appeal_thresholds.csv");
const HEADER: &str = "year,alj_hearing_cents,judicial_review_cents,source";
/// A notice is presumed received 5 days after its date.
const PRESUMED_RECEIPT_DAYS: i64 = 5;

/// One appeal level, named by what the appellant asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealLevel {
    /// Level 1: redetermination by the DME MAC, after the initial determination (remittance).
    Redetermination,
    /// Level 2: reconsideration by the qualified independent contractor (QIC).
    Reconsideration,
    /// Level 3: hearing before an administrative law judge (OMHA).
    AljHearing,
    /// Level 4: review by the Medicare Appeals Council.
    AppealsCouncil,
    /// Level 5: judicial review in federal district court.
    JudicialReview,
}

impl AppealLevel {
    /// Every level in order.
    pub const ALL: [Self; 5] = [
        Self::Redetermination,
        Self::Reconsideration,
        Self::AljHearing,
        Self::AppealsCouncil,
        Self::JudicialReview,
    ];

    /// Days after presumed receipt of the previous decision to file, and the rule that says so.
    fn window(self) -> (i64, Rule) {
        match self {
            Self::Redetermination => (120, rules::CHK_REDETERMINATION),
            Self::Reconsideration => (180, rules::APPEAL_RECONSIDERATION),
            Self::AljHearing => (60, rules::APPEAL_ALJ),
            Self::AppealsCouncil => (60, rules::APPEAL_COUNCIL),
            Self::JudicialReview => (60, rules::APPEAL_JUDICIAL),
        }
    }

    /// The level's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Redetermination => "redetermination by the DME MAC",
            Self::Reconsideration => "reconsideration by the QIC",
            Self::AljHearing => "hearing before an administrative law judge",
            Self::AppealsCouncil => "review by the Medicare Appeals Council",
            Self::JudicialReview => "judicial review in federal district court",
        }
    }
}

/// When and whether a level may be requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppealDeadline {
    /// The level asked about.
    pub level: AppealLevel,
    /// Date on the notice of the decision being appealed.
    #[serde(with = "date_format")]
    pub notice_date: Date,
    /// The day the notice is presumed received.
    #[serde(with = "date_format")]
    pub presumed_receipt: Date,
    /// The last day the request may be filed.
    #[serde(with = "date_format")]
    pub deadline: Date,
    /// ALJ hearing and judicial review: the minimum amount in controversy for a request filed in
    /// the year of `filed_on`; absent for the other levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_amount: Option<Money>,
    /// Whether the amount in controversy given meets that minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_minimum: Option<bool>,
    /// The rule behind the deadline.
    pub rule: Rule,
}

/// A deadline question as a caller writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    /// The level to request.
    pub level: AppealLevel,
    /// Date on the notice of the decision being appealed.
    #[serde(with = "date_format")]
    pub notice_date: Date,
    /// The day the request would be filed, which picks the year's minimum; absent: today.
    #[serde(default, with = "date_format::option")]
    pub filed_on: Option<Date>,
    /// The amount in controversy, in cents, to compare with the minimum.
    #[serde(default)]
    pub amount_in_controversy: Option<Money>,
}

impl AppealRequest {
    /// The answer, filing on `filed_on` or else `today`.
    pub fn answer(&self, today: Date) -> Result<AppealDeadline, AppealError> {
        appeal_deadline(
            self.level,
            self.notice_date,
            self.filed_on.unwrap_or(today),
            self.amount_in_controversy,
        )
    }
}

/// A problem with a deadline question, naming its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct AppealError {
    /// The field to fix.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The deadline of `level` for a decision noticed on `notice_date`; for an ALJ hearing or judicial
/// review also the amount-in-controversy minimum of the year of `filed_on`, and whether `amount`
/// meets it.
pub fn appeal_deadline(
    level: AppealLevel,
    notice_date: Date,
    filed_on: Date,
    amount: Option<Money>,
) -> Result<AppealDeadline, AppealError> {
    let (days, rule) = level.window();
    let too_late = || AppealError {
        field: "notice_date",
        message: "Too close to the end of the supported calendar.".to_owned(),
    };
    let presumed_receipt = notice_date
        .checked_add(Duration::days(PRESUMED_RECEIPT_DAYS))
        .ok_or_else(too_late)?;
    let deadline = presumed_receipt
        .checked_add(Duration::days(days))
        .ok_or_else(too_late)?;
    let minimum_amount = match level {
        AppealLevel::AljHearing | AppealLevel::JudicialReview => {
            let thresholds = thresholds()?;
            let row = thresholds
                .iter()
                .find(|row| row.year == filed_on.year())
                .ok_or_else(|| AppealError {
                    field: "filed_on",
                    message: format!(
                        "No amount-in-controversy minimum for {} is in data/rules/appeal_thresholds.csv; add the year's figures from the Federal Register.",
                        filed_on.year()
                    ),
                })?;
            Some(if level == AppealLevel::AljHearing {
                row.alj_hearing
            } else {
                row.judicial_review
            })
        }
        _ => None,
    };
    if amount.is_some_and(Money::is_negative) {
        return Err(AppealError {
            field: "amount",
            message: "The amount in controversy cannot be negative.".to_owned(),
        });
    }
    Ok(AppealDeadline {
        level,
        notice_date,
        presumed_receipt,
        deadline,
        meets_minimum: minimum_amount
            .zip(amount)
            .map(|(min, amount)| amount >= min),
        minimum_amount,
        rule,
    })
}

/// One year's minimums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Threshold {
    year: i32,
    alj_hearing: Money,
    judicial_review: Money,
}

static THRESHOLDS: LazyLock<Result<Vec<Threshold>, String>> = LazyLock::new(|| parse(BUNDLED));

fn thresholds() -> Result<&'static [Threshold], AppealError> {
    THRESHOLDS.as_deref().map_err(|message| AppealError {
        field: "filed_on",
        message: message.clone(),
    })
}

fn parse(text: &str) -> Result<Vec<Threshold>, String> {
    let mut rows = Vec::new();
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    match lines.next() {
        Some((_, header)) if header == HEADER => {}
        _ => return Err(format!("appeal_thresholds: expected the header `{HEADER}`")),
    }
    for (number, line) in lines {
        let bad = |column: &str| format!("appeal_thresholds line {number}, {column}: not valid");
        let fields: Vec<&str> = line.splitn(4, ',').map(str::trim).collect();
        let [year, alj, judicial, source] = fields[..] else {
            return Err(bad("row"));
        };
        let cents = |text: &str, column: &str| {
            text.parse::<i64>()
                .ok()
                .filter(|c| *c > 0)
                .map(Money::from_cents)
                .ok_or_else(|| bad(column))
        };
        if source.is_empty() {
            return Err(bad("source"));
        }
        let year: i32 = year.parse().map_err(|_| bad("year"))?;
        if rows.iter().any(|row: &Threshold| row.year == year) {
            return Err(bad("year"));
        }
        rows.push(Threshold {
            year,
            alj_hearing: cents(alj, "alj_hearing_cents")?,
            judicial_review: cents(judicial, "judicial_review_cents")?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_thresholds_read() {
        let rows = thresholds().unwrap();
        assert!(
            rows.iter()
                .any(|r| r.year == 2026 && r.alj_hearing == Money::from_cents(20_000))
        );
        assert!(parse("year\n").is_err());
        assert!(parse(&format!("{HEADER}\n2026,0,1,x\n")).is_err());
    }
}

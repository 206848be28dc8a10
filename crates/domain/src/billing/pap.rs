//! PAP devices (E0601 CPAP, E0470 bilevel without backup; LCD L33718): the adherence
//! calculator over nightly usage and the continued-coverage decision that gates KX from month 4.
//!
//! Days are counted from the first date of service (the set-up): day 1 is that date, so day 31
//! and day 91 of a 2026-02-01 set-up are 2026-03-03 and 2026-05-02 (§11 example 3).

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use super::input::{LateReevaluation, NightlyUsage, RentalInput, Requalification, date_format};
use super::output::{Finding, InputError, Severity};
use super::plan::{day_of_therapy, too_late};
use super::rules::{self, Rule};

/// HCPCS codes under the PAP policy (LCD L33718). A fixed pair rather than data: the adherence
/// rule is the policy's own, not a list that changes by regulation.
const PAP_HCPCS: [&str; 2] = ["E0601", "E0470"];
/// A night counts as used at 4 hours or more.
pub const MIN_MINUTES: i64 = 240;
/// Minutes in a day: no night can report more.
const MAX_MINUTES: i64 = 24 * 60;
/// Consecutive days in an adherence window.
pub const WINDOW_DAYS: usize = 30;
/// Used nights a window needs: 70 % of 30.
pub const REQUIRED_NIGHTS: u32 = 21;
/// The window must lie within the first 90 days of therapy.
pub const TRIAL_DAYS: usize = 90;
/// The re-evaluation is due no sooner than day 31 …
const REEVALUATION_FIRST_DAY: i64 = 31;
/// … and no later than day 91.
const REEVALUATION_LAST_DAY: i64 = 91;
/// Months 1–3 are the initial trial; the continued-coverage rule applies from month 4.
const TRIAL_MONTHS: u32 = 3;

/// Whether `hcpcs` is a PAP device under the §3 policy.
pub fn is_pap(hcpcs: &str) -> bool {
    PAP_HCPCS.contains(&hcpcs)
}

/// 30 consecutive days and how many nights in them reached 4 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AdherenceWindow {
    /// First day of the window.
    #[serde(with = "date_format")]
    pub from: Date,
    /// Last day of the window (29 days after `from`).
    #[serde(with = "date_format")]
    pub to: Date,
    /// Nights in the window with at least 4 hours of use.
    pub nights: u32,
}

/// What the nightly usage shows over the first 90 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Adherence {
    /// The window with the most nights of 4 hours or more; the earliest such window on a tie.
    pub best: AdherenceWindow,
    /// At least 21 of 30 nights in some window.
    pub met: bool,
    /// The earliest window that reached 21 nights: adherence is shown on its last day.
    pub first_met: Option<AdherenceWindow>,
}

/// The adherence calculator (§3): ≥ 4 h on ≥ 70 % of nights (≥ 21 of 30) in some 30 consecutive
/// days within the first 90 days from `start`. Nights not listed count as unused; nights outside
/// the first 90 days are ignored; a night listed twice counts once. `None` only when the 90 days
/// run past the calendar.
pub fn adherence(start: Date, usage: &[NightlyUsage]) -> Option<Adherence> {
    let mut used = [false; TRIAL_DAYS];
    for night in usage {
        let offset = (night.date - start).whole_days();
        if let Ok(offset) = usize::try_from(offset)
            && offset < TRIAL_DAYS
            && night.minutes >= MIN_MINUTES
        {
            used[offset] = true;
        }
    }
    let window = |first: usize, nights: u32| -> Option<AdherenceWindow> {
        let first = i64::try_from(first).ok()?;
        Some(AdherenceWindow {
            from: day_of_therapy(start, first + 1)?,
            to: day_of_therapy(start, first + 30)?,
            nights,
        })
    };
    let mut count: u32 = used[..WINDOW_DAYS].iter().map(|&u| u32::from(u)).sum();
    let (mut best_start, mut best) = (0, count);
    let mut first_met = (count >= REQUIRED_NIGHTS).then_some((0, count));
    for first in 1..=TRIAL_DAYS - WINDOW_DAYS {
        // Slide one day: drop the night leaving the window, add the one entering it.
        count = count - u32::from(used[first - 1]) + u32::from(used[first + WINDOW_DAYS - 1]);
        if count > best {
            (best_start, best) = (first, count);
        }
        if first_met.is_none() && count >= REQUIRED_NIGHTS {
            first_met = Some((first, count));
        }
    }
    // The last day of therapy's first 90 days must exist for any window to be reported.
    day_of_therapy(start, i64::try_from(TRIAL_DAYS).ok()?)?;
    Some(Adherence {
        best: window(best_start, best)?,
        met: best >= REQUIRED_NIGHTS,
        first_met: match first_met {
            Some((first, nights)) => Some(window(first, nights)?),
            None => None,
        },
    })
}

/// The continued-coverage decision for one PAP rental, made once before the month loop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PapReview {
    /// What the nightly usage shows.
    pub adherence: Adherence,
    /// The re-evaluation date given, if any.
    #[serde(with = "date_format::option")]
    pub reevaluation_date: Option<Date>,
    /// Day 31 of therapy: the earliest valid re-evaluation.
    #[serde(with = "date_format")]
    pub reevaluation_from: Date,
    /// Day 91 of therapy: the latest valid re-evaluation.
    #[serde(with = "date_format")]
    pub reevaluation_to: Date,
    /// Months 4+ whose date of service is on or after this date may carry KX; `None`: none may.
    #[serde(with = "date_format::option")]
    pub continued_coverage_from: Option<Date>,
    /// After a failed trial and re-qualification: what the new trial's nightly usage shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_trial: Option<Adherence>,
    /// The rules behind the decision, cited on every month 4+ line.
    pub rules: Vec<Rule>,
}

impl PapReview {
    /// For a line of rental month `month` dated `from`: whether continued coverage allows KX,
    /// and the rules to cite. Months 1–3 are the trial, decided by the checklist alone.
    pub(super) fn month(&self, month: u32, from: Date) -> (bool, &[Rule]) {
        if month <= TRIAL_MONTHS {
            return (true, std::slice::from_ref(&rules::PAP_TRIAL));
        }
        let ok = self.continued_coverage_from.is_some_and(|d| from >= d);
        (ok, &self.rules)
    }

    /// A warning when months 4+ cannot carry KX, saying what is missing.
    pub(super) fn finding(&self) -> Option<Finding> {
        if self.continued_coverage_from.is_some() {
            return None;
        }
        let best = self.adherence.best;
        let message = if let Some(new_trial) = self.new_trial {
            format!(
                "The new trial after re-qualification has not shown adherence and a timely re-evaluation yet: its best 30 days, {} to {}, have {} nights of 4 hours or more.",
                new_trial.best.from, new_trial.best.to, new_trial.best.nights
            )
        } else if !self.adherence.met {
            format!(
                "The 12-week trial failed: the best 30 days, {} to {}, have {} nights of 4 hours or more; 21 are needed. Re-qualifying needs a face-to-face re-evaluation finding why it failed, a repeat facility-based (Type I) sleep study, and a new 12-week trial.",
                best.from, best.to, best.nights
            )
        } else {
            format!(
                "Adherence is shown, but no face-to-face re-evaluation between {} and {} follows it.",
                self.reevaluation_from, self.reevaluation_to
            )
        };
        Some(
            Finding::new(
                rules::PAP_CONTINUED_DENIED,
                Severity::Warning,
                format!("{message} Rental months 4 and later carry GA or GZ, not KX."),
                if self.adherence.met {
                    "Get the practitioner's re-evaluation documenting improvement and the adherence download, or a valid ABN before month 4 (GA)."
                } else {
                    "Record the re-qualification (face-to-face date, facility sleep study date, new trial start) and the new trial's nightly usage and re-evaluation; until then a valid ABN makes the months GA."
                },
            )
            .at("pap"),
        )
    }
}

/// Refuses PAP facts on other items and checks the nightly usage: no night twice, minutes from 0
/// to 1440, nothing before the first date of service.
pub(super) fn check_applies(input: &RentalInput) -> Result<(), InputError> {
    let Some(pap) = &input.pap else {
        return Ok(());
    };
    if !is_pap(&input.item.hcpcs) {
        return Err(InputError::new(
            "pap",
            "Nightly usage and re-evaluation apply to PAP devices (E0601, E0470) only.",
        ));
    }
    let first = input.first_date_of_service;
    let mut seen: HashMap<Date, usize> = HashMap::with_capacity(pap.nightly_usage.len());
    for (index, night) in pap.nightly_usage.iter().enumerate() {
        if night.date < first {
            return Err(InputError::new(
                format!("pap.nightly_usage[{index}].date"),
                "Must be on or after first_date_of_service.",
            ));
        }
        if let Some(earlier) = seen.insert(night.date, index) {
            return Err(InputError::new(
                format!("pap.nightly_usage[{index}].date"),
                format!(
                    "The night of {} is already given at nightly_usage[{earlier}]; give each night once.",
                    night.date
                ),
            ));
        }
        if !(0..=MAX_MINUTES).contains(&night.minutes) {
            return Err(InputError::new(
                format!("pap.nightly_usage[{index}].minutes"),
                "Minutes of use in one night are from 0 to 1440.",
            ));
        }
    }
    if pap.reevaluation_date.is_some_and(|date| date < first) {
        return Err(InputError::new(
            "pap.reevaluation_date",
            "Must be on or after first_date_of_service.",
        ));
    }
    Ok(())
}

/// The continued-coverage decision for a PAP capped rental; `None` for any other item.
pub(super) fn review(input: &RentalInput) -> Result<Option<PapReview>, InputError> {
    if !is_pap(&input.item.hcpcs) {
        return Ok(None);
    }
    let start = input.first_date_of_service;
    let (usage, reevaluation) = match &input.pap {
        Some(pap) => (pap.nightly_usage.as_slice(), pap.reevaluation_date),
        None => (&[][..], None),
    };
    let adherence = adherence(start, usage).ok_or_else(too_late)?;
    let from = day_of_therapy(start, REEVALUATION_FIRST_DAY).ok_or_else(too_late)?;
    let to = day_of_therapy(start, REEVALUATION_LAST_DAY).ok_or_else(too_late)?;
    let mut fired = vec![if adherence.met {
        rules::PAP_ADHERENCE
    } else {
        rules::PAP_NOT_ADHERENT
    }];
    // The practitioner reviews adherence at the re-evaluation, so it must come on or after the
    // day adherence was first shown.
    let shown = adherence.first_met.map(|w| w.to);
    let continued = match (reevaluation, shown) {
        (Some(date), Some(shown)) if from <= date && date <= to && shown <= date => {
            fired.push(rules::PAP_REEVAL);
            Some(start)
        }
        (Some(date), Some(_)) if date > to => {
            fired.push(rules::PAP_LATE_REEVAL);
            match input.settings.pap_late_reevaluation {
                LateReevaluation::CoverageFromReevaluation => Some(date),
                LateReevaluation::NoContinuedCoverage => {
                    fired.push(rules::PAP_NO_REEVAL);
                    None
                }
            }
        }
        _ => {
            fired.push(rules::PAP_NO_REEVAL);
            None
        }
    };
    let requalification = input.pap.as_ref().and_then(|pap| pap.requalification);
    let (continued, new_trial) = match requalification {
        None => (continued, None),
        Some(_) if continued.is_some() => {
            return Err(InputError::new(
                "pap.requalification",
                "Re-qualification follows a failed trial; this trial shows adherence and a timely re-evaluation, so leave it out.",
            ));
        }
        Some(requalification) => {
            fired.push(rules::PAP_REQUALIFY);
            let (continued, new_trial) = new_trial(requalification, usage)?;
            (continued, Some(new_trial))
        }
    };
    if continued.is_none() && requalification.is_none() && !adherence.met {
        fired.push(rules::PAP_REQUALIFY);
    }
    fired.push(if continued.is_some() {
        rules::PAP_CONTINUED_KX
    } else {
        rules::PAP_CONTINUED_DENIED
    });
    Ok(Some(PapReview {
        adherence,
        reevaluation_date: reevaluation,
        reevaluation_from: from,
        reevaluation_to: to,
        continued_coverage_from: continued,
        new_trial,
        rules: fired,
    }))
}

/// The new trial after re-qualification: its own 90 days of nightly usage from its first night,
/// and its own re-evaluation between its day 31 and day 91, on or after adherence is shown. KX
/// resumes from that re-evaluation (LCD L33718: billing with KX resumes only once the new trial
/// succeeds and the re-evaluation is documented).
fn new_trial(
    requalification: Requalification,
    usage: &[NightlyUsage],
) -> Result<(Option<Date>, Adherence), InputError> {
    let Requalification {
        face_to_face_date,
        facility_sleep_study_date,
        new_trial_start,
        reevaluation_date,
    } = requalification;
    if facility_sleep_study_date < face_to_face_date {
        return Err(InputError::new(
            "pap.requalification.facility_sleep_study_date",
            "The facility sleep study follows the face-to-face re-evaluation of the failed trial.",
        ));
    }
    if new_trial_start <= facility_sleep_study_date {
        return Err(InputError::new(
            "pap.requalification.new_trial_start",
            "The new trial starts after the facility sleep study.",
        ));
    }
    if reevaluation_date.is_some_and(|date| date < new_trial_start) {
        return Err(InputError::new(
            "pap.requalification.reevaluation_date",
            "The new trial's re-evaluation comes after the new trial starts.",
        ));
    }
    let adherence = adherence(new_trial_start, usage).ok_or_else(too_late)?;
    let from = day_of_therapy(new_trial_start, REEVALUATION_FIRST_DAY).ok_or_else(too_late)?;
    let to = day_of_therapy(new_trial_start, REEVALUATION_LAST_DAY).ok_or_else(too_late)?;
    let shown = adherence.first_met.map(|w| w.to);
    let continued = match (reevaluation_date, shown) {
        (Some(date), Some(shown)) if from <= date && date <= to && shown <= date => Some(date),
        _ => None,
    };
    Ok((continued, adherence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn nights(
        start: Date,
        offsets: impl IntoIterator<Item = i64>,
        minutes: i64,
    ) -> Vec<NightlyUsage> {
        offsets
            .into_iter()
            .map(|o| NightlyUsage {
                date: start + time::Duration::days(o),
                minutes,
            })
            .collect()
    }

    #[test]
    fn no_usage_finds_an_empty_first_window() {
        let start = date!(2026 - 02 - 01);
        let a = adherence(start, &[]).unwrap();
        assert_eq!(
            a.best,
            AdherenceWindow {
                from: start,
                to: date!(2026 - 03 - 02),
                nights: 0
            }
        );
        assert!(!a.met && a.first_met.is_none());
    }

    #[test]
    fn exactly_21_nights_is_enough_and_20_is_not() {
        let start = date!(2026 - 02 - 01);
        let a = adherence(start, &nights(start, 40..61, 240)).unwrap();
        assert!(a.met);
        assert_eq!(a.first_met.unwrap().to, start + time::Duration::days(60));
        let a = adherence(start, &nights(start, 40..60, 240)).unwrap();
        assert!(!a.met);
        assert_eq!(a.best.nights, 20);
        // 3 h 59 min does not count.
        assert!(!adherence(start, &nights(start, 0..30, 239)).unwrap().met);
    }

    #[test]
    fn nights_after_day_90_are_ignored() {
        let start = date!(2026 - 02 - 01);
        let a = adherence(start, &nights(start, 80..120, 400)).unwrap();
        assert_eq!(a.best.nights, 10);
        assert_eq!(a.best.to, start + time::Duration::days(89));
    }
}

//! What the checker returns: every unmet requirement, and whether the order may become Ready.

use serde::Serialize;
use time::Date;

use super::requirements::{Requirement, Severity};
use crate::billing::input::date_format;

/// One unmet requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// The requirement's stable id.
    pub id: &'static str,
    /// What to do, in one plain sentence.
    pub action: &'static str,
    /// Blocking or warning for this order (an ABN turns some blocking items into warnings).
    pub severity: Severity,
    /// The public source that states the rule.
    pub section: &'static str,
    /// Where a person can read that source.
    pub link: &'static str,
    /// The order line it concerns (index into `OrderFacts::lines`); `None` = the whole order.
    pub line: Option<usize>,
    /// A signed ABN on file turned this blocking coverage item into a warning: the line may ship
    /// and bills with GA (Medicare Claims Processing Manual (Pub. 100-04) ch. 30 §50).
    pub abn_on_file: bool,
}

impl Finding {
    /// The finding for an unmet requirement, with its usual severity.
    pub fn new(requirement: &Requirement, line: Option<usize>) -> Self {
        Self {
            id: requirement.id,
            action: requirement.action,
            severity: requirement.severity,
            section: requirement.section,
            link: requirement.link,
            line,
            abn_on_file: false,
        }
    }

    /// Whether it keeps the order on Hold.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Blocking
    }
}

/// Where the order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    /// No blocking requirement is unmet.
    Ready,
    /// At least one blocking requirement is unmet.
    Hold,
}

/// Every unmet requirement of one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The date of service the lists and windows were read on: the planned delivery date, or
    /// today when none is planned (a delivery cannot be earlier).
    #[serde(with = "date_format")]
    pub service_date: Date,
    /// Order-wide findings first, then each line's in line order; warnings included.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Ready when nothing blocking is unmet.
    pub fn readiness(&self) -> Readiness {
        if self.findings.iter().any(Finding::is_blocking) {
            Readiness::Hold
        } else {
            Readiness::Ready
        }
    }

    /// Whether the order may become Ready.
    pub fn is_ready(&self) -> bool {
        self.readiness() == Readiness::Ready
    }

    /// The findings that keep the order on Hold: its hold reasons.
    pub fn blocking(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| finding.is_blocking())
    }

    /// The ids of every finding, in report order.
    pub fn ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.findings.iter().map(|finding| finding.id)
    }
}

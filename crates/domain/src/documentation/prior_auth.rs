//! Prior authorization (42 CFR 414.234): whether a recorded request covers a delivery, and
//! the checks a request must pass before it is stored.

use time::Date;

use super::code_list::{PriorAuthList, ValidFor};
use super::input::{PaStatus, PriorAuthFacts};
use super::requirements::{self as req, Requirement};
use crate::validation::FieldErrors;

/// Characters in a unique tracking number (42 CFR 414.234).
pub const UTN_LENGTH: usize = 14;

impl PriorAuthFacts {
    /// The last date of service the decision covers: the letter's expiry date when recorded,
    /// else decision date + the program's validity; `None` when neither is known.
    pub fn last_valid_day(&self, valid_for: Option<ValidFor>) -> Option<Date> {
        self.expiry_date.or_else(|| {
            let decision = self.decision_date?;
            Some(valid_for?.last_valid_day(decision))
        })
    }

    /// Whether this request covers a delivery on `service_date` when decisions last `valid_for`,
    /// or the requirement it leaves unmet. Callers go through [`PriorAuthList::covers`], which
    /// takes `valid_for` from the program listing the code.
    fn covers(
        &self,
        service_date: Date,
        valid_for: Option<ValidFor>,
    ) -> Result<(), &'static Requirement> {
        match self.status {
            PaStatus::Draft | PaStatus::Submitted => Err(&req::PA_PENDING),
            PaStatus::NonAffirmed => Err(&req::PA_NON_AFFIRMED),
            PaStatus::Expired => Err(&req::PA_EXPIRED),
            PaStatus::Affirmed => {
                // Validation refuses an affirmed request without a decision date; treat one that
                // slipped through as not yet decided.
                let decision = self.decision_date.ok_or(&req::PA_PENDING)?;
                if decision > service_date {
                    return Err(&req::PA_DECISION_AFTER_DELIVERY);
                }
                match self.last_valid_day(valid_for) {
                    None => return Err(&req::PA_EXPIRY_UNKNOWN),
                    Some(last) if service_date > last => return Err(&req::PA_EXPIRED),
                    Some(_) => {}
                }
                // Checked last: a missing UTN is a typing job, the others need a new request.
                if self.utn.as_deref().is_none_or(|utn| utn.trim().is_empty()) {
                    return Err(&req::PA_UTN);
                }
                Ok(())
            }
        }
    }

    /// Checks a request before it is stored; each problem names its field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let decided = matches!(self.status, PaStatus::Affirmed | PaStatus::NonAffirmed);
        if decided && self.decision_date.is_none() {
            errors.add(
                "decision_date",
                "Enter the decision date from the decision letter.",
            );
        }
        match (self.decision_date, self.expiry_date) {
            (Some(decision), Some(expiry)) if expiry < decision => errors.add(
                "expiry_date",
                "The expiry date is before the decision date; check both dates on the decision letter.",
            ),
            (None, Some(_)) => errors.add(
                "decision_date",
                "Enter the decision date as well as the expiry date.",
            ),
            _ => {}
        }
        match self.utn.as_deref().map(str::trim) {
            None | Some("") if self.status == PaStatus::Affirmed => errors.add(
                "utn",
                "Enter the unique tracking number (UTN) from the decision letter.",
            ),
            Some(utn)
                if !utn.is_empty()
                    && (utn.len() != UTN_LENGTH
                        || !utn.bytes().all(|b| b.is_ascii_alphanumeric())) =>
            {
                errors.add(
                    "utn",
                    "A UTN is 14 letters and digits, as printed on the decision letter.",
                );
            }
            _ => {}
        }
        errors.finish(|| Some(()))
    }
}

impl PriorAuthList {
    /// The one prior-authorization validity rule, shared by the order checker and the billing
    /// engine so that an order cleared to ship and its claim agree: an affirmed decision covers a
    /// delivery from its decision date to the letter's expiry date or, when none is typed, for
    /// the period of the program that lists the code on that date (CMS Required Prior
    /// Authorization List programs, 42 CFR 414.234;
    /// <https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items>).
    pub fn covers(
        &self,
        pa: &PriorAuthFacts,
        service_date: Date,
    ) -> Result<(), &'static Requirement> {
        pa.covers(service_date, self.decision_valid(pa, service_date))
    }

    /// The last date of service `pa` covers for a delivery on `service_date`, when it is known.
    pub fn last_valid_day(&self, pa: &PriorAuthFacts, service_date: Date) -> Option<Date> {
        pa.last_valid_day(self.decision_valid(pa, service_date))
    }

    fn decision_valid(&self, pa: &PriorAuthFacts, service_date: Date) -> Option<ValidFor> {
        self.prior_auth_program(&pa.hcpcs, service_date)
            .and_then(|row| row.decision_valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Hcpcs;
    use time::macros::date;

    fn affirmed(decision: Date, expiry: Option<Date>) -> PriorAuthFacts {
        PriorAuthFacts {
            hcpcs: Hcpcs::parse("K0856").unwrap(),
            status: PaStatus::Affirmed,
            utn: Some("A1234567890BCD".to_owned()),
            decision_date: Some(decision),
            expiry_date: expiry,
        }
    }

    #[test]
    fn an_explicit_expiry_wins_over_the_program_period() {
        let pa = affirmed(date!(2026 - 01 - 10), Some(date!(2026 - 02 - 01)));
        let six_months = Some(ValidFor::Months(6));
        assert_eq!(pa.last_valid_day(six_months), Some(date!(2026 - 02 - 01)));
        assert!(pa.covers(date!(2026 - 02 - 01), six_months).is_ok());
        assert_eq!(
            pa.covers(date!(2026 - 02 - 02), six_months),
            Err(&req::PA_EXPIRED)
        );
        let no_expiry = affirmed(date!(2026 - 01 - 10), None);
        assert_eq!(
            no_expiry.covers(date!(2026 - 01 - 10), None),
            Err(&req::PA_EXPIRY_UNKNOWN)
        );
    }

    #[test]
    fn validation_names_each_field() {
        let mut pa = affirmed(date!(2026 - 03 - 01), Some(date!(2026 - 02 - 28)));
        pa.utn = Some("short".to_owned());
        let errors = pa.validate().unwrap_err();
        assert!(errors.for_field("expiry_date").is_some());
        assert!(errors.for_field("utn").is_some());
        assert!(
            affirmed(date!(2026 - 03 - 01), Some(date!(2026 - 03 - 01)))
                .validate()
                .is_ok()
        );
    }
}

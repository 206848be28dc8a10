//! The rental simulator: a billing specialist describes a rental and sees every month's billing
//! decision with its reasons. It reads no patient data, so nothing is audited.

use durable_domain::billing::{RentalInput, Schedule, schedule};
use durable_domain::validation::FieldErrors;

use crate::{Actor, AppResult, Permission};

/// The schedule of one described rental; input problems come back on their field.
pub fn simulate(actor: &Actor, input: &RentalInput) -> AppResult<Schedule> {
    actor.require(Permission::BillingSimulate)?;
    schedule(input).map_err(|err| FieldErrors::single(&err.field, err.message).into())
}

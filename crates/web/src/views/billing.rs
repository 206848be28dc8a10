//! The rental simulator page: a billing specialist describes a rental in JSON and sees every
//! month's billing decision, its amount and the rules behind it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use durable_app::{AppError, Permission, billing};
use durable_domain::billing::{RentalInput, Schedule};
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/billing/simulate", get(form).post(simulate))
}

/// The example the page starts from.
const EXAMPLE: &str = include_str!("../../../../docs/examples/hospital-bed-rental.json");

/// One row of the schedule table, a billed or a skipped month.
struct Row {
    month: String,
    from: String,
    to: String,
    hcpcs: String,
    modifiers: String,
    units: String,
    charge: String,
    amount: String,
    /// The DME MAC jurisdiction and the last day to file, for Medicare lines.
    filing: String,
    narrative: String,
    rules: Vec<(&'static str, &'static str, &'static str)>,
}

fn rows(schedule: &Schedule) -> Vec<Row> {
    let rules = |rules: &[durable_domain::billing::Rule]| {
        rules.iter().map(|r| (r.id, r.summary, r.section)).collect()
    };
    let mut rows: Vec<Row> = schedule
        .lines
        .iter()
        .map(|line| Row {
            month: line.rental_month.to_string(),
            from: line.from.to_string(),
            to: line.to.to_string(),
            hcpcs: line.hcpcs.clone(),
            units: line.units.to_string(),
            charge: line.charge.to_string(),
            filing: match (line.dme_mac, line.filing_deadline) {
                (Some(mac), Some(date)) => format!("Jurisdiction {}, by {date}", mac.letter()),
                (None, Some(date)) => format!("By {date}"),
                _ => String::new(),
            },
            narrative: line.narrative.clone().unwrap_or_default(),
            modifiers: line
                .modifiers
                .iter()
                .map(|m| m.code())
                .collect::<Vec<_>>()
                .join(" "),
            amount: line.allowed.to_string(),
            rules: rules(&line.rules),
        })
        .collect();
    rows.extend(schedule.skipped.iter().map(|skipped| Row {
        month: "—".into(),
        from: skipped.from.to_string(),
        to: skipped.to.to_string(),
        hcpcs: String::new(),
        modifiers: String::new(),
        units: String::new(),
        charge: String::new(),
        amount: "not billed".into(),
        filing: String::new(),
        narrative: String::new(),
        rules: rules(&skipped.rules),
    }));
    rows.sort_by(|a, b| a.from.cmp(&b.from));
    rows
}

#[derive(Template)]
#[template(path = "billing.html")]
struct SimulatorPage {
    layout: Layout,
    input: String,
    errors: FieldErrors,
    rows: Vec<Row>,
    summary: Vec<String>,
}

impl SimulatorPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

async fn form(page: PageActor) -> Response {
    let layout = Layout::new(&page, "Rental simulator", "/billing/simulate");
    if let Err(err) = page.actor.require(Permission::BillingSimulate) {
        return error_page(err, Some(layout));
    }
    let empty = SimulatorPage {
        layout,
        input: EXAMPLE.to_owned(),
        errors: FieldErrors::new(),
        rows: Vec::new(),
        summary: Vec::new(),
    };
    render(&empty, StatusCode::OK)
}

#[derive(Deserialize)]
struct SimulateForm {
    #[serde(default)]
    input: String,
}

async fn simulate(
    State(_state): State<AppState>,
    page: PageActor,
    Form(form): Form<SimulateForm>,
) -> Response {
    let layout = Layout::new(&page, "Rental simulator", "/billing/simulate");
    if let Err(err) = page.actor.require(Permission::BillingSimulate) {
        return error_page(err, Some(layout));
    }
    let result = serde_json::from_str::<RentalInput>(&form.input)
        .map_err(|err| {
            AppError::Invalid(FieldErrors::single(
                "input",
                format!("The JSON does not describe a rental: {err}."),
            ))
        })
        .and_then(|input| billing::simulate(&page.actor, &input));
    match result {
        Ok(schedule) => {
            let mut summary = Vec::new();
            if let Some(date) = schedule.title_transfer {
                summary.push(format!("Title passes to the beneficiary on {date}."));
            }
            if let Some(date) = schedule.useful_lifetime_end {
                summary.push(format!("The useful lifetime ends on {date}."));
            }
            if let Some(date) = schedule.end_of_need {
                summary.push(format!("Need ended on {date}."));
            }
            summary.push(format!("Total allowed: {}.", schedule.total_allowed));
            let done = SimulatorPage {
                layout,
                input: form.input,
                errors: FieldErrors::new(),
                rows: rows(&schedule),
                summary,
            };
            render(&done, StatusCode::OK)
        }
        Err(AppError::Invalid(errors)) => {
            // Engine errors name a field inside the JSON; show them all at the input box.
            let message = errors
                .errors
                .iter()
                .map(|e| {
                    if e.field == "input" {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.field, e.message)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            let failed = SimulatorPage {
                layout,
                input: form.input,
                errors: FieldErrors::single("input", message),
                rows: Vec::new(),
                summary: Vec::new(),
            };
            render(&failed, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(err) => error_page(err, Some(layout)),
    }
}

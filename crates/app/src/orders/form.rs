//! The order form: what intake types or an integration sends, checked field by field against
//! the patient, the prescriber and the catalog.

use durable_domain::catalog::Hcpcs;
use durable_domain::codes::{Icd10Cm, Mbi, Npi};
use durable_domain::documentation::{LineFacts, OrderFacts, RentOrBuy};

use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::orders::{Order, OrderDiagnosis, OrderLine, OrderRecord};
use durable_store::{Db, catalog as catalog_store, directory, patients};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::{App, AppResult};

/// The most lines and diagnoses one order may carry.
const MAX_LINES: usize = 20;
const MAX_DIAGNOSES: usize = 12;

/// An order line as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LineForm {
    /// The product delivered (optional when the HCPCS code says enough).
    pub product_id: Option<String>,
    /// The HCPCS code billed; empty takes the product's primary code.
    pub hcpcs: Option<String>,
    /// Units to dispense (1 when empty).
    pub quantity: Option<String>,
    /// rental or purchase.
    pub rent_or_buy: String,
    /// Length of need in months; 99 means lifetime.
    pub length_of_need_months: Option<String>,
    /// LT or RT for items ordered per side.
    pub side: Option<String>,
}

/// An order as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrderForm {
    /// The patient's id.
    pub patient_id: String,
    /// The ordering (treating) practitioner's id.
    pub prescriber_id: String,
    /// The date on the written order.
    pub order_date: String,
    /// "true" when the practitioner signed the written order.
    pub signed: Option<String>,
    /// The date of the signature.
    pub signature_date: Option<String>,
    /// Date of the face-to-face encounter that supports the order.
    pub f2f_encounter: Option<String>,
    /// The planned delivery date.
    pub planned_delivery: Option<String>,
    /// deliver, ship or pickup.
    pub delivery_preference: String,
    /// ICD-10-CM codes, primary first, separated by spaces or commas.
    pub diagnoses: String,
    /// What is ordered.
    pub lines: Vec<LineForm>,
    /// Notes for the team.
    pub notes: Option<String>,
}

/// What was typed, checked against the patient, the prescriber and the catalog.
pub(super) struct Parsed {
    pub(super) record: OrderRecord,
    pub(super) facts: OrderFacts,
}

pub(super) fn optional_date(
    errors: &mut FieldErrors,
    field: &str,
    text: Option<&str>,
) -> Option<Date> {
    errors.optional_parsed(field, text, parse_date)
}

impl OrderForm {
    pub(super) async fn parse(&self, app: &App, db: &impl Db, id: Uuid) -> AppResult<Parsed> {
        let mut errors = FieldErrors::new();
        let today = app.clock.today();
        let patient = match self.patient_id.trim().parse::<Uuid>() {
            Ok(uuid) => patients::get(db, uuid).await?,
            Err(_) => None,
        };
        if patient.is_none() {
            errors.add("patient_id", "Choose the patient from the search.");
        }
        let prescriber = match self.prescriber_id.trim().parse::<Uuid>() {
            Ok(uuid) => directory::prescriber(db, uuid).await?,
            Err(_) => None,
        };
        if prescriber.is_none() {
            errors.add("prescriber_id", "Choose the ordering practitioner.");
        }
        let order_date = errors.check("order_date", parse_date(&self.order_date));
        if order_date.is_some_and(|d| d > today) {
            errors.add("order_date", "The order date cannot be in the future.");
        }
        let signed = crate::forms::flag(self.signed.as_deref());
        let signature_date = optional_date(
            &mut errors,
            "signature_date",
            self.signature_date.as_deref(),
        );
        if signature_date.is_some_and(|d| d > today) {
            errors.add(
                "signature_date",
                "The signature date cannot be in the future.",
            );
        }
        let f2f_encounter =
            optional_date(&mut errors, "f2f_encounter", self.f2f_encounter.as_deref());
        if f2f_encounter.is_some_and(|d| d > today) {
            errors.add(
                "f2f_encounter",
                "The encounter date cannot be in the future.",
            );
        }
        let planned_delivery = optional_date(
            &mut errors,
            "planned_delivery",
            self.planned_delivery.as_deref(),
        );
        if let (Some(delivery), Some(ordered)) = (planned_delivery, order_date)
            && delivery < ordered
        {
            errors.add(
                "planned_delivery",
                "Delivery cannot come before the order date.",
            );
        }
        let preference = self.delivery_preference.trim();
        let preference = match preference {
            "" => "deliver",
            "deliver" | "ship" | "pickup" => preference,
            _ => {
                errors.add("delivery_preference", "Choose deliver, ship or pickup.");
                "deliver"
            }
        };
        let notes = errors
            .optional_note("notes", self.notes.as_deref(), 2_000)
            .unwrap_or_default();

        let mut diagnoses = Vec::new();
        for text in self
            .diagnoses
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            match Icd10Cm::parse(text) {
                Ok(code) if diagnoses.contains(&code) => {
                    errors.add("diagnoses", format!("{} is listed twice.", code.dotted()));
                }
                Ok(code) => diagnoses.push(code),
                Err(err) => errors.add("diagnoses", format!("{text}: {}", err.0)),
            }
        }
        if diagnoses.is_empty() && errors.for_field("diagnoses").is_none() {
            errors.add("diagnoses", "Enter at least one ICD-10-CM diagnosis code.");
        }
        if diagnoses.len() > MAX_DIAGNOSES {
            errors.add(
                "diagnoses",
                format!("List at most {MAX_DIAGNOSES} diagnoses."),
            );
        }

        let mut lines = Vec::new();
        let mut line_facts = Vec::new();
        if self.lines.is_empty() {
            errors.add("lines", "Add at least one item to the order.");
        }
        if self.lines.len() > MAX_LINES {
            errors.add(
                "lines",
                format!("An order holds at most {MAX_LINES} lines."),
            );
        }
        for (index, line) in self.lines.iter().take(MAX_LINES).enumerate() {
            let field = |name: &str| format!("lines[{index}].{name}");
            let product = match line.product_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => match text.parse::<Uuid>() {
                    Ok(uuid) => catalog_store::product(db, uuid).await?,
                    Err(_) => None,
                }
                .or_else(|| {
                    errors.add(&field("product_id"), "No product has this id.");
                    None
                }),
            };
            let typed = line.hcpcs.as_deref().map(str::trim).unwrap_or("");
            let hcpcs = if typed.is_empty() {
                match &product {
                    Some(p) => p.hcpcs.first().and_then(|c| Hcpcs::parse(c).ok()),
                    None => {
                        errors.add(&field("hcpcs"), "Enter the HCPCS code or choose a product.");
                        None
                    }
                }
            } else {
                errors.check(&field("hcpcs"), Hcpcs::parse(typed))
            };
            if let (Some(code), Some(p)) = (&hcpcs, &product)
                && !p.hcpcs.iter().any(|c| c == code.as_str())
            {
                errors.add(
                    &field("hcpcs"),
                    format!(
                        "{} is not billed under {code}; it bills under {}.",
                        p.product.name,
                        p.hcpcs.join(", ")
                    ),
                );
            }
            if let Some(code) = &hcpcs {
                match catalog_store::hcpcs_code(db, code.as_str()).await? {
                    None => errors.add(
                        &field("hcpcs"),
                        format!("{code} is not in the HCPCS catalog."),
                    ),
                    Some(row) => {
                        let on = order_date.unwrap_or(today);
                        if row.added.is_some_and(|d| d > on)
                            || row.terminated.is_some_and(|d| d < on)
                        {
                            errors.add(
                                &field("hcpcs"),
                                format!("{code} is not valid on the order date {on}; use the code in force then."),
                            );
                        }
                    }
                }
            }
            let quantity = match line.quantity.as_deref().map(str::trim) {
                None | Some("") => Some(1),
                Some(text) => match text.parse::<i32>() {
                    Ok(q) if (1..=999).contains(&q) => Some(q),
                    _ => {
                        errors.add(&field("quantity"), "Enter a quantity from 1 to 999.");
                        None
                    }
                },
            };
            let rent_or_buy = match line.rent_or_buy.trim() {
                "rental" => Some(RentOrBuy::Rental),
                "purchase" => Some(RentOrBuy::Purchase),
                _ => {
                    errors.add(&field("rent_or_buy"), "Choose rental or purchase.");
                    None
                }
            };
            let length_of_need = match line.length_of_need_months.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => match text.parse::<i32>() {
                    Ok(m) if (1..=99).contains(&m) => Some(m),
                    _ => {
                        errors.add(
                            &field("length_of_need_months"),
                            "Enter 1 to 99 months (99 = lifetime).",
                        );
                        None
                    }
                },
            };
            let side = match line.side.as_deref().map(|s| s.trim().to_ascii_uppercase()) {
                None => None,
                Some(s) if s.is_empty() => None,
                Some(s) if s == "LT" || s == "RT" => Some(s),
                Some(_) => {
                    errors.add(&field("side"), "Choose LT, RT or leave empty.");
                    None
                }
            };
            if let (Some(hcpcs), Some(quantity), Some(rent_or_buy)) = (hcpcs, quantity, rent_or_buy)
            {
                line_facts.push(LineFacts {
                    hcpcs: hcpcs.clone(),
                    quantity: u32::try_from(quantity).ok(),
                    rent_or_buy,
                    description: product
                        .as_ref()
                        .map(|p| p.product.name.clone())
                        .unwrap_or_else(|| hcpcs.to_string()),
                });
                lines.push(OrderLine {
                    order_id: id,
                    position: i32::try_from(index).unwrap_or(i32::MAX),
                    product_id: product.as_ref().map(|p| p.product.id),
                    hcpcs: hcpcs.to_string(),
                    quantity,
                    rent_or_buy: match rent_or_buy {
                        RentOrBuy::Rental => "rental",
                        RentOrBuy::Purchase => "purchase",
                    }
                    .to_owned(),
                    length_of_need_months: length_of_need,
                    side,
                });
            }
        }

        let (patient, prescriber, order_date) =
            errors.finish(|| Some((patient?, prescriber?, order_date?)))?;
        let now = app.clock.now();
        let facts = OrderFacts {
            patient_name: format!(
                "{} {}",
                patient.patient.given_name, patient.patient.family_name
            ),
            patient_mbi: patient
                .patient
                .mbi
                .as_deref()
                .and_then(|m| Mbi::parse(m).ok()),
            order_date: Some(order_date),
            planned_delivery,
            practitioner_name: format!("{} {}", prescriber.given_name, prescriber.family_name),
            practitioner_npi: Npi::parse(&prescriber.npi).ok(),
            signed,
            signature_date,
            diagnoses: diagnoses.clone(),
            lines: line_facts,
            f2f_encounter,
            ..OrderFacts::default()
        };
        Ok(Parsed {
            record: OrderRecord {
                order: Order {
                    id,
                    patient_id: patient.patient.id,
                    prescriber_id: prescriber.id,
                    order_date,
                    signed,
                    signature_date,
                    f2f_encounter,
                    planned_delivery,
                    delivery_preference: preference.to_owned(),
                    status: "new".into(),
                    notes,
                    created_at: now,
                    updated_at: now,
                },
                diagnoses: diagnoses
                    .iter()
                    .enumerate()
                    .map(|(position, code)| OrderDiagnosis {
                        order_id: id,
                        position: i32::try_from(position).unwrap_or(i32::MAX),
                        code: code.as_str().to_owned(),
                    })
                    .collect(),
                lines,
            },
            facts,
        })
    }
}

impl OrderForm {
    /// The form as saved, for editing and for checking again.
    pub fn from_record(record: &OrderRecord) -> OrderForm {
        let o = &record.order;
        OrderForm {
            patient_id: o.patient_id.to_string(),
            prescriber_id: o.prescriber_id.to_string(),
            order_date: o.order_date.to_string(),
            signed: o.signed.then(|| "on".to_owned()),
            signature_date: o.signature_date.map(|d| d.to_string()),
            f2f_encounter: o.f2f_encounter.map(|d| d.to_string()),
            planned_delivery: o.planned_delivery.map(|d| d.to_string()),
            delivery_preference: o.delivery_preference.clone(),
            diagnoses: record
                .diagnoses
                .iter()
                .map(|d| d.code.clone())
                .collect::<Vec<_>>()
                .join(" "),
            lines: record
                .lines
                .iter()
                .map(|l| LineForm {
                    product_id: l.product_id.map(|p| p.to_string()),
                    hcpcs: Some(l.hcpcs.clone()),
                    quantity: Some(l.quantity.to_string()),
                    rent_or_buy: l.rent_or_buy.clone(),
                    length_of_need_months: l.length_of_need_months.map(|m| m.to_string()),
                    side: l.side.clone(),
                })
                .collect(),
            notes: Some(o.notes.clone()),
        }
    }
}

//! Patient intake: creating and changing patients, finding them, and reading their chart.
//! What a chart shows depends on the reader's role (minimum necessary): diagnoses need
//! `ClinicalRead`, insurance and the MBI need `CoverageRead`.

use durable_domain::codes::{Email, Icd10Cm, Mbi, Phone};
use durable_domain::ids::PatientId;
use durable_domain::people::{AddressKind, PhoneKind, PreferredContact, Sex};
use durable_domain::search::{PatientQuery, name_key};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::patients::{self as store, PatientRecord};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::audit::{Audit, record, record_read};
use crate::coverages::{self, CoverageForm, CoverageView};
use crate::forms::{MAX_TEXT, ParsedAddress, flag, parse_address};
use crate::{Actor, App, AppError, AppResult, Permission};

/// A patient as typed into the intake form or sent to the API; every field is text so that
/// both can be parsed the same way and every problem reported next to its field.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PatientForm {
    /// Family (last) name.
    pub family_name: String,
    /// Given (first) name.
    pub given_name: String,
    /// Middle name or initial.
    pub middle_name: Option<String>,
    /// Date of birth, YYYY-MM-DD or MM/DD/YYYY.
    pub birth_date: String,
    /// female, male or unknown.
    pub sex: String,
    /// Medicare Beneficiary Identifier, if the patient has Medicare.
    pub mbi: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// phone, text, email or mail.
    pub preferred_contact: Option<String>,
    /// Home address, first line.
    pub home_line1: String,
    /// Home address, second line.
    pub home_line2: Option<String>,
    /// Home city.
    pub home_city: String,
    /// Home state (USPS code).
    pub home_state: String,
    /// Home ZIP code.
    pub home_postal_code: String,
    /// Delivery address, first line; empty means deliver to the home address.
    pub delivery_line1: Option<String>,
    /// Delivery address, second line.
    pub delivery_line2: Option<String>,
    /// Delivery city.
    pub delivery_city: Option<String>,
    /// Delivery state.
    pub delivery_state: Option<String>,
    /// Delivery ZIP code.
    pub delivery_postal_code: Option<String>,
    /// Mobile phone.
    pub phone_mobile: Option<String>,
    /// Home phone.
    pub phone_home: Option<String>,
    /// Work phone.
    pub phone_work: Option<String>,
    /// Emergency contact's name.
    pub emergency_name: Option<String>,
    /// Emergency contact's relationship to the patient.
    pub emergency_relationship: Option<String>,
    /// Emergency contact's phone.
    pub emergency_phone: Option<String>,
    /// Date of death, if known.
    pub death_date: Option<String>,
    /// ICD-10-CM codes separated by commas or spaces, such as "G47.33, J44.9".
    pub diagnoses: Option<String>,
    /// "true" (or a ticked box) to create the patient even though one with the same name and
    /// date of birth exists.
    pub confirm_new: Option<String>,
}

fn address_row(parsed: ParsedAddress, kind: AddressKind, patient_id: PatientId) -> store::Address {
    store::Address {
        patient_id: patient_id.as_uuid(),
        kind: kind.as_str().to_owned(),
        line1: parsed.line1,
        line2: parsed.line2,
        city: parsed.city,
        state: parsed.state,
        postal_code: parsed.postal_code,
    }
}

impl PatientForm {
    /// Parses the form into a patient record, collecting every problem. `existing` keeps the
    /// id and creation time when editing.
    fn parse(
        &self,
        app: &App,
        existing: Option<&store::Patient>,
    ) -> Result<PatientRecord, FieldErrors> {
        let today = app.clock.today();
        let now = app.clock.now();
        let id = existing.map_or_else(PatientId::new, |p| PatientId::from_uuid(p.id));
        let mut e = FieldErrors::new();
        let family_name = e.required("family_name", &self.family_name, MAX_TEXT);
        let given_name = e.required("given_name", &self.given_name, MAX_TEXT);
        let middle_name = e.optional("middle_name", self.middle_name.as_deref(), MAX_TEXT);
        let birth_date = e.check("birth_date", parse_date(&self.birth_date));
        if let Some(born) = birth_date {
            if born > today {
                e.add("birth_date", "The date of birth cannot be in the future.");
            } else if born.year() < 1900 {
                e.add(
                    "birth_date",
                    "Check the year: the date of birth is before 1900.",
                );
            }
        }
        let sex = e.check("sex", Sex::parse(&self.sex));
        let mbi = e.optional_parsed("mbi", self.mbi.as_deref(), Mbi::parse);
        let email = e.optional_parsed("email", self.email.as_deref(), Email::parse);
        let preferred_contact = match self.preferred_contact.as_deref().map(str::trim) {
            None | Some("") => Some(PreferredContact::Phone),
            Some(text) => e.check("preferred_contact", PreferredContact::parse(text)),
        };
        let home = parse_address(
            &mut e,
            "home_",
            [
                Some(self.home_line1.as_str()),
                self.home_line2.as_deref(),
                Some(self.home_city.as_str()),
                Some(self.home_state.as_str()),
                Some(self.home_postal_code.as_str()),
            ],
        )
        .map(|a| address_row(a, AddressKind::Home, id));
        let wants_delivery = [
            &self.delivery_line1,
            &self.delivery_city,
            &self.delivery_state,
            &self.delivery_postal_code,
        ]
        .iter()
        .any(|part| part.as_deref().is_some_and(|t| !t.trim().is_empty()));
        let delivery = wants_delivery.then(|| {
            parse_address(
                &mut e,
                "delivery_",
                [
                    self.delivery_line1.as_deref(),
                    self.delivery_line2.as_deref(),
                    self.delivery_city.as_deref(),
                    self.delivery_state.as_deref(),
                    self.delivery_postal_code.as_deref(),
                ],
            )
            .map(|a| address_row(a, AddressKind::Delivery, id))
        });
        let mut phones = Vec::new();
        for (kind, field, text) in [
            (PhoneKind::Mobile, "phone_mobile", &self.phone_mobile),
            (PhoneKind::Home, "phone_home", &self.phone_home),
            (PhoneKind::Work, "phone_work", &self.phone_work),
        ] {
            if let Some(phone) = e.optional_parsed(field, text.as_deref(), Phone::parse) {
                phones.push(store::PhoneNumber {
                    patient_id: id.as_uuid(),
                    kind: kind.as_str().to_owned(),
                    number: phone.as_str().to_owned(),
                });
            }
        }
        let emergency_name = e.optional("emergency_name", self.emergency_name.as_deref(), MAX_TEXT);
        let emergency_relationship = e.optional(
            "emergency_relationship",
            self.emergency_relationship.as_deref(),
            MAX_TEXT,
        );
        let emergency_phone = e.optional_parsed(
            "emergency_phone",
            self.emergency_phone.as_deref(),
            Phone::parse,
        );
        let death_date = e.optional_parsed("death_date", self.death_date.as_deref(), parse_date);
        if let (Some(died), Some(born)) = (death_date, birth_date)
            && (died < born || died > today)
        {
            e.add(
                "death_date",
                "The date of death must be between the birth date and today.",
            );
        }
        let mut diagnoses: Vec<store::Diagnosis> = Vec::new();
        for code in self
            .diagnoses
            .as_deref()
            .unwrap_or("")
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|c| !c.is_empty())
        {
            match Icd10Cm::parse(code) {
                Ok(code) if diagnoses.iter().all(|d| d.code != code.as_str()) => {
                    diagnoses.push(store::Diagnosis {
                        patient_id: id.as_uuid(),
                        code: code.as_str().to_owned(),
                        description: None,
                        added_at: now,
                    })
                }
                Ok(_) => {}
                Err(err) => e.add("diagnoses", format!("'{code}': {}", err.0)),
            }
        }
        e.finish(|| {
            let (family_name, given_name) = (family_name?, given_name?);
            let mut addresses = vec![home?];
            if let Some(delivery) = delivery {
                addresses.push(delivery?);
            }
            Some(PatientRecord {
                patient: store::Patient {
                    id: id.as_uuid(),
                    family_key: name_key(&family_name),
                    given_key: name_key(&given_name),
                    family_name,
                    given_name,
                    middle_name,
                    birth_date: birth_date?,
                    sex: sex?.as_str().to_owned(),
                    mbi: mbi.map(|m| m.as_str().to_owned()),
                    email: email.map(|m| m.as_str().to_owned()),
                    preferred_contact: preferred_contact?.as_str().to_owned(),
                    emergency_name,
                    emergency_relationship,
                    emergency_phone: emergency_phone.map(|p| p.as_str().to_owned()),
                    death_date,
                    created_at: existing.map_or(now, |p| p.created_at),
                    updated_at: now,
                },
                addresses,
                phones,
                diagnoses,
            })
        })
    }
}

/// A possible duplicate found at intake.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PatientSummary {
    /// The patient's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PatientId,
    /// "Family, Given".
    pub name: String,
    /// Date of birth.
    #[schema(value_type = String, format = Date)]
    pub birth_date: Date,
    /// Home city and state.
    pub city: Option<String>,
}

/// Why a new patient was not created: someone with the same name and birth date exists.
#[derive(Debug)]
pub enum Created {
    /// The new patient.
    Patient(PatientId),
    /// Possible duplicates; resubmit with `confirm_new` to create anyway.
    PossibleDuplicates(Vec<PatientSummary>),
}

fn summary(patient: &store::Patient) -> PatientSummary {
    PatientSummary {
        id: PatientId::from_uuid(patient.id),
        name: format!("{}, {}", patient.family_name, patient.given_name),
        birth_date: patient.birth_date,
        city: None,
    }
}

impl From<store::SummaryRow> for PatientSummary {
    fn from(row: store::SummaryRow) -> Self {
        PatientSummary {
            id: PatientId::from_uuid(row.id),
            name: format!("{}, {}", row.family_name, row.given_name),
            birth_date: row.birth_date,
            city: row
                .city
                .zip(row.state)
                .map(|(city, state)| format!("{city}, {state}")),
        }
    }
}

/// Creates a patient, with their first coverage when one is given, in one transaction.
pub async fn create(
    app: &App,
    actor: &Actor,
    form: &PatientForm,
    first_coverage: Option<&CoverageForm>,
) -> AppResult<Created> {
    actor.require(Permission::PatientWrite)?;
    if first_coverage.is_some() {
        actor.require(Permission::CoverageWrite)?;
    }
    let parsed = form.parse(app, None);
    let tx = app.store.begin_write().await?;
    let coverage = match first_coverage {
        Some(coverage_form) => {
            let patient_id = parsed
                .as_ref()
                .ok()
                .map(|r| PatientId::from_uuid(r.patient.id));
            Some(
                coverage_form
                    .parse(
                        app,
                        tx.conn(),
                        patient_id.unwrap_or_default(),
                        None,
                        "coverage_",
                    )
                    .await,
            )
        }
        None => None,
    };
    // Report the patient's and the coverage's field problems together.
    let (new_patient, coverage) = match (parsed, coverage) {
        (Ok(parsed), None) => (parsed, None),
        (Ok(parsed), Some(Ok(coverage))) => (parsed, Some(coverage)),
        (Err(mut errors), Some(Err(AppError::Invalid(more)))) => {
            errors.errors.extend(more.errors);
            return Err(errors.into());
        }
        (_, Some(Err(err))) => return Err(err),
        (Err(errors), _) => return Err(errors.into()),
    };
    if !flag(form.confirm_new.as_deref()) {
        let same = store::same_name_and_birth_date(
            tx.conn(),
            &new_patient.patient.family_key,
            &new_patient.patient.given_key,
            new_patient.patient.birth_date,
        )
        .await?;
        if !same.is_empty() {
            let matches: Vec<PatientSummary> = same.iter().map(summary).collect();
            let ids = matches.iter().map(|m| m.id);
            record(
                tx.conn(),
                &app.clock,
                actor,
                Audit::about("patient.duplicate_check", "patient", None).patients(ids),
            )
            .await?;
            tx.commit().await?;
            return Ok(Created::PossibleDuplicates(matches));
        }
    }
    let id = PatientId::from_uuid(new_patient.patient.id);
    store::insert(tx.conn(), vec![new_patient]).await?;
    if let Some(coverage) = coverage {
        let coverage_id = coverage.id;
        store::insert_coverages(tx.conn(), vec![coverage]).await?;
        record(
            tx.conn(),
            &app.clock,
            actor,
            Audit::new("coverage.create", "coverage", coverage_id).patients([id]),
        )
        .await?;
    }
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("patient.create", "patient", id.as_uuid()).patients([id]),
    )
    .await?;
    tx.commit().await?;
    Ok(Created::Patient(id))
}

/// Replaces a patient's demographics.
pub async fn update(app: &App, actor: &Actor, id: PatientId, form: &PatientForm) -> AppResult<()> {
    actor.require(Permission::PatientWrite)?;
    let tx = app.store.begin_write().await?;
    let existing = store::get(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("patient"))?;
    let mut updated = form.parse(app, Some(&existing.patient))?;
    // Diagnoses keep the date they were first recorded.
    for diagnosis in &mut updated.diagnoses {
        if let Some(old) = existing.diagnoses.iter().find(|d| d.code == diagnosis.code) {
            diagnosis.added_at = old.added_at;
            diagnosis.description.clone_from(&old.description);
        }
    }
    // A role without ClinicalRead or CoverageRead never saw these fields, so it cannot change them.
    if !actor.can(Permission::ClinicalRead) {
        updated.diagnoses = existing.diagnoses.clone();
    }
    if !actor.can(Permission::CoverageRead) {
        updated.patient.mbi = existing.patient.mbi.clone();
    }
    let changed = changed_fields(&existing, &updated);
    store::update(tx.conn(), updated).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("patient.update", "patient", id.as_uuid())
            .patients([id])
            .detail(serde_json::json!({ "changed": changed })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The names of the groups of fields that differ (for the audit trail, without the values).
fn changed_fields(old: &PatientRecord, new: &PatientRecord) -> Vec<&'static str> {
    let (o, n) = (&old.patient, &new.patient);
    let checks = [
        (
            "name",
            (&o.family_name, &o.given_name, &o.middle_name)
                != (&n.family_name, &n.given_name, &n.middle_name),
        ),
        ("birth_date", o.birth_date != n.birth_date),
        ("sex", o.sex != n.sex),
        ("mbi", o.mbi != n.mbi),
        (
            "contact",
            (&o.email, &o.preferred_contact) != (&n.email, &n.preferred_contact),
        ),
        (
            "emergency_contact",
            (
                &o.emergency_name,
                &o.emergency_relationship,
                &o.emergency_phone,
            ) != (
                &n.emergency_name,
                &n.emergency_relationship,
                &n.emergency_phone,
            ),
        ),
        ("death_date", o.death_date != n.death_date),
        ("addresses", old.addresses != new.addresses),
        ("phones", old.phones != new.phones),
        (
            "diagnoses",
            old.diagnoses
                .iter()
                .map(|d| &d.code)
                .ne(new.diagnoses.iter().map(|d| &d.code)),
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| name)
        .collect()
}

/// An address as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AddressView {
    /// First line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
}

/// A phone as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PhoneView {
    /// mobile, home or work.
    pub kind: String,
    /// Ten digits.
    pub number: String,
    /// (555) 123-4567.
    pub formatted: String,
}

/// A diagnosis as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DiagnosisView {
    /// The ICD-10-CM code with its dot.
    pub code: String,
    /// Description, if recorded.
    pub description: Option<String>,
}

/// A patient's chart, with only what the reader's role may see.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PatientView {
    /// The patient's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PatientId,
    /// Family name.
    pub family_name: String,
    /// Given name.
    pub given_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Date of birth.
    #[schema(value_type = String, format = Date)]
    pub birth_date: Date,
    /// female, male or unknown.
    pub sex: String,
    /// E-mail.
    pub email: Option<String>,
    /// How they want to be contacted.
    pub preferred_contact: String,
    /// Home address.
    pub home_address: Option<AddressView>,
    /// Delivery address when it differs from home.
    pub delivery_address: Option<AddressView>,
    /// Phones.
    pub phones: Vec<PhoneView>,
    /// Emergency contact's name.
    pub emergency_name: Option<String>,
    /// Emergency contact's relationship.
    pub emergency_relationship: Option<String>,
    /// Emergency contact's phone.
    pub emergency_phone: Option<String>,
    /// Date of death.
    #[schema(value_type = Option<String>, format = Date)]
    pub death_date: Option<Date>,
    /// The MBI (insurance readers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mbi: Option<String>,
    /// Diagnoses (clinical readers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnoses: Option<Vec<DiagnosisView>>,
    /// Coverages (insurance readers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverages: Option<Vec<CoverageView>>,
}

fn address_view(record: &PatientRecord, kind: AddressKind) -> Option<AddressView> {
    record
        .addresses
        .iter()
        .find(|a| a.kind == kind.as_str())
        .map(|a| AddressView {
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            postal_code: a.postal_code.clone(),
        })
}

/// A stored phone number as people read it.
fn formatted_phone(digits: &str) -> String {
    Phone::parse(digits).map_or_else(|_| digits.to_owned(), |n| n.formatted())
}

/// Opens a patient's chart; the view is recorded in the audit trail.
pub async fn chart(app: &App, actor: &Actor, id: PatientId) -> AppResult<PatientView> {
    actor.require(Permission::PatientRead)?;
    let tx = app.store.begin_read().await?;
    let record = store::get(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("patient"))?;
    let coverages = if actor.can(Permission::CoverageRead) {
        Some(coverages::views_of(tx.conn(), id).await?)
    } else {
        None
    };
    drop(tx);
    let shown: Vec<&str> = [
        Some("demographics"),
        actor.can(Permission::ClinicalRead).then_some("diagnoses"),
        coverages.as_ref().map(|_| "coverages"),
    ]
    .into_iter()
    .flatten()
    .collect();
    record_read(
        app,
        actor,
        Audit::new("patient.view", "patient", id.as_uuid())
            .patients([id])
            .detail(serde_json::json!({ "shown": shown })),
    )
    .await?;
    let p = &record.patient;
    Ok(PatientView {
        id,
        family_name: p.family_name.clone(),
        given_name: p.given_name.clone(),
        middle_name: p.middle_name.clone(),
        birth_date: p.birth_date,
        sex: p.sex.clone(),
        email: p.email.clone(),
        preferred_contact: p.preferred_contact.clone(),
        home_address: address_view(&record, AddressKind::Home),
        delivery_address: address_view(&record, AddressKind::Delivery),
        phones: record
            .phones
            .iter()
            .map(|ph| PhoneView {
                kind: ph.kind.clone(),
                number: ph.number.clone(),
                formatted: formatted_phone(&ph.number),
            })
            .collect(),
        emergency_name: p.emergency_name.clone(),
        emergency_relationship: p.emergency_relationship.clone(),
        emergency_phone: p.emergency_phone.as_deref().map(formatted_phone),
        death_date: p.death_date,
        mbi: actor
            .can(Permission::CoverageRead)
            .then(|| p.mbi.clone())
            .flatten(),
        diagnoses: actor.can(Permission::ClinicalRead).then(|| {
            record
                .diagnoses
                .iter()
                .map(|d| DiagnosisView {
                    code: Icd10Cm::parse(&d.code)
                        .map(|c| c.dotted())
                        .unwrap_or_else(|_| d.code.clone()),
                    description: d.description.clone(),
                })
                .collect()
        }),
        coverages,
    })
}

/// The form as it was saved, for editing (diagnoses and MBI only for roles that may see them).
pub async fn edit_form(app: &App, actor: &Actor, id: PatientId) -> AppResult<PatientForm> {
    actor.require(Permission::PatientWrite)?;
    let view = chart(app, actor, id).await?;
    let home = view.home_address.as_ref();
    let delivery = view.delivery_address.as_ref();
    let phone = |kind: PhoneKind| {
        view.phones
            .iter()
            .find(|p| p.kind == kind.as_str())
            .map(|p| p.formatted.clone())
    };
    Ok(PatientForm {
        family_name: view.family_name.clone(),
        given_name: view.given_name.clone(),
        middle_name: view.middle_name.clone(),
        birth_date: view.birth_date.to_string(),
        sex: view.sex.clone(),
        mbi: view.mbi.clone(),
        email: view.email.clone(),
        preferred_contact: Some(view.preferred_contact.clone()),
        home_line1: home.map(|a| a.line1.clone()).unwrap_or_default(),
        home_line2: home.and_then(|a| a.line2.clone()),
        home_city: home.map(|a| a.city.clone()).unwrap_or_default(),
        home_state: home.map(|a| a.state.clone()).unwrap_or_default(),
        home_postal_code: home.map(|a| a.postal_code.clone()).unwrap_or_default(),
        delivery_line1: delivery.map(|a| a.line1.clone()),
        delivery_line2: delivery.and_then(|a| a.line2.clone()),
        delivery_city: delivery.map(|a| a.city.clone()),
        delivery_state: delivery.map(|a| a.state.clone()),
        delivery_postal_code: delivery.map(|a| a.postal_code.clone()),
        phone_mobile: phone(PhoneKind::Mobile),
        phone_home: phone(PhoneKind::Home),
        phone_work: phone(PhoneKind::Work),
        emergency_name: view.emergency_name.clone(),
        emergency_relationship: view.emergency_relationship.clone(),
        emergency_phone: view.emergency_phone.clone(),
        death_date: view.death_date.map(|d| d.to_string()),
        diagnoses: view.diagnoses.as_ref().map(|d| {
            d.iter()
                .map(|d| d.code.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }),
        confirm_new: None,
    })
}

/// The patients added most recently (the intake coordinator's home page); the read is recorded.
pub async fn recently_added(
    app: &App,
    actor: &Actor,
    limit: u64,
) -> AppResult<Vec<PatientSummary>> {
    actor.require(Permission::PatientRead)?;
    let found = store::recently_added(&app.store, limit).await?;
    summarise_and_record(
        app,
        actor,
        found,
        serde_json::json!({ "by": "recently_added" }),
    )
    .await
}

/// The summaries of `found`; the patients shown are recorded.
async fn summarise_and_record(
    app: &App,
    actor: &Actor,
    found: Vec<store::SummaryRow>,
    detail: serde_json::Value,
) -> AppResult<Vec<PatientSummary>> {
    let items: Vec<PatientSummary> = found.into_iter().map(PatientSummary::from).collect();
    if !items.is_empty() {
        record_read(
            app,
            actor,
            Audit::about("patient.search", "patient", None)
                .patients(items.iter().map(|i| i.id))
                .detail(detail),
        )
        .await?;
    }
    Ok(items)
}

/// The page size of patient searches.
pub const PAGE: u64 = 25;

/// A page of search results and the offset of the next page.
#[derive(Clone, Debug)]
pub struct SearchPage {
    /// The patients on this page.
    pub items: Vec<PatientSummary>,
    /// Where the next page starts, if there is one.
    pub next: Option<u64>,
}

/// Finds patients by name prefix, date of birth, MBI or phone. Searching by MBI needs
/// `CoverageRead`; every search that returns patients is recorded with the patients returned.
pub async fn search(app: &App, actor: &Actor, text: &str, offset: u64) -> AppResult<SearchPage> {
    actor.require(Permission::PatientRead)?;
    let Some(query) = PatientQuery::parse(text) else {
        return Ok(SearchPage {
            items: Vec::new(),
            next: None,
        });
    };
    if matches!(query, PatientQuery::Mbi(_)) {
        actor.require(Permission::CoverageRead)?;
    }
    let mut found = store::search(&app.store, &query, offset, PAGE + 1).await?;
    let next = (found.len() as u64 > PAGE).then_some(offset + PAGE);
    found.truncate(PAGE as usize);
    let kind = match query {
        PatientQuery::Name { .. } => "name",
        PatientQuery::BirthDate(_) => "birth_date",
        PatientQuery::Mbi(_) => "mbi",
        PatientQuery::Phone(_) => "phone",
    };
    let items = summarise_and_record(
        app,
        actor,
        found,
        serde_json::json!({ "by": kind, "offset": offset }),
    )
    .await?;
    Ok(SearchPage { items, next })
}

/// "Family, Given" for each of `ids` that exists, read in one query: the names shown in queues
/// and lists. Callers check the permission and audit the read themselves.
pub(crate) async fn display_names(
    db: &impl durable_store::Db,
    ids: &[uuid::Uuid],
) -> AppResult<std::collections::HashMap<uuid::Uuid, String>> {
    Ok(store::patients_by_id(db, ids)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{}, {}", p.family_name, p.given_name)))
        .collect())
}

//! Prescribers, referral sources and payers: the people and organisations intake works with.
//! None of this is patient data, but every change is still recorded in the audit trail.

use durable_domain::codes::{Npi, Phone};
use durable_domain::ids::{PayerId, PlanId, PrescriberId, ReferralSourceId};
use durable_domain::people::ReferralSourceKind;
use durable_domain::search::name_key;
use durable_domain::validation::FieldErrors;
use durable_store::Db;
use durable_store::directory::{self as store, Prescriber, ReferralSource};
use serde::{Deserialize, Serialize};

use crate::audit::{Audit, record};
use crate::forms::{MAX_TEXT, flag, parse_address};
use crate::{Actor, App, AppError, AppResult, Permission};

/// The page size of directory searches.
pub const PAGE: u64 = 50;

/// A prescriber as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PrescriberForm {
    /// National Provider Identifier (10 digits, check digit validated).
    pub npi: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Credentials such as MD, DO, NP, PA.
    pub credentials: Option<String>,
    /// NUCC taxonomy code, such as 207RP1001X.
    pub taxonomy_code: Option<String>,
    /// Specialty in words.
    pub specialty: Option<String>,
    /// Practice address, first line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
    /// Phone.
    pub phone: Option<String>,
    /// Fax (orders and documentation requests go here).
    pub fax: Option<String>,
    /// "true" when the prescriber is enrolled in PECOS (Medicare orders require it).
    pub pecos_enrolled: Option<String>,
}

/// A prescriber as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PrescriberView {
    /// The prescriber's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PrescriberId,
    /// NPI.
    pub npi: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Credentials.
    pub credentials: Option<String>,
    /// Taxonomy code.
    pub taxonomy_code: Option<String>,
    /// Specialty.
    pub specialty: Option<String>,
    /// Address, first line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
    /// Phone digits.
    pub phone: Option<String>,
    /// Fax digits.
    pub fax: Option<String>,
    /// PECOS enrolment.
    pub pecos_enrolled: bool,
}

impl From<Prescriber> for PrescriberView {
    fn from(p: Prescriber) -> Self {
        PrescriberView {
            id: PrescriberId::from_uuid(p.id),
            npi: p.npi,
            given_name: p.given_name,
            family_name: p.family_name,
            credentials: p.credentials,
            taxonomy_code: p.taxonomy_code,
            specialty: p.specialty,
            line1: p.line1,
            line2: p.line2,
            city: p.city,
            state: p.state,
            postal_code: p.postal_code,
            phone: p.phone,
            fax: p.fax,
            pecos_enrolled: p.pecos_enrolled,
        }
    }
}

impl From<PrescriberView> for PrescriberForm {
    /// The form as saved, for editing.
    fn from(p: PrescriberView) -> Self {
        PrescriberForm {
            npi: p.npi,
            given_name: p.given_name,
            family_name: p.family_name,
            credentials: p.credentials,
            taxonomy_code: p.taxonomy_code,
            specialty: p.specialty,
            line1: p.line1,
            line2: p.line2,
            city: p.city,
            state: p.state,
            postal_code: p.postal_code,
            phone: p.phone,
            fax: p.fax,
            pecos_enrolled: p.pecos_enrolled.then(|| "on".to_owned()),
        }
    }
}

impl PrescriberForm {
    fn parse(&self, app: &App, existing: Option<&Prescriber>) -> Result<Prescriber, FieldErrors> {
        let mut e = FieldErrors::new();
        let npi = e.check("npi", Npi::parse(&self.npi));
        let given_name = e.required("given_name", &self.given_name, MAX_TEXT);
        let family_name = e.required("family_name", &self.family_name, MAX_TEXT);
        let credentials = e.optional("credentials", self.credentials.as_deref(), 20);
        let taxonomy_code = e.optional("taxonomy_code", self.taxonomy_code.as_deref(), 10);
        if taxonomy_code
            .as_ref()
            .is_some_and(|t| t.len() != 10 || !t.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            e.add(
                "taxonomy_code",
                "A taxonomy code has 10 letters and digits, such as 207RP1001X.",
            );
        }
        let specialty = e.optional("specialty", self.specialty.as_deref(), MAX_TEXT);
        let address = parse_address(
            &mut e,
            "",
            [
                Some(self.line1.as_str()),
                self.line2.as_deref(),
                Some(self.city.as_str()),
                Some(self.state.as_str()),
                Some(self.postal_code.as_str()),
            ],
        );
        let phone = e.optional_parsed("phone", self.phone.as_deref(), Phone::parse);
        let fax = e.optional_parsed("fax", self.fax.as_deref(), Phone::parse);
        let now = app.clock.now();
        e.finish(|| {
            let address = address?;
            let family_name = family_name?;
            Some(Prescriber {
                id: existing.map_or_else(|| PrescriberId::new().as_uuid(), |p| p.id),
                npi: npi?.as_str().to_owned(),
                given_name: given_name?,
                family_key: name_key(&family_name),
                family_name,
                credentials,
                taxonomy_code: taxonomy_code.map(|t| t.to_ascii_uppercase()),
                specialty,
                phone: phone.map(|p| p.as_str().to_owned()),
                fax: fax.map(|p| p.as_str().to_owned()),
                pecos_enrolled: flag(self.pecos_enrolled.as_deref()),
                line1: address.line1,
                line2: address.line2,
                city: address.city,
                state: address.state,
                postal_code: address.postal_code,
                created_at: existing.map_or(now, |p| p.created_at),
                updated_at: now,
            })
        })
    }
}

/// Adds a prescriber.
pub async fn add_prescriber(
    app: &App,
    actor: &Actor,
    form: &PrescriberForm,
) -> AppResult<PrescriberId> {
    actor.require(Permission::PrescriberWrite)?;
    let row = form.parse(app, None)?;
    let id = row.id;
    let tx = app.store.begin_write().await?;
    store::insert_prescribers(tx.conn(), vec![row]).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("prescriber.create", "prescriber", id),
    )
    .await?;
    tx.commit().await?;
    Ok(PrescriberId::from_uuid(id))
}

/// Replaces a prescriber's fields.
pub async fn update_prescriber(
    app: &App,
    actor: &Actor,
    id: PrescriberId,
    form: &PrescriberForm,
) -> AppResult<()> {
    actor.require(Permission::PrescriberWrite)?;
    let tx = app.store.begin_write().await?;
    let existing = store::prescriber(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("prescriber"))?;
    let row = form.parse(app, Some(&existing))?;
    store::update_prescriber(tx.conn(), row).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("prescriber.update", "prescriber", id.as_uuid()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One prescriber.
pub async fn prescriber(app: &App, actor: &Actor, id: PrescriberId) -> AppResult<PrescriberView> {
    actor.require(Permission::PrescriberRead)?;
    store::prescriber(app.store.conn(), id.as_uuid())
        .await?
        .map(PrescriberView::from)
        .ok_or(AppError::NotFound("prescriber"))
}

/// Prescribers whose NPI is `text` or whose family name starts with it.
pub async fn search_prescribers(
    app: &App,
    actor: &Actor,
    text: &str,
    offset: u64,
) -> AppResult<(Vec<PrescriberView>, Option<u64>)> {
    actor.require(Permission::PrescriberRead)?;
    let text = text.trim();
    let npi = Npi::parse(text).ok();
    let key = name_key(text);
    let prefix = (npi.is_none() && !key.is_empty()).then_some(key.as_str());
    let mut rows = store::search_prescribers(
        app.store.conn(),
        npi.as_ref().map(Npi::as_str),
        prefix,
        offset,
        PAGE + 1,
    )
    .await?;
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    Ok((rows.into_iter().map(PrescriberView::from).collect(), next))
}

/// A referral source as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReferralSourceForm {
    /// Practice, hospital or facility name.
    pub name: String,
    /// practice, hospital, snf, home_health or other.
    pub kind: String,
    /// Address, first line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
    /// Phone.
    pub phone: Option<String>,
    /// Fax.
    pub fax: Option<String>,
    /// NPIs of the prescribers who refer from here, separated by commas or spaces.
    pub prescriber_npis: Option<String>,
}

/// A referral source as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralSourceView {
    /// The source's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: ReferralSourceId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Address, first line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
    /// Phone digits.
    pub phone: Option<String>,
    /// Fax digits.
    pub fax: Option<String>,
    /// The prescribers linked to this source.
    pub prescribers: Vec<PrescriberView>,
}

impl From<ReferralSourceView> for ReferralSourceForm {
    /// The form as saved, for editing.
    fn from(s: ReferralSourceView) -> Self {
        let npis: Vec<&str> = s.prescribers.iter().map(|p| p.npi.as_str()).collect();
        ReferralSourceForm {
            prescriber_npis: Some(npis.join(", ")),
            name: s.name,
            kind: s.kind,
            line1: s.line1,
            line2: s.line2,
            city: s.city,
            state: s.state,
            postal_code: s.postal_code,
            phone: s.phone,
            fax: s.fax,
        }
    }
}

impl ReferralSourceForm {
    async fn parse(
        &self,
        app: &App,
        db: &impl Db,
        existing: Option<&ReferralSource>,
    ) -> AppResult<(ReferralSource, Vec<uuid::Uuid>)> {
        let mut e = FieldErrors::new();
        let name = e.required("name", &self.name, MAX_TEXT);
        let kind = e.check("kind", ReferralSourceKind::parse(&self.kind));
        let address = parse_address(
            &mut e,
            "",
            [
                Some(self.line1.as_str()),
                self.line2.as_deref(),
                Some(self.city.as_str()),
                Some(self.state.as_str()),
                Some(self.postal_code.as_str()),
            ],
        );
        let phone = e.optional_parsed("phone", self.phone.as_deref(), Phone::parse);
        let fax = e.optional_parsed("fax", self.fax.as_deref(), Phone::parse);
        let mut prescriber_ids = Vec::new();
        for text in self
            .prescriber_npis
            .as_deref()
            .unwrap_or("")
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            match Npi::parse(text) {
                Ok(npi) => match store::search_prescribers(db, Some(npi.as_str()), None, 0, 1)
                    .await?
                    .first()
                {
                    Some(p) if !prescriber_ids.contains(&p.id) => prescriber_ids.push(p.id),
                    Some(_) => {}
                    None => e.add(
                        "prescriber_npis",
                        format!(
                            "No prescriber with NPI {text} is on file; add the prescriber first."
                        ),
                    ),
                },
                Err(err) => e.add("prescriber_npis", format!("'{text}': {}", err.0)),
            }
        }
        let now = app.clock.now();
        let row = e.finish(|| {
            let address = address?;
            let name = name?;
            Some(ReferralSource {
                id: existing.map_or_else(|| ReferralSourceId::new().as_uuid(), |s| s.id),
                name_key: name_key(&name),
                name,
                kind: kind?.as_str().to_owned(),
                phone: phone.map(|p| p.as_str().to_owned()),
                fax: fax.map(|p| p.as_str().to_owned()),
                line1: address.line1,
                line2: address.line2,
                city: address.city,
                state: address.state,
                postal_code: address.postal_code,
                created_at: existing.map_or(now, |s| s.created_at),
                updated_at: now,
            })
        })?;
        Ok((row, prescriber_ids))
    }
}

/// Adds a referral source.
pub async fn add_referral_source(
    app: &App,
    actor: &Actor,
    form: &ReferralSourceForm,
) -> AppResult<ReferralSourceId> {
    actor.require(Permission::ReferralSourceWrite)?;
    let tx = app.store.begin_write().await?;
    let (row, prescribers) = form.parse(app, tx.conn(), None).await?;
    let id = row.id;
    store::insert_referral_source(tx.conn(), row, &prescribers).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("referral_source.create", "referral_source", id),
    )
    .await?;
    tx.commit().await?;
    Ok(ReferralSourceId::from_uuid(id))
}

/// Replaces a referral source's fields and linked prescribers.
pub async fn update_referral_source(
    app: &App,
    actor: &Actor,
    id: ReferralSourceId,
    form: &ReferralSourceForm,
) -> AppResult<()> {
    actor.require(Permission::ReferralSourceWrite)?;
    let tx = app.store.begin_write().await?;
    let (existing, _) = store::referral_source(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("referral source"))?;
    let (row, prescribers) = form.parse(app, tx.conn(), Some(&existing)).await?;
    store::update_referral_source(tx.conn(), row, &prescribers).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("referral_source.update", "referral_source", id.as_uuid()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn source_view(row: ReferralSource, prescribers: Vec<PrescriberView>) -> ReferralSourceView {
    ReferralSourceView {
        id: ReferralSourceId::from_uuid(row.id),
        name: row.name,
        kind: row.kind,
        line1: row.line1,
        line2: row.line2,
        city: row.city,
        state: row.state,
        postal_code: row.postal_code,
        phone: row.phone,
        fax: row.fax,
        prescribers,
    }
}

/// One referral source with its prescribers.
pub async fn referral_source(
    app: &App,
    actor: &Actor,
    id: ReferralSourceId,
) -> AppResult<ReferralSourceView> {
    actor.require(Permission::ReferralSourceRead)?;
    let db = app.store.conn();
    let (row, prescriber_ids) = store::referral_source(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("referral source"))?;
    let mut prescribers = Vec::with_capacity(prescriber_ids.len());
    for prescriber_id in prescriber_ids {
        if let Some(p) = store::prescriber(db, prescriber_id).await? {
            prescribers.push(PrescriberView::from(p));
        }
    }
    Ok(source_view(row, prescribers))
}

/// Referral sources whose name starts with `text`.
pub async fn search_referral_sources(
    app: &App,
    actor: &Actor,
    text: &str,
    offset: u64,
) -> AppResult<(Vec<ReferralSourceView>, Option<u64>)> {
    actor.require(Permission::ReferralSourceRead)?;
    let key = name_key(text);
    let prefix = (!key.is_empty()).then_some(key.as_str());
    let mut rows =
        store::search_referral_sources(app.store.conn(), prefix, offset, PAGE + 1).await?;
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    Ok((
        rows.into_iter()
            .map(|r| source_view(r, Vec::new()))
            .collect(),
        next,
    ))
}

/// A plan as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    /// The plan's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PlanId,
    /// Name.
    pub name: String,
    /// Plan type (Part B, HMO, PPO …).
    pub plan_type: String,
}

/// A payer with its plans.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PayerView {
    /// The payer's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PayerId,
    /// Name.
    pub name: String,
    /// medicare, medicaid or commercial.
    pub kind: String,
    /// The payer id used on claims.
    pub edi_payer_id: String,
    /// Its plans.
    pub plans: Vec<PlanView>,
}

/// Every payer with its plans (for coverage forms).
pub async fn payers(app: &App, actor: &Actor) -> AppResult<Vec<PayerView>> {
    actor.require(Permission::PayerRead)?;
    let db = app.store.conn();
    let plans = store::plans(db).await?;
    Ok(store::payers(db)
        .await?
        .into_iter()
        .map(|p| PayerView {
            id: PayerId::from_uuid(p.id),
            plans: plans
                .iter()
                .filter(|plan| plan.payer_id == p.id)
                .map(|plan| PlanView {
                    id: PlanId::from_uuid(plan.id),
                    name: plan.name.clone(),
                    plan_type: plan.plan_type.clone(),
                })
                .collect(),
            name: p.name,
            kind: p.kind,
            edi_payer_id: p.edi_payer_id,
        })
        .collect())
}

//! The organization's settings, which the administrator edits: the billing provider every claim
//! names (legal name, NPI, tax ID, taxonomy, address, phone) and the time zone that decides
//! "today" for every use case.

use durable_domain::codes::{Npi, Phone};
use durable_domain::organization::{TaxId, TaxonomyCode, TimeZoneName};
use durable_domain::validation::FieldErrors;
use durable_store::settings::{self as store, OrganizationSettings};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::audit::{Audit, record};
use crate::forms::{MAX_TEXT, parse_address};
use crate::{Actor, App, AppResult, Permission};

/// The settings as typed into the form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SettingsForm {
    /// The legal name on claims (the billing provider's organization name).
    pub legal_name: String,
    /// The supplier's organizational NPI (10 digits, check digit validated).
    pub npi: String,
    /// Federal tax ID (EIN), nine digits, with or without the dash.
    pub tax_id: String,
    /// NUCC provider taxonomy code, such as 332B00000X.
    pub taxonomy_code: String,
    /// Street address (a physical address, not a post office box, on claims).
    pub line1: String,
    /// Suite.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
    /// Phone.
    pub phone: String,
    /// IANA time zone, such as America/Chicago.
    pub time_zone: String,
}

/// The settings as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SettingsView {
    /// Legal name.
    pub legal_name: String,
    /// NPI.
    pub npi: String,
    /// Tax ID, nine digits.
    pub tax_id: String,
    /// Taxonomy code.
    pub taxonomy_code: String,
    /// Street address.
    pub line1: String,
    /// Suite.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// ZIP code.
    pub postal_code: String,
    /// Phone digits.
    pub phone: String,
    /// IANA time zone.
    pub time_zone: String,
    /// When they were last saved.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Who saved them.
    pub updated_by: String,
}

impl From<OrganizationSettings> for SettingsView {
    fn from(s: OrganizationSettings) -> Self {
        SettingsView {
            legal_name: s.legal_name,
            npi: s.npi,
            tax_id: s.tax_id,
            taxonomy_code: s.taxonomy_code,
            line1: s.line1,
            line2: s.line2,
            city: s.city,
            state: s.state,
            postal_code: s.postal_code,
            phone: s.phone,
            time_zone: s.time_zone,
            updated_at: s.updated_at,
            updated_by: s.updated_by,
        }
    }
}

impl From<SettingsView> for SettingsForm {
    /// The form as saved, for editing.
    fn from(s: SettingsView) -> Self {
        SettingsForm {
            legal_name: s.legal_name,
            npi: s.npi,
            tax_id: TaxId::parse(&s.tax_id).map_or(s.tax_id, |t| t.formatted()),
            taxonomy_code: s.taxonomy_code,
            line1: s.line1,
            line2: s.line2,
            city: s.city,
            state: s.state,
            postal_code: s.postal_code,
            phone: Phone::parse(&s.phone).map_or(s.phone, |p| p.formatted()),
            time_zone: s.time_zone,
        }
    }
}

impl SettingsForm {
    fn parse(
        &self,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(OrganizationSettings, TimeZoneName), FieldErrors> {
        let mut e = FieldErrors::new();
        let legal_name = e.required("legal_name", &self.legal_name, MAX_TEXT);
        let npi = e.check("npi", Npi::parse(&self.npi));
        let tax_id = e.check("tax_id", TaxId::parse(&self.tax_id));
        let taxonomy = e.check("taxonomy_code", TaxonomyCode::parse(&self.taxonomy_code));
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
        let phone = e.check("phone", Phone::parse(&self.phone));
        let zone = e.check("time_zone", TimeZoneName::parse(&self.time_zone));
        e.finish(|| {
            let address = address?;
            let zone = zone?;
            Some((
                OrganizationSettings {
                    id: store::ROW,
                    legal_name: legal_name?,
                    npi: npi?.as_str().to_owned(),
                    tax_id: tax_id?.as_str().to_owned(),
                    taxonomy_code: taxonomy?.as_str().to_owned(),
                    line1: address.line1,
                    line2: address.line2,
                    city: address.city,
                    state: address.state,
                    postal_code: address.postal_code,
                    phone: phone?.as_str().to_owned(),
                    time_zone: zone.as_str().to_owned(),
                    updated_at: now,
                    updated_by: actor.username.clone(),
                },
                zone,
            ))
        })
    }
}

/// The settings, or `None` before the administrator first saves them.
pub async fn get(app: &App, actor: &Actor) -> AppResult<Option<SettingsView>> {
    actor.require(Permission::OrganizationAdmin)?;
    Ok(store::get(app.store.conn()).await?.map(SettingsView::from))
}

/// Saves the settings; "today" follows the new time zone from the next use case on.
pub async fn save(app: &App, actor: &Actor, form: &SettingsForm) -> AppResult<()> {
    actor.require(Permission::OrganizationAdmin)?;
    let (row, zone) = form.parse(actor, app.clock.now())?;
    let tx = app.store.begin_write().await?;
    let before = store::get(tx.conn()).await?;
    let changed: Vec<&str> = changed_fields(before.as_ref(), &row);
    store::put(tx.conn(), row).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::about("organization.settings_update", "organization", None)
            .detail(serde_json::json!({ "changed": changed })),
    )
    .await?;
    tx.commit().await?;
    app.clock.set_time_zone(zone);
    Ok(())
}

/// The settings field by field, for comparing two versions.
fn fields(s: &OrganizationSettings) -> [(&'static str, &str); 11] {
    [
        ("legal_name", &s.legal_name),
        ("npi", &s.npi),
        ("tax_id", &s.tax_id),
        ("taxonomy_code", &s.taxonomy_code),
        ("line1", &s.line1),
        ("line2", s.line2.as_deref().unwrap_or("")),
        ("city", &s.city),
        ("state", &s.state),
        ("postal_code", &s.postal_code),
        ("phone", &s.phone),
        ("time_zone", &s.time_zone),
    ]
}

/// The names of the fields that differ (all of them on the first save), for the audit trail.
fn changed_fields(
    before: Option<&OrganizationSettings>,
    after: &OrganizationSettings,
) -> Vec<&'static str> {
    let before = before.map(fields);
    fields(after)
        .into_iter()
        .enumerate()
        .filter(|(i, (_, value))| before.is_none_or(|b| b[*i].1 != *value))
        .map(|(_, (name, _))| name)
        .collect()
}

/// Sets the clock's time zone from the stored settings (at start, and when a worker polls, so a
/// change made on another server reaches this one); the clock's own zone until one is saved.
pub async fn load_time_zone(app: &App) -> AppResult<()> {
    let stored = store::get(app.store.conn()).await?;
    if let Some(zone) = stored.and_then(|s| TimeZoneName::parse(&s.time_zone).ok())
        && zone != app.clock.time_zone()
    {
        app.clock.set_time_zone(zone);
    }
    Ok(())
}

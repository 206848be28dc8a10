//! Server-rendered pages. Every handler takes a `PageActor` (or is the login page), calls one
//! app function, and renders a template inside the shared layout.

mod audit;
mod billing;
mod catalog;
pub(crate) use audit::AuditParams;
mod auth;
mod deliveries;
mod directory;
mod home;
mod inventory;
mod jobs;
mod orders;
mod patients;
mod pricing;
mod prior_auth;
mod settings;

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use durable_app::{AppError, Permission};

use crate::AppState;
use crate::error::classify;
use crate::session::PageActor;

/// Every page route.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/htmx.min.js", get(htmx))
        .route("/static/style.css", get(style))
        .merge(auth::routes())
        .merge(home::routes())
        .merge(patients::routes())
        .merge(directory::routes())
        .merge(audit::routes())
        .merge(billing::routes())
        .merge(catalog::routes())
        .merge(pricing::routes())
        .merge(orders::routes())
        .merge(prior_auth::routes())
        .merge(inventory::routes())
        .merge(settings::routes())
        .merge(jobs::routes())
        .merge(deliveries::routes())
        .fallback(|| async { (StatusCode::NOT_FOUND, Html("<!doctype html><title>Not found</title><p>There is no such page. <a href=\"/\">Home</a></p>")) })
}

/// 200 when the database answers and takes writes; 503 with the reason otherwise (a full disk,
/// a stopped checkpoint thread), for the administrator's monitoring.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.app.store.health().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("degraded: {reason}"),
        )
            .into_response(),
    }
}

async fn htmx() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../static/htmx.min.js"),
    )
        .into_response()
}

async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

/// A link in the navigation bar.
pub(crate) struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the shared layout shows around every page.
pub(crate) struct Layout {
    pub title: String,
    pub username: String,
    pub role: &'static str,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

impl Layout {
    /// The layout for a logged-in page; `section` marks the current navigation item.
    pub(crate) fn new(page: &PageActor, title: impl Into<String>, section: &str) -> Layout {
        let items: [(&'static str, &'static str, Option<Permission>); 15] = [
            ("/", "Home", None),
            (
                "/stops",
                "Today's stops",
                Some(Permission::DeliveryComplete),
            ),
            ("/patients", "Patients", Some(Permission::PatientRead)),
            ("/orders", "Orders", Some(Permission::OrderRead)),
            ("/prior-auths", "Prior auths", Some(Permission::OrderRead)),
            (
                "/prescribers",
                "Prescribers",
                Some(Permission::PrescriberRead),
            ),
            (
                "/referral-sources",
                "Referral sources",
                Some(Permission::ReferralSourceRead),
            ),
            ("/inventory", "Inventory", Some(Permission::InventoryRead)),
            ("/recalls", "Recalls", Some(Permission::RecallRead)),
            ("/products", "Products", Some(Permission::CatalogRead)),
            ("/catalog/hcpcs", "HCPCS", Some(Permission::CatalogRead)),
            ("/pricing", "Pricing", Some(Permission::PricingRead)),
            (
                "/billing/simulate",
                "Rental simulator",
                Some(Permission::BillingSimulate),
            ),
            ("/audit", "Audit trail", Some(Permission::AuditRead)),
            (
                settings::SECTION,
                "Settings",
                Some(Permission::OrganizationAdmin),
            ),
        ];
        Layout {
            title: title.into(),
            username: page.actor.username.clone(),
            role: page.actor.role.label(),
            nav: items
                .into_iter()
                .filter(|(_, _, permission)| permission.is_none_or(|p| page.actor.can(p)))
                .map(|(href, label, _)| NavItem {
                    href,
                    label,
                    current: href == section,
                })
                .collect(),
            csrf: page.csrf.clone(),
        }
    }
}

/// Renders a template, or a plain 500 if the template itself fails.
pub(crate) fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(%err, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be shown.",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Option<Layout>,
    status: u16,
    message: String,
    request_id: Option<String>,
}

/// The page for an app error (see `crate::error` for the policy); a lost session goes to login.
pub(crate) fn error_page(err: AppError, layout: Option<Layout>) -> Response {
    if matches!(err, AppError::Unauthenticated(_)) {
        return Redirect::to("/login").into_response();
    }
    let (status, _, message, fields) = classify(err);
    let details: Vec<String> = fields
        .into_iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    let message = if details.is_empty() {
        message
    } else {
        format!("{message} {}", details.join(" "))
    };
    render(
        &ErrorPage {
            layout,
            status: status.as_u16(),
            message,
            request_id: crate::observe::request_id(),
        },
        status,
    )
}

/// A 404 for an id that does not parse.
pub(crate) fn not_found(what: &'static str, page: &PageActor) -> Response {
    error_page(
        AppError::NotFound(what),
        Some(Layout::new(page, "Not found", "")),
    )
}

/// Whether a stored value is the option being rendered (templates compare mixed string types).
pub(crate) fn same(value: impl AsRef<str>, option: impl AsRef<str>) -> bool {
    value.as_ref() == option.as_ref()
}

/// Mirrors `FieldErrors::for_field` for templates: the message for a field, or "".
pub(crate) fn field_error<'a>(
    errors: &'a durable_domain::validation::FieldErrors,
    field: &str,
) -> &'a str {
    errors.for_field(field).unwrap_or("")
}

/// A price option's kind as the forms and the API write it (`capped_rental` …).
pub(crate) fn pricing_kind(kind: &durable_domain::billing::PriceKind) -> &'static str {
    durable_app::pricing::kind_name(*kind)
}

//! The permission matrix: every page and API route, for every role, with the exact answer. A
//! role without the route's permission gets 403; a role with it gets the route's `allowed`
//! status (the same request for every role, so the same answer). New routes add one row.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::http::StatusCode;
use common::{Harness, api, harness, login, page, send, token, upload};

/// Marks a page route whose body is a multipart upload.
const UPLOAD: &str = "<multipart upload>";
use durable_app::{Permission, permissions};
use durable_domain::role::Role;
use durable_store::testing::every_backend;

/// A delivery ticket id no ticket has: permitted roles get 404, the others 403.
const TICKET: &str = "0190d5c0-0000-7000-8000-000000000001";

struct Route {
    method: &'static str,
    path: String,
    permission: Option<Permission>,
    body: &'static str,
    /// The status a role holding `permission` gets.
    allowed: u16,
}

fn route(
    method: &'static str,
    path: String,
    permission: Option<Permission>,
    body: &'static str,
    allowed: u16,
) -> Route {
    Route {
        method,
        path,
        permission,
        body,
        allowed,
    }
}

fn page_routes(h: &Harness) -> Vec<Route> {
    use Permission::*;
    let (p, c, pr, s, d) = (h.patient, h.coverage, h.prescriber, h.source, h.product);
    let (o, doc, pa) = (h.order, h.document, h.prior_auth);
    let (l, a, po, r) = (h.location, h.asset, h.purchase_order, h.recall);
    let popt = h.price_option;
    vec![
        route("GET", "/".into(), None, "", 200),
        route("GET", "/login".into(), None, "", 200),
        route(
            "POST",
            "/login".into(),
            None,
            "username=admin&password=correct-horse-42",
            303,
        ),
        route("GET", "/healthz".into(), None, "", 200),
        route("GET", "/static/style.css".into(), None, "", 200),
        route("GET", "/static/htmx.min.js".into(), None, "", 200),
        route("GET", "/patients?q=obr".into(), Some(PatientRead), "", 200),
        route("GET", "/patients/new".into(), Some(PatientWrite), "", 200),
        route(
            "POST",
            "/patients".into(),
            Some(PatientWrite),
            "family_name=",
            422,
        ),
        route("GET", format!("/patients/{p}"), Some(PatientRead), "", 200),
        route(
            "GET",
            format!("/patients/{p}?tab=insurance"),
            Some(PatientRead),
            "",
            200,
        ),
        route(
            "GET",
            format!("/patients/{p}/edit"),
            Some(PatientWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/patients/{p}"),
            Some(PatientWrite),
            "family_name=",
            422,
        ),
        route(
            "GET",
            format!("/patients/{p}/coverages/new"),
            Some(CoverageWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/patients/{p}/coverages"),
            Some(CoverageWrite),
            "coverage_member_id=",
            422,
        ),
        route(
            "GET",
            format!("/coverages/{c}/edit"),
            Some(CoverageWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/coverages/{c}"),
            Some(CoverageWrite),
            "coverage_member_id=",
            422,
        ),
        route(
            "GET",
            "/prescribers?q=lov".into(),
            Some(PrescriberRead),
            "",
            200,
        ),
        route(
            "GET",
            "/prescribers/new".into(),
            Some(PrescriberWrite),
            "",
            200,
        ),
        route(
            "POST",
            "/prescribers".into(),
            Some(PrescriberWrite),
            "npi=",
            422,
        ),
        route(
            "GET",
            format!("/prescribers/{pr}"),
            Some(PrescriberRead),
            "",
            200,
        ),
        route(
            "GET",
            format!("/prescribers/{pr}/edit"),
            Some(PrescriberWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/prescribers/{pr}"),
            Some(PrescriberWrite),
            "npi=",
            422,
        ),
        route(
            "GET",
            "/referral-sources".into(),
            Some(ReferralSourceRead),
            "",
            200,
        ),
        route(
            "GET",
            "/referral-sources/new".into(),
            Some(ReferralSourceWrite),
            "",
            200,
        ),
        route(
            "POST",
            "/referral-sources".into(),
            Some(ReferralSourceWrite),
            "name=",
            422,
        ),
        route(
            "GET",
            format!("/referral-sources/{s}"),
            Some(ReferralSourceRead),
            "",
            200,
        ),
        route(
            "GET",
            format!("/referral-sources/{s}/edit"),
            Some(ReferralSourceWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/referral-sources/{s}"),
            Some(ReferralSourceWrite),
            "name=",
            422,
        ),
        route("GET", "/audit".into(), Some(AuditRead), "", 200),
        route(
            "GET",
            "/billing/simulate".into(),
            Some(BillingSimulate),
            "",
            200,
        ),
        route(
            "POST",
            "/billing/simulate".into(),
            Some(BillingSimulate),
            "input=",
            422,
        ),
        route(
            "GET",
            "/catalog/hcpcs?q=E02".into(),
            Some(CatalogRead),
            "",
            200,
        ),
        route(
            "GET",
            "/catalog/hcpcs/E0260".into(),
            Some(CatalogRead),
            "",
            200,
        ),
        route(
            "POST",
            "/catalog/hcpcs/E0260/category".into(),
            Some(CatalogWrite),
            "payment_category=rent",
            422,
        ),
        route("GET", "/products?q=bed".into(), Some(CatalogRead), "", 200),
        route("GET", "/products/new".into(), Some(ProductWrite), "", 200),
        route("POST", "/products".into(), Some(ProductWrite), "name=", 422),
        route("GET", format!("/products/{d}"), Some(CatalogRead), "", 200),
        route(
            "GET",
            format!("/products/{d}/edit"),
            Some(ProductWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/products/{d}"),
            Some(ProductWrite),
            "name=",
            422,
        ),
        route("GET", "/orders".into(), Some(OrderRead), "", 200),
        route(
            "GET",
            format!("/orders/new?patient_id={p}"),
            Some(OrderWrite),
            "",
            200,
        ),
        route(
            "POST",
            "/orders".into(),
            Some(OrderWrite),
            "patient_id=",
            404,
        ),
        route(
            "POST",
            "/orders/check".into(),
            Some(OrderWrite),
            "patient_id=",
            200,
        ),
        route("GET", format!("/orders/{o}"), Some(OrderRead), "", 200),
        route(
            "GET",
            format!("/orders/{o}/edit"),
            Some(OrderWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/orders/{o}"),
            Some(OrderWrite),
            "patient_id=",
            404,
        ),
        route(
            "POST",
            format!("/orders/{o}/override"),
            Some(OrderOverride),
            "reason=short",
            422,
        ),
        route(
            "POST",
            format!("/orders/{o}/documents"),
            Some(OrderWrite),
            UPLOAD,
            303,
        ),
        route(
            "POST",
            format!("/orders/{o}/cancel"),
            Some(OrderWrite),
            "reason=x",
            422,
        ),
        route(
            "POST",
            format!("/orders/{o}/abns"),
            Some(OrderWrite),
            "line=9",
            422,
        ),
        route("GET", "/prior-auths".into(), Some(OrderRead), "", 200),
        route(
            "GET",
            format!("/prior-auths/new?patient_id={p}&hcpcs=K0823"),
            Some(OrderWrite),
            "",
            200,
        ),
        route(
            "POST",
            "/prior-auths".into(),
            Some(OrderWrite),
            "hcpcs=",
            422,
        ),
        route(
            "GET",
            format!("/prior-auths/{pa}"),
            Some(OrderRead),
            "",
            200,
        ),
        route(
            "GET",
            format!("/prior-auths/{pa}/edit"),
            Some(OrderWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/prior-auths/{pa}"),
            Some(OrderWrite),
            "hcpcs=",
            422,
        ),
        route("GET", format!("/documents/{doc}"), Some(OrderRead), "", 200),
        route(
            "POST",
            format!("/documents/{doc}/marks"),
            Some(OrderWrite),
            "requirement=SWO-SIGNATURE",
            422,
        ),
        route(
            "POST",
            format!("/coverages/{c}/eligibility"),
            Some(CoverageWrite),
            "checked_on=",
            422,
        ),
        route("GET", "/inventory".into(), Some(InventoryRead), "", 200),
        route(
            "GET",
            format!("/inventory/locations/{l}"),
            Some(InventoryRead),
            "",
            200,
        ),
        route("GET", "/assets?q=HB".into(), Some(InventoryRead), "", 200),
        route("GET", format!("/assets/{a}"), Some(InventoryRead), "", 200),
        route(
            "POST",
            format!("/assets/{a}/commands"),
            Some(InventoryWrite),
            "command=",
            422,
        ),
        route(
            "GET",
            format!("/assets/{a}/label.pdf"),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            "/vendors".into(),
            Some(PurchasingWrite),
            "name=",
            422,
        ),
        route(
            "POST",
            "/inventory/product-settings".into(),
            Some(PurchasingWrite),
            "lot_tracking=",
            422,
        ),
        route(
            "GET",
            "/purchase-orders".into(),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            "/purchase-orders".into(),
            Some(PurchasingWrite),
            "vendor_id=",
            422,
        ),
        route(
            "GET",
            format!("/purchase-orders/{po}"),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/purchase-orders/{po}/receipts"),
            Some(InventoryWrite),
            "quantity_0=",
            422,
        ),
        route("GET", "/recalls".into(), Some(RecallRead), "", 200),
        route("POST", "/recalls".into(), Some(RecallManage), "title=", 422),
        route("GET", format!("/recalls/{r}"), Some(RecallRead), "", 200),
        route(
            "POST",
            format!("/recalls/{r}/progress"),
            Some(RecallManage),
            "status=",
            422,
        ),
        route("GET", "/pricing".into(), Some(PricingRead), "", 200),
        route(
            "GET",
            format!("/pricing?payer_id={}&hcpcs=E0260", h.payer),
            Some(PricingRead),
            "",
            200,
        ),
        route("GET", "/pricing/allowed".into(), Some(PricingRead), "", 200),
        route(
            "GET",
            format!("/pricing/allowed?payer_id={}&hcpcs=E0260&state=OH", h.payer),
            Some(PricingRead),
            "",
            200,
        ),
        route(
            "GET",
            "/pricing/options/new".into(),
            Some(PricingWrite),
            "",
            200,
        ),
        route(
            "POST",
            "/pricing/options".into(),
            Some(PricingWrite),
            "payer_id=",
            422,
        ),
        route(
            "GET",
            format!("/pricing/options/{popt}/edit"),
            Some(PricingWrite),
            "",
            200,
        ),
        route(
            "POST",
            format!("/pricing/options/{popt}"),
            Some(PricingWrite),
            "payer_id=",
            422,
        ),
        route("GET", "/stops".into(), Some(DeliveryComplete), "", 200),
        route("GET", "/static/signature.js".into(), None, "", 200),
        route(
            "GET",
            format!("/deliveries/{TICKET}"),
            Some(DeliveryRead),
            "",
            404,
        ),
        route(
            "POST",
            format!("/deliveries/{TICKET}/complete"),
            Some(DeliveryComplete),
            "serial_1=X&ticked=training.cleaning",
            404,
        ),
        route(
            "POST",
            format!("/deliveries/{TICKET}/fail"),
            Some(DeliveryComplete),
            "reason=Nobody+home",
            404,
        ),
        route(
            "GET",
            "/admin/settings".into(),
            Some(OrganizationAdmin),
            "",
            200,
        ),
        route(
            "POST",
            "/admin/settings".into(),
            Some(OrganizationAdmin),
            "legal_name=",
            422,
        ),
        route(
            "GET",
            "/admin/jobs".into(),
            Some(OrganizationAdmin),
            "",
            200,
        ),
        route(
            "POST",
            format!("/admin/jobs/{}/retry", h.recall),
            Some(OrganizationAdmin),
            "",
            404,
        ),
        // Last: it ends the role's session.
        route("POST", "/logout".into(), None, "", 303),
    ]
}

fn api_routes(h: &Harness) -> Vec<Route> {
    use Permission::*;
    let (p, c, pr, s, d) = (h.patient, h.coverage, h.prescriber, h.source, h.product);
    let (o, doc, pa) = (h.order, h.document, h.prior_auth);
    let (l, a, po, r) = (h.location, h.asset, h.purchase_order, h.recall);
    let popt = h.price_option;
    vec![
        route("GET", "/api/v1/openapi.json".into(), None, "", 200),
        route(
            "GET",
            "/api/v1/patients?q=obr".into(),
            Some(PatientRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/patients".into(),
            Some(PatientWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/patients/{p}"),
            Some(PatientRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/patients/{p}"),
            Some(PatientWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/patients/{p}/coverages"),
            Some(CoverageRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/api/v1/patients/{p}/coverages"),
            Some(CoverageWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/coverages/{c}"),
            Some(CoverageRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/coverages/{c}"),
            Some(CoverageWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/prescribers?q=lov".into(),
            Some(PrescriberRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/prescribers".into(),
            Some(PrescriberWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/prescribers/{pr}"),
            Some(PrescriberRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/prescribers/{pr}"),
            Some(PrescriberWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/referral-sources".into(),
            Some(ReferralSourceRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/referral-sources".into(),
            Some(ReferralSourceWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/referral-sources/{s}"),
            Some(ReferralSourceRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/referral-sources/{s}"),
            Some(ReferralSourceWrite),
            "{}",
            422,
        ),
        route("GET", "/api/v1/payers".into(), Some(PayerRead), "", 200),
        route("GET", "/api/v1/audit".into(), Some(AuditRead), "", 200),
        route(
            "POST",
            "/api/v1/billing/simulate".into(),
            Some(BillingSimulate),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/hcpcs?q=E02".into(),
            Some(CatalogRead),
            "",
            200,
        ),
        route(
            "GET",
            "/api/v1/hcpcs/E0260".into(),
            Some(CatalogRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/billing/check-lines".into(),
            Some(BillingSimulate),
            "{}",
            422,
        ),
        route(
            "POST",
            "/api/v1/billing/appeal-deadline".into(),
            Some(BillingSimulate),
            "{}",
            422,
        ),
        route(
            "POST",
            "/api/v1/hcpcs/imports?name=x.txt".into(),
            Some(CatalogWrite),
            "not a HCPCS file",
            422,
        ),
        route(
            "POST",
            "/api/v1/hcpcs/E0260/payment-category".into(),
            Some(CatalogWrite),
            r#"{"payment_category": "rent"}"#,
            422,
        ),
        route(
            "GET",
            "/api/v1/products?q=bed".into(),
            Some(CatalogRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/products".into(),
            Some(ProductWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/products/{d}"),
            Some(CatalogRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/products/{d}"),
            Some(ProductWrite),
            "{}",
            422,
        ),
        route("GET", "/api/v1/orders".into(), Some(OrderRead), "", 200),
        route("POST", "/api/v1/orders".into(), Some(OrderWrite), "{}", 422),
        route(
            "GET",
            format!("/api/v1/orders/{o}"),
            Some(OrderRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/orders/{o}"),
            Some(OrderWrite),
            "{}",
            422,
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/override"),
            Some(OrderOverride),
            r#"{"reason": "short"}"#,
            422,
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/documents?kind=other"),
            Some(OrderWrite),
            "not a document",
            422,
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/cancel"),
            Some(OrderWrite),
            r#"{"reason": "x"}"#,
            422,
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/abns"),
            Some(OrderWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/prior-auths".into(),
            Some(OrderRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/prior-auths".into(),
            Some(OrderWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/prior-auths/{pa}"),
            Some(OrderRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/prior-auths/{pa}"),
            Some(OrderWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/documents/{doc}"),
            Some(OrderRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/api/v1/documents/{doc}/marks"),
            Some(OrderWrite),
            r#"{"requirement": "SWO-SIGNATURE"}"#,
            422,
        ),
        route(
            "GET",
            format!("/api/v1/coverages/{c}/eligibility"),
            Some(CoverageRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/api/v1/coverages/{c}/eligibility"),
            Some(CoverageWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/assets?q=HB".into(),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "GET",
            format!("/api/v1/assets/{a}"),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/api/v1/assets/{a}/commands"),
            Some(InventoryWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/locations".into(),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "GET",
            format!("/api/v1/locations/{l}/stock"),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/stock/movements".into(),
            Some(InventoryWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/suggested-orders".into(),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/reorder-rules".into(),
            Some(PurchasingWrite),
            "{}",
            422,
        ),
        route(
            "POST",
            "/api/v1/product-settings".into(),
            Some(PurchasingWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/vendors".into(),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/vendors".into(),
            Some(PurchasingWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/purchase-orders".into(),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/purchase-orders".into(),
            Some(PurchasingWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/purchase-orders/{po}"),
            Some(InventoryRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/api/v1/purchase-orders/{po}/receipts"),
            Some(InventoryWrite),
            "{}",
            422,
        ),
        route("GET", "/api/v1/recalls".into(), Some(RecallRead), "", 200),
        route(
            "POST",
            "/api/v1/recalls".into(),
            Some(RecallManage),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/recalls/{r}"),
            Some(RecallRead),
            "",
            200,
        ),
        route(
            "POST",
            format!("/api/v1/recalls/{r}/progress"),
            Some(RecallManage),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/patients/{p}/assets"),
            Some(PatientRead),
            "",
            200,
        ),
        route(
            "GET",
            "/api/v1/price-options?hcpcs=E0260".into(),
            Some(PricingRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/price-options".into(),
            Some(PricingWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!("/api/v1/price-options/{popt}"),
            Some(PricingRead),
            "",
            200,
        ),
        route(
            "PUT",
            format!("/api/v1/price-options/{popt}"),
            Some(PricingWrite),
            "{}",
            422,
        ),
        route(
            "GET",
            format!(
                "/api/v1/allowed-amount?payer_id={}&hcpcs=E0260&state=OH",
                h.payer
            ),
            Some(PricingRead),
            "",
            200,
        ),
        route(
            "GET",
            "/api/v1/fee-schedules/imports".into(),
            Some(PricingRead),
            "",
            200,
        ),
        route(
            "POST",
            "/api/v1/fee-schedules/imports?name=x.csv".into(),
            Some(PricingWrite),
            "not a fee schedule",
            422,
        ),
        route(
            "POST",
            "/api/v1/rural-zips/imports?name=x.csv".into(),
            Some(PricingWrite),
            "zip\n45701\n",
            200,
        ),
        route(
            "POST",
            "/api/v1/users/intake/unlock".into(),
            Some(UserAdmin),
            "",
            204,
        ),
        route("GET", "/metrics".into(), Some(ServerMonitor), "", 200),
        route(
            "POST",
            "/api/v1/deliveries".into(),
            Some(DeliveryPlan),
            r#"{"order_id":""}"#,
            422,
        ),
        route(
            "GET",
            format!("/api/v1/deliveries/{TICKET}"),
            Some(DeliveryRead),
            "",
            404,
        ),
        route(
            "POST",
            format!("/api/v1/deliveries/{TICKET}/schedule"),
            Some(DeliveryPlan),
            r#"{"scheduled_on":"2030-01-02","technician":"technician"}"#,
            404,
        ),
        route(
            "POST",
            format!("/api/v1/deliveries/{TICKET}/complete"),
            Some(DeliveryComplete),
            r#"{"signer":"beneficiary","signature_png":"bm90IGEgcG5n"}"#,
            404,
        ),
        route(
            "POST",
            format!("/api/v1/deliveries/{TICKET}/fail"),
            Some(DeliveryComplete),
            r#"{"reason":"Nobody home"}"#,
            404,
        ),
        route(
            "GET",
            "/api/v1/stops?day=2030-01-02".into(),
            Some(DeliveryComplete),
            "",
            200,
        ),
        route(
            "GET",
            // Not saved yet in the harness: the administrator is told there are none.
            "/api/v1/organization/settings".into(),
            Some(OrganizationAdmin),
            "",
            404,
        ),
        route(
            "PUT",
            "/api/v1/organization/settings".into(),
            Some(OrganizationAdmin),
            "{}",
            422,
        ),
        route(
            "GET",
            "/api/v1/jobs/failed".into(),
            Some(OrganizationAdmin),
            "",
            200,
        ),
        route(
            "POST",
            // An id that names no job: the permitted roles get 404.
            format!("/api/v1/jobs/{}/retry", h.recall),
            Some(OrganizationAdmin),
            "",
            404,
        ),
    ]
}

fn check(role: Role, route: &Route, status: StatusCode, body: &str) {
    let allowed = route
        .permission
        .is_none_or(|p| permissions::allows(role, p));
    if allowed {
        assert_eq!(
            status.as_u16(),
            route.allowed,
            "{role:?} {} {}: {body}",
            route.method,
            route.path
        );
    } else {
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{role:?} {} {}: {body}",
            route.method,
            route.path
        );
    }
}

#[tokio::test]
async fn every_page_route_for_every_role() {
    for db in every_backend().await {
        let h = harness(db).await;
        for role in Role::ALL {
            let cookies = login(&h.router, role).await;
            for route in page_routes(&h) {
                let request = if route.body == UPLOAD {
                    upload(&route.path, &cookies, "other", b"%PDF-1.4 scan")
                } else {
                    page(route.method, &route.path, &cookies, route.body)
                };
                let reply = send(&h.router, request).await;
                check(role, &route, reply.status, &reply.body);
            }
        }
        h.db.finish().await;
    }
}

#[tokio::test]
async fn every_api_route_for_every_role() {
    for db in every_backend().await {
        let h = harness(db).await;
        for role in Role::ALL {
            let token = token(&h.app, role).await;
            for route in api_routes(&h) {
                let body = (!route.body.is_empty()).then_some(route.body);
                let reply = send(&h.router, api(route.method, &route.path, &token, body)).await;
                check(role, &route, reply.status, &reply.body);
                if reply.status == StatusCode::FORBIDDEN {
                    assert_eq!(reply.json()["error"]["code"], "forbidden");
                }
            }
        }
        h.db.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_tested_api_routes() {
    let doc = serde_json::to_value(durable_web::openapi_document()).unwrap();
    let mut documented: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    documented.sort();
    let db = durable_store::testing::sqlite().await;
    let h = harness(db).await;
    let mut tested: Vec<String> = api_routes(&h)
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && !r.path.ends_with("openapi.json"))
        .map(|r| {
            let path = r.path.split('?').next().unwrap().to_owned();
            let templated = [
                h.patient.to_string(),
                h.coverage.to_string(),
                h.prescriber.to_string(),
                h.source.to_string(),
                h.product.to_string(),
                h.order.to_string(),
                h.document.to_string(),
                h.prior_auth.to_string(),
                h.price_option.to_string(),
                h.location.to_string(),
                h.asset.to_string(),
                h.purchase_order.to_string(),
                h.recall.to_string(),
                TICKET.to_owned(),
            ]
            .iter()
            .fold(path, |p, id| p.replace(id.as_str(), "{id}"))
            .replace("/E0260", "/{code}")
            .replace("/users/intake/", "/users/{username}/");
            format!("{} {templated}", r.method)
        })
        .collect();
    tested.sort();
    assert_eq!(documented, tested);
    h.db.finish().await;
}

#[tokio::test]
async fn pages_and_api_refuse_anonymous_callers() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let reply = send(
        &h.router,
        page("GET", &format!("/patients/{}", h.patient), "", ""),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers["location"], "/login");
    let reply = send(
        &h.router,
        api("GET", "/api/v1/patients?q=o", "dur_not-a-token", None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["error"]["code"], "unauthenticated");
    h.db.finish().await;
}

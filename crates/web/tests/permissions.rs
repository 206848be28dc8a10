//! The permission matrix: every page and API route, for every role. A role without the
//! route's permission gets 403; a role with it never gets 403 or a 5xx.
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
}

fn route(
    method: &'static str,
    path: String,
    permission: Option<Permission>,
    body: &'static str,
) -> Route {
    Route {
        method,
        path,
        permission,
        body,
    }
}

fn page_routes(h: &Harness) -> Vec<Route> {
    use Permission::*;
    let (p, c, pr, s, d) = (h.patient, h.coverage, h.prescriber, h.source, h.product);
    let (o, doc, pa) = (h.order, h.document, h.prior_auth);
    let (l, a, po, r) = (h.location, h.asset, h.purchase_order, h.recall);
    let popt = h.price_option;
    vec![
        route("GET", "/".into(), None, ""),
        route("GET", "/healthz".into(), None, ""),
        route("GET", "/static/style.css".into(), None, ""),
        route("GET", "/static/htmx.min.js".into(), None, ""),
        route("GET", "/patients?q=obr".into(), Some(PatientRead), ""),
        route("GET", "/patients/new".into(), Some(PatientWrite), ""),
        route(
            "POST",
            "/patients".into(),
            Some(PatientWrite),
            "family_name=",
        ),
        route("GET", format!("/patients/{p}"), Some(PatientRead), ""),
        route(
            "GET",
            format!("/patients/{p}?tab=insurance"),
            Some(PatientRead),
            "",
        ),
        route("GET", format!("/patients/{p}/edit"), Some(PatientWrite), ""),
        route(
            "POST",
            format!("/patients/{p}"),
            Some(PatientWrite),
            "family_name=",
        ),
        route(
            "GET",
            format!("/patients/{p}/coverages/new"),
            Some(CoverageWrite),
            "",
        ),
        route(
            "POST",
            format!("/patients/{p}/coverages"),
            Some(CoverageWrite),
            "coverage_member_id=",
        ),
        route(
            "GET",
            format!("/coverages/{c}/edit"),
            Some(CoverageWrite),
            "",
        ),
        route(
            "POST",
            format!("/coverages/{c}"),
            Some(CoverageWrite),
            "coverage_member_id=",
        ),
        route("GET", "/prescribers?q=lov".into(), Some(PrescriberRead), ""),
        route("GET", "/prescribers/new".into(), Some(PrescriberWrite), ""),
        route("POST", "/prescribers".into(), Some(PrescriberWrite), "npi="),
        route(
            "GET",
            format!("/prescribers/{pr}"),
            Some(PrescriberRead),
            "",
        ),
        route(
            "GET",
            format!("/prescribers/{pr}/edit"),
            Some(PrescriberWrite),
            "",
        ),
        route(
            "POST",
            format!("/prescribers/{pr}"),
            Some(PrescriberWrite),
            "npi=",
        ),
        route(
            "GET",
            "/referral-sources".into(),
            Some(ReferralSourceRead),
            "",
        ),
        route(
            "GET",
            "/referral-sources/new".into(),
            Some(ReferralSourceWrite),
            "",
        ),
        route(
            "POST",
            "/referral-sources".into(),
            Some(ReferralSourceWrite),
            "name=",
        ),
        route(
            "GET",
            format!("/referral-sources/{s}"),
            Some(ReferralSourceRead),
            "",
        ),
        route(
            "GET",
            format!("/referral-sources/{s}/edit"),
            Some(ReferralSourceWrite),
            "",
        ),
        route(
            "POST",
            format!("/referral-sources/{s}"),
            Some(ReferralSourceWrite),
            "name=",
        ),
        route("GET", "/audit".into(), Some(AuditRead), ""),
        route("GET", "/billing/simulate".into(), Some(BillingSimulate), ""),
        route(
            "POST",
            "/billing/simulate".into(),
            Some(BillingSimulate),
            "input=",
        ),
        route("GET", "/catalog/hcpcs?q=E02".into(), Some(CatalogRead), ""),
        route("GET", "/catalog/hcpcs/E0260".into(), Some(CatalogRead), ""),
        route(
            "POST",
            "/catalog/hcpcs/E0260/category".into(),
            Some(CatalogWrite),
            "payment_category=rent",
        ),
        route("GET", "/products?q=bed".into(), Some(CatalogRead), ""),
        route("GET", "/products/new".into(), Some(ProductWrite), ""),
        route("POST", "/products".into(), Some(ProductWrite), "name="),
        route("GET", format!("/products/{d}"), Some(CatalogRead), ""),
        route("GET", format!("/products/{d}/edit"), Some(ProductWrite), ""),
        route(
            "POST",
            format!("/products/{d}"),
            Some(ProductWrite),
            "name=",
        ),
        route("GET", "/orders".into(), Some(OrderRead), ""),
        route(
            "GET",
            format!("/orders/new?patient_id={p}"),
            Some(OrderWrite),
            "",
        ),
        route("POST", "/orders".into(), Some(OrderWrite), "patient_id="),
        route(
            "POST",
            "/orders/check".into(),
            Some(OrderWrite),
            "patient_id=",
        ),
        route("GET", format!("/orders/{o}"), Some(OrderRead), ""),
        route("GET", format!("/orders/{o}/edit"), Some(OrderWrite), ""),
        route(
            "POST",
            format!("/orders/{o}"),
            Some(OrderWrite),
            "patient_id=",
        ),
        route(
            "POST",
            format!("/orders/{o}/override"),
            Some(OrderOverride),
            "reason=short",
        ),
        route(
            "POST",
            format!("/orders/{o}/documents"),
            Some(OrderWrite),
            UPLOAD,
        ),
        route(
            "POST",
            format!("/orders/{o}/cancel"),
            Some(OrderWrite),
            "reason=x",
        ),
        route(
            "POST",
            format!("/orders/{o}/abns"),
            Some(OrderWrite),
            "line=9",
        ),
        route("GET", "/prior-auths".into(), Some(OrderRead), ""),
        route(
            "GET",
            format!("/prior-auths/new?patient_id={p}&hcpcs=K0823"),
            Some(OrderWrite),
            "",
        ),
        route("POST", "/prior-auths".into(), Some(OrderWrite), "hcpcs="),
        route("GET", format!("/prior-auths/{pa}"), Some(OrderRead), ""),
        route(
            "GET",
            format!("/prior-auths/{pa}/edit"),
            Some(OrderWrite),
            "",
        ),
        route(
            "POST",
            format!("/prior-auths/{pa}"),
            Some(OrderWrite),
            "hcpcs=",
        ),
        route("GET", format!("/documents/{doc}"), Some(OrderRead), ""),
        route(
            "POST",
            format!("/documents/{doc}/marks"),
            Some(OrderWrite),
            "requirement=SWO-SIGNATURE",
        ),
        route(
            "POST",
            format!("/coverages/{c}/eligibility"),
            Some(CoverageWrite),
            "checked_on=",
        ),
        route("GET", "/inventory".into(), Some(InventoryRead), ""),
        route(
            "GET",
            format!("/inventory/locations/{l}"),
            Some(InventoryRead),
            "",
        ),
        route("GET", "/assets?q=HB".into(), Some(InventoryRead), ""),
        route("GET", format!("/assets/{a}"), Some(InventoryRead), ""),
        route(
            "POST",
            format!("/assets/{a}/commands"),
            Some(InventoryWrite),
            "command=",
        ),
        route(
            "GET",
            format!("/assets/{a}/label.pdf"),
            Some(InventoryRead),
            "",
        ),
        route("POST", "/vendors".into(), Some(PurchasingWrite), "name="),
        route(
            "POST",
            "/inventory/product-settings".into(),
            Some(PurchasingWrite),
            "lot_tracking=",
        ),
        route("GET", "/purchase-orders".into(), Some(InventoryRead), ""),
        route(
            "POST",
            "/purchase-orders".into(),
            Some(PurchasingWrite),
            "vendor_id=",
        ),
        route(
            "GET",
            format!("/purchase-orders/{po}"),
            Some(InventoryRead),
            "",
        ),
        route(
            "POST",
            format!("/purchase-orders/{po}/receipts"),
            Some(InventoryWrite),
            "quantity_0=",
        ),
        route("GET", "/recalls".into(), Some(RecallRead), ""),
        route("POST", "/recalls".into(), Some(RecallManage), "title="),
        route("GET", format!("/recalls/{r}"), Some(RecallRead), ""),
        route(
            "POST",
            format!("/recalls/{r}/progress"),
            Some(RecallManage),
            "status=",
        ),
        route("GET", "/pricing".into(), Some(PricingRead), ""),
        route(
            "GET",
            format!("/pricing?payer_id={}&hcpcs=E0260", h.payer),
            Some(PricingRead),
            "",
        ),
        route("GET", "/pricing/allowed".into(), Some(PricingRead), ""),
        route(
            "GET",
            format!("/pricing/allowed?payer_id={}&hcpcs=E0260&state=OH", h.payer),
            Some(PricingRead),
            "",
        ),
        route("GET", "/pricing/options/new".into(), Some(PricingWrite), ""),
        route(
            "POST",
            "/pricing/options".into(),
            Some(PricingWrite),
            "payer_id=",
        ),
        route(
            "GET",
            format!("/pricing/options/{popt}/edit"),
            Some(PricingWrite),
            "",
        ),
        route(
            "POST",
            format!("/pricing/options/{popt}"),
            Some(PricingWrite),
            "payer_id=",
        ),
        route("GET", "/stops".into(), Some(DeliveryComplete), ""),
        route("GET", "/static/signature.js".into(), None, ""),
        route(
            "GET",
            format!("/deliveries/{TICKET}"),
            Some(DeliveryRead),
            "",
        ),
        route(
            "POST",
            format!("/deliveries/{TICKET}/complete"),
            Some(DeliveryComplete),
            "serial_1=X&ticked=training.cleaning",
        ),
        route(
            "POST",
            format!("/deliveries/{TICKET}/fail"),
            Some(DeliveryComplete),
            "reason=Nobody+home",
        ),
    ]
}

fn api_routes(h: &Harness) -> Vec<Route> {
    use Permission::*;
    let (p, c, pr, s, d) = (h.patient, h.coverage, h.prescriber, h.source, h.product);
    let (o, doc, pa) = (h.order, h.document, h.prior_auth);
    let (l, a, po, r) = (h.location, h.asset, h.purchase_order, h.recall);
    let popt = h.price_option;
    vec![
        route("GET", "/api/v1/openapi.json".into(), None, ""),
        route(
            "GET",
            "/api/v1/patients?q=obr".into(),
            Some(PatientRead),
            "",
        ),
        route("POST", "/api/v1/patients".into(), Some(PatientWrite), "{}"),
        route(
            "GET",
            format!("/api/v1/patients/{p}"),
            Some(PatientRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/patients/{p}"),
            Some(PatientWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/patients/{p}/coverages"),
            Some(CoverageRead),
            "",
        ),
        route(
            "POST",
            format!("/api/v1/patients/{p}/coverages"),
            Some(CoverageWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/coverages/{c}"),
            Some(CoverageRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/coverages/{c}"),
            Some(CoverageWrite),
            "{}",
        ),
        route(
            "GET",
            "/api/v1/prescribers?q=lov".into(),
            Some(PrescriberRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/prescribers".into(),
            Some(PrescriberWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/prescribers/{pr}"),
            Some(PrescriberRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/prescribers/{pr}"),
            Some(PrescriberWrite),
            "{}",
        ),
        route(
            "GET",
            "/api/v1/referral-sources".into(),
            Some(ReferralSourceRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/referral-sources".into(),
            Some(ReferralSourceWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/referral-sources/{s}"),
            Some(ReferralSourceRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/referral-sources/{s}"),
            Some(ReferralSourceWrite),
            "{}",
        ),
        route("GET", "/api/v1/payers".into(), Some(PayerRead), ""),
        route("GET", "/api/v1/audit".into(), Some(AuditRead), ""),
        route(
            "POST",
            "/api/v1/billing/simulate".into(),
            Some(BillingSimulate),
            "{}",
        ),
        route("GET", "/api/v1/hcpcs?q=E02".into(), Some(CatalogRead), ""),
        route("GET", "/api/v1/hcpcs/E0260".into(), Some(CatalogRead), ""),
        route(
            "POST",
            "/api/v1/hcpcs/imports?name=x.txt".into(),
            Some(CatalogWrite),
            "not a HCPCS file",
        ),
        route(
            "POST",
            "/api/v1/hcpcs/E0260/payment-category".into(),
            Some(CatalogWrite),
            r#"{"payment_category": "rent"}"#,
        ),
        route(
            "GET",
            "/api/v1/products?q=bed".into(),
            Some(CatalogRead),
            "",
        ),
        route("POST", "/api/v1/products".into(), Some(ProductWrite), "{}"),
        route(
            "GET",
            format!("/api/v1/products/{d}"),
            Some(CatalogRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/products/{d}"),
            Some(ProductWrite),
            "{}",
        ),
        route("GET", "/api/v1/orders".into(), Some(OrderRead), ""),
        route("POST", "/api/v1/orders".into(), Some(OrderWrite), "{}"),
        route("GET", format!("/api/v1/orders/{o}"), Some(OrderRead), ""),
        route("PUT", format!("/api/v1/orders/{o}"), Some(OrderWrite), "{}"),
        route(
            "POST",
            format!("/api/v1/orders/{o}/override"),
            Some(OrderOverride),
            r#"{"reason": "short"}"#,
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/documents?kind=other"),
            Some(OrderWrite),
            "not a document",
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/cancel"),
            Some(OrderWrite),
            r#"{"reason": "x"}"#,
        ),
        route(
            "POST",
            format!("/api/v1/orders/{o}/abns"),
            Some(OrderWrite),
            "{}",
        ),
        route("GET", "/api/v1/prior-auths".into(), Some(OrderRead), ""),
        route("POST", "/api/v1/prior-auths".into(), Some(OrderWrite), "{}"),
        route(
            "GET",
            format!("/api/v1/prior-auths/{pa}"),
            Some(OrderRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/prior-auths/{pa}"),
            Some(OrderWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/documents/{doc}"),
            Some(OrderRead),
            "",
        ),
        route(
            "POST",
            format!("/api/v1/documents/{doc}/marks"),
            Some(OrderWrite),
            r#"{"requirement": "SWO-SIGNATURE"}"#,
        ),
        route(
            "GET",
            format!("/api/v1/coverages/{c}/eligibility"),
            Some(CoverageRead),
            "",
        ),
        route(
            "POST",
            format!("/api/v1/coverages/{c}/eligibility"),
            Some(CoverageWrite),
            "{}",
        ),
        route("GET", "/api/v1/assets?q=HB".into(), Some(InventoryRead), ""),
        route(
            "GET",
            format!("/api/v1/assets/{a}"),
            Some(InventoryRead),
            "",
        ),
        route(
            "POST",
            format!("/api/v1/assets/{a}/commands"),
            Some(InventoryWrite),
            "{}",
        ),
        route("GET", "/api/v1/locations".into(), Some(InventoryRead), ""),
        route(
            "GET",
            format!("/api/v1/locations/{l}/stock"),
            Some(InventoryRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/stock/movements".into(),
            Some(InventoryWrite),
            "{}",
        ),
        route(
            "GET",
            "/api/v1/suggested-orders".into(),
            Some(InventoryRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/reorder-rules".into(),
            Some(PurchasingWrite),
            "{}",
        ),
        route(
            "POST",
            "/api/v1/product-settings".into(),
            Some(PurchasingWrite),
            "{}",
        ),
        route("GET", "/api/v1/vendors".into(), Some(InventoryRead), ""),
        route(
            "POST",
            "/api/v1/vendors".into(),
            Some(PurchasingWrite),
            "{}",
        ),
        route(
            "GET",
            "/api/v1/purchase-orders".into(),
            Some(InventoryRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/purchase-orders".into(),
            Some(PurchasingWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/purchase-orders/{po}"),
            Some(InventoryRead),
            "",
        ),
        route(
            "POST",
            format!("/api/v1/purchase-orders/{po}/receipts"),
            Some(InventoryWrite),
            "{}",
        ),
        route("GET", "/api/v1/recalls".into(), Some(RecallRead), ""),
        route("POST", "/api/v1/recalls".into(), Some(RecallManage), "{}"),
        route("GET", format!("/api/v1/recalls/{r}"), Some(RecallRead), ""),
        route(
            "POST",
            format!("/api/v1/recalls/{r}/progress"),
            Some(RecallManage),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/patients/{p}/assets"),
            Some(PatientRead),
            "",
        ),
        route(
            "GET",
            "/api/v1/price-options?hcpcs=E0260".into(),
            Some(PricingRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/price-options".into(),
            Some(PricingWrite),
            "{}",
        ),
        route(
            "GET",
            format!("/api/v1/price-options/{popt}"),
            Some(PricingRead),
            "",
        ),
        route(
            "PUT",
            format!("/api/v1/price-options/{popt}"),
            Some(PricingWrite),
            "{}",
        ),
        route(
            "GET",
            format!(
                "/api/v1/allowed-amount?payer_id={}&hcpcs=E0260&state=OH",
                h.payer
            ),
            Some(PricingRead),
            "",
        ),
        route(
            "GET",
            "/api/v1/fee-schedules/imports".into(),
            Some(PricingRead),
            "",
        ),
        route(
            "POST",
            "/api/v1/fee-schedules/imports?name=x.csv".into(),
            Some(PricingWrite),
            "not a fee schedule",
        ),
        route(
            "POST",
            "/api/v1/rural-zips/imports?name=x.csv".into(),
            Some(PricingWrite),
            "zip\n45701\n",
        ),
        route(
            "POST",
            "/api/v1/deliveries".into(),
            Some(DeliveryPlan),
            r#"{"order_id":""}"#,
        ),
        route(
            "GET",
            format!("/api/v1/deliveries/{TICKET}"),
            Some(DeliveryRead),
            "",
        ),
        route(
            "POST",
            format!("/api/v1/deliveries/{TICKET}/schedule"),
            Some(DeliveryPlan),
            r#"{"scheduled_on":"2030-01-02","technician":"technician"}"#,
        ),
        route(
            "POST",
            format!("/api/v1/deliveries/{TICKET}/complete"),
            Some(DeliveryComplete),
            r#"{"signer":"beneficiary","signature_png":"bm90IGEgcG5n"}"#,
        ),
        route(
            "POST",
            format!("/api/v1/deliveries/{TICKET}/fail"),
            Some(DeliveryComplete),
            r#"{"reason":"Nobody home"}"#,
        ),
        route(
            "GET",
            "/api/v1/stops?day=2030-01-02".into(),
            Some(DeliveryComplete),
            "",
        ),
    ]
}

fn check(role: Role, route: &Route, status: StatusCode, body: &str) {
    let allowed = route
        .permission
        .is_none_or(|p| permissions::allows(role, p));
    if allowed {
        assert!(
            status != StatusCode::FORBIDDEN && !status.is_server_error(),
            "{role:?} {} {} answered {status}: {body}",
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
        .filter(|r| !r.path.ends_with("openapi.json"))
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
            .replace("/E0260", "/{code}");
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

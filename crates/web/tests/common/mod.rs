//! A running router over a fresh database with one user per role and a little data.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.
#![allow(dead_code)] // Each test file uses a different part of the harness.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use durable_app::catalog::{self, ProductForm};
use durable_app::coverages::CoverageForm;
use durable_app::directory::{PrescriberForm, ReferralSourceForm};
use durable_app::patients::{Created, PatientForm};
use durable_app::{Actor, App, auth, directory, patients};
use durable_domain::clock::Clock;
use durable_domain::ids::{
    AssetId, CoverageId, DocumentId, LocationId, OrderId, PatientId, PayerId, PlanId, PrescriberId,
    PriceOptionId, PriorAuthId, ProductId, PurchaseOrderId, RecallId, ReferralSourceId,
};
use durable_domain::role::Role;
use durable_store::directory::{Payer, Plan};
use durable_store::testing::TestDb;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct-horse-42";
pub const CSRF: &str = "0123456789abcdef0123456789abcdef";

pub struct Harness {
    pub db: TestDb,
    pub app: App,
    pub router: Router,
    pub patient: PatientId,
    pub coverage: CoverageId,
    pub payer: PayerId,
    pub plan: PlanId,
    pub prescriber: PrescriberId,
    pub source: ReferralSourceId,
    pub product: ProductId,
    pub order: OrderId,
    pub document: DocumentId,
    pub prior_auth: PriorAuthId,
    pub location: LocationId,
    pub purchase_order: PurchaseOrderId,
    pub asset: AssetId,
    pub recall: RecallId,
    pub price_option: PriceOptionId,
    /// A commercial payer, whose purchase option for E0260 is `price_option`.
    pub commercial: PayerId,
}

pub fn username(role: Role) -> &'static str {
    role.as_str()
}

pub fn patient_form() -> PatientForm {
    PatientForm {
        family_name: "O'Brien".into(),
        given_name: "Margaret".into(),
        birth_date: "1944-05-17".into(),
        sex: "female".into(),
        mbi: Some("1EG4-TE5-MK73".into()),
        home_line1: "12 Elm Street".into(),
        home_city: "Columbus".into(),
        home_state: "OH".into(),
        home_postal_code: "43215".into(),
        phone_mobile: Some("(614) 555-0142".into()),
        diagnoses: Some("G47.33".into()),
        ..PatientForm::default()
    }
}

pub async fn harness(db: TestDb) -> Harness {
    let app = App::new(db.store.clone(), Clock::system(time::UtcOffset::UTC));
    let operator = Actor::operator();
    for role in Role::ALL {
        auth::add_user(
            &app,
            &operator,
            username(role),
            role.label(),
            role,
            PASSWORD,
        )
        .await
        .unwrap();
    }
    let payer = PayerId::new();
    let plan = PlanId::new();
    let commercial = PayerId::new();
    let tx = app.store.begin_write().await.unwrap();
    durable_store::directory::insert_payers(
        tx.conn(),
        vec![
            Payer {
                id: payer.as_uuid(),
                name: "Medicare DME MAC Jurisdiction B".into(),
                kind: "medicare".into(),
                edi_payer_id: "17003".into(),
                created_at: app.clock.now(),
            },
            Payer {
                id: commercial.as_uuid(),
                name: "Lakeshore Health Plan".into(),
                kind: "commercial".into(),
                edi_payer_id: "LKSHP".into(),
                created_at: app.clock.now(),
            },
        ],
        vec![Plan {
            id: plan.as_uuid(),
            payer_id: payer.as_uuid(),
            name: "Medicare Part B".into(),
            plan_type: "Part B".into(),
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let intake = Actor {
        user_id: None,
        username: "intake".into(),
        role: Role::Intake,
        source: "test".into(),
    };
    let coverage = CoverageForm {
        payer_id: payer.to_string(),
        plan_id: Some(plan.to_string()),
        member_id: "1EG4TE5MK73".into(),
        priority: "primary".into(),
        effective_date: "2020-01-01".into(),
        ..CoverageForm::default()
    };
    let Created::Patient(patient) =
        patients::create(&app, &intake, &patient_form(), Some(&coverage))
            .await
            .unwrap()
    else {
        panic!("a fresh database has no duplicates");
    };
    let coverage = durable_app::coverages::list(&app, &intake, patient)
        .await
        .unwrap()[0]
        .id;
    let prescriber = directory::add_prescriber(
        &app,
        &intake,
        &PrescriberForm {
            npi: "1234567893".into(),
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            line1: "1 Clinic Way".into(),
            city: "Dayton".into(),
            state: "OH".into(),
            postal_code: "45402".into(),
            pecos_enrolled: Some("true".into()),
            ..PrescriberForm::default()
        },
    )
    .await
    .unwrap();
    let source = directory::add_referral_source(
        &app,
        &intake,
        &ReferralSourceForm {
            name: "Riverside Pulmonology".into(),
            kind: "practice".into(),
            line1: "2 River Rd".into(),
            city: "Dayton".into(),
            state: "OH".into(),
            postal_code: "45402".into(),
            prescriber_npis: Some("1234567893".into()),
            ..ReferralSourceForm::default()
        },
    )
    .await
    .unwrap();
    catalog::ensure_bundled_hcpcs(&app).await.unwrap();
    let product = catalog::add_product(
        &app,
        &intake,
        &ProductForm {
            name: "Semi-electric hospital bed".into(),
            manufacturer: "Drive Medical".into(),
            model: "15030".into(),
            hcpcs: "E0260".into(),
            serialized: Some("true".into()),
            ..ProductForm::default()
        },
    )
    .await
    .unwrap();
    let order = durable_app::orders::place(
        &app,
        &intake,
        &durable_app::orders::OrderForm {
            patient_id: patient.to_string(),
            prescriber_id: prescriber.to_string(),
            order_date: app.clock.today().to_string(),
            diagnoses: "G47.33".into(),
            lines: vec![durable_app::orders::LineForm {
                hcpcs: Some("E0601".into()),
                rent_or_buy: "rental".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let document = durable_app::documents::upload(
        &app,
        &intake,
        order,
        &durable_app::documents::UploadForm {
            kind: "sleep_study".into(),
            document_date: None,
            file_name: Some("study.pdf".into()),
        },
        b"%PDF-1.4 sleep study",
    )
    .await
    .unwrap();
    let prior_auth = durable_app::prior_auth::save(
        &app,
        &intake,
        None,
        &durable_app::prior_auth::PriorAuthForm {
            patient_id: patient.to_string(),
            payer_id: payer.to_string(),
            hcpcs: "K0823".into(),
            rent_or_buy: "rental".into(),
            status: "draft".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let price_option = durable_app::pricing::create_price_option(
        &app,
        &operator,
        &durable_app::pricing::PriceOptionForm {
            payer_id: commercial.to_string(),
            hcpcs: "E0260".into(),
            kind: "purchase".into(),
            bands: vec![durable_app::pricing::BandForm {
                from_month: "1".into(),
                modifiers: "NU".into(),
                amount: "1450.00".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (location, purchase_order, asset, recall) = inventory(&app, product).await;
    let router = durable_web::router(app.clone(), durable_web::WebConfig::default());
    Harness {
        db,
        app,
        router,
        patient,
        coverage,
        payer,
        plan,
        prescriber,
        source,
        product,
        order,
        document,
        prior_auth,
        location,
        purchase_order,
        asset,
        recall,
        price_option,
        commercial,
    }
}

/// A warehouse, a purchase order for two beds with one received (serial HB-0001), and a recall
/// that affects no unit.
async fn inventory(
    app: &App,
    product: ProductId,
) -> (LocationId, PurchaseOrderId, AssetId, RecallId) {
    use durable_app::inventory::{self, *};
    let operator = Actor::operator();
    let location = durable_store::testing::location("Main warehouse", "warehouse");
    let location_id = LocationId::from_uuid(location.id);
    let tx = app.store.begin_write().await.unwrap();
    durable_store::directory::insert_supplier(
        tx.conn(),
        durable_store::directory::Supplier {
            id: uuid::Uuid::now_v7(),
            name: "Test DME".into(),
            npi: "1234567893".into(),
            phone: "6145550100".into(),
        },
        vec![location],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let vendor = inventory::add_vendor(
        app,
        &operator,
        &VendorForm {
            name: "Drive Medical".into(),
            phone: "6145550199".into(),
            email: None,
        },
    )
    .await
    .unwrap();
    let po = inventory::place_order(
        app,
        &operator,
        &PurchaseOrderForm {
            vendor_id: vendor.to_string(),
            location_id: location_id.to_string(),
            lines: vec![PurchaseOrderLineForm {
                product_id: product.to_string(),
                quantity: 2,
                unit_cost_cents: Some(89_500),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    inventory::receive(
        app,
        &operator,
        po,
        &ReceiptForm {
            lines: vec![ReceiptLineForm {
                quantity: 1,
                serials: vec!["HB-0001".into()],
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let asset = inventory::find_by_serial(app, &operator, "HB-0001")
        .await
        .unwrap()
        .unwrap();
    let recall = inventory::open_campaign(
        app,
        &operator,
        &RecallForm {
            title: "Notice 1".into(),
            manufacturer: "Nobody Inc".into(),
            serials: vec!["X1".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (location_id, po, asset, recall)
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response: Response<Body> = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Logs in through the form and returns the Cookie header to send afterwards.
pub async fn login(router: &Router, role: Role) -> String {
    let body = format!(
        "csrf={CSRF}&username={}&password={PASSWORD}",
        username(role)
    );
    let reply = send(
        router,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("durable_csrf={CSRF}"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "login as {role:?}: {}",
        reply.body
    );
    let session = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("durable_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    format!("{session}; durable_csrf={CSRF}")
}

/// An upload form post: multipart, with the CSRF token in the action URL as the page sends it.
pub fn upload(path: &str, cookies: &str, kind: &str, file: &[u8]) -> Request<Body> {
    let boundary = "durable-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("{path}?csrf={CSRF}"))
        .header(header::COOKIE, cookies)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// A page request with the session cookie; POSTs carry the CSRF token and `form`.
pub fn page(method: &str, path: &str, cookies: &str, form: &str) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookies);
    if method == "GET" {
        builder.body(Body::empty()).unwrap()
    } else {
        builder
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={CSRF}&{form}")))
            .unwrap()
    }
}

/// An API request with a bearer token and an optional JSON body.
pub fn api(method: &str, path: &str, token: &str, json: Option<&str>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    match json {
        Some(json) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_owned()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

pub async fn token(app: &App, role: Role) -> String {
    auth::issue_token(app, &Actor::operator(), username(role), "test", None)
        .await
        .unwrap()
        .secret
}

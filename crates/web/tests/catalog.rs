//! Catalog pages and API: products with accessories through the form, HCPCS imports through the
//! API with clear refusals of bad and oversized files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{api, harness, login, page, send, token};
use durable_domain::catalog::BUNDLED_HCPCS;
use durable_domain::role::Role;

#[tokio::test]
async fn intake_adds_a_product_with_an_accessory_and_sees_errors_next_to_fields() {
    for db in durable_store::testing::every_backend().await {
        let h = harness(db).await;
        let cookies = login(&h.router, Role::Intake).await;

        let form = send(&h.router, page("GET", "/products/new", &cookies, "")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body.contains("Semi-electric hospital bed"),
            "accessory choices"
        );

        let bad = serde_urlencoded::to_string([
            ("name", "Alternating pressure pad"),
            ("manufacturer", "Drive Medical"),
            ("model", "14004"),
            ("hcpcs", "E0181 Z9999"),
        ])
        .unwrap();
        let reply = send(&h.router, page("POST", "/products", &cookies, &bad)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("id=\"hcpcs-error\""), "{}", reply.body);
        assert!(reply.body.contains("Z9999"));
        assert!(
            reply.body.contains("value=\"Alternating pressure pad\""),
            "input kept"
        );

        let good = serde_urlencoded::to_string([
            ("name", "Alternating pressure pad"),
            ("manufacturer", "Drive Medical"),
            ("model", "14004"),
            ("hcpcs", "e0181"),
            ("accessory_1", &h.product.to_string()),
            ("quantity_1", "2"),
        ])
        .unwrap();
        let reply = send(&h.router, page("POST", "/products", &cookies, &good)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let location = reply.headers["location"].to_str().unwrap().to_owned();
        let shown = send(&h.router, page("GET", &location, &cookies, "")).await;
        assert!(
            shown.body.contains("2 × <a href=\"/products/"),
            "{}",
            shown.body
        );
        assert!(shown.body.contains("/catalog/hcpcs/E0181"));

        let list = send(&h.router, page("GET", "/products?q=E0181", &cookies, "")).await;
        assert!(list.body.contains("Alternating pressure pad"));
        assert!(
            !list.body.contains("Semi-electric"),
            "search by code finds only its products"
        );
        h.db.finish().await;
    }
}

#[tokio::test]
async fn billing_imports_hcpcs_files_through_the_api() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let token = token(&h.app, Role::Billing).await;
    let import = |body: Vec<u8>| {
        Request::post("/api/v1/hcpcs/imports?name=hcpcs.csv")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body))
            .unwrap()
    };

    let reply = send(&h.router, import(BUNDLED_HCPCS.to_vec())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["added"], 0);
    assert_eq!(reply.json()["unchanged"], 2691);

    let reply = send(&h.router, import(b"code,kind\nE0260,procedure\n".to_vec())).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["error"]["fields"][0]["field"], "file");

    let reply = send(&h.router, import(vec![b'x'; 33 * 1024 * 1024])).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["error"]["code"], "payload_too_large");

    let reply = send(
        &h.router,
        api("GET", "/api/v1/hcpcs?q=oxygen%20concentrator", &token, None),
    )
    .await;
    let found = reply.json();
    let codes: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E1390"), "{codes:?}");

    let reply = send(
        &h.router,
        api(
            "POST",
            "/api/v1/hcpcs/E0260/payment-category",
            &token,
            Some(r#"{"payment_category": "inexpensive_routinely_purchased"}"#),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json()["code"]["payment_category"],
        "inexpensive_routinely_purchased"
    );
    h.db.finish().await;
}

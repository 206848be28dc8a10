//! The rental simulator through the API and the page, on the example in docs/examples/.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::http::StatusCode;
use common::{api, harness, login, page, send, token};
use durable_domain::role::Role;

const EXAMPLE: &str = include_str!("../../../docs/examples/hospital-bed-rental.json");

#[tokio::test]
async fn the_api_and_the_page_show_the_schedule_with_its_rules() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let token = token(&h.app, Role::Billing).await;
    let reply = send(
        &h.router,
        api("POST", "/api/v1/billing/simulate", &token, Some(EXAMPLE)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let schedule = reply.json();
    let lines = schedule["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 13, "a capped rental pays 13 months");
    assert_eq!(lines[0]["modifiers"], serde_json::json!(["RR", "KH", "KX"]));
    assert_eq!(schedule["skipped"][0]["reason"], "facility_stay");
    assert!(schedule["title_transfer"].is_string());
    assert!(
        lines
            .iter()
            .all(|l| !l["rules"].as_array().unwrap().is_empty()),
        "every line is explained"
    );

    let bad = serde_json::json!({"item": {"hcpcs": "E0260", "category": "teleporter"}});
    let reply = send(
        &h.router,
        api(
            "POST",
            "/api/v1/billing/simulate",
            &token,
            Some(&bad.to_string()),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("teleporter"), "{}", reply.body);

    let cookies = login(&h.router, Role::Billing).await;
    let form = serde_urlencoded::to_string([("input", EXAMPLE)]).unwrap();
    let shown = send(
        &h.router,
        page("POST", "/billing/simulate", &cookies, &form),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Title passes to the beneficiary"));
    assert!(shown.body.contains("CR-CAP-13"));
    let refused = send(
        &h.router,
        page("POST", "/billing/simulate", &cookies, "input=%7Bnot+json"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("input-error"));
    h.db.finish().await;
}

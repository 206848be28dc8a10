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

const CLAIM_LINES: &str = include_str!("../../../docs/examples/check-lines/oxygen-lines.json");

#[tokio::test]
async fn the_api_checks_claim_lines_and_answers_appeal_deadlines() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let token = token(&h.app, Role::Billing).await;
    let reply = send(
        &h.router,
        api(
            "POST",
            "/api/v1/billing/check-lines",
            &token,
            Some(CLAIM_LINES),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let checked = reply.json();
    let codes: Vec<&str> = checked["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["CHK-KX-WITH-G", "CHK-TIMELY-FILING", "CHK-KX-NOT-COVERED"],
        "{}",
        reply.body
    );
    assert_eq!(checked["filing_deadlines"][1]["deadline"], "2027-06-10");

    let question = r#"{"level": "alj_hearing", "notice_date": "2026-11-02", "filed_on": "2026-12-02", "amount_in_controversy": 19999}"#;
    let reply = send(
        &h.router,
        api(
            "POST",
            "/api/v1/billing/appeal-deadline",
            &token,
            Some(question),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answer = reply.json();
    assert_eq!(answer["deadline"], "2027-01-06");
    assert_eq!(answer["minimum_amount"], 20000);
    assert_eq!(answer["meets_minimum"], false);

    let bad = r#"{"level": "supreme_court", "notice_date": "2026-11-02"}"#;
    let reply = send(
        &h.router,
        api("POST", "/api/v1/billing/appeal-deadline", &token, Some(bad)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("supreme_court"), "{}", reply.body);
}

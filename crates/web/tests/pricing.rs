//! Pricing pages and API: price options through the form (errors next to each band's field)
//! and as JSON in the engine's shape, fee schedule imports through the API, and the allowed
//! amount with its source.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{api, harness, login, page, send, token};
use durable_domain::role::Role;

const FIXTURE: &[u8] = include_bytes!("../../domain/tests/fixtures/dmepos_fee_schedule.csv");

#[tokio::test]
async fn billing_keeps_price_options_through_the_form_and_the_api() {
    for db in durable_store::testing::every_backend().await {
        let h = harness(db).await;
        let cookies = login(&h.router, Role::Billing).await;
        let form = send(&h.router, page("GET", "/pricing/options/new", &cookies, "")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Lakeshore Health Plan"));
        assert!(
            !form.body.contains("Medicare DME MAC"),
            "Medicare takes no price option"
        );

        let payer = h.commercial.to_string();
        let bad = serde_urlencoded::to_string([
            ("payer_id", payer.as_str()),
            ("hcpcs", "E0601"),
            ("kind", "rental"),
            ("from_month_0", "1"),
            ("to_month_0", "3"),
            ("modifiers_0", "RR"),
            ("amount_0", "95.00"),
            ("from_month_1", "5"),
            ("modifiers_1", "RR"),
            ("amount_1", "80.00"),
        ])
        .unwrap();
        let reply = send(&h.router, page("POST", "/pricing/options", &cookies, &bad)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            reply.body.contains("id=\"from_month_1-error\""),
            "{}",
            reply.body
        );
        assert!(reply.body.contains("must start at month 4"));
        assert!(reply.body.contains("value=\"95.00\""), "input kept");

        let good = bad.replace("from_month_1=5", "from_month_1=4");
        let reply = send(&h.router, page("POST", "/pricing/options", &cookies, &good)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let list = send(&h.router, page("GET", "/pricing?hcpcs=E0601", &cookies, "")).await;
        assert!(
            list.body.contains("1–3: RR $95.00; 4+: RR $80.00"),
            "{}",
            list.body
        );

        // The API speaks the engine's shape back, and refuses by field.
        let secret = token(&h.app, Role::Billing).await;
        let shown = send(
            &h.router,
            api(
                "GET",
                &format!("/api/v1/price-options/{}", h.price_option),
                &secret,
                None,
            ),
        )
        .await
        .json();
        assert_eq!(shown["price_option"]["kind"], "purchase");
        assert_eq!(shown["price_option"]["bands"][0]["amount"], 145_000);
        assert_eq!(shown["price_option"]["bands"][0]["modifiers"][0], "NU");
        let body = serde_json::json!({
            "payer_id": payer,
            "hcpcs": "E0260",
            "kind": "purchase",
            "bands": [{"from_month": "1", "modifiers": "NU KX GA", "amount": "1500.00"}],
        })
        .to_string();
        let reply = send(
            &h.router,
            api(
                "PUT",
                &format!("/api/v1/price-options/{}", h.price_option),
                &secret,
                Some(&body),
            ),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert_eq!(
            reply.json()["error"]["fields"][0]["field"],
            "bands[0].modifiers"
        );
        let fixed = body.replace("NU KX GA", "NU");
        let reply = send(
            &h.router,
            api(
                "PUT",
                &format!("/api/v1/price-options/{}", h.price_option),
                &secret,
                Some(&fixed),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let allowed = send(
            &h.router,
            api(
                "GET",
                &format!(
                    "/api/v1/allowed-amount?payer_id={payer}&hcpcs=E0260&rent_or_buy=purchase"
                ),
                &secret,
                None,
            ),
        )
        .await
        .json();
        assert_eq!(allowed["amount"], 150_000);
        assert_eq!(allowed["source"]["kind"], "price_option");
        assert_eq!(allowed["source"]["scope"], "payer");
        h.db.finish().await;
    }
}

fn raw(path: &str, token: &str, body: &[u8]) -> Request<Body> {
    Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_vec()))
        .unwrap()
}

#[tokio::test]
async fn the_fee_schedule_arrives_through_the_api_and_prices_medicare() {
    for db in durable_store::testing::every_backend().await {
        let h = harness(db).await;
        let secret = token(&h.app, Role::Billing).await;
        let path = "/api/v1/fee-schedules/imports?name=DMEPOS26_JAN.csv&effective=2026-01-01";
        let first = send(&h.router, raw(path, &secret, FIXTURE)).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert_eq!(first.json()["added"], 47);
        let again = send(&h.router, raw(path, &secret, FIXTURE)).await.json();
        assert_eq!(
            (again["added"].clone(), again["unchanged"].clone()),
            (0.into(), 47.into())
        );
        let bad = send(
            &h.router,
            raw(path, &secret, b"HCPCS,Mod,AL (NR)\nE0260,NU,12.x\n"),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.json()["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("line 2, AL (NR):"),
            "{}",
            bad.body
        );
        let zips = send(
            &h.router,
            raw(
                "/api/v1/rural-zips/imports",
                &secret,
                b"zip,rural\n45701,Y\n",
            ),
        )
        .await;
        assert_eq!(zips.json()["rural"], 1);

        let intake = login(&h.router, Role::Intake).await;
        let ask = format!(
            "/pricing/allowed?payer_id={}&hcpcs=E0601&modifiers=RR&state=OH&zip=45701&date=2026-02-01",
            h.payer
        );
        let reply = send(&h.router, page("GET", &ask, &intake, "")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.body.contains("$84.58"), "{}", reply.body);
        assert!(reply.body.contains("rural list"), "{}", reply.body);
        let no_state = ask.replace("&state=OH", "");
        let reply = send(&h.router, page("GET", &no_state, &intake, "")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("id=\"state-error\""));
        let imports = send(&h.router, page("GET", "/pricing", &intake, "")).await;
        assert!(imports.body.contains("DMEPOS26_JAN.csv"));
        h.db.finish().await;
    }
}

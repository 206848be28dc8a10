//! Inventory through the HTTP layer: a scanned serial opens its unit, a refused move shows the
//! state machine's sentence with 409, the label is a well-formed one-page PDF, and a delivery is
//! recorded from the technician's stop page (a missing signature comes back beside the pad).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::http::StatusCode;
use common::{api, harness, login, page, send, token};
use durable_domain::role::Role;
use durable_store::testing::every_backend;

/// Checks the PDF's skeleton: header, trailer, and a cross-reference table whose every offset
/// points at the object it names, so a reader can open it.
fn assert_well_formed_pdf(bytes: &[u8]) {
    assert!(bytes.starts_with(b"%PDF-1."), "header");
    // Offsets count bytes, and the header's binary comment is not UTF-8: index the bytes.
    // Offsets count bytes, and the header's binary comment is not UTF-8: index the bytes.
    let text = String::from_utf8_lossy(bytes);
    assert!(text.trim_end().ends_with("%%EOF"), "trailer");
    let startxref: usize = text
        .rsplit("startxref")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        bytes[startxref..].starts_with(b"xref"),
        "startxref points at xref"
    );
    let table = String::from_utf8_lossy(&bytes[startxref..]);
    let mut rows = table.lines().skip(1);
    let header: Vec<usize> = rows
        .next()
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (first, count) = (header[0], header[1]);
    for (number, row) in (first..first + count).zip(rows) {
        let mut parts = row.split_whitespace();
        let offset: usize = parts.next().unwrap().parse().unwrap();
        if parts.nth(1) == Some("n") {
            assert!(
                bytes[offset..].starts_with(format!("{number} 0 obj").as_bytes()),
                "object {number} at {offset}"
            );
        }
    }
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert_eq!(pages, 1, "one page");
}

#[tokio::test]
async fn scan_to_open_refusals_and_labels() {
    for db in every_backend().await {
        let h = harness(db).await;
        let cookies = login(&h.router, Role::Technician).await;

        // A keyboard-wedge scan (any separators) opens the unit.
        let reply = send(&h.router, page("GET", "/assets?q=hb%200001", &cookies, "")).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.headers["location"], format!("/assets/{}", h.asset));

        // Reserve for an order of the harness patient that asks for a bed (the harness order
        // is for a CPAP), released to Ready, deliver, return: now dirty.
        let intake = durable_app::Actor {
            user_id: None,
            username: "intake".into(),
            role: Role::Intake,
            source: "test".into(),
        };
        let bed_order = durable_app::orders::place(
            &h.app,
            &intake,
            &durable_app::orders::OrderForm {
                patient_id: h.patient.to_string(),
                prescriber_id: h.prescriber.to_string(),
                order_date: h.app.clock.today().to_string(),
                diagnoses: "I50.9".into(),
                lines: vec![durable_app::orders::LineForm {
                    hcpcs: Some("E0260".into()),
                    rent_or_buy: "rental".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        durable_app::orders::override_hold(
            &h.app,
            &intake,
            bed_order,
            "Documents checked on paper.",
        )
        .await
        .unwrap();
        let reserve = format!(
            "command=reserve&patient_id={}&order_id={}",
            h.patient, bed_order
        );
        for form in [
            reserve.as_str(),
            "command=deliver&terms=rental",
            "command=return",
        ] {
            let reply = send(
                &h.router,
                page(
                    "POST",
                    &format!("/assets/{}/commands", h.asset),
                    &cookies,
                    form,
                ),
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::SEE_OTHER,
                "{form}: {}",
                reply.body
            );
        }
        let reply = send(
            &h.router,
            page(
                "POST",
                &format!("/assets/{}/commands", h.asset),
                &cookies,
                &reserve,
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert!(
            reply
                .body
                .contains("A dirty unit cannot be reserved: clean and inspect it first.")
        );

        let token = token(&h.app, Role::Technician).await;
        let reply = send(
            &h.router,
            api(
                "POST",
                &format!("/api/v1/assets/{}/commands", h.asset),
                &token,
                Some(&format!(
                    r#"{{"command":"reserve","patient_id":"{}","order_id":"{}"}}"#,
                    h.patient, bed_order
                )),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert_eq!(reply.json()["error"]["code"], "conflict");
        let reply = send(
            &h.router,
            api("GET", &format!("/api/v1/assets/{}", h.asset), &token, None),
        )
        .await;
        let steps: Vec<String> = reply.json()["custody"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["command"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(steps, ["receive", "reserve", "deliver", "return"]);

        // The label.
        let response = tower::ServiceExt::oneshot(
            h.router.clone(),
            page(
                "GET",
                &format!("/assets/{}/label.pdf", h.asset),
                &cookies,
                "",
            ),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert_well_formed_pdf(&bytes);
        assert!(String::from_utf8_lossy(&bytes).contains("(SN HB-0001) Tj"));
        h.db.finish().await;
    }
}

/// A 1 × 1 PNG as a canvas's `toDataURL` writes it.
const SIGNATURE: &str = "data%3Aimage%2Fpng%3Bbase64%2CiVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII%3D";

#[tokio::test]
async fn a_stop_is_delivered_from_the_phone_page() {
    for db in every_backend().await {
        let h = harness(db).await;
        let intake = durable_app::Actor {
            user_id: None,
            username: "intake".into(),
            role: Role::Intake,
            source: "test".into(),
        };
        let order = durable_app::orders::place(
            &h.app,
            &intake,
            &durable_app::orders::OrderForm {
                patient_id: h.patient.to_string(),
                prescriber_id: h.prescriber.to_string(),
                order_date: h.app.clock.today().to_string(),
                diagnoses: "I50.9".into(),
                lines: vec![durable_app::orders::LineForm {
                    product_id: Some(h.product.to_string()),
                    rent_or_buy: "rental".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        durable_app::orders::override_hold(&h.app, &intake, order, "Documents checked on paper.")
            .await
            .unwrap();
        let ticket = durable_app::deliveries::create(
            &h.app,
            &intake,
            &durable_app::deliveries::TicketForm {
                order_id: order.to_string(),
                method: "technician".into(),
                branch_id: h.location.to_string(),
                scheduled_on: Some(h.app.clock.today().to_string()),
                technician: Some("technician".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let cookies = login(&h.router, Role::Technician).await;

        // Today's stops list the patient; the stop offers the serial, the checks and the pad.
        let reply = send(&h.router, page("GET", "/stops", &cookies, "")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            reply.body.contains(&format!("/deliveries/{ticket}")),
            "{}",
            reply.body
        );
        let stop = format!("/deliveries/{ticket}");
        let reply = send(&h.router, page("GET", &stop, &cookies, "")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.body.contains(r#"name="serial_1""#));
        assert!(reply.body.contains("signature-pad"));
        let view = durable_app::deliveries::ticket(&h.app, &intake, ticket)
            .await
            .unwrap();
        let ticks: String = view
            .checklists
            .iter()
            .flat_map(|l| {
                l.checks
                    .iter()
                    .map(move |c| format!("&ticked={}.{}", l.code, c.code))
            })
            .collect();

        // Without a signature the form comes back with the message beside the pad; nothing moved.
        let unsigned = format!("serial_1=HB-0001&signer=beneficiary{ticks}&signature=");
        let complete = format!("{stop}/complete");
        let reply = send(&h.router, page("POST", &complete, &cookies, &unsigned)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            reply
                .body
                .contains("The patient or a designee must sign for the items.")
        );
        assert!(
            reply.body.contains(r#"value="HB-0001""#),
            "the typed serial is kept"
        );

        let signed = format!("{unsigned}{SIGNATURE}");
        let reply = send(&h.router, page("POST", &complete, &cookies, &signed)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let reply = send(&h.router, page("GET", &stop, &cookies, "")).await;
        assert!(
            reply
                .body
                .contains(&format!("Delivered on {}.", h.app.clock.today()))
        );
        let order = durable_app::orders::order(&h.app, &intake, order)
            .await
            .unwrap();
        assert_eq!(order.status, "delivered");
        h.db.finish().await;
    }
}

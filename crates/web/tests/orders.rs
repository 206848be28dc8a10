//! Orders through the pages and the API: oversized and mislabelled uploads are refused with a
//! clear message and store nothing; bad orders get a message per field.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{api, harness, login, send, token, upload};
use durable_domain::role::Role;

async fn document_count(h: &common::Harness) -> usize {
    durable_store::documents::for_order(h.app.store.conn(), h.order.as_uuid())
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn oversized_and_mislabelled_uploads_are_refused_and_store_nothing() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let before = document_count(&h).await;
    let cookies = login(&h.router, Role::Intake).await;
    let path = format!("/orders/{}/documents", h.order);

    // The example: a 200 MB file. The route stops reading at its limit.
    let huge = vec![b'%'; 200 * 1024 * 1024];
    let reply = send(&h.router, upload(&path, &cookies, "order", &huge)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("larger than 20 MB"),
        "{}",
        &reply.body[..reply.body.len().min(500)]
    );

    let reply = send(
        &h.router,
        upload(&path, &cookies, "order", b"GIF89a not a scan"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("not a PDF, PNG, JPEG or TIFF"));

    let token = token(&h.app, Role::Intake).await;
    let raw = |body: Vec<u8>| {
        Request::post(format!("/api/v1/orders/{}/documents?kind=order", h.order))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(body))
            .unwrap()
    };
    let reply = send(&h.router, raw(vec![b'%'; 200 * 1024 * 1024])).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["error"]["code"], "payload_too_large");
    let reply = send(&h.router, raw(b"MZ\x90\x00 a program".to_vec())).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["error"]["fields"][0]["field"], "file");

    assert_eq!(document_count(&h).await, before, "nothing was stored");

    let reply = send(&h.router, raw(b"%PDF-1.7 signed order".to_vec())).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(document_count(&h).await, before + 1);
    h.db.finish().await;
}

#[tokio::test]
async fn bad_orders_through_the_api_get_a_message_per_field() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let token = token(&h.app, Role::Intake).await;
    let body = serde_json::json!({
        "patient_id": h.patient.to_string(),
        "prescriber_id": h.prescriber.to_string(),
        "order_date": "2026-13-01",
        "diagnoses": "47.33G",
        "lines": [{"hcpcs": "E9999", "rent_or_buy": "rental"}]
    });
    let reply = send(
        &h.router,
        api("POST", "/api/v1/orders", &token, Some(&body.to_string())),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let fields: Vec<String> = reply.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    for field in ["order_date", "diagnoses", "lines[0].hcpcs"] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    let (queue, _) = durable_app::orders::queue(
        &h.app,
        &durable_app::Actor {
            user_id: None,
            username: "intake".into(),
            role: Role::Intake,
            source: "test".into(),
        },
        0,
    )
    .await
    .unwrap();
    assert_eq!(queue.len(), 1, "only the harness's order exists");
    h.db.finish().await;
}

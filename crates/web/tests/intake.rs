//! Intake through the pages and the API: bad input is refused per field and writes nothing,
//! duplicates are offered, role-scoped charts, audit events for reads, log-in protections.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use axum::http::StatusCode;
use common::{CSRF, PASSWORD, api, harness, login, page, patient_form, send, token};
use durable_app::audit::AuditQuery;
use durable_app::{Actor, App, audit};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::testing::every_backend;

async fn patient_count(app: &App) -> u64 {
    durable_store::patients::count(app.store.conn())
        .await
        .unwrap()
}

fn form_body(form: &durable_app::patients::PatientForm) -> String {
    serde_urlencoded::to_string(form).unwrap()
}

#[tokio::test]
async fn bad_patient_input_is_refused_per_field_and_writes_nothing() {
    for db in every_backend().await {
        let h = harness(db).await;
        let before = patient_count(&h.app).await;
        let cookies = login(&h.router, Role::Intake).await;
        let mut form = patient_form();
        form.family_name = "Newperson".into();
        form.mbi = Some("0EG4-TE5-MK73".into());
        form.birth_date = "2999-01-01".into();
        let body = format!(
            "{}&coverage_payer_id=00000000-0000-7000-8000-000000000000&coverage_member_id=X1&coverage_priority=primary&coverage_effective_date=2024-01-01",
            form_body(&form)
        );
        let reply = send(&h.router, page("POST", "/patients", &cookies, &body)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            db_label(&h)
        );
        for id in ["mbi-error", "birth_date-error", "coverage_payer_id-error"] {
            assert!(reply.body.contains(id), "page should mark {id}");
        }
        assert!(reply.body.contains("Character 1 of an MBI"));
        assert!(reply.body.contains("cannot be in the future"));

        let token = token(&h.app, Role::Intake).await;
        let json = serde_json::json!({
            "family_name": "Newperson", "given_name": "Al", "birth_date": "1950-01-01", "sex": "male",
            "mbi": "1EG4-TE5-MK7", "home_line1": "1 A St", "home_city": "Akron", "home_state": "ZZ", "home_postal_code": "4431"
        });
        let reply = send(
            &h.router,
            api("POST", "/api/v1/patients", &token, Some(&json.to_string())),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = reply.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["mbi", "home_state", "home_postal_code"]);

        let bad_npi = serde_json::json!({"npi": "1234567890", "given_name": "A", "family_name": "B", "line1": "1", "city": "C", "state": "OH", "postal_code": "43215"});
        let reply = send(
            &h.router,
            api(
                "POST",
                "/api/v1/prescribers",
                &token,
                Some(&bad_npi.to_string()),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["error"]["fields"][0]["field"], "npi");

        let unknown_payer = serde_json::json!({"payer_id": "not-a-payer", "member_id": "X", "priority": "primary", "effective_date": "2024-01-01"});
        let reply = send(
            &h.router,
            api(
                "POST",
                &format!("/api/v1/patients/{}/coverages", h.patient),
                &token,
                Some(&unknown_payer.to_string()),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["error"]["fields"][0]["field"], "payer_id");

        let reply = send(
            &h.router,
            api(
                "POST",
                "/api/v1/patients",
                &token,
                Some("{\"family_name\": "),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.json()["error"]["code"], "malformed_json");
        let reply = send(
            &h.router,
            api(
                "POST",
                "/api/v1/patients",
                &token,
                Some("{\"family_name\": 7}"),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["error"]["fields"][0]["field"], "family_name");
        let huge = format!("{{\"family_name\": \"{}\"}}", "x".repeat(400 * 1024));
        let reply = send(
            &h.router,
            api("POST", "/api/v1/patients", &token, Some(&huge)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.json()["error"]["code"], "payload_too_large");

        // A page form without its CSRF token is refused before anything runs.
        let request = axum::http::Request::post("/patients")
            .header("cookie", &cookies)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(form_body(&patient_form())))
            .unwrap();
        let reply = send(&h.router, request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        assert_eq!(patient_count(&h.app).await, before, "nothing was written");
        h.db.finish().await;
    }
}

fn db_label(h: &common::Harness) -> &'static str {
    h.db.label()
}

#[tokio::test]
async fn a_same_name_and_birth_date_offers_the_match_until_confirmed() {
    for db in every_backend().await {
        let h = harness(db).await;
        let cookies = login(&h.router, Role::Intake).await;
        let mut form = patient_form();
        form.mbi = None;
        form.family_name = "OBRIEN".into(); // same person, typed differently
        let reply = send(
            &h.router,
            page("POST", "/patients", &cookies, &form_body(&form)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert!(
            reply.body.contains(&format!("/patients/{}", h.patient)),
            "the match is offered"
        );
        assert_eq!(patient_count(&h.app).await, 1);
        form.confirm_new = Some("on".into());
        let reply = send(
            &h.router,
            page("POST", "/patients", &cookies, &form_body(&form)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(patient_count(&h.app).await, 2);
        h.db.finish().await;
    }
}

#[tokio::test]
async fn a_technician_sees_neither_coverage_nor_diagnosis() {
    for db in every_backend().await {
        let h = harness(db).await;
        let chart = format!("/patients/{}", h.patient);
        let intake = send(
            &h.router,
            page(
                "GET",
                &format!("{chart}?tab=insurance"),
                &login(&h.router, Role::Intake).await,
                "",
            ),
        )
        .await;
        assert!(intake.body.contains("1EG4TE5MK73") && intake.body.contains("Medicare DME MAC"));
        let tech_cookies = login(&h.router, Role::Technician).await;
        for tab in ["", "?tab=insurance", "?tab=diagnoses"] {
            let tech = send(
                &h.router,
                page("GET", &format!("{chart}{tab}"), &tech_cookies, ""),
            )
            .await;
            assert_eq!(tech.status, StatusCode::OK);
            assert!(
                tech.body.contains("12 Elm Street"),
                "the delivery address is shown"
            );
            for hidden in [
                "1EG4TE5MK73",
                "Medicare DME MAC",
                "G47.33",
                ">Insurance<",
                ">Diagnoses<",
            ] {
                assert!(
                    !tech.body.contains(hidden),
                    "technician must not see {hidden}"
                );
            }
        }
        let token = token(&h.app, Role::Technician).await;
        let json = send(
            &h.router,
            api("GET", &format!("/api/v1{chart}"), &token, None),
        )
        .await
        .json();
        assert_eq!(json["given_name"], "Margaret");
        for hidden in ["mbi", "coverages", "diagnoses"] {
            assert!(
                json.get(hidden).is_none(),
                "API must not send {hidden} to a technician"
            );
        }
        h.db.finish().await;
    }
}

#[tokio::test]
async fn chart_views_and_searches_are_audited_with_their_patients() {
    for db in every_backend().await {
        let h = harness(db).await;
        let cookies = login(&h.router, Role::Billing).await;
        send(
            &h.router,
            page("GET", &format!("/patients/{}", h.patient), &cookies, ""),
        )
        .await;
        send(&h.router, page("GET", "/patients?q=o%27bri", &cookies, "")).await;
        let compliance = Actor {
            user_id: None,
            username: "compliance".into(),
            role: Role::Compliance,
            source: "test".into(),
        };
        let query = AuditQuery {
            patient_id: Some(h.patient),
            username: Some("billing".into()),
            ..AuditQuery::default()
        };
        let events = audit::search(&h.app, &compliance, &query).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["patient.search", "order.list", "patient.view"],
            "newest first"
        );
        assert!(events.iter().all(|e| e.patients == [h.patient.as_uuid()]));
        let verified = audit::verify(&h.app, &Actor::operator()).await.unwrap();
        assert!(verified.first_break.is_none() && verified.checked > 5);
        h.db.finish().await;
    }
}

#[tokio::test]
async fn five_failed_logins_from_one_address_stop_the_checks() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let attempt = |password: &'static str| {
        axum::http::Request::post("/login")
            .header("cookie", format!("durable_csrf={CSRF}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!(
                "csrf={CSRF}&username=sales&password={password}"
            )))
            .unwrap()
    };
    for _ in 0..5 {
        assert_eq!(
            send(&h.router, attempt("wrong-password")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // The right password is not checked any more, and the answer does not say whether the name
    // exists or a lock is in force.
    let reply = send(&h.router, attempt(PASSWORD)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply.body.contains("too many failed logins"),
        "{}",
        reply.body
    );
    h.db.finish().await;
}

#[tokio::test]
async fn sessions_end_after_fifteen_idle_minutes() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let start = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let at = |minutes: i64| {
        let app = App::new(
            h.app.store.clone(),
            Clock::fixed(start + time::Duration::minutes(minutes)),
        );
        durable_web::router(app, durable_web::WebConfig::default())
    };
    let cookies = login(&at(0), Role::Intake).await;
    assert_eq!(
        send(&at(14), page("GET", "/", &cookies, "")).await.status,
        StatusCode::OK
    );
    // Activity at minute 14 keeps the session alive until minute 29.
    assert_eq!(
        send(&at(28), page("GET", "/", &cookies, "")).await.status,
        StatusCode::OK
    );
    let reply = send(&at(44), page("GET", "/", &cookies, "")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "idle for 16 minutes");
    h.db.finish().await;
}

#[tokio::test]
async fn nothing_a_user_types_into_search_boxes_causes_a_server_error() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let cookies = login(&h.router, Role::Intake).await;
    let token = token(&h.app, Role::Intake).await;
    let nasty = [
        "%27%3B%20DROP%20TABLE%20patients%3B--",
        "%00",
        "%F0%9F%98%80",
        "a%2Cb%2Cc",
        "99/99/9999",
        "1EG4TE5MK73",
        "%25%25%25",
        "%5C",
        &"z".repeat(3000),
        "smith%2C",
        "%2C",
        "0000000000",
        "12%2F31%2F1899",
    ];
    for q in nasty {
        for path in ["/patients", "/prescribers", "/referral-sources"] {
            let reply = send(
                &h.router,
                page("GET", &format!("{path}?q={q}"), &cookies, ""),
            )
            .await;
            assert!(
                !reply.status.is_server_error(),
                "{path}?q={q} answered {}",
                reply.status
            );
        }
        let reply = send(
            &h.router,
            api("GET", &format!("/api/v1/patients?q={q}"), &token, None),
        )
        .await;
        assert!(
            !reply.status.is_server_error(),
            "api q={q} answered {}",
            reply.status
        );
    }
    for path in [
        "/patients/not-an-id",
        "/prescribers/1",
        "/coverages/zzz/edit",
    ] {
        assert_eq!(
            send(&h.router, page("GET", path, &cookies, ""))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    let reply = send(
        &h.router,
        api("GET", "/api/v1/patients?cursor=abc", &token, None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    h.db.finish().await;
}

#[tokio::test]
async fn revoking_a_token_and_logging_out_take_effect_at_once() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let issued = durable_app::auth::issue_token(&h.app, &Actor::operator(), "intake", "test", None)
        .await
        .unwrap();
    let search = || api("GET", "/api/v1/patients?q=obr", &issued.secret, None);
    let found = send(&h.router, search()).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(
        found.json()["items"][0]["birth_date"],
        "1944-05-17",
        "dates are ISO 8601 strings, as the OpenAPI document says"
    );
    let read = send(
        &h.router,
        api(
            "GET",
            &format!("/api/v1/patients/{}", h.patient),
            &issued.secret,
            None,
        ),
    )
    .await;
    assert_eq!(read.json()["birth_date"], "1944-05-17", "{}", read.body);
    assert_eq!(
        send(&h.router, search()).await.status,
        StatusCode::OK,
        "served from the cache"
    );
    durable_app::auth::revoke_token(&h.app, &Actor::operator(), issued.id)
        .await
        .unwrap();
    assert_eq!(
        send(&h.router, search()).await.status,
        StatusCode::UNAUTHORIZED
    );

    let cookies = login(&h.router, Role::Intake).await;
    assert_eq!(
        send(&h.router, page("GET", "/", &cookies, "")).await.status,
        StatusCode::OK
    );
    let out = send(&h.router, page("POST", "/logout", &cookies, "")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = send(&h.router, page("GET", "/", &cookies, "")).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
    h.db.finish().await;
}

#[tokio::test]
async fn editing_a_coverage_returns_to_the_patients_insurance_tab() {
    let h = harness(durable_store::testing::sqlite().await).await;
    let cookies = login(&h.router, Role::Billing).await;
    let form = format!(
        "coverage_payer_id={}&coverage_member_id=1EG4TE5MK73&coverage_group_number=G-7&coverage_priority=primary&coverage_effective_date=2020-01-01",
        h.payer
    );
    let reply = send(
        &h.router,
        page(
            "POST",
            &format!("/coverages/{}", h.coverage),
            &cookies,
            &form,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.headers["location"],
        format!("/patients/{}?tab=insurance", h.patient).as_str()
    );
    let shown = send(
        &h.router,
        page(
            "GET",
            &format!("/patients/{}?tab=insurance", h.patient),
            &cookies,
            "",
        ),
    )
    .await;
    assert!(shown.body.contains("1EG4TE5MK73"));
    h.db.finish().await;
}

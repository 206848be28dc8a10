//! The web surface under a careful probe: sessions and tokens kept apart, login throttling,
//! the request id and metrics, validated list cursors, and no patient data in htmx history.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, api, harness, login, page, send, token, username};
use durable_app::{Actor, auth};
use durable_domain::role::Role;
use durable_store::audit::{Filter, search};
use durable_store::testing::every_backend;
use durable_store::users;

/// The audit events with `action`, newest first.
async fn events(app: &durable_app::App, action: &str) -> Vec<durable_store::audit::Event> {
    search(app.store.conn(), &Filter::default(), 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.row.action == action)
        .collect()
}

#[tokio::test]
async fn a_session_secret_is_never_a_bearer_token_and_revoked_tokens_stop_at_once() {
    for db in every_backend().await {
        let h = harness(db).await;
        let cookies = login(&h.router, Role::Intake).await;
        // The page request puts the session in the session cache.
        assert_eq!(
            send(&h.router, page("GET", "/patients?q=obr", &cookies, ""))
                .await
                .status,
            StatusCode::OK
        );
        let secret = cookies
            .split(';')
            .next()
            .and_then(|c| c.strip_prefix("durable_session="))
            .unwrap();
        let as_bearer = send(
            &h.router,
            api("GET", "/api/v1/patients?q=obr", secret, None),
        )
        .await;
        assert_eq!(
            as_bearer.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            as_bearer.body
        );

        let issued = auth::issue_token(&h.app, &Actor::operator(), "intake", "probe", None)
            .await
            .unwrap();
        let path = "/api/v1/patients?q=obr";
        assert_eq!(
            send(&h.router, api("GET", path, &issued.secret, None))
                .await
                .status,
            StatusCode::OK
        );
        let user = users::by_username(h.app.store.conn(), "intake")
            .await
            .unwrap()
            .unwrap();
        let stored = users::tokens_of(h.app.store.conn(), user.id).await.unwrap();
        let used = stored.iter().find(|t| t.id == issued.id.as_uuid()).unwrap();
        assert!(
            used.last_used_at.is_some(),
            "the token's last use is recorded"
        );

        auth::revoke_token(&h.app, &Actor::operator(), issued.id)
            .await
            .unwrap();
        let revoked = send(&h.router, api("GET", path, &issued.secret, None)).await;
        assert_eq!(revoked.status, StatusCode::UNAUTHORIZED, "{}", revoked.body);

        // A token past its expiry is refused; one cannot be issued already expired.
        let past = h.app.clock.now() - time::Duration::seconds(1);
        assert!(
            auth::issue_token(&h.app, &Actor::operator(), "intake", "x", Some(past))
                .await
                .is_err()
        );
        let expiring = auth::issue_token(
            &h.app,
            &Actor::operator(),
            "intake",
            "short",
            Some(h.app.clock.now() + time::Duration::milliseconds(300)),
        )
        .await
        .unwrap();
        assert!(
            auth::resolve_token(&h.app, &expiring.secret, "test")
                .await
                .unwrap()
                .is_some()
        );
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(
            auth::resolve_token(&h.app, &expiring.secret, "test")
                .await
                .unwrap()
                .is_none(),
            "an expired token is refused"
        );
    }
}

#[tokio::test]
async fn a_burst_of_logins_checks_at_most_five_passwords_and_answers_alike() {
    for db in every_backend().await {
        let h = harness(db).await;
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..30 {
            let app = h.app.clone();
            burst.spawn(
                async move { auth::login(&app, "intake", "wrong-password!", "10.0.0.9").await },
            );
        }
        while let Some(outcome) = burst.join_next().await {
            let err = outcome.unwrap().unwrap_err();
            assert_eq!(
                err.to_string(),
                durable_app::AppError::Unauthenticated(auth::LOGIN_REFUSED.into()).to_string()
            );
        }
        let failed = events(&h.app, "user.login_failed").await;
        assert_eq!(failed.len(), 30, "every refused login is audited");
        let checked = failed
            .iter()
            .filter(|e| e.row.detail.contains("wrong password"))
            .count();
        assert_eq!(checked, 5, "five passwords checked from one address");

        // The right password from the throttled address is not even checked.
        let right = auth::login(&h.app, "intake", PASSWORD, "10.0.0.9").await;
        assert!(
            right.is_err(),
            "a correct password does not lift the throttle"
        );
        // An unknown name from there gets the same answer.
        let unknown = auth::login(&h.app, "nobody-here", PASSWORD, "10.0.0.9")
            .await
            .unwrap_err();
        assert_eq!(unknown.to_string(), right.unwrap_err().to_string());
        // Staff elsewhere are not locked out by that address.
        auth::login(&h.app, "intake", PASSWORD, "10.0.0.10")
            .await
            .unwrap();
        // An unknown name from a fresh address is refused alike and audited.
        let unknown = auth::login(&h.app, "nobody-here", PASSWORD, "10.0.0.11")
            .await
            .unwrap_err();
        assert_eq!(
            unknown.to_string(),
            durable_app::AppError::Unauthenticated(auth::LOGIN_REFUSED.into()).to_string()
        );
        assert!(
            events(&h.app, "user.login_failed")
                .await
                .iter()
                .any(|e| e.row.source == "10.0.0.11" && e.row.detail.contains("unknown user"))
        );
    }
}

#[tokio::test]
async fn an_account_locked_from_many_addresses_is_unlocked_by_an_admin() {
    for db in every_backend().await {
        let h = harness(db).await;
        for attempt in 0..auth::MAX_FAILED_LOGINS {
            let address = format!("10.1.{}.1", attempt);
            let _ = auth::login(&h.app, "billing", "wrong-password!", &address).await;
        }
        assert_eq!(events(&h.app, "user.locked").await.len(), 1);
        assert!(
            auth::login(&h.app, "billing", PASSWORD, "10.2.0.1")
                .await
                .is_err(),
            "the account is locked"
        );
        let intake = token(&h.app, Role::Intake).await;
        let path = format!("/api/v1/users/{}/unlock", username(Role::Billing));
        let refused = send(&h.router, api("POST", &path, &intake, None)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let audited = events(&h.app, "access.refused").await;
        assert_eq!(audited.len(), 1, "the refusal is audited");
        assert_eq!(audited[0].row.actor_name, "intake");
        assert!(
            audited[0]
                .row
                .detail
                .contains("/api/v1/users/{username}/unlock")
        );

        let admin = token(&h.app, Role::Admin).await;
        let done = send(&h.router, api("POST", &path, &admin, None)).await;
        assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
        auth::login(&h.app, "billing", PASSWORD, "10.2.0.1")
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn list_cursors_and_query_parameters_are_validated_into_400s() {
    let h = harness(every_backend().await.remove(0)).await;
    let admin = token(&h.app, Role::Admin).await;
    let intake = token(&h.app, Role::Intake).await;
    let lists = [
        ("/api/v1/patients", &intake),
        ("/api/v1/prescribers", &intake),
        ("/api/v1/referral-sources", &intake),
        ("/api/v1/hcpcs", &intake),
        ("/api/v1/products", &intake),
        ("/api/v1/orders", &intake),
        ("/api/v1/prior-auths", &intake),
        ("/api/v1/assets", &intake),
        ("/api/v1/purchase-orders", &admin),
    ];
    for (list, token) in lists {
        for cursor in ["18446744073709551615", "9223372036854775808", "-1", "abc"] {
            let reply = send(
                &h.router,
                api("GET", &format!("{list}?cursor={cursor}"), token, None),
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{list} {cursor}: {}",
                reply.body
            );
            let body = reply.json();
            assert_eq!(
                body["error"]["fields"][0]["field"], "cursor",
                "{list}: {body}"
            );
        }
        let last = send(
            &h.router,
            api(
                "GET",
                &format!("{list}?cursor=9223372036854775807"),
                token,
                None,
            ),
        )
        .await;
        assert_eq!(last.status, StatusCode::OK, "{list}: {}", last.body);
    }
    let reply = send(
        &h.router,
        api("GET", "/api/v1/audit?before=yesterday", &admin, None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"]["fields"][0]["field"], "before");

    let cookies = login(&h.router, Role::Intake).await;
    let page_reply = send(
        &h.router,
        page(
            "GET",
            "/patients?q=a&offset=18446744073709551615",
            &cookies,
            "",
        ),
    )
    .await;
    assert_eq!(page_reply.status, StatusCode::BAD_REQUEST);

    let not_allowed = send(&h.router, api("DELETE", "/api/v1/patients", &intake, None)).await;
    assert_eq!(not_allowed.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(not_allowed.json()["error"]["code"], "method_not_allowed");
    assert!(not_allowed.headers.contains_key(header::ALLOW));
    let page_405 = send(&h.router, page("PUT", "/patients", &cookies, "")).await;
    assert_eq!(page_405.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(!page_405.body.is_empty());
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_metrics_are_for_admins_or_the_scraper() {
    let h = harness(every_backend().await.remove(0)).await;
    let intake = token(&h.app, Role::Intake).await;
    let admin = token(&h.app, Role::Admin).await;
    let missing = send(
        &h.router,
        api("GET", "/api/v1/patients/nope", &intake, None),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let id = missing
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(id.len(), 32);
    let cookies = login(&h.router, Role::Intake).await;
    let error_page = send(&h.router, page("GET", "/patients/nope", &cookies, "")).await;
    let id = error_page
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        error_page.body.contains(id),
        "the error page quotes its request id"
    );

    let anonymous = send(
        &h.router,
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let staff = send(&h.router, api("GET", "/metrics", &intake, None)).await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
    let figures = send(&h.router, api("GET", "/metrics", &admin, None)).await;
    assert_eq!(figures.status, StatusCode::OK);
    for name in [
        "durable_http_request_duration_seconds_bucket{",
        "route=\"/api/v1/patients/{id}\"",
        "durable_db_pool_connections",
        "durable_db_write_wait_seconds_total",
    ] {
        assert!(figures.body.contains(name), "{name} in:\n{}", figures.body);
    }
    // A scraper at a configured address needs no token; another address does.
    let config = durable_web::WebConfig {
        metrics_addresses: vec!["10.9.9.9".parse().unwrap()],
        ..durable_web::WebConfig::default()
    };
    let router = durable_web::router(h.app.clone(), config);
    for (address, expected) in [
        ("10.9.9.9:4000", StatusCode::OK),
        ("10.9.9.8:4000", StatusCode::UNAUTHORIZED),
    ] {
        let mut request = Request::get("/metrics").body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(address.parse::<SocketAddr>().unwrap()));
        assert_eq!(send(&router, request).await.status, expected, "{address}");
    }
}

#[tokio::test]
async fn pages_keep_patient_data_out_of_the_browsers_history_cache() {
    let h = harness(every_backend().await.remove(0)).await;
    let cookies = login(&h.router, Role::Intake).await;
    let full = send(&h.router, page("GET", "/patients?q=obr", &cookies, "")).await;
    assert!(full.body.contains("\"historyCacheSize\": 0"));
    assert!(full.body.contains("<body hx-history=\"false\">"));
    let vary = full
        .headers
        .get_all(header::VARY)
        .iter()
        .any(|v| v.to_str().unwrap().contains("HX-Request"));
    assert!(vary, "{:?}", full.headers);

    let fragment = Request::get("/patients?q=obr")
        .header(header::COOKIE, &cookies)
        .header("HX-Request", "true")
        .body(Body::empty())
        .unwrap();
    let fragment = send(&h.router, fragment).await;
    assert!(
        !fragment.body.contains("<html"),
        "typing gets the results only"
    );
    let restore = Request::get("/patients?q=obr")
        .header(header::COOKIE, &cookies)
        .header("HX-Request", "true")
        .header("HX-History-Restore-Request", "true")
        .body(Body::empty())
        .unwrap();
    let restore = send(&h.router, restore).await;
    assert!(
        restore.body.contains("<html"),
        "history restore gets the whole page"
    );
}

#[tokio::test]
async fn the_openapi_document_declares_every_parameter_and_error_answer() {
    let h = harness(every_backend().await.remove(0)).await;
    let served = send(
        &h.router,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let doc = served.json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let templated: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let in_path: Vec<&str> = parameters
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let mut expected = templated.clone();
            let mut declared = in_path.clone();
            expected.sort_unstable();
            declared.sort_unstable();
            assert_eq!(declared, expected, "{method} {path}: path parameters");
            for status in ["400", "401", "403"] {
                assert!(
                    operation["responses"].get(status).is_some(),
                    "{method} {path}: {status}"
                );
            }
            if operation.get("requestBody").is_some() {
                for status in ["415", "422"] {
                    assert!(
                        operation["responses"].get(status).is_some(),
                        "{method} {path}: {status}"
                    );
                }
            }
        }
    }
    assert!(operations > 70, "{operations} operations");
    // Query parameters are query parameters.
    let list = &doc["paths"]["/api/v1/patients"]["get"]["parameters"];
    assert!(
        list.as_array().unwrap().iter().all(|p| p["in"] == "query"),
        "{list}"
    );
}

/// Serves `app` on a free local port with `config`; the task ends with the test.
async fn serving(app: durable_app::App, config: durable_web::WebConfig) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(durable_web::serve(listener, app, config));
    address
}

async fn half_sent_request(address: SocketAddr) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: durable\r\n")
        .await
        .unwrap();
    stream
}

async fn health_answer(address: SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: durable\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_connections_are_limited() {
    use std::time::Duration;
    use tokio::io::AsyncReadExt;
    let h = harness(every_backend().await.remove(0)).await;
    let address = serving(
        h.app.clone(),
        durable_web::WebConfig {
            header_read_timeout: Duration::from_millis(300),
            ..durable_web::WebConfig::default()
        },
    )
    .await;
    let mut slow = half_sent_request(address).await;
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(
        closed.is_ok(),
        "a half-sent request is closed after the header timeout"
    );

    let address = serving(
        h.app.clone(),
        durable_web::WebConfig {
            max_connections: 2,
            ..durable_web::WebConfig::default()
        },
    )
    .await;
    let first = half_sent_request(address).await;
    let second = half_sent_request(address).await;
    let waiting = tokio::spawn(health_answer(address));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection waits for a free slot"
    );
    drop((first, second));
    let answer = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

//! The login form and logging out.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use durable_app::{AppError, auth};
use serde::Deserialize;

use super::{error_page, render};
use crate::AppState;
use crate::security::cookie;
use crate::session::{ClientSource, Csrf, PageActor, SESSION_COOKIE};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    username: String,
    error: String,
}

async fn login_page(Csrf(csrf): Csrf) -> Response {
    render(
        &LoginPage {
            csrf,
            username: String::new(),
            error: String::new(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(state): State<AppState>,
    Csrf(csrf): Csrf,
    ClientSource(source): ClientSource,
    Form(form): Form<LoginForm>,
) -> Response {
    match auth::login(&state.app, &form.username, &form.password, &source).await {
        Ok(done) => {
            let mut response = Redirect::to("/").into_response();
            let session = cookie(
                SESSION_COOKIE,
                done.session_secret,
                state.config.secure_cookies,
            );
            if let Ok(value) = HeaderValue::from_str(&session.to_string()) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(AppError::Unauthenticated(message)) => render(
            &LoginPage {
                csrf,
                username: form.username,
                error: message,
            },
            StatusCode::UNAUTHORIZED,
        ),
        Err(err) => error_page(err, None),
    }
}

async fn logout(State(state): State<AppState>, page: PageActor) -> Response {
    if let Err(err) = auth::logout(&state.app, &page.session, &page.actor).await {
        return error_page(err, None);
    }
    let mut response = Redirect::to("/login").into_response();
    let mut expired = cookie(SESSION_COOKIE, String::new(), state.config.secure_cookies);
    expired.make_removal();
    if let Ok(value) = HeaderValue::from_str(&expired.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

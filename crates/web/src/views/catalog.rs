//! HCPCS code and product pages.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use durable_app::catalog::{self, AccessoryForm, HcpcsDetail, HcpcsView, ProductForm, ProductView};
use durable_app::inventory::{self, ProductSettingsView};
use durable_app::{AppError, Permission};
use durable_domain::catalog::PaymentCategory;
use durable_domain::ids::ProductId;
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog/hcpcs", get(hcpcs_list))
        .route("/catalog/hcpcs/{code}", get(hcpcs_page))
        .route("/catalog/hcpcs/{code}/category", post(set_category))
        .route("/products", get(products).post(create_product))
        .route("/products/new", get(new_product))
        .route("/products/{id}", get(show_product).post(update_product))
        .route("/products/{id}/edit", get(edit_product))
}

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "crate::paging::offset")]
    offset: u64,
}

#[derive(Template)]
#[template(path = "catalog/hcpcs_list.html")]
struct HcpcsList {
    layout: Layout,
    q: String,
    items: Vec<HcpcsView>,
    next: Option<u64>,
}

async fn hcpcs_list(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<ListParams>,
) -> Response {
    let layout = Layout::new(&page, "HCPCS codes", "/catalog/hcpcs");
    match catalog::search_hcpcs(&state.app, &page.actor, &params.q, params.offset).await {
        Ok((items, next)) => render(
            &HcpcsList {
                layout,
                q: params.q,
                items,
                next,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "catalog/hcpcs.html")]
struct HcpcsPage {
    layout: Layout,
    detail: HcpcsDetail,
    can_edit: bool,
    categories: Vec<&'static str>,
    error: String,
}

async fn show_code(state: &AppState, page: &PageActor, code: &str, error: String) -> Response {
    let layout = Layout::new(page, code.to_owned(), "/catalog/hcpcs");
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match catalog::hcpcs_detail(&state.app, &page.actor, code).await {
        Ok(detail) => render(
            &HcpcsPage {
                layout,
                detail,
                can_edit: page.actor.can(Permission::CatalogWrite),
                categories: PaymentCategory::all()
                    .map(PaymentCategory::as_str)
                    .collect(),
                error,
            },
            status,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn hcpcs_page(
    State(state): State<AppState>,
    page: PageActor,
    Path(code): Path<String>,
) -> Response {
    show_code(&state, &page, &code, String::new()).await
}

#[derive(Deserialize)]
struct CategoryForm {
    #[serde(default)]
    payment_category: String,
}

async fn set_category(
    State(state): State<AppState>,
    page: PageActor,
    Path(code): Path<String>,
    Form(form): Form<CategoryForm>,
) -> Response {
    match catalog::set_payment_category(&state.app, &page.actor, &code, &form.payment_category)
        .await
    {
        Ok(()) => Redirect::to(&format!(
            "/catalog/hcpcs/{}",
            code.trim().to_ascii_uppercase()
        ))
        .into_response(),
        Err(AppError::Invalid(errors)) => {
            let message = field_error(&errors, "payment_category").to_owned();
            show_code(&state, &page, &code, message).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "HCPCS", "/catalog/hcpcs"))),
    }
}

#[derive(Template)]
#[template(path = "catalog/products.html")]
struct ProductList {
    layout: Layout,
    q: String,
    items: Vec<ProductView>,
    next: Option<u64>,
    can_add: bool,
}

async fn products(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<ListParams>,
) -> Response {
    let layout = Layout::new(&page, "Products", "/products");
    match catalog::search_products(&state.app, &page.actor, &params.q, params.offset).await {
        Ok((items, next)) => render(
            &ProductList {
                layout,
                q: params.q,
                items,
                next,
                can_add: page.actor.can(Permission::ProductWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "catalog/product.html")]
struct ProductPage {
    layout: Layout,
    product: ProductView,
    can_edit: bool,
    /// Its inventory settings, for roles that read inventory.
    settings: Option<ProductSettingsView>,
    can_configure: bool,
}

async fn show_product(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ProductId>() else {
        return not_found("product", &page);
    };
    let layout = Layout::new(&page, "Product", "/products");
    let result = async {
        let product = catalog::product(&state.app, &page.actor, id).await?;
        let settings = if page.actor.can(Permission::InventoryRead) {
            Some(inventory::product_settings(&state.app, &page.actor, id).await?)
        } else {
            None
        };
        Ok::<_, AppError>((product, settings))
    }
    .await;
    match result {
        Ok((product, settings)) => render(
            &ProductPage {
                layout,
                product,
                can_edit: page.actor.can(Permission::ProductWrite),
                settings,
                can_configure: page.actor.can(Permission::PurchasingWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

/// Accessory rows the form offers.
const ACCESSORY_SLOTS: usize = 6;

/// The product form as a browser posts it: accessories come as numbered `accessory_N` and
/// `quantity_N` fields, which the page folds into the app's list.
#[derive(Deserialize, Default)]
struct ProductPageForm {
    #[serde(flatten)]
    form: ProductForm,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

impl ProductPageForm {
    fn into_form(self) -> ProductForm {
        let accessories = (1..=ACCESSORY_SLOTS)
            .filter_map(|slot| {
                let product_id = self.rest.get(&format!("accessory_{slot}"))?.trim();
                (!product_id.is_empty()).then(|| AccessoryForm {
                    product_id: product_id.to_owned(),
                    quantity: self.rest.get(&format!("quantity_{slot}")).cloned(),
                })
            })
            .collect();
        ProductForm {
            accessories,
            ..self.form
        }
    }
}

#[derive(Template)]
#[template(path = "catalog/product_form.html")]
struct ProductFormPage {
    layout: Layout,
    action: String,
    form: ProductForm,
    errors: FieldErrors,
    choices: Vec<ProductView>,
    slots: Vec<(String, String)>,
}

impl ProductFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

/// Renders the product form with the products that can be picked as accessories.
async fn product_form(
    state: &AppState,
    page: &PageActor,
    action: String,
    form: ProductForm,
    errors: FieldErrors,
) -> Response {
    let layout = Layout::new(page, "Product", "/products");
    let choices = match catalog::product_choices(&state.app, &page.actor).await {
        Ok(choices) => choices,
        Err(err) => return error_page(err, Some(layout)),
    };
    let mut slots: Vec<(String, String)> = form
        .accessories
        .iter()
        .map(|a| (a.product_id.clone(), a.quantity.clone().unwrap_or_default()))
        .collect();
    slots.resize(
        ACCESSORY_SLOTS.max(slots.len()),
        (String::new(), String::new()),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &ProductFormPage {
            layout,
            action,
            form,
            errors,
            choices,
            slots,
        },
        status,
    )
}

async fn new_product(State(state): State<AppState>, page: PageActor) -> Response {
    if let Err(err) = page.actor.require(Permission::ProductWrite) {
        return error_page(err, Some(Layout::new(&page, "Product", "/products")));
    }
    product_form(
        &state,
        &page,
        "/products".into(),
        ProductForm::default(),
        FieldErrors::new(),
    )
    .await
}

async fn create_product(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<ProductPageForm>,
) -> Response {
    let form = form.into_form();
    match catalog::add_product(&state.app, &page.actor, &form).await {
        Ok(id) => Redirect::to(&format!("/products/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            product_form(&state, &page, "/products".into(), form, errors).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Product", "/products"))),
    }
}

async fn edit_product(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ProductId>() else {
        return not_found("product", &page);
    };
    if let Err(err) = page.actor.require(Permission::ProductWrite) {
        return error_page(err, Some(Layout::new(&page, "Product", "/products")));
    }
    match catalog::product(&state.app, &page.actor, id).await {
        Ok(product) => {
            product_form(
                &state,
                &page,
                format!("/products/{id}"),
                ProductForm::from(product),
                FieldErrors::new(),
            )
            .await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Product", "/products"))),
    }
}

async fn update_product(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<ProductPageForm>,
) -> Response {
    let Ok(id) = id.parse::<ProductId>() else {
        return not_found("product", &page);
    };
    let form = form.into_form();
    match catalog::update_product(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/products/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            product_form(&state, &page, format!("/products/{id}"), form, errors).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Product", "/products"))),
    }
}

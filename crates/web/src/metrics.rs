//! `/metrics` in the Prometheus text format: request latency by route, and the store's pool,
//! write-turn waits and checkpoint lag. Open to an API token whose role may read the server's
//! figures, or without a token to the addresses configured for a scraper.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use durable_app::{App, AppError, Permission};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiActor;

/// The exposition format's content type.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// Latency buckets from 0.5 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

/// The figures the web layer keeps itself.
#[derive(Debug)]
pub(crate) struct Metrics {
    requests: LatencyFamily,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Family::new_with_constructor(latency_histogram),
        }
    }
}

impl Metrics {
    /// Counts one answered request of `route` (the route's pattern, never the path itself,
    /// which may hold ids).
    pub(crate) fn record_request(
        &self,
        method: &str,
        route: &str,
        status: StatusCode,
        took: Duration,
    ) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status: status.as_u16(),
            })
            .observe(took.as_secs_f64());
    }
}

/// The store's figures, read at each scrape.
#[derive(Debug)]
struct StoreCollector(App);

impl Collector for StoreCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let figures = self.0.store.figures();
        let gauge = |encoder: &mut DescriptorEncoder, name, help, value: f64| {
            let metric = ConstGauge::new(value);
            metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
        };
        gauge(
            &mut encoder,
            "durable_db_pool_connections",
            "Open database connections in the pool.",
            f64::from(figures.pool_connections),
        )?;
        gauge(
            &mut encoder,
            "durable_db_pool_idle_connections",
            "Pooled database connections not running a query.",
            f64::from(figures.pool_idle),
        )?;
        if let Some(since) = figures.since_checkpoint {
            gauge(
                &mut encoder,
                "durable_db_checkpoint_lag_seconds",
                "Seconds since the SQLite write-ahead log was last checkpointed.",
                since.as_secs_f64(),
            )?;
        }
        let waits = ConstCounter::new(figures.write_waits);
        waits.encode(encoder.encode_descriptor(
            "durable_db_write_transactions",
            "Write transactions begun.",
            None,
            waits.metric_type(),
        )?)?;
        let waited = ConstCounter::new(figures.write_wait_total.as_secs_f64());
        waited.encode(encoder.encode_descriptor(
            "durable_db_write_wait_seconds",
            "Total time writers waited for their turn and a connection.",
            None,
            waited.metric_type(),
        )?)?;
        Ok(())
    }
}

async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let from_scraper = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| state.config.metrics_addresses.contains(&addr.ip()));
    if !from_scraper {
        let actor = match ApiActor::from_request_parts(&mut parts, &state).await {
            Ok(ApiActor(actor)) => actor,
            Err(refused) => return refused,
        };
        if let Err(err) = actor.require(Permission::ServerMonitor) {
            return ApiError(err).into_response();
        }
    }
    let mut registry = Registry::default();
    registry.register(
        "durable_http_request_duration_seconds",
        "Time to answer a request, by method, route and status.",
        state.metrics.requests.clone(),
    );
    registry.register_collector(Box::new(StoreCollector(state.app.clone())));
    let mut text = String::new();
    match prometheus_client::encoding::text::encode(&mut text, &registry) {
        Ok(()) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(err) => {
            ApiError(AppError::Internal(format!("writing the metrics: {err}"))).into_response()
        }
    }
}

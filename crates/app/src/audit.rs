//! Writing and reading the audit trail. Every use case that reads or changes patient data
//! records an event through `record`, inside its own transaction.

use durable_domain::clock::Clock;
use durable_domain::ids::PatientId;
use durable_store::audit::{self as store_audit, Filter, NewEvent};
use durable_store::{Db, Store};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult, Permission};

/// An event about to be recorded.
#[derive(Clone, Debug)]
pub struct Audit {
    action: &'static str,
    entity_type: &'static str,
    entity_id: Option<String>,
    patients: Vec<Uuid>,
    detail: serde_json::Value,
}

impl Audit {
    /// `action` on the record `entity_type`/`entity_id`.
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: Uuid) -> Audit {
        Audit::about(action, entity_type, Some(entity_id))
    }

    /// `action` on a record that may not exist (a search, a logout without a user).
    pub fn about(
        action: &'static str,
        entity_type: &'static str,
        entity_id: Option<Uuid>,
    ) -> Audit {
        Audit {
            action,
            entity_type,
            entity_id: entity_id.map(|id| id.to_string()),
            patients: Vec::new(),
            detail: serde_json::json!({}),
        }
    }

    /// Names the patients whose data this event read or changed.
    pub fn patients(mut self, patients: impl IntoIterator<Item = PatientId>) -> Audit {
        self.patients
            .extend(patients.into_iter().map(|p| p.as_uuid()));
        self
    }

    /// Adds details (never secrets).
    pub fn detail(mut self, detail: serde_json::Value) -> Audit {
        self.detail = detail;
        self
    }
}

fn new_event(clock: &Clock, actor: &Actor, event: Audit) -> NewEvent {
    NewEvent {
        occurred_at: clock.now(),
        actor_user_id: actor.user_id.map(|id| id.as_uuid()),
        actor_name: actor.username.clone(),
        actor_role: actor.role.as_str().to_owned(),
        action: event.action.to_owned(),
        entity_type: event.entity_type.to_owned(),
        entity_id: event.entity_id,
        detail: event.detail.to_string(),
        source: actor.source.clone(),
        patients: event.patients,
    }
}

/// Appends `event` by `actor` inside the caller's transaction.
pub async fn record(db: &impl Db, clock: &Clock, actor: &Actor, event: Audit) -> AppResult<()> {
    store_audit::append(db, new_event(clock, actor, event)).await?;
    Ok(())
}

/// Records a read of patient data after the read itself (ADR 0001); the caller returns the
/// data only once this succeeds.
pub async fn record_read(app: &App, actor: &Actor, event: Audit) -> AppResult<()> {
    app.audit.append(new_event(&app.clock, actor, event)).await
}

/// The most read events committed together: enough to absorb a burst of concurrent requests.
const BATCH: usize = 256;

/// Appends the audit events of reads for many concurrent requests in one transaction (group
/// commit): one head update, multi-row inserts and one commit per batch instead of per request,
/// which keeps searches fast under load. Each request still waits until its own event is committed.
#[derive(Clone, Debug)]
pub struct AuditWriter {
    queue: mpsc::Sender<Pending>,
}

#[derive(Debug)]
struct Pending {
    event: NewEvent,
    done: oneshot::Sender<Result<(), String>>,
}

impl AuditWriter {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(store: Store) -> AuditWriter {
        let (queue, requests) = mpsc::channel(4 * BATCH);
        tokio::spawn(write_batches(store, requests));
        AuditWriter { queue }
    }

    async fn append(&self, event: NewEvent) -> AppResult<()> {
        let (done, committed) = oneshot::channel();
        let stopped = || AppError::Internal("the audit writer has stopped".into());
        self.queue
            .send(Pending { event, done })
            .await
            .map_err(|_| stopped())?;
        committed
            .await
            .map_err(|_| stopped())?
            .map_err(AppError::Internal)
    }
}

/// Events appended before the writer brings the per-patient index up to date.
const INDEX_EVERY: usize = 2_000;
/// A quiet spell after which the writer indexes whatever is pending.
const INDEX_WHEN_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

async fn write_batches(store: Store, mut requests: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut since_index = 0usize;
    loop {
        match tokio::time::timeout(INDEX_WHEN_IDLE, requests.recv_many(&mut batch, BATCH)).await {
            Ok(0) => break,
            Ok(_) => {}
            Err(_idle) => {
                since_index = 0;
                index_if_pending(&store).await;
                continue;
            }
        }
        since_index += batch.len();
        let (events, acks): (Vec<NewEvent>, Vec<_>) =
            batch.drain(..).map(|p| (p.event, p.done)).unzip();
        let result = async {
            let tx = store.begin_write().await?;
            store_audit::append_many(tx.conn(), events).await?;
            tx.commit().await
        }
        .await
        .map_err(|err| err.to_string());
        for ack in acks {
            // A request that gave up waiting no longer needs its answer.
            let _ = ack.send(result.clone());
        }
        if since_index >= INDEX_EVERY {
            since_index = 0;
            index_if_pending(&store).await;
        }
    }
}

/// Brings the per-patient index up to date; a failure is logged and retried next time.
async fn index_if_pending(store: &Store) {
    let result = async {
        if store_audit::pending(store.conn()).await? == 0 {
            return Ok(());
        }
        let tx = store.begin_write().await?;
        store_audit::index_pending(tx.conn()).await?;
        tx.commit().await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(%err, "indexing the audit trail by patient failed; will retry");
    }
}

/// One event as the compliance page and API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// Position in the chain.
    pub seq: i64,
    /// When it happened (UTC, RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// Who acted.
    pub actor: String,
    /// Their role then.
    pub role: String,
    /// What they did.
    pub action: String,
    /// The kind of record.
    pub entity_type: String,
    /// The record.
    pub entity_id: Option<String>,
    /// The patients whose data was read or changed.
    pub patients: Vec<Uuid>,
    /// Where from.
    pub source: String,
    /// Details (JSON).
    pub detail: String,
}

/// What the compliance officer searches by.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Events naming this patient.
    pub patient_id: Option<PatientId>,
    /// Events by this user.
    pub username: Option<String>,
    /// From this date (inclusive, UTC).
    pub from: Option<Date>,
    /// To this date (inclusive, UTC).
    pub to: Option<Date>,
    /// Older than this sequence number (paging).
    pub before_seq: Option<i64>,
}

/// The page size of audit searches.
pub const PAGE: u64 = 100;

/// Searches the trail, newest first. Reading the trail is itself recorded.
pub async fn search(app: &App, actor: &Actor, query: &AuditQuery) -> AppResult<Vec<EventView>> {
    actor.require(Permission::AuditRead)?;
    let filter = Filter {
        patient_id: query.patient_id.map(|p| p.as_uuid()),
        actor_name: query.username.clone(),
        from: query.from.map(|d| d.midnight().assume_utc()),
        until: query
            .to
            .and_then(|d| d.next_day())
            .map(|d| d.midnight().assume_utc()),
        before_seq: query.before_seq,
    };
    if filter.patient_id.is_some() {
        // The per-patient index trails the chain by up to a second; complete it first.
        let tx = app.store.begin_write().await?;
        store_audit::index_pending(tx.conn()).await?;
        tx.commit().await?;
    }
    let events = store_audit::search(app.store.conn(), &filter, PAGE).await?;
    record_read(
        app,
        actor,
        Audit::about("audit.search", "audit", None)
            .patients(query.patient_id)
            .detail(serde_json::json!({
                "user": query.username,
                "from": query.from.map(|d| d.to_string()),
                "to": query.to.map(|d| d.to_string()),
            })),
    )
    .await?;
    Ok(events
        .into_iter()
        .map(|event| EventView {
            seq: event.row.seq,
            occurred_at: event.row.occurred_at,
            actor: event.row.actor_name,
            role: event.row.actor_role,
            action: event.row.action,
            entity_type: event.row.entity_type,
            entity_id: event.row.entity_id,
            patients: event.patients,
            source: event.row.source,
            detail: event.row.detail,
        })
        .collect())
}

/// Checks the whole chain (`durable audit verify`).
pub async fn verify(app: &App, actor: &Actor) -> AppResult<store_audit::Verification> {
    actor.require(Permission::AuditRead)?;
    Ok(store_audit::verify(app.store.conn()).await?)
}

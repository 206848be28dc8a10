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
        tokio::spawn(write_batches(store.clone(), requests));
        tokio::spawn(index_in_background(store));
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

async fn write_batches(store: Store, mut requests: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    while requests.recv_many(&mut batch, BATCH).await > 0 {
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
    }
}

/// How often the indexer looks for events to add to the per-patient index.
const INDEX_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);
/// Events read per indexing run (bounds memory).
const INDEX_RUN: i64 = 20_000;
/// Links inserted per write transaction. The links are sorted by patient, so each transaction
/// touches one narrow stretch of the index and holds the write lock for a few milliseconds;
/// the whole run still writes each index page about once.
const LINKS_PER_WRITE: usize = 1_000;

/// Keeps the per-patient index of the audit trail close behind the chain.
async fn index_in_background(store: Store) {
    let mut tick = tokio::time::interval(INDEX_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = index_all(&store, Pace::Background).await {
            tracing::warn!(%err, "indexing the audit trail by patient failed; will retry");
        }
    }
}

/// How indexing shares the machine with requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pace {
    /// After each write transaction, rest as long as it took: at most half of the write turn
    /// and of a core, so requests do not queue behind a run (a burst of a second every two
    /// seconds under load otherwise; docs/benchmarks.md).
    Background,
    /// Someone is waiting for the index (a compliance search by patient).
    AtOnce,
}

/// Indexes the events appended before the call. Events appended meanwhile wait for the next
/// run: chasing them under load would keep the indexer writing without pause, a commit every
/// few events, and halve the throughput of every audited read (docs/benchmarks.md).
async fn index_all(store: &Store, pace: Pace) -> Result<(), durable_store::StoreError> {
    let started = std::time::Instant::now();
    let (mut indexed, target) = store_audit::unindexed(store.conn()).await?;
    let (first, mut links_added) = (indexed, 0);
    while indexed < target {
        let upto = std::cmp::min(target, indexed.saturating_add(INDEX_RUN));
        let links = store_audit::links_between(store.conn(), indexed, upto).await?;
        links_added += links.len();
        let mut chunks = links.chunks(LINKS_PER_WRITE).peekable();
        loop {
            let tx = store.begin_write().await?;
            let turn_started = std::time::Instant::now();
            store_audit::insert_links(tx.conn(), chunks.next().unwrap_or_default()).await?;
            let last = chunks.peek().is_none();
            if last {
                store_audit::mark_indexed(tx.conn(), upto).await?;
            }
            tx.commit().await?;
            if last {
                break;
            }
            if pace == Pace::Background {
                tokio::time::sleep(turn_started.elapsed()).await;
            }
        }
        indexed = upto;
    }
    if indexed > first {
        tracing::debug!(
            events = indexed - first,
            links = links_added,
            elapsed_ms = started.elapsed().as_millis(),
            "indexed the audit trail by patient"
        );
    }
    Ok(())
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
        // The per-patient index trails the chain by a couple of seconds; complete it first.
        index_all(&app.store, Pace::AtOnce).await?;
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
    let snapshot = app.store.begin_read().await?;
    Ok(store_audit::verify(snapshot.conn()).await?)
}

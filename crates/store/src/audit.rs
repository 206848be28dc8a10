//! The append-only, hash-chained audit trail (HIPAA audit controls, 45 CFR 164.312(b)).
//!
//! Each event's hash covers its own fields, the patients it names and the previous event's hash,
//! so altering, inserting or deleting any row breaks the chain from that row on. The single
//! `audit_head` row holds the last sequence number and hash: appending updates it first, which
//! serialises appenders on both backends, and it lets `verify` notice a deleted tail.
//!
//! An event keeps the patients it names inline, so appending touches only the end of the table.
//! The per-patient index (`audit_event_patients`) is filled in sorted bulk (`links_between`, `insert_links`, `mark_indexed`):
//! inserting 25 random keys into a large index for every search would rewrite 25 pages per
//! request. Anything that searches by patient indexes the pending tail first, so it is complete.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{audit_event, audit_event_patient, audit_head};
use crate::{Db, StoreError, StoreResult};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom, to what; the store adds the sequence number and hashes.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// When it happened (UTC).
    pub occurred_at: OffsetDateTime,
    /// The acting user, if a person acted (`None` for the system itself).
    pub actor_user_id: Option<Uuid>,
    /// The actor's user name, kept even if the user is later renamed.
    pub actor_name: String,
    /// The actor's role at the time.
    pub actor_role: String,
    /// A stable verb such as `patient.view` or `patient.search`.
    pub action: String,
    /// The kind of record acted on.
    pub entity_type: String,
    /// The record acted on, when there is one.
    pub entity_id: Option<String>,
    /// A JSON object with details (which fields changed, the search's shape); never passwords.
    pub detail: String,
    /// Where the request came from (client address, or `cli`).
    pub source: String,
    /// Every patient whose data was read or changed.
    pub patients: Vec<Uuid>,
}

/// A stored audit event with the patients it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The row as stored.
    pub row: audit_event::Model,
    /// The patients it names, sorted.
    pub patients: Vec<Uuid>,
}

/// The hash over an event's content, the patients it names and its predecessor's hash.
fn event_hash(row: &audit_event::Model) -> String {
    let occurred = row
        .occurred_at
        .unix_timestamp_nanos()
        .div_euclid(1000)
        .to_string();
    let content = serde_json::json!([
        row.seq,
        occurred,
        row.actor_user_id.map(|id| id.to_string()),
        row.actor_name,
        row.actor_role,
        row.action,
        row.entity_type,
        row.entity_id,
        row.detail,
        row.source,
        row.patients,
        row.prev_hash,
    ]);
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// The inline patient list: sorted ids separated by spaces.
fn join_patients(patients: &[Uuid]) -> String {
    patients
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The ids in an inline patient list; `None` if the text was tampered into something else.
fn split_patients(text: &str) -> Option<Vec<Uuid>> {
    text.split_whitespace()
        .map(|id| Uuid::parse_str(id).ok())
        .collect()
}

/// Truncates to whole microseconds, the precision both backends store.
fn to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.unix_timestamp_nanos().div_euclid(1000);
    OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).unwrap_or(at)
}

async fn head(db: &impl Db) -> StoreResult<audit_head::Model> {
    audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Database("the audit head row is missing".into()))
}

/// Appends an event inside the caller's transaction and returns its sequence number.
pub async fn append(db: &impl Db, event: NewEvent) -> StoreResult<i64> {
    let seqs = append_many(db, vec![event]).await?;
    seqs.first()
        .copied()
        .ok_or_else(|| StoreError::Database("no audit sequence number was assigned".into()))
}

/// Appends events in order inside the caller's transaction, with one update of the head row
/// and multi-row inserts, and returns their sequence numbers.
pub async fn append_many(db: &impl Db, events: Vec<NewEvent>) -> StoreResult<Vec<i64>> {
    let count = i64::try_from(events.len())
        .map_err(|_| StoreError::Database("too many audit events in one batch".into()))?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // Take the head row's lock before reading it, so no other appender can read the same head.
    let bump = Query::update()
        .table(audit_head::Entity)
        .value(
            audit_head::Column::LastSeq,
            Expr::col(audit_head::Column::LastSeq).add(count),
        )
        .and_where(audit_head::Column::Id.eq(1))
        .to_owned();
    db.execute(&bump).await?;
    let head = head(db).await?;

    let mut prev_hash = head.last_hash;
    let mut rows = Vec::with_capacity(events.len());
    for (seq, event) in (head.last_seq - count + 1..).zip(events) {
        let mut patients = event.patients;
        patients.sort_unstable();
        patients.dedup();
        let mut row = audit_event::Model {
            seq,
            occurred_at: to_micros(event.occurred_at),
            actor_user_id: event.actor_user_id,
            actor_name: event.actor_name,
            actor_role: event.actor_role,
            action: event.action,
            entity_type: event.entity_type,
            entity_id: event.entity_id,
            detail: event.detail,
            source: event.source,
            patients: join_patients(&patients),
            prev_hash,
            hash: String::new(),
        };
        row.hash = event_hash(&row);
        prev_hash = row.hash.clone();
        rows.push(row);
    }
    let seqs: Vec<i64> = rows.iter().map(|row| row.seq).collect();
    for chunk in rows.chunks(500) {
        audit_event::Entity::insert_many(chunk.iter().cloned().map(audit_event::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    let set_hash = Query::update()
        .table(audit_head::Entity)
        .value(audit_head::Column::LastHash, prev_hash)
        .and_where(audit_head::Column::Id.eq(1))
        .to_owned();
    db.execute(&set_hash).await?;
    Ok(seqs)
}

/// The events the per-patient index does not cover yet: those after the first number, up to
/// and including the second (the last event appended).
pub async fn unindexed(db: &impl Db) -> StoreResult<(i64, i64)> {
    let head = head(db).await?;
    Ok((head.indexed_seq, head.last_seq))
}

/// Events read per query by `links_between`: each query is a read transaction of its own, and
/// a long one would hold back the WAL checkpoint that waits for readers (`checkpoint`).
const LINKS_READ: i64 = 1_000;

/// The links (patient, event) of the events after `after` up to and including `upto`, sorted
/// by patient. Read outside any write transaction.
pub async fn links_between(db: &impl Db, after: i64, upto: i64) -> StoreResult<Vec<(Uuid, i64)>> {
    let mut links: Vec<(Uuid, i64)> = Vec::new();
    let mut from = after;
    while from < upto {
        let to = std::cmp::min(upto, from.saturating_add(LINKS_READ));
        let rows: Vec<(i64, String)> = audit_event::Entity::find()
            .select_only()
            .column(audit_event::Column::Seq)
            .column(audit_event::Column::Patients)
            .filter(audit_event::Column::Seq.gt(from))
            .filter(audit_event::Column::Seq.lte(to))
            .into_tuple()
            .all(db)
            .await?;
        links.extend(rows.iter().flat_map(|(seq, text)| {
            split_patients(text)
                .unwrap_or_default()
                .into_iter()
                .map(move |patient| (patient, *seq))
        }));
        from = to;
    }
    links.sort_unstable();
    Ok(links)
}

/// Adds sorted links to the per-patient index; links already there are skipped, so a run that
/// stopped halfway can simply be repeated.
pub async fn insert_links(db: &impl Db, links: &[(Uuid, i64)]) -> StoreResult<()> {
    for chunk in links.chunks(2_000) {
        audit_event_patient::Entity::insert_many(chunk.iter().map(|(patient_id, seq)| {
            audit_event_patient::ActiveModel {
                patient_id: Set(*patient_id),
                seq: Set(*seq),
            }
        }))
        .on_conflict(
            OnConflict::columns([
                audit_event_patient::Column::PatientId,
                audit_event_patient::Column::Seq,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Records that every event up to `upto` is in the per-patient index.
pub async fn mark_indexed(db: &impl Db, upto: i64) -> StoreResult<()> {
    let set_indexed = Query::update()
        .table(audit_head::Entity)
        .value(audit_head::Column::IndexedSeq, upto)
        .and_where(audit_head::Column::Id.eq(1))
        .and_where(audit_head::Column::IndexedSeq.lt(upto))
        .to_owned();
    db.execute(&set_indexed).await?;
    Ok(())
}

/// Indexes up to `max_events` pending events inside the caller's write transaction (tests and
/// small catch-ups); answers how many were indexed.
pub async fn index_pending(db: &impl Db, max_events: i64) -> StoreResult<u64> {
    let (before, last) = unindexed(db).await?;
    let upto = std::cmp::min(last, before.saturating_add(std::cmp::max(max_events, 1)));
    insert_links(db, &links_between(db, before, upto).await?).await?;
    mark_indexed(db, upto).await?;
    Ok(u64::try_from(upto - before).unwrap_or(0))
}

/// The first problem `verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first bad (or missing) row.
    pub seq: i64,
    /// What is wrong with it.
    pub problem: String,
}

/// The outcome of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// How many events were checked.
    pub checked: u64,
    /// The first break, or `None` when the chain is intact.
    pub first_break: Option<ChainBreak>,
}

const VERIFY_BATCH: i64 = 5_000;
/// Patients asked about per query when checking a batch's links (bind-parameter limits).
const PATIENTS_PER_LOOKUP: usize = 500;

/// Recomputes every hash in order, checks the chain against the head row, and checks that the
/// per-patient index holds exactly the patients each indexed event names.
pub async fn verify(db: &impl Db) -> StoreResult<Verification> {
    let head = head(db).await?;
    let walk = walk_chain(db, &head).await?;
    // The walk finds missing links and links to patients named elsewhere in the same batch; a
    // link naming a patient no event of its batch names shows only in the count.
    if count_links(db, walk.links_upto).await? != walk.links_expected {
        // Every expected link was found, so the index holds more than its rows name.
        let seq = first_stray_link(db, walk.links_upto)
            .await?
            .unwrap_or(walk.links_upto);
        return Ok(Verification {
            checked: u64::try_from(seq - 1).unwrap_or(0),
            first_break: Some(ChainBreak {
                seq,
                problem: "the patient index links it to a patient it does not name (altered)"
                    .to_owned(),
            }),
        });
    }
    Ok(walk.verification)
}

/// What walking the chain in order found.
struct Walk {
    verification: Verification,
    /// The links the events up to `links_upto` name; each of them was found in the index.
    links_expected: u64,
    /// The last event whose links were checked.
    links_upto: i64,
}

async fn walk_chain(db: &impl Db, head: &audit_head::Model) -> StoreResult<Walk> {
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut checked = 0u64;
    let mut links_expected = 0u64;
    // `walked`: the last row checked before the break.
    let broken = |checked, links_expected, walked: i64, seq: i64, problem: &str| {
        Ok(Walk {
            verification: Verification {
                checked,
                first_break: Some(ChainBreak {
                    seq,
                    problem: problem.to_owned(),
                }),
            },
            links_expected,
            links_upto: std::cmp::min(walked, head.indexed_seq),
        })
    };
    loop {
        let rows = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(VERIFY_BATCH as u64)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        let mut links = batch_links(db, &rows, std::cmp::min(last.seq, head.indexed_seq)).await?;
        for row in &rows {
            if row.seq != expected_seq {
                return broken(
                    checked,
                    links_expected,
                    expected_seq - 1,
                    expected_seq,
                    "this row is missing (deleted)",
                );
            }
            if row.prev_hash != prev_hash {
                return broken(
                    checked,
                    links_expected,
                    expected_seq - 1,
                    row.seq,
                    "its link to the previous row does not match",
                );
            }
            if event_hash(row) != row.hash {
                return broken(
                    checked,
                    links_expected,
                    expected_seq - 1,
                    row.seq,
                    "its content does not match its hash (altered)",
                );
            }
            // Rows past the head's `indexed_seq` may be indexed meanwhile by a running server.
            if row.seq <= head.indexed_seq {
                let named = split_patients(&row.patients).unwrap_or_default();
                if links.remove(&row.seq).unwrap_or_default() != named {
                    return broken(
                        checked,
                        links_expected,
                        expected_seq - 1,
                        row.seq,
                        "the patient index does not match the patients it names (altered)",
                    );
                }
                links_expected += named.len() as u64;
            }
            prev_hash = row.hash.clone();
            expected_seq += 1;
            checked += 1;
        }
    }
    let last_seq = expected_seq - 1;
    if head.last_seq > last_seq {
        return broken(
            checked,
            links_expected,
            last_seq,
            last_seq + 1,
            "this row is missing (deleted)",
        );
    }
    if head.last_seq < last_seq || head.last_hash != prev_hash {
        return broken(
            checked,
            links_expected,
            last_seq,
            std::cmp::max(head.last_seq, 1),
            "the chain's head does not match its last row",
        );
    }
    Ok(Walk {
        verification: Verification {
            checked,
            first_break: None,
        },
        links_expected,
        links_upto: std::cmp::min(last_seq, head.indexed_seq),
    })
}

/// The index's links, by event and sorted, of the patients that `rows` up to `upto` name.
async fn batch_links(
    db: &impl Db,
    rows: &[audit_event::Model],
    upto: i64,
) -> StoreResult<std::collections::HashMap<i64, Vec<Uuid>>> {
    let mut by_event = std::collections::HashMap::<i64, Vec<Uuid>>::new();
    let Some(first) = rows.first().map(|row| row.seq).filter(|seq| *seq <= upto) else {
        return Ok(by_event);
    };
    let named: std::collections::BTreeSet<Uuid> = rows
        .iter()
        .filter(|row| row.seq <= upto)
        .flat_map(|row| split_patients(&row.patients).unwrap_or_default())
        .collect();
    let named: Vec<Uuid> = named.into_iter().collect();
    for patients in named.chunks(PATIENTS_PER_LOOKUP) {
        let links: Vec<(Uuid, i64)> = audit_event_patient::Entity::find()
            .select_only()
            .column(audit_event_patient::Column::PatientId)
            .column(audit_event_patient::Column::Seq)
            .filter(audit_event_patient::Column::PatientId.is_in(patients.iter().copied()))
            .filter(audit_event_patient::Column::Seq.between(first, upto))
            .into_tuple()
            .all(db)
            .await?;
        for (patient, seq) in links {
            by_event.entry(seq).or_default().push(patient);
        }
    }
    for patients in by_event.values_mut() {
        patients.sort_unstable();
    }
    Ok(by_event)
}

/// How many links the index holds for events up to `upto`.
async fn count_links(db: &impl Db, upto: i64) -> StoreResult<u64> {
    Ok(audit_event_patient::Entity::find()
        .filter(audit_event_patient::Column::Seq.lte(upto))
        .count(db)
        .await?)
}

/// The first event up to `upto` with a link to a patient it does not name (or a link to no
/// event at all). Reads the whole index in key order; `verify` asks only when the count is off.
async fn first_stray_link(db: &impl Db, upto: i64) -> StoreResult<Option<i64>> {
    let mut after: Option<(Uuid, i64)> = None;
    let mut first = None;
    loop {
        let mut page =
            audit_event_patient::Entity::find().filter(audit_event_patient::Column::Seq.lte(upto));
        if let Some((patient, seq)) = after {
            page = page.filter(
                sea_orm::Condition::any()
                    .add(audit_event_patient::Column::PatientId.gt(patient))
                    .add(
                        sea_orm::Condition::all()
                            .add(audit_event_patient::Column::PatientId.eq(patient))
                            .add(audit_event_patient::Column::Seq.gt(seq)),
                    ),
            );
        }
        let links = page
            .order_by_asc(audit_event_patient::Column::PatientId)
            .order_by_asc(audit_event_patient::Column::Seq)
            .limit(VERIFY_BATCH as u64)
            .all(db)
            .await?;
        let Some(last) = links.last() else { break };
        after = Some((last.patient_id, last.seq));
        let seqs: std::collections::BTreeSet<i64> = links.iter().map(|link| link.seq).collect();
        let named: std::collections::HashMap<i64, Vec<Uuid>> = audit_event::Entity::find()
            .select_only()
            .column(audit_event::Column::Seq)
            .column(audit_event::Column::Patients)
            .filter(audit_event::Column::Seq.is_in(seqs))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(seq, text)| (seq, split_patients(&text).unwrap_or_default()))
            .collect();
        let stray = links
            .iter()
            .filter(|link| {
                named
                    .get(&link.seq)
                    .is_none_or(|patients| !patients.contains(&link.patient_id))
            })
            .map(|link| link.seq)
            .min();
        first = first.into_iter().chain(stray).min();
    }
    Ok(first)
}

/// What the compliance officer filters the trail by.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only events naming this patient.
    pub patient_id: Option<Uuid>,
    /// Only events by this user name.
    pub actor_name: Option<String>,
    /// Only events at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Only events before this instant.
    pub until: Option<OffsetDateTime>,
    /// Only events with a sequence number below this (paging backwards).
    pub before_seq: Option<i64>,
}

/// Newest first, at most `limit` events matching `filter`. A patient filter sees only indexed
/// events: bring the index up to date first (`index_pending`, or the app's background indexer).
pub async fn search(db: &impl Db, filter: &Filter, limit: u64) -> StoreResult<Vec<Event>> {
    let mut query = audit_event::Entity::find();
    if let Some(patient_id) = filter.patient_id {
        let seqs = Query::select()
            .column(audit_event_patient::Column::Seq)
            .from(audit_event_patient::Entity)
            .and_where(audit_event_patient::Column::PatientId.eq(patient_id))
            .to_owned();
        query = query.filter(audit_event::Column::Seq.in_subquery(seqs));
    }
    if let Some(name) = &filter.actor_name {
        query = query.filter(audit_event::Column::ActorName.eq(name.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::OccurredAt.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::OccurredAt.lt(until));
    }
    if let Some(before) = filter.before_seq {
        query = query.filter(audit_event::Column::Seq.lt(before));
    }
    let rows = query
        .order_by_desc(audit_event::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Event {
            patients: split_patients(&row.patients).unwrap_or_default(),
            row,
        })
        .collect())
}

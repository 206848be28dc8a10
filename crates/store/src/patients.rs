//! Patients with their addresses, phones and diagnoses, and their insurance coverages.

use durable_domain::search::PatientQuery;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::directory::key_prefix;
use crate::entity::{coverage, patient, patient_address, patient_diagnosis, patient_phone};
use crate::rows::{Columns, FromColumns};
use crate::{Db, Store, StoreResult};

pub use crate::entity::coverage::Model as Coverage;
pub use crate::entity::patient::Model as Patient;
pub use crate::entity::patient_address::Model as Address;
pub use crate::entity::patient_diagnosis::Model as Diagnosis;
pub use crate::entity::patient_phone::Model as PhoneNumber;

/// A patient with everything recorded on the demographics form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientRecord {
    /// The patient row.
    pub patient: Patient,
    /// Home and delivery addresses.
    pub addresses: Vec<Address>,
    /// Phone numbers by kind.
    pub phones: Vec<PhoneNumber>,
    /// Diagnosis codes on file.
    pub diagnoses: Vec<Diagnosis>,
}

/// Rows per multi-row INSERT: well under both backends' bound-parameter limits.
const BATCH: usize = 1_000;

/// Inserts patients with their child rows in multi-row statements (intake and demo loads).
pub async fn insert(db: &impl Db, records: Vec<PatientRecord>) -> StoreResult<()> {
    let mut patients = Vec::with_capacity(records.len());
    let mut addresses = Vec::new();
    let mut phones = Vec::new();
    let mut diagnoses = Vec::new();
    for record in records {
        patients.push(record.patient);
        addresses.extend(record.addresses);
        phones.extend(record.phones);
        diagnoses.extend(record.diagnoses);
    }
    insert_children(db, patients, addresses, phones, diagnoses).await
}

async fn insert_children(
    db: &impl Db,
    patients: Vec<Patient>,
    addresses: Vec<Address>,
    phones: Vec<PhoneNumber>,
    diagnoses: Vec<Diagnosis>,
) -> StoreResult<()> {
    for chunk in patients.chunks(BATCH) {
        patient::Entity::insert_many(chunk.iter().cloned().map(patient::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    for chunk in addresses.chunks(BATCH) {
        patient_address::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(patient_address::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    for chunk in phones.chunks(BATCH) {
        patient_phone::Entity::insert_many(
            chunk.iter().cloned().map(patient_phone::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    for chunk in diagnoses.chunks(BATCH) {
        patient_diagnosis::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(patient_diagnosis::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Replaces a patient's demographics, addresses, phones and diagnoses.
pub async fn update(db: &impl Db, record: PatientRecord) -> StoreResult<()> {
    let id = record.patient.id;
    crate::replace(db, record.patient).await?;
    patient_address::Entity::delete_many()
        .filter(patient_address::Column::PatientId.eq(id))
        .exec(db)
        .await?;
    patient_phone::Entity::delete_many()
        .filter(patient_phone::Column::PatientId.eq(id))
        .exec(db)
        .await?;
    patient_diagnosis::Entity::delete_many()
        .filter(patient_diagnosis::Column::PatientId.eq(id))
        .exec(db)
        .await?;
    insert_children(
        db,
        Vec::new(),
        record.addresses,
        record.phones,
        record.diagnoses,
    )
    .await
}

/// One patient with their child rows.
pub async fn get(db: &impl Db, id: Uuid) -> StoreResult<Option<PatientRecord>> {
    let Some(patient) = patient::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let addresses = patient_address::Entity::find()
        .filter(patient_address::Column::PatientId.eq(id))
        .order_by_asc(patient_address::Column::Kind)
        .all(db)
        .await?;
    let phones = patient_phone::Entity::find()
        .filter(patient_phone::Column::PatientId.eq(id))
        .order_by_asc(patient_phone::Column::Kind)
        .all(db)
        .await?;
    let diagnoses = patient_diagnosis::Entity::find()
        .filter(patient_diagnosis::Column::PatientId.eq(id))
        .order_by_asc(patient_diagnosis::Column::AddedAt)
        .all(db)
        .await?;
    Ok(Some(PatientRecord {
        patient,
        addresses,
        phones,
        diagnoses,
    }))
}

/// The patient rows among `ids` (without child rows), in no particular order: names for lists
/// and queues in one query per thousand ids instead of one record per row.
pub async fn patients_by_id(db: &impl Db, ids: &[Uuid]) -> StoreResult<Vec<Patient>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BATCH) {
        rows.extend(
            patient::Entity::find()
                .filter(patient::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// The phone numbers of the patients among `ids`, by kind.
pub async fn phones_of(db: &impl Db, ids: &[Uuid]) -> StoreResult<Vec<PhoneNumber>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BATCH) {
        rows.extend(
            patient_phone::Entity::find()
                .filter(patient_phone::Column::PatientId.is_in(chunk.iter().copied()))
                .order_by_asc(patient_phone::Column::Kind)
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// Whether a patient exists.
pub async fn exists(db: &impl Db, id: Uuid) -> StoreResult<bool> {
    Ok(patient::Entity::find_by_id(id).count(db).await? > 0)
}

/// How many patients exist.
pub async fn count(db: &impl Db) -> StoreResult<u64> {
    Ok(patient::Entity::find().count(db).await?)
}

/// Patients with this exact name and date of birth (possible duplicates at intake).
pub async fn same_name_and_birth_date(
    db: &impl Db,
    family_key: &str,
    given_key: &str,
    birth_date: time::Date,
) -> StoreResult<Vec<Patient>> {
    Ok(patient::Entity::find()
        .filter(patient::Column::FamilyKey.eq(family_key))
        .filter(patient::Column::GivenKey.eq(given_key))
        .filter(patient::Column::BirthDate.eq(birth_date))
        .limit(20)
        .all(db)
        .await?)
}

/// One line of a patient list: who, born when, living where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// The patient's id.
    pub id: Uuid,
    /// Family name.
    pub family_name: String,
    /// Given name.
    pub given_name: String,
    /// Date of birth.
    pub birth_date: time::Date,
    /// Home city, if a home address is on file.
    pub city: Option<String>,
    /// Home state.
    pub state: Option<String>,
}

impl FromColumns for SummaryRow {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(SummaryRow {
            id: row.get("id")?,
            family_name: row.get("family_name")?,
            given_name: row.get("given_name")?,
            birth_date: row.get("birth_date")?,
            city: row.get("city")?,
            state: row.get("state")?,
        })
    }
}

/// Summary rows with the home address joined in, in one query (lists are on the hot path,
/// see `rows`).
async fn summaries(
    store: &Store,
    condition: Condition,
    order: &[(patient::Column, Order)],
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<SummaryRow>> {
    let mut select = Query::select();
    select
        .columns([
            (patient::Entity, patient::Column::Id),
            (patient::Entity, patient::Column::FamilyName),
            (patient::Entity, patient::Column::GivenName),
            (patient::Entity, patient::Column::BirthDate),
        ])
        .columns([
            (patient_address::Entity, patient_address::Column::City),
            (patient_address::Entity, patient_address::Column::State),
        ])
        .from(patient::Entity)
        .join(
            JoinType::LeftJoin,
            patient_address::Entity,
            Condition::all()
                .add(
                    Expr::col((patient_address::Entity, patient_address::Column::PatientId))
                        .equals((patient::Entity, patient::Column::Id)),
                )
                .add(
                    Expr::col((patient_address::Entity, patient_address::Column::Kind))
                        .eq(durable_domain::people::AddressKind::Home.as_str()),
                ),
        )
        .cond_where(condition)
        .offset(offset)
        .limit(limit);
    for (column, direction) in order {
        select.order_by((patient::Entity, *column), direction.clone());
    }
    store.fetch(&select).await
}

/// Patients matching a search, ordered by name.
pub async fn search(
    store: &Store,
    query: &PatientQuery,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<SummaryRow>> {
    let condition = match query {
        // One word: a family-name prefix, read in index order so the scan stops at the page end.
        PatientQuery::Name {
            first,
            second: None,
            ..
        } => key_prefix(patient::Column::FamilyKey, first),
        PatientQuery::Name {
            first,
            second: Some(second),
            ordered,
        } => {
            let family_first = Condition::all()
                .add(key_prefix(patient::Column::FamilyKey, first))
                .add(key_prefix(patient::Column::GivenKey, second));
            if *ordered {
                family_first
            } else {
                Condition::any().add(family_first).add(
                    Condition::all()
                        .add(key_prefix(patient::Column::FamilyKey, second))
                        .add(key_prefix(patient::Column::GivenKey, first)),
                )
            }
        }
        PatientQuery::BirthDate(date) => Condition::all().add(patient::Column::BirthDate.eq(*date)),
        PatientQuery::Mbi(mbi) => Condition::all().add(patient::Column::Mbi.eq(mbi.as_str())),
        PatientQuery::Phone(phone) => {
            let owners = Query::select()
                .column(patient_phone::Column::PatientId)
                .from(patient_phone::Entity)
                .and_where(patient_phone::Column::Number.eq(phone.as_str()))
                .to_owned();
            Condition::all().add(patient::Column::Id.in_subquery(owners))
        }
    };
    let by_name = [
        (patient::Column::FamilyKey, Order::Asc),
        (patient::Column::GivenKey, Order::Asc),
        (patient::Column::Id, Order::Asc),
    ];
    summaries(store, condition, &by_name, offset, limit).await
}

/// The newest patients (ids are UUIDv7, so id order is creation order).
pub async fn recently_added(store: &Store, limit: u64) -> StoreResult<Vec<SummaryRow>> {
    let newest = [(patient::Column::Id, Order::Desc)];
    summaries(store, Condition::all(), &newest, 0, limit).await
}

/// The ids of the patients not recorded as deceased, oldest first (the demo's equipment
/// generator hands units only to living patients).
pub async fn living_ids(db: &impl Db) -> StoreResult<Vec<Uuid>> {
    Ok(patient::Entity::find()
        .select_only()
        .column(patient::Column::Id)
        .filter(patient::Column::DeathDate.is_null())
        .order_by_asc(patient::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// Adds coverages.
pub async fn insert_coverages(db: &impl Db, rows: Vec<Coverage>) -> StoreResult<()> {
    for chunk in rows.chunks(BATCH) {
        coverage::Entity::insert_many(chunk.iter().cloned().map(coverage::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Replaces a coverage's fields.
pub async fn update_coverage(db: &impl Db, row: Coverage) -> StoreResult<()> {
    crate::replace(db, row).await?;
    Ok(())
}

/// One coverage.
pub async fn coverage(db: &impl Db, id: Uuid) -> StoreResult<Option<Coverage>> {
    Ok(coverage::Entity::find_by_id(id).one(db).await?)
}

/// A patient's coverages, primary first.
pub async fn coverages_of(db: &impl Db, patient_id: Uuid) -> StoreResult<Vec<Coverage>> {
    Ok(coverage::Entity::find()
        .filter(coverage::Column::PatientId.eq(patient_id))
        .order_by_asc(coverage::Column::Priority)
        .order_by_desc(coverage::Column::EffectiveDate)
        .all(db)
        .await?)
}

pub use crate::entity::eligibility_check::Model as EligibilityCheck;

/// Records an eligibility result for a coverage.
pub async fn insert_eligibility(db: &impl Db, row: EligibilityCheck) -> StoreResult<()> {
    crate::entity::eligibility_check::Entity::insert(
        crate::entity::eligibility_check::ActiveModel::from(row),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Eligibility results of several coverages, newest first.
pub async fn eligibility_of(
    db: &impl Db,
    coverage_ids: Vec<Uuid>,
) -> StoreResult<Vec<EligibilityCheck>> {
    use crate::entity::eligibility_check::{Column, Entity};
    Ok(Entity::find()
        .filter(Column::CoverageId.is_in(coverage_ids))
        .order_by_desc(Column::CheckedOn)
        .order_by_desc(Column::RecordedAt)
        .all(db)
        .await?)
}

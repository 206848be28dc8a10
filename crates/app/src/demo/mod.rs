//! The demo data set behind `durable demo --scale N`: a supplier with two locations, one user per
//! role, the four Medicare DME MACs and a few other payers, prescribers, referral sources and
//! `scale` fictional patients with their coverages, spread over every state and territory.
//!
//! The random choices are seeded, so a scale always yields the same people (ids aside). Rows are
//! built in memory and written in large chunks, a few thousand patients per transaction, so that
//! 100,000 patients load in seconds. The tables below are compact text read at load time; every
//! value goes through the same parsers as typed input, so the demo cannot store what intake
//! would refuse. Phone numbers are in the fictional 555-0100..0199 range and e-mail addresses use
//! the reserved example domains.

use std::collections::HashSet;
use std::fmt::Display;

use durable_domain::codes::{Email, Icd10Cm, Mbi, Npi, Phone, US_STATES, UsState, ZipCode};
use durable_domain::ids::{
    CoverageId, LocationId, PatientId, PayerId, PlanId, PrescriberId, ReferralSourceId, UserId,
};
use durable_domain::people::{
    AddressKind, CoveragePriority, PayerKind, PhoneKind, PreferredContact, ReferralSourceKind, Sex,
    SubscriberRelationship,
};
use durable_domain::role::Role;
use durable_domain::search::name_key;
use durable_store::Db;
use durable_store::directory::{self, Location, Payer, Plan, Prescriber, ReferralSource, Supplier};
use durable_store::patients::{
    self, Address, Coverage, Diagnosis, Patient, PatientRecord, PhoneNumber,
};
use durable_store::users::{self, User};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration, Month, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{Audit, record};
use crate::auth::hash_password;
use crate::{Actor, App, AppError, AppResult, Permission, catalog};

mod equipment;
mod orders;
mod people;
mod pricing;
mod tables;

use people::*;
use tables::*;

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "durable-demo";
/// How many patients `durable demo` creates unless told otherwise.
pub const DEFAULT_SCALE: u32 = 200;

/// Seeds the random choices, so a scale always gives the same data set.
const SEED: u64 = 0x00D0_2AB1_E000_0001;
/// Patients written per transaction: large enough to amortise the commit, small enough to keep
/// each write lock short and the memory of one batch modest.
const CHUNK: usize = 5_000;

/// The DME MAC of each state (CMS jurisdictions), shipped with the source.
const MAC_CSV: &str = include_str!("../../../../data/dme_mac_jurisdictions.csv");
/// The header `MAC_CSV` must start with.
const MAC_HEADER: &str = "state,dme_mac_jurisdiction,contractor,medicare_payer_id";

/// What the demo load created.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Patients created.
    pub patients: u64,
    /// Coverages created.
    pub coverages: u64,
    /// Prescribers created.
    pub prescribers: u64,
    /// Referral sources created.
    pub referral_sources: u64,
    /// Payers created.
    pub payers: u64,
    /// The user names to log in with (password `DEMO_PASSWORD`) and their roles.
    pub logins: Vec<(String, Role)>,
}

/// Loads the demo data set into an empty database (`durable demo --scale N`).
pub async fn load(app: &App, actor: &Actor, scale: u32) -> AppResult<DemoSummary> {
    actor.require(Permission::UserAdmin)?;
    if !is_empty(app).await? {
        return Err(not_empty());
    }
    let now = app.clock.now();
    let tables = Tables::read()?;
    let (payer_rows, plan_rows, payer_ids) = payers(now)?;
    let prescribers = prescribers(now)?;
    let sources = referral_sources(now, &prescribers)?;
    let (supplier, locations) = supplier()?;
    let users = demo_users(now).await?;

    let mut rng = StdRng::seed_from_u64(SEED);
    let outlines = outline(&mut rng, scale, &tables)?;
    let secondaries = outlines.iter().filter(|o| o.secondary.is_some()).count();
    let summary = DemoSummary {
        patients: outlines.len() as u64,
        coverages: (outlines.len() + secondaries) as u64,
        prescribers: prescribers.len() as u64,
        referral_sources: sources.len() as u64,
        payers: payer_rows.len() as u64,
        logins: USERS
            .iter()
            .map(|(name, _, role)| ((*name).to_owned(), *role))
            .collect(),
    };
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(SEED.rotate_left(17)),
        tables: &tables,
        payers: &payer_ids,
        now,
        today: app.clock.today(),
        mbis: HashSet::with_capacity(outlines.len()),
    };
    let mut chunks = outlines.chunks(CHUNK);
    let first = generator.batch(chunks.next().unwrap_or_default())?;

    let tx = app.store.begin_write().await?;
    // Checked again under the write lock: two loads started together must not both proceed.
    if users::count(tx.conn()).await? > 0 {
        return Err(not_empty());
    }
    for user in users {
        users::insert(tx.conn(), user).await?;
    }
    directory::insert_supplier(tx.conn(), supplier, locations).await?;
    directory::insert_payers(tx.conn(), payer_rows, plan_rows).await?;
    directory::insert_prescribers(tx.conn(), prescribers).await?;
    for (source, prescriber_ids) in sources {
        directory::insert_referral_source(tx.conn(), source, &prescriber_ids).await?;
    }
    let detail = serde_json::json!({
        "scale": scale,
        "patients": summary.patients,
        "coverages": summary.coverages,
        "prescribers": summary.prescribers,
        "referral_sources": summary.referral_sources,
        "payers": summary.payers,
        "users": summary.logins.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
    });
    let event = Audit::about("demo.load", "supplier", None).detail(detail);
    record(tx.conn(), &app.clock, actor, event).await?;
    insert_batch(tx.conn(), first).await?;
    tx.commit().await?;

    for chunk in chunks {
        // Built before the write lock is taken, so the lock is held only for the inserts.
        let batch = generator.batch(chunk)?;
        let tx = app.store.begin_write().await?;
        insert_batch(tx.conn(), batch).await?;
        tx.commit().await?;
    }
    catalog::ensure_bundled_hcpcs(app).await?;
    orders::load(app, summary.patients).await?;
    pricing::load(app).await?;
    equipment::load(app, summary.patients).await?;
    Ok(summary)
}

/// Whether the database holds no data yet (no user), so the demo may load.
pub async fn is_empty(app: &App) -> AppResult<bool> {
    Ok(users::count(app.store.conn()).await? == 0)
}

/// The refusal when the database is not empty.
fn not_empty() -> AppError {
    AppError::Conflict(
        "The database already holds data; the demo loads only into an empty database.".into(),
    )
}

/// A broken demo table or generator: a bug in this module, never the user's doing.
fn internal(what: impl Display) -> AppError {
    AppError::Internal(format!("demo data: {what}"))
}

/// Writes one batch of patients and their coverages.
async fn insert_batch(db: &impl Db, (records, coverages): Batch) -> AppResult<()> {
    patients::insert(db, records).await?;
    patients::insert_coverages(db, coverages).await?;
    Ok(())
}

/// The demo users: user name, display name, role.
const USERS: [(&str, &str, Role); 6] = [
    ("admin", "Dana Whitfield", Role::Admin),
    ("intake", "Maria Gonzalez", Role::Intake),
    ("tech", "Tyrone Mitchell", Role::Technician),
    ("billing", "Karen Schultz", Role::Billing),
    ("sales", "Greg Patterson", Role::Sales),
    ("compliance", "Priya Raman", Role::Compliance),
];

/// One user per role; the Argon2 hashes are computed in parallel off the async threads.
async fn demo_users(now: OffsetDateTime) -> AppResult<Vec<User>> {
    let hashing: Vec<_> = USERS
        .iter()
        .map(|_| tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD)))
        .collect();
    let mut users = Vec::with_capacity(USERS.len());
    for ((username, display_name, role), task) in USERS.iter().zip(hashing) {
        let password_hash = task.await.map_err(internal)??;
        users.push(User {
            id: UserId::new().as_uuid(),
            username: (*username).to_owned(),
            display_name: (*display_name).to_owned(),
            role: role.as_str().to_owned(),
            password_hash,
            failed_logins: 0,
            locked_until: None,
            active: true,
            created_at: now,
        });
    }
    Ok(users)
}

/// The supplier and its two locations.
fn supplier() -> AppResult<(Supplier, Vec<Location>)> {
    let org = Supplier {
        id: Uuid::now_v7(),
        name: "Buckeye Home Medical".into(),
        npi: Npi::from_first_nine(152_834_907)
            .map_err(internal)?
            .as_str()
            .to_owned(),
        phone: phone("614", 0)?,
    };
    let location =
        |name: &str, number, line1: &str, line2: Option<&str>, city: &str, postal| Location {
            id: LocationId::new().as_uuid(),
            name: name.to_owned(),
            phone: number,
            line1: line1.to_owned(),
            line2: line2.map(str::to_owned),
            city: city.to_owned(),
            state: "OH".into(),
            postal_code: postal,
            kind: durable_domain::inventory::LocationKind::Branch
                .as_str()
                .to_owned(),
        };
    let locations = vec![
        location(
            "Columbus (main office)",
            phone("614", 1)?,
            "2400 Corporate Exchange Dr",
            Some("Suite 120"),
            "Columbus",
            zip("43231")?,
        ),
        location(
            "Dayton branch",
            phone("937", 2)?,
            "4100 Springboro Pike",
            None,
            "Dayton",
            zip("45439")?,
        ),
    ];
    Ok((org, locations))
}

/// `area` 555-01`nn`: a number reserved for fiction, checked as intake would check it.
fn phone(area: &str, nn: u32) -> AppResult<String> {
    Phone::parse(&format!("{area}55501{:02}", nn % 100))
        .map(|p| p.as_str().to_owned())
        .map_err(internal)
}

/// A ZIP code, checked as intake would check it.
fn zip(text: &str) -> AppResult<String> {
    ZipCode::parse(text)
        .map(|z| z.as_str().to_owned())
        .map_err(internal)
}

/// The ids the patient generator needs to point coverages at payers and plans.
struct PayerIds {
    /// Payer and Part B plan of each DME MAC, by the MAC's index in the CSV.
    macs: Vec<(Uuid, Uuid)>,
    /// The DME MAC index of each entry of `US_STATES`.
    mac_of_state: Vec<usize>,
    /// The Medicaid payer and its plan.
    medicaid: (Uuid, Uuid),
    /// The commercial payers.
    commercial: Vec<CommercialPayer>,
}

/// A commercial payer with its plans and the prefix of its member ids.
struct CommercialPayer {
    payer: Uuid,
    member_prefix: &'static str,
    /// HMO and PPO plans (for people under 65).
    group_plans: [Uuid; 2],
    /// The Medicare supplement plan (secondary to Medicare).
    medigap: Uuid,
}

/// Commercial payers (fictional): name, EDI payer id, member-id prefix, HMO, PPO, Medigap plans.
const COMMERCIAL: [(&str, &str, &str, [&str; 3]); 2] = [
    (
        "Lakeshore Health Plan",
        "LKSHP",
        "LKH",
        [
            "Lakeshore Select HMO",
            "Lakeshore Choice PPO",
            "Lakeshore Medicare Supplement Plan G",
        ],
    ),
    (
        "Prairie Mutual Insurance",
        "PRMUT",
        "PMI",
        [
            "Prairie Mutual Community HMO",
            "Prairie Mutual Open Access PPO",
            "Prairie Mutual Medicare Supplement Plan N",
        ],
    ),
];

/// The state whose Medicaid program is the demo's Medicaid payer.
const MEDICAID_STATE: &str = "OH";

/// The payers and plans: the four DME MACs from the CSV, Ohio Medicaid and two commercial payers.
fn payers(now: OffsetDateTime) -> AppResult<(Vec<Payer>, Vec<Plan>, PayerIds)> {
    let (macs, mac_of_state) = read_macs(MAC_CSV)?;
    let mut payer_rows = Vec::new();
    let mut plan_rows = Vec::new();
    let mut add = |name: String, kind: PayerKind, edi: &str, plans: &[(&str, &str)]| {
        let payer = PayerId::new().as_uuid();
        payer_rows.push(Payer {
            id: payer,
            name,
            kind: kind.as_str().to_owned(),
            edi_payer_id: edi.to_owned(),
            created_at: now,
        });
        let plan_ids: Vec<Uuid> = plans
            .iter()
            .map(|(name, plan_type)| {
                let id = PlanId::new().as_uuid();
                plan_rows.push(Plan {
                    id,
                    payer_id: payer,
                    name: (*name).to_owned(),
                    plan_type: (*plan_type).to_owned(),
                });
                id
            })
            .collect();
        (payer, plan_ids)
    };
    let mut mac_ids = Vec::with_capacity(macs.len());
    for mac in &macs {
        let name = format!(
            "Medicare DME MAC Jurisdiction {} ({})",
            mac.jurisdiction, mac.contractor
        );
        let plans = [("Medicare Part B", "Part B")];
        let (payer, plans) = add(name, PayerKind::Medicare, &mac.payer_id, &plans);
        mac_ids.push((payer, first_plan(&plans)?));
    }
    let plans = [("Ohio Medicaid Fee-for-Service", "Medicaid")];
    let (medicaid, plans) = add(
        "Ohio Department of Medicaid".into(),
        PayerKind::Medicaid,
        "MMISODJFS",
        &plans,
    );
    let medicaid = (medicaid, first_plan(&plans)?);
    let mut commercial = Vec::new();
    for (name, edi, member_prefix, [hmo, ppo, medigap]) in COMMERCIAL {
        let plans = [(hmo, "HMO"), (ppo, "PPO"), (medigap, "Medigap")];
        let (payer, plans) = add(name.to_owned(), PayerKind::Commercial, edi, &plans);
        let [hmo, ppo, medigap] = <[Uuid; 3]>::try_from(plans).map_err(|_| internal("plans"))?;
        commercial.push(CommercialPayer {
            payer,
            member_prefix,
            group_plans: [hmo, ppo],
            medigap,
        });
    }
    let ids = PayerIds {
        macs: mac_ids,
        mac_of_state,
        medicaid,
        commercial,
    };
    Ok((payer_rows, plan_rows, ids))
}

/// The first plan id of a payer just built.
fn first_plan(plans: &[Uuid]) -> AppResult<Uuid> {
    plans
        .first()
        .copied()
        .ok_or_else(|| internal("a payer without a plan"))
}

/// One DME MAC as the CSV names it.
struct Mac {
    jurisdiction: String,
    contractor: String,
    payer_id: String,
}

/// Reads the jurisdiction CSV: the MACs in file order and, for each entry of `US_STATES`, the
/// index of its MAC. Every state must be listed exactly once, and a jurisdiction must always
/// name the same contractor and payer id.
fn read_macs(csv: &str) -> AppResult<(Vec<Mac>, Vec<usize>)> {
    let mut lines = csv.lines().map(str::trim).filter(|line| !line.is_empty());
    if lines.next() != Some(MAC_HEADER) {
        return Err(internal(format!(
            "the DME MAC table must start with {MAC_HEADER}"
        )));
    }
    let mut macs: Vec<Mac> = Vec::new();
    let mut by_state: Vec<Option<usize>> = vec![None; US_STATES.len()];
    for line in lines {
        let [state, jurisdiction, contractor, payer_id] = fields(line, ',')?;
        let state = UsState::parse(state).map_err(|e| internal(format!("{line}: {e}")))?;
        if jurisdiction.is_empty()
            || contractor.is_empty()
            || payer_id.is_empty()
            || !payer_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(internal(format!("bad DME MAC row: {line}")));
        }
        let index = match macs.iter().position(|m| m.jurisdiction == jurisdiction) {
            Some(i) if macs[i].contractor == contractor && macs[i].payer_id == payer_id => i,
            Some(_) => return Err(internal(format!("{line} contradicts an earlier row"))),
            None => {
                macs.push(Mac {
                    jurisdiction: jurisdiction.to_owned(),
                    contractor: contractor.to_owned(),
                    payer_id: payer_id.to_owned(),
                });
                macs.len() - 1
            }
        };
        let slot = US_STATES
            .iter()
            .position(|s| *s == state.as_str())
            .and_then(|i| by_state.get_mut(i))
            .ok_or_else(|| internal(format!("unknown state in {line}")))?;
        if slot.replace(index).is_some() {
            return Err(internal(format!("{} is listed twice", state.as_str())));
        }
    }
    let mac_of_state = US_STATES
        .iter()
        .zip(by_state)
        .map(|(state, mac)| mac.ok_or_else(|| internal(format!("no DME MAC for {state}"))))
        .collect::<AppResult<Vec<usize>>>()?;
    Ok((macs, mac_of_state))
}

/// Splits a table row into exactly `N` trimmed fields.
fn fields<const N: usize>(line: &str, separator: char) -> AppResult<[&str; N]> {
    let parts: Vec<&str> = line.split(separator).map(str::trim).collect();
    <[&str; N]>::try_from(parts).map_err(|parts| {
        internal(format!(
            "expected {N} fields, found {}: {line}",
            parts.len()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn tables_cover_every_state_and_pass_intakes_checks() {
        let tables = Tables::read().unwrap();
        assert_eq!(tables.places.len(), US_STATES.len());
        let (macs, mac_of_state) = read_macs(MAC_CSV).unwrap();
        let jurisdictions: Vec<&str> = macs.iter().map(|m| m.jurisdiction.as_str()).collect();
        assert_eq!(jurisdictions, ["A", "B", "C", "D"]);
        let ohio = US_STATES.iter().position(|s| *s == "OH").unwrap();
        assert_eq!(macs[mac_of_state[ohio]].payer_id, "17003");
        assert!(tables.family.len() >= 150 && tables.female.len() + tables.male.len() >= 100);
        let now = datetime!(2026-11-27 12:00 UTC);
        let prescribers = prescribers(now).unwrap();
        assert_eq!(prescribers.len(), 20);
        assert!(prescribers.iter().all(|p| Npi::parse(&p.npi).is_ok()));
        let sources = referral_sources(now, &prescribers).unwrap();
        assert!(
            sources
                .iter()
                .all(|(_, links)| (1..=4).contains(&links.len()))
        );
    }

    #[test]
    fn the_mac_table_must_name_every_state_once_and_consistently() {
        let header = format!("{MAC_HEADER}\n");
        assert!(read_macs("state,jurisdiction\nOH,B,CGS,17003").is_err());
        assert!(
            read_macs(&format!("{header}OH,B,CGS,17003")).is_err(),
            "other states missing"
        );
        let doubled = format!("{MAC_CSV}\nOH,B,CGS,17003");
        assert!(read_macs(&doubled).is_err(), "a state listed twice");
        let contradicting = MAC_CSV.replacen("IN,B,CGS,17003", "IN,B,CGS,99999", 1);
        assert!(
            read_macs(&contradicting).is_err(),
            "one jurisdiction, two payer ids"
        );
    }

    #[test]
    fn generated_patients_are_well_formed_and_deterministic() {
        let now = datetime!(2026-11-27 12:00 UTC);
        let tables = Tables::read().unwrap();
        let (_, _, payers) = payers(now).unwrap();
        let run = || {
            let mut rng = StdRng::seed_from_u64(SEED);
            let outlines = outline(&mut rng, 2_000, &tables).unwrap();
            let mut generator = Generator {
                rng: StdRng::seed_from_u64(SEED.rotate_left(17)),
                tables: &tables,
                payers: &payers,
                now,
                today: now.date(),
                mbis: HashSet::new(),
            };
            (outlines.clone(), generator.batch(&outlines).unwrap())
        };
        let (outlines, (records, coverages)) = run();
        let (_, (again, _)) = run();
        let names = |r: &[PatientRecord]| -> Vec<(String, String, Date)> {
            r.iter()
                .map(|r| {
                    (
                        r.patient.family_name.clone(),
                        r.patient.given_name.clone(),
                        r.patient.birth_date,
                    )
                })
                .collect()
        };
        assert_eq!(names(&records), names(&again), "same seed, same people");
        let secondaries = outlines.iter().filter(|o| o.secondary.is_some()).count();
        assert_eq!(coverages.len(), records.len() + secondaries);
        let mut mbis = HashSet::new();
        for record in &records {
            let p = &record.patient;
            if let Some(mbi) = &p.mbi {
                assert_eq!(Mbi::parse(mbi).unwrap().as_str(), mbi);
                assert!(mbis.insert(mbi.clone()), "MBIs are unique");
            }
            assert!(p.birth_date < now.date());
            if let Some(died) = p.death_date {
                assert!(died > p.birth_date && died < now.date());
            }
            assert!(p.email.as_deref().is_none_or(|e| Email::parse(e).is_ok()));
            assert!(!record.phones.is_empty());
            for phone in &record.phones {
                assert_eq!(Phone::parse(&phone.number).unwrap().as_str(), phone.number);
            }
            for address in &record.addresses {
                assert!(UsState::parse(&address.state).is_ok());
                assert!(ZipCode::parse(&address.postal_code).is_ok());
            }
            assert!(!record.diagnoses.is_empty() && record.diagnoses.len() <= 3);
        }
        let home_state = |patient_id| {
            let record = records.iter().find(|r| r.patient.id == patient_id).unwrap();
            record.addresses[0].state.as_str()
        };
        let medicaid = coverages
            .iter()
            .filter(|c| c.payer_id == payers.medicaid.0)
            .count();
        assert!(medicaid > 0, "some Ohioans are dual eligible");
        for coverage in &coverages {
            if coverage.payer_id == payers.medicaid.0 {
                assert_eq!(home_state(coverage.patient_id), MEDICAID_STATE);
            }
            assert!(coverage.effective_date <= now.date());
            assert!(
                coverage
                    .termination_date
                    .is_none_or(|end| end >= coverage.effective_date)
            );
        }
        let share = |n: usize| n * 100 / records.len();
        let delivery = records.iter().filter(|r| r.addresses.len() == 2).count();
        assert!(
            (10..=20).contains(&share(delivery)),
            "about 15% deliver elsewhere"
        );
        let dead = records
            .iter()
            .filter(|r| r.patient.death_date.is_some())
            .count();
        assert!((0..=4).contains(&share(dead)), "about 2% have died");
    }
}

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
use crate::{Actor, App, AppError, AppResult, Permission};

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
const MAC_CSV: &str = include_str!("../../../data/dme_mac_jurisdictions.csv");
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
    if users::count(app.store.conn()).await? > 0 {
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
    Ok(summary)
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

/// The prescribers (fictional): given|family|credentials|specialty|NUCC taxonomy|line1|line2|
/// city|state|ZIP|area code|PECOS enrolled (y/n).
const PRESCRIBERS: &str = "\
Anita|Deshmukh|MD|Pulmonary Disease|207RP1001X|3555 Olentangy River Rd|Suite 300|Columbus|OH|43214|614|y
Michael|O'Rourke|DO|Pulmonary Disease|207RP1001X|30 E Apple St|Suite 4200|Dayton|OH|45409|937|y
Sarah|Lindqvist|MD|Sleep Medicine|207RS0012X|3555 Olentangy River Rd|Suite 300|Columbus|OH|43214|614|y
James|Whitaker|MD|Sleep Medicine|2084S0012X|260 Stetson St|Suite 2300|Cincinnati|OH|45219|513|y
Olusegun|Adeyemi|MD|Cardiovascular Disease|207RC0000X|473 W 12th Ave|Suite 200|Columbus|OH|43210|614|y
Rebecca|Hartman|DO|Cardiovascular Disease|207RC0000X|2400 Miami Valley Dr|Suite 300|Dayton|OH|45459|937|y
David|Kowalski|MD|Family Medicine|207Q00000X|780 S 3rd St||Columbus|OH|43206|614|y
Linh|Tran|DO|Family Medicine|207Q00000X|780 S 3rd St||Columbus|OH|43206|614|y
Jennifer|McAllister|NP|Nurse Practitioner, Family|363LF0000X|1040 Delaware Ave||Marion|OH|43302|740|n
Carlos|Mendoza|MD|Internal Medicine|207R00000X|2100 N Limestone St|Suite 110|Springfield|OH|45503|937|y
Hannah|Goldberg|MD|Neurology|2084N0400X|3600 Tremont Rd|Suite 250|Columbus|OH|43221|614|y
Rajesh|Venkataraman|MD|Neurology|2084N0400X|9600 Carnegie Ave||Cleveland|OH|44106|216|y
Emily|Castellano|DO|Physical Medicine & Rehabilitation|208100000X|2600 Burnet Ave||Cincinnati|OH|45219|513|y
Thomas|Brennan|MD|Physical Medicine & Rehabilitation|208100000X|20 Medical Village Dr|Suite 310|Edgewood|KY|41017|859|y
Grace|Okafor|NP|Nurse Practitioner, Adult Health|363LA2200X|618 Pleasantville Rd||Lancaster|OH|43130|740|y
William|Hughes|MD|Geriatric Medicine|207QG0300X|1320 W Main St||Newark|OH|43055|740|y
Mei-Ling|Chen|MD|Endocrinology, Diabetes & Metabolism|207RE0101X|5665 Parkcenter Cir||Dublin|OH|43017|614|y
Patrick|Sullivan-Reyes|DO|Orthopaedic Surgery|207X00000X|2951 Maple Ave||Zanesville|OH|43701|740|n
Aaliyah|Washington|NP|Nurse Practitioner, Family|363LF0000X|1730 27th St||Portsmouth|OH|45662|740|y
Steven|Park|MD|Critical Care Medicine|207RC0200X|1400 Hal Greer Blvd||Huntington|WV|25701|304|y";

/// The prescribers, with valid NPIs drawn from their own seeded stream.
fn prescribers(now: OffsetDateTime) -> AppResult<Vec<Prescriber>> {
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x4E50_4900);
    let mut npis = HashSet::new();
    let mut rows = Vec::new();
    for (i, line) in (0u32..).zip(PRESCRIBERS.lines()) {
        let [
            given,
            family,
            credentials,
            specialty,
            taxonomy,
            line1,
            line2,
            city,
            state,
            postal,
            area,
            pecos,
        ] = fields(line, '|')?;
        if taxonomy.len() != 10 || !taxonomy.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(internal(format!("bad taxonomy code in {line}")));
        }
        let npi = loop {
            let npi = Npi::from_first_nine(rng.random_range(100_000_000..300_000_000))
                .map_err(internal)?;
            if npis.insert(npi.as_str().to_owned()) {
                break npi;
            }
        };
        rows.push(Prescriber {
            id: PrescriberId::new().as_uuid(),
            npi: npi.as_str().to_owned(),
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            credentials: Some(credentials.to_owned()),
            taxonomy_code: Some(taxonomy.to_owned()),
            specialty: Some(specialty.to_owned()),
            phone: Some(phone(area, 10 + 2 * i)?),
            fax: Some(phone(area, 11 + 2 * i)?),
            pecos_enrolled: pecos == "y",
            family_key: name_key(family),
            created_at: now,
            updated_at: now,
            line1: line1.to_owned(),
            line2: (!line2.is_empty()).then(|| line2.to_owned()),
            city: city.to_owned(),
            state: UsState::parse(state).map_err(internal)?.as_str().to_owned(),
            postal_code: zip(postal)?,
        });
    }
    Ok(rows)
}

/// The referral sources (fictional): name|kind|line1|line2|city|state|ZIP|area code|the rows of
/// `PRESCRIBERS` (from 0) who refer from there.
const REFERRAL_SOURCES: &str = "\
Riverside Pulmonary & Sleep Associates|practice|3555 Olentangy River Rd|Suite 300|Columbus|OH|43214|614|0 2 19
Miami Valley Heart & Vascular|practice|2400 Miami Valley Dr|Suite 300|Dayton|OH|45459|937|5 1 9
Scioto Valley Regional Medical Center|hospital|1730 27th St||Portsmouth|OH|45662|740|18 14 19 1
German Village Family Practice|practice|780 S 3rd St||Columbus|OH|43206|614|6 7
Maple Grove Skilled Nursing & Rehabilitation|snf|255 Maple Grove Ave||Westerville|OH|43081|614|15 8
Heartland Home Health Services|home_health|1500 Lake Shore Dr|Suite 120|Columbus|OH|43204|614|8 15 14 9
Central Ohio Neurology & MS Center|practice|3600 Tremont Rd|Suite 250|Columbus|OH|43221|614|10 11
Queen City Rehabilitation Hospital|hospital|2600 Burnet Ave||Cincinnati|OH|45219|513|12 13 3";

/// The referral sources, each with the ids of its prescribers.
fn referral_sources(
    now: OffsetDateTime,
    prescribers: &[Prescriber],
) -> AppResult<Vec<(ReferralSource, Vec<Uuid>)>> {
    let mut sources = Vec::new();
    for (i, line) in (0u32..).zip(REFERRAL_SOURCES.lines()) {
        let [name, kind, line1, line2, city, state, postal, area, linked] = fields(line, '|')?;
        let prescriber_ids = linked
            .split_whitespace()
            .map(|n| {
                n.parse::<usize>()
                    .ok()
                    .and_then(|n| prescribers.get(n))
                    .map(|p| p.id)
                    .ok_or_else(|| internal(format!("no prescriber {n} for {name}")))
            })
            .collect::<AppResult<Vec<Uuid>>>()?;
        let row = ReferralSource {
            id: ReferralSourceId::new().as_uuid(),
            name: name.to_owned(),
            kind: ReferralSourceKind::parse(kind)
                .map_err(internal)?
                .as_str()
                .to_owned(),
            phone: Some(phone(area, 60 + 2 * i)?),
            fax: Some(phone(area, 61 + 2 * i)?),
            name_key: name_key(name),
            created_at: now,
            updated_at: now,
            line1: line1.to_owned(),
            line2: (!line2.is_empty()).then(|| line2.to_owned()),
            city: city.to_owned(),
            state: UsState::parse(state).map_err(internal)?.as_str().to_owned(),
            postal_code: zip(postal)?,
        };
        sources.push((row, prescriber_ids));
    }
    Ok(sources)
}

/// Where patients live: state|weight (roughly population, the supplier's Ohio boosted)|cities as
/// name:first ZIP:how many ZIPs from there:area code.
const PLACES: &str = "\
AL|50|Birmingham:35203:30:205,Montgomery:36104:14:334,Mobile:36602:18:251,Huntsville:35801:16:256
AK|7|Anchorage:99501:15:907,Fairbanks:99701:9:907,Juneau:99801:1:907
AZ|72|Phoenix:85003:40:602,Tucson:85701:40:520,Mesa:85201:14:480,Flagstaff:86001:4:928
AR|30|Little Rock:72201:25:501,Fayetteville:72701:4:479,Fort Smith:72901:8:479,Jonesboro:72401:4:870
CA|395|Los Angeles:90001:60:213,San Diego:92101:30:619,Sacramento:95814:20:916,Fresno:93701:25:559,San Jose:95110:20:408
CO|58|Denver:80202:30:303,Colorado Springs:80903:15:719,Pueblo:81001:8:719,Grand Junction:81501:7:970
CT|36|Hartford:06103:10:860,New Haven:06510:10:203,Bridgeport:06604:5:203,Waterbury:06702:5:203
DE|10|Wilmington:19801:10:302,Dover:19901:4:302,Newark:19711:3:302
DC|7|Washington:20001:30:202
FL|215|Miami:33125:30:305,Tampa:33602:20:813,Orlando:32801:30:407,Jacksonville:32202:25:904,Sarasota:34231:10:941
GA|107|Atlanta:30303:30:404,Savannah:31401:10:912,Macon:31201:10:478,Augusta:30901:9:706
HI|14|Honolulu:96813:10:808,Hilo:96720:1:808,Kailua:96734:1:808
ID|18|Boise:83702:15:208,Pocatello:83201:4:208,Idaho Falls:83401:4:208,Coeur d'Alene:83814:2:208
IL|128|Chicago:60601:60:312,Springfield:62701:10:217,Peoria:61602:12:309,Rockford:61101:10:815
IN|68|Indianapolis:46201:50:317,Fort Wayne:46802:20:260,South Bend:46601:15:574,Evansville:47708:8:812
IA|32|Des Moines:50309:20:515,Cedar Rapids:52401:5:319,Davenport:52801:6:563
KS|29|Wichita:67202:20:316,Topeka:66603:15:785,Overland Park:66204:10:913
KY|45|Louisville:40202:20:502,Lexington:40502:15:859,Bowling Green:42101:4:270
LA|47|New Orleans:70112:20:504,Baton Rouge:70801:15:225,Shreveport:71101:15:318,Lafayette:70501:8:337
ME|14|Portland:04101:3:207,Bangor:04401:1:207,Augusta:04330:1:207
MD|62|Baltimore:21201:30:410,Annapolis:21401:3:410,Frederick:21701:3:301,Hagerstown:21740:2:301
MA|70|Boston:02108:20:617,Worcester:01602:8:508,Springfield:01103:7:413,Lowell:01850:5:978
MI|101|Detroit:48201:30:313,Grand Rapids:49503:5:616,Lansing:48906:8:517,Flint:48502:6:810
MN|57|Minneapolis:55401:15:612,Saint Paul:55101:15:651,Duluth:55802:5:218,Rochester:55901:4:507
MS|30|Jackson:39201:15:601,Gulfport:39501:7:228,Hattiesburg:39401:2:601,Tupelo:38801:4:662
MO|62|St. Louis:63101:40:314,Kansas City:64105:25:816,Springfield:65802:7:417,Columbia:65201:3:573
MT|11|Billings:59101:5:406,Missoula:59801:4:406,Great Falls:59401:4:406,Helena:59601:2:406
NE|20|Omaha:68102:30:402,Lincoln:68502:20:402,Grand Island:68801:3:308
NV|31|Las Vegas:89101:30:702,Reno:89501:12:775,Carson City:89701:3:775
NH|14|Manchester:03101:4:603,Nashua:03060:4:603,Concord:03301:3:603
NJ|93|Newark:07102:13:973,Trenton:08608:11:609,Camden:08102:4:856,Paterson:07501:14:973
NM|21|Albuquerque:87102:20:505,Santa Fe:87501:7:505,Las Cruces:88001:6:575
NY|202|New York:10001:40:212,Buffalo:14201:20:716,Rochester:14604:20:585,Albany:12203:8:518,Syracuse:13202:9:315
NC|104|Charlotte:28202:20:704,Raleigh:27601:15:919,Greensboro:27401:10:336,Asheville:28801:6:828
ND|8|Fargo:58102:4:701,Bismarck:58501:4:701,Grand Forks:58201:3:701
OH|600|Columbus:43201:30:614,Cleveland:44102:20:216,Cincinnati:45202:30:513,Toledo:43604:20:419,Dayton:45402:20:937,Akron:44301:20:330,Zanesville:43701:1:740,Chillicothe:45601:1:740
OK|40|Oklahoma City:73102:40:405,Tulsa:74103:30:918,Norman:73069:3:405
OR|42|Portland:97201:30:503,Eugene:97401:5:541,Salem:97301:10:503,Medford:97501:4:541
PA|130|Philadelphia:19102:50:215,Pittsburgh:15201:30:412,Harrisburg:17101:12:717,Erie:16501:10:814,Allentown:18101:10:610
RI|11|Providence:02903:6:401,Warwick:02886:4:401,Newport:02840:1:401
SC|51|Columbia:29201:10:803,Charleston:29401:7:843,Greenville:29601:15:864
SD|9|Sioux Falls:57103:6:605,Rapid City:57701:3:605,Aberdeen:57401:1:605
TN|69|Nashville:37201:20:615,Memphis:38103:30:901,Knoxville:37902:20:865,Chattanooga:37402:10:423
TX|291|Houston:77002:60:713,Dallas:75201:50:214,San Antonio:78201:50:210,Austin:78701:50:512,El Paso:79901:30:915
UT|33|Salt Lake City:84101:20:801,Provo:84601:6:801,Ogden:84401:5:801
VT|6|Burlington:05401:1:802,Montpelier:05602:1:802,Rutland:05701:1:802
VA|86|Richmond:23219:10:804,Norfolk:23502:20:757,Roanoke:24011:10:540,Alexandria:22301:14:703
WA|77|Seattle:98101:20:206,Spokane:99201:20:509,Tacoma:98402:20:253,Olympia:98501:6:360
WV|18|Charleston:25301:10:304,Huntington:25701:5:304,Morgantown:26501:5:304
WI|59|Milwaukee:53202:20:414,Madison:53703:15:608,Green Bay:54301:10:920
WY|6|Cheyenne:82001:7:307,Casper:82601:9:307,Laramie:82070:3:307
AS|1|Pago Pago:96799:1:684
GU|2|Hagåtña:96910:1:671,Tamuning:96913:1:671,Dededo:96929:1:671
MP|1|Saipan:96950:1:670,Tinian:96952:1:670,Rota:96951:1:670
PR|33|San Juan:00901:30:787,Ponce:00716:15:787,Bayamón:00956:6:787,Mayagüez:00680:3:787
VI|1|Charlotte Amalie:00802:1:340,Christiansted:00820:1:340,Frederiksted:00840:1:340";

/// Given names of women (and of patients recorded with unknown sex, with `MALE_NAMES`).
const FEMALE_NAMES: &str = "Mary,Patricia,Linda,Barbara,Elizabeth,Jennifer,Maria,Susan,Margaret,\
Dorothy,Lisa,Nancy,Karen,Betty,Helen,Sandra,Donna,Carol,Ruth,Sharon,Michelle,Laura,Sarah,Kimberly,\
Deborah,Jessica,Shirley,Cynthia,Angela,Melissa,Brenda,Amy,Anna,Rebecca,Virginia,Kathleen,Pamela,\
Martha,Debra,Amanda,Stephanie,Carolyn,Christine,Marie,Janet,Catherine,Frances,Ann,Joyce,Diane,\
Alice,Juanita,Guadalupe,Mei,Yolanda,Gloria,Evelyn,Jean,Cheryl,Mildred,Lorraine,Rosa,Hazel,Bernice,\
Thi,Aiko,Fatima,Esperanza,Gwendolyn,Loretta,Mary Ann,Zoë";
/// Given names of men.
const MALE_NAMES: &str = "James,John,Robert,Michael,William,David,Richard,Charles,Joseph,Thomas,\
Christopher,Daniel,Paul,Mark,Donald,George,Kenneth,Steven,Edward,Brian,Ronald,Anthony,Kevin,Jason,\
Matthew,Gary,Timothy,José,Larry,Jeffrey,Frank,Scott,Eric,Stephen,Andrew,Raymond,Gregory,Joshua,\
Jerry,Dennis,Walter,Patrick,Peter,Harold,Douglas,Henry,Carl,Arthur,Ryan,Roger,Juan,Luis,Hiroshi,\
Kwame,Tyrone,Earl,Willie,Leroy,Francisco,Ahmed,Wei,Rajesh,Sione,Billy Ray";
/// Family names, including the hyphens, apostrophes and spaces that name search must handle.
const FAMILY_NAMES: &str = "Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,\
Martinez,Hernandez,Lopez,Gonzalez,Wilson,Anderson,Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,\
Thompson,White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,\
Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,Carter,Roberts,\
Gomez,Phillips,Evans,Turner,Diaz,Parker,Cruz,Edwards,Collins,Reyes,Stewart,Morris,Morales,Murphy,\
Cook,Rogers,Gutierrez,Ortiz,Morgan,Cooper,Peterson,Bailey,Reed,Kelly,Howard,Ramos,Kim,Cox,Ward,\
Richardson,Watson,Brooks,Chavez,Wood,James,Bennett,Gray,Mendoza,Ruiz,Hughes,Price,Alvarez,Castillo,\
Sanders,Patel,Myers,Long,Ross,Foster,Jimenez,O'Brien,O'Connor,O'Neill,D'Angelo,McDonald,MacKenzie,\
Smith-Jones,García-López,Williams-Brown,Van Buren,De La Cruz,St. Clair,Schmidt,Müller,Kowalski,\
Nowak,Yamamoto,Tanaka,Chen,Wang,Li,Zhang,Liu,Singh,Shah,Khan,Ali,Cohen,Levy,Goldstein,Becker,\
Schneider,Fischer,Weber,Wagner,Hoffmann,Schultz,Olson,Larson,Johansson,Lindqvist,Jensen,Hansen,\
Nielsen,Russo,Romano,Esposito,Ricci,Kaczmarek,Walsh,Byrne,Fitzgerald,Kealoha,Tupou,Begay,Yazzie,\
Okafor,Mensah,Abdullah,Haddad,Papadopoulos,Ivanov,Petrov";
/// Street names.
const STREETS: &str = "Maple,Oak,Main,High,Elm,Washington,Lincoln,Park,Lake,Hillcrest,Sunset,\
Cedar,Pine,Church,Mill,River,Spring,Ridge,Meadow,Walnut,Chestnut,Franklin,Jefferson,Madison,\
Center,Broad,Market,Union,Cherry,Willow,Highland,Forest,Jackson,Adams,Locust,Sycamore,Dogwood,\
Magnolia,Orchard,Valley,Martin Luther King Jr,Old Mill";
/// Street suffixes.
const STREET_SUFFIXES: &str = "St,Ave,Rd,Dr,Ln,Ct,Blvd,Way,Pl,Cir,Pike,Trl";
/// How emergency contacts are related to the patient.
const RELATIONSHIPS: &str = "Daughter,Son,Spouse,Sister,Brother,Niece,Nephew,Granddaughter,\
Grandson,Friend,Neighbor,Caregiver";
/// Reserved e-mail domains (RFC 2606), so no demo message can reach anyone.
const EMAIL_DOMAINS: &str = "example.com,example.net,example.org";

/// Common DME diagnoses: ICD-10-CM code, weight as a first diagnosis, whether it is a lung
/// disease (oxygen patients), description. G35 (multiple sclerosis) became a header on
/// 2025-10-01 and is no longer billable; G35.D is its unspecified code.
const DIAGNOSES: [(&str, u32, bool, &str); 10] = [
    (
        "G47.33",
        30,
        false,
        "Obstructive sleep apnea (adult) (pediatric)",
    ),
    (
        "J44.9",
        18,
        true,
        "Chronic obstructive pulmonary disease, unspecified",
    ),
    (
        "J96.11",
        6,
        true,
        "Chronic respiratory failure with hypoxia",
    ),
    ("I50.9", 10, false, "Heart failure, unspecified"),
    (
        "E11.9",
        14,
        false,
        "Type 2 diabetes mellitus without complications",
    ),
    (
        "M17.11",
        7,
        false,
        "Unilateral primary osteoarthritis, right knee",
    ),
    ("G35.D", 3, false, "Multiple sclerosis, unspecified"),
    ("R26.81", 9, false, "Unsteadiness on feet"),
    ("Z99.81", 2, false, "Dependence on supplemental oxygen"),
    ("J84.10", 3, true, "Pulmonary fibrosis, unspecified"),
];
/// The oxygen-dependence code added to many lung patients.
const OXYGEN_DEPENDENCE: &str = "Z9981";

/// A city patients can live in.
struct City {
    name: &'static str,
    first_zip: u32,
    zips: u32,
    area_code: &'static str,
}

/// A state's cities and its share of patients.
struct Place {
    weight: u32,
    cities: Vec<City>,
}

/// A diagnosis the generator can assign.
struct Dx {
    code: String,
    lung: bool,
    description: &'static str,
}

/// The text tables, read and checked once per load.
struct Tables {
    /// By index in `US_STATES`.
    places: Vec<Place>,
    female: Vec<&'static str>,
    male: Vec<&'static str>,
    family: Vec<&'static str>,
    streets: Vec<&'static str>,
    suffixes: Vec<&'static str>,
    relationships: Vec<&'static str>,
    email_domains: Vec<&'static str>,
    diagnoses: Vec<Dx>,
    first_diagnosis: WeightedIndex<u32>,
}

impl Tables {
    /// Reads every table, refusing an empty list or a value intake would refuse.
    fn read() -> AppResult<Tables> {
        let diagnoses = DIAGNOSES
            .iter()
            .map(|&(code, _, lung, description)| {
                Ok(Dx {
                    code: Icd10Cm::parse(code).map_err(internal)?.as_str().to_owned(),
                    lung,
                    description,
                })
            })
            .collect::<AppResult<Vec<Dx>>>()?;
        let first_diagnosis =
            WeightedIndex::new(DIAGNOSES.iter().map(|d| d.1)).map_err(internal)?;
        Ok(Tables {
            places: read_places()?,
            female: list(FEMALE_NAMES)?,
            male: list(MALE_NAMES)?,
            family: list(FAMILY_NAMES)?,
            streets: list(STREETS)?,
            suffixes: list(STREET_SUFFIXES)?,
            relationships: list(RELATIONSHIPS)?,
            email_domains: list(EMAIL_DOMAINS)?,
            diagnoses,
            first_diagnosis,
        })
    }
}

/// A comma-separated list; never empty.
fn list(text: &'static str) -> AppResult<Vec<&'static str>> {
    let items: Vec<&'static str> = text.split(',').map(str::trim).collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(internal(format!("an empty entry in {text}")));
    }
    Ok(items)
}

/// Reads `PLACES` into one entry per `US_STATES` code, in that order.
fn read_places() -> AppResult<Vec<Place>> {
    let mut places: Vec<Option<Place>> = US_STATES.iter().map(|_| None).collect();
    for line in PLACES.lines() {
        let [state, weight, cities] = fields(line, '|')?;
        let bad = || internal(format!("bad place row: {line}"));
        let weight: u32 = weight.parse().map_err(|_| bad())?;
        let cities = cities
            .split(',')
            .map(|city| {
                let [name, first_zip, zips, area_code] = fields(city, ':')?;
                let first_zip: u32 = first_zip.parse().map_err(|_| bad())?;
                let zips: u32 = zips.parse().map_err(|_| bad())?;
                if name.is_empty() || zips == 0 {
                    return Err(bad());
                }
                zip(&format!("{first_zip:05}"))?;
                zip(&format!("{:05}", first_zip + zips - 1))?;
                phone(area_code, 0)?;
                Ok(City {
                    name,
                    first_zip,
                    zips,
                    area_code,
                })
            })
            .collect::<AppResult<Vec<City>>>()?;
        let slot = US_STATES
            .iter()
            .position(|s| *s == state)
            .and_then(|i| places.get_mut(i))
            .ok_or_else(bad)?;
        if cities.is_empty() || slot.replace(Place { weight, cities }).is_some() {
            return Err(bad());
        }
    }
    US_STATES
        .iter()
        .zip(places)
        .map(|(state, place)| place.ok_or_else(|| internal(format!("no places in {state}"))))
        .collect()
}

/// Who a patient is, decided up front so the counts are known before anything is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cohort {
    /// 65 or older, on Medicare by age.
    Aged,
    /// Under 65, on Medicare through disability.
    Disabled,
    /// Under 65, commercially insured.
    Commercial,
}

/// A Medicare patient's second coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secondary {
    /// Dual eligible.
    Medicaid,
    /// A Medicare supplement plan.
    Medigap,
}

/// The outline of one patient.
#[derive(Clone, Copy, Debug)]
struct Outline {
    /// Index in `US_STATES`.
    state: usize,
    cohort: Cohort,
    secondary: Option<Secondary>,
}

/// Outlines `scale` patients: the first 56 one per state and territory, so every one appears,
/// the rest by weight. The one Medicaid payer is Ohio's, so only Ohioans are dual eligible;
/// other Medicare patients' secondary is a Medigap plan.
fn outline(rng: &mut StdRng, scale: u32, tables: &Tables) -> AppResult<Vec<Outline>> {
    let by_weight = WeightedIndex::new(tables.places.iter().map(|p| p.weight)).map_err(internal)?;
    let ohio = US_STATES.iter().position(|s| *s == MEDICAID_STATE);
    Ok((0..scale as usize)
        .map(|i| {
            let state = if i < US_STATES.len() {
                i
            } else {
                by_weight.sample(rng)
            };
            let cohort = match rng.random_range(0..100) {
                0..80 => Cohort::Aged,
                80..86 => Cohort::Disabled,
                _ => Cohort::Commercial,
            };
            let secondary = (cohort != Cohort::Commercial && rng.random_bool(0.2)).then(|| {
                if Some(state) == ohio && rng.random_bool(0.5) {
                    Secondary::Medicaid
                } else {
                    Secondary::Medigap
                }
            });
            Outline {
                state,
                cohort,
                secondary,
            }
        })
        .collect())
}

/// One batch of patients and their coverages.
type Batch = (Vec<PatientRecord>, Vec<Coverage>);

/// Fills in outlined patients.
struct Generator<'a> {
    rng: StdRng,
    tables: &'a Tables,
    payers: &'a PayerIds,
    now: OffsetDateTime,
    today: Date,
    /// MBIs handed out so far: each beneficiary has their own.
    mbis: HashSet<String>,
}

/// Letters an MBI may contain (CMS leaves out S, L, O, I, B and Z).
const MBI_LETTERS: &[u8; 20] = b"ACDEFGHJKMNPQRTUVWXY";

/// One of `items`, which the tables guarantee is not empty.
fn pick<'t, T>(rng: &mut StdRng, items: &'t [T]) -> &'t T {
    &items[rng.random_range(0..items.len())]
}

/// A day from `from` to `to`, both included (`from` when the range is empty).
fn day_between(rng: &mut StdRng, from: Date, to: Date) -> Date {
    let span = (to - from).whole_days().max(0);
    from.saturating_add(Duration::days(rng.random_range(0..=span)))
}

/// 1 January (`last` false) or 31 December (`last` true) of `year`.
fn year_end(year: i32, last: bool) -> AppResult<Date> {
    let (month, day) = if last {
        (Month::December, 31)
    } else {
        (Month::January, 1)
    };
    Date::from_calendar_date(year, month, day).map_err(internal)
}

/// The first day of `date`'s month.
fn first_of_month(date: Date) -> AppResult<Date> {
    date.replace_day(1).map_err(internal)
}

/// The lower-case ASCII letters and digits of a name, for e-mail addresses.
fn ascii_key(name: &str) -> String {
    name_key(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl Generator<'_> {
    /// The patients of `outlines` with their coverages.
    fn batch(&mut self, outlines: &[Outline]) -> AppResult<Batch> {
        let mut records = Vec::with_capacity(outlines.len());
        let mut coverages = Vec::with_capacity(outlines.len() + outlines.len() / 4);
        for outline in outlines {
            let record = self.patient(outline)?;
            self.coverages(outline, &record.patient, &mut coverages)?;
            records.push(record);
        }
        Ok((records, coverages))
    }

    /// A fresh MBI in the CMS format, never handed out before.
    fn mbi(&mut self) -> AppResult<String> {
        loop {
            let text: String = b"CAMNAMNAANN"
                .iter()
                .map(|kind| {
                    let letter = |rng: &mut StdRng| char::from(*pick(rng, MBI_LETTERS));
                    let digit =
                        |rng: &mut StdRng, low: u8| char::from(rng.random_range(low..=b'9'));
                    match kind {
                        b'C' => digit(&mut self.rng, b'1'),
                        b'N' => digit(&mut self.rng, b'0'),
                        b'A' => letter(&mut self.rng),
                        _ if self.rng.random_bool(0.5) => digit(&mut self.rng, b'0'),
                        _ => letter(&mut self.rng),
                    }
                })
                .collect();
            let mbi = Mbi::parse(&text).map_err(internal)?.as_str().to_owned();
            if self.mbis.insert(mbi.clone()) {
                return Ok(mbi);
            }
        }
    }

    /// A street address line: "4821 Maple Ave".
    fn street(&mut self) -> String {
        let t = self.tables;
        format!(
            "{} {} {}",
            self.rng.random_range(100..10_000),
            pick(&mut self.rng, &t.streets),
            pick(&mut self.rng, &t.suffixes)
        )
    }

    /// An address in a random city of `place` (in `state`), with the city's area code.
    fn address(
        &mut self,
        patient_id: Uuid,
        kind: AddressKind,
        place: &Place,
        state: &str,
    ) -> AppResult<(Address, &'static str)> {
        let city = pick(&mut self.rng, &place.cities);
        let line2 = match self.rng.random_range(0..100) {
            0..6 => {
                let floor = self.rng.random_range(1..30);
                Some(format!(
                    "Apt {floor}{}",
                    char::from(*pick(&mut self.rng, b"ABCD"))
                ))
            }
            6..10 => Some(format!("Unit {}", self.rng.random_range(1..250))),
            10..12 => Some(format!("Lot {}", self.rng.random_range(1..120))),
            _ => None,
        };
        let address = Address {
            patient_id,
            kind: kind.as_str().to_owned(),
            line1: self.street(),
            line2,
            city: city.name.to_owned(),
            state: state.to_owned(),
            postal_code: zip(&format!(
                "{:05}",
                city.first_zip + self.rng.random_range(0..city.zips)
            ))?,
        };
        Ok((address, city.area_code))
    }

    /// A phone number in `area`.
    fn phone(&mut self, area: &str) -> AppResult<String> {
        phone(area, self.rng.random_range(0..100))
    }

    /// A full name for a relative or subscriber, often sharing the patient's family name.
    fn relative(&mut self, family_name: &str) -> String {
        let t = self.tables;
        let names = if self.rng.random_bool(0.5) {
            &t.female
        } else {
            &t.male
        };
        let given = pick(&mut self.rng, names);
        let family = if self.rng.random_bool(0.7) {
            family_name
        } else {
            pick(&mut self.rng, &t.family)
        };
        format!("{given} {family}")
    }

    /// One patient with addresses, phones and diagnoses.
    fn patient(&mut self, outline: &Outline) -> AppResult<PatientRecord> {
        let t = self.tables;
        let id = PatientId::new().as_uuid();
        let place = t
            .places
            .get(outline.state)
            .ok_or_else(|| internal("a state outside the table"))?;
        let state = US_STATES
            .get(outline.state)
            .ok_or_else(|| internal("a state outside the table"))?;
        let sex = match self.rng.random_range(0..1000) {
            0..3 => Sex::Unknown,
            3..560 => Sex::Female,
            _ => Sex::Male,
        };
        let given_names = match sex {
            Sex::Female => &t.female,
            Sex::Male => &t.male,
            Sex::Unknown if self.rng.random_bool(0.5) => &t.female,
            Sex::Unknown => &t.male,
        };
        let given_name = (*pick(&mut self.rng, given_names)).to_owned();
        let family_name = (*pick(&mut self.rng, &t.family)).to_owned();
        let middle_name = match self.rng.random_range(0..10) {
            0..4 => None,
            4..7 => Some((*pick(&mut self.rng, given_names)).to_owned()),
            _ => Some(char::from(self.rng.random_range(b'A'..=b'Z')).to_string()),
        };
        let year = self.today.year();
        let (born_from, born_to) = match outline.cohort {
            Cohort::Aged => (year - 96, year - 66),
            Cohort::Disabled => (year - 64, year - 30),
            Cohort::Commercial => (year - 64, year - 19),
        };
        let birth_date = day_between(
            &mut self.rng,
            year_end(born_from, false)?,
            year_end(born_to, true)?,
        );
        // Only patients on Medicare for years die here, so every coverage starts before death.
        let death_date = (outline.cohort == Cohort::Aged
            && birth_date.year() <= year - 70
            && self.rng.random_bool(0.02))
        .then(|| {
            day_between(
                &mut self.rng,
                self.today - Duration::days(700),
                self.today - Duration::days(7),
            )
        });

        let (home, area) = self.address(id, AddressKind::Home, place, state)?;
        let mut addresses = vec![home];
        if self.rng.random_bool(0.15) {
            // Delivered to a relative's or caregiver's home elsewhere in the state.
            let (mut delivery, _) = self.address(id, AddressKind::Delivery, place, state)?;
            if delivery.line2.is_none() && self.rng.random_bool(0.5) {
                delivery.line2 = Some(format!("c/o {}", self.relative(&family_name)));
            }
            addresses.push(delivery);
        }

        let older = outline.cohort == Cohort::Aged;
        let mut phones = Vec::new();
        let phone_row = |kind: PhoneKind, number: String| PhoneNumber {
            patient_id: id,
            kind: kind.as_str().to_owned(),
            number,
        };
        let has_home = self.rng.random_bool(if older { 0.75 } else { 0.25 });
        let has_mobile = !has_home || self.rng.random_bool(if older { 0.6 } else { 0.95 });
        if has_home {
            phones.push(phone_row(PhoneKind::Home, self.phone(area)?));
        }
        if has_mobile {
            phones.push(phone_row(PhoneKind::Mobile, self.phone(area)?));
        }
        if !older && self.rng.random_bool(0.3) {
            phones.push(phone_row(PhoneKind::Work, self.phone(area)?));
        }

        let email = if self.rng.random_bool(if older { 0.3 } else { 0.75 }) {
            let given = ascii_key(&given_name);
            let local = format!(
                "{}.{}{}",
                if given.is_empty() {
                    "patient".into()
                } else {
                    given
                },
                ascii_key(&family_name),
                self.rng.random_range(1..100)
            );
            let domain = pick(&mut self.rng, &t.email_domains);
            Some(
                Email::parse(&format!("{local}@{domain}"))
                    .map_err(internal)?
                    .as_str()
                    .to_owned(),
            )
        } else {
            None
        };
        let preferred_contact = match self.rng.random_range(0..100) {
            0..15 if email.is_some() => PreferredContact::Email,
            15..40 if has_mobile => PreferredContact::Text,
            40..45 => PreferredContact::Mail,
            _ => PreferredContact::Phone,
        };
        let (emergency_name, emergency_relationship, emergency_phone) =
            if self.rng.random_bool(0.85) {
                (
                    Some(self.relative(&family_name)),
                    Some((*pick(&mut self.rng, &t.relationships)).to_owned()),
                    Some(self.phone(area)?),
                )
            } else {
                (None, None, None)
            };

        let first = t.first_diagnosis.sample(&mut self.rng);
        let mut chosen = vec![first];
        if t.diagnoses.get(first).is_some_and(|dx| dx.lung)
            && self.rng.random_bool(0.5)
            && let Some(o2) = t.diagnoses.iter().position(|d| d.code == OXYGEN_DEPENDENCE)
        {
            chosen.push(o2);
        }
        if self.rng.random_bool(0.4) {
            chosen.push(t.first_diagnosis.sample(&mut self.rng));
        }
        chosen.sort_unstable();
        chosen.dedup();
        let diagnoses = chosen
            .into_iter()
            .filter_map(|i| t.diagnoses.get(i))
            .map(|dx| Diagnosis {
                patient_id: id,
                code: dx.code.clone(),
                description: Some(dx.description.to_owned()),
                added_at: self.now,
            })
            .collect();

        let mbi = match outline.cohort {
            Cohort::Aged | Cohort::Disabled => Some(self.mbi()?),
            Cohort::Commercial => None,
        };
        Ok(PatientRecord {
            patient: Patient {
                id,
                family_key: name_key(&family_name),
                given_key: name_key(&given_name),
                family_name,
                given_name,
                middle_name,
                birth_date,
                sex: sex.as_str().to_owned(),
                mbi,
                email,
                preferred_contact: preferred_contact.as_str().to_owned(),
                emergency_name,
                emergency_relationship,
                emergency_phone,
                death_date,
                created_at: self.now,
                updated_at: self.now,
            },
            addresses,
            phones,
            diagnoses,
        })
    }

    /// The patient's coverages: Medicare (the DME MAC of their state, member id = MBI) with an
    /// optional Medicaid or Medigap secondary, or a commercial plan for those under 65.
    fn coverages(
        &mut self,
        outline: &Outline,
        patient: &Patient,
        out: &mut Vec<Coverage>,
    ) -> AppResult<()> {
        let (payers, now) = (self.payers, self.now);
        let last_day = patient.death_date.unwrap_or(self.today);
        let coverage =
            |payer_id, plan_id, member_id, priority: CoveragePriority, effective_date| Coverage {
                id: CoverageId::new().as_uuid(),
                patient_id: patient.id,
                payer_id,
                plan_id: Some(plan_id),
                member_id,
                group_number: None,
                relationship: SubscriberRelationship::SelfInsured.as_str().to_owned(),
                subscriber_name: None,
                priority: priority.as_str().to_owned(),
                effective_date,
                termination_date: patient.death_date,
                created_at: now,
                updated_at: now,
            };
        let Some(mbi) = patient.mbi.clone() else {
            return self.commercial(patient, out);
        };
        let (payer, plan) = payers
            .mac_of_state
            .get(outline.state)
            .and_then(|mac| payers.macs.get(*mac))
            .copied()
            .ok_or_else(|| internal("a state without a DME MAC"))?;
        let born = patient.birth_date;
        let medicare_from = match outline.cohort {
            // Part B starts the month a person turns 65.
            Cohort::Aged => {
                Date::from_calendar_date(born.year() + 65, born.month(), 1).map_err(internal)?
            }
            // Disability benefits start after 24 months of disability, as an adult.
            _ => {
                let from =
                    year_end(born.year() + 25, false)?.max(self.today - Duration::days(12 * 365));
                first_of_month(day_between(
                    &mut self.rng,
                    from,
                    self.today - Duration::days(60),
                ))?
            }
        }
        .min(first_of_month(last_day)?);
        out.push(coverage(
            payer,
            plan,
            mbi,
            CoveragePriority::Primary,
            medicare_from,
        ));
        let Some(secondary) = outline.secondary else {
            return Ok(());
        };
        let from = first_of_month(day_between(
            &mut self.rng,
            medicare_from,
            last_day - Duration::days(30),
        ))?
        .max(medicare_from);
        let row = match secondary {
            Secondary::Medicaid => {
                let member = format!(
                    "{:012}",
                    self.rng.random_range(100_000_000_000u64..1_000_000_000_000)
                );
                coverage(
                    payers.medicaid.0,
                    payers.medicaid.1,
                    member,
                    CoveragePriority::Secondary,
                    from,
                )
            }
            Secondary::Medigap => {
                let insurer = pick(&mut self.rng, &payers.commercial);
                let member = format!(
                    "{}{:09}",
                    insurer.member_prefix,
                    self.rng.random_range(0..1_000_000_000u32)
                );
                coverage(
                    insurer.payer,
                    insurer.medigap,
                    member,
                    CoveragePriority::Secondary,
                    medicare_from,
                )
            }
        };
        out.push(row);
        Ok(())
    }

    /// A commercial HMO or PPO coverage, through the patient's own employer, a spouse's or (for
    /// young adults) a parent's.
    fn commercial(&mut self, patient: &Patient, out: &mut Vec<Coverage>) -> AppResult<()> {
        let payers = self.payers;
        let insurer = pick(&mut self.rng, &payers.commercial);
        let plan = *pick(&mut self.rng, &insurer.group_plans);
        let age = self.today.year() - patient.birth_date.year();
        let relationship = match self.rng.random_range(0..100) {
            0..80 if age < 26 => SubscriberRelationship::Child,
            0..15 if age >= 26 => SubscriberRelationship::Spouse,
            _ => SubscriberRelationship::SelfInsured,
        };
        let subscriber_name = (relationship != SubscriberRelationship::SelfInsured)
            .then(|| self.relative(&patient.family_name));
        let suffix = if subscriber_name.is_some() {
            "02"
        } else {
            "01"
        };
        let member_id = format!(
            "{}{:09}{suffix}",
            insurer.member_prefix,
            self.rng.random_range(0..1_000_000_000u32)
        );
        let years_ago = self.rng.random_range(0..8);
        let effective_date =
            year_end(self.today.year() - years_ago, false)?.max(patient.birth_date);
        out.push(Coverage {
            id: CoverageId::new().as_uuid(),
            patient_id: patient.id,
            payer_id: insurer.payer,
            plan_id: Some(plan),
            member_id,
            group_number: Some(format!("G{:06}", self.rng.random_range(10_000..1_000_000))),
            relationship: relationship.as_str().to_owned(),
            subscriber_name,
            priority: CoveragePriority::Primary.as_str().to_owned(),
            effective_date,
            termination_date: None,
            created_at: self.now,
            updated_at: self.now,
        });
        Ok(())
    }
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

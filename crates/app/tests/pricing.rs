//! Pricing on every backend: fee schedule imports are idempotent, replace only what changed and
//! keep what it was, report unknown codes and refuse bad files whole; price options are checked
//! by the engine's rules, plans override payers, and the allowed amount says where it came from.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::pricing::{self, AllowedQuery, AllowedSource, BandForm, PriceOptionForm};
use durable_app::{App, AppError, catalog};
use durable_domain::billing::{RentalInput, schedule};
use durable_domain::clock::Clock;
use durable_domain::ids::{PayerId, PlanId};
use durable_domain::role::Role;
use durable_store::directory::{self, Payer, Plan};
use durable_store::pricing as store;
use durable_store::testing::{TestDb, every_backend};
use time::macros::{date, datetime};

mod common;
use common::actor;

const FIXTURE: &[u8] = include_bytes!("../../domain/tests/fixtures/dmepos_fee_schedule.csv");

fn app_on(db: &TestDb) -> App {
    App::new(
        db.store.clone(),
        Clock::fixed(datetime!(2026-02-10 12:00 UTC)),
    )
}

fn fields(err: AppError) -> Vec<String> {
    match err {
        AppError::Invalid(errors) => errors.errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

struct Payers {
    medicare: PayerId,
    commercial: PayerId,
    ppo: PlanId,
}

async fn setup(app: &App) -> Payers {
    catalog::ensure_bundled_hcpcs(app).await.unwrap();
    let (medicare, commercial, ppo) = (PayerId::new(), PayerId::new(), PlanId::new());
    let payer = |id: PayerId, name: &str, kind: &str| Payer {
        id: id.as_uuid(),
        name: name.into(),
        kind: kind.into(),
        edi_payer_id: "X".into(),
        created_at: app.clock.now(),
    };
    let tx = app.store.begin_write().await.unwrap();
    directory::insert_payers(
        tx.conn(),
        vec![
            payer(medicare, "Medicare DME MAC B", "medicare"),
            payer(commercial, "Lakeshore Health Plan", "commercial"),
        ],
        vec![Plan {
            id: ppo.as_uuid(),
            payer_id: commercial.as_uuid(),
            name: "Lakeshore Choice PPO".into(),
            plan_type: "PPO".into(),
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Payers {
        medicare,
        commercial,
        ppo,
    }
}

async fn current_amounts(app: &App) -> Vec<store::FeeScheduleAmount> {
    let mut rows = store::current_fee_amounts(app.store.conn(), date!(2026 - 01 - 01))
        .await
        .unwrap();
    rows.sort_by_key(|r| r.id);
    rows
}

#[tokio::test]
async fn fee_schedule_imports_are_idempotent_and_keep_what_they_replace() {
    for db in every_backend().await {
        let app = app_on(&db);
        setup(&app).await;
        let billing = actor(Role::Billing);
        let first = pricing::import_fee_schedule(&app, &billing, "fs.csv", FIXTURE, None)
            .await
            .unwrap();
        // No date given: the first day of the quarter holding "today" (2026-02-10).
        assert_eq!(first.effective, date!(2026 - 01 - 01));
        assert_eq!(first.rows, 8);
        // 8 rows × 3 states × 2 areas, less A4604's blank AL (R).
        assert_eq!((first.added, first.changed, first.unchanged), (47, 0, 0));
        assert!(first.unknown_codes.is_empty());
        let before = current_amounts(&app).await;

        let again =
            pricing::import_fee_schedule(&app, &billing, "fs.csv", FIXTURE, Some("2026-01-01"))
                .await
                .unwrap();
        assert_eq!(
            (again.added, again.changed, again.removed, again.unchanged),
            (0, 0, 0, 47)
        );
        assert_eq!(
            current_amounts(&app).await,
            before,
            "the same file changes nothing"
        );

        // A newer file for the date: one amount changes, one row goes, an unknown code appears.
        let text = std::str::from_utf8(FIXTURE).unwrap();
        let newer: String = text
            .lines()
            .filter(|l| !l.starts_with("A4604"))
            .map(|l| l.replace("80.01,84.58", "81.00,84.58"))
            .chain(["K1234,,,D,SU,1.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00,Not a code".into()])
            .collect::<Vec<_>>()
            .join("\n");
        let summary = pricing::import_fee_schedule(
            &app,
            &billing,
            "newer.csv",
            newer.as_bytes(),
            Some("2026-01-01"),
        )
        .await
        .unwrap();
        assert_eq!(summary.changed, 1);
        assert_eq!(summary.removed, 5);
        assert_eq!(summary.added, 0);
        assert_eq!(summary.unknown_codes, vec!["K1234".to_owned()]);
        let after = current_amounts(&app).await;
        assert_eq!(after.len(), 47 - 5);
        assert!(after.iter().all(|a| a.hcpcs != "K1234"));
        let oh_rr = store::fee_amounts_for(
            app.store.conn(),
            "E0601",
            "OH",
            false,
            date!(2026 - 03 - 01),
        )
        .await
        .unwrap();
        assert!(
            oh_rr
                .iter()
                .any(|a| a.modifier == "RR" && a.amount_cents == 8_100)
        );
        let imports = pricing::fee_schedule_imports(&app, &billing).await.unwrap();
        assert_eq!(imports.len(), 3);
        assert_eq!(imports[0].summary.unknown_codes, vec!["K1234".to_owned()]);

        // Bad files and dates are refused whole, naming line and field.
        let bad = text.replace("E0601,RR,,D,CR,92.01", "E0601,RR,,D,CR,9x.01");
        let err = pricing::import_fee_schedule(&app, &billing, "bad.csv", bad.as_bytes(), None)
            .await
            .unwrap_err();
        let AppError::Invalid(errors) = err else {
            panic!("expected a field error")
        };
        assert_eq!(errors.errors[0].field, "file");
        assert!(
            errors.errors[0].message.starts_with("line 13, Ceiling:"),
            "{}",
            errors.errors[0].message
        );
        let err = pricing::import_fee_schedule(&app, &billing, "fs.csv", FIXTURE, Some("soon"))
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec!["effective"]);
        assert_eq!(
            current_amounts(&app).await,
            after,
            "refused files write nothing"
        );
        assert!(matches!(
            pricing::import_fee_schedule(&app, &actor(Role::Intake), "fs.csv", FIXTURE, None).await,
            Err(AppError::Forbidden(_))
        ));
        db.finish().await;
    }
}

#[tokio::test]
async fn medicare_is_priced_by_state_and_rural_zip() {
    for db in every_backend().await {
        let app = app_on(&db);
        let payers = setup(&app).await;
        let billing = actor(Role::Billing);
        pricing::import_fee_schedule(&app, &billing, "fs.csv", FIXTURE, Some("2026-01-01"))
            .await
            .unwrap();
        let query = |zip: Option<&str>, modifiers: Option<&str>| AllowedQuery {
            payer_id: payers.medicare.to_string(),
            hcpcs: "E0601".into(),
            rent_or_buy: Some("rental".into()),
            modifiers: modifiers.map(str::to_owned),
            state: Some("OH".into()),
            zip: zip.map(str::to_owned),
            date: Some("2026-03-01".into()),
            ..AllowedQuery::default()
        };
        let intake = actor(Role::Intake);
        let plain = pricing::allowed_amount(&app, &intake, &query(Some("45701"), None))
            .await
            .unwrap();
        assert_eq!(plain.amount.unwrap().cents(), 8_001);
        let AllowedSource::FeeSchedule {
            rural_basis,
            modifiers,
            ..
        } = &plain.source
        else {
            panic!("{plain:?}")
        };
        assert_eq!(rural_basis, "zip_not_in_rural_list");
        assert_eq!(modifiers, &vec!["RR".to_owned()]);

        pricing::import_rural_zips(
            &app,
            &billing,
            "rural.csv",
            b"zip,rural\n45701,Y\n43215,N\n",
        )
        .await
        .unwrap();
        let rural = pricing::allowed_amount(&app, &intake, &query(Some("45701-1234"), None))
            .await
            .unwrap();
        assert_eq!(rural.amount.unwrap().cents(), 8_458);
        let bought = pricing::allowed_amount(&app, &intake, &query(None, Some("NU")))
            .await
            .unwrap();
        assert_eq!(bought.amount.unwrap().cents(), 80_010);
        assert!(
            bought.explanation.contains("no ZIP"),
            "{}",
            bought.explanation
        );

        // Before the schedule's effective date there is nothing to price from.
        let early = AllowedQuery {
            date: Some("2025-12-31".into()),
            ..query(None, None)
        };
        let none = pricing::allowed_amount(&app, &intake, &early)
            .await
            .unwrap();
        assert_eq!(none.source, AllowedSource::None);

        let no_state = AllowedQuery {
            state: None,
            ..query(None, None)
        };
        let err = pricing::allowed_amount(&app, &intake, &no_state)
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec!["state"]);
        assert!(matches!(
            pricing::allowed_amount(&app, &actor(Role::Technician), &query(None, None)).await,
            Err(AppError::Forbidden(_))
        ));
        db.finish().await;
    }
}

fn band(from: &str, to: Option<&str>, modifiers: &str, amount: &str) -> BandForm {
    BandForm {
        from_month: from.into(),
        to_month: to.map(str::to_owned),
        modifiers: modifiers.into(),
        amount: amount.into(),
    }
}

fn capped(payer: PayerId, plan: Option<PlanId>, later: &str) -> PriceOptionForm {
    PriceOptionForm {
        payer_id: payer.to_string(),
        plan_id: plan.map(|p| p.to_string()),
        hcpcs: "E0260".into(),
        kind: "capped_rental".into(),
        cap_months: Some("13".into()),
        bands: vec![
            band("1", Some("1"), "RR KH", "160.00"),
            band("2", Some("3"), "RR,KI", "160.00"),
            band("4", Some("13"), "rr kj", later),
        ],
    }
}

#[tokio::test]
async fn price_options_follow_the_engine_rules_and_plans_override_payers() {
    for db in every_backend().await {
        let app = app_on(&db);
        let payers = setup(&app).await;
        let billing = actor(Role::Billing);
        let payer_wide = pricing::create_price_option(
            &app,
            &billing,
            &capped(payers.commercial, None, "120.00"),
        )
        .await
        .unwrap();
        let view = pricing::price_option(&app, &billing, payer_wide)
            .await
            .unwrap();
        assert_eq!(view.price_option.bands[2].modifiers, vec!["RR", "KJ"]);

        // The stored option is the engine's input as it stands: it bills from it unchanged.
        let input: RentalInput = serde_json::from_value(serde_json::json!({
            "item": { "hcpcs": "E0260", "category": "capped_rental" },
            "payer": "commercial",
            "price_option": view.price_option,
            "first_date_of_service": "2026-01-15",
            "through": "2027-06-30",
            "documentation": { "checklist_met": true },
        }))
        .unwrap();
        let billed = schedule(&input).unwrap();
        assert_eq!(billed.lines.len(), 13);
        assert_eq!(billed.lines[12].allowed.cents(), 12_000);

        // Per-field errors, from the form's parsing and from the engine's own check.
        let mut broken = capped(payers.commercial, None, "-1");
        broken.hcpcs = "E0601".into();
        broken.bands[1].from_month = "x".into();
        let err = pricing::create_price_option(&app, &billing, &broken)
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec!["bands[1].from_month", "bands[2].amount"]);
        let mut gap = capped(payers.commercial, None, "120.00");
        gap.hcpcs = "E0601".into();
        gap.bands[2].from_month = "5".into();
        let err = pricing::create_price_option(&app, &billing, &gap)
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec!["bands[2].from_month"]);
        let mut medicare = capped(payers.medicare, None, "120.00");
        medicare.hcpcs = "E9999".into();
        let err = pricing::create_price_option(&app, &billing, &medicare)
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec!["payer_id", "hcpcs"]);
        let err =
            pricing::create_price_option(&app, &billing, &capped(payers.commercial, None, "1.00"))
                .await
                .unwrap_err();
        assert_eq!(
            fields(err),
            vec!["kind"],
            "one rental option per payer and code"
        );

        // The PPO's own option overrides the payer's; a purchase is a separate option.
        let ppo = pricing::create_price_option(
            &app,
            &billing,
            &capped(payers.commercial, Some(payers.ppo), "110.00"),
        )
        .await
        .unwrap();
        let purchase = PriceOptionForm {
            kind: "purchase".into(),
            cap_months: None,
            bands: vec![band("1", None, "NU", "1450.00")],
            ..capped(payers.commercial, None, "")
        };
        pricing::create_price_option(&app, &billing, &purchase)
            .await
            .unwrap();
        let ask = |plan: Option<PlanId>, rent_or_buy: &str, month: &str| AllowedQuery {
            payer_id: payers.commercial.to_string(),
            plan_id: plan.map(|p| p.to_string()),
            hcpcs: "E0260".into(),
            rent_or_buy: Some(rent_or_buy.into()),
            month: Some(month.into()),
            ..AllowedQuery::default()
        };
        let intake = actor(Role::Intake);
        let amount = |allowed: pricing::Allowed| allowed.amount.map(|a| a.cents());
        let payer_month5 = pricing::allowed_amount(&app, &intake, &ask(None, "rental", "5"))
            .await
            .unwrap();
        assert_eq!(amount(payer_month5.clone()), Some(12_000));
        let AllowedSource::PriceOption {
            scope, modifiers, ..
        } = &payer_month5.source
        else {
            panic!()
        };
        assert_eq!(
            (scope.as_str(), modifiers.join(" ")),
            ("payer", "RR KJ".into())
        );
        let plan_month5 =
            pricing::allowed_amount(&app, &intake, &ask(Some(payers.ppo), "rental", "5"))
                .await
                .unwrap();
        assert_eq!(amount(plan_month5), Some(11_000));
        let bought =
            pricing::allowed_amount(&app, &intake, &ask(Some(payers.ppo), "purchase", "1"))
                .await
                .unwrap();
        assert_eq!(
            amount(bought),
            Some(145_000),
            "the plan has no purchase option of its own"
        );
        let past_cap = pricing::allowed_amount(&app, &intake, &ask(None, "rental", "14"))
            .await
            .unwrap();
        assert_eq!(past_cap.source, AllowedSource::None);

        // Editing keeps what it was in the audit trail.
        pricing::update_price_option(
            &app,
            &billing,
            ppo,
            &capped(payers.commercial, Some(payers.ppo), "100.00"),
        )
        .await
        .unwrap();
        let plan_month5 =
            pricing::allowed_amount(&app, &intake, &ask(Some(payers.ppo), "rental", "5"))
                .await
                .unwrap();
        assert_eq!(amount(plan_month5), Some(10_000));
        let listed = pricing::price_options(
            &app,
            &intake,
            Some(&payers.commercial.to_string()),
            Some("e0260"),
        )
        .await
        .unwrap();
        assert_eq!(listed.len(), 3);
        assert!(matches!(
            pricing::create_price_option(&app, &intake, &purchase).await,
            Err(AppError::Forbidden(_))
        ));
        db.finish().await;
    }
}

/// A synthetic fee schedule in the CMS layout: `rows` code and modifier combinations (catalog
/// codes × NU, RR, UE, KF, none) with a non-rural and a rural column for each of `states`.
fn synthetic_fee_schedule(
    codes: &[String],
    rows: usize,
    states: &[&str],
    cents_offset: i64,
) -> Vec<u8> {
    let mut out = String::from("Synthetic DMEPOS fee schedule,\nInvented amounts\n,\n,\n,\n,\n");
    out.push_str("HCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor");
    for state in states {
        out.push_str(&format!(",{state} (NR),{state} (R)"));
    }
    out.push_str(",Description\n");
    let mut written = 0;
    'outer: for modifier in ["NU", "RR", "UE", "KF", ""] {
        for (i, code) in codes.iter().enumerate() {
            if written == rows {
                break 'outer;
            }
            out.push_str(&format!("{code},{modifier},,D,CR,100.00,10.00"));
            for (s, _) in states.iter().enumerate() {
                let cents = 1_000 + (i as i64 * 7 + s as i64 * 13) % 90_000 + cents_offset;
                out.push_str(&format!(
                    ",{}.{:02},{}.{:02}",
                    cents / 100,
                    cents % 100,
                    (cents + 50) / 100,
                    (cents + 50) % 100
                ));
            }
            out.push_str(",Synthetic\n");
            written += 1;
        }
    }
    assert_eq!(written, rows, "enough catalog codes");
    out.into_bytes()
}

/// Times importing a 10,000-row fee schedule, then the same file again and a changed one, on
/// every backend. Slow on purpose, so run it by name:
/// `cargo test -p durable-app --test pricing large_fee_schedule -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a timing run; see docs/benchmarks.md"]
async fn large_fee_schedule_import_timing() {
    const ROWS: usize = 10_000;
    // 10 states by default; DURABLE_FEE_STATES=56 gives every column of a real CMS file.
    let count = std::env::var("DURABLE_FEE_STATES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(10);
    let states: Vec<&str> = durable_domain::codes::US_STATES
        .iter()
        .take(count)
        .copied()
        .collect();
    for db in every_backend().await {
        let app = app_on(&db);
        setup(&app).await;
        let billing = actor(Role::Billing);
        let mut codes: Vec<String> = durable_store::catalog::all_hcpcs_codes(app.store.conn())
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.kind == "procedure")
            .map(|c| c.code)
            .collect();
        codes.sort();
        let file = synthetic_fee_schedule(&codes, ROWS, &states, 0);
        let changed = synthetic_fee_schedule(&codes, ROWS, &states, 1);
        let amounts = ROWS * states.len() * 2;
        for (label, bytes) in [
            ("first", &file),
            ("same again", &file),
            ("every amount changed", &changed),
        ] {
            let started = std::time::Instant::now();
            let summary = pricing::import_fee_schedule(
                &app,
                &billing,
                "synthetic.csv",
                bytes,
                Some("2026-01-01"),
            )
            .await
            .unwrap();
            println!(
                "{}: {ROWS} rows × {} states = {amounts} amounts, {label}: {:?} (added {}, changed {}, unchanged {})",
                db.label(),
                states.len(),
                started.elapsed(),
                summary.added,
                summary.changed,
                summary.unchanged
            );
        }
        db.finish().await;
    }
}

//! Demo pricing: price options for the commercial payers and Medicaid (one plan overriding its
//! payer), and a small DMEPOS fee schedule for Medicare. Every amount here is invented for the
//! demonstration; none is a CMS or payer figure. They go through the same use cases as typed
//! ones, as the `demo-loader` billing user, so the audit trail says where they came from.

use durable_domain::role::Role;
use durable_store::directory;

use crate::pricing::{self, BandForm, PriceOptionForm};
use crate::{Actor, App, AppResult};

/// The fee schedule the demo loads: Durable's test fixture in the CMS layout, whose preamble
/// says its amounts are invented, loaded under a name that says so again.
const FICTIONAL_FEE_SCHEDULE: &[u8] =
    include_bytes!("../../../domain/tests/fixtures/dmepos_fee_schedule.csv");

/// The import name the demo's fee schedule is recorded under.
pub const FEE_SCHEDULE_NAME: &str =
    "demo: fictional amounts in the CMS DMEPOS layout, not CMS figures";

/// A price option of the demo: HCPCS, kind, cap, bands (from, to, modifiers, amount in cents).
type DemoOption = (
    &'static str,
    &'static str,
    Option<u32>,
    &'static [(u32, Option<u32>, &'static str, i64)],
);

/// The options every non-Medicare demo payer has, at its own rate (see [`RATES`]).
const OPTIONS: [DemoOption; 4] = [
    (
        "E0601",
        "capped_rental",
        Some(13),
        &[
            (1, Some(1), "RR KH", 9_500),
            (2, Some(3), "RR KI", 9_500),
            (4, Some(13), "RR KJ", 7_100),
        ],
    ),
    ("E0601", "purchase", None, &[(1, None, "NU", 89_000)]),
    (
        "E0260",
        "capped_rental",
        Some(13),
        &[
            (1, Some(1), "RR KH", 16_500),
            (2, Some(3), "RR KI", 16_500),
            (4, Some(13), "RR KJ", 12_400),
        ],
    ),
    ("E1390", "oxygen", Some(36), &[(1, Some(36), "", 17_800)]),
];

/// Each kind of payer's rate, in basis points of the amounts above.
const RATES: [(&str, u32); 2] = [("commercial", 11_000), ("medicaid", 8_500)];

/// The first commercial payer's PPO pays its own, higher CPAP rental rate.
const PPO_OVERRIDE_BP: u32 = 12_000;

fn form(payer: &str, plan: Option<&str>, option: &DemoOption, rate_bp: u32) -> PriceOptionForm {
    let (hcpcs, kind, cap, bands) = option;
    PriceOptionForm {
        payer_id: payer.to_owned(),
        plan_id: plan.map(str::to_owned),
        hcpcs: (*hcpcs).to_owned(),
        kind: (*kind).to_owned(),
        cap_months: cap.map(|c| c.to_string()),
        bands: bands
            .iter()
            .map(|(from, to, modifiers, cents)| {
                let amount = durable_domain::money::Money::from_cents(*cents)
                    .percent_bp(rate_bp)
                    .unwrap_or_default()
                    .cents();
                BandForm {
                    from_month: from.to_string(),
                    to_month: to.map(|t| t.to_string()),
                    modifiers: (*modifiers).to_owned(),
                    amount: format!("{}.{:02}", amount / 100, amount % 100),
                }
            })
            .collect(),
    }
}

/// Loads the demo's price options and fictional fee schedule.
pub(super) async fn load(app: &App) -> AppResult<()> {
    let loader = Actor {
        user_id: None,
        username: "demo-loader".into(),
        role: Role::Billing,
        source: "demo".into(),
    };
    let db = app.store.conn();
    let payers = directory::payers(db).await?;
    let plans = directory::plans(db).await?;
    let mut ppo_done = false;
    for payer in &payers {
        let Some((_, rate)) = RATES.iter().find(|(kind, _)| *kind == payer.kind) else {
            continue;
        };
        let id = payer.id.to_string();
        for option in &OPTIONS {
            pricing::create_price_option(app, &loader, &form(&id, None, option, *rate)).await?;
        }
        let ppo = plans
            .iter()
            .find(|p| p.payer_id == payer.id && p.plan_type == "PPO");
        if let (false, Some(ppo)) = (ppo_done, ppo) {
            let plan = ppo.id.to_string();
            let cpap = form(&id, Some(&plan), &OPTIONS[0], PPO_OVERRIDE_BP);
            pricing::create_price_option(app, &loader, &cpap).await?;
            ppo_done = true;
        }
    }
    pricing::import_fee_schedule(
        app,
        &loader,
        FEE_SCHEDULE_NAME,
        FICTIONAL_FEE_SCHEDULE,
        None,
    )
    .await?;
    Ok(())
}

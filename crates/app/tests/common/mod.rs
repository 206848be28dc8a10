//! Helpers shared by the app's test suites.

use durable_app::Actor;
use durable_domain::role::Role;

/// A person acting in `role`, named after it, without a user account behind them.
pub fn actor(role: Role) -> Actor {
    Actor {
        user_id: None,
        username: role.as_str().into(),
        role,
        source: "test".into(),
    }
}

/// Dr. Ada Lovelace of Dayton, a prescriber with a valid NPI, added by intake.
#[allow(dead_code)] // Not every suite that shares this module orders anything.
pub async fn prescriber(app: &durable_app::App) -> durable_domain::ids::PrescriberId {
    durable_app::directory::add_prescriber(
        app,
        &actor(Role::Intake),
        &durable_app::directory::PrescriberForm {
            npi: "1234567893".into(),
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            line1: "1 Clinic Way".into(),
            city: "Dayton".into(),
            state: "OH".into(),
            postal_code: "45402".into(),
            ..durable_app::directory::PrescriberForm::default()
        },
    )
    .await
    .expect("a valid prescriber is added")
}

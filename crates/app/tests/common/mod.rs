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

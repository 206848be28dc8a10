//! The six staff roles (DESIGN.md, "Security"). What each may do lives in durable-app's
//! permission table; this module only names them.

use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// A staff member's job, which decides what they may see and do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the system: users, tokens, settings, payers.
    Admin,
    /// Patient care coordinator: patients, insurance, prescribers, orders.
    Intake,
    /// Delivery and service technician: delivery address and equipment, never diagnosis or insurance.
    Technician,
    /// Billing specialist: insurance, claims, remittances.
    Billing,
    /// Sales rep: referral sources and prescribers, not charts.
    Sales,
    /// Compliance officer: the audit trail and compliance records.
    Compliance,
}

impl Role {
    /// Every role, in the order menus show them.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Intake,
        Role::Technician,
        Role::Billing,
        Role::Sales,
        Role::Compliance,
    ];

    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Intake => "intake",
            Role::Technician => "technician",
            Role::Billing => "billing",
            Role::Sales => "sales",
            Role::Compliance => "compliance",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Intake => "Intake coordinator",
            Role::Technician => "Technician",
            Role::Billing => "Billing specialist",
            Role::Sales => "Sales rep",
            Role::Compliance => "Compliance officer",
        }
    }

    /// Parses a role name; `tech` is accepted for technician.
    pub fn parse(text: &str) -> Result<Role, CodeError> {
        let wanted = text.trim().to_ascii_lowercase();
        if wanted == "tech" {
            return Ok(Role::Technician);
        }
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted)
            .ok_or_else(|| {
                CodeError(format!(
                    "Unknown role '{}'; use one of: admin, intake, technician, billing, sales, compliance.",
                    text.trim()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_by_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert_eq!(Role::parse("Tech").unwrap(), Role::Technician);
        assert!(Role::parse("janitor").unwrap_err().0.contains("janitor"));
    }
}

//! The one permission table (DESIGN.md, "Security"; HIPAA minimum necessary, 45 CFR 164.502(b)).
//! Each role gets only the categories of data its work needs: a technician sees the delivery
//! address and the patient's phone, never the diagnosis or insurance; a sales rep sees referral
//! sources and prescribers, never charts; the administrator runs the system without reading charts.

use durable_domain::role::Role;

/// Something a user may be allowed to see or do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Find patients and read demographics, addresses and phones.
    PatientRead,
    /// Create and change patients' demographics.
    PatientWrite,
    /// Read diagnoses.
    ClinicalRead,
    /// Read insurance: coverages and the MBI.
    CoverageRead,
    /// Add and change coverages.
    CoverageWrite,
    /// Read payers and plans (no patient data).
    PayerRead,
    /// Read prescribers.
    PrescriberRead,
    /// Add and change prescribers.
    PrescriberWrite,
    /// Read referral sources.
    ReferralSourceRead,
    /// Add and change referral sources.
    ReferralSourceWrite,
    /// Search the audit trail.
    AuditRead,
    /// Manage users and API tokens.
    UserAdmin,
    /// Run the rental billing simulator (no patient data).
    BillingSimulate,
    /// Read HCPCS codes and products (no patient data).
    CatalogRead,
    /// Import HCPCS files and override payment categories.
    CatalogWrite,
    /// Add and change products.
    ProductWrite,
    /// Read orders and the intake queue (patient data, diagnoses included).
    OrderRead,
    /// Take and change orders.
    OrderWrite,
    /// Release a held order over its unmet requirements, with a written reason.
    OrderOverride,
    /// Read locations, stock, assets and their custody (patients named only with `PatientRead`).
    InventoryRead,
    /// Move assets through their life, record cleaning and inspection, post stock movements.
    InventoryWrite,
    /// Add vendors, place purchase orders and receive them.
    PurchasingWrite,
    /// Read recall campaigns and their follow-up (patients named only with `PatientRead`).
    RecallRead,
    /// Open recall campaigns (quarantining units in stock) and record follow-up.
    RecallManage,
    /// Read price options, fee schedule amounts and allowed amounts (no patient data).
    PricingRead,
    /// Configure price options and import fee schedules and rural ZIP codes.
    PricingWrite,
    /// Read the server's operating figures (`/metrics`): latencies, pool, queues; no records.
    ServerMonitor,
    /// Read delivery tickets and stops: the patient's name, address and phone and the items,
    /// never diagnoses or insurance.
    DeliveryRead,
    /// Plan deliveries from Ready orders, schedule and reschedule them.
    DeliveryPlan,
    /// Record a delivery at the stop: serials, checklists, signature; or a failed attempt.
    DeliveryComplete,
    /// Edit the organization's settings and look after background jobs (no patient data).
    OrganizationAdmin,
}

impl Permission {
    /// Every permission, for the matrix test and the documentation.
    pub const ALL: [Permission; 31] = [
        Permission::PatientRead,
        Permission::PatientWrite,
        Permission::ClinicalRead,
        Permission::CoverageRead,
        Permission::CoverageWrite,
        Permission::PayerRead,
        Permission::PrescriberRead,
        Permission::PrescriberWrite,
        Permission::ReferralSourceRead,
        Permission::ReferralSourceWrite,
        Permission::AuditRead,
        Permission::UserAdmin,
        Permission::BillingSimulate,
        Permission::CatalogRead,
        Permission::CatalogWrite,
        Permission::ProductWrite,
        Permission::OrderRead,
        Permission::OrderWrite,
        Permission::OrderOverride,
        Permission::InventoryRead,
        Permission::InventoryWrite,
        Permission::PurchasingWrite,
        Permission::RecallRead,
        Permission::RecallManage,
        Permission::PricingRead,
        Permission::PricingWrite,
        Permission::ServerMonitor,
        Permission::DeliveryRead,
        Permission::DeliveryPlan,
        Permission::DeliveryComplete,
        Permission::OrganizationAdmin,
    ];

    /// What the permission covers, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Permission::PatientRead => "reading patient demographics",
            Permission::PatientWrite => "changing patient demographics",
            Permission::ClinicalRead => "reading diagnoses",
            Permission::CoverageRead => "reading insurance",
            Permission::CoverageWrite => "changing insurance",
            Permission::PayerRead => "reading payers",
            Permission::PrescriberRead => "reading prescribers",
            Permission::PrescriberWrite => "changing prescribers",
            Permission::ReferralSourceRead => "reading referral sources",
            Permission::ReferralSourceWrite => "changing referral sources",
            Permission::AuditRead => "reading the audit trail",
            Permission::UserAdmin => "managing users",
            Permission::BillingSimulate => "running the rental simulator",
            Permission::CatalogRead => "reading HCPCS codes and products",
            Permission::CatalogWrite => "importing HCPCS codes",
            Permission::ProductWrite => "changing products",
            Permission::OrderRead => "reading orders",
            Permission::OrderWrite => "taking and changing orders",
            Permission::OrderOverride => "releasing held orders",
            Permission::InventoryRead => "reading inventory and equipment",
            Permission::InventoryWrite => "moving equipment and stock",
            Permission::PurchasingWrite => "purchasing and receiving",
            Permission::RecallRead => "reading recalls",
            Permission::RecallManage => "running recalls",
            Permission::PricingRead => "reading price options and allowed amounts",
            Permission::PricingWrite => "configuring price options and fee schedules",
            Permission::ServerMonitor => "reading the server's operating figures",
            Permission::DeliveryRead => "reading deliveries and stops",
            Permission::DeliveryPlan => "planning and scheduling deliveries",
            Permission::DeliveryComplete => "recording deliveries at the stop",
            Permission::OrganizationAdmin => "organization settings and background jobs",
        }
    }
}

/// The table: which roles hold each permission.
const TABLE: &[(Permission, &[Role])] = {
    use Role::*;
    &[
        (
            Permission::PatientRead,
            &[Intake, Technician, Billing, Compliance],
        ),
        (Permission::PatientWrite, &[Intake, Billing]),
        (Permission::ClinicalRead, &[Intake, Billing, Compliance]),
        (Permission::CoverageRead, &[Intake, Billing, Compliance]),
        (Permission::CoverageWrite, &[Intake, Billing]),
        (Permission::PayerRead, &[Admin, Intake, Billing, Compliance]),
        (
            Permission::PrescriberRead,
            &[Admin, Intake, Billing, Sales, Compliance],
        ),
        (Permission::PrescriberWrite, &[Admin, Intake, Sales]),
        (
            Permission::ReferralSourceRead,
            &[Admin, Intake, Sales, Compliance],
        ),
        (Permission::ReferralSourceWrite, &[Admin, Intake, Sales]),
        (Permission::AuditRead, &[Admin, Compliance]),
        (Permission::UserAdmin, &[Admin]),
        (Permission::BillingSimulate, &[Admin, Billing]),
        (
            Permission::CatalogRead,
            &[Admin, Intake, Technician, Billing, Sales, Compliance],
        ),
        (Permission::CatalogWrite, &[Admin, Billing]),
        (Permission::ProductWrite, &[Admin, Intake, Billing]),
        (Permission::OrderRead, &[Intake, Billing, Compliance]),
        (Permission::OrderWrite, &[Intake, Billing]),
        (Permission::OrderOverride, &[Intake, Billing]),
        (
            Permission::InventoryRead,
            &[Admin, Intake, Technician, Billing, Compliance],
        ),
        (Permission::InventoryWrite, &[Admin, Technician]),
        (Permission::PurchasingWrite, &[Admin]),
        (Permission::RecallRead, &[Admin, Intake, Compliance]),
        (Permission::RecallManage, &[Admin, Compliance]),
        (
            Permission::PricingRead,
            &[Admin, Intake, Billing, Compliance],
        ),
        (Permission::PricingWrite, &[Admin, Billing]),
        (Permission::ServerMonitor, &[Admin]),
        (
            Permission::DeliveryRead,
            &[Intake, Technician, Billing, Compliance],
        ),
        (Permission::DeliveryPlan, &[Intake]),
        (Permission::DeliveryComplete, &[Technician]),
        (Permission::OrganizationAdmin, &[Admin]),
    ]
};

/// Whether `role` holds `permission`.
pub fn allows(role: Role, permission: Permission) -> bool {
    TABLE
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_is_in_the_table_once() {
        for permission in Permission::ALL {
            assert_eq!(
                TABLE.iter().filter(|(p, _)| *p == permission).count(),
                1,
                "{permission:?}"
            );
        }
    }

    /// The table as Markdown, one row per permission and one column per role.
    fn markdown_table() -> String {
        let mut out = String::from("| Permission |");
        for role in Role::ALL {
            out.push_str(&format!(" {} |", role.as_str()));
        }
        out.push_str("\n| --- |");
        out.push_str(&" :-: |".repeat(Role::ALL.len()));
        out.push('\n');
        for permission in Permission::ALL {
            out.push_str(&format!("| {} |", permission.describe()));
            for role in Role::ALL {
                out.push_str(if allows(role, permission) {
                    " ✔ |"
                } else {
                    "  |"
                });
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_documented_table_is_the_enforced_table() {
        let doc = include_str!("../../../docs/permissions.md");
        let table = markdown_table();
        assert!(
            doc.contains(&table),
            "docs/permissions.md is out of date; it should contain:\n{table}"
        );
    }

    #[test]
    fn minimum_necessary_for_the_field_roles() {
        assert!(allows(Role::Technician, Permission::PatientRead));
        assert!(!allows(Role::Technician, Permission::ClinicalRead));
        assert!(!allows(Role::Technician, Permission::CoverageRead));
        assert!(!allows(Role::Technician, Permission::AuditRead));
        assert!(!allows(Role::Sales, Permission::PatientRead));
        assert!(allows(Role::Sales, Permission::ReferralSourceWrite));
        assert!(!allows(Role::Admin, Permission::PatientRead));
        assert!(allows(Role::Compliance, Permission::AuditRead));
        // Equipment without charts: sales never sees where a patient's unit is.
        assert!(!allows(Role::Sales, Permission::InventoryRead));
        assert!(!allows(Role::Admin, Permission::PatientRead));
        assert!(allows(Role::Admin, Permission::RecallManage));
    }
}

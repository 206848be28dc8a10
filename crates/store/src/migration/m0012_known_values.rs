//! Columns that hold a name from a closed list (an order's status, a unit's state, a user's role,
//! a product's lot tracking …) accept only the names of that list (ADR 0007). PostgreSQL gets a
//! CHECK constraint; SQLite cannot add one to an existing table, and rebuilding a table that
//! others reference cannot be done inside the migration's transaction, so it gets the same rule
//! as two triggers (insert, update of the column) that fail as a CHECK would, with the same name.
//! A store that already holds a name outside a list is not changed: the migration stops and says
//! which column, so the value can be corrected first.

use sea_orm::{DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_known_values"
    }
}

/// One closed list: the names `table.column` may hold, as this version writes them. Frozen with
/// the migration; a later list is a later migration.
pub struct KnownValues {
    /// The table.
    pub table: &'static str,
    /// The column.
    pub column: &'static str,
    /// Every name the column may hold.
    pub values: &'static [&'static str],
}

impl KnownValues {
    /// The rule's name on both backends, as errors report it.
    pub fn rule(&self) -> String {
        format!("{}_{}_known", self.table, self.column)
    }

    /// `column IN ('a', 'b' …)`; the names are this file's constants, never input.
    fn condition(&self, row: &str) -> String {
        let names: Vec<String> = self.values.iter().map(|v| format!("'{v}'")).collect();
        format!("{row}{} IN ({})", self.column, names.join(", "))
    }
}

/// Every column with a closed list, and its list.
pub const KNOWN_VALUES: [KnownValues; 16] = [
    KnownValues {
        table: "orders",
        column: "status",
        values: &ORDER_STATUSES,
    },
    KnownValues {
        table: "order_events",
        column: "status",
        values: &ORDER_STATUSES,
    },
    KnownValues {
        table: "inventory_products",
        column: "lot_tracking",
        values: &["none", "lot", "lot_and_expiry"],
    },
    KnownValues {
        table: "assets",
        column: "state",
        values: &[
            "available",
            "reserved",
            "delivered",
            "returned",
            "wiped",
            "cleaned",
            "in_repair",
            "quarantined",
            "lost",
            "retired",
            "patient_owned",
        ],
    },
    KnownValues {
        table: "purchase_orders",
        column: "status",
        values: &["open", "partial", "received"],
    },
    KnownValues {
        table: "prior_authorizations",
        column: "status",
        values: &["draft", "submitted", "affirmed", "non_affirmed", "expired"],
    },
    KnownValues {
        table: "recall_units",
        column: "status",
        values: &["open", "contacted", "quarantined", "remedied", "closed"],
    },
    KnownValues {
        table: "users",
        column: "role",
        values: &[
            "admin",
            "intake",
            "technician",
            "billing",
            "sales",
            "compliance",
        ],
    },
    KnownValues {
        table: "patients",
        column: "sex",
        values: &["female", "male", "unknown"],
    },
    KnownValues {
        table: "patients",
        column: "preferred_contact",
        values: &["phone", "text", "email", "mail"],
    },
    KnownValues {
        table: "coverages",
        column: "priority",
        values: &["primary", "secondary", "tertiary"],
    },
    KnownValues {
        table: "coverages",
        column: "relationship",
        values: &["self", "spouse", "child", "other"],
    },
    KnownValues {
        table: "patient_addresses",
        column: "kind",
        values: &["home", "delivery"],
    },
    KnownValues {
        table: "patient_phones",
        column: "kind",
        values: &["mobile", "home", "work"],
    },
    KnownValues {
        table: "payers",
        column: "kind",
        values: &["medicare", "medicaid", "commercial"],
    },
    KnownValues {
        table: "referral_sources",
        column: "kind",
        values: &["practice", "hospital", "snf", "home_health", "other"],
    },
];

const ORDER_STATUSES: [&str; 6] = [
    "new",
    "hold",
    "ready",
    "scheduled",
    "delivered",
    "cancelled",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All rules or none, on SQLite too: a migration stopped by a stored value adds nothing.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for known in &KNOWN_VALUES {
            refuse_unknown(db, backend, known).await?;
            let rule = known.rule();
            let (table, column) = (known.table, known.column);
            let statements = match backend {
                DatabaseBackend::Postgres => vec![format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {rule} CHECK ({})",
                    known.condition("")
                )],
                _ => ["INSERT", &format!("UPDATE OF {column}")]
                    .into_iter()
                    .zip(["insert", "update"])
                    .map(|(event, suffix)| {
                        format!(
                            "CREATE TRIGGER {rule}_{suffix} BEFORE {event} ON {table} \
                             WHEN NOT ({}) \
                             BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {rule}'); END",
                            known.condition("NEW.")
                        )
                    })
                    .collect(),
            };
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for known in &KNOWN_VALUES {
            let rule = known.rule();
            let statements = match manager.get_database_backend() {
                DatabaseBackend::Postgres => vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT {rule}",
                    known.table
                )],
                _ => vec![
                    format!("DROP TRIGGER {rule}_insert"),
                    format!("DROP TRIGGER {rule}_update"),
                ],
            };
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }
}

/// Stops the migration when the column already holds a name outside its list.
async fn refuse_unknown(
    db: &SchemaManagerConnection<'_>,
    backend: DatabaseBackend,
    known: &KnownValues,
) -> Result<(), DbErr> {
    let count = format!(
        "SELECT COUNT(*) FROM {} WHERE NOT ({})",
        known.table,
        known.condition("")
    );
    let unknown: i64 = db
        .query_one_raw(Statement::from_string(backend, count))
        .await?
        .map(|row| row.try_get_by_index(0))
        .transpose()?
        .unwrap_or(0);
    if unknown > 0 {
        return Err(DbErr::Migration(format!(
            "{unknown} row(s) of {}.{} hold a value other than {}: correct them, then migrate again",
            known.table,
            known.column,
            known.values.join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use durable_domain::orders::OrderStatus;
    use durable_domain::people::{
        AddressKind, CoveragePriority, PayerKind, PhoneKind, PreferredContact, ReferralSourceKind,
        Sex, SubscriberRelationship,
    };
    use durable_domain::role::Role;

    /// The frozen lists are the names the domain writes today.
    #[test]
    fn the_lists_are_the_domain_vocabularies() {
        let list = |table: &str, column: &str| -> Vec<&'static str> {
            KNOWN_VALUES
                .iter()
                .find(|k| k.table == table && k.column == column)
                .map(|k| k.values.to_vec())
                .unwrap_or_default()
        };
        assert_eq!(
            list("orders", "status"),
            OrderStatus::ALL.map(|s| s.as_str())
        );
        assert_eq!(list("users", "role"), Role::ALL.map(|r| r.as_str()));
        assert_eq!(
            list("patients", "sex"),
            Sex::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()
        );
        assert_eq!(
            list("patients", "preferred_contact"),
            PreferredContact::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            list("coverages", "priority"),
            CoveragePriority::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            list("coverages", "relationship"),
            SubscriberRelationship::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            list("patient_addresses", "kind"),
            AddressKind::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            list("patient_phones", "kind"),
            PhoneKind::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            list("payers", "kind"),
            PayerKind::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            list("referral_sources", "kind"),
            ReferralSourceKind::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
    }
}

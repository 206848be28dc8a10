//! Which schema rule a failed write broke. PostgreSQL names the constraint; SQLite names the
//! columns of a unique key ("UNIQUE constraint failed: prescribers.npi") and the name of a CHECK
//! rule. Both are read here into one `Constraint`, so the app layer can say what a broken rule
//! means on the form without guessing from the kind of error.

use sea_orm::DbErr;
use sea_orm::sqlx::error::ErrorKind;

use crate::StoreError;

/// A unique key that a person can run into with what they typed or did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// One prescriber per NPI.
    PrescriberNpi,
    /// One catalog product per manufacturer and model.
    ProductModel,
    /// One vendor per name.
    VendorName,
    /// One purchase order per number.
    PurchaseOrderNumber,
    /// One unit per manufacturer and serial.
    AssetSerial,
    /// One billing episode per delivered order line.
    EpisodeSourceLine,
    /// One user per username.
    Username,
}

impl Constraint {
    /// Every key, for reading a name back.
    const ALL: [Constraint; 7] = [
        Constraint::PrescriberNpi,
        Constraint::ProductModel,
        Constraint::VendorName,
        Constraint::PurchaseOrderNumber,
        Constraint::AssetSerial,
        Constraint::EpisodeSourceLine,
        Constraint::Username,
    ];

    /// The name PostgreSQL gives the key (an index's name, or `<table>_<column>_key`).
    fn postgres_name(self) -> &'static str {
        match self {
            Constraint::PrescriberNpi => "prescribers_npi_key",
            Constraint::ProductModel => "products_manufacturer_model",
            Constraint::VendorName => "vendors_name_key",
            Constraint::PurchaseOrderNumber => "purchase_orders_number_key",
            Constraint::AssetSerial => "assets_manufacturer_serial",
            Constraint::EpisodeSourceLine => "billing_episodes_source_line",
            Constraint::Username => "users_username_key",
        }
    }

    /// The columns SQLite lists when the key is broken.
    fn sqlite_columns(self) -> &'static str {
        match self {
            Constraint::PrescriberNpi => "prescribers.npi",
            Constraint::ProductModel => "products.manufacturer, products.model",
            Constraint::VendorName => "vendors.name",
            Constraint::PurchaseOrderNumber => "purchase_orders.number",
            Constraint::AssetSerial => "assets.manufacturer_key, assets.serial_key",
            Constraint::EpisodeSourceLine => {
                "billing_episodes.source_id, billing_episodes.source_line"
            }
            Constraint::Username => "users.username",
        }
    }
}

/// Sorts a driver error: broken keys and references become what they mean; everything else
/// (I/O, a lost connection, a full disk, a broken CHECK rule, which parsed input never
/// reaches) stays a database error that nobody can blame on the user.
pub(crate) fn translate(err: DbErr) -> StoreError {
    let (DbErr::Exec(sea_orm::RuntimeErr::SqlxError(sqlx))
    | DbErr::Query(sea_orm::RuntimeErr::SqlxError(sqlx))
    | DbErr::Conn(sea_orm::RuntimeErr::SqlxError(sqlx))) = &err
    else {
        return StoreError::Database(err.to_string());
    };
    let Some(database) = sqlx.as_database_error() else {
        return StoreError::Database(err.to_string());
    };
    // PostgreSQL names the constraint; SQLite puts the columns or rule name in the message.
    let name = database.constraint().map_or_else(
        || sqlite_subject(database.message()).to_owned(),
        str::to_owned,
    );
    match database.kind() {
        ErrorKind::UniqueViolation => StoreError::Duplicate {
            key: Constraint::ALL
                .into_iter()
                .find(|c| c.postgres_name() == name || c.sqlite_columns() == name),
            detail: name,
        },
        ErrorKind::ForeignKeyViolation => StoreError::MissingReference(name),
        _ => StoreError::Database(err.to_string()),
    }
}

/// What follows "… constraint failed: " in a SQLite message.
fn sqlite_subject(message: &str) -> &str {
    message
        .split_once("constraint failed: ")
        .map_or("", |(_, subject)| subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_distinct_names_on_both_backends() {
        for (i, a) in Constraint::ALL.iter().enumerate() {
            for b in &Constraint::ALL[i + 1..] {
                assert_ne!(a.postgres_name(), b.postgres_name());
                assert_ne!(a.sqlite_columns(), b.sqlite_columns());
            }
        }
        assert_eq!(
            sqlite_subject("UNIQUE constraint failed: prescribers.npi"),
            "prescribers.npi"
        );
        assert_eq!(sqlite_subject("FOREIGN KEY constraint failed"), "");
    }
}

//! The organization's settings: one row, written whole by the administrator.

use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, IntoActiveModel};

use crate::entity::organization_setting;
use crate::{Db, StoreResult};

pub use crate::entity::organization_setting::Model as OrganizationSettings;

/// The one row's id.
pub const ROW: i32 = 1;

/// The settings, or `None` before the administrator first saves them.
pub async fn get(db: &impl Db) -> StoreResult<Option<OrganizationSettings>> {
    Ok(organization_setting::Entity::find_by_id(ROW)
        .one(db)
        .await?)
}

/// Writes the settings whole (the first save inserts the row).
pub async fn put(db: &impl Db, settings: OrganizationSettings) -> StoreResult<()> {
    use organization_setting::Column::*;
    let row = OrganizationSettings {
        id: ROW,
        ..settings
    };
    organization_setting::Entity::insert(row.into_active_model())
        .on_conflict(
            OnConflict::column(Id)
                .update_columns([
                    LegalName,
                    Npi,
                    TaxId,
                    TaxonomyCode,
                    Line1,
                    Line2,
                    City,
                    State,
                    PostalCode,
                    Phone,
                    TimeZone,
                    UpdatedAt,
                    UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

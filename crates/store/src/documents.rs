//! Document metadata and the checklist items people marked documents as satisfying. The bytes
//! live on disk, content-addressed (see `durable-app`'s document storage).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{document, document_mark};
use crate::{Db, StoreResult};

pub use crate::entity::document::Model as Document;
pub use crate::entity::document_mark::Model as DocumentMark;

/// Records an uploaded document.
pub async fn insert(db: &impl Db, row: Document) -> StoreResult<()> {
    document::Entity::insert(document::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One document.
pub async fn get(db: &impl Db, id: Uuid) -> StoreResult<Option<Document>> {
    Ok(document::Entity::find_by_id(id).one(db).await?)
}

/// Every document's id and digest, in id order (checking the stored bytes).
pub async fn digests(db: &impl Db) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .column(document::Column::Sha256)
        .order_by_asc(document::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// An order's documents, oldest first.
pub async fn for_order(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<Document>> {
    Ok(document::Entity::find()
        .filter(document::Column::OrderId.eq(order_id))
        .order_by_asc(document::Column::UploadedAt)
        .order_by_asc(document::Column::Id)
        .all(db)
        .await?)
}

/// The marks on several documents.
pub async fn marks(db: &impl Db, document_ids: Vec<Uuid>) -> StoreResult<Vec<DocumentMark>> {
    Ok(document_mark::Entity::find()
        .filter(document_mark::Column::DocumentId.is_in(document_ids))
        .all(db)
        .await?)
}

/// Marks a document as satisfying a checklist item (marking twice changes nothing).
pub async fn mark(db: &impl Db, row: DocumentMark) -> StoreResult<()> {
    let exists = document_mark::Entity::find_by_id((row.document_id, row.requirement.clone()))
        .one(db)
        .await?
        .is_some();
    if !exists {
        document_mark::Entity::insert(document_mark::ActiveModel::from(row))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

//! Documents attached to orders: orders, face-to-face notes, sleep studies, PA decisions, ABNs.
//! The bytes are stored content-addressed (SHA-256) under the data directory (DESIGN.md, "Data");
//! the database keeps what they are and which checklist items people marked them as satisfying.
//! Every view is an audited read of the patient's record.

use std::path::{Path, PathBuf};

use durable_domain::catalog::Hcpcs;
use durable_domain::documentation::{DocumentKind, ProductFamily};
use durable_domain::ids::{DocumentId, OrderId, PatientId};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::documents::{self as store, Document, DocumentMark};
use durable_store::orders as order_store;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::audit::{Audit, record, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// The largest document accepted: a long scanned PDF fits; a video does not.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// The requirement a signed written order satisfies.
pub const SIGNED_ORDER: &str = "SWO-SIGNATURE";

/// Where document bytes live: `<root>/<first two hex digits>/<sha256>`.
#[derive(Clone, Debug)]
pub struct DocumentStore {
    root: PathBuf,
}

impl DocumentStore {
    /// Documents under `root` (created when the first document arrives).
    pub fn new(root: impl Into<PathBuf>) -> DocumentStore {
        DocumentStore { root: root.into() }
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// Stores `bytes` under their digest; storing the same bytes twice keeps one copy. The file
    /// is written beside its final name, synced, renamed and its directory synced, so once this
    /// returns the document survives a power cut, and a crash never leaves a partial document
    /// under a good name. A file already there is rewritten when its content does not match
    /// its name. A failed write removes what it wrote.
    pub(crate) async fn put(&self, bytes: &[u8]) -> AppResult<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path(&sha256);
        if let Ok(existing) = tokio::fs::read(&path).await
            && hex::encode(Sha256::digest(&existing)) == sha256
        {
            return Ok(sha256);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let internal = |e: std::io::Error| AppError::Internal(format!("document storage: {e}"));
        tokio::fs::create_dir_all(dir).await.map_err(internal)?;
        let partial = dir.join(format!("{sha256}.{}.partial", Uuid::new_v4().simple()));
        let written = async {
            let mut file = tokio::fs::File::create(&partial).await?;
            file.write_all(bytes).await?;
            // Tokio writes in the background: a write's error (a full disk) surfaces at
            // `flush`, and `sync_all` alone would not report it.
            file.flush().await?;
            file.sync_all().await?;
            tokio::fs::rename(&partial, &path).await
        }
        .await;
        if let Err(err) = written {
            // Nothing useful is left behind: the name is unique to this attempt.
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(internal(err));
        }
        sync_directory(dir).await.map_err(internal)?;
        Ok(sha256)
    }

    /// The bytes stored under `sha256`, checked against it: a damaged or missing file is an
    /// error for the administrator, never served as the document.
    async fn get(&self, sha256: &str) -> AppResult<Vec<u8>> {
        let path = self.path(sha256);
        let bytes = tokio::fs::read(&path).await.map_err(|e| {
            AppError::Internal(format!("document storage: {}: {e}", path.display()))
        })?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            tracing::error!(
                path = %path.display(),
                "a stored document does not match its digest; restore it from a backup"
            );
            return Err(AppError::Internal(format!(
                "document storage: {} does not match its digest",
                path.display()
            )));
        }
        Ok(bytes)
    }
}

/// The outcome of checking (or copying) every document on file.
#[derive(Clone, Debug, Default)]
pub struct DocumentCheck {
    /// Documents whose bytes were found and matched their digest.
    pub sound: usize,
    /// One sentence per document that is missing or damaged.
    pub problems: Vec<String>,
}

/// Reads every document the database lists from `from`, checks it against its digest and, when
/// `copy_to` is given, stores it there too (a backup or a restore). The database is read in one
/// snapshot; documents are never deleted, so a document row always finds its bytes.
pub async fn check_documents(
    app: &App,
    actor: &Actor,
    from: &DocumentStore,
    copy_to: Option<&DocumentStore>,
) -> AppResult<DocumentCheck> {
    actor.require(Permission::AuditRead)?;
    let mut check = DocumentCheck::default();
    for (id, sha256) in store::digests(app.store.conn()).await? {
        match from.get(&sha256).await {
            Ok(bytes) => {
                if let Some(to) = copy_to {
                    to.put(&bytes).await?;
                }
                check.sound += 1;
            }
            Err(err) => check
                .problems
                .push(format!("document {id}: {}", describe(&err))),
        }
    }
    Ok(check)
}

fn describe(err: &AppError) -> String {
    match err {
        AppError::Internal(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// Makes a rename in `dir` permanent (POSIX keeps directory entries apart from file data).
async fn sync_directory(dir: &Path) -> std::io::Result<()> {
    tokio::fs::File::open(dir).await?.sync_all().await
}

/// The content type of a document, judged by its first bytes, never by its name: only the formats
/// fax servers, scanners and e-prescribing portals produce are accepted.
pub fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 5] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// A document as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    /// The document's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: DocumentId,
    /// order, f2f_note, sleep_study, oximetry, pa_decision, abn or other.
    pub kind: String,
    /// What people call the kind.
    pub kind_label: String,
    /// The format found in the content.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The uploaded file's name.
    pub file_name: String,
    /// The date on the document (signature, study or decision date).
    pub document_date: Option<Date>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// Checklist items it was marked as satisfying.
    pub marks: Vec<String>,
    /// Checklist items it could be marked as satisfying on its order, not yet marked.
    pub can_satisfy: Vec<String>,
}

fn parse_kind(text: &str) -> Option<DocumentKind> {
    DocumentKind::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == text.trim())
}

/// The checklist items a document of `kind` may satisfy on an order billing `codes`.
pub fn satisfiable(kind: DocumentKind, codes: &[Hcpcs]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if kind == DocumentKind::Order {
        out.push(SIGNED_ORDER);
    }
    for code in codes {
        let Some(family) = ProductFamily::of(code) else {
            continue;
        };
        for item in family.checklist() {
            if item.accepts(kind) && item.applies_to(code) && !out.contains(&item.requirement.id) {
                out.push(item.requirement.id);
            }
        }
    }
    out
}

/// What a person sends with an upload.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UploadForm {
    /// order, f2f_note, sleep_study, oximetry, pa_decision, abn or other.
    pub kind: String,
    /// The date on the document (YYYY-MM-DD).
    pub document_date: Option<String>,
    /// The file's name.
    pub file_name: Option<String>,
}

/// Stores a document and attaches it to an order; checks the order's requirements again.
pub async fn upload(
    app: &App,
    actor: &Actor,
    order: OrderId,
    form: &UploadForm,
    bytes: &[u8],
) -> AppResult<DocumentId> {
    actor.require(Permission::OrderWrite)?;
    let mut errors = FieldErrors::new();
    let kind = parse_kind(&form.kind);
    if kind.is_none() {
        errors.add("kind", "Choose what kind of document this is.");
    }
    let date = errors.optional_parsed("document_date", form.document_date.as_deref(), parse_date);
    if date.is_some_and(|d| d > app.clock.today()) {
        errors.add(
            "document_date",
            "The document's date cannot be in the future.",
        );
    }
    let content_type = if bytes.is_empty() {
        errors.add("file", "Choose a file to upload.");
        None
    } else if bytes.len() > MAX_DOCUMENT_BYTES {
        errors.add(
            "file",
            format!(
                "The file is larger than {} MB.",
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
        );
        None
    } else {
        let found = sniff_content_type(bytes);
        if found.is_none() {
            errors.add(
                "file",
                "This file is not a PDF, PNG, JPEG or TIFF (judged by its content, not its name).",
            );
        }
        found
    };
    let file_name: String = form
        .file_name
        .as_deref()
        .unwrap_or("document")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let (kind, content_type) = errors.finish(|| Some((kind?, content_type?)))?;

    // Bytes first, synced, and before the write turn is taken so other writers do not wait
    // behind a large file: a failed transaction leaves at most an unreferenced file, never a
    // row pointing at nothing.
    let sha256 = app.documents.put(bytes).await?;
    let tx = app.store.begin_write().await?;
    let existing = order_store::order(tx.conn(), order.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let id = Uuid::now_v7();
    let patient = PatientId::from_uuid(existing.order.patient_id);
    store::insert(
        tx.conn(),
        Document {
            id,
            patient_id: existing.order.patient_id,
            order_id: Some(order.as_uuid()),
            kind: kind.as_str().to_owned(),
            content_type: content_type.to_owned(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256,
            file_name: if file_name.is_empty() {
                "document".into()
            } else {
                file_name
            },
            document_date: date,
            uploaded_by: actor.username.clone(),
            uploaded_at: app.clock.now(),
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("document.upload", "document", id)
            .patients([patient])
            .detail(serde_json::json!({ "order": order.to_string(), "kind": kind.as_str() })),
    )
    .await?;
    crate::orders::recheck(app, actor, tx.conn(), order).await?;
    tx.commit().await?;
    Ok(DocumentId::from_uuid(id))
}

/// Marks a document as satisfying one of its order's checklist items; checks the order again.
/// Returns the order.
pub async fn mark(
    app: &App,
    actor: &Actor,
    id: DocumentId,
    requirement: &str,
) -> AppResult<OrderId> {
    actor.require(Permission::OrderWrite)?;
    let tx = app.store.begin_write().await?;
    let document = store::get(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("document"))?;
    let order_id = document.order_id.ok_or(AppError::NotFound("order"))?;
    let order = order_store::order(tx.conn(), order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let codes: Vec<Hcpcs> = order
        .lines
        .iter()
        .filter_map(|l| Hcpcs::parse(&l.hcpcs).ok())
        .collect();
    let kind = parse_kind(&document.kind).unwrap_or(DocumentKind::Other);
    let requirement = requirement.trim();
    if !satisfiable(kind, &codes).contains(&requirement) {
        return Err(FieldErrors::single(
            "requirement",
            format!(
                "A {} cannot satisfy {requirement} on this order.",
                kind.label().to_lowercase()
            ),
        )
        .into());
    }
    store::mark(
        tx.conn(),
        DocumentMark {
            document_id: id.as_uuid(),
            requirement: requirement.to_owned(),
            marked_by: actor.username.clone(),
            marked_at: app.clock.now(),
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("document.mark", "document", id.as_uuid())
            .patients([PatientId::from_uuid(document.patient_id)])
            .detail(serde_json::json!({ "requirement": requirement })),
    )
    .await?;
    crate::orders::recheck(app, actor, tx.conn(), OrderId::from_uuid(order_id)).await?;
    tx.commit().await?;
    Ok(OrderId::from_uuid(order_id))
}

/// An order's documents with their marks and what else each could satisfy.
pub(crate) async fn for_order(
    db: &impl durable_store::Db,
    order: &order_store::OrderRecord,
) -> AppResult<Vec<DocumentView>> {
    let rows = store::for_order(db, order.order.id).await?;
    let marks = store::marks(db, rows.iter().map(|d| d.id).collect()).await?;
    let codes: Vec<Hcpcs> = order
        .lines
        .iter()
        .filter_map(|l| Hcpcs::parse(&l.hcpcs).ok())
        .collect();
    Ok(rows
        .into_iter()
        .map(|d| {
            let kind = parse_kind(&d.kind).unwrap_or(DocumentKind::Other);
            let marked: Vec<String> = marks
                .iter()
                .filter(|m| m.document_id == d.id)
                .map(|m| m.requirement.clone())
                .collect();
            DocumentView {
                id: DocumentId::from_uuid(d.id),
                kind: d.kind,
                kind_label: kind.label().to_owned(),
                content_type: d.content_type,
                size_bytes: d.size_bytes,
                file_name: d.file_name,
                document_date: d.document_date,
                uploaded_by: d.uploaded_by,
                can_satisfy: satisfiable(kind, &codes)
                    .into_iter()
                    .filter(|r| !marked.iter().any(|m| m == r))
                    .map(str::to_owned)
                    .collect(),
                marks: marked,
            }
        })
        .collect())
}

/// A document's bytes, to show inline.
pub struct DocumentContent {
    /// The format found in the content.
    pub content_type: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A document's content; an audited read of the patient's record.
pub async fn content(app: &App, actor: &Actor, id: DocumentId) -> AppResult<DocumentContent> {
    actor.require(Permission::OrderRead)?;
    let row = store::get(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("document"))?;
    let bytes = app.documents.get(&row.sha256).await?;
    record_read(
        app,
        actor,
        Audit::new("document.view", "document", id.as_uuid())
            .patients([PatientId::from_uuid(row.patient_id)]),
    )
    .await?;
    Ok(DocumentContent {
        content_type: row.content_type,
        file_name: row.file_name,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_judged_by_their_first_bytes() {
        assert_eq!(
            sniff_content_type(b"%PDF-1.7\n..."),
            Some("application/pdf")
        );
        assert_eq!(
            sniff_content_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            sniff_content_type(b"\xFF\xD8\xFF\xE0.."),
            Some("image/jpeg")
        );
        assert_eq!(sniff_content_type(b"II*\x00...."), Some("image/tiff"));
        assert_eq!(sniff_content_type(b"MM\x00*...."), Some("image/tiff"));
        for other in [&b"MZ\x90\x00 an exe"[..], b"<html>", b"GIF89a", b"", b"%PD"] {
            assert_eq!(sniff_content_type(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_signed_order_and_a_sleep_study_satisfy_the_cpap_items() {
        let cpap = [Hcpcs::parse("E0601").unwrap()];
        assert!(satisfiable(DocumentKind::Order, &cpap).contains(&SIGNED_ORDER));
        assert!(satisfiable(DocumentKind::SleepStudy, &cpap).contains(&"PAP-SLEEP-TEST"));
        assert!(!satisfiable(DocumentKind::SleepStudy, &cpap).contains(&SIGNED_ORDER));
        assert!(!satisfiable(DocumentKind::Other, &cpap).contains(&"PAP-SLEEP-TEST"));
    }
}

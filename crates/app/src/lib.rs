//! Durable's use cases: one public function per thing a person does. Each checks the actor's
//! permission, runs in one transaction and writes its audit events in that same transaction,
//! so the pages, the API and the CLI share one policy.

pub mod audit;
pub mod auth;
pub mod billing;
pub mod catalog;
pub mod coverages;
pub mod deliveries;
pub mod demo;
pub mod directory;
pub mod documents;
pub mod error;
mod forms;
pub mod inventory;
pub mod jobs;
pub mod orders;
pub mod patients;
pub mod permissions;
pub mod pricing;
pub mod prior_auth;
pub mod settings;

use durable_domain::clock::Clock;
use durable_domain::ids::UserId;
use durable_domain::role::Role;
use durable_store::Store;

pub use error::{AppError, AppResult};
pub use permissions::Permission;

/// Everything a use case needs: the store, the clock and the audit writer.
#[derive(Clone, Debug)]
pub struct App {
    /// The database.
    pub store: Store,
    /// Where "now" comes from.
    pub clock: Clock,
    audit: audit::AuditWriter,
    guards: std::sync::Arc<auth::Guards>,
    documents: documents::DocumentStore,
}

/// Who is acting, as established by a session, an API token or the operator's shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user, or `None` for the operator at the server's command line.
    pub user_id: Option<UserId>,
    /// The user name (or `operator`).
    pub username: String,
    /// The role that decides what the actor may do.
    pub role: Role,
    /// Where the request came from: the client address, or `cli`.
    pub source: String,
}

impl Actor {
    /// The operator running `durable` commands on the server: acts with the administrator's
    /// permissions, since shell access to the data directory already implies them.
    pub fn operator() -> Actor {
        Actor {
            user_id: None,
            username: "operator".into(),
            role: Role::Admin,
            source: "cli".into(),
        }
    }

    /// Whether this actor's role grants `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        permissions::allows(self.role, permission)
    }

    /// Refuses with 403 unless this actor's role grants `permission`.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(permission))
        }
    }
}

impl App {
    /// Opens the database at `url`, applies pending migrations and, on a fresh install, loads
    /// the bundled HCPCS codes.
    pub async fn open(url: &str, clock: Clock) -> AppResult<App> {
        let store = Store::open(url).await?;
        store.migrate().await?;
        let app = App::new(store, clock);
        catalog::ensure_bundled_hcpcs(&app).await?;
        settings::load_time_zone(&app).await?;
        Ok(app)
    }

    /// An app over an open, migrated store; starts the audit writer on the current runtime.
    pub fn new(store: Store, clock: Clock) -> App {
        let audit = audit::AuditWriter::start(store.clone());
        App {
            store,
            clock,
            audit,
            guards: std::sync::Arc::default(),
            // Tests and tools that store no documents share one scratch directory; `serve` and
            // every other command put documents in the data directory (`with_document_root`).
            documents: documents::DocumentStore::new(
                std::env::temp_dir().join("durable-documents"),
            ),
        }
    }

    /// Where uploaded documents are kept.
    pub fn documents(&self) -> &documents::DocumentStore {
        &self.documents
    }

    /// Keeps uploaded documents under `root` (content-addressed).
    pub fn with_document_root(mut self, root: impl Into<std::path::PathBuf>) -> App {
        self.documents = documents::DocumentStore::new(root);
        self
    }
}

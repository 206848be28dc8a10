//! `durable backup`, `restore` and `verify`: an online copy of the data directory, bringing one
//! back, and checking one (docs/operations.md).

use std::path::Path;
use std::process::ExitCode;

use durable_app::documents::{DocumentStore, check_documents};
use durable_app::{Actor, App, audit};
use durable_domain::clock::Clock;
use durable_store::audit::Verification;

use crate::{DataArgs, describe, sqlite_url};

/// The database file's name in a data directory and in a backup.
const DATABASE_FILE: &str = "durable.sqlite";
/// The documents' directory in a data directory and in a backup.
const DOCUMENTS_DIR: &str = "documents";

/// Copies the database (SQLite, one consistent snapshot taken while writers go on) and every
/// document it lists into `dest`, then checks the copy as `verify` would.
pub(crate) async fn backup(
    data: &DataArgs,
    dest: &Path,
    operator: &Actor,
) -> Result<ExitCode, String> {
    let not_empty = std::fs::read_dir(dest).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty {
        return Err(format!(
            "{} is not empty; back up into a new directory",
            dest.display()
        ));
    }
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    let app = data.open().await?;
    let on_sqlite = data.database_url.is_none();
    if on_sqlite {
        app.store
            .backup_into(&dest.join(DATABASE_FILE))
            .await
            .map_err(|e| e.to_string())?;
    }
    // After the database: every document its snapshot lists is on disk by then, since bytes
    // are stored before their row commits and never deleted.
    let copied = check_documents(
        &app,
        operator,
        app.documents(),
        Some(&DocumentStore::new(dest.join(DOCUMENTS_DIR))),
    )
    .await
    .map_err(|e| describe(&e))?;
    println!(
        "Copied {} documents to {}.",
        copied.sound,
        dest.join(DOCUMENTS_DIR).display()
    );
    report_problems(&copied.problems);
    if !on_sqlite {
        println!(
            "The database is PostgreSQL: back it up with pg_dump or WAL archiving (docs/operations.md)."
        );
        return Ok(exit_code(copied.problems.is_empty()));
    }
    println!("Checking the copy:");
    let copy = open_sqlite(dest).await?;
    let sound = verify_app(&copy, operator).await? && copied.problems.is_empty();
    Ok(exit_code(sound))
}

/// Brings a backup back into the data directory: the SQLite file (never over an existing one)
/// and every document the database lists, each checked against its digest; then verifies.
pub(crate) async fn restore(
    data: &DataArgs,
    source: &Path,
    operator: &Actor,
) -> Result<ExitCode, String> {
    if data.database_url.is_none() {
        let target = data.data.join(DATABASE_FILE);
        if target.exists() {
            return Err(format!(
                "{} already holds a database; restore into an empty data directory (move it away first)",
                data.data.display()
            ));
        }
        std::fs::create_dir_all(&data.data)
            .map_err(|e| format!("cannot create {}: {e}", data.data.display()))?;
        copy_synced(&source.join(DATABASE_FILE), &target)?;
    } else {
        println!(
            "The database is PostgreSQL: restore it with pg_restore first (docs/operations.md); copying the documents."
        );
    }
    let app = data.open().await?;
    let copied = check_documents(
        &app,
        operator,
        &DocumentStore::new(source.join(DOCUMENTS_DIR)),
        Some(app.documents()),
    )
    .await
    .map_err(|e| describe(&e))?;
    println!("Restored {} documents.", copied.sound);
    report_problems(&copied.problems);
    let sound = verify_app(&app, operator).await? && copied.problems.is_empty();
    Ok(exit_code(sound))
}

/// Checks a data directory: the database's integrity, the audit chain and every document.
pub(crate) async fn verify(data: &DataArgs, operator: &Actor) -> Result<ExitCode, String> {
    let app = data.open().await?;
    Ok(exit_code(verify_app(&app, operator).await?))
}

/// Prints what was checked; answers whether everything is sound.
async fn verify_app(app: &App, operator: &Actor) -> Result<bool, String> {
    let damage = app
        .store
        .integrity_problems()
        .await
        .map_err(|e| e.to_string())?;
    if damage.is_empty() {
        println!("The database is intact.");
    } else {
        println!("The database is damaged:");
        report_problems(&damage);
    }
    let chain = audit::verify(app, operator)
        .await
        .map_err(|e| describe(&e))?;
    let chain_intact = report_chain(&chain);
    let documents = check_documents(app, operator, app.documents(), None)
        .await
        .map_err(|e| describe(&e))?;
    println!("{} documents match their digests.", documents.sound);
    report_problems(&documents.problems);
    Ok(damage.is_empty() && chain_intact && documents.problems.is_empty())
}

/// Prints the audit chain's check; answers whether it is intact.
pub(crate) fn report_chain(chain: &Verification) -> bool {
    match &chain.first_break {
        None => println!(
            "The audit trail is intact: {} events checked.",
            chain.checked
        ),
        Some(broken) => println!(
            "The audit trail is broken at row {}: {}. {} events before it are intact.",
            broken.seq, broken.problem, chain.checked
        ),
    }
    chain.first_break.is_none()
}

async fn open_sqlite(dir: &Path) -> Result<App, String> {
    let app = App::open(
        &sqlite_url(&dir.join(DATABASE_FILE)),
        Clock::system(time::UtcOffset::UTC),
    )
    .await
    .map_err(|e| describe(&e))?;
    Ok(app.with_document_root(dir.join(DOCUMENTS_DIR)))
}

fn report_problems(problems: &[String]) {
    for problem in problems {
        println!("  {problem}");
    }
}

/// Success, or 2 when something is missing or damaged.
pub(crate) fn exit_code(sound: bool) -> ExitCode {
    if sound {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Copies a file so that a crash leaves either nothing or the whole, synced copy.
fn copy_synced(from: &Path, to: &Path) -> Result<(), String> {
    let partial = to.with_extension("partial");
    let copied = std::fs::copy(from, &partial)
        .and_then(|_| std::fs::File::open(&partial)?.sync_all())
        .and_then(|()| std::fs::rename(&partial, to))
        .and_then(|()| std::fs::File::open(to.parent().unwrap_or(Path::new(".")))?.sync_all());
    copied.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        format!("cannot copy {} to {}: {e}", from.display(), to.display())
    })
}

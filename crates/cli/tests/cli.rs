//! The `durable` binary end to end on a fresh SQLite data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use sea_orm::ConnectionTrait;

fn durable(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_durable"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn tamper(data: &Path, statement: &str) {
    let url = format!("sqlite://{}", data.join("durable.sqlite").display());
    let store = durable_store::Store::open(&url).await.unwrap();
    store.conn().execute_unprepared(statement).await.unwrap();
    store.close().await.unwrap();
}

#[tokio::test]
async fn audit_verify_passes_untouched_and_names_the_row_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(
        durable(data, &["demo", "--scale", "60"], None)
            .status
            .success()
    );
    let added = durable(
        data,
        &[
            "user",
            "add",
            "robin",
            "--role",
            "billing",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let token = durable(data, &["user", "token", "robin"], None);
    assert!(stdout(&token).trim().starts_with("dur_"));
    let stderr = String::from_utf8_lossy(&token.stderr).into_owned();
    let id = stderr.split_whitespace().nth(2).unwrap();
    let revoked = durable(data, &["user", "revoke-token", id], None);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let again = durable(data, &["user", "revoke-token", id], None);
    assert!(String::from_utf8_lossy(&again.stderr).contains("active API token not found"));

    let intact = durable(data, &["audit", "verify"], None);
    assert!(intact.status.success(), "{}", stdout(&intact));
    // The demo's orders, eligibility checks and the user and token changes are all audited.
    let checked: u64 = stdout(&intact)
        .split_whitespace()
        .rev()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", stdout(&intact)));
    assert!(checked > 20, "{}", stdout(&intact));

    tamper(
        data,
        "UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 2",
    )
    .await;
    let altered = durable(data, &["audit", "verify"], None);
    assert_eq!(altered.status.code(), Some(2));
    assert!(
        stdout(&altered).contains("broken at row 2"),
        "{}",
        stdout(&altered)
    );
}

#[tokio::test]
async fn deleting_the_newest_audit_row_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(
        durable(data, &["demo", "--scale", "10"], None)
            .status
            .success()
    );
    durable(
        data,
        &["user", "add", "robin", "--role", "tech", "--password-stdin"],
        Some("a long enough password"),
    );
    tamper(data, "DELETE FROM audit_events WHERE seq = 2").await;
    let deleted = durable(data, &["audit", "verify"], None);
    assert_eq!(deleted.status.code(), Some(2));
    assert!(
        stdout(&deleted).contains("row 2") && stdout(&deleted).contains("deleted"),
        "{}",
        stdout(&deleted)
    );
}

#[test]
fn catalog_import_loads_the_full_cms_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/hcpcs/hcpcs2019_level2.csv"
    );
    let first = durable(data, &["catalog", "import-hcpcs", file], None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // A fresh install already holds the bundled DMEPOS subset, so only the other codes are new.
    assert!(
        stdout(&first).contains("4109 codes added, 0 changed, 2691 unchanged"),
        "{}",
        stdout(&first)
    );
    let again = durable(data, &["catalog", "import-hcpcs", file], None);
    assert!(
        stdout(&again).contains("0 codes added, 0 changed, 6800 unchanged"),
        "{}",
        stdout(&again)
    );
    let missing = durable(
        data,
        &["catalog", "import-hcpcs", "/no/such/file.txt"],
        None,
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /no/such/file.txt"));
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let wrong = durable(data, &["catalog", "import-hcpcs", readme], None);
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("file: line"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
}

#[test]
fn the_fee_schedule_imports_once_and_reports_unknown_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../domain/tests/fixtures/dmepos_fee_schedule.csv"
    );
    let args = [
        "catalog",
        "import-fee-schedule",
        fixture,
        "--effective",
        "2026-01-01",
    ];
    let first = durable(data, &args, None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout(&first).contains(
            "effective 2026-01-01: 8 rows; 47 amounts added, 0 changed, 0 removed, 0 unchanged"
        ),
        "{}",
        stdout(&first)
    );
    let again = durable(data, &args, None);
    assert!(
        stdout(&again).contains("0 amounts added, 0 changed, 0 removed, 47 unchanged"),
        "{}",
        stdout(&again)
    );
    let unknown = dir.path().join("unknown.csv");
    let text = std::fs::read_to_string(fixture).unwrap()
        + "K1234,,,D,SU,1.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00,Not in the catalog\n";
    std::fs::write(&unknown, text).unwrap();
    let reported = durable(
        data,
        &[
            "catalog",
            "import-fee-schedule",
            unknown.to_str().unwrap(),
            "--effective",
            "2026-01-01",
        ],
        None,
    );
    assert!(
        stdout(&reported).contains("not in the HCPCS catalog (1): K1234"),
        "{}",
        stdout(&reported)
    );
    let bad = durable(
        data,
        &[
            "catalog",
            "import-fee-schedule",
            fixture,
            "--effective",
            "January",
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("effective"));
    let zips = dir.path().join("rural.csv");
    std::fs::write(&zips, "zip,rural\n45701,Y\n").unwrap();
    let loaded = durable(
        data,
        &["catalog", "import-rural-zips", zips.to_str().unwrap()],
        None,
    );
    assert!(
        stdout(&loaded).contains("1 ZIP codes are now priced as rural"),
        "{}",
        stdout(&loaded)
    );
}

#[test]
fn operator_mistakes_get_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let bad_role = durable(
        data,
        &["user", "add", "x", "--role", "janitor", "--password-stdin"],
        Some("a long enough password"),
    );
    assert_eq!(bad_role.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("Unknown role 'janitor'"));
    let short = durable(
        data,
        &["user", "add", "x", "--role", "intake", "--password-stdin"],
        Some("short"),
    );
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    assert!(
        durable(data, &["demo", "--scale", "5"], None)
            .status
            .success()
    );
    let again = durable(data, &["demo", "--scale", "5"], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));
    let no_user = durable(data, &["user", "token", "nobody"], None);
    assert!(String::from_utf8_lossy(&no_user.stderr).contains("user not found"));
}

#[test]
fn billing_simulate_prints_the_schedule_with_its_rules() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/hospital-bed-rental.json"
    );
    let dir = tempfile::tempdir().unwrap();
    let simulate = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_durable"))
            .args(["billing", "simulate"])
            .args(args)
            .output()
            .unwrap()
    };
    let text = simulate(&[example]);
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let out = stdout(&text);
    assert!(
        out.contains("RR KH KX") && out.contains("Title passes to the beneficiary on"),
        "{out}"
    );
    assert!(out.contains("CR-CAP-13"), "{out}");
    let json = simulate(&[example, "--json", "--through", "2026-03-31"]);
    let schedule: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        schedule["lines"].as_array().unwrap().len(),
        3,
        "--through cuts the schedule"
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"item\": ").unwrap();
    let refused = simulate(&[broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 1 column"));
}

//! Every 837P, 270 and 276 the fixtures produce goes through two validators nobody on the
//! project wrote: pyx12 4.0.0 (`x12valid`, which has maps for the 837P but none for 5010 270/276)
//! and linuxforhealth-x12 0.57.0 (`lfhx12-files`, its `lfhx12 -m` over many files in one
//! process; it covers all three and balances claims). Each runs once over every file, so its
//! start-up is paid once. `scripts/x12-validators` installs both and `scripts/test` passes their
//! folder in `DURABLE_X12_VALIDATORS`. Under CI a missing validator fails the test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use durable_x12::{claim, eligibility, status};

use crate::fixtures;

fn validators() -> Option<PathBuf> {
    match std::env::var_os("DURABLE_X12_VALIDATORS") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            for tool in ["x12valid", "lfhx12-files"] {
                assert!(
                    dir.join(tool).exists(),
                    "{tool} is missing from {}",
                    dir.display()
                );
            }
            Some(dir)
        }
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "DURABLE_X12_VALIDATORS is not set under CI: run scripts/x12-validators (scripts/test does)"
            )
        }
        None => {
            eprintln!(
                "skipping the outside validators: DURABLE_X12_VALIDATORS is not set (scripts/test sets it)"
            );
            None
        }
    }
}

/// Starts a validator on many files at once, its verdicts on standard error or output.
fn start(tool: PathBuf, files: &[PathBuf]) -> Child {
    Command::new(tool)
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// pyx12's verdict per file: it prints `<file>: OK` or `<file>: Failure` on standard error
/// (its exit status is always 1).
fn pyx12_verdicts(child: Child, files: &[PathBuf]) -> Vec<(PathBuf, bool)> {
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    files
        .iter()
        .map(|file| {
            let name = file.file_name().unwrap().to_string_lossy();
            let ok = stderr.lines().any(|l| l.ends_with(&format!("{name}: OK")));
            let failed = stderr
                .lines()
                .any(|l| l.ends_with(&format!("{name}: Failure")));
            assert!(ok || failed, "pyx12 gave no verdict on {name}:\n{stderr}");
            (file.clone(), ok)
        })
        .collect()
}

/// lfh's verdict per file from `lfhx12-files` (`lfhx12 -m` for many files in one process, as
/// `scripts/x12-validators` installs it): a line `OK <file>` or `FAILED <file>: <error>` each.
fn lfh_verdicts(child: Child, files: &[PathBuf]) -> Vec<(PathBuf, bool, String)> {
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let verdicts: Vec<_> = files
        .iter()
        .map(|file| {
            let shown = file.display().to_string();
            let line = stdout
                .lines()
                .find(|l| {
                    l.strip_prefix("OK ")
                        .or_else(|| l.strip_prefix("FAILED "))
                        .is_some_and(|rest| {
                            rest == shown || rest.starts_with(&format!("{shown}: "))
                        })
                })
                .unwrap_or_else(|| {
                    panic!(
                        "lfh gave no verdict on {shown}:\n{stdout}\n{}",
                        String::from_utf8_lossy(&output.stderr)
                    )
                });
            (file.clone(), line.starts_with("OK "), line.to_owned())
        })
        .collect();
    assert_eq!(
        output.status.success(),
        verdicts.iter().all(|(_, ok, _)| *ok),
        "lfh's exit status disagrees with its verdicts:\n{stdout}"
    );
    verdicts
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// The files the fixtures make: one 837P per claim, one batch with all of them, a 270, a 276.
fn generated(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let claims = fixtures::claims();
    assert!(
        claims.len() >= 25,
        "the validators need at least 25 varied claims"
    );
    let mut claim_files = Vec::new();
    for (index, (name, claim)) in claims.iter().enumerate() {
        let text = claim::write_claims(
            &fixtures::envelope(index as u32 + 1),
            &fixtures::batch(vec![claim.clone()]),
        )
        .unwrap();
        claim_files.push(write(dir, &format!("837p_{name}.x12"), &text));
    }
    let all = fixtures::batch(claims.into_iter().map(|(_, c)| c).collect());
    claim_files.push(write(
        dir,
        "837p_all_claims.x12",
        &claim::write_claims(&fixtures::envelope(900), &all).unwrap(),
    ));
    let inquiries = vec![
        write(
            dir,
            "270_eligibility.x12",
            &eligibility::write_inquiry(&fixtures::envelope(901), &fixtures::eligibility_inquiry())
                .unwrap(),
        ),
        write(
            dir,
            "276_claim_status.x12",
            &status::write_inquiry(&fixtures::envelope(902), &fixtures::status_inquiry()).unwrap(),
        ),
    ];
    (claim_files, inquiries)
}

/// A generated claim without its payer loop (2010BB), the SE count corrected: the envelope is
/// sound, the claim is not.
fn broken(dir: &Path, good: &Path) -> PathBuf {
    let text = std::fs::read_to_string(good).unwrap();
    let segments: Vec<&str> = text.split_terminator('~').collect();
    let payer = segments
        .iter()
        .position(|s| s.starts_with("NM1*PR*"))
        .unwrap();
    let mut kept: Vec<String> = segments
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != payer)
        .map(|(_, s)| (*s).to_owned())
        .collect();
    let se = kept.iter().position(|s| s.starts_with("SE*")).unwrap();
    let count: usize = kept[se].split('*').nth(1).unwrap().parse().unwrap();
    kept[se] = format!("SE*{}*0001", count - 1);
    write(
        dir,
        "837p_BROKEN_missing_payer.x12",
        &(kept.join("~") + "~"),
    )
}

#[test]
fn generated_files_pass_both_outside_validators_and_a_broken_one_fails_both() {
    let Some(tools) = validators() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (claims, inquiries) = generated(dir.path());
    let broken = broken(dir.path(), &claims[0]);

    // One process per validator over every file, the broken one last, both running at once.
    let pyx12_files: Vec<PathBuf> = claims.iter().chain([&broken]).cloned().collect();
    let lfh_files: Vec<PathBuf> = claims
        .iter()
        .chain(&inquiries)
        .chain([&broken])
        .cloned()
        .collect();
    let pyx12 = start(tools.join("x12valid"), &pyx12_files);
    let lfh = start(tools.join("lfhx12-files"), &lfh_files);
    let mut pyx12 = pyx12_verdicts(pyx12, &pyx12_files);
    let mut lfh = lfh_verdicts(lfh, &lfh_files);

    assert_eq!(
        pyx12.pop(),
        Some((broken.clone(), false)),
        "pyx12 must reject the broken file"
    );
    let broken_by_lfh = lfh.pop().unwrap();
    assert!(
        !broken_by_lfh.1,
        "lfh must reject the broken file: {}",
        broken_by_lfh.2
    );
    let mut failures = Vec::new();
    for (file, ok) in pyx12 {
        if !ok {
            failures.push(format!("pyx12 rejects {}", file.display()));
        }
    }
    for (_, ok, verdict) in lfh {
        if !ok {
            failures.push(format!("lfh: {verdict}"));
        }
    }
    if !failures.is_empty() {
        let first = std::fs::read_to_string(&claims[0]).unwrap();
        panic!(
            "{}\n(for reference, {}:\n{first})",
            failures.join("\n"),
            claims[0].display()
        );
    }
    eprintln!(
        "validators: {} 837P files and 2 inquiries accepted by lfh, the 837P files by pyx12; the broken file rejected by both",
        claims.len()
    );
}

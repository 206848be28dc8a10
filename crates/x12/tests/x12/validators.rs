//! Every 837P, 270 and 276 the fixtures produce goes through two validators nobody on the
//! project wrote: pyx12 4.0.0 (`x12valid`, which has maps for the 837P but none for 5010 270/276)
//! and linuxforhealth-x12 0.57.0 (`lfhx12 -m`, which covers all three and balances claims).
//! `scripts/x12-validators` installs both and `scripts/test` passes their folder in
//! `DURABLE_X12_VALIDATORS`. Under CI a missing validator fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use durable_x12::{claim, eligibility, status};

use crate::fixtures;

fn validators() -> Option<PathBuf> {
    match std::env::var_os("DURABLE_X12_VALIDATORS") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            for tool in ["x12valid", "lfhx12"] {
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

/// pyx12's verdict per file: it prints `<file>: OK` or `<file>: Failure` on standard error.
fn pyx12(dir: &Path, files: &[PathBuf]) -> Vec<(PathBuf, bool)> {
    let output = Command::new(dir.join("x12valid"))
        .args(files)
        .output()
        .unwrap();
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

/// lfh's verdict per file: exit status 0 when valid (run two at a time on two cores).
fn lfh(dir: &Path, files: &[PathBuf]) -> Vec<(PathBuf, bool, String)> {
    let mut verdicts = Vec::new();
    for pair in files.chunks(2) {
        let children: Vec<_> = pair
            .iter()
            .map(|file| {
                let child = Command::new(dir.join("lfhx12"))
                    .arg("-m")
                    .arg(file)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                (file.clone(), child)
            })
            .collect();
        for (file, child) in children {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr)
                .lines()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .join(" | ");
            verdicts.push((file, output.status.success(), stderr));
        }
    }
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

    let mut failures = Vec::new();
    for (file, ok) in pyx12(&tools, &claims) {
        if !ok {
            failures.push(format!("pyx12 rejects {}", file.display()));
        }
    }
    let everything: Vec<PathBuf> = claims.iter().chain(&inquiries).cloned().collect();
    for (file, ok, stderr) in lfh(&tools, &everything) {
        if !ok {
            failures.push(format!("lfh rejects {}: {stderr}", file.display()));
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
    assert_eq!(
        pyx12(&tools, std::slice::from_ref(&broken)),
        vec![(broken.clone(), false)],
        "pyx12 must reject the broken file"
    );
    assert!(
        !lfh(&tools, std::slice::from_ref(&broken))[0].1,
        "lfh must reject the broken file"
    );
    eprintln!(
        "validators: {} 837P files and 2 inquiries accepted by lfh, the 837P files by pyx12; the broken file rejected by both",
        claims.len()
    );
}

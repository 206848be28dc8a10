#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The product's code, docs and data cite public sources (regulations, coverage determinations,
//! CMS manuals) that anyone can open, never a file outside the repository or a tracker number.
//! This walks `crates/`, `docs/`, `data/` and `README.md` and names every file and line that does.

use std::fs;
use std::path::{Path, PathBuf};

/// File names nobody outside the project can open.
const PRIVATE_FILES: &[&str] = &[
    "medicare-rules.md",
    "product-notes.md",
    "../shared",
    "shared/data",
];

/// This file, whose patterns and examples are the very strings it looks for.
const THIS_FILE: &str = "crates/domain/tests/public_sources.rs";

/// Words before "issue" that make it the verb ("cannot issue 1 unit"), not a tracker citation.
const VERB_MARKERS: &[&str] = &["cannot", "can", "to", "will", "may", "must", "not"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                files_under(&path, found);
            }
        } else {
            found.push(path);
        }
    }
}

/// Digits at the start of `text`, if any.
fn leading_number(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// "issue 4", "Issue #4" or "#4 item" used as a citation.
fn cites_tracker(line: &str) -> bool {
    let lower = line.to_lowercase();
    let issue = lower.match_indices("issue ").any(|(at, word)| {
        let after = &lower[at + word.len()..];
        let number = leading_number(after.strip_prefix('#').unwrap_or(after));
        let previous = lower[..at].split_whitespace().next_back().unwrap_or("");
        let starts_word = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        starts_word && number.is_some() && !VERB_MARKERS.contains(&previous)
    });
    let item = lower.match_indices('#').any(|(at, _)| {
        let after = &lower[at + 1..];
        leading_number(after).is_some_and(|n| {
            after[n.len()..]
                .strip_prefix(" item")
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphabetic()))
        })
    });
    issue || item
}

fn offending_line(line: &str) -> bool {
    PRIVATE_FILES.iter().any(|name| line.contains(name)) || cites_tracker(line)
}

#[test]
fn recognises_private_citations_and_leaves_plain_words_alone() {
    assert!(offending_line("see medicare-rules.md §5.3"));
    assert!(offending_line("copies of ../shared/data/hcpcs"));
    assert!(offending_line("Inventory (issue 4): location kinds"));
    assert!(offending_line("## Foundation (Issue #2)"));
    assert!(offending_line("as asked in #12 item 3"));
    assert!(!offending_line(
        "Only 0 on hand: cannot issue 1. Count the shelf."
    ));
    assert!(!offending_line("42 CFR 414.234 (prior authorization)"));
    assert!(!offending_line("reissue 3 labels; #3 items"));
}

#[test]
fn code_docs_and_data_cite_only_public_sources() {
    let root = workspace_root();
    let mut files = vec![root.join("README.md")];
    for dir in ["crates", "docs", "data"] {
        files_under(&root.join(dir), &mut files);
    }
    let mut hits = Vec::new();
    for path in files {
        let relative = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == THIS_FILE {
            continue;
        }
        // Binary files (fixtures, images) cannot cite anything.
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            if offending_line(line) {
                hits.push(format!("{relative}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "cite the public source (LCD/NCD/article, CFR section, CMS manual chapter) instead:\n{}",
        hits.join("\n")
    );
}

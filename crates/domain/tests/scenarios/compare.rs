//! Compares a schedule, as the JSON `durable billing simulate --json` prints, with a scenario's
//! expectations. Shared by crates/domain/tests/billing_scenarios.rs (the engine in process) and
//! crates/cli/tests/billing_scenarios.rs (the built binary), so both hold the scenarios to the
//! same standard.
//!
//! A scenario file holds `scenario` (what it shows), `rule` (the rule id it proves), `input` (a
//! rental, exactly what simulate reads) and `expect`:
//! - `lines`: every line as `"FROM..TO pPERIODmMONTH HCPCS MODIFIERS UNITSx ALLOWED"`, plus
//!   ` charge C` when the charge differs and ` utn U` when a UTN is reported; or `line_count`
//!   with `lines_at` (index → line) for long schedules;
//! - `skipped`: every skipped month as `"FROM..TO REASON"` (or `skipped_count`);
//! - `findings`: the finding codes, in order (default none);
//! - `title_transfer`, `useful_lifetime_end`: dates, when given;
//! - `pap`: `best` as `"FROM..TO NIGHTS"` and `continued_coverage_from` (a date or null);
//! - `error`: the field an input error must name (then nothing else is compared).
//!
//! `rule` must appear among the rules of some line or skipped month, the PAP decision or the
//! findings; with `"absent": true` it must appear nowhere.

use serde_json::Value;

/// A line in the scenario notation.
pub fn line_text(line: &Value) -> String {
    let modifiers: Vec<&str> = line["modifiers"]
        .as_array()
        .map(|all| all.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut text = format!(
        "{}..{} p{}m{} {} {} {}x {}",
        line["from"].as_str().unwrap_or("?"),
        line["to"].as_str().unwrap_or("?"),
        line["period"],
        line["rental_month"],
        line["hcpcs"].as_str().unwrap_or("?"),
        modifiers.join(" "),
        line["units"],
        line["allowed"],
    );
    if line["charge"] != line["allowed"] {
        text.push_str(&format!(" charge {}", line["charge"]));
    }
    if let Some(utn) = line["utn"].as_str() {
        text.push_str(&format!(" utn {utn}"));
    }
    text
}

/// A skipped month in the scenario notation.
pub fn skipped_text(skipped: &Value) -> String {
    format!(
        "{}..{} {}",
        skipped["from"].as_str().unwrap_or("?"),
        skipped["to"].as_str().unwrap_or("?"),
        skipped["reason"].as_str().unwrap_or("?"),
    )
}

fn texts(values: &Value, render: fn(&Value) -> String) -> Vec<String> {
    values
        .as_array()
        .map(|all| all.iter().map(render).collect())
        .unwrap_or_default()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn rule_ids(rules: &Value) -> impl Iterator<Item = &str> {
    rules
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rule| rule["id"].as_str())
}

/// Whether `id` fired anywhere in the schedule.
fn fired(schedule: &Value, id: &str) -> bool {
    let in_list = |key: &str| {
        schedule[key]
            .as_array()
            .into_iter()
            .flatten()
            .any(|entry| rule_ids(&entry["rules"]).any(|r| r == id))
    };
    in_list("lines")
        || in_list("skipped")
        || rule_ids(&schedule["pap"]["rules"]).any(|r| r == id)
        || strings(&findings(schedule)).iter().any(|code| code == id)
}

fn findings(schedule: &Value) -> Value {
    Value::Array(
        schedule["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["code"].clone())
            .collect(),
    )
}

/// Every difference between `schedule` and the scenario's expectations; empty when it passes.
pub fn differences(scenario: &Value, schedule: &Value) -> Vec<String> {
    let expect = &scenario["expect"];
    let mut out = Vec::new();
    let lines = texts(&schedule["lines"], line_text);
    if expect["lines"].is_array() {
        let wanted = strings(&expect["lines"]);
        if wanted != lines {
            out.push(format!("lines:\n  want {wanted:#?}\n  got  {lines:#?}"));
        }
    }
    if let Some(count) = expect["line_count"].as_u64()
        && lines.len() as u64 != count
    {
        out.push(format!("line_count: want {count}, got {}", lines.len()));
    }
    if let Some(at) = expect["lines_at"].as_object() {
        for (index, want) in at {
            let got = index.parse::<usize>().ok().and_then(|i| lines.get(i));
            if got.map(String::as_str) != want.as_str() {
                out.push(format!("lines[{index}]: want {want}, got {got:?}"));
            }
        }
    }
    let skipped = texts(&schedule["skipped"], skipped_text);
    if let Some(count) = expect["skipped_count"].as_u64() {
        if skipped.len() as u64 != count {
            out.push(format!(
                "skipped_count: want {count}, got {}",
                skipped.len()
            ));
        }
    } else {
        let wanted = strings(&expect["skipped"]);
        if wanted != skipped {
            out.push(format!("skipped:\n  want {wanted:#?}\n  got  {skipped:#?}"));
        }
    }
    let wanted = strings(&expect["findings"]);
    let got = strings(&findings(schedule));
    if wanted != got {
        out.push(format!("findings: want {wanted:?}, got {got:?}"));
    }
    for key in ["title_transfer", "useful_lifetime_end"] {
        if let Some(want) = expect.get(key)
            && schedule[key] != *want
        {
            out.push(format!("{key}: want {want}, got {}", schedule[key]));
        }
    }
    if let Some(pap) = expect.get("pap") {
        let best = &schedule["pap"]["adherence"]["best"];
        let got = format!(
            "{}..{} {}",
            best["from"].as_str().unwrap_or("?"),
            best["to"].as_str().unwrap_or("?"),
            best["nights"]
        );
        if pap["best"].as_str() != Some(got.as_str()) {
            out.push(format!("pap.best: want {}, got {got}", pap["best"]));
        }
        let from = &schedule["pap"]["continued_coverage_from"];
        if pap["continued_coverage_from"] != *from {
            out.push(format!(
                "pap.continued_coverage_from: want {}, got {from}",
                pap["continued_coverage_from"]
            ));
        }
    }
    let rule = scenario["rule"].as_str().unwrap_or_default();
    let absent = scenario["absent"].as_bool().unwrap_or(false);
    if fired(schedule, rule) == absent {
        out.push(format!(
            "rule {rule} should {}fire",
            if absent { "not " } else { "" }
        ));
    }
    out
}

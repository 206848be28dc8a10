#![allow(clippy::unwrap_used, clippy::expect_used)]
//! docs/billing-input.schema.json describes `RentalInput` exactly: every
//! scenario input and docs/examples/*.json validates against it, so does everything serde writes
//! back for them, the schema names no field serde does not write, and both refuse the same
//! unknown fields. A field added to the types without the schema (or the other way round), or an
//! example using a field the schema lacks, fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use durable_domain::billing::RentalInput;
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/billing-input.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Every input the project ships: the scenarios' `input` and the examples, by name.
fn inputs() -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for path in json_files(&root().join("crates/domain/tests/scenarios")) {
        let scenario: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        all.push((path.display().to_string(), scenario["input"].clone()));
    }
    for path in json_files(&root().join("docs/examples")) {
        let example: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        all.push((path.display().to_string(), example));
    }
    assert!(all.len() > 60, "only {} inputs", all.len());
    all
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_scenario_and_example_validates_and_so_does_what_serde_writes_back() {
    let validator = validator();
    let mut failures = Vec::new();
    for (name, input) in inputs() {
        let problems = errors(&validator, &input);
        if !problems.is_empty() {
            failures.push(format!("{name}: {problems:?}"));
        }
        let parsed: RentalInput = serde_json::from_value(input)
            .unwrap_or_else(|e| panic!("{name}: serde refuses it: {e}"));
        let written = serde_json::to_value(&parsed).unwrap();
        let problems = errors(&validator, &written);
        if !problems.is_empty() {
            failures.push(format!("{name} as serde writes it: {problems:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every property name the schema defines.
fn schema_properties(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            map.values().for_each(|v| schema_properties(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| schema_properties(v, out)),
        _ => {}
    }
}

/// Every key in a JSON value.
fn keys(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            out.extend(map.keys().cloned());
            map.values().for_each(|v| keys(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn the_schema_names_exactly_the_fields_serde_writes() {
    let text = std::fs::read_to_string(root().join("docs/billing-input.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut in_schema = BTreeSet::new();
    schema_properties(&schema, &mut in_schema);
    // serde writes every field (absent options as null), so the shipped inputs, written back,
    // show every field the types have (each event kind and nested object appears in one).
    let mut written = BTreeSet::new();
    for (_, input) in inputs() {
        let parsed: RentalInput = serde_json::from_value(input).unwrap();
        keys(&serde_json::to_value(&parsed).unwrap(), &mut written);
    }
    let only_schema: Vec<_> = in_schema.difference(&written).collect();
    let only_serde: Vec<_> = written.difference(&in_schema).collect();
    assert!(
        only_schema.is_empty() && only_serde.is_empty(),
        "schema only: {only_schema:?}; serde only: {only_serde:?}"
    );
}

/// Paths to every object inside `node`.
fn object_paths(node: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match node {
        Value::Object(map) => {
            out.push(path.clone());
            for (key, value) in map {
                path.push(json!(key));
                object_paths(value, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                path.push(json!(index));
                object_paths(value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(node: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(node, |node, step| match step {
        Value::String(key) => &mut node[key.as_str()],
        step => &mut node[step.as_u64().unwrap() as usize],
    })
}

#[test]
fn schema_and_serde_refuse_the_same_unknown_field_in_every_object() {
    let validator = validator();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, input) in inputs() {
        let parsed: RentalInput = serde_json::from_value(input).unwrap();
        let full = serde_json::to_value(&parsed).unwrap();
        let mut paths = Vec::new();
        object_paths(&full, &mut Vec::new(), &mut paths);
        for path in paths {
            let mut changed = full.clone();
            at(&mut changed, &path)["not_a_field"] = json!(1);
            let serde_refuses = serde_json::from_value::<RentalInput>(changed.clone()).is_err();
            let schema_refuses = !validator.is_valid(&changed);
            checked += 1;
            if serde_refuses != schema_refuses {
                failures.push(format!(
                    "{name} at {path:?}: serde refuses {serde_refuses}, schema refuses {schema_refuses}"
                ));
            }
        }
    }
    assert!(checked > 500, "only {checked} objects");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_refuses_what_serde_refuses_by_type() {
    let validator = validator();
    let base: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/examples/hospital-bed-rental.json")).unwrap(),
    )
    .unwrap();
    let cases = [
        ("/payer", json!("medicare_advantage")),
        ("/item/category", json!("rental")),
        ("/first_date_of_service", json!(20260115)),
        ("/item/purchase_price", json!(1.5)),
        ("/events/0/kind", json!("holiday")),
        ("/settings", json!({ "oxygen_maintenance": "sometimes" })),
        ("/price_option", json!({ "kind": "lease", "bands": [] })),
        (
            "/price_option",
            json!({ "kind": "rental", "bands": [{ "from_month": -1, "amount": 0 }] }),
        ),
    ];
    for (pointer, value) in cases {
        let mut changed = base.clone();
        match changed.pointer_mut(pointer) {
            Some(slot) => *slot = value,
            None => {
                let key = pointer.trim_start_matches('/');
                changed[key] = value;
            }
        }
        assert!(
            serde_json::from_value::<RentalInput>(changed.clone()).is_err(),
            "serde accepts {pointer}"
        );
        assert!(
            !validator.is_valid(&changed),
            "the schema accepts {pointer}"
        );
    }
}

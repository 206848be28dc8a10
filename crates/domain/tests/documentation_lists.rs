#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The F2F/WOPD and prior-authorization code lists: parsing with errors that name the line and
//! field, and membership by date of service (42 CFR 410.38, 42 CFR 414.234).

mod documentation_common;

use documentation_common::{code, d, rules};
use durable_domain::documentation::{DocumentationRules, F2fWopdList, PriorAuthList, ValidFor};

const PA_HEADER: &str = "hcpcs,program,effective_from,effective_to,decision_valid,source\n";
const F2F_HEADER: &str = "hcpcs,effective_from,effective_to,source\n";

fn program(hcpcs: &str, date: &str) -> Option<String> {
    rules()
        .prior_auth
        .prior_auth_program(&code(hcpcs), d(date))
        .map(|row| row.program.clone())
}

#[test]
fn orthoses_added_and_removed_on_2024_08_12() {
    for added in ["L0631", "L0637", "L0639", "L1843", "L1845", "L1951"] {
        assert_eq!(program(added, "2024-08-11"), None, "{added}");
        assert_eq!(
            program(added, "2024-08-12").as_deref(),
            Some("orthoses"),
            "{added}"
        );
    }
    assert_eq!(program("L1833", "2024-08-11").as_deref(), Some("orthoses"));
    assert_eq!(program("L1833", "2024-08-12"), None);
    for kept in ["L0648", "L0650", "L1832", "L1851"] {
        assert_eq!(
            program(kept, "2024-08-11").as_deref(),
            Some("orthoses"),
            "{kept}"
        );
        assert_eq!(
            program(kept, "2026-08-12").as_deref(),
            Some("orthoses"),
            "{kept}"
        );
    }
}

#[test]
fn orthoses_added_on_2026_04_13() {
    for added in ["L0651", "L1844", "L1846", "L1852", "L1932"] {
        assert_eq!(program(added, "2026-04-12"), None, "{added}");
        assert_eq!(
            program(added, "2026-04-13").as_deref(),
            Some("orthoses"),
            "{added}"
        );
    }
}

#[test]
fn osteogenesis_stimulator_pa_suspended_from_2024_08_28() {
    for stimulator in ["E0747", "E0748", "E0760"] {
        assert_eq!(
            program(stimulator, "2024-08-27").as_deref(),
            Some("osteogenesis_stimulators")
        );
        assert_eq!(program(stimulator, "2024-08-28"), None);
    }
}

#[test]
fn programs_carry_their_decision_validity() {
    let valid = |hcpcs: &str| {
        rules()
            .prior_auth
            .prior_auth_program(&code(hcpcs), d("2026-06-01"))
            .unwrap()
            .decision_valid
    };
    assert_eq!(valid("K0856"), Some(ValidFor::Months(6)));
    assert_eq!(valid("K0800"), Some(ValidFor::Months(6)));
    assert_eq!(valid("E0277"), Some(ValidFor::Months(1)));
    assert_eq!(valid("L5856"), Some(ValidFor::Days(120)));
    assert_eq!(valid("L1851"), Some(ValidFor::Days(60)));
    // The rules bundle answers the same questions as its lists.
    assert_eq!(
        rules()
            .prior_auth_program(&code("K0856"), d("2026-06-01"))
            .map(|row| row.program.as_str()),
        Some("power_mobility")
    );
    assert!(rules().requires_f2f(&code("K0856"), d("2026-06-01")));
    assert!(!rules().requires_f2f(&code("E0601"), d("2026-06-01")));
    // POV K0812 and group 4 chairs are not on the Required Prior Authorization List; nor is a CPAP.
    assert_eq!(program("K0812", "2026-06-01"), None);
    assert_eq!(program("K0868", "2026-06-01"), None);
    assert_eq!(program("E0601", "2026-06-01"), None);
}

#[test]
fn bundled_lists_are_the_files_in_data_rules() {
    let (f2f, pa) = DocumentationRules::bundled_text();
    assert!(f2f.contains("hcpcs,effective_from,effective_to,source"));
    assert!(pa.contains("decision_valid"));
    assert_eq!(DocumentationRules::parse(f2f, pa).unwrap(), *rules());
    // Every row names its source.
    for row in rules().prior_auth.rows() {
        assert!(
            row.source.contains("42 CFR 414.234") && row.source.contains("https://"),
            "{}",
            row.hcpcs
        );
    }
    for row in rules().f2f_wopd.rows() {
        assert!(
            row.source.contains("42 CFR 410.38") && row.source.contains("https://"),
            "{}",
            row.hcpcs
        );
    }
}

/// Each bad file, the line and field its error names.
#[test]
fn parse_errors_name_the_line_and_field() {
    let cases: [(&str, u64, &str); 11] = [
        ("", 1, "header"),
        ("# only a comment\n", 1, "header"),
        ("hcpcs,program\nK0856,x\n", 1, "header"),
        (
            "# c\nhcpcs,program,effective_from,effective_to,decision_valid,source\nE060,x,,,,s\n",
            3,
            "hcpcs",
        ),
        ("{h}K0856,,,,6m,s\n", 2, "program"),
        ("{h}K0856,p,2026-13-01,,6m,s\n", 2, "effective_from"),
        ("{h}K0856,p,2026-01-01,2026-02-30,6m,s\n", 2, "effective_to"),
        ("{h}K0856,p,2026-03-01,2026-02-01,6m,s\n", 2, "effective_to"),
        ("{h}K0856,p,,,6 months,s\n", 2, "decision_valid"),
        ("{h}K0856,p,,,6m,\n", 2, "source"),
        ("{h}\nK0856,p,,,6m,s\n\nK0857,p,,,6m\n", 5, "row"),
    ];
    for (text, line, field) in cases {
        let text = text.replace("{h}", PA_HEADER);
        let err = PriorAuthList::parse(&text).unwrap_err();
        assert_eq!((err.line, err.field), (line, field), "{text:?}: {err}");
        assert_eq!(err.list, "prior_auth");
        assert!(
            err.to_string()
                .starts_with(&format!("prior_auth line {line}, {field}: "))
        );
    }
}

#[test]
fn overlapping_periods_of_one_code_are_refused() {
    let text =
        format!("{F2F_HEADER}E0260,2024-01-01,2024-12-31,a\nE0250,,,b\nE0260,2024-12-31,,c\n");
    let err = F2fWopdList::parse(&text).unwrap_err();
    assert_eq!((err.line, err.field), (4, "effective_from"));
    let open = format!("{F2F_HEADER}E0260,,,a\nE0260,2030-01-01,,b\n");
    assert!(F2fWopdList::parse(&open).is_err());
    let adjacent = format!("{F2F_HEADER}E0260,2024-01-01,2024-12-31,a\nE0260,2025-01-01,,b\n");
    let list = F2fWopdList::parse(&adjacent).unwrap();
    assert!(list.requires_f2f(&code("E0260"), d("2024-12-31")));
    assert!(list.requires_f2f(&code("E0260"), d("2025-01-01")));
}

#[test]
fn quoted_fields_comments_and_case_are_accepted() {
    let text = format!(
        "# Required list\n\n{F2F_HEADER}\"e0260\",2024-08-12,,\"42 CFR 410.38, a source with a comma\"\n# trailing comment\n"
    );
    let list = F2fWopdList::parse(&text).unwrap();
    assert_eq!(list.rows().len(), 1);
    assert_eq!(
        list.rows()[0].source,
        "42 CFR 410.38, a source with a comma"
    );
    assert!(list.requires_f2f(&code("E0260"), d("2024-08-12")));
    // A file with the other list's header is refused rather than misread.
    assert_eq!(PriorAuthList::parse(&text).unwrap_err().field, "header");
}

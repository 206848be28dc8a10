#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Properties of the documentation checker over generated orders: it never panics, gives the same
//! report twice, and its readiness follows from its findings.

mod documentation_common;

use documentation_common::{code, rules};
use durable_domain::codes::{Icd10Cm, Mbi, Npi};
use durable_domain::documentation::{
    self, DocumentFacts, DocumentKind, EligibilityFacts, LineFacts, OrderFacts, PaStatus,
    PriorAuthFacts, Readiness, RentOrBuy, requirements,
};
use proptest::prelude::*;
use time::{Date, Duration};

/// Family codes, PA-listed codes, F2F-listed codes and plain supplies.
const CODES: [&str; 16] = [
    "E0601", "E0470", "E1390", "E0431", "E0443", "E0260", "K0001", "K0823", "K0856", "K0800",
    "L1833", "L0631", "E0747", "E0277", "A7030", "A4253",
];

fn date(offset: i64) -> Date {
    time::macros::date!(2023 - 06 - 01) + Duration::days(offset)
}

fn any_date() -> impl Strategy<Value = Option<Date>> {
    proptest::option::of((0i64..1500).prop_map(date))
}

fn item_id() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..requirements::ALL.len()).prop_map(|i| requirements::ALL[i].id.to_owned()),
        "[A-Z-]{0,12}",
    ]
}

fn kind() -> impl Strategy<Value = DocumentKind> {
    (0..DocumentKind::ALL.len()).prop_map(|i| DocumentKind::ALL[i])
}

fn status() -> impl Strategy<Value = PaStatus> {
    prop_oneof![
        Just(PaStatus::Draft),
        Just(PaStatus::Submitted),
        Just(PaStatus::Affirmed),
        Just(PaStatus::NonAffirmed),
        Just(PaStatus::Expired),
    ]
}

fn order() -> impl Strategy<Value = OrderFacts> {
    let lines = proptest::collection::vec(
        (
            0..CODES.len(),
            proptest::option::of(0u32..4),
            any::<bool>(),
            any::<bool>(),
        ),
        0..6,
    );
    let documents = proptest::collection::vec(
        (
            kind(),
            any_date(),
            proptest::option::of(0usize..8),
            proptest::collection::vec(item_id(), 0..4),
        ),
        0..8,
    );
    let prior_auths = proptest::collection::vec(
        (
            0..CODES.len(),
            status(),
            any::<bool>(),
            any_date(),
            any_date(),
        ),
        0..4,
    );
    let eligibility = proptest::collection::vec(((0i64..1500), any::<bool>()), 0..3);
    let people = (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    (
        people,
        (any_date(), any_date(), any_date(), any_date()),
        lines,
        documents,
        prior_auths,
        eligibility,
    )
        .prop_map(
            |(people, dates, lines, documents, prior_auths, eligibility)| {
                let (name, mbi, practitioner, npi, signed, diagnosis) = people;
                let (order_date, delivery, signature_date, f2f) = dates;
                OrderFacts {
                    patient_name: if name {
                        "Jane Doe".into()
                    } else {
                        String::new()
                    },
                    patient_mbi: mbi.then(|| Mbi::parse("1EG4TE5MK73").unwrap()),
                    order_date,
                    planned_delivery: delivery,
                    practitioner_name: if practitioner {
                        "Dr. Smith".into()
                    } else {
                        String::new()
                    },
                    practitioner_npi: npi.then(|| Npi::parse("1234567893").unwrap()),
                    signed,
                    signature_date,
                    diagnoses: if diagnosis {
                        vec![Icd10Cm::parse("G47.33").unwrap()]
                    } else {
                        vec![]
                    },
                    lines: lines
                        .into_iter()
                        .map(|(c, quantity, purchase, described)| LineFacts {
                            hcpcs: code(CODES[c]),
                            quantity,
                            rent_or_buy: if purchase {
                                RentOrBuy::Purchase
                            } else {
                                RentOrBuy::Rental
                            },
                            description: if described {
                                CODES[c].into()
                            } else {
                                String::new()
                            },
                        })
                        .collect(),
                    f2f_encounter: f2f,
                    documents: documents
                        .into_iter()
                        .map(|(kind, date, line, satisfies)| DocumentFacts {
                            kind,
                            date,
                            line,
                            satisfies,
                        })
                        .collect(),
                    prior_auths: prior_auths
                        .into_iter()
                        .map(
                            |(c, status, utn, decision_date, expiry_date)| PriorAuthFacts {
                                hcpcs: code(CODES[c]),
                                status,
                                utn: utn.then(|| "JD0000123456WR".to_owned()),
                                decision_date,
                                expiry_date,
                            },
                        )
                        .collect(),
                    eligibility: eligibility
                        .into_iter()
                        .map(|(offset, active)| EligibilityFacts {
                            checked_on: date(offset),
                            active,
                        })
                        .collect(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_checker_never_panics_and_is_deterministic(order in order(), today in 0i64..1500) {
        let today = date(today);
        let first = documentation::check(&order, rules(), today);
        let second = documentation::check(&order.clone(), rules(), today);
        prop_assert_eq!(&first, &second);
        let blocking = first.findings.iter().any(|f| f.is_blocking());
        prop_assert_eq!(first.readiness() == Readiness::Hold, blocking);
        for finding in &first.findings {
            let known = requirements::ALL.iter().find(|r| r.id == finding.id);
            prop_assert!(known.is_some(), "unknown id {}", finding.id);
            prop_assert!(finding.line.is_none_or(|line| line < order.lines.len()));
            // Only an ABN lowers a severity, and only for a blocking requirement.
            if finding.abn_on_file {
                prop_assert_eq!(known.unwrap().severity, requirements::Severity::Blocking);
            } else {
                prop_assert_eq!(known.unwrap().severity, finding.severity);
            }
        }
        // Without an order nothing can be ready.
        if order.lines.is_empty() || !order.signed {
            prop_assert!(!first.is_ready());
        }
    }

    #[test]
    fn json_round_trips(order in order()) {
        let json = serde_json::to_string(&order).unwrap();
        let back: OrderFacts = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, order);
    }

    #[test]
    fn list_parsers_never_panic(text in "\\PC{0,200}", lines in proptest::collection::vec("[A-Z0-9,\"# -]{0,40}", 0..6)) {
        let _ = documentation::F2fWopdList::parse(&text);
        let _ = documentation::PriorAuthList::parse(&text);
        let joined = format!("hcpcs,effective_from,effective_to,source\n{}", lines.join("\n"));
        let _ = documentation::F2fWopdList::parse(&joined);
    }
}

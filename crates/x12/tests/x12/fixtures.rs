//! Typed claims, inquiries and envelopes the tests write, validate and read back: rentals of
//! every payment category and month band, purchases, oxygen with flow and group modifiers,
//! replacements, secondary claims, multi-line claims, narratives, a replacement and a void.

use durable_domain::money::Money;
use durable_x12::claim::*;
use durable_x12::eligibility::{DURABLE_MEDICAL_EQUIPMENT, EligibilityInquiry, EligibilityRequest};
use durable_x12::parties::{Address, Demographics, EntityName, NamedId, PersonName, Sex};
use durable_x12::status::{StatusInquiry, StatusRequest};
use durable_x12::{DateRange, Envelope, PartyId, Usage};
use time::{Date, Month};

pub fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

fn dollars(cents: i64) -> Money {
    Money::from_cents(cents)
}

fn person(last: &'static str, first: &'static str) -> PersonName<'static> {
    PersonName {
        last: last.into(),
        first: first.into(),
        middle: None,
        suffix: None,
    }
}

fn address(
    line1: &'static str,
    city: &'static str,
    state: &'static str,
    zip: &'static str,
) -> Address<'static> {
    Address {
        line1: line1.into(),
        line2: None,
        city: city.into(),
        state: state.into(),
        postal_code: zip.into(),
    }
}

pub fn envelope(control: u32) -> Envelope {
    Envelope {
        sender: PartyId {
            qualifier: "ZZ".into(),
            id: "ACMEDME".into(),
        },
        receiver: PartyId {
            qualifier: "ZZ".into(),
            id: "DMEMACJA".into(),
        },
        application_sender: "ACMEDME".into(),
        application_receiver: "DMEMACJA".into(),
        date: date(2026, 12, 2),
        hour: 9,
        minute: 30,
        interchange_control: control,
        group_control: control,
        usage: Usage::Test,
        acknowledgment_requested: false,
    }
}

pub fn medicare() -> Payer<'static> {
    Payer {
        name: "NORIDIAN JURISDICTION A".into(),
        id: "16003".into(),
        address: None,
    }
}

fn ordering() -> Option<OrderingProvider<'static>> {
    Some(OrderingProvider {
        name: person("SMITH", "JANE"),
        npi: "1245319599".into(),
    })
}

/// A line billed on one day, pointing at the first diagnosis.
pub fn line(
    code: &'static str,
    modifiers: &[&'static str],
    charge: i64,
    service: DateRange,
) -> ServiceLine<'static> {
    ServiceLine {
        procedure: code.into(),
        modifiers: modifiers.iter().map(|&m| m.into()).collect(),
        description: None,
        charge: dollars(charge),
        units: 1,
        service,
        diagnosis_pointers: vec![1],
        certification: None,
        line_control: None,
        narrative: None,
        ordering_provider: ordering(),
        adjudications: Vec::new(),
    }
}

/// A rental month: the span from the anniversary to the day before the next.
pub fn month(y: i32, m: u8, d: u8) -> DateRange {
    let from = date(y, m, d);
    let next = if m == 12 {
        date(y + 1, 1, d)
    } else {
        date(y, m + 1, d)
    };
    DateRange {
        from,
        to: next.previous_day().unwrap(),
    }
}

pub fn day(y: i32, m: u8, d: u8) -> DateRange {
    DateRange::day(date(y, m, d))
}

/// A Medicare Part B claim for one beneficiary.
pub fn claim(
    id: &'static str,
    diagnoses: &[&'static str],
    lines: Vec<ServiceLine<'static>>,
) -> Claim<'static> {
    Claim {
        patient_control_number: id.into(),
        subscriber: Subscriber {
            name: person("DOE", "JOHN"),
            member_id: "1EG4TE5MK73".into(),
            address: address("200 OAK AVE", "HARTFORD", "CT", "06103"),
            demographics: Demographics {
                birth_date: date(1945, 1, 1),
                sex: Some(Sex::Male),
            },
        },
        patient: None,
        coverage: Coverage {
            responsibility: Responsibility::Primary,
            filing_indicator: "MB".into(),
            insurance_type: None,
            group_number: None,
            group_name: None,
            payer: medicare(),
        },
        place_of_service: "12".into(),
        frequency: Frequency::Original,
        accepts_assignment: true,
        diagnoses: diagnoses.iter().map(|&d| d.into()).collect(),
        prior_authorization: None,
        note: None,
        attachments: Vec::new(),
        other_payers: Vec::new(),
        lines,
    }
}

pub fn batch(claims: Vec<Claim<'static>>) -> ClaimBatch<'static> {
    ClaimBatch {
        reference: "BATCH0001".into(),
        submitter: Submitter {
            name: "ACME DME SUPPLY".into(),
            id: "ACMEDME".into(),
            contact_name: "BILLING DEPT".into(),
            phone: "8605551212".into(),
        },
        receiver: Receiver {
            name: "NORIDIAN JURISDICTION A".into(),
            id: "16003".into(),
        },
        billing_provider: BillingProvider {
            name: EntityName::Organization("ACME DME SUPPLY".into()),
            npi: "1234567893".into(),
            taxonomy: Some("332B00000X".into()),
            address: address("100 MAIN ST", "HARTFORD", "CT", "061031234"),
            tax_id: "123456789".into(),
        },
        pay_to: None,
        claims,
    }
}

fn with<T>(mut value: T, change: impl FnOnce(&mut T)) -> T {
    change(&mut value);
    value
}

/// A secondary claim after Medicare paid 80% and applied coinsurance.
fn secondary(id: &'static str) -> Claim<'static> {
    let mut c = claim(
        id,
        &["G4733"],
        vec![line("E0601", &["RR", "KJ", "KX"], 15000, month(2026, 5, 1))],
    );
    c.coverage = Coverage {
        responsibility: Responsibility::Secondary,
        filing_indicator: "CI".into(),
        insurance_type: None,
        group_number: Some("MEDIGAPF".into()),
        group_name: None,
        payer: Payer {
            name: "ACME MEDIGAP".into(),
            id: "60054".into(),
            address: None,
        },
    };
    c.other_payers.push(OtherPayer {
        responsibility: Responsibility::Primary,
        filing_indicator: "MB".into(),
        group_number: None,
        relationship: "18".into(),
        subscriber: person("DOE", "JOHN"),
        member_id: "1EG4TE5MK73".into(),
        payer: medicare(),
    });
    c.lines[0].adjudications.push(LineAdjudication {
        payer_id: "16003".into(),
        paid: dollars(7680),
        units: 1,
        adjustments: vec![
            Adjustment {
                group: "CO".into(),
                reason: "45".into(),
                amount: dollars(5400),
            },
            Adjustment {
                group: "PR".into(),
                reason: "2".into(),
                amount: dollars(1920),
            },
        ],
        date: date(2026, 5, 20),
    });
    c
}

/// The claims the validators and round trips run over (at least 25).
pub fn claims() -> Vec<(&'static str, Claim<'static>)> {
    let bed = |mods: &[&'static str], m: u8| line("E0260", mods, 24000, month(2026, m, 15));
    vec![
        (
            "capped_rental_month_1",
            claim(
                "CR0001",
                &["G4733"],
                vec![line("E0601", &["RR", "KH", "KX"], 15000, month(2026, 1, 1))],
            ),
        ),
        (
            "capped_rental_month_2",
            claim(
                "CR0002",
                &["G4733"],
                vec![line("E0601", &["RR", "KI", "KX"], 15000, month(2026, 2, 1))],
            ),
        ),
        (
            "capped_rental_month_4",
            claim(
                "CR0004",
                &["G4733"],
                vec![line("E0601", &["RR", "KJ", "KX"], 15000, month(2026, 4, 1))],
            ),
        ),
        (
            "capped_rental_month_13",
            claim(
                "CR0013",
                &["G4733"],
                vec![line("E0601", &["RR", "KJ", "KX"], 15000, month(2027, 1, 1))],
            ),
        ),
        (
            "hospital_bed_month_1",
            claim(
                "BED0001",
                &["I509", "R262"],
                vec![bed(&["RR", "KH", "KX"], 1)],
            ),
        ),
        (
            "hospital_bed_month_3",
            claim("BED0003", &["I509"], vec![bed(&["RR", "KI", "KX"], 3)]),
        ),
        (
            "power_wheelchair_month_2",
            claim(
                "PWC0002",
                &["G8929"],
                vec![line(
                    "K0823",
                    &["RR", "KI", "KX"],
                    60000,
                    month(2026, 2, 10),
                )],
            ),
        ),
        (
            "complex_rehab_rental_month_1",
            claim(
                "CRPWC001",
                &["G8220"],
                vec![line(
                    "K0856",
                    &["RR", "KH", "BR", "KX"],
                    150000,
                    month(2026, 3, 5),
                )],
            ),
        ),
        (
            "inexpensive_rental_walker",
            claim(
                "IRP0001",
                &["M170"],
                vec![line("E0143", &["RR"], 2500, month(2026, 6, 1))],
            ),
        ),
        (
            "frequent_service_ventilator",
            claim(
                "FS0001",
                &["J9611"],
                vec![line("E0465", &["RR"], 120000, month(2026, 6, 1))],
            ),
        ),
        (
            "oxygen_month_1_group_1",
            claim(
                "OX0001",
                &["J449"],
                vec![line("E1390", &["RR", "N1"], 20000, month(2026, 3, 10))],
            ),
        ),
        (
            "oxygen_low_flow_qe",
            claim(
                "OX0002",
                &["J449"],
                vec![line(
                    "E1390",
                    &["RR", "QE", "N1"],
                    20000,
                    month(2026, 4, 10),
                )],
            ),
        ),
        (
            "oxygen_high_flow_qg_group_2",
            claim(
                "OX0003",
                &["J441"],
                vec![line(
                    "E1390",
                    &["RR", "QG", "N2"],
                    20000,
                    month(2026, 5, 10),
                )],
            ),
        ),
        (
            "oxygen_high_flow_with_portable_qf",
            claim(
                "OX0004",
                &["J449"],
                vec![
                    line("E1390", &["RR", "QF", "N1"], 20000, month(2026, 6, 10)),
                    line("E0431", &["RR", "QF", "N1"], 4000, month(2026, 6, 10)),
                ],
            ),
        ),
        (
            "oxygen_month_36",
            claim(
                "OX0036",
                &["J449"],
                vec![line("E1390", &["RR", "N1"], 20000, month(2029, 2, 10))],
            ),
        ),
        (
            "purchase_new_wheelchair",
            claim(
                "PU0001",
                &["M170", "R262"],
                vec![with(line("K0001", &["NU"], 65000, day(2026, 1, 10)), |l| {
                    l.diagnosis_pointers = vec![1, 2]
                })],
            ),
        ),
        (
            "purchase_used_walker",
            claim(
                "PU0002",
                &["M170"],
                vec![line("E0130", &["UE"], 4000, day(2026, 1, 12))],
            ),
        ),
        (
            "supplies_three_units",
            claim(
                "SU0001",
                &["G4733"],
                vec![with(line("A7030", &["NU"], 11550, day(2026, 2, 1)), |l| {
                    l.units = 3
                })],
            ),
        ),
        (
            "complex_rehab_purchase_bp",
            claim(
                "CRPWC002",
                &["G8220"],
                vec![line("K0856", &["NU", "BP", "KX"], 1500000, day(2026, 3, 5))],
            ),
        ),
        (
            "replacement_capped_rental_ra",
            claim(
                "RA0001",
                &["G4733"],
                vec![with(
                    line("E0601", &["RR", "KH", "RA", "KX"], 15000, month(2026, 7, 1)),
                    |l| {
                        l.narrative =
                            Some("REPLACEMENT DEVICE STOLEN 20260620 POLICE REPORT ON FILE".into())
                    },
                )],
            ),
        ),
        (
            "oxygen_replacement_after_useful_life",
            claim(
                "OXRA001",
                &["J449"],
                vec![with(
                    line("E1390", &["RR", "RA", "N1"], 20000, month(2031, 3, 10)),
                    |l| l.narrative = Some("RUL REPLACEMENT NEW 36 MONTH PERIOD".into()),
                )],
            ),
        ),
        ("secondary_after_medicare", secondary("SEC0001")),
        (
            "medicare_secondary_payer",
            with(secondary("MSP0001"), |c| {
                std::mem::swap(&mut c.coverage.payer, &mut c.other_payers[0].payer);
                c.coverage.filing_indicator = "MB".into();
                c.coverage.insurance_type = Some("12".into());
                c.coverage.group_number = None;
                c.other_payers[0].filing_indicator = "CI".into();
                c.other_payers[0].group_number = Some("GRP100".into());
                c.lines[0].adjudications[0].payer_id = "60054".into();
            }),
        ),
        (
            "multi_line_bed_and_accessories",
            claim(
                "ML0001",
                &["I509", "M6281"],
                vec![
                    bed(&["RR", "KH", "KX"], 8),
                    line("E0305", &["RR", "KH"], 3000, month(2026, 8, 15)),
                    line("E0271", &["NU"], 25000, day(2026, 8, 15)),
                    with(
                        line("E0910", &["RR", "KH"], 4500, month(2026, 8, 15)),
                        |l| l.diagnosis_pointers = vec![2, 1],
                    ),
                ],
            ),
        ),
        (
            "claim_note_and_attachment",
            with(
                claim(
                    "PWK0001",
                    &["G4733"],
                    vec![line("E0601", &["RR", "KH", "KX"], 15000, month(2026, 9, 1))],
                ),
                |c| {
                    c.note = Some("BIB HOSPITAL STAY 20260801 TO 20260820".into());
                    c.attachments.push(Attachment {
                        report_type: "CT".into(),
                        transmission: "FX".into(),
                        control_number: "PWK0001A".into(),
                    });
                },
            ),
        ),
        (
            "prior_authorization_utn",
            with(
                claim(
                    "PA0001",
                    &["G8929"],
                    vec![line(
                        "K0823",
                        &["RR", "KH", "KX"],
                        60000,
                        month(2026, 10, 1),
                    )],
                ),
                |c| {
                    c.prior_authorization = Some("A123456789012".into());
                },
            ),
        ),
        (
            "replacement_claim_frequency_7",
            with(
                claim(
                    "REP0001",
                    &["G4733"],
                    vec![line("E0601", &["RR", "KI", "KX"], 15000, month(2026, 3, 1))],
                ),
                |c| {
                    c.frequency = Frequency::Replacement {
                        payer_claim_number: "24050000123456".into(),
                    };
                },
            ),
        ),
        (
            "void_claim_frequency_8",
            with(
                claim(
                    "VOID0001",
                    &["G4733"],
                    vec![line("E0601", &["RR", "KI", "KX"], 15000, month(2026, 3, 1))],
                ),
                |c| {
                    c.frequency = Frequency::Void {
                        payer_claim_number: "24050000123457".into(),
                    };
                },
            ),
        ),
        (
            "not_otherwise_classified_with_description",
            with(
                claim(
                    "NOC0001",
                    &["M6281"],
                    vec![with(line("E1399", &["NU"], 9900, day(2026, 4, 2)), |l| {
                        l.description = Some("BARIATRIC TRANSFER BENCH".into());
                        l.line_control = Some("NOC0001-1".into());
                    })],
                ),
                |c| c.accepts_assignment = false,
            ),
        ),
        (
            "commercial_dependent_patient",
            with(
                claim(
                    "DEP0001",
                    &["G4733"],
                    vec![line("E0601", &["RR"], 15000, month(2026, 5, 1))],
                ),
                |c| {
                    c.coverage.filing_indicator = "CI".into();
                    c.coverage.group_number = Some("GRP2000".into());
                    c.coverage.group_name = Some("ACME EMPLOYEES".into());
                    c.coverage.payer = Payer {
                        name: "ACME HEALTH PLAN".into(),
                        id: "60054".into(),
                        address: Some(address("PO BOX 100", "HARTFORD", "CT", "06101")),
                    };
                    c.patient = Some(Patient {
                        relationship: "19".into(),
                        name: person("DOE", "JIMMY"),
                        address: address("200 OAK AVE", "HARTFORD", "CT", "06103"),
                        demographics: Demographics {
                            birth_date: date(2012, 6, 1),
                            sex: Some(Sex::Male),
                        },
                    });
                },
            ),
        ),
        (
            "pen_pump_certification",
            claim(
                "PEN0001",
                &["K912"],
                vec![with(
                    line("B9002", &["RR", "KH"], 30000, month(2026, 6, 1)),
                    |l| {
                        l.certification = Some(Certification {
                            kind: "I".into(),
                            months: 99,
                        });
                    },
                )],
            ),
        ),
    ]
}

pub fn eligibility_inquiry() -> EligibilityInquiry {
    EligibilityInquiry {
        reference: "ELIG0001".into(),
        payer: NamedId {
            name: EntityName::Organization("CMS".into()),
            id: "CMS".into(),
        },
        provider: NamedId {
            name: EntityName::Organization("ACME DME SUPPLY".into()),
            id: "1234567893".into(),
        },
        subscribers: vec![
            EligibilityRequest {
                trace: "COV-0001".into(),
                trace_originator: "1123456789".into(),
                name: person("DOE", "JOHN"),
                member_id: "1EG4TE5MK73".into(),
                demographics: Some(Demographics {
                    birth_date: date(1945, 1, 1),
                    sex: Some(Sex::Male),
                }),
                date: day(2026, 12, 2),
                service_types: vec![DURABLE_MEDICAL_EQUIPMENT.into()],
            },
            EligibilityRequest {
                trace: "COV-0002".into(),
                trace_originator: "1123456789".into(),
                name: person("ROE", "JANE"),
                member_id: "2EG4TE5MK01".into(),
                demographics: None,
                date: day(2026, 12, 2),
                service_types: vec![DURABLE_MEDICAL_EQUIPMENT.into()],
            },
        ],
    }
}

pub fn status_inquiry() -> StatusInquiry {
    StatusInquiry {
        reference: "STAT0001".into(),
        payer: NamedId {
            name: EntityName::Organization("NORIDIAN JURISDICTION A".into()),
            id: "16003".into(),
        },
        submitter: NamedId {
            name: EntityName::Organization("ACME DME SUPPLY".into()),
            id: "ACMEDME".into(),
        },
        provider: NamedId {
            name: EntityName::Organization("ACME DME SUPPLY".into()),
            id: "1234567893".into(),
        },
        claims: vec![
            StatusRequest {
                trace: "STAT-CR0001".into(),
                subscriber: person("DOE", "JOHN"),
                member_id: "1EG4TE5MK73".into(),
                demographics: Some(Demographics {
                    birth_date: date(1945, 1, 1),
                    sex: Some(Sex::Male),
                }),
                payer_claim_number: None,
                patient_control_number: "CR0001".into(),
                total_charge: dollars(15000),
                service: month(2026, 1, 1),
            },
            StatusRequest {
                trace: "STAT-ML0001".into(),
                subscriber: person("DOE", "JOHN"),
                member_id: "1EG4TE5MK73".into(),
                demographics: Some(Demographics {
                    birth_date: date(1945, 1, 1),
                    sex: Some(Sex::Male),
                }),
                payer_claim_number: Some("24050000123456".into()),
                patient_control_number: "ML0001".into(),
                total_charge: dollars(56500),
                service: month(2026, 8, 15),
            },
        ],
    }
}

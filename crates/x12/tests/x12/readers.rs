//! What the typed readers take out of acknowledgements, status responses and remittances.

use durable_domain::money::Money;
use durable_x12::status::ResponseKind;
use durable_x12::{Interchange, acknowledgement, eligibility, remittance, status};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../data/x12/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn a_rejecting_999_names_the_missing_segment_and_its_loop() {
    let bytes = sample("999_rejected_for_837p_dme_BAD_missing_2010BB_payer.x12");
    let acks =
        acknowledgement::read_acknowledgements(&Interchange::parse(&bytes).unwrap()).unwrap();
    let ack = &acks[0];
    assert_eq!(
        (ack.functional_id, ack.group_control, ack.group_code),
        ("HC", "1", "R")
    );
    assert_eq!((ack.included, ack.received, ack.accepted), (1, 1, 0));
    let set = &ack.transactions[0];
    assert_eq!(
        (set.set_id, set.control, set.code, set.errors.as_slice()),
        ("837", "0001", "R", ["5"].as_slice())
    );
    let error = &set.segment_errors[0];
    assert_eq!(
        (error.segment, error.position, error.loop_id, error.code),
        ("NM1", "17", "", "3")
    );
}

#[test]
fn an_835_gives_each_claims_payment_adjustments_and_remarks() {
    let bytes = sample("835_dme_era.x12");
    let remittances = remittance::read_remittances(&Interchange::parse(&bytes).unwrap()).unwrap();
    let era = &remittances[0];
    assert_eq!(
        (era.total_paid, era.trace, era.payer_contact),
        (Money::from_cents(17600), "EFT0001234", "EDI SUPPORT")
    );
    let paid = &era.claims[0];
    assert_eq!(
        (paid.patient_control_number, paid.status, paid.paid),
        ("DME000000", "1", Money::from_cents(17600))
    );
    assert_eq!(paid.payer_claim_number, "24050000123456");
    let cpap = &paid.lines[0];
    assert_eq!(
        (cpap.procedure, cpap.modifiers.as_slice()),
        ("E0601", ["RR", "KH"].as_slice())
    );
    assert_eq!(cpap.allowed, Some(Money::from_cents(12000)));
    let groups: Vec<(&str, &str, i64)> = cpap
        .adjustments
        .iter()
        .map(|a| (a.group.as_ref(), a.reason.as_ref(), a.amount.cents()))
        .collect();
    assert_eq!(groups, [("CO", "45", 3000), ("PR", "2", 2400)]);
    let denied = &era.claims[1];
    assert_eq!(
        (
            denied.status,
            denied.paid,
            denied.lines[0].remarks.as_slice()
        ),
        ("4", Money::ZERO, ["N115"].as_slice())
    );
    assert_eq!(denied.lines[0].adjustments[0].reason, "50");
}

#[test]
fn a_277_gives_each_claims_status_and_the_payers_claim_number() {
    let bytes = sample("lfh_277_claim-level-status.x12");
    let responses = status::read_responses(&Interchange::parse(&bytes).unwrap()).unwrap();
    let response = &responses[0];
    assert_eq!(response.kind, ResponseKind::ClaimStatus);
    let first = &response.claims[0];
    assert_eq!(
        (
            first.trace,
            first.payer_claim_number,
            first.patient_control_number
        ),
        ("ABCXYZ1", Some("05347006051"), Some("SM123456"))
    );
    assert_eq!(
        (first.statuses[0].category, first.statuses[0].code),
        ("P3", "317")
    );
    let third = &response.claims[2];
    assert_eq!(
        (
            third.lines[0].procedure,
            third.lines[0].statuses[0].category
        ),
        ("HC:99203", "F2")
    );
}

/// A 277CA as a clearinghouse sends it for the fixtures' CPAP claim: accepted at file level,
/// the claim rejected with a status code and the entity at fault.
const CLAIM_ACKNOWLEDGEMENT: &str = "ISA*00*          *00*          *ZZ*DMEMACJA       *ZZ*ACMEDME        *261203*0800*^*00501*000000301*0*T*:~\
GS*HN*DMEMACJA*ACMEDME*20261203*0800*301*X*005010X214~ST*277*0001*005010X214~BHT*0085*08*CA0001*20261203*0800*TH~\
HL*1**20*1~NM1*PR*2*NORIDIAN JURISDICTION A*****PI*16003~TRN*1*BATCH0001~DTP*050*D8*20261203~DTP*009*D8*20261203~\
HL*2*1*21*1~NM1*41*2*ACME DME SUPPLY*****46*ACMEDME~TRN*2*FILE0001~STC*A1:19:PR*20261203*WQ*150~QTY*90*1~AMT*YU*150~\
HL*3*2*19*1~NM1*85*2*ACME DME SUPPLY*****XX*1234567893~\
HL*4*3*PT~NM1*QC*1*DOE*JOHN****MI*1EG4TE5MK73~TRN*2*CR0001~STC*A3:21:85*20261203*U*150~REF*1K*24050000999999~DTP*472*RD8*20260101-20260131~\
SE*22*0001~GE*1*301~IEA*1*000000301~";

#[test]
fn a_277ca_rejects_a_claim_by_its_patient_control_number() {
    let responses =
        status::read_responses(&Interchange::parse(CLAIM_ACKNOWLEDGEMENT.as_bytes()).unwrap())
            .unwrap();
    let response = &responses[0];
    assert_eq!(response.kind, ResponseKind::ClaimAcknowledgement);
    assert_eq!(
        response.batch_statuses[0].category, "A1",
        "the file was received"
    );
    assert_eq!(response.claims.len(), 1);
    let claim = &response.claims[0];
    assert_eq!(
        (claim.trace, claim.payer_claim_number),
        ("CR0001", Some("24050000999999"))
    );
    let status = &claim.statuses[0];
    assert_eq!(
        (status.category, status.code, status.entity, status.position),
        ("A3", "21", "85", 21)
    );
}

const ELIGIBILITY_RESPONSE: &str = "ISA*00*          *00*          *ZZ*CMS            *ZZ*ACMEDME        *261202*1000*^*00501*000000401*0*T*:~\
GS*HB*CMS*ACMEDME*20261202*1000*401*X*005010X279A1~ST*271*0001*005010X279A1~BHT*0022*11*ELIG0001*20261202*1000~\
HL*1**20*1~NM1*PR*2*CMS*****PI*CMS~HL*2*1*21*1~NM1*1P*2*ACME DME SUPPLY*****XX*1234567893~\
HL*3*2*22*0~TRN*2*COV-0001*1123456789~NM1*IL*1*DOE*JOHN****MI*1EG4TE5MK73~DMG*D8*19450101*M~DTP*307*D8*20100101~\
EB*1**12^30**PART B~DTP*291*D8*20100101~EB*C*IND*12**PART B*29*183.5~EB*A*IND*12**PART B***0.2~MSG*COINSURANCE APPLIES TO DME~\
HL*4*2*22*0~TRN*2*COV-0002*1123456789~NM1*IL*1*ROE*JANE****MI*2EG4TE5MK01~AAA*Y**75*C~\
SE*21*0001~GE*1*401~IEA*1*000000401~";

#[test]
fn a_271_gives_active_coverage_deductible_left_coinsurance_and_rejections() {
    let responses =
        eligibility::read_responses(&Interchange::parse(ELIGIBILITY_RESPONSE.as_bytes()).unwrap())
            .unwrap();
    assert_eq!(responses.len(), 2);
    let doe = &responses[0];
    assert_eq!(
        (doe.traces.as_slice(), doe.member_id),
        (["COV-0001"].as_slice(), "1EG4TE5MK73")
    );
    assert_eq!(doe.dates[0].0, "307");
    let active = &doe.benefits[0];
    assert_eq!(
        (active.information, active.service_types.as_slice()),
        ("1", ["12", "30"].as_slice())
    );
    assert_eq!(active.dates.len(), 1);
    assert_eq!(
        (doe.benefits[1].information, doe.benefits[1].amount),
        ("C", Some(Money::from_cents(18350)))
    );
    assert_eq!(
        (
            doe.benefits[2].percent_bp,
            doe.benefits[2].messages.as_slice()
        ),
        (Some(2000), ["COINSURANCE APPLIES TO DME"].as_slice())
    );
    let roe = &responses[1];
    assert_eq!((roe.rejections[0].reason, roe.benefits.len()), ("75", 0));
}

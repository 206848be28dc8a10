//! The DME professional claim, 837P (ASC X12 005010X222A1), as typed values the billing cycle
//! fills from a stored claim. Totals are not stored: CLM02 is always the sum of the lines, and a
//! secondary claim's paid amount (2320 AMT*D) the sum of its lines' 2430 payments, so they
//! cannot disagree.

mod read;
mod write;

use std::borrow::Cow;

use durable_domain::money::Money;

use crate::parties::{Address, Demographics, EntityName, PersonName};
use crate::reader::DateRange;

pub(crate) use read::read_adjustments;
pub use read::read_claims;
pub use write::write_claims;

/// The implementation guide this module writes and reads.
pub const GUIDE: &str = "005010X222A1";

/// One 837P transaction set: who sends, who receives, who bills, and the claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimBatch<'a> {
    /// BHT03: the submitter's reference for this batch.
    pub reference: Cow<'a, str>,
    pub submitter: Submitter<'a>,
    /// Loop 1000B: the clearinghouse or payer receiving the file.
    pub receiver: Receiver<'a>,
    pub billing_provider: BillingProvider<'a>,
    /// Loop 2010AB: where payments go, when not the billing provider's address.
    pub pay_to: Option<Address<'a>>,
    pub claims: Vec<Claim<'a>>,
}

/// Loop 1000A: the submitter and its EDI contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitter<'a> {
    pub name: Cow<'a, str>,
    /// NM109, the submitter ID the receiver assigned (qualifier 46, electronic transmitter ID).
    pub id: Cow<'a, str>,
    pub contact_name: Cow<'a, str>,
    /// Ten digits.
    pub phone: Cow<'a, str>,
}

/// Loop 1000B.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver<'a> {
    pub name: Cow<'a, str>,
    pub id: Cow<'a, str>,
}

/// Loop 2000A/2010AA: the supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingProvider<'a> {
    pub name: EntityName<'a>,
    pub npi: Cow<'a, str>,
    /// PRV03, the provider taxonomy code (332B00000X for a DME supplier).
    pub taxonomy: Option<Cow<'a, str>>,
    /// A street address; payers refuse a PO box here (put it in `pay_to`).
    pub address: Address<'a>,
    /// REF*EI: the employer identification number, nine digits.
    pub tax_id: Cow<'a, str>,
}

/// Which payer this claim goes to, in the order of liability (SBR01).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Responsibility {
    Primary,
    Secondary,
    Tertiary,
}

/// CLM05-3: an original claim, or a replacement or void of one the payer already has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frequency<'a> {
    Original,
    /// Code 7, with the payer's claim control number of the claim it replaces (REF*F8).
    Replacement {
        payer_claim_number: Cow<'a, str>,
    },
    /// Code 8, with the payer's claim control number of the claim it cancels (REF*F8).
    Void {
        payer_claim_number: Cow<'a, str>,
    },
}

/// Loop 2000B/2010BA: the insured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscriber<'a> {
    pub name: PersonName<'a>,
    /// NM109 with qualifier MI: the Medicare beneficiary identifier or the plan's member ID.
    pub member_id: Cow<'a, str>,
    pub address: Address<'a>,
    pub demographics: Demographics,
}

/// Loop 2000C/2010CA: the patient when not the subscriber (never for Medicare).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patient<'a> {
    /// PAT01, the relationship to the subscriber (01 spouse, 19 child, G8 other).
    pub relationship: Cow<'a, str>,
    pub name: PersonName<'a>,
    pub address: Address<'a>,
    pub demographics: Demographics,
}

/// A payer (loop 2010BB, or 2330B for a prior payer). For Medicare DME this is the DME MAC of
/// the beneficiary's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payer<'a> {
    pub name: Cow<'a, str>,
    /// NM109 with qualifier PI: the payer ID.
    pub id: Cow<'a, str>,
    pub address: Option<Address<'a>>,
}

/// The coverage a claim goes to (SBR in loop 2000B).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage<'a> {
    pub responsibility: Responsibility,
    /// SBR09: MB Medicare Part B, CI commercial, MC Medicaid, HM HMO …
    pub filing_indicator: Cow<'a, str>,
    /// SBR05: why Medicare is secondary (12 working aged, 43 disabled …); only then.
    pub insurance_type: Option<Cow<'a, str>>,
    pub group_number: Option<Cow<'a, str>>,
    pub group_name: Option<Cow<'a, str>>,
    pub payer: Payer<'a>,
}

/// PWK: documentation sent apart from the claim (by fax, mail or electronically).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment<'a> {
    /// PWK01, the report type (CT certification, OZ support data for claim, 03 report
    /// justifying treatment beyond guidelines …).
    pub report_type: Cow<'a, str>,
    /// PWK02, how it travels (BM by mail, FX by fax, EL electronically only, FT file transfer).
    pub transmission: Cow<'a, str>,
    /// PWK06, the attachment control number the payer matches the documents by.
    pub control_number: Cow<'a, str>,
}

/// A payer that adjudicated the claim before this one (loops 2320, 2330A, 2330B).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherPayer<'a> {
    pub responsibility: Responsibility,
    pub filing_indicator: Cow<'a, str>,
    pub group_number: Option<Cow<'a, str>>,
    /// SBR02, the patient's relationship to this subscriber (18 self).
    pub relationship: Cow<'a, str>,
    pub subscriber: PersonName<'a>,
    pub member_id: Cow<'a, str>,
    pub payer: Payer<'a>,
}

/// A CAS adjustment: group (CO, PR, OA, PI, CR), reason (CARC) and amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment<'a> {
    pub group: Cow<'a, str>,
    pub reason: Cow<'a, str>,
    pub amount: Money,
}

/// Loop 2430: how a prior payer adjudicated a line. Its payment plus its adjustments equal the
/// line's charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineAdjudication<'a> {
    /// SVD01: the prior payer's ID, as in its 2330B.
    pub payer_id: Cow<'a, str>,
    pub paid: Money,
    pub units: u32,
    pub adjustments: Vec<Adjustment<'a>>,
    /// DTP*573: when the payer adjudicated the line.
    pub date: time::Date,
}

/// CR3: the DME certification period (initial, renewal or revised, in months).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certification<'a> {
    /// CR301: I initial, R renewal, S revised.
    pub kind: Cow<'a, str>,
    pub months: u32,
}

/// Loop 2420E: the practitioner who ordered the item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderingProvider<'a> {
    pub name: PersonName<'a>,
    pub npi: Cow<'a, str>,
}

/// Loop 2400: one billed item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceLine<'a> {
    /// SV101-2: the HCPCS code.
    pub procedure: Cow<'a, str>,
    /// Up to four, pricing modifiers first (RR, NU, KH …), then KX, then informational ones.
    pub modifiers: Vec<Cow<'a, str>>,
    /// SV101-7: the item's description, required for not-otherwise-classified codes (E1399).
    pub description: Option<Cow<'a, str>>,
    pub charge: Money,
    pub units: u32,
    /// DTP*472: the day of service, or a rental month's span.
    pub service: DateRange,
    /// SV107: 1-based positions in the claim's diagnoses, up to four.
    pub diagnosis_pointers: Vec<u8>,
    pub certification: Option<Certification<'a>>,
    /// REF*6R: the supplier's own line ID, echoed on the remittance.
    pub line_control: Option<Cow<'a, str>>,
    /// NTE*ADD: the line narrative DME MACs read (break in billing, replacement reasons …).
    pub narrative: Option<Cow<'a, str>>,
    pub ordering_provider: Option<OrderingProvider<'a>>,
    pub adjudications: Vec<LineAdjudication<'a>>,
}

/// Loop 2300: one claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim<'a> {
    /// CLM01: the supplier's claim ID, echoed on every response.
    pub patient_control_number: Cow<'a, str>,
    pub subscriber: Subscriber<'a>,
    pub patient: Option<Patient<'a>>,
    pub coverage: Coverage<'a>,
    /// CLM05-1: 12 home.
    pub place_of_service: Cow<'a, str>,
    pub frequency: Frequency<'a>,
    /// CLM07: whether the supplier accepts assignment.
    pub accepts_assignment: bool,
    /// ICD-10-CM codes without the dot, principal first; at most 12.
    pub diagnoses: Vec<Cow<'a, str>>,
    /// REF*G1: the prior authorization number (the unique tracking number, UTN, of an
    /// affirmed DME MAC prior authorization).
    pub prior_authorization: Option<Cow<'a, str>>,
    /// NTE*ADD at claim level.
    pub note: Option<Cow<'a, str>>,
    pub attachments: Vec<Attachment<'a>>,
    pub other_payers: Vec<OtherPayer<'a>>,
    pub lines: Vec<ServiceLine<'a>>,
}

impl Claim<'_> {
    /// CLM02: the sum of the line charges, or `None` if it overflows.
    pub fn total_charge(&self) -> Option<Money> {
        self.lines
            .iter()
            .try_fold(Money::ZERO, |sum, line| sum.checked_add(line.charge))
    }
}

impl Responsibility {
    fn code(self) -> &'static str {
        match self {
            Responsibility::Primary => "P",
            Responsibility::Secondary => "S",
            Responsibility::Tertiary => "T",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "P" => Some(Responsibility::Primary),
            "S" => Some(Responsibility::Secondary),
            "T" => Some(Responsibility::Tertiary),
            _ => None,
        }
    }
}

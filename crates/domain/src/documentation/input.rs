//! What the application knows about one order, as plain serde facts for the checker: no
//! behaviour, no database ids. The written order's elements are given as written on the order.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::billing::input::date_format;
use crate::catalog::Hcpcs;
use crate::codes::{Icd10Cm, Mbi, Npi};

/// Everything the documentation checker reads about one order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderFacts {
    /// Beneficiary's name as written on the order; empty when it is not.
    #[serde(default)]
    pub patient_name: String,
    /// Beneficiary's MBI as written on the order.
    #[serde(default)]
    pub patient_mbi: Option<Mbi>,
    /// The order date written on the order (`YYYY-MM-DD`).
    #[serde(default, with = "date_format::option")]
    pub order_date: Option<Date>,
    /// The planned (or actual) delivery date, which is the date of service.
    #[serde(default, with = "date_format::option")]
    pub planned_delivery: Option<Date>,
    /// Treating practitioner's name as written on the order.
    #[serde(default)]
    pub practitioner_name: String,
    /// Treating practitioner's NPI as written on the order.
    #[serde(default)]
    pub practitioner_npi: Option<Npi>,
    /// The practitioner signed the order.
    #[serde(default)]
    pub signed: bool,
    /// The date next to the signature.
    #[serde(default, with = "date_format::option")]
    pub signature_date: Option<Date>,
    /// Diagnoses from the order or the practitioner's notes.
    #[serde(default)]
    pub diagnoses: Vec<Icd10Cm>,
    /// The items ordered, in order; findings name a line by its index here (from 0).
    #[serde(default)]
    pub lines: Vec<LineFacts>,
    /// Date of the latest face-to-face encounter with the treating practitioner for these items.
    #[serde(default, with = "date_format::option")]
    pub f2f_encounter: Option<Date>,
    /// Documents on file for the order.
    #[serde(default)]
    pub documents: Vec<DocumentFacts>,
    /// Prior-authorization requests for the patient's items.
    #[serde(default)]
    pub prior_auths: Vec<PriorAuthFacts>,
    /// Eligibility results of the coverage the order bills.
    #[serde(default)]
    pub eligibility: Vec<EligibilityFacts>,
}

/// One item ordered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineFacts {
    /// The HCPCS code billed.
    pub hcpcs: Hcpcs,
    /// Quantity to dispense as written on the order; `None` when it is not written.
    #[serde(default)]
    pub quantity: Option<u32>,
    /// Rented or bought.
    pub rent_or_buy: RentOrBuy,
    /// The item's description as written on the order; empty when it is not.
    #[serde(default)]
    pub description: String,
}

/// Whether a line is rented or bought (a pricing choice per payer and HCPCS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RentOrBuy {
    /// Monthly rental.
    Rental,
    /// Purchase.
    Purchase,
}

/// The kinds of document an order can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The written order.
    Order,
    /// A face-to-face encounter or clinical note.
    F2fNote,
    /// A sleep study.
    SleepStudy,
    /// A blood-gas or oximetry test.
    Oximetry,
    /// A prior-authorization decision letter.
    PaDecision,
    /// A signed Advance Beneficiary Notice.
    Abn,
    /// Anything else: medical records, trial notes, choice forms.
    Other,
    /// A signed proof of delivery (written by a completed delivery, or a paper one uploaded).
    #[serde(rename = "pod")]
    ProofOfDelivery,
}

impl DocumentKind {
    /// Every kind, in display order.
    pub const ALL: &'static [DocumentKind] = &[
        Self::Order,
        Self::F2fNote,
        Self::SleepStudy,
        Self::Oximetry,
        Self::PaDecision,
        Self::Abn,
        Self::Other,
        Self::ProofOfDelivery,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::F2fNote => "f2f_note",
            Self::SleepStudy => "sleep_study",
            Self::Oximetry => "oximetry",
            Self::PaDecision => "pa_decision",
            Self::Abn => "abn",
            Self::Other => "other",
            Self::ProofOfDelivery => "pod",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Order => "Written order",
            Self::F2fNote => "Face-to-face note",
            Self::SleepStudy => "Sleep study",
            Self::Oximetry => "Oximetry or blood gas",
            Self::PaDecision => "Prior-authorization decision",
            Self::Abn => "ABN",
            Self::Other => "Other",
            Self::ProofOfDelivery => "Proof of delivery",
        }
    }
}

/// One document on file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentFacts {
    /// What the document is.
    pub kind: DocumentKind,
    /// The date of the encounter, test or signature it records.
    #[serde(default, with = "date_format::option")]
    pub date: Option<Date>,
    /// The order line it concerns (an ABN for one line); `None` = the whole order.
    #[serde(default)]
    pub line: Option<usize>,
    /// Checklist item ids a person marked this document as satisfying (`PAP-SLEEP-TEST`).
    #[serde(default)]
    pub satisfies: Vec<String>,
}

/// Status of a prior-authorization request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaStatus {
    /// Being prepared.
    Draft,
    /// Sent to the DME MAC, no decision yet.
    Submitted,
    /// Provisionally affirmed.
    Affirmed,
    /// Non-affirmed.
    NonAffirmed,
    /// Marked expired by a person.
    Expired,
}

/// One prior-authorization request and its decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorAuthFacts {
    /// The code the request covers.
    pub hcpcs: Hcpcs,
    /// Where the request stands.
    pub status: PaStatus,
    /// Unique tracking number from the decision letter.
    #[serde(default)]
    pub utn: Option<String>,
    /// Date of the decision.
    #[serde(default, with = "date_format::option")]
    pub decision_date: Option<Date>,
    /// Last date the decision covers, when the decision letter states one.
    #[serde(default, with = "date_format::option")]
    pub expiry_date: Option<Date>,
}

/// One eligibility result for the order's coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityFacts {
    /// Date the payer answered.
    #[serde(with = "date_format")]
    pub checked_on: Date,
    /// The payer reported active coverage.
    pub active: bool,
}

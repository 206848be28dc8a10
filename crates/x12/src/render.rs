//! Shows a file one segment per line with each segment's name as the implementation guides
//! call it (the loop's name where the qualifier tells it: `NM1*85` is the billing provider).

use std::fmt::Write as _;

use crate::error::Result;
use crate::reader::{Segment, segments};

/// One line per segment: position, name, then the segment as written.
pub fn render(input: &[u8]) -> Result<String> {
    let segments = segments(input)?;
    let mut out = String::with_capacity(input.len() * 2);
    for segment in &segments {
        let _ = writeln!(
            out,
            "{:>5}  {:<44} {}",
            segment.position(),
            segment_name(segment),
            segment.text()
        );
    }
    Ok(out)
}

/// The guide's name of a segment, refined by its qualifier where the guides name loops by it.
pub fn segment_name(segment: &Segment<'_>) -> &'static str {
    let qualifier = segment.element(1);
    match (segment.id(), qualifier) {
        ("NM1", "41") => "Submitter Name",
        ("NM1", "40") => "Receiver Name",
        ("NM1", "85") => "Billing Provider Name",
        ("NM1", "87") => "Pay-to Address Name",
        ("NM1", "IL") => "Subscriber Name",
        ("NM1", "QC") => "Patient Name",
        ("NM1", "PR") => "Payer Name",
        ("NM1", "DK") => "Ordering Provider Name",
        ("NM1", "1P") => "Provider Name",
        ("NM1", _) => "Individual or Organizational Name",
        ("HL", _) => match segment.element(3) {
            "20" => "Information Source / Billing Provider Level",
            "21" => "Information Receiver Level",
            "19" => "Service Provider Level",
            "22" => "Subscriber Level",
            "23" => "Dependent Level",
            "PT" => "Patient Level",
            _ => "Hierarchical Level",
        },
        ("REF", "EI") => "Billing Provider Tax Identification",
        ("REF", "G1") => "Prior Authorization",
        ("REF", "F8") => "Payer Claim Control Number",
        ("REF", "6R") => "Line Item Control Number",
        ("REF", "1K") => "Payer Claim Control Number",
        ("REF", "EJ") => "Patient Control Number",
        ("REF", _) => "Reference Information",
        ("DTP", "472") => "Date - Service Date",
        ("DTP", "573") => "Line Check or Remittance Date",
        ("DTP", "291") => "Date - Plan",
        ("DTP", _) => "Date or Time or Period",
        ("NTE", _) => "Note / Narrative",
        ("N1", "PR") => "Payer Identification",
        ("N1", "PE") => "Payee Identification",
        ("PER", _) => "Contact Information",
        ("AMT", "D") => "Payer Paid Amount",
        ("AMT", "B6") => "Service Supplemental Amount (allowed)",
        ("AMT", "T3") => "Claim Submitted Charges",
        ("AMT", _) => "Monetary Amount Information",
        (id, _) => plain_name(id),
    }
}

/// The X12 dictionary name of a segment id.
fn plain_name(id: &str) -> &'static str {
    match id {
        "ISA" => "Interchange Control Header",
        "GS" => "Functional Group Header",
        "ST" => "Transaction Set Header",
        "BHT" => "Beginning of Hierarchical Transaction",
        "PRV" => "Provider Information",
        "N3" => "Address Information",
        "N4" => "Geographic Location",
        "SBR" => "Subscriber Information",
        "PAT" => "Patient Information",
        "DMG" => "Demographic Information",
        "CLM" => "Claim Information",
        "PWK" => "Claim Supplemental Information (paperwork)",
        "HI" => "Health Care Diagnosis Code",
        "OI" => "Other Insurance Coverage Information",
        "LX" => "Service Line Number",
        "SV1" => "Professional Service",
        "CR3" => "Durable Medical Equipment Certification",
        "SVD" => "Line Adjudication Information",
        "CAS" => "Claim or Service Adjustment",
        "TRN" => "Trace",
        "EQ" => "Eligibility or Benefit Inquiry",
        "EB" => "Eligibility or Benefit Information",
        "AAA" => "Request Validation",
        "MSG" => "Message Text",
        "STC" => "Status Information",
        "SVC" => "Service Information",
        "BPR" => "Financial Information",
        "DTM" => "Date/Time Reference",
        "CLP" => "Claim Payment Information",
        "LQ" => "Health Care Remark Codes",
        "PLB" => "Provider Adjustment",
        "QTY" => "Quantity Information",
        "AK1" => "Functional Group Response Header",
        "AK2" => "Transaction Set Response Header",
        "IK3" => "Error Identification",
        "IK4" => "Implementation Data Element Note",
        "CTX" => "Context",
        "IK5" => "Transaction Set Response Trailer",
        "AK9" => "Functional Group Response Trailer",
        "SE" => "Transaction Set Trailer",
        "GE" => "Functional Group Trailer",
        "IEA" => "Interchange Control Trailer",
        "TA1" => "Interchange Acknowledgment",
        _ => "Segment",
    }
}

//! The implementation acknowledgement 999 (ASC X12 005010X231A1): whether a receiver accepted a
//! functional group and each of its transaction sets, and where it found errors.

use crate::error::Result;
use crate::interchange::{Cursor, Interchange};
use crate::reader::Segment;

/// The guide; receivers also send the base version without the A1 errata.
pub const GUIDES: [&str; 2] = ["005010X231A1", "005010X231"];

/// A 999 for one functional group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgement<'a> {
    /// AK101: the acknowledged group's functional ID (HC for claims).
    pub functional_id: &'a str,
    /// AK102: the acknowledged group's control number (its GS06).
    pub group_control: &'a str,
    pub transactions: Vec<TransactionAcknowledgement<'a>>,
    /// AK901: A accepted, E accepted with errors, P partially accepted, R rejected.
    pub group_code: &'a str,
    /// AK902–AK904: transaction sets included, received and accepted.
    pub included: u32,
    pub received: u32,
    pub accepted: u32,
    /// AK905–: the group's error codes.
    pub group_errors: Vec<&'a str>,
}

/// AK2 … IK5: one transaction set's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionAcknowledgement<'a> {
    /// AK201 (837).
    pub set_id: &'a str,
    /// AK202: the ST02 acknowledged.
    pub control: &'a str,
    /// IK501: A accepted, E accepted with errors, R rejected, M, W, X (rejected for other reasons).
    pub code: &'a str,
    /// IK502–: the set's error codes.
    pub errors: Vec<&'a str>,
    pub segment_errors: Vec<SegmentError<'a>>,
}

/// IK3 (and its IK4s): a segment the receiver found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentError<'a> {
    /// IK301: the segment id.
    pub segment: &'a str,
    /// IK302: its position counted from ST (ST is 1).
    pub position: &'a str,
    /// IK303: the loop (2010BB).
    pub loop_id: &'a str,
    /// IK304: 1 unrecognized, 3 required segment missing, 8 segment has data element errors …
    pub code: &'a str,
    pub elements: Vec<ElementError<'a>>,
}

/// IK4: an element the receiver found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementError<'a> {
    /// IK401: position in the segment (`2` or `5:3`).
    pub position: &'a str,
    /// IK403: 1 required element missing, 7 invalid code value, 8 invalid date …
    pub code: &'a str,
    /// IK404: a copy of the bad value.
    pub value: &'a str,
}

/// Reads every 999 of an interchange.
pub fn read_acknowledgements<'a>(
    interchange: &Interchange<'a>,
) -> Result<Vec<Acknowledgement<'a>>> {
    interchange
        .transactions()
        .map(|transaction| {
            let guide = GUIDES
                .iter()
                .find(|g| **g == transaction.guide())
                .copied()
                .unwrap_or(GUIDES[0]);
            transaction.expect("999", guide)?;
            let mut c = transaction.body();
            let ak1 = c.expect("AK1", None, "AK1 (the group acknowledged)")?;
            let mut transactions = Vec::new();
            while let Some(ak2) = c.take("AK2", None) {
                transactions.push(read_transaction(&mut c, &ak2)?);
            }
            let ak9 = c.expect("AK9", None, "AK2 or AK9 (the group's verdict)")?;
            Ok(Acknowledgement {
                functional_id: ak1.required(1)?,
                group_control: ak1.required(2)?,
                transactions,
                group_code: ak9.required(1)?,
                included: ak9.number(2)?,
                received: ak9.number(3)?,
                accepted: ak9.number(4)?,
                group_errors: ak9.elements().skip(4).filter(|e| !e.is_empty()).collect(),
            })
        })
        .collect()
}

fn read_transaction<'a>(
    c: &mut Cursor<'_, 'a>,
    ak2: &Segment<'a>,
) -> Result<TransactionAcknowledgement<'a>> {
    let mut segment_errors = Vec::new();
    while let Some(ik3) = c.take("IK3", None) {
        while c.take("CTX", None).is_some() {}
        let mut elements = Vec::new();
        while let Some(ik4) = c.take("IK4", None) {
            while c.take("CTX", None).is_some() {}
            elements.push(ElementError {
                position: ik4.required(1)?,
                code: ik4.required(3)?,
                value: ik4.element(4),
            });
        }
        segment_errors.push(SegmentError {
            segment: ik3.required(1)?,
            position: ik3.required(2)?,
            loop_id: ik3.element(3),
            code: ik3.required(4)?,
            elements,
        });
    }
    let ik5 = c.expect("IK5", None, "IK5 (the transaction set's verdict)")?;
    Ok(TransactionAcknowledgement {
        set_id: ak2.required(1)?,
        control: ak2.required(2)?,
        code: ik5.required(1)?,
        errors: ik5.elements().skip(1).filter(|e| !e.is_empty()).collect(),
        segment_errors,
    })
}

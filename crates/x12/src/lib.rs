//! X12 5010 reading and writing. The claim (837P), remittance (835) and acknowledgement
//! readers and writers arrive with the EDI issue; the crate exists now so the workspace has the
//! shape DESIGN.md describes.

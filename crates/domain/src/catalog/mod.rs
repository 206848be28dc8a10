//! The HCPCS Level II catalog and the DMEPOS fee schedule: their types and pure parsers of the
//! CMS files. Importing them into the database is the application's job.

mod category;
mod code;
pub mod fee_schedule;
mod file;
mod hcpcs_file;
mod record;

pub use category::PaymentCategory;
pub use code::{CatalogCode, Hcpcs, ModifierCode, RecordKind};
pub use fee_schedule::{FeeScheduleError, FeeScheduleRow, StateAmounts};
pub use file::FileError;
pub use hcpcs_file::{HcpcsFileError, parse_hcpcs_file};
pub use record::HcpcsRecord;

/// The 2019 CMS HCPCS file limited to DMEPOS codes (A4–A9, B, E, K, L) and all modifiers, in
/// the CSV layout: the catalog a fresh install loads. CMS data, a US government work in the
/// public domain; it holds no CPT content.
pub const BUNDLED_HCPCS: &[u8] =
    include_bytes!("../../../../data/hcpcs/hcpcs2019_dmepos_subset.csv");

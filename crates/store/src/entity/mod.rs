//! One module per table. Rows are plain structs (`Model`) that the app layer reads directly.

pub mod api_token;
pub mod audit_event;
pub mod audit_event_patient;
pub mod audit_head;
pub mod coverage;
pub mod hcpcs_code;
pub mod hcpcs_code_change;
pub mod hcpcs_import;
pub mod location;
pub mod patient;
pub mod patient_address;
pub mod patient_diagnosis;
pub mod patient_phone;
pub mod payer;
pub mod plan;
pub mod prescriber;
pub mod product;
pub mod product_accessory;
pub mod product_hcpcs;
pub mod referral_source;
pub mod referral_source_prescriber;
pub mod session;
pub mod supplier;
pub mod user;

//! Documentation rules: what an order needs on file before it may
//! ship, checked by one pure function.
//!
//! - [`code_list`]: the Required F2F/WOPD and Required Prior Authorization lists, data with
//!   effective dates from `data/rules/`.
//! - `swo`: the standard written order's six elements, its timing, and the F2F window.
//! - [`families`]: product families by HCPCS range and their policy checklists.
//! - [`prior_auth`]: whether a prior authorization covers a delivery; request validation.
//! - [`checker`]: [`check`] returns every unmet [`requirements::Requirement`] as a [`Finding`].
//!
//! docs/documentation-rules.md lists every requirement id with its sentence and source.

pub mod checker;
pub mod code_list;
pub mod families;
pub mod input;
pub mod prior_auth;
pub mod report;
pub mod requirements;
mod swo;

pub use checker::check;
pub use code_list::{
    CodeList, CodeListError, DocumentationRules, Effective, F2fWopdList, F2fWopdRow, ListRow,
    PriorAuthList, PriorAuthRow, ValidFor,
};
pub use families::{ChecklistItem, CodeRange, ProductFamily};
pub use input::{
    DocumentFacts, DocumentKind, EligibilityFacts, LineFacts, OrderFacts, PaStatus, PriorAuthFacts,
    RentOrBuy,
};
pub use report::{Finding, Readiness, Report};
pub use requirements::{Requirement, Severity};

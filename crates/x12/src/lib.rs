//! X12 5010 reading and writing for Durable: the envelope (ISA/GS/ST … SE/GE/IEA), the DME
//! claim (837P, 005010X222A1), eligibility (270/271, 005010X279A1), claim status (276/277,
//! 005010X212; 277CA, 005010X214), acknowledgements (999, 005010X231A1) and remittance (835,
//! 005010X221A1). It knows X12 and nothing of the database: the application fills the typed
//! values and stores what the readers return.

pub mod acknowledgement;
pub mod claim;
pub mod eligibility;
pub mod error;
pub mod interchange;
pub mod parties;
pub mod reader;
pub mod remittance;
pub mod render;
pub mod status;
pub mod writer;

pub use error::{Error, Location, Problem, Result};
pub use interchange::{Cursor, Interchange, Transaction};
pub use reader::{DateRange, Delimiters, Segment};
pub use writer::{Envelope, PartyId, Usage, Writer};

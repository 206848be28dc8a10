//! The billing cycle on every backend: organization settings and "today", the job runner, and
//! (as they land) claims, the scrubber, the ledger and the imports. One binary, one module each.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

#[path = "../common/mod.rs"]
mod common;

mod jobs;
mod settings;

//! Durable's pure rules and types. Nothing here does I/O, so everything is cheap to test.

pub mod clock;
pub mod codes;
pub mod ids;
pub mod people;
pub mod role;
pub mod search;
pub mod validation;

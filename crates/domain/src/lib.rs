//! Durable's pure rules and types. Nothing here does I/O, so everything is cheap to test.

pub mod billing;
pub mod catalog;
pub mod clock;
pub mod codes;
pub mod delivery;
pub mod documentation;
pub mod ids;
pub mod inventory;
pub mod money;
pub mod orders;
pub mod organization;
pub mod people;
pub mod role;
pub mod search;
pub mod text;
pub mod validation;

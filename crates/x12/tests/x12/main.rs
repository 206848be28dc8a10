//! The codec's tests: one binary (see DESIGN.md, house style).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;
mod readers;
mod round_trip;
mod samples;
mod validators;

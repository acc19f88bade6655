//! The integration test binary (one binary: `autotests = false`).

mod accuracy;
mod cli;
mod common;
mod corpus;
mod fuzz;
mod kafka;
mod leaks;
mod schema;

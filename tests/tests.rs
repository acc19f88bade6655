//! The integration test binary (one binary: `autotests = false`).

mod accuracy;
mod categories;
mod cli;
mod common;
mod conversations;
mod corpus;
mod fuzz;
mod fuzz_json;
mod kafka;
mod leaveout;
mod leaks;
mod schema;
mod unicode;
mod written;

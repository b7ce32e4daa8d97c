//! The integration tests, one binary: linking is the slow step on two cores, so every former test
//! file is a module here and the whole suite is linked once. Their helpers (fixtures, child
//! processes, dates, snapshot names, the scripted HTTP server) are in the `integration_tests`
//! library: `tests/lib.rs` and `tests/support/`.
//!
//! The tests of one module, or one test, by name:
//!
//! ```text
//! cargo test -p integration-tests --test it -- e2e_client::
//! cargo test -p integration-tests --test it -- --exact freshness::committed_client_is_fresh
//! ```
//!
//! Everything here shares one process: a test that changes what every thread sees (environment
//! variables) runs in a child process of its own
//! (`integration_tests::support::process::alone_in_child_process`), and the tracing tests keep
//! their subscribers per thread (see `e2e_tracing`).

mod bench_smoke;
mod changes;
mod cli;
mod conformance;
mod constructs;
mod diagnostics;
mod diff;
mod e2e;
mod e2e_client;
mod e2e_streams;
mod e2e_tracing;
mod example;
mod fail_fast;
mod features;
mod freshness;
mod multi_file;
mod no_panic;
mod openapi31;
mod roundtrip;
mod snapshots;
mod unknown_fields;

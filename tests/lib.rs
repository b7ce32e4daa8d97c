//! Shared helpers of the integration tests (`tests/it/`, one test binary) and the bench harness
//! (`tests/bench/`): fixtures, the bundled spec's files, child processes, dates, snapshot names and
//! the scripted HTTP server, in `support/`.

pub mod support;

/// The README's Rust examples compile (run as doctests of this crate).
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

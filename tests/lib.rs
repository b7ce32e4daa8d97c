//! Shared helpers for the integration tests: the scripted HTTP server and fixture paths.

pub mod support;

use std::path::PathBuf;

/// `tests/fixtures/<relative>`.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(relative)
}

/// The README's Rust examples compile (run as doctests of this crate).
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

//! The client runtime: HTTP, errors, parameter encoding and JSON Lines streaming, written once as
//! plain Rust and copied into every generated crate. Generated operations only wire into it.

// The runtime serves every spec; one API uses only part of it (say, no bearer tokens).
#![allow(dead_code)]

mod client;
mod encode;
mod error;
mod jsonl;
mod request;
pub(crate) mod wire;

pub use client::{Client, ClientBuilder, ConfigError};
pub use error::{ApiError, DecodeError, Error};
pub use jsonl::JsonlStream;
pub use wire::ParamValue;

pub(crate) use client::{CredentialPlacement, SpecInfo};
pub(crate) use encode::{join_values, path_segment};
pub(crate) use request::{read_json, RequestParts};

//! The client runtime: HTTP, errors, parameter encoding and JSON Lines streaming, written once as
//! plain Rust and copied into every generated crate. Generated operations only wire into it.

// The runtime serves every spec; one API uses only part of it (say, no bearer tokens).
#![allow(dead_code, unused_imports)]

mod client;
mod encode;
mod error;
mod jsonl;
mod lines;
mod options;
mod paging;
mod request;
mod retry;
mod wait;
pub(crate) mod wire;

pub use client::{Client, ClientBuilder, ConfigError};
pub use error::{ApiError, DecodeError, Error, FromResponse};
pub use jsonl::JsonlStream;
pub use options::RequestOptions;
pub use paging::Paginator;
pub use request::ApiResponse;
pub use wait::WaitOptions;
pub use wire::ParamValue;

pub(crate) use client::{env_var, CredentialPlacement, SpecInfo};
pub(crate) use encode::{join_values, json_pairs, json_text, path_segment, ParamStyle};
pub(crate) use paging::Page;
pub(crate) use request::RequestParts;
pub(crate) use wait::wait_until;

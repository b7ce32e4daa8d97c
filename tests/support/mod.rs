//! The helpers, one module per concern.

pub mod bundled;
pub mod fixtures;
pub mod process;
pub mod server;
pub mod snapshot;
pub mod time;

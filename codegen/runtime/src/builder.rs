//! What every request builder has in common, written once: the per-call settings, kept in the
//! builder's `options` field (a [`RequestOptions`](super::options::RequestOptions)). A crate gets
//! this module only when it has operations.

/// The per-call settings every request builder offers, written once and expanded inside each
/// builder's `impl` (`runtime::per_call_options!();`), which keeps them in its `options` field.
/// (`extra_body_field`, which only builders with a JSON, form or multipart body have, is written
/// on those builders.)
macro_rules! per_call_options {
    () => {
        /// Sends an extra header with this request (replacing one of the same name).
        pub fn extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.options.header(name.into(), value.into());
            self
        }

        /// Adds an extra query parameter to this request.
        pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.options.query(name.into(), value.into());
            self
        }

        /// The time allowed for each attempt of this request, instead of the client's.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// How often this request is retried, instead of the client's setting.
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options.max_retries = Some(retries);
            self
        }
    };
}
pub(crate) use per_call_options;

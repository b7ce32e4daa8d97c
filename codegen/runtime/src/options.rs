//! What a caller can change for one request: extra headers, query and body fields, the timeout
//! and the retry budget.

use std::time::Duration;

/// Per-request settings, set through the request builders' `extra_*`, `timeout` and `max_retries`.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body_fields: serde_json::Map<String, serde_json::Value>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
}

impl RequestOptions {
    pub(crate) fn header(&mut self, name: String, value: String) {
        self.headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.headers.push((name, value));
    }

    pub(crate) fn query(&mut self, name: String, value: String) {
        self.query.push((name, value));
    }

    pub(crate) fn body_field(&mut self, name: String, value: serde_json::Value) {
        self.body_fields.insert(name, value);
    }
}

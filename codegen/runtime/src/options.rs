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

// The request builders' `extra_header`, `extra_query` and `extra_body_field` call these; a crate
// without operations (or without request bodies, for `body_field`) leaves them unused.
#[allow(dead_code)]
impl RequestOptions {
    /// Sends this header, replacing one of the same name (in any case).
    pub(crate) fn header(&mut self, name: String, value: String) {
        self.headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.headers.push((name, value));
    }

    /// Adds this query parameter (a name may repeat).
    pub(crate) fn query(&mut self, name: String, value: String) {
        self.query.push((name, value));
    }

    /// Sets this field of the JSON body, replacing one of the same name.
    pub(crate) fn body_field(&mut self, name: String, value: serde_json::Value) {
        self.body_fields.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::RequestOptions;
    use serde_json::json;

    #[test]
    fn a_header_replaces_one_of_the_same_name_in_any_case() {
        let mut options = RequestOptions::default();
        options.header("X-Trace".to_owned(), "1".to_owned());
        options.header("accept".to_owned(), "text/plain".to_owned());
        options.header("x-trace".to_owned(), "2".to_owned());
        let headers: Vec<(&str, &str)> =
            options.headers.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        assert_eq!(headers, [("accept", "text/plain"), ("x-trace", "2")]);
    }

    #[test]
    fn query_parameters_may_repeat_and_body_fields_replace() {
        let mut options = RequestOptions::default();
        options.query("tag".to_owned(), "a".to_owned());
        options.query("tag".to_owned(), "b".to_owned());
        assert_eq!(options.query, [("tag".to_owned(), "a".to_owned()), ("tag".to_owned(), "b".to_owned())]);
        options.body_field("n".to_owned(), json!(1));
        options.body_field("n".to_owned(), json!({"deep": true}));
        assert_eq!(serde_json::Value::Object(options.body_fields), json!({"n": {"deep": true}}));
    }
}

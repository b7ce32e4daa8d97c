//! What a caller can change for one request: extra headers, query and body fields, the timeout
//! and the retry budget.

use std::time::Duration;

/// Per-request settings, set through the request builders' `extra_*`, `timeout` and `max_retries`.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body_fields: serde_json::Map<String, serde_json::Value>,
    /// Values to set at JSON pointers inside the body, in the order given.
    pub(crate) body_values: Vec<(String, serde_json::Value)>,
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

    /// Sets the value at this JSON pointer inside the body when it is sent.
    pub(crate) fn body_value(&mut self, pointer: String, value: serde_json::Value) {
        self.body_values.push((pointer, value));
    }
}

/// Sets `new` at `pointer` (RFC 6901: `/requests/0/params/name`, `~1` for `/`, `~0` for `~`)
/// inside `body`. Objects on the way that are missing are created; an array index must exist,
/// except `-` as the last step, which appends. The error says which step failed.
pub(crate) fn set_at(
    body: &mut serde_json::Value,
    pointer: &str,
    new: serde_json::Value,
) -> Result<(), String> {
    use serde_json::Value;
    let Some(path) = pointer.strip_prefix('/') else {
        return Err(format!("`{pointer}` is not a JSON pointer into the body (it must start with `/`)"));
    };
    let steps: Vec<String> = path.split('/').map(|step| step.replace("~1", "/").replace("~0", "~")).collect();
    let mut at = body;
    for (index, step) in steps.iter().enumerate() {
        let last = index + 1 == steps.len();
        at = match at {
            Value::Object(object) if last => {
                object.insert(step.clone(), new);
                return Ok(());
            }
            Value::Object(object) => {
                object.entry(step.clone()).or_insert_with(|| Value::Object(serde_json::Map::new()))
            }
            Value::Array(items) if last && step == "-" => {
                items.push(new);
                return Ok(());
            }
            Value::Array(items) => {
                let length = items.len();
                let Some(item) = step.parse::<usize>().ok().and_then(|position| items.get_mut(position))
                else {
                    return Err(format!("`{pointer}`: `{step}` is not an index of this array of {length}"));
                };
                if last {
                    *item = new;
                    return Ok(());
                }
                item
            }
            _ => {
                return Err(format!(
                    "`{pointer}`: the value before `{step}` is neither an object nor an array"
                ))
            }
        };
    }
    *at = new;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{set_at, RequestOptions};
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

    #[test]
    fn a_value_is_set_at_any_depth_of_the_body() {
        let mut body = json!({"requests": [{"params": {"model": "m"}}, {"params": {}}]});
        set_at(&mut body, "/requests/1/params/new_option", json!({"on": true})).expect("sets");
        set_at(&mut body, "/requests/0/params/a~1b/c", json!(1)).expect("creates objects on the way");
        set_at(&mut body, "/requests/-", json!({"custom_id": "x"})).expect("appends");
        assert_eq!(
            body,
            json!({"requests": [
                {"params": {"model": "m", "a/b": {"c": 1}}},
                {"params": {"new_option": {"on": true}}},
                {"custom_id": "x"}
            ]})
        );
        assert!(set_at(&mut body, "/requests/7/params/x", json!(1))
            .expect_err("no such index")
            .contains("`7`"));
        assert!(set_at(&mut body, "/requests/0/params/model/x", json!(1)).is_err());
        assert!(set_at(&mut body, "requests", json!(1)).is_err());
    }
}

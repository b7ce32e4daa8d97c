//! Paths → operations: each method of each path, with its builder, parameters, bodies and
//! results (see [`super::parameters`] and [`super::bodies`]); the parameters every operation
//! shares. What each operation requires for credentials is [`super::security`]'s.

use super::resolver::Resolver;
use crate::diagnostics::Pointer;
use crate::extensions;
use crate::model::*;
use crate::names;
use openapiv3::ReferenceOr;
use std::collections::HashMap;

impl Resolver<'_> {
    /// Every operation of every path, in the document's order. A path key may end in a query
    /// (`/items?beta=true`), sent with every request of its operations; an operationId used
    /// twice is made unique, with a warning.
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let mut operations = Vec::new();
        let mut extensions_of = Vec::new();
        let mut seen_ids = SeenIds::default();
        let paths = &self.document.paths.paths;
        for (key, item) in paths {
            let path_at = Pointer::root().key("paths").key(key);
            let item = match item {
                ReferenceOr::Item(item) => item,
                // The loader replaces every path item reference (or reports it).
                ReferenceOr::Reference { reference } => {
                    self.diagnostics.push(
                        path_at.key("$ref").as_str(),
                        format!("`$ref: {reference}` does not lead to a path item; point it to one under `components/pathItems` or `paths`"),
                    );
                    continue;
                }
            };
            let (path, query) =
                key.split_once('?').map_or((key.as_str(), None), |(path, query)| (path, Some(query)));
            let methods = [
                ("get", &item.get),
                ("put", &item.put),
                ("post", &item.post),
                ("delete", &item.delete),
                ("options", &item.options),
                ("head", &item.head),
                ("patch", &item.patch),
                ("trace", &item.trace),
            ];
            for (method, operation) in methods {
                let Some(operation) = operation else { continue };
                let at = path_at.key(method);
                let wanted = operation.operation_id.clone().unwrap_or_else(|| format!("{method} {key}"));
                let operation_id = match seen_ids.claim(&wanted, method, key, &at) {
                    Ok(id) => id,
                    Err((id, first)) => {
                        self.diagnostics.warn(
                            at.key("operationId").as_str(),
                            format!("operationId `{wanted}` is already used at {first}; operationIds must be unique, so this operation is called `{id}`"),
                        );
                        id
                    }
                };
                let method_name = self.method_scope.claim_value(&operation_id);
                extensions_of.push(extensions::operation(&operation.extensions, &at, &mut self.diagnostics));
                let builder_name = self.type_scope.claim(&names::type_name(&operation_id));
                let params = self.params(&item.parameters, &operation.parameters, &at, &builder_name);
                let segments = self.segments(path, &params, &at);
                let fixed_query =
                    query.map(|query| self.fixed_query(query, &params, &at)).unwrap_or_default();
                let body = operation
                    .request_body
                    .as_ref()
                    .and_then(|body| self.request_body(body, &at.key("requestBody"), &builder_name));
                let (success, accept) =
                    self.success(&operation.responses, &at.key("responses"), &builder_name);
                let error = self.error_type(&operation.responses, &at.key("responses"), &builder_name);
                operations.push(Operation {
                    operation_id,
                    tag: operation.tags.first().cloned(),
                    group: 0,
                    method_name,
                    builder_name,
                    http_method: method.to_ascii_uppercase(),
                    path: path.to_owned(),
                    fixed_query,
                    segments,
                    summary: operation.summary.clone(),
                    description: operation.description.clone(),
                    deprecated: operation.deprecated,
                    params,
                    body,
                    success,
                    accept,
                    error,
                    pointer: at.to_string(),
                    pagination: None,
                    waiters: Vec::new(),
                    url_from: None,
                    security: self.requirements(operation.security.as_ref(), &at),
                });
            }
        }
        for (index, extensions) in extensions_of.into_iter().enumerate() {
            self.link_extensions(&mut operations, index, extensions);
        }
        operations
    }
}

/// The operationIds handed out so far, each with the operation and the path key it names.
#[derive(Default)]
struct SeenIds(HashMap<String, (String, String)>);

impl SeenIds {
    /// `wanted` when it is free; otherwise (`Err`) a unique id made of it and the words of `key`
    /// that the first holder's path key does not have (`listItems_beta` for `/items?beta=true`
    /// beside `/items`), or the method when there are none, with the first holder's pointer.
    fn claim(
        &mut self,
        wanted: &str,
        method: &str,
        key: &str,
        at: &Pointer,
    ) -> Result<String, (String, String)> {
        let Some((first_at, first_key)) = self.0.get(wanted).cloned() else {
            self.0.insert(wanted.to_owned(), (at.to_string(), key.to_owned()));
            return Ok(wanted.to_owned());
        };
        let first_words = path_words(&first_key);
        let words: Vec<&str> =
            path_words(key).into_iter().filter(|word| !first_words.contains(word)).collect();
        let suffix = if words.is_empty() { method.to_owned() } else { words.join("_") };
        let base = format!("{wanted}_{suffix}");
        let mut unique = base.clone();
        let mut counter = 2;
        while self.0.contains_key(&unique) {
            unique = format!("{base}{counter}");
            counter += 1;
        }
        self.0.insert(unique.clone(), (at.to_string(), key.to_owned()));
        Err((unique, first_at))
    }
}

/// The words of a path key: its literal segments, the names of its parameters and of its query
/// pairs (`/v1/items/{id}?beta=true` → `v1`, `items`, `id`, `beta`).
fn path_words(key: &str) -> Vec<&str> {
    let (path, query) = key.split_once('?').unwrap_or((key, ""));
    let segments = path.split('/').map(|segment| segment.trim_matches(['{', '}']));
    let names = query.split('&').map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name));
    segments.chain(names).filter(|word| !word.is_empty()).collect()
}

/// Non-path parameters that every operation takes, with the same name and location.
pub(super) fn shared_params(operations: &[Operation]) -> Vec<Param> {
    let Some((first, rest)) = operations.split_first() else {
        return Vec::new();
    };
    if rest.is_empty() {
        return Vec::new();
    }
    first
        .params
        .iter()
        .filter(|param| matches!(param.location, ParamLocation::Query | ParamLocation::Header))
        .filter(|param| param.encoding != ParamEncoding::Json && param.style == ParamStyle::Comma)
        .filter(|param| {
            rest.iter().all(|op| {
                op.params.iter().any(|p| {
                    p.wire_name == param.wire_name && p.location == param.location && p.ty == param.ty
                })
            })
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{path_words, SeenIds};
    use crate::diagnostics::Pointer;

    #[test]
    fn a_path_key_is_words_of_its_segments_parameters_and_query_names() {
        assert_eq!(path_words("/v1/items/{id}?beta=true&flag"), ["v1", "items", "id", "beta", "flag"]);
    }

    #[test]
    fn a_repeated_operation_id_takes_what_its_path_key_adds_else_its_method() {
        let mut seen = SeenIds::default();
        let at = Pointer::root().key("paths");
        assert_eq!(seen.claim("list", "get", "/items", &at.key("/items").key("get")), Ok("list".to_owned()));
        let beta = seen.claim("list", "get", "/items?beta=true", &at);
        assert_eq!(beta, Err(("list_beta".to_owned(), "/paths/~1items/get".to_owned())));
        assert_eq!(
            seen.claim("list", "post", "/items", &at).map_err(|(id, _)| id),
            Err("list_post".to_owned())
        );
        assert_eq!(
            seen.claim("list", "post", "/items", &at).map_err(|(id, _)| id),
            Err("list_post2".to_owned())
        );
    }

    fn warnings_and_query(query: &str, parameters: &str) -> (Vec<String>, Vec<(String, String)>) {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /items?{query}:\n    get:\n      \
             parameters: {parameters}\n      responses: {{'204': {{description: ok}}}}\n"
        );
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        let warnings = api.warnings.iter().map(|warning| warning.message.clone()).collect();
        (warnings, api.operations[0].fixed_query.clone())
    }

    #[test]
    fn the_path_query_is_decoded_once_and_sent_as_fixed_pairs() {
        let (warnings, query) = warnings_and_query("a=1&b=x%26y+z&c", "[]");
        assert!(warnings.is_empty(), "{warnings:?}");
        let pairs: Vec<(&str, &str)> = query.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("a", "1"), ("b", "x&y z"), ("c", "")]);
    }

    #[test]
    fn a_templated_or_shadowed_pair_is_not_sent_and_only_a_loss_is_a_warning() {
        let parameters =
            "[{name: q, in: query, schema: {type: string}}, {name: mode, in: query, schema: {type: string}}]";
        let (warnings, query) = warnings_and_query("q={q}&mode=fast&x={y}&keep=1", parameters);
        assert_eq!(query, [("keep".to_owned(), "1".to_owned())]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("`mode=fast` in the path's query is also a query parameter"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("`x={y}` in the path's query is a template"), "{warnings:?}");
    }
}

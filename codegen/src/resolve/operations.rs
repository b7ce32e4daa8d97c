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
    /// Every operation of every path, in the document's order (an operationId used twice is a
    /// diagnostic).
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let mut operations = Vec::new();
        let mut extensions_of = Vec::new();
        let mut seen_ids: HashMap<String, String> = HashMap::new();
        let paths = &self.document.paths.paths;
        for (path, item) in paths {
            let path_at = Pointer::root().key("paths").key(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.diagnostics.push(
                        path_at.key("$ref").as_str(),
                        "path items given by `$ref` are not supported; inline the path item",
                    );
                    continue;
                }
            };
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
                let operation_id =
                    operation.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
                if let Some(first) = seen_ids.insert(operation_id.clone(), at.to_string()) {
                    self.diagnostics.push(
                        at.key("operationId").as_str(),
                        format!("operationId `{operation_id}` is already used at {first}; operationIds must be unique"),
                    );
                    continue;
                }
                let method_name = self.method_scope.claim_value(&operation_id);
                extensions_of.push(extensions::operation(&operation.extensions, &at, &mut self.diagnostics));
                let builder_name = self.type_scope.claim(&names::type_name(&operation_id));
                let params = self.params(&item.parameters, &operation.parameters, &at, &builder_name);
                let segments = self.segments(path, &params, &at);
                let body = operation
                    .request_body
                    .as_ref()
                    .and_then(|body| self.request_body(body, &at.key("requestBody"), &builder_name));
                let (success, accept) =
                    self.success(&operation.responses, &at.key("responses"), &builder_name);
                let error = self.error_type(&operation.responses, &at.key("responses"), &builder_name);
                operations.push(Operation {
                    operation_id,
                    method_name,
                    builder_name,
                    http_method: method.to_ascii_uppercase(),
                    path: path.clone(),
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

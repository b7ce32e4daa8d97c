//! Parameters (path-level and operation-level, following `$ref`s), the path template they fill,
//! and the fixed query a path key may end in.

use super::docs::{constraint_docs, join_docs};
use super::resolver::Resolver;
use crate::diagnostics::{percent_decode, Pointer};
use crate::model::*;
use crate::names::{self, Scope};
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};
use std::collections::BTreeSet;

impl<'a> Resolver<'a> {
    /// An operation's parameters: the path item's, replaced by the operation's own of the same
    /// name and location, in the order given.
    pub(super) fn params(
        &mut self,
        shared: &'a [ReferenceOr<Parameter>],
        own: &'a [ReferenceOr<Parameter>],
        at: &Pointer,
        builder: &str,
    ) -> Vec<Param> {
        let mut resolved: Vec<(&'a Parameter, Pointer)> = Vec::new();
        let item_at = at.clone();
        let shared_at =
            Pointer::from_fragment(item_at.as_str().rsplit_once('/').map(|(head, _)| head).unwrap_or(""));
        let candidates = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (p, shared_at.key("parameters").index(i)))
            .chain(own.iter().enumerate().map(|(i, p)| (p, at.key("parameters").index(i))));
        for (parameter, parameter_at) in candidates {
            let Some((parameter, pointer)) =
                self.follow(parameter, &parameter_at, "parameters", |components| &components.parameters)
            else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            // An operation's parameter replaces a path-level one of the same name and location.
            resolved.retain(|(existing, _)| {
                let existing_data = existing.parameter_data_ref();
                !(existing_data.name == data.name
                    && std::mem::discriminant(*existing) == std::mem::discriminant(parameter))
            });
            resolved.push((parameter, pointer));
        }
        // Names the request builders use for their own methods and fields.
        let mut scope = Scope::with_reserved(&[
            "client",
            "body",
            "send",
            "send_with_response",
            "options",
            "extra_header",
            "extra_query",
            "extra_body_field",
            "timeout",
            "max_retries",
            "items",
            "into_future",
        ]);
        let mut params = Vec::new();
        for (parameter, pointer) in resolved {
            let data = parameter.parameter_data_ref();
            // OpenAPI says these header parameters are ignored: the media types and the
            // credentials are described elsewhere.
            if matches!(parameter, Parameter::Header { .. })
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                self.diagnostics.warn(
                    pointer.key("name").as_str(),
                    format!("a header parameter named `{}` is ignored, as OpenAPI asks; describe it with the media types or a security scheme", data.name),
                );
                continue;
            }
            let (location, default_explode, style) = match parameter {
                Parameter::Path { style, .. } => {
                    if !matches!(style, openapiv3::PathStyle::Simple) {
                        self.diagnostics.warn(
                            pointer.key("style").as_str(),
                            "`matrix` and `label` path styles are not supported yet; the value is written in `simple` style",
                        );
                    }
                    (ParamLocation::Path, false, ParamStyle::Comma)
                }
                Parameter::Query { style, .. } => {
                    let style = match style {
                        openapiv3::QueryStyle::Form => ParamStyle::Comma,
                        openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                    };
                    (ParamLocation::Query, true, style)
                }
                Parameter::Header { .. } => (ParamLocation::Header, false, ParamStyle::Comma),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, true, ParamStyle::Comma),
            };
            let (ty, default, docs_schema) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let hint = format!("{builder}{}", names::type_name(&data.name));
                    let (ty, _) = self.lower(schema.into(), &pointer.key("schema"), &hint);
                    let inline = match schema {
                        ReferenceOr::Item(schema) => Some(schema),
                        ReferenceOr::Reference { .. } => None,
                    };
                    let default =
                        inline.and_then(|s| s.schema_data.default.as_ref()).map(|value| match value {
                            serde_json::Value::String(text) => text.clone(),
                            other => other.to_string(),
                        });
                    (ty, default, inline)
                }
                ParameterSchemaOrContent::Content(content) => {
                    // `content` (usually `application/json`): the value is sent as its JSON text.
                    let Some((media, media_type)) = content.iter().next() else {
                        self.diagnostics.push(
                            pointer.key("content").as_str(),
                            "`content` has no media type; give the parameter a `schema` instead",
                        );
                        continue;
                    };
                    let ty = match &media_type.schema {
                        Some(schema) => {
                            let hint = format!("{builder}{}", names::type_name(&data.name));
                            self.lower(schema.into(), &pointer.key("content").key(media).key("schema"), &hint)
                                .0
                        }
                        None => TypeRef::Json,
                    };
                    (ty, None, None)
                }
            };
            let style = if matches!(data.format, ParameterSchemaOrContent::Content(_)) {
                ParamStyle::Json
            } else {
                style
            };
            let mut docs = data.description.clone();
            if let Some(schema) = docs_schema {
                docs = join_docs(docs, constraint_docs(schema));
            }
            params.push(Param {
                wire_name: data.name.clone(),
                rust_name: scope.claim_value(&data.name),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                default,
                explode: data.explode.unwrap_or(default_explode),
                style,
                // Decided once every type is known (`graph::param_encodings`).
                encoding: ParamEncoding::Scalar,
                docs,
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        params
    }

    /// The query pairs of a path key (what follows `?` in `/items?beta=true`), decoded, which the
    /// operation sends with every request. A `{template}` is no fixed value: it is left out, with
    /// a warning unless a query parameter of that name sends it; so is a pair an operation's query
    /// parameter of the same name replaces.
    pub(super) fn fixed_query(
        &mut self,
        query: &str,
        params: &[Param],
        at: &Pointer,
    ) -> Vec<(String, String)> {
        let decode = |text: &str| percent_decode(&text.replace('+', " "));
        let is_query_param = |name: &str| {
            params.iter().any(|param| param.location == ParamLocation::Query && param.wire_name == name)
        };
        let mut pairs = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, value) = (decode(name), decode(value));
            let template = value.strip_prefix('{').and_then(|rest| rest.strip_suffix('}'));
            if template.is_some_and(|template| template == name && is_query_param(&name)) {
                continue;
            }
            if name.contains('{') || value.contains('{') {
                self.diagnostics.warn(
                    at.as_str(),
                    format!("`{pair}` in the path's query is a template, not a fixed value, so it is not sent; declare it as a query parameter"),
                );
            } else if is_query_param(&name) {
                self.diagnostics.warn(
                    at.as_str(),
                    format!("`{pair}` in the path's query is also a query parameter of this operation; the parameter is sent instead (set it to `{value}` to send this)"),
                );
            } else {
                pairs.push((name, value));
            }
        }
        pairs
    }

    /// The path template as literal text and parameters; a `{name}` without a path parameter, and
    /// a path parameter the template does not use, are diagnostics.
    pub(super) fn segments(&mut self, path: &str, params: &[Param], at: &Pointer) -> Vec<PathSegment> {
        let mut segments = Vec::new();
        let mut rest = path;
        let mut used = BTreeSet::new();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                self.diagnostics
                    .push(at.as_str(), format!("the path `{path}` has a `{{` without a closing `}}`"));
                return segments;
            };
            let name = &rest[open + 1..open + close];
            match params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name) {
                Some(index) => {
                    used.insert(index);
                    segments.push(PathSegment::Param(index));
                }
                None => self.diagnostics.push(
                    at.key("parameters").as_str(),
                    format!("the path template has `{{{name}}}` but no path parameter named `{name}`; add one with `in: path`"),
                ),
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        for (index, param) in params.iter().enumerate() {
            if param.location == ParamLocation::Path && !used.contains(&index) {
                self.diagnostics.push(
                    at.key("parameters").as_str(),
                    format!("path parameter `{}` does not appear in the path `{path}`; add `{{{}}}` to the path or remove the parameter", param.wire_name, param.wire_name),
                );
            }
        }
        segments
    }
}

//! Paths → operations: parameters, path templates, bodies, responses, credentials.

use super::schemas::{constraint_docs, join_docs, variant_name_of};
use super::Resolver;
use crate::diagnostics::Pointer;
use crate::extensions;
use crate::model::*;
use crate::names::{self, Scope};
use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody as SpecRequestBody, Response,
    SecurityScheme, StatusCode,
};
use std::collections::{BTreeSet, HashMap};

impl<'a> Resolver<'a> {
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
                let method_name = self.method_scope.claim(&names::value_name(&operation_id));
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
                });
            }
        }
        for (index, extensions) in extensions_of.into_iter().enumerate() {
            self.link_extensions(&mut operations, index, extensions);
        }
        operations
    }

    pub(super) fn resolve_parameter<'p>(
        &mut self,
        parameter: &'p ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Option<(&'p Parameter, Pointer)>
    where
        'a: 'p,
    {
        self.follow(parameter, at, "parameters", |components| &components.parameters)
    }

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
            let Some((parameter, pointer)) = self.resolve_parameter(parameter, &parameter_at) else {
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
                rust_name: scope.claim(&names::value_name(&data.name)),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                default,
                explode: data.explode.unwrap_or(default_explode),
                style,
                docs,
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        params
    }

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

    pub(super) fn request_body(
        &mut self,
        body: &'a ReferenceOr<SpecRequestBody>,
        at: &Pointer,
        builder: &str,
    ) -> Option<RequestBody> {
        let (body, at) = self.follow(body, at, "requestBodies", |components| &components.request_bodies)?;
        // Of several media types, the one the client can build best: JSON, then forms, then text.
        let chosen = [Encoding::Json, Encoding::Form, Encoding::Multipart, Encoding::Text, Encoding::Binary]
            .into_iter()
            .find_map(|encoding| {
                body.content
                    .iter()
                    .find(|(media, _)| encoding_of(media) == encoding)
                    .map(|found| (encoding, found))
            });
        let Some((encoding, (media_type, content))) = chosen else {
            self.diagnostics.push(
                at.key("content").as_str(),
                "a request body needs at least one media type under `content`; add `application/json` with a schema, or remove the body",
            );
            return None;
        };
        let content_at = at.key("content").key(media_type);
        let ty = match (encoding, &content.schema) {
            (Encoding::Text, _) => TypeRef::String,
            (Encoding::Binary, _) => TypeRef::Bytes,
            (_, Some(schema)) => {
                self.lower(schema.into(), &content_at.key("schema"), &format!("{builder}Body")).0
            }
            (_, None) => TypeRef::Json,
        };
        let file_fields = match (encoding, &content.schema) {
            (Encoding::Multipart, Some(schema)) => self.file_fields(schema),
            _ => Vec::new(),
        };
        Some(RequestBody {
            media_type: media_type.clone(),
            encoding,
            ty,
            required: body.required,
            file_fields,
            docs: body.description.clone(),
        })
    }

    /// The properties of a multipart body schema that are files (`type: string, format: binary`).
    fn file_fields(&self, schema: &ReferenceOr<openapiv3::Schema>) -> Vec<String> {
        let schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => {
                match super::component_ref(reference, "schemas").and_then(|name| self.schemas.get(&name)) {
                    Some(ReferenceOr::Item(schema)) => schema,
                    _ => return Vec::new(),
                }
            }
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
            return Vec::new();
        };
        object
            .properties
            .iter()
            .filter(|(_, property)| {
                matches!(property, ReferenceOr::Item(property) if matches!(&property.schema_kind,
                    openapiv3::SchemaKind::Type(openapiv3::Type::String(string))
                        if string.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub(super) fn resolve_response<'r>(
        &mut self,
        response: &'r ReferenceOr<Response>,
        at: &Pointer,
    ) -> Option<(&'r Response, Pointer)>
    where
        'a: 'r,
    {
        self.follow(response, at, "responses", |components| &components.responses)
    }

    /// What the success responses hold, and the media types to accept. Several success statuses
    /// with different JSON bodies give an untagged union of them; a success status without a
    /// body next to ones with JSON makes the result optional.
    pub(super) fn success(
        &mut self,
        responses: &'a openapiv3::Responses,
        at: &Pointer,
        builder: &str,
    ) -> (BodyKind, Vec<String>) {
        let hint = format!("{builder}Response");
        let mut json: Vec<(TypeRef, Vec<StatusMatch>)> = Vec::new();
        let mut json_lines: Option<TypeRef> = None;
        let (mut text, mut binary, mut empty) = (false, false, false);
        let mut accept: Vec<(Media, String)> = Vec::new();
        let successes = responses.responses.iter().filter(|(status, _)| match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        });
        for (status, response) in successes {
            let status_match = match status {
                StatusCode::Code(code) => StatusMatch::Code(*code),
                StatusCode::Range(class) => StatusMatch::Range(*class),
            };
            let Some((response, response_at)) = self.resolve_response(response, &at.key(&status.to_string()))
            else {
                continue;
            };
            if response.content.is_empty() {
                empty = true;
                continue;
            }
            let mut found = false;
            if let Some((media, content)) = response.content.iter().find(|(media, _)| is_json(media)) {
                let schema_at = response_at.key("content").key(media).key("schema");
                let ty = match &content.schema {
                    Some(schema) => self.lower(schema.into(), &schema_at, &hint).0,
                    None => TypeRef::Json,
                };
                match json.iter_mut().find(|(existing, _)| *existing == ty) {
                    Some((_, statuses)) => statuses.push(status_match),
                    None => json.push((ty, vec![status_match])),
                }
                accept.push((Media::Json, media.clone()));
                found = true;
            }
            if let Some((media, content)) = response.content.iter().find(|(media, _)| is_json_lines(media)) {
                if json_lines.is_none() {
                    let schema_at = response_at.key("content").key(media).key("schema");
                    json_lines = Some(match &content.schema {
                        Some(schema) => self.lower(schema.into(), &schema_at, &format!("{hint}Item")).0,
                        None => TypeRef::Json,
                    });
                }
                accept.push((Media::JsonLines, media.clone()));
                found = true;
            }
            for media in response.content.keys().filter(|media| !is_json(media) && !is_json_lines(media)) {
                let is_text = encoding_of(media) == Encoding::Text;
                text |= is_text;
                binary |= !is_text;
                accept.push((if is_text { Media::Text } else { Media::Binary }, media.clone()));
                found = true;
            }
            empty |= !found;
        }
        // Accept only the media types of the kind of body the method returns.
        let accept_kind = |kind: Media| -> Vec<String> {
            let mut media: Vec<String> = accept
                .iter()
                .filter(|(encoding, _)| *encoding == kind)
                .map(|(_, media)| media.clone())
                .collect();
            media.dedup();
            media
        };
        if let Some(item) = json_lines {
            return (BodyKind::JsonLines(item), accept_kind(Media::JsonLines));
        }
        if !json.is_empty() {
            let kind = match (json.len(), empty) {
                (1, false) => BodyKind::Json(json.remove(0).0),
                (1, true) => BodyKind::JsonOrEmpty(json.remove(0).0),
                _ => BodyKind::ByStatus(self.status_union(&hint, json, at, "a success response")),
            };
            return (kind, accept_kind(Media::Json));
        }
        if text && !binary {
            return (BodyKind::Text, accept_kind(Media::Text));
        }
        if text || binary {
            let mut media = accept_kind(Media::Binary);
            media.extend(accept_kind(Media::Text));
            return (BodyKind::Binary, media);
        }
        (BodyKind::Empty, Vec::new())
    }

    /// An enum of the bodies of several statuses, picked by the status of the response.
    fn status_union(
        &mut self,
        hint: &str,
        bodies: Vec<(TypeRef, Vec<StatusMatch>)>,
        at: &Pointer,
        what: &str,
    ) -> TypeRef {
        let name = self.type_scope.claim(&names::type_name(hint));
        let mut scope = Scope::with_reserved(&["Other"]);
        let variants = bodies
            .into_iter()
            .map(|(ty, statuses)| StatusVariant { variant: scope.claim(&variant_name_of(&ty)), ty, statuses })
            .collect();
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: at.to_string(),
            docs: Some(format!("The body of {what} of this operation, by response status.")),
            deprecated: false,
            kind: TypeKind::StatusUnion(variants),
        });
        TypeRef::Named(name)
    }

    /// The type of error bodies: one type, or a union picked by status when they differ.
    pub(super) fn error_type(
        &mut self,
        responses: &'a openapiv3::Responses,
        at: &Pointer,
        builder: &str,
    ) -> Option<TypeRef> {
        let mut found: Vec<(TypeRef, Vec<StatusMatch>)> = Vec::new();
        let errors = responses
            .responses
            .iter()
            .filter_map(|(status, response)| match status {
                StatusCode::Code(code) if *code >= 400 => {
                    Some((StatusMatch::Code(*code), status.to_string(), response))
                }
                StatusCode::Range(range) if *range >= 4 => {
                    Some((StatusMatch::Range(*range), status.to_string(), response))
                }
                _ => None,
            })
            .chain(
                responses
                    .default
                    .iter()
                    .map(|response| (StatusMatch::Default, "default".to_owned(), response)),
            );
        for (status, key, response) in errors {
            let Some((response, response_at)) = self.resolve_response(response, &at.key(&key)) else {
                continue;
            };
            let Some((media, content)) = response.content.iter().find(|(media, _)| is_json(media)) else {
                continue;
            };
            let Some(schema) = &content.schema else {
                continue;
            };
            let schema_at = response_at.key("content").key(media).key("schema");
            let (ty, _) = self.lower(schema.into(), &schema_at, &format!("{builder}ErrorBody"));
            // Only named types get the decoding by status; anything else is kept as raw JSON.
            let ty = if matches!(ty, TypeRef::Named(_)) { ty } else { TypeRef::Json };
            match found.iter_mut().find(|(existing, _)| *existing == ty) {
                Some((_, statuses)) => statuses.push(status),
                None => found.push((ty, vec![status])),
            }
        }
        match found.len() {
            0 => None,
            1 => Some(found.remove(0).0).filter(|ty| *ty != TypeRef::Json),
            _ => Some(self.status_union(&format!("{builder}Error"), found, at, "an error response")),
        }
    }

    pub(super) fn auth(&mut self) -> Vec<AuthScheme> {
        let Some(requirements) = &self.document.security else {
            return Vec::new();
        };
        let mut used: Vec<&String> = requirements.iter().flat_map(|requirement| requirement.keys()).collect();
        used.dedup();
        let mut scope = Scope::default();
        let mut schemes = Vec::new();
        for scheme_name in used {
            let at = Pointer::root().key("components").key("securitySchemes").key(scheme_name);
            let scheme = self.document.components.as_ref().and_then(|c| c.security_schemes.get(scheme_name));
            let Some(ReferenceOr::Item(scheme)) = scheme else {
                self.diagnostics.push(
                    Pointer::root().key("security").as_str(),
                    format!("security scheme `{scheme_name}` is not defined in `components/securitySchemes`"),
                );
                continue;
            };
            let (setter, placement, docs) = match scheme {
                SecurityScheme::APIKey { location, name, description, .. } => {
                    let placement = match location {
                        openapiv3::APIKeyLocation::Header => AuthPlacement::Header(name.clone()),
                        openapiv3::APIKeyLocation::Query => AuthPlacement::Query(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => {
                            self.diagnostics
                                .push(at.key("in").as_str(), "API keys in cookies are not supported yet");
                            continue;
                        }
                    };
                    ("api_key", placement, description.clone())
                }
                SecurityScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    ("bearer_token", AuthPlacement::Bearer, description.clone())
                }
                _ => {
                    self.diagnostics.push(
                        at.as_str(),
                        "only `apiKey` and HTTP `bearer` security schemes are supported yet",
                    );
                    continue;
                }
            };
            let setter = if scope.contains(setter) {
                scope.claim(&names::value_name(scheme_name))
            } else {
                scope.claim(setter)
            };
            let env = match scheme {
                SecurityScheme::APIKey { extensions, .. } | SecurityScheme::HTTP { extensions, .. } => {
                    extensions::env(extensions, &at, &mut self.diagnostics)
                }
                _ => None,
            };
            schemes.push(AuthScheme { scheme: scheme_name.clone(), setter, placement, docs, env });
        }
        schemes
    }
}

/// Non-path parameters that every operation takes, with the same name and location.
pub(super) fn shared_params(operations: &[Operation], types: &[TypeDef]) -> Vec<Param> {
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
        .filter(|param| param.is_scalar_or_list(types) && param.style == ParamStyle::Comma)
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

/// How a request body of this media type is written.
pub(super) fn encoding_of(media: &str) -> Encoding {
    let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media.as_str() {
        "application/x-www-form-urlencoded" => Encoding::Form,
        "multipart/form-data" | "multipart/mixed" => Encoding::Multipart,
        _ if is_json(&media) => Encoding::Json,
        _ if media.starts_with("text/") => Encoding::Text,
        _ => Encoding::Binary,
    }
}

/// The kinds of response body, for picking the `Accept` header.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    Json,
    JsonLines,
    Text,
    Binary,
}

pub(super) fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// Media types that mean one JSON value per line; the schema then describes each line (the
/// reading OpenAPI 3.2 gives `itemSchema`).
pub(super) fn is_json_lines(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    matches!(
        media,
        "application/jsonl"
            | "application/x-jsonl"
            | "application/x-ndjson"
            | "application/jsonlines"
            | "application/x-jsonlines"
    )
}

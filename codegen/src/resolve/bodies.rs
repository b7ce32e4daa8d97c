//! Request and response bodies: the media type a request is sent as, what success responses
//! hold and which media types to accept, and the type of error bodies.

use super::resolver::Resolver;
use super::unions::variant_name_of;
use crate::diagnostics::Pointer;
use crate::model::*;
use crate::names::{self, Scope};
use openapiv3::{ReferenceOr, RequestBody as SpecRequestBody, StatusCode};

impl<'a> Resolver<'a> {
    /// The request body, sent in the media type the client writes best.
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
        self.type_files(&ty, &file_fields);
        Some(RequestBody {
            media_type: media_type.clone(),
            encoding,
            ty,
            required: body.required,
            file_fields,
            docs: body.description.clone(),
        })
    }

    /// Types the file properties of a multipart body's struct as files ([`TypeRef::File`], or a
    /// list of them): bytes, not text, in the one place where a `binary` string travels raw.
    fn type_files(&mut self, body: &TypeRef, files: &[String]) {
        let Some(mut name) = body.named_directly().map(str::to_owned) else { return };
        // Through aliases (a body that is a `$ref` to a `$ref`), with a bound for cycles.
        for _ in 0..8 {
            let Some(&at) = self.type_index.get(&name) else { return };
            match &mut self.types[at].kind {
                TypeKind::Alias(TypeRef::Named(target)) => name = target.clone(),
                TypeKind::Struct(structure) => {
                    for field in structure.fields.iter_mut().filter(|field| files.contains(&field.wire_name))
                    {
                        field.ty = match &field.ty {
                            TypeRef::Array(_) => TypeRef::Array(Box::new(TypeRef::File)),
                            _ => TypeRef::File,
                        };
                    }
                    return;
                }
                _ => return,
            }
        }
    }

    /// The properties of a multipart body schema that are files: `type: string, format: binary`
    /// (what 3.1's `contentMediaType` becomes), or an array of them.
    fn file_fields(&self, schema: &ReferenceOr<openapiv3::Schema>) -> Vec<String> {
        let schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => match self.schema_of(reference) {
                Ok((schema, _)) => schema,
                Err(_) => return Vec::new(),
            },
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
            return Vec::new();
        };
        object
            .properties
            .iter()
            .filter(|(_, property)| match property {
                ReferenceOr::Item(property) => match &property.schema_kind {
                    openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => {
                        matches!(&array.items, Some(ReferenceOr::Item(items)) if is_binary(items))
                    }
                    _ => is_binary(property),
                },
                ReferenceOr::Reference { .. } => false,
            })
            .map(|(name, _)| name.clone())
            .collect()
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
            let Some((response, response_at)) =
                self.follow(response, &at.key(&status.to_string()), "responses", |c| &c.responses)
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
        self.push_type(TypeDef {
            name: name.clone(),
            pointer: at.to_string(),
            docs: Some(format!("The body of {what} of this operation, by response status.")),
            deprecated: false,
            kind: TypeKind::StatusUnion(variants),
            groups: Vec::new(),
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
            let Some((response, response_at)) =
                self.follow(response, &at.key(&key), "responses", |c| &c.responses)
            else {
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
}

/// How a request body of this media type is written.
fn encoding_of(media: &str) -> Encoding {
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

/// JSON media types (`application/json`, `…+json`, and `*/*`, which accepts JSON).
fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// Media types that mean one JSON value per line; the schema then describes each line (the
/// reading OpenAPI 3.2 gives `itemSchema`).
fn is_json_lines(media: &str) -> bool {
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

/// A `type: string, format: binary` schema, written in place.
fn is_binary(schema: &openapiv3::Schema) -> bool {
    matches!(&schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(string))
        if string.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
}

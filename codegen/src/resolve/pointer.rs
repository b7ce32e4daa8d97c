//! Local `$ref`s to any place in the document: the fragment (`#/components/schemas/A/properties/b`,
//! `#/paths/~1items/get/responses/200/content/application~1json/schema`) read as a JSON pointer
//! (percent-decoded, then split, then `~1` and `~0` unescaped, as RFC 6901 asks) and walked over
//! the parsed document to what is there.
//!
//! The walk goes over the typed document rather than a second, untyped copy of it: what it finds
//! is borrowed (a 13 MB description is never serialized again), and each step knows what it passes
//! (an operation, a response, a property…), which both names the type of a schema found there
//! (`CreateCompletionRequestLogitBias`) and says what was found instead of a schema.

use crate::diagnostics::Pointer;
use crate::names;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Components, Header, MediaType, OpenAPI, Operation, Parameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type,
};

/// A schema position: either a `$ref` or an inline schema.
#[derive(Clone, Copy, Debug)]
pub(super) enum Node<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Node<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Node<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

/// Why a reference leads to nothing usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Miss {
    /// Another file or a URL.
    External,
    /// The pointer names a place that does not exist: `parent` has no `key`.
    Nothing { parent: Pointer, key: String },
    /// Something is there, but not what the reference must name (`what` says what it is).
    Other { what: &'static str },
    /// A chain of `$ref`s that comes back to where it started.
    Cycle,
}

impl Miss {
    /// The diagnostic for `$ref: reference`, which must name a `wanted` (`schema`, `parameter`…).
    pub(super) fn message(&self, reference: &str, wanted: &str) -> String {
        match self {
            Self::External => format!("`$ref: {reference}` points outside this document; only references inside it (`#/…`) are supported, so bundle the spec first"),
            Self::Nothing { .. } if component_form(reference).is_some() => format!(
                "`$ref: {reference}` does not point to an entry of `components/{}`; fix the reference or add the component",
                component_form(reference).unwrap_or_default()
            ),
            Self::Nothing { parent, key } if parent.as_str().is_empty() => {
                format!("`$ref: {reference}` points to nothing: the document has no `{key}`; fix the reference")
            }
            Self::Nothing { parent, key } => {
                format!("`$ref: {reference}` points to nothing: `{parent}` has no `{key}`; fix the reference")
            }
            Self::Other { what } => {
                format!("`$ref: {reference}` points to {what}, not a {wanted}; refer to a {wanted} here")
            }
            Self::Cycle => format!("`$ref: {reference}` starts a chain of `$ref`s that leads back to itself; refer to a {wanted} that is written out"),
        }
    }
}

/// The kind of component a reference of the form `#/components/<kind>/<Name>` names.
fn component_form(reference: &str) -> Option<&str> {
    let (kind, name) = reference.strip_prefix("#/components/")?.split_once('/')?;
    (!name.is_empty() && !name.contains('/')).then_some(kind)
}

/// The segments of a local reference's pointer, unescaped; `#` alone is the whole document.
pub(super) fn segments(reference: &str) -> Result<Vec<String>, Miss> {
    let fragment = reference.strip_prefix('#').ok_or(Miss::External)?;
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Ok(Vec::new());
    }
    let Some(path) = decoded.strip_prefix('/') else {
        // `#Name` is a plain-name fragment (an anchor), which OpenAPI 3.0 documents do not define.
        return Err(Miss::Nothing { parent: Pointer::root(), key: decoded });
    };
    Ok(path.split('/').map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect())
}

/// `%XX` escapes decoded as UTF-8; anything that is not a valid escape is kept as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes.get(at + 1..at + 3).and_then(|pair| std::str::from_utf8(pair).ok());
        match hex.filter(|_| bytes[at] == b'%').and_then(|pair| u8::from_str_radix(pair, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// A place in the document a pointer can lead to.
#[derive(Clone, Copy)]
pub(super) enum Place<'a> {
    Document(&'a OpenAPI),
    Components(&'a Components),
    PathItems(&'a IndexMap<String, ReferenceOr<PathItem>>),
    PathItem(&'a PathItem, &'a str),
    Operation(&'a Operation),
    Parameters(&'a [ReferenceOr<Parameter>]),
    Parameter(&'a Parameter),
    RequestBody(&'a RequestBody),
    Responses(&'a openapiv3::Responses),
    Response(&'a Response),
    Header(&'a Header),
    Content(&'a IndexMap<String, MediaType>),
    MediaType(&'a MediaType),
    Callbacks(&'a IndexMap<String, ReferenceOr<openapiv3::Callback>>),
    Callback(&'a openapiv3::Callback),
    /// A map of named entries of one kind (`components/responses`, a response's `headers`…).
    Entries(Entries<'a>),
    Schema(&'a Schema),
    Properties(&'a IndexMap<String, ReferenceOr<Box<Schema>>>),
    Members(&'a [ReferenceOr<Schema>]),
    /// A `$ref` standing for a `what` (`schema`, `response`…): a pointer can go no deeper.
    Reference(&'a str, &'static str),
    /// Something that holds no schema (an example, a security scheme, a link…).
    Leaf(&'static str),
}

/// The maps of named entries a pointer can pass through.
#[derive(Clone, Copy)]
pub(super) enum Entries<'a> {
    Schemas(&'a IndexMap<String, ReferenceOr<Schema>>),
    Responses(&'a IndexMap<String, ReferenceOr<Response>>),
    Parameters(&'a IndexMap<String, ReferenceOr<Parameter>>),
    RequestBodies(&'a IndexMap<String, ReferenceOr<RequestBody>>),
    Headers(&'a IndexMap<String, ReferenceOr<Header>>),
}

/// What a pointer leads to: the place, its canonical pointer, and a type name made from the way
/// there (`components/schemas/Order/properties/lines/items` → `OrderLinesItem`).
pub(super) struct Found<'a> {
    pub(super) place: Place<'a>,
    pub(super) pointer: Pointer,
    pub(super) hint: String,
}

/// Walks `segments` from the document's root. `component_name` gives the Rust name a component
/// schema already has, so that names made here match the names of inline types made there.
pub(super) fn walk<'a>(
    document: &'a OpenAPI,
    segments: &[String],
    component_name: impl Fn(&str) -> Option<String>,
) -> Result<Found<'a>, Miss> {
    let mut place = Place::Document(document);
    let mut pointer = Pointer::root();
    let mut hint = String::new();
    for (depth, key) in segments.iter().enumerate() {
        place = match step(place, key, &mut hint) {
            Some(next) => next,
            None => {
                return Err(match place {
                    Place::Leaf(what) => Miss::Other { what },
                    _ => Miss::Nothing { parent: pointer, key: key.clone() },
                })
            }
        };
        pointer = pointer.key(key);
        if depth == 2 && segments[..2] == ["components", "schemas"] {
            hint = component_name(key).unwrap_or(hint);
        }
    }
    Ok(Found { place, pointer, hint })
}

/// One step down from `place` by `key`, adding to the type name `hint` what the step means.
fn step<'a>(place: Place<'a>, key: &str, hint: &mut String) -> Option<Place<'a>> {
    let mut name = |word: &str| hint.push_str(&names::type_name(word));
    Some(match place {
        Place::Document(document) => match key {
            "paths" => Place::PathItems(&document.paths.paths),
            "components" => Place::Components(document.components.as_ref()?),
            _ => return None,
        },
        Place::Components(components) => Place::Entries(match key {
            "schemas" => Entries::Schemas(&components.schemas),
            "responses" => Entries::Responses(&components.responses),
            "parameters" => Entries::Parameters(&components.parameters),
            "requestBodies" => Entries::RequestBodies(&components.request_bodies),
            "headers" => Entries::Headers(&components.headers),
            "callbacks" => return Some(Place::Callbacks(&components.callbacks)),
            "examples" => return Some(Place::Leaf("an example")),
            "securitySchemes" => return Some(Place::Leaf("a security scheme")),
            "links" => return Some(Place::Leaf("a link")),
            _ => return None,
        }),
        Place::PathItems(items) => {
            let (path, item) = items.get_key_value(key)?;
            match item {
                ReferenceOr::Item(item) => Place::PathItem(item, path),
                ReferenceOr::Reference { reference } => Place::Reference(reference, "path item"),
            }
        }
        Place::PathItem(item, path) => {
            let operation = match key {
                "get" => &item.get,
                "put" => &item.put,
                "post" => &item.post,
                "delete" => &item.delete,
                "options" => &item.options,
                "head" => &item.head,
                "patch" => &item.patch,
                "trace" => &item.trace,
                "parameters" => {
                    name(path);
                    return Some(Place::Parameters(&item.parameters));
                }
                _ => return None,
            };
            let operation = operation.as_ref()?;
            // The name the operation's own types start with (its builder's).
            match &operation.operation_id {
                Some(id) => name(id),
                None => name(&format!("{key} {path}")),
            }
            Place::Operation(operation)
        }
        Place::Operation(operation) => match key {
            "parameters" => Place::Parameters(&operation.parameters),
            "requestBody" => {
                name("Body");
                match operation.request_body.as_ref()? {
                    ReferenceOr::Item(body) => Place::RequestBody(body),
                    ReferenceOr::Reference { reference } => Place::Reference(reference, "request body"),
                }
            }
            "responses" => Place::Responses(&operation.responses),
            "callbacks" => Place::Leaf("a callback"),
            _ => return None,
        },
        Place::Parameters(parameters) => match parameters.get(key.parse::<usize>().ok()?)? {
            ReferenceOr::Item(parameter) => {
                name(&parameter.parameter_data_ref().name);
                Place::Parameter(parameter)
            }
            ReferenceOr::Reference { reference } => Place::Reference(reference, "parameter"),
        },
        Place::Parameter(parameter) => schema_or_content(&parameter.parameter_data_ref().format, key)?,
        Place::Header(header) => schema_or_content(&header.format, key)?,
        Place::RequestBody(body) => match key {
            "content" => Place::Content(&body.content),
            _ => return None,
        },
        Place::Responses(responses) => {
            let response = match key {
                "default" => responses.default.as_ref()?,
                _ => {
                    responses.responses.iter().find(|(code, _)| code.to_string().eq_ignore_ascii_case(key))?.1
                }
            };
            name(if key.starts_with('2') { "Response" } else { "ErrorBody" });
            match response {
                ReferenceOr::Item(response) => Place::Response(response),
                ReferenceOr::Reference { reference } => Place::Reference(reference, "response"),
            }
        }
        Place::Response(response) => match key {
            "content" => Place::Content(&response.content),
            "headers" => Place::Entries(Entries::Headers(&response.headers)),
            _ => return None,
        },
        Place::Content(content) => Place::MediaType(content.get(key)?),
        Place::MediaType(media) => match (key, media.schema.as_ref()?) {
            ("schema", ReferenceOr::Item(schema)) => Place::Schema(schema),
            ("schema", ReferenceOr::Reference { reference }) => Place::Reference(reference, "schema"),
            _ => return None,
        },
        Place::Callbacks(callbacks) => match callbacks.get(key)? {
            ReferenceOr::Item(callback) => Place::Callback(callback),
            ReferenceOr::Reference { reference } => Place::Reference(reference, "callback"),
        },
        Place::Callback(callback) => {
            let (path, item) = callback.get_key_value(key)?;
            Place::PathItem(item, path)
        }
        Place::Entries(entries) => {
            name(key);
            entry(entries, key)?
        }
        Place::Schema(schema) => return schema_step(schema, key, hint),
        Place::Properties(properties) => {
            name(key);
            schema_place(properties.get(key)?)
        }
        Place::Members(members) => {
            let index = key.parse::<usize>().ok()?;
            schema_place(members.get(index)?)
        }
        Place::Reference(..) | Place::Leaf(_) => return None,
    })
}

/// The entry `key` of a map of named entries.
fn entry<'a>(entries: Entries<'a>, key: &str) -> Option<Place<'a>> {
    fn pick<'a, T>(
        map: &'a IndexMap<String, ReferenceOr<T>>,
        key: &str,
        what: &'static str,
        item: fn(&'a T) -> Place<'a>,
    ) -> Option<Place<'a>> {
        Some(match map.get(key)? {
            ReferenceOr::Item(value) => item(value),
            ReferenceOr::Reference { reference } => Place::Reference(reference, what),
        })
    }
    match entries {
        Entries::Schemas(map) => pick(map, key, "schema", Place::Schema),
        Entries::Responses(map) => pick(map, key, "response", Place::Response),
        Entries::Parameters(map) => pick(map, key, "parameter", Place::Parameter),
        Entries::RequestBodies(map) => pick(map, key, "request body", Place::RequestBody),
        Entries::Headers(map) => pick(map, key, "header", Place::Header),
    }
}

/// The `schema` (or `content`) of a parameter or header.
fn schema_or_content<'a>(format: &'a ParameterSchemaOrContent, key: &str) -> Option<Place<'a>> {
    match (format, key) {
        (ParameterSchemaOrContent::Schema(schema), "schema") => Some(schema_place(schema)),
        (ParameterSchemaOrContent::Content(content), "content") => Some(Place::Content(content)),
        _ => None,
    }
}

fn schema_place<'a, S: std::borrow::Borrow<Schema>>(schema: &'a ReferenceOr<S>) -> Place<'a> {
    match schema {
        ReferenceOr::Item(schema) => Place::Schema(schema.borrow()),
        ReferenceOr::Reference { reference } => Place::Reference(reference, "schema"),
    }
}

/// One step into a schema: its properties, items, additional properties, members or `not`.
fn schema_step<'a>(schema: &'a Schema, key: &str, hint: &mut String) -> Option<Place<'a>> {
    let kind = &schema.schema_kind;
    let any = match kind {
        SchemaKind::Any(any) => Some(any),
        _ => None,
    };
    let place = match key {
        "properties" => Place::Properties(match kind {
            SchemaKind::Type(Type::Object(object)) => &object.properties,
            _ => &any?.properties,
        }),
        "items" => {
            hint.push_str("Item");
            let items = match kind {
                SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
                _ => any?.items.as_ref(),
            };
            schema_place(items?)
        }
        "additionalProperties" => {
            hint.push_str("Value");
            let additional = match kind {
                SchemaKind::Type(Type::Object(object)) => object.additional_properties.as_ref(),
                _ => any?.additional_properties.as_ref(),
            };
            match additional? {
                AdditionalProperties::Schema(schema) => schema_place(schema),
                AdditionalProperties::Any(_) => Place::Leaf("a boolean"),
            }
        }
        "allOf" | "oneOf" | "anyOf" => {
            let members = match (kind, key) {
                (SchemaKind::AllOf { all_of }, "allOf") => all_of,
                (SchemaKind::OneOf { one_of }, "oneOf") => one_of,
                (SchemaKind::AnyOf { any_of }, "anyOf") => any_of,
                (SchemaKind::Any(any), "allOf") => &any.all_of,
                (SchemaKind::Any(any), "oneOf") => &any.one_of,
                (SchemaKind::Any(any), "anyOf") => &any.any_of,
                _ => return None,
            };
            if key != "allOf" {
                hint.push_str("Variant");
            }
            Place::Members(members.as_slice())
        }
        "not" => {
            hint.push_str("Not");
            match kind {
                SchemaKind::Not { not } => schema_place(not),
                _ => schema_place(any?.not.as_deref()?),
            }
        }
        "example" | "default" | "enum" | "discriminator" | "externalDocs" => {
            Place::Leaf("a schema's keyword")
        }
        _ => return None,
    };
    Some(place)
}

/// What a place is, for a diagnostic that expected another.
pub(super) fn describe(place: &Place<'_>) -> &'static str {
    match place {
        Place::Document(_) => "the whole document",
        Place::Components(_) => "`components`",
        Place::PathItems(_) => "`paths`",
        Place::PathItem(..) => "a path item",
        Place::Operation(_) => "an operation",
        Place::Parameters(_) => "a list of parameters",
        Place::Parameter(_) => "a parameter",
        Place::RequestBody(_) => "a request body",
        Place::Responses(_) => "an operation's responses",
        Place::Response(_) => "a response",
        Place::Header(_) => "a header",
        Place::Content(_) => "a `content` map",
        Place::MediaType(_) => "a media type",
        Place::Callbacks(_) | Place::Callback(_) => "a callback",
        Place::Entries(_) => "a map of components",
        Place::Schema(_) => "a schema",
        Place::Properties(_) => "a schema's `properties`",
        Place::Members(_) => "a list of schemas",
        Place::Reference(..) => "a `$ref`",
        Place::Leaf(what) => what,
    }
}

/// A schema position found by a walk.
pub(super) fn as_schema<'a>(place: Place<'a>) -> Option<Node<'a>> {
    match place {
        Place::Schema(schema) => Some(Node::Inline(schema)),
        Place::Reference(reference, "schema") => Some(Node::Ref(reference)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(yaml: &str) -> OpenAPI {
        serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{yaml}: {error}"))
    }

    const DOC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      \
        operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            \
        application/json:\n              schema: {type: object, properties: {page: {type: object, properties: {n: {type: integer}}}}}\n\
        components:\n  schemas:\n    'x/y':\n      type: array\n      items: {type: string, enum: [a]}\n    Order:\n      \
        type: object\n      properties:\n        lines: {type: array, items: {$ref: '#/components/schemas/Line'}}\n";

    fn found(reference: &str) -> Result<(String, String, bool), Miss> {
        let document = document(DOC);
        // `Order`'s Rust name is taken as claimed; other components' names are made here.
        let found =
            walk(&document, &segments(reference)?, |name| (name == "Order").then(|| "Order2".to_owned()))?;
        let schema = as_schema(found.place).is_some();
        Ok((found.pointer.to_string(), found.hint, schema))
    }

    #[test]
    fn pointers_are_percent_decoded_then_unescaped() {
        assert_eq!(
            segments("#/a~1b/c~0d/e%20f/%7E1"),
            Ok(vec!["a/b".into(), "c~d".into(), "e f".into(), "/".into()])
        );
        assert_eq!(segments("#"), Ok(vec![]));
        assert_eq!(segments("other.yaml#/a"), Err(Miss::External));
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn a_walk_finds_schemas_anywhere_and_names_them_after_the_way_there() {
        assert_eq!(
            found("#/components/schemas/Order/properties/lines/items"),
            Ok(("/components/schemas/Order/properties/lines/items".into(), "Order2LinesItem".into(), true))
        );
        assert_eq!(
            found("#/components/schemas/x~1y/items"),
            Ok(("/components/schemas/x~1y/items".into(), "XYItem".into(), true))
        );
        let response = "#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/properties/page";
        assert_eq!(found(response), Ok((response[1..].into(), "GetAResponsePage".into(), true)));
        assert_eq!(found("#/paths/~1a~1%7Bid%7D/get").map(|(_, _, schema)| schema), Ok(false));
    }

    #[test]
    fn a_pointer_to_nowhere_says_where_the_walk_stopped() {
        assert_eq!(
            found("#/components/schemas/Order/properties/total"),
            Err(Miss::Nothing {
                parent: Pointer::from_fragment("/components/schemas/Order/properties"),
                key: "total".into()
            })
        );
        assert_eq!(
            found("#/components/schemas/Order/example/x"),
            Err(Miss::Other { what: "a schema's keyword" })
        );
        let message =
            Miss::Nothing { parent: Pointer::from_fragment("/components/schemas"), key: "A".into() }
                .message("#/components/schemas/A", "schema");
        assert!(message.contains("does not point to an entry of `components/schemas`"), "{message}");
    }
}

//! The shape check: one walk over the loosely read tree (a 3.1 document already rewritten into
//! 3.0 form) that knows the OpenAPI 3.0 object kinds and what each of their fields holds, run
//! before openapiv3 reads the tree.
//!
//! openapiv3 tells a `$ref` from an inline value (and the kinds of schema apart) by trying each
//! in turn and, when all fail, reading the node once more for its error message: a wrong value
//! under nested schemas costs twice as much per level (24 levels took minutes). This walk reports
//! every wrong node at its exact pointer, with what was expected and what was found, so that the
//! typed read only ever meets a tree it accepts, and the time to a diagnostic is linear in the
//! size of the document whatever is wrong with it. It mirrors the fields of openapiv3 2.2's types
//! (what is required, what is a list, a map, a flag, a count, a reference-or-object), checked by
//! a test that runs both on mutated documents.
//!
//! Where a reader of the text was lenient, the walk keeps it so by rewriting the tree (which is
//! then what the typed read reads): a number or boolean where text is expected (`description: 5`,
//! a key `200`) becomes its text, and `null` for a field with a default (a list, a map, a flag)
//! is the default. The walk recurses as deep as the tree nests, which the YAML and JSON readers
//! bound (see `deep::DEPTH_LIMIT`).

use crate::diagnostics::{Diagnostics, Pointer};
use serde_yaml::{Mapping, Value};

/// How a field may be left out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Must be there, and not `null`.
    Required,
    /// May be missing or `null`.
    Optional,
    /// May be missing; `null` reads as missing (the field's default).
    Defaulted,
}

/// What a field holds.
#[derive(Clone, Copy)]
enum Shape {
    /// Text (a number or boolean is read as its text).
    Text,
    /// `true` or `false`.
    Bool,
    /// A whole number, 0 or more.
    Count,
    /// A finite number.
    Number,
    /// Any JSON value.
    Any,
    /// One of these names; the first item names the field in messages ("type").
    Choice(&'static str, &'static [&'static str]),
    /// An object of this kind.
    Object(Kind),
    /// A `$ref`, or an object of this kind.
    RefOr(Kind),
    /// `true`, `false` or a schema (`additionalProperties`).
    BoolOrSchema,
    /// A list of these.
    List(&'static Shape),
    /// An object with any text keys and these values.
    Map(&'static Shape),
}

/// The OpenAPI 3.0 objects, as openapiv3 reads them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Encoding,
    Header,
    Example,
    Link,
    Callback,
    Schema,
    Discriminator,
    ExternalDocs,
    SecurityScheme,
    Flows,
    ImplicitFlow,
    TokenFlow,
    AuthorizationCodeFlow,
    Tag,
    Components,
}

type Field = (&'static str, Shape, Need);

use Need::{Defaulted as D, Optional as O, Required as R};
use Shape::{Any, Bool, Count, Number, Text};

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];
const QUERY_STYLES: &[&str] = &["form", "spaceDelimited", "pipeDelimited", "deepObject"];
const TEXTS: Shape = Shape::List(&Text);
const SCHEMA: Shape = Shape::RefOr(Kind::Schema);
const SCHEMAS: Shape = Shape::List(&SCHEMA);
const EXAMPLES: Shape = Shape::Map(&Shape::RefOr(Kind::Example));
const HEADERS: Shape = Shape::Map(&Shape::RefOr(Kind::Header));
const CONTENT: Shape = Shape::Map(&Shape::Object(Kind::MediaType));
const SERVERS: Shape = Shape::List(&Shape::Object(Kind::Server));
const SECURITY: Shape = Shape::List(&Shape::Map(&TEXTS));
const CALLBACK: Shape = Shape::Map(&Shape::Object(Kind::PathItem));
const DOCS: Shape = Shape::Object(Kind::ExternalDocs);
const DESCRIPTION: Field = ("description", Text, O);

const DOCUMENT: &[Field] = &[
    ("openapi", Text, R),
    ("info", Shape::Object(Kind::Info), R),
    ("servers", SERVERS, D),
    ("paths", Shape::Object(Kind::Paths), R),
    ("components", Shape::Object(Kind::Components), O),
    ("security", SECURITY, O),
    ("tags", Shape::List(&Shape::Object(Kind::Tag)), D),
    ("externalDocs", DOCS, O),
];
const INFO: &[Field] = &[
    ("title", Text, R),
    DESCRIPTION,
    ("termsOfService", Text, O),
    ("contact", Shape::Object(Kind::Contact), O),
    ("license", Shape::Object(Kind::License), O),
    ("version", Text, R),
];
const CONTACT: &[Field] = &[("name", Text, O), ("url", Text, O), ("email", Text, O)];
const LICENSE: &[Field] = &[("name", Text, R), ("url", Text, O)];
const SERVER: &[Field] =
    &[("url", Text, R), DESCRIPTION, ("variables", Shape::Map(&Shape::Object(Kind::ServerVariable)), O)];
const SERVER_VARIABLE: &[Field] = &[("enum", TEXTS, D), ("default", Text, R), DESCRIPTION];
const PATH_ITEM: &[Field] = &[
    ("summary", Text, O),
    DESCRIPTION,
    ("get", Shape::Object(Kind::Operation), O),
    ("put", Shape::Object(Kind::Operation), O),
    ("post", Shape::Object(Kind::Operation), O),
    ("delete", Shape::Object(Kind::Operation), O),
    ("options", Shape::Object(Kind::Operation), O),
    ("head", Shape::Object(Kind::Operation), O),
    ("patch", Shape::Object(Kind::Operation), O),
    ("trace", Shape::Object(Kind::Operation), O),
    ("servers", SERVERS, D),
    ("parameters", Shape::List(&Shape::RefOr(Kind::Parameter)), D),
];
const OPERATION: &[Field] = &[
    ("tags", TEXTS, D),
    ("summary", Text, O),
    DESCRIPTION,
    ("externalDocs", DOCS, O),
    ("operationId", Text, O),
    ("parameters", Shape::List(&Shape::RefOr(Kind::Parameter)), D),
    ("requestBody", Shape::RefOr(Kind::RequestBody), O),
    ("responses", Shape::Object(Kind::Responses), R),
    ("callbacks", Shape::Map(&CALLBACK), D),
    ("deprecated", Bool, D),
    ("security", SECURITY, O),
    ("servers", SERVERS, D),
];
/// A parameter's fields whatever its `in`; `schema` or `content` is checked apart.
const PARAMETER: &[Field] = &[
    ("in", Shape::Choice("parameter location", &["query", "header", "path", "cookie"]), R),
    ("name", Text, R),
    DESCRIPTION,
    ("required", Bool, D),
    ("deprecated", Bool, O),
    ("schema", SCHEMA, D),
    ("content", CONTENT, D),
    ("example", Any, O),
    ("examples", EXAMPLES, D),
    ("explode", Bool, O),
];
const QUERY: &[Field] = &[
    ("allowReserved", Bool, D),
    ("style", Shape::Choice("style", QUERY_STYLES), D),
    ("allowEmptyValue", Bool, O),
];
const HEADER_STYLE: &[Field] = &[("style", Shape::Choice("style", &["simple"]), D)];
const PATH_STYLE: &[Field] = &[("style", Shape::Choice("style", &["matrix", "label", "simple"]), D)];
const COOKIE_STYLE: &[Field] = &[("style", Shape::Choice("style", &["form"]), D)];
const REQUEST_BODY: &[Field] = &[DESCRIPTION, ("content", CONTENT, D), ("required", Bool, D)];
const RESPONSE: &[Field] = &[
    ("description", Text, R),
    ("headers", HEADERS, D),
    ("content", CONTENT, D),
    ("links", Shape::Map(&Shape::RefOr(Kind::Link)), D),
];
const MEDIA_TYPE: &[Field] = &[
    ("schema", SCHEMA, O),
    ("example", Any, O),
    ("examples", EXAMPLES, D),
    ("encoding", Shape::Map(&Shape::Object(Kind::Encoding)), D),
];
const ENCODING: &[Field] = &[
    ("contentType", Text, O),
    ("headers", HEADERS, D),
    ("style", Shape::Choice("style", QUERY_STYLES), O),
    ("explode", Bool, D),
    ("allowReserved", Bool, D),
];
const HEADER: &[Field] = &[
    DESCRIPTION,
    ("style", Shape::Choice("style", &["simple"]), D),
    ("required", Bool, D),
    ("deprecated", Bool, O),
    ("schema", SCHEMA, D),
    ("content", CONTENT, D),
    ("example", Any, O),
    ("examples", EXAMPLES, D),
];
const EXAMPLE: &[Field] = &[("summary", Text, O), DESCRIPTION, ("value", Any, O), ("externalValue", Text, O)];
const LINK: &[Field] = &[
    DESCRIPTION,
    ("operationRef", Text, D),
    ("operationId", Text, D),
    ("requestBody", Any, O),
    ("parameters", Shape::Map(&Any), D),
    ("server", Shape::Object(Kind::Server), O),
];
const SCHEMA_FIELDS: &[Field] = &[
    ("nullable", Bool, D),
    ("readOnly", Bool, D),
    ("writeOnly", Bool, D),
    ("deprecated", Bool, D),
    ("externalDocs", DOCS, O),
    ("example", Any, O),
    ("title", Text, O),
    DESCRIPTION,
    ("discriminator", Shape::Object(Kind::Discriminator), O),
    ("default", Any, O),
    ("type", Shape::Choice("type", TYPES), O),
    ("pattern", Text, O),
    ("multipleOf", Number, O),
    ("exclusiveMinimum", Bool, O),
    ("exclusiveMaximum", Bool, O),
    ("minimum", Number, O),
    ("maximum", Number, O),
    ("properties", Shape::Map(&SCHEMA), O),
    ("required", TEXTS, O),
    ("additionalProperties", Shape::BoolOrSchema, O),
    ("minProperties", Count, O),
    ("maxProperties", Count, O),
    ("items", SCHEMA, O),
    ("minItems", Count, O),
    ("maxItems", Count, O),
    ("uniqueItems", Bool, O),
    ("enum", Shape::List(&Any), O),
    ("format", Text, O),
    ("minLength", Count, O),
    ("maxLength", Count, O),
    ("oneOf", SCHEMAS, O),
    ("allOf", SCHEMAS, O),
    ("anyOf", SCHEMAS, O),
    ("not", SCHEMA, O),
];
const DISCRIMINATOR: &[Field] = &[("propertyName", Text, R), ("mapping", Shape::Map(&Text), D)];
const EXTERNAL_DOCS: &[Field] = &[DESCRIPTION, ("url", Text, R)];
const SECURITY_SCHEME: &[Field] = &[
    ("type", Shape::Choice("security scheme type", &["apiKey", "http", "oauth2", "openIdConnect"]), R),
    DESCRIPTION,
];
const API_KEY: &[Field] =
    &[("in", Shape::Choice("API key location", &["query", "header", "cookie"]), R), ("name", Text, R)];
const HTTP: &[Field] = &[("scheme", Text, R), ("bearerFormat", Text, O)];
const OAUTH2: &[Field] = &[("flows", Shape::Object(Kind::Flows), R)];
const OPEN_ID_CONNECT: &[Field] = &[("openIdConnectUrl", Text, R)];
const FLOWS: &[Field] = &[
    ("implicit", Shape::Object(Kind::ImplicitFlow), O),
    ("password", Shape::Object(Kind::TokenFlow), O),
    ("clientCredentials", Shape::Object(Kind::TokenFlow), O),
    ("authorizationCode", Shape::Object(Kind::AuthorizationCodeFlow), O),
];
const SCOPES: Shape = Shape::Map(&Text);
const IMPLICIT_FLOW: &[Field] = &[("authorizationUrl", Text, R), ("refreshUrl", Text, O), ("scopes", SCOPES, R)];
const TOKEN_FLOW: &[Field] = &[("tokenUrl", Text, R), ("refreshUrl", Text, O), ("scopes", SCOPES, R)];
const AUTHORIZATION_CODE_FLOW: &[Field] =
    &[("authorizationUrl", Text, R), ("tokenUrl", Text, R), ("refreshUrl", Text, O), ("scopes", SCOPES, R)];
const TAG: &[Field] = &[("name", Text, R), DESCRIPTION, ("externalDocs", DOCS, O)];
const COMPONENTS: &[Field] = &[
    ("schemas", Shape::Map(&SCHEMA), D),
    ("responses", Shape::Map(&Shape::RefOr(Kind::Response)), D),
    ("parameters", Shape::Map(&Shape::RefOr(Kind::Parameter)), D),
    ("examples", EXAMPLES, D),
    ("requestBodies", Shape::Map(&Shape::RefOr(Kind::RequestBody)), D),
    ("headers", HEADERS, D),
    ("securitySchemes", Shape::Map(&Shape::RefOr(Kind::SecurityScheme)), D),
    ("links", Shape::Map(&Shape::RefOr(Kind::Link)), D),
    ("callbacks", Shape::Map(&Shape::RefOr(Kind::Callback)), D),
];

impl Kind {
    /// The object as a sentence names it.
    fn noun(self) -> &'static str {
        match self {
            Self::Document => "an OpenAPI document",
            Self::Info => "`info`",
            Self::Contact => "a contact",
            Self::License => "a license",
            Self::Server => "a server",
            Self::ServerVariable => "a server variable",
            Self::Paths => "`paths`",
            Self::PathItem => "a path item",
            Self::Operation => "an operation",
            Self::Parameter => "a parameter",
            Self::RequestBody => "a request body",
            Self::Responses => "`responses`",
            Self::Response => "a response",
            Self::MediaType => "a media type",
            Self::Encoding => "an encoding",
            Self::Header => "a header",
            Self::Example => "an example",
            Self::Link => "a link",
            Self::Callback => "a callback",
            Self::Schema => "a schema",
            Self::Discriminator => "a discriminator",
            Self::ExternalDocs => "`externalDocs`",
            Self::SecurityScheme => "a security scheme",
            Self::Flows => "`flows`",
            Self::ImplicitFlow | Self::TokenFlow | Self::AuthorizationCodeFlow => "an OAuth flow",
            Self::Tag => "a tag",
            Self::Components => "`components`",
        }
    }

    /// The fields of an object of this kind: its own, and those its tag (`in`, `type`) adds.
    fn fields(self, object: &Mapping) -> [&'static [Field]; 2] {
        let tag = |key: &str| object.get(key).and_then(Value::as_str);
        match self {
            Self::Document => [DOCUMENT, &[]],
            Self::Info => [INFO, &[]],
            Self::Contact => [CONTACT, &[]],
            Self::License => [LICENSE, &[]],
            Self::Server => [SERVER, &[]],
            Self::ServerVariable => [SERVER_VARIABLE, &[]],
            Self::PathItem => [PATH_ITEM, &[]],
            Self::Operation => [OPERATION, &[]],
            Self::Parameter => {
                let by_location: &[Field] = match tag("in") {
                    Some("query") => QUERY,
                    Some("header") => HEADER_STYLE,
                    Some("path") => PATH_STYLE,
                    Some("cookie") => COOKIE_STYLE,
                    _ => &[],
                };
                [PARAMETER, by_location]
            }
            Self::RequestBody => [REQUEST_BODY, &[]],
            Self::Response => [RESPONSE, &[]],
            Self::MediaType => [MEDIA_TYPE, &[]],
            Self::Encoding => [ENCODING, &[]],
            Self::Header => [HEADER, &[]],
            Self::Example => [EXAMPLE, &[]],
            Self::Link => [LINK, &[]],
            Self::Schema => [SCHEMA_FIELDS, &[]],
            Self::Discriminator => [DISCRIMINATOR, &[]],
            Self::ExternalDocs => [EXTERNAL_DOCS, &[]],
            Self::SecurityScheme => {
                let by_type: &[Field] = match tag("type") {
                    Some("apiKey") => API_KEY,
                    Some("http") => HTTP,
                    Some("oauth2") => OAUTH2,
                    Some("openIdConnect") => OPEN_ID_CONNECT,
                    _ => &[],
                };
                [SECURITY_SCHEME, by_type]
            }
            Self::Flows => [FLOWS, &[]],
            Self::ImplicitFlow => [IMPLICIT_FLOW, &[]],
            Self::TokenFlow => [TOKEN_FLOW, &[]],
            Self::AuthorizationCodeFlow => [AUTHORIZATION_CODE_FLOW, &[]],
            Self::Tag => [TAG, &[]],
            Self::Components => [COMPONENTS, &[]],
            // Read entry by entry, not by fields.
            Self::Paths | Self::Responses | Self::Callback => [&[], &[]],
        }
    }

    /// Two fields of which the object needs one (`schema` or `content`).
    fn either(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Parameter | Self::Header => Some(("schema", "content")),
            Self::Link => Some(("operationRef", "operationId")),
            _ => None,
        }
    }
}

/// Checks a whole document (3.0 form, `webhooks` taken out). Problems are errors in `problems`;
/// returns whether the tree was rewritten where a text reader is lenient.
pub(super) fn document(tree: &mut Value, problems: &mut Diagnostics) -> bool {
    let mut walk = Walk { problems, changed: false };
    walk.object(tree, Kind::Document, &Pointer::root());
    walk.changed
}

/// Checks `webhooks` (3.0 form): a path item per name, `x-` entries any value.
pub(super) fn webhooks(webhooks: &mut Value, problems: &mut Diagnostics) {
    let at = Pointer::root().key("webhooks");
    let mut walk = Walk { problems, changed: false };
    let Value::Mapping(entries) = webhooks else { return };
    walk.keys(entries, &at);
    for (key, value) in entries.iter_mut() {
        let name = key.as_str().unwrap_or_default();
        let shape = if name.starts_with("x-") { Any } else { Shape::RefOr(Kind::PathItem) };
        walk.value(value, shape, &at.key(name));
    }
}

/// The walk: problems found so far, and whether the tree was rewritten.
struct Walk<'p> {
    problems: &'p mut Diagnostics,
    changed: bool,
}

impl Walk<'_> {
    fn value(&mut self, value: &mut Value, shape: Shape, at: &Pointer) {
        if let Value::Tagged(tagged) = value {
            let message = format!(
                "the YAML tag `{}` is not read here; remove it (OpenAPI values are plain JSON)",
                tagged.tag
            );
            return self.problems.push(at.as_str(), message);
        }
        match shape {
            Text => match value {
                Value::String(_) => {}
                Value::Number(_) | Value::Bool(_) => self.as_text(value),
                _ => self.wrong(at, "text", value),
            },
            Bool if value.is_bool() => {}
            Bool => self.wrong(at, "`true` or `false`", value),
            Count if value.as_u64().is_some() => {}
            Count => self.wrong(at, "a whole number, 0 or more", value),
            Number if value.as_f64().is_some_and(f64::is_finite) => {}
            Number => self.wrong(at, "a number", value),
            Any => self.any(value, at),
            Shape::Choice(noun, names) => match value {
                Value::String(name) if names.contains(&name.as_str()) => {}
                Value::String(name) => {
                    let message = format!("unknown {noun} `{name}`; expected one of {}", names.join(", "));
                    self.problems.push(at.as_str(), message);
                }
                other => self.wrong(at, &format!("one of {}", names.join(", ")), other),
            },
            Shape::Object(kind) => self.object(value, kind, at),
            Shape::RefOr(kind) => self.reference_or(value, kind, at),
            Shape::BoolOrSchema if value.is_bool() => {}
            Shape::BoolOrSchema if !value.is_mapping() => self.wrong(at, "`true`, `false` or a schema", value),
            Shape::BoolOrSchema => self.reference_or(value, Kind::Schema, at),
            Shape::List(item) => match value {
                Value::Sequence(items) => {
                    for (index, value) in items.iter_mut().enumerate() {
                        self.value(value, *item, &at.index(index));
                    }
                }
                other => self.wrong(at, "a list", other),
            },
            Shape::Map(entry) => match value {
                Value::Mapping(entries) => {
                    self.keys(entries, at);
                    for (key, value) in entries.iter_mut() {
                        self.value(value, *entry, &at.key(key.as_str().unwrap_or_default()));
                    }
                }
                other => self.wrong(at, "an object", other),
            },
        }
    }

    /// A `$ref` (its siblings ignored, as openapiv3 does), else an object of `kind`.
    fn reference_or(&mut self, value: &mut Value, kind: Kind, at: &Pointer) {
        if let Value::Mapping(object) = value {
            match object.get("$ref") {
                Some(Value::String(_)) => return self.any(value, at),
                Some(other) => {
                    let message = format!(
                        "expected a reference (text such as `#/components/schemas/Name`); found {}",
                        describe(other)
                    );
                    return self.problems.push(at.key("$ref").as_str(), message);
                }
                None => {}
            }
        }
        self.object(value, kind, at);
    }

    fn object(&mut self, value: &mut Value, kind: Kind, at: &Pointer) {
        if kind == Kind::Callback {
            return self.value(value, CALLBACK, at);
        }
        let Value::Mapping(object) = value else {
            return self.wrong(at, &format!("{} (an object)", kind.noun()), value);
        };
        self.keys(object, at);
        match kind {
            Kind::Paths => return self.entries(object, at, |key| key.starts_with('/'), Kind::PathItem),
            Kind::Responses => return self.entries(object, at, status_code, Kind::Response),
            _ => {}
        }
        let fields = kind.fields(object);
        let field = |name: &str| fields.iter().flat_map(|fields| fields.iter()).find(|field| field.0 == name);
        for &(name, shape, need) in fields.iter().flat_map(|fields| fields.iter()) {
            if need == R && object.get(name).map_or(true, Value::is_null) {
                let choices = match shape {
                    Shape::Choice(_, names) => format!(" (one of {})", names.join(", ")),
                    _ => String::new(),
                };
                self.problems.push(at.as_str(), format!("{} needs `{name}`{choices}; add it", kind.noun()));
            }
        }
        if let Some((one, other)) = kind.either() {
            let present = |name: &str| object.get(name).is_some_and(|value| !value.is_null());
            if !present(one) && !present(other) {
                self.problems.push(at.as_str(), format!("{} needs `{one}` or `{other}`; add one", kind.noun()));
            }
        }
        let mut defaulted = Vec::new();
        for (key, value) in object.iter_mut() {
            let name = key.as_str().unwrap_or_default();
            match field(name) {
                Some(&(_, _, need)) if value.is_null() => {
                    if need == D {
                        defaulted.push(key.clone());
                    }
                }
                Some(&(_, shape, _)) => self.value(value, shape, &at.key(name)),
                // Extensions, and fields openapiv3 ignores: any JSON value.
                None => self.any(value, &at.key(name)),
            }
        }
        for key in &defaulted {
            object.shift_remove(key);
            self.changed = true;
        }
    }

    /// `paths` or `responses`: the entries whose key `reads` are objects of `kind`; the others
    /// (extensions, keys openapiv3 ignores) any JSON value.
    fn entries(&mut self, object: &mut Mapping, at: &Pointer, reads: fn(&str) -> bool, kind: Kind) {
        for (key, value) in object.iter_mut() {
            let name = key.as_str().unwrap_or_default();
            let here = at.key(name);
            // `responses/default` may be `null` (no default response).
            if reads(name) || (kind == Kind::Response && name == "default" && !value.is_null()) {
                self.reference_or(value, kind, &here);
            } else {
                self.any(value, &here);
            }
        }
    }

    /// Any JSON value: no YAML tags, text keys.
    fn any(&mut self, value: &mut Value, at: &Pointer) {
        match value {
            Value::Sequence(items) => {
                for (index, value) in items.iter_mut().enumerate() {
                    self.any(value, &at.index(index));
                }
            }
            Value::Mapping(entries) => {
                self.keys(entries, at);
                for (key, value) in entries.iter_mut() {
                    self.any(value, &at.key(key.as_str().unwrap_or_default()));
                }
            }
            Value::Tagged(_) => self.value(value, Any, at),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }

    /// Makes every key of `object` text: a number, boolean or `null` key is its text (as a text
    /// reader reads it); a list or object as a key is an error.
    fn keys(&mut self, object: &mut Mapping, at: &Pointer) {
        if object.keys().all(Value::is_string) {
            return;
        }
        let mut rewritten = Mapping::with_capacity(object.len());
        for (key, value) in std::mem::take(object) {
            if matches!(key, Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_)) {
                let message = format!("a key here is {}; keys must be text", describe(&key));
                self.problems.push(at.as_str(), message);
                continue;
            }
            rewritten.insert(Value::String(key_text(&key)), value);
        }
        *object = rewritten;
        self.changed = true;
    }

    fn as_text(&mut self, value: &mut Value) {
        let text = match value {
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            _ => return,
        };
        *value = Value::String(text);
        self.changed = true;
    }

    fn wrong(&mut self, at: &Pointer, expected: &str, found: &Value) {
        self.problems.push(at.as_str(), format!("expected {expected}; found {}", describe(found)));
    }
}

/// A key as a text reader reads it: a number, boolean or `null` is its text (a list, an object or
/// a tagged value, which no reader takes as a key, is empty text).
pub(super) fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => "null".to_owned(),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => String::new(),
    }
}

/// A response key openapiv3 reads as a status code: `200`, `"200"` or `"2XX"`.
fn status_code(key: &str) -> bool {
    if key.len() != 3 {
        return false;
    }
    match key.parse::<i64>() {
        Ok(code) => (100..1000).contains(&code),
        Err(_) => {
            let bytes = key.as_bytes();
            bytes[0].is_ascii_digit() && bytes[1..].eq_ignore_ascii_case(b"XX")
        }
    }
}

/// A YAML value as a reader would name it.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("the text {text:?}"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "an object".to_owned(),
        Value::Tagged(tagged) => format!("a value tagged `{}`", tagged.tag),
    }
}

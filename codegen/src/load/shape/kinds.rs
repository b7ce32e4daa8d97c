//! What the shape check knows: the OpenAPI 3.0 objects as openapiv3 2.2 reads them, each a
//! table of its fields with what they hold and whether they may be left out.

use serde_yaml::{Mapping, Value};

/// How a field may be left out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Must be there, and not `null`.
    Required,
    /// May be missing or `null`.
    Optional,
    /// May be missing; `null` reads as missing (the field's default).
    Defaulted,
}

/// What a field holds.
#[derive(Clone, Copy)]
pub(super) enum Shape {
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
pub(super) enum Kind {
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

pub(super) type Field = (&'static str, Shape, Need);

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
pub(super) const CALLBACK: Shape = Shape::Map(&Shape::Object(Kind::PathItem));
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
const IMPLICIT_FLOW: &[Field] =
    &[("authorizationUrl", Text, R), ("refreshUrl", Text, O), ("scopes", SCOPES, R)];
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

/// A parameter's fields whatever its `in` (the stream reads them before it may know the `in`).
const ANY_LOCATION: &[Field] = &[
    ("allowReserved", Bool, D),
    (
        "style",
        Shape::Choice(
            "style",
            &["form", "spaceDelimited", "pipeDelimited", "deepObject", "matrix", "label", "simple"],
        ),
        D,
    ),
    ("allowEmptyValue", Bool, O),
];
/// A security scheme's fields whatever its `type`.
const ANY_SCHEME: &[Field] = &[
    ("in", Shape::Choice("API key location", &["query", "header", "cookie"]), O),
    ("name", Text, O),
    ("scheme", Text, O),
    ("bearerFormat", Text, O),
    ("flows", Shape::Object(Kind::Flows), O),
    ("openIdConnectUrl", Text, O),
];

impl Kind {
    /// The object as a sentence names it.
    pub(super) fn noun(self) -> &'static str {
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
    pub(super) fn fields(self, object: &Mapping) -> [&'static [Field]; 2] {
        let tag = |key: &str| object.get(key).and_then(Value::as_str);
        // A table of cases, one kind a row: the arms look alike because each names its own table.
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

    /// The fields of an object of this kind before its tag (`in`, `type`) is known: those of
    /// [`Kind::fields`] and, for a tagged kind, those of every tag (the tag's own are checked
    /// once it is known), and the tag's field.
    pub(super) fn streamed_fields(self) -> ([&'static [Field]; 2], Option<&'static str>) {
        match self {
            Self::Parameter => ([PARAMETER, ANY_LOCATION], Some("in")),
            Self::SecurityScheme => ([SECURITY_SCHEME, ANY_SCHEME], Some("type")),
            _ => (self.fields(&Mapping::new()), None),
        }
    }

    /// Two fields of which the object needs one (`schema` or `content`).
    pub(super) fn either(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Parameter | Self::Header => Some(("schema", "content")),
            Self::Link => Some(("operationRef", "operationId")),
            _ => None,
        }
    }
}

/// A response key openapiv3 reads as a status code: `200`, `"200"` or `"2XX"`.
pub(super) fn status_code(key: &str) -> bool {
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

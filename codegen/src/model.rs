//! The intermediate model: everything emission needs, and nothing of the raw spec.
//!
//! `resolve` builds it once; `emit` reads only this, and only renders: every decision (names,
//! parameter encodings, the name of a struct's extra-fields map, the fields of an `anyOf`) is made
//! here. Names are already Rust identifiers (see `names`; [`RustName`] for values, which knows raw
//! identifiers), unique in their scope, and every list is in a deterministic order. A type's name
//! is its identity: [`Api::type_def`] finds its definition through an index, not a search.

mod openapi31;
mod security;
mod type_ref;

pub use crate::names::RustName;
pub use openapi31::{Tuple, TupleItem, Webhook};
pub use security::{AuthPlacement, AuthScheme};
use serde_json::Value;
use std::collections::HashMap;
pub use type_ref::{IntEnumValue, TypeRef};

// Runs of documented `pub` fields look alike to a duplicate finder (here and beside other
// plain records such as xtask's measurements): they are declarations, one per fact, not repeated
// logic.

/// A whole API, ready to be emitted.
#[derive(Clone, Debug, Default)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The `openapi` version the document declared.
    pub openapi_version: String,
    /// The first `servers` entry, used as the default base URL.
    pub base_url: Option<String>,
    /// Environment variable that overrides the base URL in `Client::from_env` (`x-env` on the server).
    pub base_url_env: Option<String>,
    /// Response header that carries a request id (`x-request-id-header`).
    pub request_id_header: Option<String>,
    /// JSON pointer to a human-readable message inside error bodies (`x-error-message`).
    pub error_message_pointer: Option<String>,
    /// Credentials the client can send: the `components.securitySchemes` some operation
    /// requires, in the document's order (see [`AuthScheme`]).
    pub auth: Vec<AuthScheme>,
    /// Every named type: components first, then inline types, each group in spec order.
    pub types: Vec<TypeDef>,
    /// Every operation, in path order then method order.
    pub operations: Vec<Operation>,
    /// The requests the API sends (OpenAPI 3.1 `webhooks`), in document order: no client method,
    /// only the types of their payloads. A crate with webhooks and no operations is a crate of
    /// types.
    pub webhooks: Vec<Webhook>,
    /// Parameters that every operation takes (same name and location): settable once on the client.
    pub shared_params: Vec<Param>,
    /// The Cargo features of the crate, one per group of operations (and one for the component
    /// schemas no operation uses), in the order of their first operation; see [`FeatureGroup`].
    /// Empty for a crate without operations: everything is compiled.
    pub groups: Vec<FeatureGroup>,
    /// Every group is on by default (a small API); otherwise none is, and users turn on the
    /// groups they call (see `resolve::features`).
    pub all_groups_by_default: bool,
    /// How many component schemas no operation uses (left out of the crate when
    /// [`crate::Options::skip_unused_schemas`] is set).
    pub unused_schemas: usize,
    /// What the generator read more loosely than written, in document order: constructs given a
    /// looser type, defaults for what the document leaves out, renamed duplicate operationIds.
    pub warnings: Vec<crate::Diagnostic>,
    /// Type name → position in `types`; see [`Api::index_types`].
    pub type_index: HashMap<String, usize>,
}

impl Api {
    /// The definition of a generated type, by name.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(*self.type_index.get(name)?)
    }

    /// Rebuilds [`Api::type_index`] after `types` changed.
    pub fn index_types(&mut self) {
        self.type_index = self.types.iter().enumerate().map(|(at, def)| (def.name.clone(), at)).collect();
    }
}

/// A named Rust type generated from a schema.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Rust type name (UpperCamelCase, unique).
    pub name: String,
    /// JSON pointer of the schema it comes from.
    pub pointer: String,
    /// Doc text from `title`/`description`.
    pub docs: Option<String>,
    /// Marked `deprecated` in the spec.
    pub deprecated: bool,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// The [`Api::groups`] whose features compile it (any one of them suffices); empty for a
    /// type the client builder takes (a parameter every operation has), always compiled.
    pub groups: Vec<usize>,
}

/// A group of operations compiled behind a Cargo feature of its own, with the types only they
/// use: a user of a large API compiles what they call.
#[derive(Clone, Debug)]
pub struct FeatureGroup {
    /// The Cargo feature (`repos`, `message-batches`): lower-case letters, digits and `-`,
    /// unique, never a feature the crate has otherwise (`full`, `default`, `cli`).
    pub feature: String,
    /// What the group is made of.
    pub origin: GroupOrigin,
    /// The tag's `description`, for the crate docs.
    pub description: Option<String>,
    /// Groups this one turns on: an operation of this group calls one of theirs first
    /// (`x-url-from`), so its feature enables theirs.
    pub requires: Vec<usize>,
}

/// Where a [`FeatureGroup`] comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupOrigin {
    /// The operations whose first tag is this one.
    Tag(String),
    /// The operations without tags whose path starts with this segment (`/users/...`, a version
    /// such as `/v1` skipped); `None` for paths with no other segment than versions and
    /// parameters (`/`, `/v1/{id}`), whose feature is `root`.
    PathSegment(Option<String>),
    /// No operation: the component schemas no operation sends or receives (webhook payloads,
    /// say), and the types only they use.
    UnusedSchemas,
}

/// The shape of a named type.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enumeration; unknown values are kept.
    Enum(Vec<EnumValue>),
    /// An integer enumeration; unknown values are kept.
    IntEnum(Vec<IntEnumValue>),
    /// A `oneOf` with a discriminator property; unknown tags are kept as raw JSON.
    TaggedUnion(TaggedUnion),
    /// A `oneOf` without discriminator: the first variant that decodes wins.
    UntaggedUnion(Vec<UntaggedVariant>),
    /// An `anyOf` of objects: a struct with one optional field per member, each set when the
    /// value matches that member (a value may match several; none is lost).
    AnyOf(Vec<AnyOfMember>),
    /// A schema that is just another type (an array, a primitive, a single `allOf` member).
    Alias(TypeRef),
    /// The body of an operation whose responses (errors, or successes) differ by status: one
    /// variant per body type, picked by the response status.
    StatusUnion(Vec<StatusVariant>),
    /// An array with a schema per position (`prefixItems`): a tuple struct.
    Tuple(Tuple),
}

/// One body type of a [`TypeKind::StatusUnion`] and the statuses that carry it.
#[derive(Clone, Debug)]
pub struct StatusVariant {
    /// Rust variant name (the body type's name).
    pub variant: String,
    /// The body type.
    pub ty: TypeRef,
    /// The statuses whose body has this type.
    pub statuses: Vec<StatusMatch>,
}

/// Which responses a response object of the spec describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status (`404`).
    Code(u16),
    /// A class of statuses (`4XX` is `Range(4)`).
    Range(u16),
    /// Every status the others do not name (`default`).
    Default,
}

/// An object type.
#[derive(Clone, Debug)]
pub struct Struct {
    /// Properties in spec order (minus the tag, if any).
    pub fields: Vec<Field>,
    /// A required constant property written on every serialization (`"type": "text"`): serde's
    /// struct tag. Not a field, so nobody has to fill it in.
    pub tag: Option<(String, String)>,
    /// The map that keeps properties the schema does not list (`additionalProperties`), if any.
    pub extra: Option<ExtraField>,
    /// Every field has a default value (constants get theirs), so the struct implements `Default`.
    pub has_default: bool,
}

/// A struct's flattened map of the properties its schema does not list.
#[derive(Clone, Debug)]
pub struct ExtraField {
    /// Rust field name (`extra`, or `extra2` when a property already takes `extra`).
    pub rust_name: RustName,
    /// The type of each value.
    pub ty: TypeRef,
}

/// One property of an object type.
#[derive(Clone, Debug)]
pub struct Field {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust field name (snake_case, keyword-escaped).
    pub rust_name: RustName,
    /// The value type, without the `Option` that required-ness or nullability add.
    pub ty: TypeRef,
    /// Listed in `required`: the key is always present.
    pub required: bool,
    /// `nullable: true`: the value may be `null`.
    pub nullable: bool,
    /// A constant value (a one-value enum) this field always holds; used for `Default`.
    pub constant: Option<String>,
    /// Behind a `Box` to break a by-value cycle between types.
    pub boxed: bool,
    /// Doc text, including constraints and default.
    pub docs: Option<String>,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// JSON pointer of the property's schema (of the `allOf` member that defines it last, in a
    /// merged struct).
    pub pointer: String,
}

/// One value of a string enum.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The string on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub variant: String,
}

/// A discriminated union.
#[derive(Clone, Debug)]
pub struct TaggedUnion {
    /// The discriminator property (`type`).
    pub property: String,
    /// Variants in mapping order.
    pub variants: Vec<TaggedVariant>,
    /// Every variant's struct carries the tag as a constant (and ignores it on input), so a
    /// variant can decode from the rest of the object once the tag has been read.
    pub variants_ignore_tag: bool,
}

/// One variant of a discriminated union.
#[derive(Clone, Debug)]
pub struct TaggedVariant {
    /// Discriminator value on the wire.
    pub tag: String,
    /// Rust variant name.
    pub variant: String,
    /// Rust name of the struct the variant holds.
    pub type_name: String,
    /// Boxed to break a by-value cycle.
    pub boxed: bool,
    /// `From<type> for Union` is implemented: no other variant holds the same Rust type (after
    /// aliases are resolved), so the conversion is unambiguous.
    pub from_impl: bool,
}

/// One variant of an undiscriminated union.
#[derive(Clone, Debug)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub variant: String,
    /// What it holds.
    pub ty: TypeRef,
    /// Boxed to break a by-value cycle.
    pub boxed: bool,
    /// `From<type> for Union` is implemented: no other variant holds the same Rust type (after
    /// aliases are resolved), so the conversion is unambiguous.
    pub from_impl: bool,
}

/// One member of an `anyOf` of objects: a field of the struct that holds it.
#[derive(Clone, Debug)]
pub struct AnyOfMember {
    /// The member's name, for messages (the type's name, or a name made from its shape).
    pub name: String,
    /// Rust field name (snake_case of `name`, unique in the struct).
    pub field: RustName,
    /// What it holds.
    pub ty: TypeRef,
    /// Boxed to break a by-value cycle.
    pub boxed: bool,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie in the `Cookie` header.
    Cookie,
}

/// An operation parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust argument/setter name.
    pub rust_name: RustName,
    /// Where it goes.
    pub location: ParamLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Must be sent.
    pub required: bool,
    /// The spec's default, sent when the caller gives nothing and the parameter is required.
    pub default: Option<String>,
    /// Arrays and objects: one `name=value` pair per item or property (`explode: true`) rather
    /// than joined into one value.
    pub explode: bool,
    /// How arrays and objects are written (`style`).
    pub style: ParamStyle,
    /// How the value becomes text (decided once all types are known).
    pub encoding: ParamEncoding,
    /// Doc text.
    pub docs: Option<String>,
    /// Marked `deprecated`.
    pub deprecated: bool,
}

impl Param {
    /// The caller must give it as a method argument (a path parameter, or a required one without
    /// a default); otherwise it is an optional setter.
    pub fn is_argument(&self) -> bool {
        self.location == ParamLocation::Path || (self.required && self.default.is_none())
    }
}

/// How a parameter's array or object value is written (OpenAPI's `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamStyle {
    /// Comma-separated (`simple` for path and header, `form` for query and cookie).
    Comma,
    /// `spaceDelimited`: items joined by spaces.
    SpaceDelimited,
    /// `pipeDelimited`: items joined by `|`.
    PipeDelimited,
    /// `deepObject`: `name[property]=value` for each property of an object.
    DeepObject,
    /// The value's JSON text (a parameter described by `content` rather than `schema`).
    Json,
}

/// How a parameter's value becomes text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ParamEncoding {
    /// A string, number, boolean or string enum (or an alias of one): its own text.
    #[default]
    Scalar,
    /// An array of scalars: items written by the `style` (joined, or one pair each).
    List,
    /// Anything else (objects, unions, maps), or `content`-described: its JSON form, spread by
    /// the `style`.
    Json,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text.
    Literal(String),
    /// The path parameter at this index of `Operation::params`.
    Param(usize),
}

/// What a success response holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` (or `+json`) decoded into a type.
    Json(TypeRef),
    /// JSON for some success statuses and no body for others (`200` with a body, `204`
    /// without): `Some(value)` or `None`.
    JsonOrEmpty(TypeRef),
    /// Different JSON bodies for different success statuses: an enum of them
    /// ([`TypeKind::StatusUnion`]) whose variant the status picks.
    ByStatus(TypeRef),
    /// JSON Lines: one value of this type per line, decoded as a stream.
    JsonLines(TypeRef),
    /// A `text/*` body, as a `String`.
    Text,
    /// Any other media type, as bytes.
    Binary,
    /// No body.
    Empty,
}

/// How a request body goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// JSON (`application/json`, `+json`).
    Json,
    /// `application/x-www-form-urlencoded`: the object's properties as `name=value` pairs.
    Form,
    /// `multipart/form-data`: one part per property.
    Multipart,
    /// A `text/*` body from a `String`.
    Text,
    /// Raw bytes (`application/octet-stream` and any other media type).
    Binary,
}

/// An operation's request body.
#[derive(Clone, Debug)]
pub struct RequestBody {
    /// Media type sent.
    pub media_type: String,
    /// How it is encoded.
    pub encoding: Encoding,
    /// The body type (`String` for text, `Vec<u8>` for bytes).
    pub ty: TypeRef,
    /// The operation cannot be called without it (otherwise it is a builder setter).
    pub required: bool,
    /// Multipart: wire names of the properties that are files (`format: binary`, or a
    /// `contentMediaType`), typed [`TypeRef::File`] and sent as file parts.
    pub file_fields: Vec<String>,
    /// Docs.
    pub docs: Option<String>,
}

/// An operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The spec's `operationId`.
    pub operation_id: String,
    /// The first of its `tags`.
    pub tag: Option<String>,
    /// Its [`FeatureGroup`] (an index into [`Api::groups`]).
    pub group: usize,
    /// Client method name (snake_case).
    pub method_name: RustName,
    /// Request builder type name (UpperCamelCase).
    pub builder_name: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// The path template as written (up to a `?` in the path key).
    pub path: String,
    /// Query pairs the path key itself holds (`/items?beta=true`), decoded: sent with every request
    /// of the operation, before its parameters.
    pub fixed_query: Vec<(String, String)>,
    /// The template split into literals and parameters.
    pub segments: Vec<PathSegment>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// Parameters (path ones first in template order, then the rest in spec order).
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<RequestBody>,
    /// What a 2xx response holds.
    pub success: BodyKind,
    /// Media types a 2xx response may have, for `Accept`.
    pub accept: Vec<String>,
    /// The type of error bodies (non-2xx), when the spec gives one.
    pub error: Option<TypeRef>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// Auto-pagination (`x-pagination`).
    pub pagination: Option<Pagination>,
    /// Waiters on this operation (`x-waiters`).
    pub waiters: Vec<Waiter>,
    /// The request goes to a URL read from another operation's result (`x-url-from`).
    pub url_from: Option<UrlFrom>,
    /// The credentials it sends: alternatives in the spec's order, any one of which suffices,
    /// each the indexes into [`Api::auth`] of the credentials sent together. No alternatives:
    /// it sends none (`security: []`); an empty one: credentials are optional.
    pub security: Vec<Vec<usize>>,
}

/// How to walk the pages of a list operation.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// Rust name of the response field holding the page's items.
    pub items_field: RustName,
    /// The item type.
    pub item_type: TypeRef,
    /// Rust name of the boolean response field that says another page exists.
    pub has_more_field: Option<RustName>,
    /// Paging forward.
    pub forward: Option<Cursor>,
    /// Paging backward.
    pub backward: Option<Cursor>,
}

/// One direction of paging: the request parameter that takes a cursor and the response field
/// that gives the next one.
#[derive(Clone, Debug)]
pub struct Cursor {
    /// Rust name of the request parameter (an optional query parameter of type string).
    pub param: RustName,
    /// Rust name of the response field.
    pub field: RustName,
    /// How the response holds the field.
    pub field_presence: Presence,
}

/// "Call this operation until this field has one of these values."
#[derive(Clone, Debug)]
pub struct Waiter {
    /// Rust name of the client method (`wait_until_ended`).
    pub method_name: RustName,
    /// Rust name of the request builder's method.
    pub builder_method: RustName,
    /// Rust type name of the waiter's builder.
    pub builder_name: String,
    /// Rust name of the response field.
    pub field: RustName,
    /// Wire name of that field, for docs.
    pub wire_field: String,
    /// How the response holds the field.
    pub field_presence: Presence,
    /// Values that end the wait.
    pub until: Vec<String>,
    /// JSON pointers into the resource to counters of what is done and what is pending, for a
    /// progress display while waiting (empty: none).
    pub progress_done: Vec<String>,
    /// See [`Waiter::progress_done`].
    pub progress_pending: Vec<String>,
}

/// The request URL comes from a field of another operation's result.
#[derive(Clone, Debug)]
pub struct UrlFrom {
    /// Client method name of the operation to call first.
    pub method_name: RustName,
    /// Its `operationId`.
    pub operation_id: String,
    /// Rust names of this operation's path parameters passed to it, in its argument order.
    pub arguments: Vec<RustName>,
    /// Rust names of optional parameters both operations take, copied over.
    pub shared_setters: Vec<RustName>,
    /// Rust name of the field with the URL.
    pub field: RustName,
    /// Wire name of that field.
    pub wire_field: String,
    /// How the response holds the field.
    pub field_presence: Presence,
}

/// How a struct holds a field: `T`, `Option<T>`, or `Option<Option<T>>` (optional and nullable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Required and not nullable: `T`.
    Always,
    /// Optional or nullable: `Option<T>`.
    Optional,
    /// Optional and nullable: `Option<Option<T>>`.
    OptionalNullable,
}

impl Presence {
    /// The presence of a field with these flags.
    pub fn of(field: &Field) -> Self {
        match (field.required, field.nullable) {
            (true, false) => Presence::Always,
            (false, true) => Presence::OptionalNullable,
            _ => Presence::Optional,
        }
    }
}

/// A default value rendered for docs.
pub fn describe_default(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`\"{text}\"`"),
        other => format!("`{other}`"),
    }
}

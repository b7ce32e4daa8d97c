//! Stage 2: `openapiv3::OpenAPI` → [`crate::model::Api`]. Resolves `$ref`s, names every type, picks the
//! Rust shape of every schema, and reports what it cannot represent as diagnostics. The document
//! arrives repaired by [`crate::load`], so a schema is read here as the document wrote it.
//!
//! One file per concern:
//! - `lower`: schemas and references → type references, and the named types inline schemas
//!   define (structs, enums, aliases);
//! - `unions`: `oneOf` / `anyOf`, discriminators, implied tags, the checks of discriminated unions;
//! - `all_of`: `allOf` merging, as pure functions over schemas, and the thin resolver layer around
//!   them;
//! - `docs`: doc text from schemas (title, description, constraints, default);
//! - `operations`: paths → operations, credentials, shared parameters; `parameters` (parameters
//!   and path templates) and `bodies` (request bodies, responses, media types) serve it;
//! - `links`: the operation extensions that link operations (pagination, waiters, URLs);
//! - `graph`: whole-model passes (unused schemas, cycles, defaults).
//!
//! Imports run one way: `operations` → `parameters` / `bodies` → `lower` → `unions` / `all_of` →
//! `docs`, and every file may use this one (the `Resolver` and the `$ref` helpers). Lowering,
//! unions and merging call each other as methods of the resolver, because schemas nest.

mod all_of;
mod bodies;
mod docs;
mod graph;
mod links;
mod lower;
mod operations;
mod parameters;
mod unions;

use crate::diagnostics::{Diagnostics, Pointer};
use crate::extensions;
use crate::model::*;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind};
use std::collections::{BTreeSet, HashMap};

/// Names a schema type may not take: the prelude names generated code relies on, and the names
/// the operations module imports. A schema called `Result` becomes `Result2`.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Client",
    "ClientBuilder",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Eq",
    "Err",
    "Error",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Future",
    "Hash",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Pin",
    "RequestParts",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Vec",
];

/// Builds the model of a parsed document.
pub fn resolve(
    document: &OpenAPI,
    openapi_version: &str,
    options: crate::Options,
) -> Result<Api, Diagnostics> {
    let mut resolver = Resolver::new(document);
    let mut api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.clone(),
        openapi_version: openapi_version.to_owned(),
        base_url: document.servers.first().map(|server| server.url.trim_end_matches('/').to_owned()),
        ..Api::default()
    };
    let root_extensions = extensions::root(&document.extensions, &mut resolver.diagnostics);
    api.request_id_header = root_extensions.request_id_header;
    if let Some(server) = document.servers.first() {
        let at = Pointer::root().key("servers").index(0);
        api.base_url_env = extensions::env(&server.extensions, &at, &mut resolver.diagnostics);
    }
    api.error_message_pointer = root_extensions.error_message_pointer;
    resolver.define_components();
    api.operations = resolver.operations();
    api.auth = resolver.auth();
    resolver.adopt_implied_tags();
    resolver.check_unions();
    api.types = std::mem::take(&mut resolver.types);
    api.index_types();
    graph::param_encodings(&mut api);
    api.shared_params = operations::shared_params(&api.operations);
    api.unused_schemas = graph::unused_schemas(
        &mut api.types,
        &api.operations,
        &api.shared_params,
        options.skip_unused_schemas,
    );
    api.index_types();
    resolver.types = std::mem::take(&mut api.types);
    resolver.type_index = std::mem::take(&mut api.type_index);
    resolver.break_cycles();
    resolver.compute_defaults();
    api.types = resolver.types;
    api.index_types();
    resolver.diagnostics.0.sort();
    resolver.diagnostics.0.dedup();
    if resolver.diagnostics.has_errors() {
        Err(resolver.diagnostics)
    } else {
        api.warnings = resolver.diagnostics.0;
        Ok(api)
    }
}

/// A schema position: either a `$ref` or an inline schema.
enum Node<'a> {
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

/// The parts of a schema that describe an object: its `properties`, `required` and
/// `additionalProperties`.
struct ObjectParts<'s> {
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
    additional: Option<&'s openapiv3::AdditionalProperties>,
}

/// The object parts of a schema read as an object, or read as untyped (object keywords without a
/// `type`); `None` for other schemas and for an untyped one that also has a `oneOf` or `allOf`,
/// which decide its shape instead.
fn object_parts(kind: &SchemaKind) -> Option<ObjectParts<'_>> {
    match kind {
        SchemaKind::Type(openapiv3::Type::Object(object)) => Some(ObjectParts {
            properties: &object.properties,
            required: &object.required,
            additional: object.additional_properties.as_ref(),
        }),
        SchemaKind::Any(any) if any.one_of.is_empty() && any.all_of.is_empty() => Some(ObjectParts {
            properties: &any.properties,
            required: &any.required,
            additional: any.additional_properties.as_ref(),
        }),
        _ => None,
    }
}

/// The target name of a local reference `#/components/<kind>/<name>`, unescaped.
fn component_ref(reference: &str, kind: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/")?.strip_prefix(kind)?.strip_prefix('/')?;
    (!name.contains('/')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

fn ref_problem(reference: &str, kind: &str) -> String {
    if reference.starts_with('#') {
        format!("`$ref: {reference}` does not point to an entry of `components/{kind}`; fix the reference or add the component")
    } else {
        format!("`$ref: {reference}` points outside this document; only local references (`#/components/{kind}/Name`) are supported, so bundle the spec first")
    }
}

struct Resolver<'a> {
    document: &'a OpenAPI,
    /// The document's component schemas (borrowed: a large API's schemas are most of its memory).
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// Component schema name → Rust type name.
    schema_names: HashMap<String, String>,
    /// Component schemas marked `nullable` at their top level.
    nullable_components: BTreeSet<String>,
    /// Every discriminator property name in the document: a struct's constant property with one
    /// of these names is preferred as its serde tag.
    discriminator_properties: BTreeSet<String>,
    type_scope: Scope,
    /// Names of `Client` methods.
    method_scope: Scope,
    types: Vec<TypeDef>,
    /// Type name → position in `types`.
    type_index: HashMap<String, usize>,
    /// Components whose properties an `allOf` merge is copying right now (a cycle guard).
    merging: Vec<String>,
    /// How many inline type definitions are being built inside each other right now.
    nesting: usize,
    diagnostics: Diagnostics,
}

impl<'a> Resolver<'a> {
    fn new(document: &'a OpenAPI) -> Self {
        static NO_SCHEMAS: std::sync::OnceLock<IndexMap<String, ReferenceOr<Schema>>> =
            std::sync::OnceLock::new();
        let schemas = match &document.components {
            Some(components) => &components.schemas,
            None => NO_SCHEMAS.get_or_init(IndexMap::new),
        };
        let mut resolver = Self {
            document,
            schema_names: HashMap::new(),
            nullable_components: BTreeSet::new(),
            discriminator_properties: BTreeSet::new(),
            type_scope: Scope::with_reserved(RESERVED_TYPE_NAMES),
            method_scope: Scope::with_reserved(&["new", "builder", "from_env", "base_url"]),
            types: Vec::new(),
            type_index: HashMap::new(),
            merging: Vec::new(),
            nesting: 0,
            diagnostics: Diagnostics::default(),
            schemas,
        };
        for (name, schema) in resolver.schemas {
            let rust = resolver.type_scope.claim(&names::type_name(name));
            resolver.schema_names.insert(name.clone(), rust);
            if let ReferenceOr::Item(schema) = schema {
                if schema.schema_data.nullable {
                    resolver.nullable_components.insert(name.clone());
                }
                if let Some(discriminator) = &schema.schema_data.discriminator {
                    resolver.discriminator_properties.insert(discriminator.property_name.clone());
                }
            }
        }
        resolver
    }

    fn components_pointer(name: &str) -> Pointer {
        Pointer::root().key("components").key("schemas").key(name)
    }

    /// Follows one `$ref` into `components/<kind>`, or returns the inline item; a reference that
    /// does not resolve is a diagnostic at `at`.
    pub(super) fn follow<'t, T>(
        &mut self,
        item: &'t ReferenceOr<T>,
        at: &Pointer,
        kind: &str,
        entries: impl FnOnce(&'t openapiv3::Components) -> &'t IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'t T, Pointer)>
    where
        'a: 't,
    {
        let reference = match item {
            ReferenceOr::Item(item) => return Some((item, at.clone())),
            ReferenceOr::Reference { reference } => reference,
        };
        let document: &'t OpenAPI = self.document;
        let found = component_ref(reference, kind).and_then(|name| {
            match entries(document.components.as_ref()?).get(&name)? {
                ReferenceOr::Item(target) => {
                    Some((target, Pointer::root().key("components").key(kind).key(&name)))
                }
                ReferenceOr::Reference { .. } => None,
            }
        });
        if found.is_none() {
            self.diagnostics.push(at.key("$ref").as_str(), ref_problem(reference, kind));
        }
        found
    }

    pub(super) fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(*self.type_index.get(name)?)
    }

    /// Adds a type, keeping the name index up to date.
    pub(super) fn push_type(&mut self, def: TypeDef) {
        self.type_index.insert(def.name.clone(), self.types.len());
        self.types.push(def);
    }
}

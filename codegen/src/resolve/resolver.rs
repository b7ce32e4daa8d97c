//! The resolver's state (the document, the names handed out, the types defined so far and their
//! index, the diagnostics) and the helpers every concern shares: schema positions, `$ref`
//! following, the object parts of a schema.

use crate::diagnostics::{Diagnostics, Pointer};
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

/// A schema position: either a `$ref` or an inline schema.
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

/// The parts of a schema that describe an object: its `properties`, `required` and
/// `additionalProperties`.
pub(super) struct ObjectParts<'s> {
    pub(super) properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s openapiv3::AdditionalProperties>,
}

/// The object parts of a schema read as an object, or read as untyped (object keywords without a
/// `type`); `None` for other schemas and for an untyped one that also has a `oneOf` or `allOf`,
/// which decide its shape instead.
pub(super) fn object_parts(kind: &SchemaKind) -> Option<ObjectParts<'_>> {
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
pub(super) fn component_ref(reference: &str, kind: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/")?.strip_prefix(kind)?.strip_prefix('/')?;
    (!name.contains('/')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

pub(super) fn ref_problem(reference: &str, kind: &str) -> String {
    if reference.starts_with('#') {
        format!("`$ref: {reference}` does not point to an entry of `components/{kind}`; fix the reference or add the component")
    } else {
        format!("`$ref: {reference}` points outside this document; only local references (`#/components/{kind}/Name`) are supported, so bundle the spec first")
    }
}

pub(super) struct Resolver<'a> {
    pub(super) document: &'a OpenAPI,
    /// The document's component schemas (borrowed: a large API's schemas are most of its memory).
    pub(super) schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// Component schema name → Rust type name.
    pub(super) schema_names: HashMap<String, String>,
    /// Component schemas marked `nullable` at their top level.
    pub(super) nullable_components: BTreeSet<String>,
    /// Every discriminator property name in the document: a struct's constant property with one
    /// of these names is preferred as its serde tag.
    pub(super) discriminator_properties: BTreeSet<String>,
    pub(super) type_scope: Scope,
    /// Names of `Client` methods.
    pub(super) method_scope: Scope,
    pub(super) types: Vec<TypeDef>,
    /// Type name → position in `types`.
    pub(super) type_index: HashMap<String, usize>,
    /// Components whose properties an `allOf` merge is copying right now (a cycle guard).
    pub(super) merging: Vec<String>,
    /// How many inline type definitions are being built inside each other right now.
    pub(super) nesting: usize,
    pub(super) diagnostics: Diagnostics,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(document: &'a OpenAPI) -> Self {
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

    pub(super) fn components_pointer(name: &str) -> Pointer {
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

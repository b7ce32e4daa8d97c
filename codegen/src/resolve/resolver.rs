//! The resolver's state (the document, the names handed out, the types defined so far and their
//! index, the diagnostics) and the helpers every concern shares: schema positions, `$ref`
//! following, the object parts of a schema.

pub(super) use super::pointer::Node;
use super::pointer::{self, Miss, Place};
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

/// One definition of a value: the schema position, where it is in the document, and, when it was
/// reached through a `$ref` (it lives elsewhere), the type name it has where it lives.
#[derive(Clone, Debug)]
pub(super) struct Definition<'n> {
    pub(super) node: Node<'n>,
    pub(super) at: Pointer,
    pub(super) home: Option<String>,
}

/// The parts of a schema that describe an object: its `properties`, `required` and
/// `additionalProperties`.
#[derive(Clone, Copy)]
pub(super) struct ObjectParts<'s> {
    pub(super) properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s openapiv3::AdditionalProperties>,
}

impl ObjectParts<'_> {
    /// More than "an object": some property, requirement or rule for other properties.
    pub(super) fn says_something(&self) -> bool {
        !self.properties.is_empty() || !self.required.is_empty() || self.additional.is_some()
    }
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
    (!name.contains('/') && !name.contains('%')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

/// A schema a `$ref` leads to: the schema position there (itself perhaps a `$ref`), its pointer,
/// and the type name made from where it lives.
pub(super) struct Located<'a> {
    pub(super) node: Node<'a>,
    pub(super) pointer: Pointer,
    pub(super) hint: String,
}

/// What a `$ref` to a parameter, response or request body may lead to.
pub(super) trait Addressable {
    /// What it is called in a diagnostic.
    const WHAT: &'static str;
    /// The item at a place, if it is one of these.
    fn at(place: Place<'_>) -> Option<&Self>;
}

/// `Addressable` for an item found at `Place::$place`.
macro_rules! addressable {
    ($($item:ident: $what:literal at $place:ident),* $(,)?) => {$(
        impl Addressable for openapiv3::$item {
            const WHAT: &'static str = $what;
            fn at(place: Place<'_>) -> Option<&Self> {
                match place {
                    Place::$place(item) => Some(item),
                    _ => None,
                }
            }
        }
    )*};
}

addressable!(
    Parameter: "parameter" at Parameter,
    Response: "response" at Response,
    RequestBody: "request body" at RequestBody,
);

/// A security scheme is found only as an entry of `components/securitySchemes` (the fast path
/// of [`Resolver::follow`]): the pointer walk reads schemes as leaves, so any other `$ref` to one
/// is a diagnostic.
impl Addressable for openapiv3::SecurityScheme {
    const WHAT: &'static str = "security scheme";
    fn at(_: Place<'_>) -> Option<&Self> {
        None
    }
}

/// A type defined for the schema at a pointer (or for a merge of the definitions at several).
pub(super) struct Defined {
    pub(super) name: String,
    /// Defined away from where the schema lives (through a `$ref` or an `allOf` that copies it):
    /// lowering it where it lives finds this type instead of defining another.
    pub(super) shared: bool,
    /// Its shape is known; until then a schema that reaches itself refers to it by name.
    pub(super) done: bool,
}

pub(super) struct Resolver<'a> {
    pub(super) document: &'a OpenAPI,
    /// The document's component schemas (borrowed: a large API's schemas are most of its memory).
    pub(super) schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// Component schema name → Rust type name.
    pub(super) schema_names: HashMap<String, String>,
    /// Component schemas that allow `null`: marked `nullable` at their top level, or merging a
    /// member that is.
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
    /// Types by the pointer of the schema they were made for, or by the pointers of the
    /// definitions a merge combines (joined by ` & `).
    pub(super) defined: HashMap<String, Defined>,
    /// How many schemas are being lowered away from where they live (reached by a `$ref` to a
    /// place that is not a component, or copied by an `allOf`): the types they define are shared.
    pub(super) away: usize,
    /// The `$ref`s being followed right now, by target pointer (a chain that comes back is a cycle).
    pub(super) following: Vec<String>,
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
            defined: HashMap::new(),
            away: 0,
            following: Vec::new(),
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

    /// Follows a `$ref` (to `components/<kind>`, or to any place in the document, through any
    /// chain of `$ref`s), or returns the inline item; a reference that does not resolve is a
    /// diagnostic at `at`.
    pub(super) fn follow<'t, T: Addressable>(
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
        // The common case: an entry of `components/<kind>`, found by name.
        let name = component_ref(reference, kind);
        if let Some(ReferenceOr::Item(target)) =
            name.as_ref().and_then(|name| entries(document.components.as_ref()?).get(name))
        {
            let pointer =
                Pointer::root().key("components").key(kind).key(name.as_deref().unwrap_or_default());
            return Some((target, pointer));
        }
        let mut seen: Vec<String> = Vec::new();
        let mut current: &'t str = reference;
        let found = loop {
            let found = match pointer::segments(current)
                .and_then(|segments| pointer::walk(document, &segments, |_| None))
            {
                Ok(found) => found,
                Err(miss) => break Err(miss),
            };
            match found.place {
                Place::Reference(next, what) if what == T::WHAT => {
                    if seen.contains(&found.pointer.to_string()) {
                        break Err(Miss::Cycle);
                    }
                    seen.push(found.pointer.to_string());
                    current = next;
                }
                place => match T::at(place) {
                    Some(target) => break Ok((target, found.pointer)),
                    None => break Err(Miss::Other { what: pointer::describe(&place) }),
                },
            }
        };
        found
            .map_err(|miss| self.diagnostics.push(at.key("$ref").as_str(), miss.message(reference, T::WHAT)))
            .ok()
    }

    /// Where a schema `$ref` leads: the schema position there, its pointer and the name of a type
    /// made from where it lives.
    pub(super) fn locate(&self, reference: &str) -> Result<Located<'a>, Miss> {
        let segments = pointer::segments(reference)?;
        let found = pointer::walk(self.document, &segments, |name| self.schema_names.get(name).cloned())?;
        match pointer::as_schema(found.place) {
            Some(node) => Ok(Located { node, pointer: found.pointer, hint: found.hint }),
            None => Err(Miss::Other { what: pointer::describe(&found.place) }),
        }
    }

    /// The schema a `$ref` leads to at the end of its chain of `$ref`s.
    pub(super) fn schema_of(&self, reference: &str) -> Result<(&'a Schema, Pointer), Miss> {
        let mut seen = Vec::new();
        let mut current = self.locate(reference)?;
        loop {
            match current.node {
                Node::Inline(schema) => return Ok((schema, current.pointer)),
                Node::Ref(next) => {
                    if seen.contains(&current.pointer) {
                        return Err(Miss::Cycle);
                    }
                    seen.push(current.pointer);
                    current = self.locate(next)?;
                }
            }
        }
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

//! Stage 2: `openapiv3::OpenAPI` → [`crate::model::Api`]. Resolves `$ref`s, names every type, picks the
//! Rust shape of every schema, and reports what it cannot represent as diagnostics.

use crate::diagnostics::{Diagnostics, Pointer};
use crate::extensions;
use crate::model::*;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody as SpecRequestBody, Response, Schema, SchemaKind, SecurityScheme, StatusCode, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};
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
pub fn resolve(document: &OpenAPI, openapi_version: &str) -> Result<Api, Diagnostics> {
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
    api.shared_params = shared_params(&api.operations);
    api.auth = resolver.auth();
    resolver.check_unions();
    resolver.break_cycles();
    resolver.compute_defaults();
    api.types = resolver.types;
    if resolver.diagnostics.is_empty() {
        Ok(api)
    } else {
        resolver.diagnostics.0.sort();
        resolver.diagnostics.0.dedup();
        Err(resolver.diagnostics)
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
    schemas: IndexMap<String, ReferenceOr<Schema>>,
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
    diagnostics: Diagnostics,
}

impl<'a> Resolver<'a> {
    fn new(document: &'a OpenAPI) -> Self {
        let schemas = document.components.as_ref().map(|c| c.schemas.clone()).unwrap_or_default();
        let mut resolver = Self {
            document,
            schema_names: HashMap::new(),
            nullable_components: BTreeSet::new(),
            discriminator_properties: BTreeSet::new(),
            type_scope: Scope::with_reserved(RESERVED_TYPE_NAMES),
            method_scope: Scope::with_reserved(&["new", "builder", "from_env", "base_url"]),
            types: Vec::new(),
            diagnostics: Diagnostics::default(),
            schemas,
        };
        for (name, schema) in &resolver.schemas {
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

    fn define_components(&mut self) {
        let schemas = self.schemas.clone();
        for (name, schema) in &schemas {
            let pointer = Self::components_pointer(name);
            let rust = self.schema_names[name].clone();
            let docs = match schema {
                ReferenceOr::Item(schema) => docs_of(schema),
                ReferenceOr::Reference { .. } => None,
            };
            let deprecated = matches!(schema, ReferenceOr::Item(s) if s.schema_data.deprecated);
            let kind = match schema.into() {
                Node::Ref(reference) => TypeKind::Alias(self.lower_ref(reference, &pointer).0),
                Node::Inline(schema) => self.shape(&rust, schema, &pointer),
            };
            self.types.push(TypeDef { name: rust, pointer: pointer.to_string(), docs, deprecated, kind });
        }
    }

    /// A schema reference → the Rust type it names, and whether the target is nullable.
    fn lower_ref(&mut self, reference: &str, at: &Pointer) -> (TypeRef, bool) {
        match component_ref(reference, "schemas") {
            Some(name) if self.schema_names.contains_key(&name) => {
                let nullable = self.nullable_components.contains(&name);
                (TypeRef::Named(self.schema_names[&name].clone()), nullable)
            }
            _ => {
                self.diagnostics.push(at.key("$ref").as_str(), ref_problem(reference, "schemas"));
                (TypeRef::Json, false)
            }
        }
    }

    /// Any schema position → a type reference, defining a named type for inline objects, enums and
    /// unions (named `hint`). Returns whether `null` is allowed.
    fn lower(&mut self, node: Node<'_>, at: &Pointer, hint: &str) -> (TypeRef, bool) {
        let schema = match node {
            Node::Ref(reference) => return self.lower_ref(reference, at),
            Node::Inline(schema) => schema,
        };
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string))
                if string.enumeration.iter().flatten().next().is_some() =>
            {
                self.define_inline(hint, schema, at)
            }
            SchemaKind::Type(Type::String(string)) => string_type(&string.format),
            SchemaKind::Type(Type::Integer(integer)) => match integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let (item, _) = self.lower(items.into(), &at.key("items"), &format!("{hint}Item"));
                    TypeRef::Array(Box::new(item))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                self.free_form(object.additional_properties.as_ref(), at, hint)
            }
            SchemaKind::Type(Type::Object(_)) => self.define_inline(hint, schema, at),
            SchemaKind::OneOf { .. } => self.define_inline(hint, schema, at),
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let (inner, inner_nullable) =
                    self.lower((&all_of[0]).into(), &at.key("allOf").index(0), hint);
                return (inner, nullable || inner_nullable);
            }
            SchemaKind::AllOf { .. } => self.define_inline(hint, schema, at),
            SchemaKind::AnyOf { .. } => {
                self.diagnostics.push(
                    at.key("anyOf").as_str(),
                    "`anyOf` is not supported yet; use `oneOf` (with a discriminator where the members are objects)",
                );
                TypeRef::Json
            }
            SchemaKind::Not { .. } => {
                self.diagnostics
                    .push(at.key("not").as_str(), "`not` cannot be expressed as a Rust type; remove it");
                TypeRef::Json
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() || !any.one_of.is_empty() || !any.all_of.is_empty() {
                    self.define_inline(hint, schema, at)
                } else if any.typ.is_none() && any.any_of.is_empty() && any.not.is_none() {
                    TypeRef::Json
                } else {
                    self.diagnostics.push(
                        at.as_str(),
                        "this combination of keywords does not describe one type; give it a single `type` (or a `oneOf`)",
                    );
                    TypeRef::Json
                }
            }
        };
        (ty, nullable)
    }

    /// An object without properties: a map when `additionalProperties` has a schema, else any object.
    fn free_form(&mut self, additional: Option<&AdditionalProperties>, at: &Pointer, hint: &str) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let (value, _) = self.lower(
                    schema.as_ref().into(),
                    &at.key("additionalProperties"),
                    &format!("{hint}Value"),
                );
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        }
    }

    fn define_inline(&mut self, hint: &str, schema: &Schema, at: &Pointer) -> TypeRef {
        let name = self.type_scope.claim(&names::type_name(hint));
        let kind = self.shape(&name, schema, at);
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: at.to_string(),
            docs: docs_of(schema),
            deprecated: schema.schema_data.deprecated,
            kind,
        });
        TypeRef::Named(name)
    }

    /// The shape of a named type.
    fn shape(&mut self, name: &str, schema: &Schema, at: &Pointer) -> TypeKind {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string))
                if string.enumeration.iter().flatten().next().is_some() =>
            {
                TypeKind::Enum(enum_values(string.enumeration.iter().flatten()))
            }
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                TypeKind::Struct(self.structure(
                    name,
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                    at,
                ))
            }
            SchemaKind::Any(any)
                if !any.properties.is_empty() && any.one_of.is_empty() && any.all_of.is_empty() =>
            {
                TypeKind::Struct(self.structure(
                    name,
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    at,
                ))
            }
            SchemaKind::OneOf { one_of } => self.union(name, one_of, schema, at),
            SchemaKind::Any(any) if !any.one_of.is_empty() => self.union(name, &any.one_of, schema, at),
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => self.merge_all_of(name, all_of, at),
            SchemaKind::Any(any) if !any.all_of.is_empty() => self.merge_all_of(name, &any.all_of, at),
            _ => {
                // Arrays, primitives, free-form objects and single-member allOf: the type is another.
                let stripped =
                    Schema { schema_data: Default::default(), schema_kind: schema.schema_kind.clone() };
                let (ty, _) = self.lower(Node::Inline(&stripped), at, name);
                TypeKind::Alias(ty)
            }
        }
    }

    fn structure(
        &mut self,
        name: &str,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        at: &Pointer,
    ) -> Struct {
        let constants: Vec<(&String, String)> = properties
            .iter()
            .filter(|(property, _)| required.contains(property))
            .filter_map(|(property, schema)| match schema {
                ReferenceOr::Item(schema) => constant_of(schema).map(|value| (property, value)),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        let tag = constants
            .iter()
            .find(|(property, _)| self.discriminator_properties.contains(*property))
            .or_else(|| constants.first())
            .map(|(property, value)| ((*property).clone(), value.clone()));

        let mut field_scope = Scope::default();
        let mut fields = Vec::new();
        for (property, schema) in properties {
            if tag.as_ref().is_some_and(|(tag_property, _)| tag_property == property) {
                continue;
            }
            let field_at = at.key("properties").key(property);
            let hint = format!("{name}{}", names::type_name(property));
            let is_required = required.contains(property);
            let constant = constants.iter().find(|(p, _)| *p == property).map(|(_, value)| value.clone());
            let (ty, nullable) = match &constant {
                Some(_) => (TypeRef::String, false),
                None => self.lower(schema.into(), &field_at, &hint),
            };
            let inline = match schema {
                ReferenceOr::Item(schema) => Some(schema.as_ref()),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                wire_name: property.clone(),
                rust_name: field_scope.claim(&names::value_name(property)),
                ty,
                required: is_required,
                nullable,
                constant,
                boxed: false,
                docs: inline.and_then(field_docs),
                deprecated: inline.is_some_and(|s| s.schema_data.deprecated),
            });
        }
        for missing in required.iter().filter(|r| !properties.contains_key(*r)) {
            self.diagnostics.push(
                at.key("required").as_str(),
                format!("`{missing}` is listed as required but is not among the properties; add it to `properties` or remove it from `required`"),
            );
        }
        let additional = match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(schema)) => Some(
                self.lower(schema.as_ref().into(), &at.key("additionalProperties"), &format!("{name}Value"))
                    .0,
            ),
            _ => None,
        };
        Struct { fields, tag, additional, has_default: false }
    }

    fn union(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        schema: &Schema,
        at: &Pointer,
    ) -> TypeKind {
        let one_of_at = at.key("oneOf");
        let Some(discriminator) = &schema.schema_data.discriminator else {
            let mut variant_scope = Scope::default();
            let mut variants = Vec::new();
            for (index, member) in members.iter().enumerate() {
                let member_at = one_of_at.index(index);
                let (ty, _) = self.lower(member.into(), &member_at, &format!("{name}Variant{}", index + 1));
                let wanted = match &ty {
                    TypeRef::Named(named) => named.clone(),
                    TypeRef::Array(item) => match item.as_ref() {
                        TypeRef::Named(named) => format!("{named}List"),
                        _ => "Array".to_owned(),
                    },
                    other => primitive_variant(other).to_owned(),
                };
                variants.push(UntaggedVariant { variant: variant_scope.claim(&wanted), ty, boxed: false });
            }
            return TypeKind::UntaggedUnion(variants);
        };
        let mut targets: Vec<(String, String, usize)> = Vec::new(); // (tag, component, member index)
        let mut seen_members = BTreeSet::new();
        for (tag, target) in &discriminator.mapping {
            match component_ref(target, "schemas").filter(|name| self.schema_names.contains_key(name)) {
                Some(component) => targets.push((tag.clone(), component, usize::MAX)),
                None => self.diagnostics.push(
                    at.key("discriminator").key("mapping").key(tag).as_str(),
                    ref_problem(target, "schemas"),
                ),
            }
        }
        for (index, member) in members.iter().enumerate() {
            match member {
                ReferenceOr::Reference { reference } => match component_ref(reference, "schemas") {
                    Some(component) if self.schema_names.contains_key(&component) => {
                        seen_members.insert(component.clone());
                        if let Some(target) = targets.iter_mut().find(|t| t.1 == component) {
                            target.2 = target.2.min(index);
                        } else {
                            // No mapping entry: the tag is the schema's name, as OpenAPI implies.
                            targets.push((component.clone(), component, index));
                        }
                    }
                    _ => self.diagnostics.push(one_of_at.index(index).key("$ref").as_str(), ref_problem(reference, "schemas")),
                },
                ReferenceOr::Item(_) => self.diagnostics.push(
                    one_of_at.index(index).as_str(),
                    "an inline schema in a `oneOf` with a discriminator has no name to map to; move it to `components/schemas` and `$ref` it",
                ),
            }
        }
        for (tag, component, _) in &targets {
            if !seen_members.contains(component) {
                self.diagnostics.push(
                    at.key("discriminator").key("mapping").key(tag).as_str(),
                    format!("the mapping points to `{component}`, which is not one of the `oneOf` members; add it to `oneOf`"),
                );
            }
        }
        let mut variant_scope = Scope::with_reserved(&["Unknown"]);
        let variants = targets
            .into_iter()
            .map(|(tag, component, _)| TaggedVariant {
                variant: variant_scope.claim(&names::variant_name(&tag)),
                type_name: self.schema_names[&component].clone(),
                tag,
                boxed: false,
            })
            .collect();
        TypeKind::TaggedUnion(TaggedUnion { property: discriminator.property_name.clone(), variants })
    }

    /// `allOf` of objects: one struct with every member's properties.
    fn merge_all_of(&mut self, name: &str, members: &[ReferenceOr<Schema>], at: &Pointer) -> TypeKind {
        let mut properties: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional = None;
        for (index, member) in members.iter().enumerate() {
            let member_at = at.key("allOf").index(index);
            let schema = match member {
                ReferenceOr::Item(schema) => schema.clone(),
                ReferenceOr::Reference { reference } => {
                    match component_ref(reference, "schemas").and_then(|n| self.schemas.get(&n).cloned()) {
                        Some(ReferenceOr::Item(schema)) => schema,
                        _ => {
                            self.diagnostics
                                .push(member_at.key("$ref").as_str(), ref_problem(reference, "schemas"));
                            continue;
                        }
                    }
                }
            };
            let (member_properties, member_required, member_additional) = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    (&object.properties, &object.required, object.additional_properties.as_ref())
                }
                SchemaKind::Any(any) if any.one_of.is_empty() && any.all_of.is_empty() => {
                    (&any.properties, &any.required, any.additional_properties.as_ref())
                }
                _ => {
                    self.diagnostics.push(
                        member_at.as_str(),
                        "only objects can be merged by `allOf`; this member is not an object",
                    );
                    continue;
                }
            };
            for (property, property_schema) in member_properties {
                if let Some(existing) = properties.get(property) {
                    if existing != property_schema {
                        self.diagnostics.push(
                            member_at.key("properties").key(property).as_str(),
                            format!("`{property}` is defined differently by two `allOf` members; make the definitions agree"),
                        );
                    }
                    continue;
                }
                properties.insert(property.clone(), property_schema.clone());
            }
            required.extend(member_required.iter().cloned());
            additional = additional.or(member_additional.cloned());
        }
        required.sort();
        required.dedup();
        TypeKind::Struct(self.structure(name, &properties, &required, additional.as_ref(), at))
    }

    fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Every discriminated union's variant must carry the discriminator with the mapped value.
    fn check_unions(&mut self) {
        let mut problems = Vec::new();
        for def in &self.types {
            let TypeKind::TaggedUnion(union) = &def.kind else {
                continue;
            };
            for variant in &union.variants {
                let Some(target) = self.find_type(&variant.type_name) else {
                    continue;
                };
                let message = match &target.kind {
                    TypeKind::Struct(structure) => match &structure.tag {
                        Some((property, value)) if *property == union.property && *value != variant.tag => Some(format!(
                            "the mapping sends `{}` to `{}`, whose `{property}` is always `{value}`; make the mapping key and the enum value agree",
                            variant.tag, target.name
                        )),
                        Some((property, _)) if *property == union.property => None,
                        _ if structure.fields.iter().any(|f| f.wire_name == union.property && f.required) => None,
                        _ => Some(format!(
                            "variant `{}` must have a required `{}` property (the discriminator)",
                            target.name, union.property
                        )),
                    },
                    _ => Some(format!("variant `{}` is not an object; a discriminated `oneOf` needs object members", target.name)),
                };
                if let Some(message) = message {
                    problems.push((format!("{}/discriminator", def.pointer), message));
                }
            }
        }
        for (pointer, message) in problems {
            self.diagnostics.push(pointer, message);
        }
    }

    /// Marks as boxed every by-value edge inside a cycle of types, so every type has a finite size.
    fn break_cycles(&mut self) {
        let index: HashMap<String, usize> =
            self.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|def| {
                by_value_targets(&def.kind).iter().filter_map(|name| index.get(*name).copied()).collect()
            })
            .collect();
        let component = strongly_connected(&edges);
        let cyclic = |from: usize, name: &str| -> bool {
            index.get(name).is_some_and(|&to| {
                component[to] == component[from] && (to != from || edges[from].contains(&from))
            })
        };
        let mut alias_cycles = Vec::new();
        for (position, def) in self.types.iter_mut().enumerate() {
            match &mut def.kind {
                TypeKind::Struct(structure) => {
                    for field in &mut structure.fields {
                        if let TypeRef::Named(name) = &field.ty {
                            field.boxed = cyclic(position, name);
                        }
                    }
                }
                TypeKind::TaggedUnion(union) => {
                    for variant in &mut union.variants {
                        variant.boxed = cyclic(position, &variant.type_name);
                    }
                }
                TypeKind::UntaggedUnion(variants) => {
                    for variant in variants {
                        if let TypeRef::Named(name) = &variant.ty {
                            variant.boxed = cyclic(position, name);
                        }
                    }
                }
                TypeKind::Alias(TypeRef::Named(name)) if cyclic(position, name) => {
                    alias_cycles.push(def.pointer.clone());
                }
                TypeKind::Alias(_) | TypeKind::Enum(_) => {}
            }
        }
        for pointer in alias_cycles {
            self.diagnostics.push(
                pointer,
                "this schema is only a `$ref` chain that leads back to itself; give it a real type",
            );
        }
    }

    /// Which structs can implement `Default`: every field optional or of a type with a default.
    fn compute_defaults(&mut self) {
        let mut defaults: HashMap<String, bool> = self
            .types
            .iter()
            .map(|t| (t.name.clone(), matches!(t.kind, TypeKind::Struct(_) | TypeKind::Alias(_))))
            .collect();
        loop {
            let mut changed = false;
            for def in &self.types {
                let has = match &def.kind {
                    TypeKind::Struct(structure) => structure.fields.iter().all(|field| {
                        !field.required
                            || field.nullable
                            || field.constant.is_some()
                            || type_has_default(&field.ty, &defaults)
                    }),
                    TypeKind::Alias(ty) => type_has_default(ty, &defaults),
                    _ => false,
                };
                if defaults[&def.name] && !has {
                    defaults.insert(def.name.clone(), false);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for def in &mut self.types {
            if let TypeKind::Struct(structure) = &mut def.kind {
                structure.has_default = defaults[&def.name];
            }
        }
    }

    fn operations(&mut self) -> Vec<Operation> {
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

    /// The struct a JSON success response decodes into, if it is one.
    fn success_struct(&self, op: &Operation) -> Option<&Struct> {
        let BodyKind::Json(TypeRef::Named(name)) = &op.success else { return None };
        match &self.find_type(name)?.kind {
            TypeKind::Struct(structure) => Some(structure),
            _ => None,
        }
    }

    /// A response property by wire name: `(rust name, type, optional)`.
    fn response_field(
        &mut self,
        op: &Operation,
        wire: &str,
        at: &Pointer,
    ) -> Option<(String, TypeRef, bool)> {
        let Some(structure) = self.success_struct(op) else {
            self.diagnostics.push(at.as_str(), "needs an operation whose success response is a JSON object");
            return None;
        };
        match structure.fields.iter().find(|field| field.wire_name == wire) {
            Some(field) => {
                Some((field.rust_name.clone(), field.ty.clone(), !field.required || field.nullable))
            }
            None => {
                self.diagnostics.push(at.as_str(), format!("the success response has no property `{wire}`"));
                None
            }
        }
    }

    fn is_string_like(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String => true,
            TypeRef::Named(name) => {
                self.find_type(name).is_some_and(|def| matches!(def.kind, TypeKind::Enum(_)))
            }
            _ => false,
        }
    }

    /// Resolves an operation's `x-` extensions against its parameters and response type.
    fn link_extensions(
        &mut self,
        operations: &mut [Operation],
        index: usize,
        extensions: extensions::OperationExtensions,
    ) {
        let op = operations[index].clone();
        let at = Pointer::from_fragment(&op.pointer);
        if let Some(pagination) = extensions.pagination {
            let at = at.key("x-pagination");
            operations[index].pagination = self.pagination(&op, &pagination, &at);
        }
        for (name, waiter) in extensions.waiters {
            let waiter_at = at.key("x-waiters").key(&name);
            let Some((field, ty, field_optional)) =
                self.response_field(&op, &waiter.field, &waiter_at.key("field"))
            else {
                continue;
            };
            if !self.is_string_like(&ty) || waiter.until.is_empty() {
                self.diagnostics.push(
                    waiter_at.as_str(),
                    "a waiter watches a string or string-enum property and needs at least one `until` value",
                );
                continue;
            }
            let method = format!("wait_until_{}", names::value_name(&name).trim_start_matches("r#"));
            operations[index].waiters.push(Waiter {
                method_name: self.method_scope.claim(&method),
                builder_method: method.clone(),
                builder_name: self.type_scope.claim(&names::type_name(&method)),
                field,
                wire_field: waiter.field.clone(),
                field_optional,
                until: waiter.until,
            });
        }
        if let Some(url_from) = extensions.url_from {
            let at = at.key("x-url-from");
            operations[index].url_from = self.url_from(&op, operations, &url_from, &at);
        }
    }

    fn pagination(
        &mut self,
        op: &Operation,
        ext: &extensions::PaginationExt,
        at: &Pointer,
    ) -> Option<Pagination> {
        let (items_field, items_ty, _) = self.response_field(op, &ext.items, &at.key("items"))?;
        let TypeRef::Array(item_type) = items_ty else {
            self.diagnostics.push(at.key("items").as_str(), format!("`{}` must be an array", ext.items));
            return None;
        };
        let has_more_field = match &ext.has_more {
            Some(wire) => {
                let (field, ty, optional) = self.response_field(op, wire, &at.key("has-more"))?;
                if ty != TypeRef::Bool || optional {
                    self.diagnostics
                        .push(at.key("has-more").as_str(), format!("`{wire}` must be a required boolean"));
                    return None;
                }
                Some(field)
            }
            None => None,
        };
        let mut cursor = |direction: &Option<extensions::CursorExt>, key: &str| -> Option<Option<Cursor>> {
            let Some(direction) = direction else { return Some(None) };
            let cursor_at = at.key(key);
            let (field, ty, field_optional) =
                self.response_field(op, &direction.cursor, &cursor_at.key("cursor"))?;
            let param = op
                .params
                .iter()
                .find(|p| p.wire_name == direction.parameter && p.location == ParamLocation::Query);
            match param {
                Some(param) if param.ty == TypeRef::String && !param.required && ty == TypeRef::String => {
                    Some(Some(Cursor { param: param.rust_name.clone(), field, field_optional }))
                }
                _ => {
                    self.diagnostics.push(
                        cursor_at.as_str(),
                        format!(
                            "`{}` must be an optional string query parameter and `{}` a string property of the response",
                            direction.parameter, direction.cursor
                        ),
                    );
                    None
                }
            }
        };
        let forward = cursor(&ext.forward, "forward")?;
        let backward = cursor(&ext.backward, "backward")?;
        if forward.is_none() && backward.is_none() {
            self.diagnostics.push(at.as_str(), "give at least one of `forward` and `backward`");
            return None;
        }
        Some(Pagination { items_field, item_type: *item_type, has_more_field, forward, backward })
    }

    fn url_from(
        &mut self,
        op: &Operation,
        operations: &[Operation],
        ext: &extensions::UrlFromExt,
        at: &Pointer,
    ) -> Option<UrlFrom> {
        let Some(source) = operations.iter().find(|candidate| candidate.operation_id == ext.operation) else {
            self.diagnostics.push(
                at.key("operation").as_str(),
                format!("no operation has the operationId `{}`", ext.operation),
            );
            return None;
        };
        let (field, ty, field_optional) = self.response_field(source, &ext.field, &at.key("field"))?;
        if ty != TypeRef::String {
            self.diagnostics
                .push(at.key("field").as_str(), format!("`{}` must be a string property", ext.field));
            return None;
        }
        if source.error != op.error {
            self.diagnostics.push(at.as_str(), "both operations must have the same error body type");
            return None;
        }
        let mut arguments = Vec::new();
        for param in source
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path || (p.required && p.default.is_none()))
        {
            match op.params.iter().find(|own| own.wire_name == param.wire_name && own.ty == param.ty) {
                Some(own) => arguments.push(own.rust_name.clone()),
                None => {
                    self.diagnostics.push(
                        at.as_str(),
                        format!(
                            "`{}` needs the parameter `{}`, which this operation does not have",
                            ext.operation, param.wire_name
                        ),
                    );
                    return None;
                }
            }
        }
        let shared_setters = source
            .params
            .iter()
            .filter(|p| p.location != ParamLocation::Path && !(p.required && p.default.is_none()))
            .filter(|p| {
                op.params.iter().any(|own| {
                    own.wire_name == p.wire_name
                        && own.location == p.location
                        && own.ty == p.ty
                        && own.rust_name == p.rust_name
                })
            })
            .map(|p| p.rust_name.clone())
            .collect();
        Some(UrlFrom {
            method_name: source.method_name.clone(),
            operation_id: source.operation_id.clone(),
            arguments,
            shared_setters,
            field,
            wire_field: ext.field.clone(),
            field_optional,
        })
    }

    fn resolve_parameter<'p>(
        &mut self,
        parameter: &'p ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Option<(&'p Parameter, Pointer)>
    where
        'a: 'p,
    {
        match parameter {
            ReferenceOr::Item(parameter) => Some((parameter, at.clone())),
            ReferenceOr::Reference { reference } => {
                let document = self.document;
                let found = component_ref(reference, "parameters").and_then(|name| {
                    let components = document.components.as_ref()?;
                    match components.parameters.get(&name)? {
                        ReferenceOr::Item(parameter) => {
                            Some((parameter, Pointer::root().key("components").key("parameters").key(&name)))
                        }
                        ReferenceOr::Reference { .. } => None,
                    }
                });
                if found.is_none() {
                    self.diagnostics.push(at.key("$ref").as_str(), ref_problem(reference, "parameters"));
                }
                found
            }
        }
    }

    fn params(
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
            let (location, default_explode) = match parameter {
                Parameter::Path { .. } => (ParamLocation::Path, false),
                Parameter::Query { .. } => (ParamLocation::Query, true),
                Parameter::Header { .. } => (ParamLocation::Header, false),
                Parameter::Cookie { .. } => {
                    self.diagnostics
                        .push(pointer.key("in").as_str(), "cookie parameters are not supported yet");
                    continue;
                }
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
                ParameterSchemaOrContent::Content(_) => {
                    self.diagnostics.push(
                        pointer.key("content").as_str(),
                        "parameters described by `content` are not supported yet; use `schema`",
                    );
                    continue;
                }
            };
            if matches!(ty, TypeRef::Named(_) | TypeRef::Array(_)) && !is_simple_param(&ty, &self.types) {
                self.diagnostics.push(
                    pointer.key("schema").as_str(),
                    "only strings, numbers, booleans, string enums and arrays of those can be parameters",
                );
                continue;
            }
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
                docs,
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        params
    }

    fn segments(&mut self, path: &str, params: &[Param], at: &Pointer) -> Vec<PathSegment> {
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

    fn request_body(
        &mut self,
        body: &ReferenceOr<SpecRequestBody>,
        at: &Pointer,
        builder: &str,
    ) -> Option<RequestBody> {
        let (body, at) = match body {
            ReferenceOr::Item(body) => (body, at.clone()),
            ReferenceOr::Reference { reference } => {
                let document = self.document;
                let found = component_ref(reference, "requestBodies").and_then(|name| {
                    match document.components.as_ref()?.request_bodies.get(&name)? {
                        ReferenceOr::Item(body) => {
                            Some((body, Pointer::root().key("components").key("requestBodies").key(&name)))
                        }
                        ReferenceOr::Reference { .. } => None,
                    }
                });
                match found {
                    Some(found) => found,
                    None => {
                        self.diagnostics
                            .push(at.key("$ref").as_str(), ref_problem(reference, "requestBodies"));
                        return None;
                    }
                }
            }
        };
        let Some((media_type, content)) = body.content.iter().find(|(media, _)| is_json(media)) else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.diagnostics.push(
                at.key("content").as_str(),
                format!(
                    "request bodies must be JSON for now (found {}); add an `application/json` entry",
                    found.join(", ")
                ),
            );
            return None;
        };
        let content_at = at.key("content").key(media_type);
        let ty = match &content.schema {
            Some(schema) => self.lower(schema.into(), &content_at.key("schema"), &format!("{builder}Body")).0,
            None => TypeRef::Json,
        };
        if !body.required {
            self.diagnostics.push(
                at.key("required").as_str(),
                "optional request bodies are not supported yet; mark the body `required: true`",
            );
        }
        Some(RequestBody { media_type: media_type.clone(), ty, docs: body.description.clone() })
    }

    fn resolve_response<'r>(
        &mut self,
        response: &'r ReferenceOr<Response>,
        at: &Pointer,
    ) -> Option<(&'r Response, Pointer)>
    where
        'a: 'r,
    {
        match response {
            ReferenceOr::Item(response) => Some((response, at.clone())),
            ReferenceOr::Reference { reference } => {
                let document = self.document;
                let found = component_ref(reference, "responses").and_then(|name| {
                    match document.components.as_ref()?.responses.get(&name)? {
                        ReferenceOr::Item(response) => {
                            Some((response, Pointer::root().key("components").key("responses").key(&name)))
                        }
                        ReferenceOr::Reference { .. } => None,
                    }
                });
                if found.is_none() {
                    self.diagnostics.push(at.key("$ref").as_str(), ref_problem(reference, "responses"));
                }
                found
            }
        }
    }

    fn success(
        &mut self,
        responses: &'a openapiv3::Responses,
        at: &Pointer,
        builder: &str,
    ) -> (BodyKind, Vec<String>) {
        let success = responses.responses.iter().find(|(status, _)| match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        });
        let Some((status, response)) = success else {
            return (BodyKind::Empty, Vec::new());
        };
        let Some((response, response_at)) = self.resolve_response(response, &at.key(&status.to_string()))
        else {
            return (BodyKind::Empty, Vec::new());
        };
        if response.content.is_empty() {
            return (BodyKind::Empty, Vec::new());
        }
        let accept: Vec<String> = response.content.keys().cloned().collect();
        let hint = format!("{builder}Response");
        if let Some((media, content)) = response.content.iter().find(|(media, _)| is_json(media)) {
            let ty = match &content.schema {
                Some(schema) => {
                    self.lower(schema.into(), &response_at.key("content").key(media).key("schema"), &hint).0
                }
                None => TypeRef::Json,
            };
            return (BodyKind::Json(ty), accept);
        }
        if let Some((media, content)) = response.content.iter().find(|(media, _)| is_json_lines(media)) {
            let ty = match &content.schema {
                Some(schema) => {
                    self.lower(
                        schema.into(),
                        &response_at.key("content").key(media).key("schema"),
                        &format!("{hint}Item"),
                    )
                    .0
                }
                None => TypeRef::Json,
            };
            return (BodyKind::JsonLines(ty), accept);
        }
        self.diagnostics.push(
            response_at.key("content").as_str(),
            format!(
                "response media types {} are not supported yet; JSON and JSON Lines are",
                accept.join(", ")
            ),
        );
        (BodyKind::Empty, accept)
    }

    fn error_type(
        &mut self,
        responses: &'a openapiv3::Responses,
        at: &Pointer,
        builder: &str,
    ) -> Option<TypeRef> {
        let mut found: Vec<(TypeRef, Pointer)> = Vec::new();
        let errors = responses
            .responses
            .iter()
            .filter(|(status, _)| match status {
                StatusCode::Code(code) => *code >= 400,
                StatusCode::Range(range) => *range >= 4,
            })
            .map(|(status, response)| (status.to_string(), response))
            .chain(responses.default.iter().map(|response| ("default".to_owned(), response)));
        for (status, response) in errors {
            let Some((response, response_at)) = self.resolve_response(response, &at.key(&status)) else {
                continue;
            };
            let Some((media, content)) = response.content.iter().find(|(media, _)| is_json(media)) else {
                continue;
            };
            let Some(schema) = &content.schema else {
                continue;
            };
            let schema_at = response_at.key("content").key(media).key("schema");
            let (ty, _) = self.lower(schema.into(), &schema_at, &format!("{builder}Error"));
            if !found.iter().any(|(existing, _)| *existing == ty) {
                found.push((ty, schema_at));
            }
        }
        if found.len() > 1 {
            self.diagnostics.push(
                found[1].1.as_str(),
                "error responses of one operation with different body types are not supported yet; use one error schema",
            );
        }
        found.into_iter().next().map(|(ty, _)| ty)
    }

    fn auth(&mut self) -> Vec<AuthScheme> {
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
fn shared_params(operations: &[Operation]) -> Vec<Param> {
    let Some((first, rest)) = operations.split_first() else {
        return Vec::new();
    };
    if rest.is_empty() {
        return Vec::new();
    }
    first
        .params
        .iter()
        .filter(|param| param.location != ParamLocation::Path)
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

fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        _ => TypeRef::String,
    }
}

fn primitive_variant(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::DateTime => "DateTime",
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::F64 => "Number",
        TypeRef::Bool => "Boolean",
        TypeRef::Array(_) => "Array",
        TypeRef::Map(_) => "Map",
        TypeRef::Json => "Json",
        TypeRef::JsonObject => "Object",
        TypeRef::Named(_) => "Value",
    }
}

fn enum_values<'s>(values: impl Iterator<Item = &'s String>) -> Vec<EnumValue> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .filter(|value| seen.insert((*value).clone()))
        .map(|value| EnumValue { wire: value.clone(), variant: scope.claim(&names::variant_name(value)) })
        .collect()
}

/// A string schema with exactly one allowed value: a constant.
fn constant_of(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let values: Vec<&String> = string.enumeration.iter().flatten().collect();
            (values.len() == 1).then(|| values[0].clone())
        }
        _ => None,
    }
}

fn docs_of(schema: &Schema) -> Option<String> {
    match (&schema.schema_data.title, &schema.schema_data.description) {
        (Some(title), Some(description)) => Some(format!("{title}\n\n{description}")),
        (title, description) => description.clone().or_else(|| title.clone()),
    }
}

fn field_docs(schema: &Schema) -> Option<String> {
    join_docs(docs_of(schema), constraint_docs(schema))
}

fn join_docs(docs: Option<String>, extra: Option<String>) -> Option<String> {
    match (docs, extra) {
        (Some(docs), Some(extra)) => Some(format!("{}\n\n{extra}", docs.trim_end())),
        (docs, extra) => docs.or(extra),
    }
}

/// Constraints and default, as a doc line a user reads before sending a value.
fn constraint_docs(schema: &Schema) -> Option<String> {
    let mut parts = Vec::new();
    let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max}{unit}")),
        (Some(min), None) => Some(format!("at least {min}{unit}")),
        (None, Some(max)) => Some(format!("at most {max}{unit}")),
        (None, None) => None,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => {
            parts.extend(range(
                integer.minimum.map(|v| v.to_string()),
                integer.maximum.map(|v| v.to_string()),
                "",
            ));
        }
        SchemaKind::Type(Type::Number(number)) => {
            parts.extend(range(
                number.minimum.map(|v| v.to_string()),
                number.maximum.map(|v| v.to_string()),
                "",
            ));
        }
        SchemaKind::Type(Type::String(string)) => {
            parts.extend(range(
                string.min_length.map(|v| v.to_string()),
                string.max_length.map(|v| v.to_string()),
                " characters",
            ));
            if let Some(pattern) = &string.pattern {
                parts.push(format!("matches `{pattern}`"));
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            parts.extend(range(
                array.min_items.map(|v| v.to_string()),
                array.max_items.map(|v| v.to_string()),
                " items",
            ));
        }
        _ => {}
    }
    if let Some(default) = &schema.schema_data.default {
        parts.push(format!("default {}", describe_default(default)));
    }
    (!parts.is_empty()).then(|| format!("Constraints: {}.", parts.join("; ")))
}

fn is_simple_param(ty: &TypeRef, types: &[TypeDef]) -> bool {
    match ty {
        TypeRef::Named(name) => types.iter().any(|t| t.name == *name && matches!(t.kind, TypeKind::Enum(_))),
        TypeRef::Array(item) => !matches!(item.as_ref(), TypeRef::Array(_)) && is_simple_param(item, types),
        TypeRef::Map(_) | TypeRef::Json | TypeRef::JsonObject => false,
        _ => true,
    }
}

fn type_has_default(ty: &TypeRef, defaults: &HashMap<String, bool>) -> bool {
    match ty {
        TypeRef::Named(name) => defaults.get(name).copied().unwrap_or(false),
        _ => true,
    }
}

/// Types a type holds by value (not behind `Vec` or a map), which a cycle must not pass through.
fn by_value_targets(kind: &TypeKind) -> Vec<&str> {
    match kind {
        TypeKind::Struct(structure) => structure
            .fields
            .iter()
            .filter_map(|f| match &f.ty {
                TypeRef::Named(name) => Some(name.as_str()),
                _ => None,
            })
            .collect(),
        TypeKind::TaggedUnion(union) => union.variants.iter().map(|v| v.type_name.as_str()).collect(),
        TypeKind::UntaggedUnion(variants) => variants
            .iter()
            .filter_map(|v| match &v.ty {
                TypeRef::Named(name) => Some(name.as_str()),
                _ => None,
            })
            .collect(),
        TypeKind::Alias(TypeRef::Named(name)) => vec![name.as_str()],
        TypeKind::Alias(_) | TypeKind::Enum(_) => Vec::new(),
    }
}

/// Tarjan's algorithm, iterative so that deep schemas cannot overflow the stack. Returns the
/// component id of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNVISITED; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..count {
        if index[start] != UNVISITED {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn cycles_share_a_component_and_chains_do_not() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 0 hangs off it; 4 points to itself.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let component = strongly_connected(&edges);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
        assert_ne!(component[4], component[0]);
    }
}

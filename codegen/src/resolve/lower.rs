//! Lowering: schemas and references → type references, and the named types (structs, enums,
//! aliases) that inline schemas define. Unions are handed to [`super::unions`]; `allOf` merges
//! are decided by [`super::all_of`] and rendered here. The schemas arrive already repaired by
//! [`crate::load`].
//!
//! A schema has one type wherever it is lowered from: a `$ref` to a place that is not a component
//! (`#/components/schemas/A/properties/b`) and an `allOf` that copies another schema's properties
//! both find the type defined for that place (by its pointer), or define it under the name it
//! has where it lives.

use super::all_of::{constant_of, ObjectSource};
use super::docs::{docs_of, field_docs};
use super::merge::nullable_inside;
use super::resolver::{component_ref, object_parts, Defined, Definition, Node, Resolver};
use super::tuples::is_tuple;
use crate::diagnostics::Pointer;
use crate::extensions;
use crate::model::*;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::BTreeSet;

impl<'a> Resolver<'a> {
    /// Defines a type for every component schema, under the name claimed for it up front.
    pub(super) fn define_components(&mut self) {
        let schemas = self.schemas;
        // A component merged by `allOf` allows null when a member does, as the merge does inline.
        for (name, schema) in schemas {
            let ReferenceOr::Item(schema) = schema else { continue };
            let merged = match &schema.schema_kind {
                SchemaKind::AllOf { .. } => true,
                SchemaKind::Any(any) => !any.all_of.is_empty() && any.one_of.is_empty(),
                _ => false,
            };
            let definition =
                Definition { node: Node::Inline(schema), at: Self::components_pointer(name), home: None };
            if merged && self.facts(&definition, &mut Vec::new()).nullable {
                self.nullable_components.insert(name.clone());
            }
        }
        for (name, schema) in schemas {
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
            self.push_type(TypeDef {
                name: rust,
                pointer: pointer.to_string(),
                docs,
                deprecated,
                kind,
                groups: Vec::new(),
            });
        }
    }

    /// A schema reference → the Rust type it names, and whether the target is nullable. A
    /// reference to a place that is not a component gets the type defined for that place, made
    /// once (named from where it lives) however many references lead there.
    pub(super) fn lower_ref(&mut self, reference: &str, at: &Pointer) -> (TypeRef, bool) {
        if let Some(name) = component_ref(reference, "schemas") {
            if let Some(rust) = self.schema_names.get(&name) {
                return (TypeRef::Named(rust.clone()), self.nullable_components.contains(&name));
            }
        }
        let target = match self.locate(reference) {
            Ok(target) => target,
            Err(miss) => {
                self.diagnostics.push(at.key("$ref").as_str(), miss.message(reference, "schema"));
                return (TypeRef::Json, false);
            }
        };
        let key = target.pointer.to_string();
        // The same component, written another way (`%20`, `~1`).
        if let Some(component) = key.strip_prefix("/components/schemas/").filter(|name| !name.contains('/')) {
            let component = component.replace("~1", "/").replace("~0", "~");
            if let Some(rust) = self.schema_names.get(&component) {
                return (TypeRef::Named(rust.clone()), self.nullable_components.contains(&component));
            }
        }
        let nullable = self
            .facts(&Definition { node: target.node, at: target.pointer.clone(), home: None }, &mut Vec::new())
            .nullable;
        if let Some(defined) = self.defined.get(&key) {
            return (TypeRef::Named(defined.name.clone()), nullable);
        }
        match target.node {
            Node::Ref(next) => {
                if self.following.contains(&key) {
                    self.diagnostics.push(
                        at.key("$ref").as_str(),
                        format!("`$ref: {reference}` starts a chain of `$ref`s that leads back to itself; refer to a schema that is written out"),
                    );
                    return (TypeRef::Json, false);
                }
                self.following.push(key);
                let found = self.lower_ref(next, &target.pointer);
                self.following.pop();
                found
            }
            Node::Inline(schema) => {
                // A type of its own, like a component's, so that its docs come along; the types
                // it defines are shared with the place it lives.
                self.away += 1;
                let ty = self.define_inline(&target.hint, schema, &target.pointer);
                self.away -= 1;
                (ty, nullable)
            }
        }
    }

    /// A definition → a type reference: lowered where it is, named `hint`, or, when it lives
    /// elsewhere, under the name it has there (finding the type already made for it).
    pub(super) fn lower_definition<'n>(&mut self, definition: &Definition<'n>, hint: &str) -> (TypeRef, bool)
    where
        'a: 'n,
    {
        match &definition.home {
            Some(home) => {
                self.away += 1;
                let found = self.lower(definition.node, &definition.at, home);
                self.away -= 1;
                found
            }
            None => self.lower(definition.node, &definition.at, hint),
        }
    }

    /// Any schema position → a type reference, defining a named type for inline objects, enums and
    /// unions (named `hint`). Returns whether `null` is allowed.
    pub(super) fn lower<'n>(&mut self, node: Node<'n>, at: &Pointer, hint: &str) -> (TypeRef, bool)
    where
        'a: 'n,
    {
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
            SchemaKind::Type(Type::Integer(integer))
                if integer.enumeration.iter().flatten().next().is_some() =>
            {
                self.define_inline(hint, schema, at)
            }
            SchemaKind::Type(Type::Integer(integer)) => integer_type(&integer.format),
            SchemaKind::Type(Type::Number(number)) => match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(_)) if is_tuple(schema) => self.define_inline(hint, schema, at),
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.lower(items.into(), &at.key("items"), &format!("{hint}Item"));
                    TypeRef::Array(Box::new(nullable_inside(item)))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                self.free_form(object.additional_properties.as_ref(), at, hint)
            }
            SchemaKind::Type(Type::Object(_)) => self.define_inline(hint, schema, at),
            SchemaKind::OneOf { .. } => self.define_inline(hint, schema, at),
            SchemaKind::AllOf { all_of } if all_of.is_empty() => {
                self.diagnostics.push(
                    at.key("allOf").as_str(),
                    "an empty `allOf` says nothing; remove it or list the schemas to combine",
                );
                TypeRef::Json
            }
            SchemaKind::AllOf { .. } => return self.lower_all_of(schema, at, hint),
            SchemaKind::AnyOf { any_of } if any_of.is_empty() => {
                self.diagnostics.push(
                    at.key("anyOf").as_str(),
                    "an empty `anyOf` allows no value; remove it or list the alternatives",
                );
                TypeRef::Json
            }
            SchemaKind::AnyOf { .. } => self.define_inline(hint, schema, at),
            SchemaKind::Not { .. } => {
                self.diagnostics
                    .push(at.key("not").as_str(), "`not` cannot be expressed as a Rust type; remove it");
                TypeRef::Json
            }
            SchemaKind::Any(any) if !any.all_of.is_empty() && any.one_of.is_empty() => {
                return self.lower_all_of(schema, at, hint)
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty()
                    || !any.one_of.is_empty()
                    || !any.all_of.is_empty()
                    || !any.any_of.is_empty()
                {
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
    pub(super) fn free_form<'n>(
        &mut self,
        additional: Option<&'n AdditionalProperties>,
        at: &Pointer,
        hint: &str,
    ) -> TypeRef
    where
        'a: 'n,
    {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.lower(
                    schema.as_ref().into(),
                    &at.key("additionalProperties"),
                    &format!("{hint}Value"),
                );
                TypeRef::Map(Box::new(nullable_inside(value)))
            }
            _ => TypeRef::JsonObject,
        }
    }

    /// Defines a named type (named after `hint`) for an inline schema, and refers to it; or refers
    /// to the type already defined for this place, when it is shared or still being defined.
    pub(super) fn define_inline<'n>(&mut self, hint: &str, schema: &'n Schema, at: &Pointer) -> TypeRef
    where
        'a: 'n,
    {
        if let Some(defined) = self.defined.get(at.as_str()) {
            if defined.shared || !defined.done || self.away > 0 {
                return TypeRef::Named(defined.name.clone());
            }
        }
        let shared = self.away > 0;
        let docs = docs_of(schema);
        let deprecated = schema.schema_data.deprecated;
        self.define_keyed(at.to_string(), hint, shared, |resolver, name| TypeDef {
            name: name.to_owned(),
            pointer: at.to_string(),
            docs,
            deprecated,
            kind: resolver.shape(name, schema, at),
            groups: Vec::new(),
        })
    }

    /// Defines a type named after `hint` for what is at `key` (a pointer, or the pointers of the
    /// definitions a merge combines), recorded there (unless a type is already) so that what is
    /// being defined can refer to itself; `make` builds it under the name it got.
    pub(super) fn define_keyed(
        &mut self,
        key: String,
        hint: &str,
        shared: bool,
        make: impl FnOnce(&mut Self, &str) -> TypeDef,
    ) -> TypeRef {
        // Types nest as deep as the document does; past this, something refers to itself in a
        // way the rules above did not foresee, and a diagnostic beats a stack overflow.
        const MAX_NESTING: usize = 200;
        if self.nesting >= MAX_NESTING {
            let at = key.split(" & ").last().unwrap_or_default().to_owned();
            self.diagnostics.push(at, "schemas nest more than 200 levels deep here (or refer back to themselves through `allOf`); flatten them with `$ref`s");
            return TypeRef::Json;
        }
        self.nesting += 1;
        let name = self.type_scope.claim(&names::type_name(hint));
        let first = !self.defined.contains_key(&key);
        if first {
            self.defined.insert(key.clone(), Defined { name: name.clone(), shared, done: false });
        }
        let def = make(self, &name);
        self.push_type(def);
        if let Some(defined) = self.defined.get_mut(&key).filter(|_| first) {
            defined.done = true;
        }
        self.nesting -= 1;
        TypeRef::Named(name)
    }

    /// The shape of a named type.
    pub(super) fn shape<'n>(&mut self, name: &str, schema: &'n Schema, at: &Pointer) -> TypeKind
    where
        'a: 'n,
    {
        if let Some(tuple) = self.tuple(name, schema, at) {
            return tuple;
        }
        if let Some(parts) = object_parts(&schema.schema_kind).filter(|object| !object.properties.is_empty())
        {
            let source = ObjectSource { parts, at: at.clone(), home: None };
            return TypeKind::Struct(self.structure(name, &[source]));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string))
                if string.enumeration.iter().flatten().next().is_some() =>
            {
                TypeKind::Enum(enum_values(string.enumeration.iter().flatten()))
            }
            SchemaKind::Type(Type::Integer(integer))
                if integer.enumeration.iter().flatten().next().is_some() =>
            {
                let extensions = &schema.schema_data.extensions;
                let names = extensions::enum_varnames(
                    extensions,
                    integer.enumeration.len(),
                    at,
                    &mut self.diagnostics,
                );
                TypeKind::IntEnum(int_enum_values(&integer.enumeration, names.as_deref()))
            }
            SchemaKind::OneOf { one_of } => self.union(name, one_of, "oneOf", schema, at),
            // `anyOf` decodes like an undiscriminated `oneOf`: the first member that matches wins,
            // which is all a value of a Rust type can be.
            SchemaKind::AnyOf { any_of } => self.union(name, any_of, "anyOf", schema, at),
            SchemaKind::Any(any) if !any.one_of.is_empty() => {
                self.union(name, &any.one_of, "oneOf", schema, at)
            }
            SchemaKind::Any(any) if !any.any_of.is_empty() && any.properties.is_empty() => {
                self.union(name, &any.any_of, "anyOf", schema, at)
            }
            SchemaKind::AllOf { all_of } if !all_of.is_empty() => self.shape_all_of(name, schema, at),
            SchemaKind::Any(any) if !any.all_of.is_empty() => self.shape_all_of(name, schema, at),
            _ => {
                // Arrays, primitives and free-form objects: the type is another.
                let (ty, _) = self.lower(Node::Inline(schema), at, name);
                TypeKind::Alias(ty)
            }
        }
    }

    /// A struct of the properties of these object definitions (one, or the members of an `allOf`).
    /// A required property with one constant value becomes the serde tag (a discriminator
    /// property first); the others become fields.
    pub(super) fn structure<'n>(&mut self, name: &str, sources: &[ObjectSource<'n>]) -> Struct
    where
        'a: 'n,
    {
        let mut properties: IndexMap<&String, Vec<Definition<'_>>> = IndexMap::new();
        let mut required: Vec<&String> = Vec::new();
        for source in sources {
            for (property, schema) in source.parts.properties {
                properties.entry(property).or_default().push(Definition {
                    node: schema.into(),
                    at: source.at.key("properties").key(property),
                    home: source.home.as_ref().map(|home| format!("{home}{}", names::type_name(property))),
                });
            }
            required.extend(source.parts.required);
        }
        let is_required = |property: &String| required.contains(&property);
        let inline = |definitions: &[Definition<'n>]| -> Vec<&'n Schema> {
            definitions
                .iter()
                .filter_map(|definition| match definition.node {
                    Node::Inline(schema) => Some(schema),
                    Node::Ref(_) => None,
                })
                .collect()
        };
        let constants: Vec<(&String, String)> = properties
            .iter()
            .filter(|(property, _)| is_required(property))
            .filter_map(|(property, definitions)| {
                inline(definitions).into_iter().rev().find_map(constant_of).map(|value| (*property, value))
            })
            .collect();
        let tag = constants
            .iter()
            .find(|(property, _)| self.discriminator_properties.contains(*property))
            .or_else(|| constants.first())
            .map(|(property, value)| ((*property).clone(), value.clone()));

        let mut field_scope = Scope::default();
        let mut fields = Vec::new();
        for (property, definitions) in &properties {
            if tag.as_ref().is_some_and(|(tag_property, _)| tag_property == *property) {
                continue;
            }
            let hint = format!("{name}{}", names::type_name(property));
            let schemas = inline(definitions);
            // A read-only property is absent from requests and a write-only one from responses,
            // so the one struct serving both directions cannot require either.
            let one_direction = schemas.iter().any(|s| s.schema_data.read_only || s.schema_data.write_only);
            let constant = constants.iter().find(|(p, _)| p == property).map(|(_, value)| value.clone());
            let (ty, nullable) = match &constant {
                Some(_) => (TypeRef::String, false),
                None => self.lower_definitions(definitions, Some(property.as_str()), &hint),
            };
            fields.push(Field {
                wire_name: (*property).clone(),
                rust_name: field_scope.claim_value(property),
                ty,
                required: is_required(property) && !one_direction,
                nullable,
                constant,
                boxed: false,
                // The last description: a member that refines a property says what it means there.
                docs: schemas.iter().rev().find_map(|schema| field_docs(schema)),
                deprecated: schemas.iter().any(|s| s.schema_data.deprecated),
                pointer: definitions.last().map(|definition| definition.at.to_string()).unwrap_or_default(),
            });
        }
        for source in sources {
            let listed: BTreeSet<&String> = source.parts.required.iter().collect();
            for missing in listed.into_iter().filter(|r| !properties.contains_key(r)) {
                self.diagnostics.warn(
                    source.at.key("required").as_str(),
                    format!("`{missing}` is listed as required but is not among the properties, so it is ignored; add it to `properties` or remove it from `required`"),
                );
            }
        }
        let additional = sources.iter().find_map(|source| Some((source.parts.additional?, source)));
        let extra_type = match additional {
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            Some((AdditionalProperties::Schema(schema), source)) => {
                let definition = Definition {
                    node: schema.as_ref().into(),
                    at: source.at.key("additionalProperties"),
                    home: source.home.as_ref().map(|home| format!("{home}Value")),
                };
                Some(nullable_inside(self.lower_definition(&definition, &format!("{name}Value"))))
            }
            _ => None,
        };
        let extra = extra_type.map(|ty| ExtraField { rust_name: field_scope.claim_value("extra"), ty });
        Struct { fields, tag, extra, has_default: false }
    }
}

/// The Rust type of a string schema, by its `format`: a timestamp, a date, a UUID, base64 bytes;
/// anything else is text. A `binary` string is text too: inside a JSON document it cannot hold
/// raw bytes, and the places where it travels as bytes (a multipart file part, an octet-stream
/// body) are typed where the body is read (see `bodies`).
fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64,
        VariantOrUnknownOrEmpty::Unknown(format) if format.eq_ignore_ascii_case("uuid") => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

/// The Rust type of an integer schema, by its `format`: sized and unsigned formats as named,
/// anything else `i64` (unsignedness is never guessed from `minimum`).
fn integer_type(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Unknown(format) => match format.to_ascii_lowercase().as_str() {
            "int8" => TypeRef::I8,
            "int16" => TypeRef::I16,
            "int32" => TypeRef::I32,
            "uint8" => TypeRef::U8,
            "uint16" => TypeRef::U16,
            "uint32" => TypeRef::U32,
            "uint64" | "uint" => TypeRef::U64,
            _ => TypeRef::I64,
        },
        _ => TypeRef::I64,
    }
}

/// The values of an open integer enum (`null` left out), each once, named by `given` (the
/// `enum`'s `x-enum-varnames`, position by position) or else `V1`, `V2`, `Minus1`… (`Unknown`
/// stays free for the values it does not list).
fn int_enum_values(values: &[Option<i64>], given: Option<&[String]>) -> Vec<IntEnumValue> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .iter()
        .enumerate()
        .filter_map(|(at, value)| Some((at, (*value)?)))
        .filter(|(_, value)| seen.insert(*value))
        .map(|(at, value)| {
            let spelled = match given.and_then(|names| names.get(at)).filter(|name| !name.trim().is_empty()) {
                Some(name) => name.clone(),
                None if value < 0 => format!("minus {}", value.unsigned_abs()),
                None => value.to_string(),
            };
            IntEnumValue { wire: value, variant: scope.claim(&names::variant_name(&spelled)) }
        })
        .collect()
}

/// The values of an open string enum, each once, with a variant name (`Unknown` stays free for
/// the values it does not list).
fn enum_values<'s>(values: impl Iterator<Item = &'s String>) -> Vec<EnumValue> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .filter(|value| seen.insert((*value).clone()))
        .map(|value| EnumValue { wire: value.clone(), variant: scope.claim(&names::variant_name(value)) })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::model::{TypeKind, TypeRef};

    fn field_types(properties: &str) -> Vec<TypeRef> {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    \
             Thing: {{type: object, properties: {{{properties}}}}}\n"
        );
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        let Some(TypeKind::Struct(thing)) = api.type_def("Thing").map(|def| &def.kind) else {
            panic!("Thing is a struct")
        };
        thing.fields.iter().map(|field| field.ty.clone()).collect()
    }

    #[test]
    fn string_formats_give_dates_uuids_and_base64_bytes() {
        let found = field_types(
            "a: {type: string, format: date}, b: {type: string, format: uuid}, c: {type: string, format: byte}, \
             d: {type: string, format: binary}, e: {type: string, format: date-time}, f: {type: string, format: email}",
        );
        use TypeRef::*;
        assert_eq!(found, [Date, Uuid, Base64, String, DateTime, String]);
    }

    #[test]
    fn integer_formats_give_sized_integers_and_unsignedness_is_never_guessed() {
        let found = field_types(
            "a: {type: integer, format: int8}, b: {type: integer, format: int16}, c: {type: integer, format: int32}, \
             d: {type: integer, format: int64}, e: {type: integer, format: uint8}, f: {type: integer, format: uint16}, \
             g: {type: integer, format: uint32}, h: {type: integer, format: uint64}, i: {type: integer, format: uint}, \
             j: {type: integer, format: bignum}, k: {type: integer, minimum: 0}, l: {type: number, format: float}, \
             m: {type: number, format: double}, n: {type: number}",
        );
        use TypeRef::*;
        assert_eq!(found, [I8, I16, I32, I64, U8, U16, U32, U64, U64, I64, I64, F32, F64, F64]);
    }

    #[test]
    fn integer_enums_get_a_variant_per_value() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Level: {type: integer, enum: [1, 2, -1, 2]}\n";
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        let Some(TypeKind::IntEnum(values)) = api.type_def("Level").map(|def| &def.kind) else {
            panic!("Level is an integer enum")
        };
        let found: Vec<(i64, &str)> =
            values.iter().map(|value| (value.wire, value.variant.as_str())).collect();
        assert_eq!(found, [(1, "V1"), (2, "V2"), (-1, "Minus1")]);
    }

    #[test]
    fn integer_enums_take_the_names_x_enum_varnames_gives() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Level: {type: integer, enum: [1, 2, 3], x-enum-varnames: [low, high_level, '']}\n    \
                    Other: {type: integer, enum: [1, 2], x-enumNames: [one]}\n";
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        let variants = |name: &str| match api.type_def(name).map(|def| &def.kind) {
            Some(TypeKind::IntEnum(values)) => {
                values.iter().map(|value| value.variant.clone()).collect::<Vec<_>>()
            }
            other => panic!("{name} is not an integer enum: {other:?}"),
        };
        assert_eq!(variants("Level"), ["Low", "HighLevel", "V3"]);
        // One name for two values would name the wrong one: ignored, with a warning.
        assert_eq!(variants("Other"), ["V1", "V2"]);
        assert!(api
            .warnings
            .iter()
            .any(|warning| warning.pointer == "/components/schemas/Other/x-enumNames"));
    }
}

//! Lowering: schemas and references → type references, and the named types (structs, enums,
//! aliases) that inline schemas define. Unions and `allOf` merges are handed to [`super::unions`]
//! and [`super::all_of`]; the schemas arrive already repaired by [`crate::load`].

use super::all_of::{annotation_only, single_member};
use super::docs::{docs_of, field_docs};
use super::resolver::{component_ref, object_parts, ref_problem, Node, Resolver};
use super::tuples::is_tuple;
use crate::diagnostics::Pointer;
use crate::model::*;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::BTreeSet;

impl Resolver<'_> {
    /// Defines a type for every component schema, under the name claimed for it up front.
    pub(super) fn define_components(&mut self) {
        let schemas = self.schemas;
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
            self.push_type(TypeDef { name: rust, pointer: pointer.to_string(), docs, deprecated, kind });
        }
    }

    /// A schema reference → the Rust type it names, and whether the target is nullable.
    pub(super) fn lower_ref(&mut self, reference: &str, at: &Pointer) -> (TypeRef, bool) {
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
    pub(super) fn lower(&mut self, node: Node<'_>, at: &Pointer, hint: &str) -> (TypeRef, bool) {
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
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let (inner, inner_nullable) =
                    self.lower((&all_of[0]).into(), &at.key("allOf").index(0), hint);
                return (inner, nullable || inner_nullable);
            }
            SchemaKind::AllOf { all_of } if all_of.iter().all(annotation_only) => TypeRef::Json,
            SchemaKind::AllOf { all_of } => match single_member(all_of) {
                // `allOf: [$ref, {nullable/description…}]`: one type plus annotations, not a merge.
                Some((index, annotations_nullable)) => {
                    let (inner, inner_nullable) =
                        self.lower((&all_of[index]).into(), &at.key("allOf").index(index), hint);
                    return (inner, nullable || annotations_nullable || inner_nullable);
                }
                None => self.define_inline(hint, schema, at),
            },
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
    pub(super) fn free_form(
        &mut self,
        additional: Option<&AdditionalProperties>,
        at: &Pointer,
        hint: &str,
    ) -> TypeRef {
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

    /// Defines a named type (named after `hint`) for an inline schema, and refers to it.
    pub(super) fn define_inline(&mut self, hint: &str, schema: &Schema, at: &Pointer) -> TypeRef {
        // Inline types nest as deep as the document does; past this, something refers to itself
        // in a way the rules above did not foresee, and a diagnostic beats a stack overflow.
        const MAX_NESTING: usize = 200;
        if self.nesting >= MAX_NESTING {
            self.diagnostics.push(at.as_str(), "schemas nest more than 200 levels deep here (or refer back to themselves through `allOf`); flatten them with `$ref`s");
            return TypeRef::Json;
        }
        self.nesting += 1;
        let ty = self.define_inline_unguarded(hint, schema, at);
        self.nesting -= 1;
        ty
    }

    fn define_inline_unguarded(&mut self, hint: &str, schema: &Schema, at: &Pointer) -> TypeRef {
        let name = self.type_scope.claim(&names::type_name(hint));
        let kind = self.shape(&name, schema, at);
        self.push_type(TypeDef {
            name: name.clone(),
            pointer: at.to_string(),
            docs: docs_of(schema),
            deprecated: schema.schema_data.deprecated,
            kind,
        });
        TypeRef::Named(name)
    }

    /// The shape of a named type.
    pub(super) fn shape(&mut self, name: &str, schema: &Schema, at: &Pointer) -> TypeKind {
        if let Some(tuple) = self.tuple(name, schema, at) {
            return tuple;
        }
        if let Some(object) = object_parts(&schema.schema_kind).filter(|object| !object.properties.is_empty())
        {
            let structure = self.structure(name, object.properties, object.required, object.additional, at);
            return TypeKind::Struct(structure);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string))
                if string.enumeration.iter().flatten().next().is_some() =>
            {
                TypeKind::Enum(enum_values(string.enumeration.iter().flatten()))
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
            SchemaKind::AllOf { all_of } if all_of.len() > 1 && single_member(all_of).is_none() => {
                self.merge_all_of(name, all_of, at)
            }
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

    /// A struct of these properties. A required property with one constant value becomes the
    /// serde tag (a discriminator property first); the others become fields.
    pub(super) fn structure(
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
            let inline = match schema {
                ReferenceOr::Item(schema) => Some(schema.as_ref()),
                ReferenceOr::Reference { .. } => None,
            };
            // A read-only property is absent from requests and a write-only one from responses,
            // so the one struct serving both directions cannot require either.
            let one_direction = inline.is_some_and(|s| s.schema_data.read_only || s.schema_data.write_only);
            let is_required = required.contains(property) && !one_direction;
            let constant = constants.iter().find(|(p, _)| *p == property).map(|(_, value)| value.clone());
            let (ty, nullable) = match &constant {
                Some(_) => (TypeRef::String, false),
                None => self.lower(schema.into(), &field_at, &hint),
            };
            fields.push(Field {
                wire_name: property.clone(),
                rust_name: field_scope.claim_value(property),
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
            self.diagnostics.warn(
                at.key("required").as_str(),
                format!("`{missing}` is listed as required but is not among the properties, so it is ignored; add it to `properties` or remove it from `required`"),
            );
        }
        let extra_type = match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(schema)) => Some(nullable_inside(self.lower(
                schema.as_ref().into(),
                &at.key("additionalProperties"),
                &format!("{name}Value"),
            ))),
            _ => None,
        };
        let extra = extra_type.map(|ty| ExtraField { rust_name: field_scope.claim_value("extra"), ty });
        Struct { fields, tag, extra, has_default: false }
    }
}

/// The Rust type of a string schema: a timestamp for `date-time`, else text.
fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        _ => TypeRef::String,
    }
}

/// The type of an array item or map value: `Option` when it may be `null` (a field says so with
/// its own flag instead).
fn nullable_inside((ty, nullable): (TypeRef, bool)) -> TypeRef {
    if nullable && ty != TypeRef::Json {
        TypeRef::Nullable(Box::new(ty))
    } else {
        ty
    }
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

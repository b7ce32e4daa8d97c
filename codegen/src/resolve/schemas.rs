//! Schemas → named Rust types: structs, open enums, unions, aliases.

use super::{component_ref, ref_problem, Node, Resolver};
use crate::diagnostics::Pointer;
use crate::model::*;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::BTreeSet;

impl Resolver<'_> {
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
            self.types.push(TypeDef { name: rust, pointer: pointer.to_string(), docs, deprecated, kind });
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
        let retyped = retyped(schema);
        let schema = retyped.as_ref().unwrap_or(schema);
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
    pub(super) fn shape(&mut self, name: &str, schema: &Schema, at: &Pointer) -> TypeKind {
        let retyped = retyped(schema);
        let schema = retyped.as_ref().unwrap_or(schema);
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
            self.diagnostics.warn(
                at.key("required").as_str(),
                format!("`{missing}` is listed as required but is not among the properties, so it is ignored; add it to `properties` or remove it from `required`"),
            );
        }
        let additional = match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(schema)) => Some(nullable_inside(self.lower(
                schema.as_ref().into(),
                &at.key("additionalProperties"),
                &format!("{name}Value"),
            ))),
            _ => None,
        };
        Struct { fields, tag, additional, has_default: false }
    }

    pub(super) fn union(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        schema: &Schema,
        at: &Pointer,
    ) -> TypeKind {
        let one_of_at = at.key(keyword);
        let Some(discriminator) = &schema.schema_data.discriminator else {
            let mut variant_scope = Scope::default();
            let mut variants = Vec::new();
            for (index, member) in members.iter().enumerate() {
                let member_at = one_of_at.index(index);
                let (ty, _) = self.lower(member.into(), &member_at, &format!("{name}Variant{}", index + 1));
                variants.push(UntaggedVariant {
                    variant: variant_scope.claim(&variant_name_of(&ty)),
                    ty,
                    boxed: false,
                });
            }
            if keyword == "anyOf"
                && members.iter().all(|member| self.value_shape(member.into()) == ValueShape::Object)
            {
                return TypeKind::AnyOf(variants);
            }
            return self.collapse_strings(variants).unwrap_or_else(TypeKind::UntaggedUnion);
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
        TypeKind::TaggedUnion(TaggedUnion {
            property: discriminator.property_name.clone(),
            variants,
            variants_ignore_tag: false,
        })
    }

    /// A union whose members are all strings (plain, or enums) is one string type: an open enum
    /// already keeps any string, so a `String` member next to it could only hide its values.
    fn collapse_strings(&self, variants: Vec<UntaggedVariant>) -> Result<TypeKind, Vec<UntaggedVariant>> {
        let mut enums: Vec<&str> = Vec::new();
        for variant in &variants {
            match &variant.ty {
                TypeRef::String => {}
                TypeRef::Named(name) if self.is_string_enum(name) => enums.push(name),
                _ => return Err(variants),
            }
        }
        match enums.as_slice() {
            [] => Ok(TypeKind::Alias(TypeRef::String)),
            [only] => Ok(TypeKind::Alias(TypeRef::Named((*only).to_owned()))),
            _ => Err(variants),
        }
    }

    /// The named type is (or will be, for a component defined later) a string enum.
    fn is_string_enum(&self, rust_name: &str) -> bool {
        if let Some(def) = self.find_type(rust_name) {
            return matches!(def.kind, TypeKind::Enum(_));
        }
        self.schema_names.iter().any(|(component, rust)| {
            rust == rust_name
                && matches!(self.schemas.get(component), Some(ReferenceOr::Item(schema))
                    if matches!(&schema.schema_kind, SchemaKind::Type(Type::String(string))
                        if string.enumeration.iter().flatten().next().is_some()))
        })
    }

    /// `allOf` of objects: one struct with every member's properties.
    pub(super) fn merge_all_of(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        at: &Pointer,
    ) -> TypeKind {
        // Merging copies the referenced components' properties, which are lowered again here; a
        // component whose properties merge it back would recurse forever.
        let merged: Vec<String> = members
            .iter()
            .filter_map(|member| match member {
                ReferenceOr::Reference { reference } => component_ref(reference, "schemas"),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        if let Some(cyclic) = merged.iter().find(|component| self.merging.contains(component)) {
            self.diagnostics.push(
                at.key("allOf").as_str(),
                format!("this `allOf` merges `{cyclic}`, which is being merged into itself through its properties; refer to it with a plain `$ref` (plus `nullable`) instead of merging"),
            );
            return TypeKind::Alias(TypeRef::Json);
        }
        let depth = self.merging.len();
        self.merging.extend(merged);
        let kind = self.merge_members(name, members, at);
        self.merging.truncate(depth);
        kind
    }

    fn merge_members(&mut self, name: &str, members: &[ReferenceOr<Schema>], at: &Pointer) -> TypeKind {
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
                let Some(existing) = properties.get(property) else {
                    properties.insert(property.clone(), property_schema.clone());
                    continue;
                };
                match self.merge_property(existing, property_schema) {
                    Some(merged) => {
                        properties.insert(property.clone(), merged);
                    }
                    None => self.diagnostics.push(
                        member_at.key("properties").key(property).as_str(),
                        format!("`{property}` is a {} in one `allOf` member and a {} in another, so no value can be both; make the definitions agree", self.shape_name(existing), self.shape_name(property_schema)),
                    ),
                }
            }
            required.extend(member_required.iter().cloned());
            additional = additional.or(member_additional.cloned());
        }
        required.sort();
        required.dedup();
        TypeKind::Struct(self.structure(name, &properties, &required, additional.as_ref(), at))
    }

    /// The definition a merged struct uses for a property two `allOf` members both define, or
    /// `None` when no value could satisfy both. A value must match every member, so the later
    /// (usually refining) definition is kept when both are the same kind of value, and two object
    /// definitions are merged in turn. Nullable stays lenient: `null` is accepted when either
    /// member accepts it, since refusing a value the server sends helps nobody.
    fn merge_property(
        &self,
        existing: &ReferenceOr<Box<Schema>>,
        refined: &ReferenceOr<Box<Schema>>,
    ) -> Option<ReferenceOr<Box<Schema>>> {
        let nullable = |schema: &ReferenceOr<Box<Schema>>| match schema {
            ReferenceOr::Item(schema) => schema.schema_data.nullable,
            ReferenceOr::Reference { reference } => component_ref(reference, "schemas")
                .is_some_and(|name| self.nullable_components.contains(&name)),
        };
        let either_nullable = nullable(existing) || nullable(refined);
        let with_nullable = |schema: &ReferenceOr<Box<Schema>>| match schema {
            ReferenceOr::Item(item) => {
                let mut item = item.clone();
                item.schema_data.nullable |= either_nullable;
                ReferenceOr::Item(item)
            }
            reference @ ReferenceOr::Reference { .. } if !either_nullable || nullable(reference) => {
                reference.clone()
            }
            reference => ReferenceOr::Item(Box::new(Schema {
                schema_data: openapiv3::SchemaData { nullable: true, ..Default::default() },
                schema_kind: SchemaKind::AllOf { all_of: vec![unbox(reference)] },
            })),
        };
        if without_annotations(existing) == without_annotations(refined) {
            return Some(with_nullable(existing));
        }
        match (self.value_shape(existing.into()), self.value_shape(refined.into())) {
            (ValueShape::Object, ValueShape::Object) => Some(ReferenceOr::Item(Box::new(Schema {
                schema_data: openapiv3::SchemaData { nullable: either_nullable, ..Default::default() },
                schema_kind: SchemaKind::AllOf { all_of: vec![unbox(existing), unbox(refined)] },
            }))),
            // The one that says more is the one a value of both has to match.
            (ValueShape::Any | ValueShape::Mixed, _) => Some(with_nullable(refined)),
            (_, ValueShape::Any | ValueShape::Mixed) => Some(with_nullable(existing)),
            (before, after) if before == after => Some(with_nullable(refined)),
            _ => None,
        }
    }

    /// What kind of JSON value a schema describes, following one `$ref`.
    fn value_shape(&self, node: Node<'_>) -> ValueShape {
        let schema = match node {
            Node::Inline(schema) => schema,
            Node::Ref(reference) => {
                match component_ref(reference, "schemas").and_then(|name| self.schemas.get(&name)) {
                    Some(ReferenceOr::Item(schema)) => schema,
                    _ => return ValueShape::Any,
                }
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => ValueShape::String,
            SchemaKind::Type(Type::Integer(_)) | SchemaKind::Type(Type::Number(_)) => ValueShape::Number,
            SchemaKind::Type(Type::Boolean(_)) => ValueShape::Boolean,
            SchemaKind::Type(Type::Array(_)) => ValueShape::Array,
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => ValueShape::Object,
            SchemaKind::Any(any) if !any.properties.is_empty() => ValueShape::Object,
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("object") => ValueShape::Object,
                Some("array") => ValueShape::Array,
                Some("string") => ValueShape::String,
                Some("integer" | "number") => ValueShape::Number,
                Some("boolean") => ValueShape::Boolean,
                _ if *any == Default::default() => ValueShape::Any,
                _ => ValueShape::Mixed,
            },
            _ => ValueShape::Mixed,
        }
    }

    fn shape_name(&self, schema: &ReferenceOr<Box<Schema>>) -> &'static str {
        match self.value_shape(schema.into()) {
            ValueShape::String => "string",
            ValueShape::Number => "number",
            ValueShape::Boolean => "boolean",
            ValueShape::Array => "array",
            ValueShape::Object => "object",
            ValueShape::Any => "value of any type",
            ValueShape::Mixed => "union",
        }
    }

    /// A variant struct whose discriminator is a plain string property (not a one-value enum)
    /// gets the mapped value as its constant tag, so nobody has to fill it in (and nobody can
    /// send a wrong one). Only when every union maps the struct to the same value.
    pub(super) fn adopt_implied_tags(&mut self) {
        let mut wanted: std::collections::BTreeMap<String, Option<(String, String)>> = Default::default();
        for def in &self.types {
            let TypeKind::TaggedUnion(union) = &def.kind else { continue };
            for variant in &union.variants {
                let tag = (union.property.clone(), variant.tag.clone());
                wanted
                    .entry(variant.type_name.clone())
                    .and_modify(|existing| {
                        if existing.as_ref() != Some(&tag) {
                            *existing = None;
                        }
                    })
                    .or_insert(Some(tag));
            }
        }
        for def in &mut self.types {
            let Some(Some((property, value))) = wanted.get(&def.name) else { continue };
            let TypeKind::Struct(structure) = &mut def.kind else { continue };
            if structure.tag.is_some() {
                continue;
            }
            let plain = structure.fields.iter().position(|field| {
                field.wire_name == *property
                    && field.required
                    && !field.nullable
                    && field.ty == TypeRef::String
            });
            if let Some(index) = plain {
                structure.fields.remove(index);
                structure.tag = Some((property.clone(), value.clone()));
            }
        }
    }

    /// Every discriminated union's variant must carry the discriminator with the mapped value.
    pub(super) fn check_unions(&mut self) {
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
                    problems.push((def.name.clone(), format!("{}/discriminator", def.pointer), message));
                }
            }
        }
        // A discriminator the variants do not carry cannot pick one; the union still decodes
        // without it, trying each variant in turn.
        for (name, pointer, message) in problems {
            self.diagnostics.warn(
                pointer,
                format!("{message}; until then the union is decoded without its discriminator (the first variant that matches wins)"),
            );
            let Some(def) = self.types.iter_mut().find(|def| def.name == name) else { continue };
            if let TypeKind::TaggedUnion(union) = &def.kind {
                let variants = union
                    .variants
                    .iter()
                    .map(|variant| UntaggedVariant {
                        variant: variant.variant.clone(),
                        ty: TypeRef::Named(variant.type_name.clone()),
                        boxed: variant.boxed,
                    })
                    .collect();
                def.kind = TypeKind::UntaggedUnion(variants);
            }
        }
        // Which unions can decode a variant from the rest of the object once the tag is read.
        let ignoring: Vec<bool> = self
            .types
            .iter()
            .map(|def| match &def.kind {
                TypeKind::TaggedUnion(union) => union.variants.iter().all(|variant| {
                    self.find_type(&variant.type_name).is_some_and(|target| {
                        matches!(&target.kind, TypeKind::Struct(structure)
                            if structure.tag.as_ref() == Some(&(union.property.clone(), variant.tag.clone())))
                    })
                }),
                _ => false,
            })
            .collect();
        for (def, ignores) in self.types.iter_mut().zip(ignoring) {
            if let TypeKind::TaggedUnion(union) = &mut def.kind {
                union.variants_ignore_tag = ignores;
            }
        }
    }
}

pub(super) fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
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

/// A variant name for a union member of this type.
pub(super) fn variant_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(named) => named.clone(),
        TypeRef::Array(item) => match item.as_ref() {
            TypeRef::Named(named) => format!("{named}List"),
            _ => "Array".to_owned(),
        },
        other => primitive_variant(other).to_owned(),
    }
}

fn primitive_variant(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::DateTime => "DateTime",
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::F64 => "Number",
        TypeRef::Bool => "Boolean",
        TypeRef::Bytes => "Bytes",
        TypeRef::Array(_) => "Array",
        TypeRef::Nullable(_) => "Nullable",
        TypeRef::Map(_) => "Map",
        TypeRef::Json => "Json",
        TypeRef::JsonObject => "Object",
        TypeRef::Named(_) => "Value",
    }
}

pub(super) fn enum_values<'s>(values: impl Iterator<Item = &'s String>) -> Vec<EnumValue> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .filter(|value| seen.insert((*value).clone()))
        .map(|value| EnumValue { wire: value.clone(), variant: scope.claim(&names::variant_name(value)) })
        .collect()
}

/// A string schema with exactly one allowed value: a constant.
pub(super) fn constant_of(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let values: Vec<&String> = string.enumeration.iter().flatten().collect();
            (values.len() == 1).then(|| values[0].clone())
        }
        _ => None,
    }
}

pub(super) fn docs_of(schema: &Schema) -> Option<String> {
    match (&schema.schema_data.title, &schema.schema_data.description) {
        (Some(title), Some(description)) => Some(format!("{title}\n\n{description}")),
        (title, description) => description.clone().or_else(|| title.clone()),
    }
}

pub(super) fn field_docs(schema: &Schema) -> Option<String> {
    join_docs(docs_of(schema), constraint_docs(schema))
}

pub(super) fn join_docs(docs: Option<String>, extra: Option<String>) -> Option<String> {
    match (docs, extra) {
        (Some(docs), Some(extra)) => Some(format!("{}\n\n{extra}", docs.trim_end())),
        (docs, extra) => docs.or(extra),
    }
}

/// Constraints and default, as a doc line a user reads before sending a value.
pub(super) fn constraint_docs(schema: &Schema) -> Option<String> {
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

/// The one member of an `allOf` that carries a type, when every other member only annotates
/// (`nullable`, `description`, `title`, `default`…): its index, and whether an annotation makes it
/// nullable.
pub(super) fn single_member(members: &[ReferenceOr<Schema>]) -> Option<(usize, bool)> {
    let mut substantive = members.iter().enumerate().filter(|(_, member)| !annotation_only(member));
    let (index, _) = substantive.next()?;
    if substantive.next().is_some() {
        return None;
    }
    let nullable = members
        .iter()
        .any(|member| matches!(member, ReferenceOr::Item(schema) if schema.schema_data.nullable));
    Some((index, nullable))
}

/// A member that only annotates (no type, no keywords that constrain a value).
fn annotation_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Item(schema) => {
            matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == Default::default())
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// The kind of JSON value a schema allows, for deciding whether two definitions can merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueShape {
    String,
    Number,
    Boolean,
    Array,
    Object,
    /// No constraint at all.
    Any,
    /// A union or a combination of keywords.
    Mixed,
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(schema) => ReferenceOr::Item(schema.as_ref().clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
    }
}

/// A schema with what only documents it (title, description, examples…) removed, for comparing
/// definitions.
fn without_annotations(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match unbox(schema) {
        ReferenceOr::Item(schema) => ReferenceOr::Item(Schema {
            schema_data: openapiv3::SchemaData {
                discriminator: schema.schema_data.discriminator,
                ..Default::default()
            },
            schema_kind: schema.schema_kind,
        }),
        reference => reference,
    }
}

/// A schema with one `type` but a keyword of another type beside it (`type: string` with
/// `minItems`) is read by openapiv3 as an untyped schema; this gives it back its type, keeping the
/// keywords that type has and dropping the ones that cannot apply. `None` when the schema is
/// fine as it is.
pub(super) fn retyped(schema: &Schema) -> Option<Schema> {
    let SchemaKind::Any(any) = &schema.schema_kind else { return None };
    if !any.one_of.is_empty() || !any.all_of.is_empty() || !any.any_of.is_empty() || any.not.is_some() {
        return None;
    }
    let typ = match any.typ.as_deref()? {
        "string" => Type::String(openapiv3::StringType {
            format: format_of(any, |format| match format {
                "date-time" => Some(StringFormat::DateTime),
                "date" => Some(StringFormat::Date),
                "password" => Some(StringFormat::Password),
                "byte" => Some(StringFormat::Byte),
                "binary" => Some(StringFormat::Binary),
                _ => None,
            }),
            pattern: any.pattern.clone(),
            enumeration: any
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(|v| Some(v.to_owned())))
                .collect(),
            min_length: any.min_length,
            max_length: any.max_length,
        }),
        "integer" => Type::Integer(openapiv3::IntegerType {
            format: format_of(any, |format| match format {
                "int32" => Some(IntegerFormat::Int32),
                "int64" => Some(IntegerFormat::Int64),
                _ => None,
            }),
            minimum: any.minimum.map(|v| v as i64),
            maximum: any.maximum.map(|v| v as i64),
            enumeration: any.enumeration.iter().filter_map(|v| v.as_i64().map(Some)).collect(),
            ..Default::default()
        }),
        "number" => Type::Number(openapiv3::NumberType {
            format: format_of(any, |format| match format {
                "float" => Some(NumberFormat::Float),
                "double" => Some(NumberFormat::Double),
                _ => None,
            }),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: any.enumeration.iter().filter_map(|v| v.as_f64().map(Some)).collect(),
            ..Default::default()
        }),
        "boolean" => Type::Boolean(openapiv3::BooleanType {
            enumeration: any.enumeration.iter().filter_map(|v| v.as_bool().map(Some)).collect(),
        }),
        "array" => Type::Array(openapiv3::ArrayType {
            items: any.items.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        "object" => Type::Object(openapiv3::ObjectType {
            properties: any.properties.clone(),
            required: any.required.clone(),
            additional_properties: any.additional_properties.clone(),
            min_properties: any.min_properties,
            max_properties: any.max_properties,
        }),
        _ => return None,
    };
    Some(Schema { schema_data: schema.schema_data.clone(), schema_kind: SchemaKind::Type(typ) })
}

fn format_of<F>(any: &AnySchema, known: impl Fn(&str) -> Option<F>) -> VariantOrUnknownOrEmpty<F> {
    match any.format.as_deref() {
        None => VariantOrUnknownOrEmpty::Empty,
        Some(format) => match known(format) {
            Some(format) => VariantOrUnknownOrEmpty::Item(format),
            None => VariantOrUnknownOrEmpty::Unknown(format.to_owned()),
        },
    }
}

//! Unions: `oneOf` and `anyOf`, with or without a discriminator, and the whole-model passes that
//! settle them once every type is defined (implied tags, discriminator checks).

use super::all_of::ValueShape;
use super::resolver::{component_ref, ref_problem, Resolver};
use crate::diagnostics::Pointer;
use crate::model::*;
use crate::names::{self, Scope};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeSet;

impl Resolver<'_> {
    /// The type of a `oneOf` or `anyOf` (`keyword`): tagged by its discriminator when it has one,
    /// else untagged (or one string type, or an `anyOf` of objects).
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
                    from_impl: false,
                });
            }
            if keyword == "anyOf"
                && members
                    .iter()
                    .all(|member| ValueShape::of(member.into(), self.schemas) == ValueShape::Object)
            {
                let mut field_scope = Scope::default();
                let members = variants
                    .into_iter()
                    .map(|variant| AnyOfMember {
                        field: field_scope.claim_value(&variant.variant),
                        name: variant.variant,
                        ty: variant.ty,
                        boxed: variant.boxed,
                    })
                    .collect();
                return TypeKind::AnyOf(members);
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
                from_impl: false,
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
            let Some(def) = self.type_index.get(&name).and_then(|&at| self.types.get_mut(at)) else {
                continue;
            };
            if let TypeKind::TaggedUnion(union) = &def.kind {
                let variants = union
                    .variants
                    .iter()
                    .map(|variant| UntaggedVariant {
                        variant: variant.variant.clone(),
                        ty: TypeRef::Named(variant.type_name.clone()),
                        boxed: variant.boxed,
                        from_impl: false,
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

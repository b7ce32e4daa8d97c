//! Unions: `oneOf` and `anyOf`, with or without a discriminator, and the whole-model passes that
//! settle them once every type is defined (implied tags, discriminator checks).

use super::all_of::{constant_of, ValueKind};
use super::resolver::{Definition, Node, Resolver};
use crate::diagnostics::Pointer;
use crate::model::*;
use crate::names::{self, Scope};
use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaKind, Type};

/// One member of a discriminated union: where its schema is, and the tags that select it.
struct Tagged<'n> {
    node: Node<'n>,
    at: Pointer,
    /// The pointer of the schema it names (its own for an inline member).
    target: String,
    tags: Vec<String>,
}

impl<'a> Resolver<'a> {
    /// The type of a `oneOf` or `anyOf` (`keyword`): tagged by its discriminator when it has one,
    /// else untagged (or one string type, or an `anyOf` of objects).
    pub(super) fn union<'n>(
        &mut self,
        name: &str,
        members: &'n [ReferenceOr<Schema>],
        keyword: &str,
        schema: &'n Schema,
        at: &Pointer,
    ) -> TypeKind
    where
        'a: 'n,
    {
        if let Some(discriminator) = &schema.schema_data.discriminator {
            if let Some(tagged) = self.tagged(name, members, keyword, discriminator, at) {
                return tagged;
            }
        }
        let one_of_at = at.key(keyword);
        // `Unknown` is left for the value no member matches (see `open_untagged_unions`).
        let mut variant_scope = Scope::with_reserved(&["Unknown"]);
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
        let objects = members.iter().enumerate().all(|(index, member)| {
            let member = Definition { node: member.into(), at: one_of_at.index(index), home: None };
            let facts = self.facts(&member, &mut Vec::new());
            facts.value_kind() == ValueKind::Object && !facts.union
        });
        if keyword == "anyOf" && objects {
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
        self.collapse_strings(variants).unwrap_or_else(TypeKind::UntaggedUnion)
    }

    /// A discriminated union: one variant per tag, each holding the type of the member the tag
    /// selects. A mapping names its members by `$ref` (or by bare component name); a member it
    /// does not name is selected by its component's name, or, inline, by the one value its
    /// discriminator property has. `None` (with a warning) when a member has no tag: the union is
    /// then decoded without its discriminator.
    fn tagged<'n>(
        &mut self,
        name: &str,
        members: &'n [ReferenceOr<Schema>],
        keyword: &str,
        discriminator: &Discriminator,
        at: &Pointer,
    ) -> Option<TypeKind>
    where
        'a: 'n,
    {
        let one_of_at = at.key(keyword);
        let mapping_at = at.key("discriminator").key("mapping");
        // (tag, target pointer), in mapping order.
        let mut mapped: Vec<(String, String)> = Vec::new();
        for (tag, value) in &discriminator.mapping {
            // A bare name is a component schema's name.
            let reference = if value.contains('/') || value.contains('#') {
                value.clone()
            } else {
                format!("#{}", Pointer::root().key("components").key("schemas").key(value))
            };
            match self.locate(&reference) {
                Ok(target) => mapped.push((tag.clone(), target.pointer.to_string())),
                Err(miss) => {
                    self.diagnostics.push(mapping_at.key(tag).as_str(), miss.message(value, "schema"))
                }
            }
        }
        let mut tagged: Vec<Tagged<'n>> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let member_at = one_of_at.index(index);
            let target = match member {
                ReferenceOr::Reference { reference } => match self.locate(reference) {
                    Ok(target) => target.pointer.to_string(),
                    Err(miss) => {
                        self.diagnostics
                            .push(member_at.key("$ref").as_str(), miss.message(reference, "schema"));
                        continue;
                    }
                },
                ReferenceOr::Item(_) => member_at.to_string(),
            };
            let mut tags: Vec<String> =
                mapped.iter().filter(|(_, to)| *to == target).map(|(tag, _)| tag.clone()).collect();
            if tags.is_empty() {
                let component =
                    target.strip_prefix("/components/schemas/").filter(|name| !name.contains('/'));
                let implied = match component {
                    // No mapping entry: the tag is the schema's name, as OpenAPI implies.
                    Some(component) => Some(component.replace("~1", "/").replace("~0", "~")),
                    None => self.constant_tag(member.into(), &member_at, &discriminator.property_name),
                };
                match implied {
                    Some(tag) => tags.push(tag),
                    None => {
                        self.diagnostics.warn(
                            member_at.as_str(),
                            format!("this member has no `{}` tag (no mapping entry names it, and its `{}` property has no single `enum` value); until it has one the union is decoded without its discriminator (the first variant that matches wins)", discriminator.property_name, discriminator.property_name),
                        );
                        return None;
                    }
                }
            }
            tagged.push(Tagged { node: member.into(), at: member_at, target, tags });
        }
        for (tag, target) in &mapped {
            if !tagged.iter().any(|member| member.target == *target) {
                let shown = target.strip_prefix("/components/schemas/").unwrap_or(target);
                self.diagnostics.push(
                    mapping_at.key(tag).as_str(),
                    format!("the mapping points to `{shown}`, which is not one of the `{keyword}` members; add it to `{keyword}`"),
                );
            }
        }
        // Mapping order first, then the members the mapping does not name.
        let mut order: Vec<(String, usize)> = Vec::new();
        for (tag, target) in &mapped {
            if let Some(member) = tagged.iter().position(|member| member.target == *target) {
                order.push((tag.clone(), member));
            }
        }
        for (index, member) in tagged.iter().enumerate() {
            for tag in &member.tags {
                if !order.iter().any(|(known, _)| known == tag) {
                    order.push((tag.clone(), index));
                }
            }
        }
        let mut type_names: Vec<Option<String>> = vec![None; tagged.len()];
        let mut variant_scope = Scope::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (tag, member) in order {
            if type_names[member].is_none() {
                let Tagged { node, at, tags, .. } = &tagged[member];
                let ty = match node {
                    Node::Ref(reference) => self.lower_ref(reference, at).0,
                    // An inline member is named after its union and its tag (`PetCat`).
                    Node::Inline(schema) => {
                        self.define_inline(&format!("{name}{}", names::type_name(&tags[0])), schema, at)
                    }
                };
                type_names[member] = Some(match ty {
                    TypeRef::Named(type_name) => type_name,
                    _ => return None,
                });
            }
            variants.push(TaggedVariant {
                variant: variant_scope.claim(&names::variant_name(&tag)),
                type_name: type_names[member].clone().unwrap_or_default(),
                tag,
                boxed: false,
                from_impl: false,
            });
        }
        Some(TypeKind::TaggedUnion(TaggedUnion {
            property: discriminator.property_name.clone(),
            variants,
            variants_ignore_tag: false,
        }))
    }

    /// The one value an object member's discriminator property can have (`kind: {enum: [cat]}`).
    fn constant_tag<'n>(&self, node: Node<'n>, at: &Pointer, property: &str) -> Option<String>
    where
        'a: 'n,
    {
        let facts = self.facts(&Definition { node, at: at.clone(), home: None }, &mut Vec::new());
        facts.objects.iter().rev().find_map(|source| match source.parts.properties.get(property)? {
            ReferenceOr::Item(schema) => constant_of(schema),
            ReferenceOr::Reference { reference } => constant_of(self.schema_of(reference).ok()?.0),
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
                // Said at the variant, which is what needs the change, naming the union's
                // discriminator.
                if let Some(message) = message {
                    let message = format!("{message}, as a member of the union at {}", def.pointer);
                    problems.push((def.name.clone(), target.pointer.clone(), message));
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
        TypeRef::Date => "Date",
        TypeRef::Uuid => "Uuid",
        TypeRef::Base64 | TypeRef::Bytes => "Bytes",
        TypeRef::File => "File",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::Bool => "Boolean",
        TypeRef::Array(_) => "Array",
        TypeRef::Nullable(_) => "Nullable",
        TypeRef::Map(_) => "Map",
        TypeRef::Json => "Json",
        TypeRef::JsonObject => "Object",
        TypeRef::Named(_) => "Value",
        _integer => "Integer",
    }
}

/// Every untagged union keeps a value that matches none of its members, as open enums keep
/// unknown strings: a last variant `Unknown(serde_json::Value)` (serde tries variants in order,
/// so it only catches what the others refuse). A union with a member that already takes any
/// JSON (through aliases) needs none. Run once every type is defined, before `From` impls.
pub(super) fn open_untagged_unions(api: &mut Api) {
    fn any_json(ty: &TypeRef, api: &Api, seen: &mut Vec<String>) -> bool {
        match ty {
            TypeRef::Json => true,
            TypeRef::Named(name) if !seen.contains(name) => {
                seen.push(name.clone());
                matches!(api.type_def(name).map(|def| &def.kind), Some(TypeKind::Alias(inner)) if any_json(inner, api, seen))
            }
            _ => false,
        }
    }
    let open: Vec<bool> = api
        .types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::UntaggedUnion(variants) => {
                !variants.iter().any(|variant| any_json(&variant.ty, api, &mut Vec::new()))
            }
            _ => false,
        })
        .collect();
    for (def, open) in api.types.iter_mut().zip(open) {
        if let TypeKind::UntaggedUnion(variants) = &mut def.kind {
            if open {
                let mut scope = Scope::default();
                variants.iter().for_each(|variant| {
                    scope.claim(&variant.variant);
                });
                variants.push(UntaggedVariant {
                    variant: scope.claim("Unknown"),
                    ty: TypeRef::Json,
                    boxed: false,
                    from_impl: false,
                });
            }
        }
    }
}

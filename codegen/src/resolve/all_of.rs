//! `allOf` merging. The merge itself is pure: functions that take the members' schemas (and the
//! component schemas a `$ref` names) and return the merged object, or what keeps two definitions
//! from merging, without any resolver state. [`Resolver::merge_all_of`] is the thin layer around
//! them: it guards against components merged into themselves, reports the conflicts, and lowers
//! the merged object into a struct.

use super::resolver::{component_ref, object_parts, ref_problem, Node, Resolver};
use crate::diagnostics::Pointer;
use crate::model::{TypeKind, TypeRef};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// The document's component schemas, which `$ref`s name.
pub(super) type ComponentSchemas = IndexMap<String, ReferenceOr<Schema>>;

impl Resolver<'_> {
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
        let object = merge_objects(members, self.schemas);
        for conflict in &object.conflicts {
            self.diagnostics.push(conflict.pointer(at).as_str(), conflict.message());
        }
        let additional = object.additional.as_ref();
        let kind =
            TypeKind::Struct(self.structure(name, &object.properties, &object.required, additional, at));
        self.merging.truncate(depth);
        kind
    }
}

/// The object an `allOf` stands for: every member's properties, merged.
#[derive(Debug, Default)]
pub(super) struct MergedObject {
    /// Each property once, in the order the members first define them.
    pub properties: IndexMap<String, ReferenceOr<Box<Schema>>>,
    /// Every member's required properties, sorted, each once.
    pub required: Vec<String>,
    /// The first `additionalProperties` a member gives.
    pub additional: Option<AdditionalProperties>,
    /// What could not be merged, in the order of the members.
    pub conflicts: Vec<Conflict>,
}

/// Why (part of) an `allOf` member was left out of the merge.
#[derive(Debug, PartialEq)]
pub(super) enum Conflict {
    /// The member is a `$ref` that does not name a component schema.
    Unresolved { member: usize, reference: String },
    /// The member does not describe an object.
    NotAnObject { member: usize },
    /// The member defines a property an earlier member defines as another kind of value.
    Property { member: usize, property: String, before: ValueShape, after: ValueShape },
}

impl Conflict {
    /// Where the conflict is, in the `allOf` at `at`.
    pub(super) fn pointer(&self, at: &Pointer) -> Pointer {
        let member_at = |member: usize| at.key("allOf").index(member);
        match self {
            Self::Unresolved { member, .. } => member_at(*member).key("$ref"),
            Self::NotAnObject { member } => member_at(*member),
            Self::Property { member, property, .. } => member_at(*member).key("properties").key(property),
        }
    }

    /// The diagnostic's text.
    pub(super) fn message(&self) -> String {
        match self {
            Self::Unresolved { reference, .. } => ref_problem(reference, "schemas"),
            Self::NotAnObject { .. } => {
                "only objects can be merged by `allOf`; this member is not an object".to_owned()
            }
            Self::Property { property, before, after, .. } => format!(
                "`{property}` is a {} in one `allOf` member and a {} in another, so no value can be both; make the definitions agree",
                before.name(),
                after.name()
            ),
        }
    }
}

/// Merges the members of an `allOf` of objects into one object: the properties of all (a property
/// several define merged by [`merge_property`]), the required of all, the first
/// `additionalProperties`. A member that cannot be read as an object is left out, as a conflict.
pub(super) fn merge_objects(members: &[ReferenceOr<Schema>], components: &ComponentSchemas) -> MergedObject {
    let mut merged = MergedObject::default();
    for (index, member) in members.iter().enumerate() {
        let schema = match member {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => {
                match component_ref(reference, "schemas").and_then(|name| components.get(&name)) {
                    Some(ReferenceOr::Item(schema)) => schema,
                    _ => {
                        merged
                            .conflicts
                            .push(Conflict::Unresolved { member: index, reference: reference.clone() });
                        continue;
                    }
                }
            }
        };
        let Some(object) = object_parts(&schema.schema_kind) else {
            merged.conflicts.push(Conflict::NotAnObject { member: index });
            continue;
        };
        for (property, definition) in object.properties {
            let Some(existing) = merged.properties.get(property) else {
                merged.properties.insert(property.clone(), definition.clone());
                continue;
            };
            match merge_property(existing, definition, components) {
                Ok(both) => {
                    merged.properties.insert(property.clone(), both);
                }
                Err((before, after)) => merged.conflicts.push(Conflict::Property {
                    member: index,
                    property: property.clone(),
                    before,
                    after,
                }),
            }
        }
        merged.required.extend(object.required.iter().cloned());
        merged.additional = merged.additional.or(object.additional.cloned());
    }
    merged.required.sort();
    merged.required.dedup();
    merged
}

/// The definition a merged object uses for a property two `allOf` members both define, or the
/// two kinds of value when no value could satisfy both. A value must match every member, so the
/// later (usually refining) definition is kept when both are the same kind of value, and two
/// object definitions are merged in turn. Nullable stays lenient: `null` is accepted when either
/// member accepts it, since refusing a value the server sends helps nobody.
pub(super) fn merge_property(
    existing: &ReferenceOr<Box<Schema>>,
    refined: &ReferenceOr<Box<Schema>>,
    components: &ComponentSchemas,
) -> Result<ReferenceOr<Box<Schema>>, (ValueShape, ValueShape)> {
    let nullable = |schema: &ReferenceOr<Box<Schema>>| {
        match schema {
        ReferenceOr::Item(schema) => schema.schema_data.nullable,
        ReferenceOr::Reference { reference } => component_ref(reference, "schemas").is_some_and(|name| {
            matches!(components.get(&name), Some(ReferenceOr::Item(target)) if target.schema_data.nullable)
        }),
    }
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
            schema_kind: SchemaKind::AllOf { all_of: vec![reference.clone().unbox()] },
        })),
    };
    if same_definition(existing, refined) {
        return Ok(with_nullable(existing));
    }
    let before = ValueShape::of(existing.into(), components);
    let after = ValueShape::of(refined.into(), components);
    match (before, after) {
        (ValueShape::Object, ValueShape::Object) => Ok(ReferenceOr::Item(Box::new(Schema {
            schema_data: openapiv3::SchemaData { nullable: either_nullable, ..Default::default() },
            schema_kind: SchemaKind::AllOf {
                all_of: vec![existing.clone().unbox(), refined.clone().unbox()],
            },
        }))),
        // The one that says more is the one a value of both has to match.
        (ValueShape::Any | ValueShape::Mixed, _) => Ok(with_nullable(refined)),
        (_, ValueShape::Any | ValueShape::Mixed) => Ok(with_nullable(existing)),
        (before, after) if before == after => Ok(with_nullable(refined)),
        _ => Err((before, after)),
    }
}

/// Whether two definitions are the same but for what only documents them (title, description,
/// examples…): the same reference, or the same keywords and discriminator.
fn same_definition(a: &ReferenceOr<Box<Schema>>, b: &ReferenceOr<Box<Schema>>) -> bool {
    match (a, b) {
        (ReferenceOr::Reference { reference: a }, ReferenceOr::Reference { reference: b }) => a == b,
        (ReferenceOr::Item(a), ReferenceOr::Item(b)) => {
            a.schema_kind == b.schema_kind && a.schema_data.discriminator == b.schema_data.discriminator
        }
        _ => false,
    }
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
pub(super) fn annotation_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Item(schema) => {
            matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == Default::default())
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// The kind of JSON value a schema allows, for deciding whether two definitions can merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ValueShape {
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

impl ValueShape {
    /// What kind of JSON value a schema describes, following one `$ref`.
    pub(super) fn of(node: Node<'_>, components: &ComponentSchemas) -> Self {
        let schema = match node {
            Node::Inline(schema) => schema,
            Node::Ref(reference) => {
                match component_ref(reference, "schemas").and_then(|name| components.get(&name)) {
                    Some(ReferenceOr::Item(schema)) => schema,
                    _ => return Self::Any,
                }
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => Self::String,
            SchemaKind::Type(Type::Integer(_)) | SchemaKind::Type(Type::Number(_)) => Self::Number,
            SchemaKind::Type(Type::Boolean(_)) => Self::Boolean,
            SchemaKind::Type(Type::Array(_)) => Self::Array,
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => Self::Object,
            SchemaKind::Any(any) if !any.properties.is_empty() => Self::Object,
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("object") => Self::Object,
                Some("array") => Self::Array,
                Some("string") => Self::String,
                Some("integer" | "number") => Self::Number,
                Some("boolean") => Self::Boolean,
                _ if *any == Default::default() => Self::Any,
                _ => Self::Mixed,
            },
            _ => Self::Mixed,
        }
    }

    /// How a diagnostic names this kind of value.
    fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Array => "array",
            Self::Object => "object",
            Self::Any => "value of any type",
            Self::Mixed => "union",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> ReferenceOr<Schema> {
        serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{yaml}: {error}"))
    }

    fn property(yaml: &str) -> ReferenceOr<Box<Schema>> {
        serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{yaml}: {error}"))
    }

    fn components(entries: &[(&str, &str)]) -> ComponentSchemas {
        entries.iter().map(|(name, yaml)| ((*name).to_owned(), schema(yaml))).collect()
    }

    fn item(schema: &ReferenceOr<Box<Schema>>) -> &Schema {
        match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => panic!("a $ref to {reference}"),
        }
    }

    #[test]
    fn objects_merge_their_properties_required_and_first_additional_properties() {
        let components = components(&[(
            "Base",
            "{type: object, required: [id, name], properties: {id: {type: string}}, additionalProperties: {type: integer}}",
        )]);
        let members = [
            schema("$ref: '#/components/schemas/Base'"),
            schema("{type: object, required: [id, extra], properties: {extra: {type: boolean}}, additionalProperties: true}"),
        ];
        let merged = merge_objects(&members, &components);
        assert_eq!(merged.conflicts, []);
        assert_eq!(merged.properties.keys().collect::<Vec<_>>(), ["id", "extra"]);
        assert_eq!(merged.required, ["extra", "id", "name"]);
        assert!(matches!(merged.additional, Some(AdditionalProperties::Schema(_))));
    }

    #[test]
    fn members_that_are_not_objects_or_name_nothing_are_left_out_as_conflicts() {
        let members = [
            schema("$ref: '#/components/schemas/Missing'"),
            schema("{type: string}"),
            schema("{type: object, properties: {a: {type: string}}}"),
        ];
        let merged = merge_objects(&members, &ComponentSchemas::new());
        assert_eq!(
            merged.conflicts,
            [
                Conflict::Unresolved { member: 0, reference: "#/components/schemas/Missing".to_owned() },
                Conflict::NotAnObject { member: 1 },
            ]
        );
        assert_eq!(merged.properties.keys().collect::<Vec<_>>(), ["a"]);
        let at = Pointer::root().key("components").key("schemas").key("A");
        assert_eq!(merged.conflicts[0].pointer(&at).as_str(), "/components/schemas/A/allOf/0/$ref");
        assert_eq!(merged.conflicts[1].pointer(&at).as_str(), "/components/schemas/A/allOf/1");
    }

    #[test]
    fn a_property_two_members_define_as_different_kinds_is_a_conflict_and_keeps_the_first() {
        let members = [
            schema("{type: object, properties: {a: {type: string, description: first}}}"),
            schema("{type: object, properties: {a: {type: integer}}}"),
        ];
        let merged = merge_objects(&members, &ComponentSchemas::new());
        let conflict = Conflict::Property {
            member: 1,
            property: "a".to_owned(),
            before: ValueShape::String,
            after: ValueShape::Number,
        };
        assert_eq!(merged.conflicts, [conflict]);
        assert_eq!(item(&merged.properties["a"]).schema_data.description.as_deref(), Some("first"));
        assert_eq!(
            merged.conflicts[0].message(),
            "`a` is a string in one `allOf` member and a number in another, so no value can be both; make the definitions agree"
        );
        assert_eq!(merged.conflicts[0].pointer(&Pointer::root()).as_str(), "/allOf/1/properties/a");
    }

    #[test]
    fn the_same_definition_twice_keeps_the_first_and_its_docs() {
        let first = property("{type: string, description: first}");
        let again = property("{type: string, description: again}");
        let merged = merge_property(&first, &again, &ComponentSchemas::new()).expect("merges");
        assert_eq!(item(&merged).schema_data.description.as_deref(), Some("first"));
    }

    #[test]
    fn of_two_values_of_one_kind_the_refined_is_kept() {
        let broad = property("{type: string}");
        let refined = property("{type: string, enum: [a, b]}");
        assert_eq!(merge_property(&broad, &refined, &ComponentSchemas::new()), Ok(refined.clone()));
        // An unconstrained definition says less than any other, whichever comes first.
        let any = property("{description: anything}");
        assert_eq!(merge_property(&refined, &any, &ComponentSchemas::new()), Ok(refined.clone()));
        assert_eq!(merge_property(&any, &refined, &ComponentSchemas::new()), Ok(refined));
    }

    #[test]
    fn two_object_definitions_merge_into_an_all_of_of_both() {
        let components =
            components(&[("Thing", "{type: object, nullable: true, properties: {a: {type: string}}}")]);
        let named = property("$ref: '#/components/schemas/Thing'");
        let inline = property("{type: object, properties: {b: {type: string}}}");
        let merged = merge_property(&named, &inline, &components).expect("merges");
        let merged = item(&merged);
        // The component is nullable, so the merge is.
        assert!(merged.schema_data.nullable);
        let SchemaKind::AllOf { all_of } = &merged.schema_kind else { panic!("not an allOf: {merged:?}") };
        assert_eq!(all_of, &[named.unbox(), inline.unbox()]);
    }

    #[test]
    fn a_nullable_definition_makes_a_reference_nullable_by_wrapping_it() {
        let components = components(&[("Name", "{type: string}")]);
        let named = property("$ref: '#/components/schemas/Name'");
        let nullable = property("{type: string, nullable: true}");
        let merged = merge_property(&nullable, &named, &components).expect("merges");
        let merged = item(&merged);
        assert!(merged.schema_data.nullable);
        assert_eq!(merged.schema_kind, SchemaKind::AllOf { all_of: vec![named.unbox()] });
    }

    #[test]
    fn one_typed_member_among_annotations_is_the_single_member() {
        let members = [schema("$ref: '#/components/schemas/A'"), schema("{nullable: true, description: d}")];
        assert_eq!(single_member(&members), Some((0, true)));
        let two = [schema("$ref: '#/components/schemas/A'"), schema("{type: object}")];
        assert_eq!(single_member(&two), None);
        assert_eq!(single_member(&[schema("{description: only docs}")]), None);
    }
}

//! `allOf`: what several definitions of one value agree on. A value must match every member, so
//! the members are read as facts about that value ([`Facts`]: what kind of value, which member
//! names a type, which properties and items they give, whether `null` is allowed), following
//! `$ref`s and nested `allOf`s; [`decide`] then picks the Rust type all of them describe:
//! - one member that says more than the others (a `$ref`, an enum, a format, properties) is the
//!   type, and the others only annotate or constrain it (`allOf: [$ref: Status, {description}]`
//!   stays `Status`; an integer plus `{minimum: 1}` stays an integer);
//! - several objects merge into one struct, several arrays into an array of merged items;
//! - `nullable` on any member makes the value nullable;
//! - only a real contradiction (a string and an object) is an error, at the member that
//!   contradicts the others.
//!
//! The facts are gathered by [`Resolver::facts`] (which follows references), and the decision is a
//! pure function of them; lowering then renders the decision (see `lower`).

use super::resolver::{Definition, Node, ObjectParts, Resolver};
use crate::diagnostics::Pointer;
use openapiv3::{IntegerFormat, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// What kind of JSON value a schema allows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum ValueKind {
    /// No constraint on the kind (annotations, constraints without a `type`, a union).
    #[default]
    Any,
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl ValueKind {
    /// The kind of a value both allow, or `None` when no value is both.
    pub(super) fn and(self, other: Self) -> Option<Self> {
        match (self, other) {
            (Self::Any, kind) | (kind, Self::Any) => Some(kind),
            // Every integer is a number.
            (Self::Integer, Self::Number) | (Self::Number, Self::Integer) => Some(Self::Integer),
            (a, b) => (a == b).then_some(a),
        }
    }

    /// The kind named by a `type` keyword.
    fn named(name: &str) -> Self {
        match name {
            "string" => Self::String,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "array" => Self::Array,
            "object" => Self::Object,
            _ => Self::Any,
        }
    }

    /// How a diagnostic names a value of this kind.
    fn noun(self) -> &'static str {
        match self {
            Self::Any => "a value of any type",
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Number => "a number",
            Self::Boolean => "a boolean",
            Self::Array => "an array",
            Self::Object => "an object",
        }
    }
}

/// A definition that can stand for the whole merge: where it is, what kind of value it allows,
/// and how much it says about the Rust type (0: nothing beyond its kind; 1: a format, items or
/// properties; 2: enum values; a `$ref` one more than its target, since it names a type).
#[derive(Clone, Debug)]
pub(super) struct Candidate<'n> {
    pub(super) definition: Definition<'n>,
    pub(super) kind: ValueKind,
    pub(super) rank: u8,
}

/// The object keywords of one definition, and where they are. (It mirrors the resolver's
/// `Definition`, with the object's parts already read out, so merging needs no schema lookups.)
#[derive(Clone)]
pub(super) struct ObjectSource<'n> {
    pub(super) parts: ObjectParts<'n>,
    pub(super) at: Pointer,
    /// The type name the definition has where it lives, when it was reached through a `$ref`.
    pub(super) home: Option<String>,
}

/// What a set of definitions says about one value.
#[derive(Clone, Default)]
pub(super) struct Facts<'n> {
    pub(super) kind: ValueKind,
    pub(super) nullable: bool,
    /// A member is a `oneOf`, `anyOf` or `not`, which combines with nothing else.
    pub(super) union: bool,
    /// The definitions, in document order, that could stand for the merge.
    pub(super) candidates: Vec<Candidate<'n>>,
    /// A part that no candidate stands for decides too: the keywords written beside an `allOf`.
    pub(super) beside: bool,
    /// Every object definition, in document order.
    pub(super) objects: Vec<ObjectSource<'n>>,
    /// Every definition of the array items.
    pub(super) items: Vec<Definition<'n>>,
    /// Definitions that contradict the ones before them.
    pub(super) conflicts: Vec<Conflict>,
}

impl Facts<'_> {
    /// The kind of value the definitions describe. Object keywords without a `type` constrain
    /// only values that are objects (`{required: [a]}` beside an array allows the array), so
    /// they make the value an object only when nothing else gives it a kind.
    pub(super) fn value_kind(&self) -> ValueKind {
        match self.kind {
            ValueKind::Any if self.objects.iter().any(|source| source.parts.says_something()) => {
                ValueKind::Object
            }
            ValueKind::Any if !self.items.is_empty() => ValueKind::Array,
            kind => kind,
        }
    }

    /// How much a `$ref` to a schema with these facts says.
    fn rank(&self) -> u8 {
        let best = self.candidates.iter().map(|candidate| candidate.rank).max().unwrap_or(0);
        best.max(u8::from(self.beside || self.union))
    }
}

/// A definition that contradicts the definitions before it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Conflict {
    /// Where the contradicting definition is.
    pub(super) at: Pointer,
    /// What it allows, and what the ones before it allow.
    pub(super) found: ValueKind,
    pub(super) before: ValueKind,
    /// The property several members define, when the definitions are of a property.
    pub(super) property: Option<String>,
}

impl Conflict {
    /// The diagnostic's text.
    pub(super) fn message(&self) -> String {
        let (found, before) = (self.found.noun(), self.before.noun());
        match &self.property {
            Some(property) => format!(
                "`{property}` is {before} in one `allOf` member and {found} in another, so no value can be both; make the definitions agree"
            ),
            None => format!(
                "this `allOf` member is {found} but the members before it make the value {before}, so no value can be both; make the members agree"
            ),
        }
    }
}

/// The Rust type a merge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Decision {
    /// This candidate says everything; the other definitions annotate or constrain it.
    Pick(usize),
    /// The plain type of a kind (nothing names a type): `String`, `i64`, any JSON value…
    Bare(ValueKind),
    /// One struct of every object definition's properties.
    Struct,
    /// An array of the merged item definitions.
    Array,
    /// A union merged with other types: no Rust type holds that, so any JSON value.
    Loose,
}

/// What the facts of a merge make of it.
pub(super) fn decide(facts: &Facts<'_>) -> Decision {
    let kind = facts.value_kind();
    // Candidates of another kind (object keywords beside an array) constrain nothing here.
    let deciding = facts
        .candidates
        .iter()
        .filter(|candidate| {
            candidate.rank > 0 && (candidate.kind == kind || candidate.kind == ValueKind::Any)
        })
        .count()
        + usize::from(facts.beside);
    if facts.union && deciding > 1 {
        return Decision::Loose;
    }
    match kind {
        ValueKind::Object if deciding > 1 || facts.beside => Decision::Struct,
        ValueKind::Array if deciding > 1 || facts.beside => Decision::Array,
        kind => facts
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, candidate)| candidate.kind == kind)
            // The one that says most; of equals, the later, which usually refines the earlier.
            .max_by_key(|(index, candidate)| (candidate.rank, *index))
            .map_or(Decision::Bare(kind), |(index, _)| Decision::Pick(index)),
    }
}

/// Adds what one more definition (at `at`) says to the facts so far. A definition that
/// contradicts them is left out, as a conflict.
pub(super) fn combine<'n>(facts: &mut Facts<'n>, more: Facts<'n>, at: &Pointer, property: Option<&str>) {
    facts.conflicts.extend(more.conflicts);
    let Some(kind) = facts.kind.and(more.kind) else {
        facts.conflicts.push(Conflict {
            at: at.clone(),
            found: more.kind,
            before: facts.kind,
            property: property.map(str::to_owned),
        });
        return;
    };
    facts.kind = kind;
    facts.nullable |= more.nullable;
    facts.union |= more.union;
    facts.beside |= more.beside;
    facts.candidates.extend(more.candidates);
    facts.objects.extend(more.objects);
    facts.items.extend(more.items);
}

/// The type name of something inside a definition that lives elsewhere.
fn inside(home: &Option<String>, suffix: &str) -> Option<String> {
    home.as_ref().map(|home| format!("{home}{suffix}"))
}

impl<'a> Resolver<'a> {
    /// What a definition says about a value, following its `$ref` and nested `allOf`s. `visiting`
    /// holds the targets being read, so a schema that includes itself adds nothing the second time.
    pub(super) fn facts<'n>(&self, definition: &Definition<'n>, visiting: &mut Vec<String>) -> Facts<'n>
    where
        'a: 'n,
    {
        let schema = match definition.node {
            Node::Inline(schema) => schema,
            Node::Ref(reference) => {
                // Broken references are reported where the definition is lowered.
                let Ok(target) = self.locate(reference) else { return Facts::default() };
                let key = target.pointer.to_string();
                if visiting.contains(&key) {
                    return Facts::default();
                }
                visiting.push(key);
                let home = Definition { node: target.node, at: target.pointer, home: Some(target.hint) };
                let mut facts = self.facts(&home, visiting);
                visiting.pop();
                // The reference as a whole stands for what it names.
                let kind = facts.value_kind();
                let rank = if kind == ValueKind::Any && !facts.union { 0 } else { facts.rank() + 1 };
                facts.candidates = vec![Candidate { definition: definition.clone(), kind, rank }];
                facts.beside = false;
                return facts;
            }
        };
        let at = &definition.at;
        let mut facts = Facts { nullable: schema.schema_data.nullable, ..Facts::default() };
        let own = |facts: &mut Facts<'n>, kind: ValueKind, rank: u8| {
            facts.kind = kind;
            facts.candidates.push(Candidate { definition: definition.clone(), kind, rank });
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let rank = if string.enumeration.iter().flatten().next().is_some() {
                    2
                } else {
                    u8::from(string.format == VariantOrUnknownOrEmpty::Item(StringFormat::DateTime))
                };
                own(&mut facts, ValueKind::String, rank);
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let rank = u8::from(integer.format == VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32));
                own(&mut facts, ValueKind::Integer, rank);
            }
            SchemaKind::Type(Type::Number(_)) => own(&mut facts, ValueKind::Number, 0),
            SchemaKind::Type(Type::Boolean(_)) => own(&mut facts, ValueKind::Boolean, 0),
            SchemaKind::Type(Type::Array(array)) => {
                own(&mut facts, ValueKind::Array, u8::from(array.items.is_some()));
                facts.items.extend(array.items.as_ref().map(|items| Definition {
                    node: items.into(),
                    at: at.key("items"),
                    home: inside(&definition.home, "Item"),
                }));
            }
            SchemaKind::Type(Type::Object(_)) => {
                let parts = super::resolver::object_parts(&schema.schema_kind);
                let says = parts.as_ref().is_some_and(ObjectParts::says_something);
                own(&mut facts, ValueKind::Object, u8::from(says));
                facts.objects.extend(parts.map(|parts| ObjectSource {
                    parts,
                    at: at.clone(),
                    home: definition.home.clone(),
                }));
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {
                facts.union = true;
                own(&mut facts, ValueKind::Any, 1);
            }
            SchemaKind::AllOf { all_of } => self.members(&mut facts, all_of, definition, visiting),
            SchemaKind::Any(any) => {
                let kind = any.typ.as_deref().map_or(ValueKind::Any, ValueKind::named);
                let parts = ObjectParts {
                    properties: &any.properties,
                    required: &any.required,
                    additional: any.additional_properties.as_ref(),
                };
                let object = parts.says_something();
                // Properties beside a `oneOf` make an object (its union is left to lowering).
                let union =
                    !object && (!any.one_of.is_empty() || !any.any_of.is_empty() || any.not.is_some());
                let says = object || any.items.is_some() || union;
                if any.all_of.is_empty() {
                    facts.union = union;
                    // Without a `type`, the keywords say what the value is if it is an object (or
                    // an array), not that it is one.
                    let shape = match (object, any.items.is_some()) {
                        (true, _) => ValueKind::Object,
                        (false, true) => ValueKind::Array,
                        (false, false) => kind,
                    };
                    if shape != ValueKind::Any || union {
                        own(&mut facts, shape, u8::from(says));
                    }
                    facts.kind = kind;
                } else {
                    // Keywords beside an `allOf` are one more member, which only the merge
                    // itself can stand for.
                    facts.kind = kind;
                    facts.union = union;
                    facts.beside = says;
                }
                if object || kind == ValueKind::Object {
                    facts.objects.push(ObjectSource { parts, at: at.clone(), home: definition.home.clone() });
                }
                facts.items.extend(any.items.as_ref().map(|items| Definition {
                    node: items.into(),
                    at: at.key("items"),
                    home: inside(&definition.home, "Item"),
                }));
                if !any.all_of.is_empty() {
                    self.members(&mut facts, &any.all_of, definition, visiting);
                }
            }
        }
        facts
    }

    /// Adds the facts of an `allOf`'s members, each at its own pointer.
    fn members<'n>(
        &self,
        facts: &mut Facts<'n>,
        members: &'n [openapiv3::ReferenceOr<Schema>],
        definition: &Definition<'n>,
        visiting: &mut Vec<String>,
    ) where
        'a: 'n,
    {
        for (index, member) in members.iter().enumerate() {
            let at = definition.at.key("allOf").index(index);
            let member = Definition { node: member.into(), at, home: definition.home.clone() };
            let more = self.facts(&member, visiting);
            combine(facts, more, &member.at, None);
        }
    }

    /// The facts of several definitions of one value (a property several `allOf` members define).
    pub(super) fn facts_of_all<'n>(&self, definitions: &[Definition<'n>], property: Option<&str>) -> Facts<'n>
    where
        'a: 'n,
    {
        let mut facts = Facts::default();
        for definition in definitions {
            let more = self.facts(definition, &mut Vec::new());
            combine(&mut facts, more, &definition.at, property);
        }
        facts
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TypeKind, TypeRef};

    /// The model of a spec with these component schemas.
    fn model(schemas: &str) -> Result<crate::model::Api, String> {
        let spec = format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}");
        crate::model(spec.as_bytes()).map_err(|problems| problems.to_string())
    }

    fn kind_of(api: &crate::model::Api, name: &str) -> TypeKind {
        api.type_def(name).unwrap_or_else(|| panic!("no type {name}")).kind.clone()
    }

    fn field_type(api: &crate::model::Api, name: &str, field: &str) -> (TypeRef, bool) {
        let TypeKind::Struct(structure) = kind_of(api, name) else { panic!("{name} is not a struct") };
        let field = structure.fields.iter().find(|f| f.wire_name == field).expect("the field");
        (field.ty.clone(), field.nullable)
    }

    #[test]
    fn kinds_combine_when_a_value_can_be_both() {
        use ValueKind::*;
        assert_eq!(Any.and(String), Some(String));
        assert_eq!(Number.and(Integer), Some(Integer));
        assert_eq!(Object.and(Object), Some(Object));
        assert_eq!(String.and(Object), None);
        assert_eq!(Integer.and(String), None);
    }

    #[test]
    fn one_member_that_says_more_than_the_others_is_the_type() {
        let api = model(
            "    Status: {type: string, enum: [on, off]}\n    Thing:\n      type: object\n      properties:\n        \
             status: {allOf: [{$ref: '#/components/schemas/Status'}, {description: d}]}\n        \
             count: {allOf: [{type: integer}, {minimum: 1}]}\n        \
             maybe: {allOf: [{$ref: '#/components/schemas/Status'}, {nullable: true}]}\n        \
             when: {allOf: [{type: string}, {type: string, format: date-time}, {maxLength: 40}]}\n",
        )
        .expect("merges");
        assert_eq!(field_type(&api, "Thing", "status"), (TypeRef::Named("Status".into()), false));
        assert_eq!(field_type(&api, "Thing", "count"), (TypeRef::I64, false));
        assert_eq!(field_type(&api, "Thing", "maybe"), (TypeRef::Named("Status".into()), true));
        assert_eq!(field_type(&api, "Thing", "when"), (TypeRef::DateTime, false));
    }

    #[test]
    fn objects_merge_through_references_to_other_merges() {
        let api = model(
            "    Base: {type: object, required: [id], properties: {id: {type: string}}}\n    \
             Middle: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {name: {type: string}}}]}\n    \
             Top: {allOf: [{$ref: '#/components/schemas/Middle'}, {type: object, properties: {extra: {type: boolean}}}]}\n    \
             Same: {allOf: [{$ref: '#/components/schemas/Middle'}, {type: object, readOnly: true}]}\n",
        )
        .expect("merges");
        let TypeKind::Struct(top) = kind_of(&api, "Top") else { panic!("Top is a struct") };
        let fields: Vec<&str> = top.fields.iter().map(|field| field.wire_name.as_str()).collect();
        assert_eq!(fields, ["id", "name", "extra"]);
        assert!(top.fields[0].required);
        // A member that only restates the kind adds nothing: the type stays the one it refines.
        assert!(matches!(kind_of(&api, "Same"), TypeKind::Alias(TypeRef::Named(name)) if name == "Middle"));
    }

    #[test]
    fn a_3_1_nullable_number_with_keywords_beside_its_any_of_stays_a_nullable_number() {
        // The 3.1 rewrite moves the non-null member into an `allOf` when its keywords overlap
        // the ones beside it.
        let spec = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n    Thing:\n      \
                    type: object\n      properties:\n        limit:\n          \
                    anyOf: [{type: integer, minimum: 1}, {type: 'null'}]\n          minimum: 0\n          default: 3\n        \
                    small:\n          type: integer\n          anyOf: [{type: integer, format: int32}, {type: 'null'}]\n";
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        assert_eq!(field_type(&api, "Thing", "limit"), (TypeRef::I64, true));
        assert_eq!(field_type(&api, "Thing", "small"), (TypeRef::I32, true));
    }

    #[test]
    fn a_contradiction_is_an_error_at_the_member_that_makes_it() {
        let problems = model(
            "    Thing:\n      allOf:\n        - {type: object, properties: {a: {type: string}}}\n        - {type: string}\n",
        )
        .expect_err("no value is both");
        assert_eq!(
            problems,
            "error at /components/schemas/Thing/allOf/1: this `allOf` member is a string but the members before it make the value an object, so no value can be both; make the members agree"
        );
        let problems = model(
            "    Thing:\n      allOf:\n        - {type: object, properties: {a: {type: string}}}\n        - {type: object, properties: {a: {type: integer}}}\n",
        )
        .expect_err("no value is both");
        assert_eq!(
            problems,
            "error at /components/schemas/Thing/allOf/1/properties/a: `a` is a string in one `allOf` member and an integer in another, so no value can be both; make the definitions agree"
        );
    }

    #[test]
    fn arrays_merge_their_items_and_unions_with_other_types_are_loose() {
        let api = model(
            "    Tags:\n      allOf:\n        - {type: array, items: {type: string}}\n        - {type: array, items: {maxLength: 3}, maxItems: 4}\n    \
             Mixed:\n      allOf:\n        - {type: object, properties: {a: {type: string}}}\n        - {oneOf: [{type: object, properties: {b: {type: string}}}, {type: object, properties: {c: {type: string}}}]}\n",
        )
        .expect("warns only");
        assert!(
            matches!(kind_of(&api, "Tags"), TypeKind::Alias(TypeRef::Array(item)) if *item == TypeRef::String)
        );
        assert!(matches!(kind_of(&api, "Mixed"), TypeKind::Alias(TypeRef::Json)));
        assert_eq!(api.warnings.len(), 1, "{:?}", api.warnings);
    }
}

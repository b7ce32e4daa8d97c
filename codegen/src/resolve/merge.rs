//! `allOf` rendered: the decisions of [`super::all_of`] (which member stands for the merge, or a
//! struct of the merged objects, or an array of the merged items) turned into types. A struct of
//! several definitions gets a type of its own, made once for those definitions (keyed by their
//! pointers), so a merge copied into several places, or into itself, stays one type.

use super::all_of::{decide, Decision, Facts, ValueKind};
use super::docs::docs_of;
use super::resolver::{Definition, Node, Resolver};
use crate::diagnostics::Pointer;
use crate::model::*;
use openapiv3::Schema;

impl<'a> Resolver<'a> {
    /// An `allOf` (with any keywords beside it) → the type its members agree on.
    pub(super) fn lower_all_of<'n>(&mut self, schema: &'n Schema, at: &Pointer, hint: &str) -> (TypeRef, bool)
    where
        'a: 'n,
    {
        let facts = self.merge_facts(schema, at);
        let decision = decide(&facts);
        match decision {
            Decision::Struct => (self.define_inline(hint, schema, at), facts.nullable),
            _ => self.lower_decision(&facts, decision, at, hint),
        }
    }

    /// The facts of an `allOf` schema, its conflicts reported.
    fn merge_facts<'n>(&mut self, schema: &'n Schema, at: &Pointer) -> Facts<'n>
    where
        'a: 'n,
    {
        let definition = Definition { node: Node::Inline(schema), at: at.clone(), home: None };
        let facts = self.facts(&definition, &mut Vec::new());
        for conflict in &facts.conflicts {
            self.diagnostics.push(conflict.at.as_str(), conflict.message());
        }
        facts
    }

    /// The type a merge decision (other than a struct, which gets a name) stands for.
    fn lower_decision<'n>(
        &mut self,
        facts: &Facts<'n>,
        decision: Decision,
        at: &Pointer,
        hint: &str,
    ) -> (TypeRef, bool)
    where
        'a: 'n,
    {
        let ty = match decision {
            Decision::Pick(index) => {
                let (ty, nullable) = self.lower_definition(&facts.candidates[index].definition, hint);
                return (ty, nullable || facts.nullable);
            }
            Decision::Bare(kind) => bare(kind),
            Decision::Array => {
                let item = self.lower_definitions(&facts.items, None, &format!("{hint}Item"));
                TypeRef::Array(Box::new(nullable_inside(item)))
            }
            // (A struct gets a name from the caller and never comes here.)
            Decision::Loose | Decision::Struct => {
                self.diagnostics.warn(
                    at.as_str(),
                    "an `allOf` of a union (`oneOf`, `anyOf`) and other types has no Rust type, so it is typed as any JSON value; move the shared properties into each alternative",
                );
                TypeRef::Json
            }
        };
        (ty, facts.nullable)
    }

    /// Several definitions of one value (a property several `allOf` members define, or their
    /// items) → the type they agree on. A struct of several gets a type of its own, made once for
    /// those definitions.
    pub(super) fn lower_definitions<'n>(
        &mut self,
        definitions: &[Definition<'n>],
        property: Option<&str>,
        hint: &str,
    ) -> (TypeRef, bool)
    where
        'a: 'n,
    {
        // One definition met twice (a merge that reaches itself again through a property) says
        // nothing new; without this, each level of such a loop would add copies and make a new
        // type, until the nesting limit, in time exponential in that limit.
        let mut unique: Vec<Definition<'n>> = Vec::with_capacity(definitions.len());
        for definition in definitions {
            if !unique.iter().any(|seen| seen.at == definition.at) {
                unique.push(definition.clone());
            }
        }
        let definitions = unique.as_slice();
        match definitions {
            [] => return (TypeRef::Json, false),
            [only] => return self.lower_definition(only, hint),
            _ => {}
        }
        let facts = self.facts_of_all(definitions, property);
        for conflict in &facts.conflicts {
            self.diagnostics.push(conflict.at.as_str(), conflict.message());
        }
        let last = &definitions[definitions.len() - 1].at;
        let decision = decide(&facts);
        if decision != Decision::Struct {
            return self.lower_decision(&facts, decision, last, hint);
        }
        // The same definitions met in another order are the same merge, and one type.
        let mut pointers: Vec<&str> = definitions.iter().map(|definition| definition.at.as_str()).collect();
        pointers.sort_unstable();
        let key = pointers.join(" & ");
        if let Some(defined) = self.defined.get(&key) {
            return (TypeRef::Named(defined.name.clone()), facts.nullable);
        }
        let docs = definitions.iter().rev().find_map(|definition| match definition.node {
            Node::Inline(schema) => docs_of(schema),
            Node::Ref(_) => None,
        });
        let ty = self.define_keyed(key, hint, true, |resolver, name| TypeDef {
            name: name.to_owned(),
            pointer: last.to_string(),
            docs,
            deprecated: false,
            kind: TypeKind::Struct(resolver.structure(name, &facts.objects)),
            groups: Vec::new(),
        });
        (ty, facts.nullable)
    }

    /// The shape of a named `allOf`: a struct of the merged objects, or the type it stands for.
    pub(super) fn shape_all_of<'n>(&mut self, name: &str, schema: &'n Schema, at: &Pointer) -> TypeKind
    where
        'a: 'n,
    {
        let facts = self.merge_facts(schema, at);
        match decide(&facts) {
            Decision::Struct => TypeKind::Struct(self.structure(name, &facts.objects)),
            decision => TypeKind::Alias(self.lower_decision(&facts, decision, at, name).0),
        }
    }
}

/// The type of a value of a kind, when no schema names one.
fn bare(kind: ValueKind) -> TypeRef {
    match kind {
        ValueKind::String => TypeRef::String,
        ValueKind::Integer => TypeRef::I64,
        ValueKind::Number => TypeRef::F64,
        ValueKind::Boolean => TypeRef::Bool,
        ValueKind::Array => TypeRef::Array(Box::new(TypeRef::Json)),
        ValueKind::Object => TypeRef::JsonObject,
        ValueKind::Any => TypeRef::Json,
    }
}

/// The type of an array item or map value: `Option` when it may be `null` (a field says so with
/// its own flag instead).
pub(super) fn nullable_inside((ty, nullable): (TypeRef, bool)) -> TypeRef {
    if nullable && ty != TypeRef::Json {
        TypeRef::Nullable(Box::new(ty))
    } else {
        ty
    }
}

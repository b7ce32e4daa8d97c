//! Whole-model passes over the types: leaving out what no operation uses, boxing what cycles
//! through itself, and which structs can implement `Default`.

use super::resolver::Resolver;
use crate::model::*;
use std::collections::HashMap;

/// How many component schemas no operation reaches, removing them (and the types only they
/// use) when `remove` is set. A client sends and receives only what its operations do; a
/// description can define far more (GitHub's defines thousands of webhook payloads), and each
/// type costs compile time.
pub(super) fn unused_schemas(
    types: &mut Vec<TypeDef>,
    operations: &[Operation],
    shared: &[Param],
    remove: bool,
) -> usize {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut reached = vec![false; types.len()];
    let mut pending: Vec<usize> = Vec::new();
    let visit = |ty: &TypeRef, pending: &mut Vec<usize>| {
        if let Some(&at) = ty.named().and_then(|name| index.get(name)) {
            pending.push(at);
        }
    };
    for ty in operations.iter().flat_map(|op| operation_types(op, shared)) {
        visit(ty, &mut pending);
    }
    while let Some(at) = pending.pop() {
        if std::mem::replace(&mut reached[at], true) {
            continue;
        }
        for ty in referenced(&types[at].kind) {
            visit(&ty, &mut pending);
        }
    }
    let unused = types
        .iter()
        .zip(&reached)
        .filter(|(def, reached)| {
            // Component schemas themselves, not the inline types inside them.
            !**reached
                && def.pointer.strip_prefix("/components/schemas/").is_some_and(|name| !name.contains('/'))
        })
        .count();
    if remove {
        let mut keep = reached.into_iter();
        types.retain(|_| keep.next().unwrap_or(true));
    }
    unused
}

/// The types an operation sends and receives: its parameters' (with the `shared` ones every
/// operation takes), its request body's, its success and error bodies'.
pub(super) fn operation_types<'a>(
    op: &'a Operation,
    shared: &'a [Param],
) -> impl Iterator<Item = &'a TypeRef> {
    let success = match &op.success {
        BodyKind::Json(ty) | BodyKind::JsonOrEmpty(ty) | BodyKind::ByStatus(ty) | BodyKind::JsonLines(ty) => {
            Some(ty)
        }
        BodyKind::Text | BodyKind::Binary | BodyKind::Empty => None,
    };
    let params = op.params.iter().chain(shared).map(|param| &param.ty);
    params.chain(op.body.as_ref().map(|body| &body.ty)).chain(success).chain(op.error.as_ref())
}

/// Every type a type refers to, by value or not.
pub(super) fn referenced(kind: &TypeKind) -> Vec<TypeRef> {
    match kind {
        TypeKind::Struct(structure) => {
            let extra = structure.extra.as_ref().map(|extra| extra.ty.clone());
            structure.fields.iter().map(|f| f.ty.clone()).chain(extra).collect()
        }
        TypeKind::TaggedUnion(union) => {
            union.variants.iter().map(|v| TypeRef::Named(v.type_name.clone())).collect()
        }
        TypeKind::UntaggedUnion(variants) => variants.iter().map(|v| v.ty.clone()).collect(),
        TypeKind::AnyOf(members) => members.iter().map(|m| m.ty.clone()).collect(),
        TypeKind::StatusUnion(variants) => variants.iter().map(|v| v.ty.clone()).collect(),
        TypeKind::Alias(ty) => vec![ty.clone()],
        TypeKind::Tuple(tuple) => {
            tuple.items.iter().map(|item| &item.ty).chain(&tuple.rest).cloned().collect()
        }
        TypeKind::Enum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

/// How each parameter's value becomes text, now that every type is known: an alias is as scalar
/// as what it names (followed with a visited set, so a cycle of aliases ends as JSON).
pub(super) fn param_encodings(api: &mut Api) {
    fn is_scalar(ty: &TypeRef, api: &Api, seen: &mut Vec<String>) -> bool {
        match ty {
            TypeRef::Named(name) if !seen.contains(name) => {
                seen.push(name.clone());
                match api.type_def(name).map(|def| &def.kind) {
                    Some(TypeKind::Enum(_) | TypeKind::IntEnum(_)) => true,
                    Some(TypeKind::Alias(inner)) => is_scalar(inner, api, seen),
                    _ => false,
                }
            }
            TypeRef::String | TypeRef::Bool => true,
            other => other.is_number(),
        }
    }
    let encoding = |param: &Param, api: &Api| {
        let scalar = |ty: &TypeRef| is_scalar(ty, api, &mut Vec::new());
        match &param.ty {
            _ if param.style == ParamStyle::Json => ParamEncoding::Json,
            TypeRef::Array(item) if scalar(item) => ParamEncoding::List,
            other if scalar(other) => ParamEncoding::Scalar,
            _ => ParamEncoding::Json,
        }
    };
    let encodings: Vec<Vec<ParamEncoding>> = api
        .operations
        .iter()
        .map(|op| op.params.iter().map(|param| encoding(param, api)).collect())
        .collect();
    for (op, encodings) in api.operations.iter_mut().zip(encodings) {
        for (param, encoding) in op.params.iter_mut().zip(encodings) {
            param.encoding = encoding;
        }
    }
}

/// Which union variants get a `From` impl: those whose Rust type, aliases resolved, no other
/// variant of the same union has (two `impl From<String>` for one enum would not compile).
pub(super) fn from_impls(api: &mut Api) {
    fn resolved(ty: &TypeRef, api: &Api, seen: &mut Vec<String>) -> TypeRef {
        let inner = |inner: &TypeRef, seen: &mut Vec<String>| Box::new(resolved(inner, api, seen));
        match ty {
            TypeRef::Named(name) if !seen.contains(name) => match api.type_def(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => {
                    seen.push(name.clone());
                    resolved(target, api, seen)
                }
                _ => ty.clone(),
            },
            TypeRef::Array(item) => TypeRef::Array(inner(item, seen)),
            TypeRef::Map(value) => TypeRef::Map(inner(value, seen)),
            TypeRef::Nullable(value) => TypeRef::Nullable(inner(value, seen)),
            _ => ty.clone(),
        }
    }
    let marks: Vec<Vec<bool>> = api
        .types
        .iter()
        .map(|def| {
            let held: Vec<TypeRef> = match &def.kind {
                TypeKind::TaggedUnion(union) => {
                    union.variants.iter().map(|variant| TypeRef::Named(variant.type_name.clone())).collect()
                }
                TypeKind::UntaggedUnion(variants) => {
                    variants.iter().map(|variant| variant.ty.clone()).collect()
                }
                _ => Vec::new(),
            };
            let rust: Vec<TypeRef> = held.iter().map(|ty| resolved(ty, api, &mut Vec::new())).collect();
            // No `From<serde_json::Value>`: any JSON is what an untagged union keeps when no
            // member matches, not a member to convert from.
            rust.iter()
                .map(|ty| *ty != TypeRef::Json && rust.iter().filter(|other| *other == ty).count() == 1)
                .collect()
        })
        .collect();
    for (def, marks) in api.types.iter_mut().zip(marks) {
        match &mut def.kind {
            TypeKind::TaggedUnion(union) => {
                union.variants.iter_mut().zip(marks).for_each(|(variant, from)| variant.from_impl = from);
            }
            TypeKind::UntaggedUnion(variants) => {
                variants.iter_mut().zip(marks).for_each(|(variant, from)| variant.from_impl = from);
            }
            _ => {}
        }
    }
}

impl Resolver<'_> {
    /// Marks as boxed every by-value edge inside a cycle of types, so every type has a finite size.
    pub(super) fn break_cycles(&mut self) {
        let index = &self.type_index;
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
                TypeKind::AnyOf(members) => {
                    for member in members {
                        if let TypeRef::Named(name) = &member.ty {
                            member.boxed = cyclic(position, name);
                        }
                    }
                }
                TypeKind::Tuple(tuple) => {
                    for item in &mut tuple.items {
                        if let TypeRef::Named(name) = &item.ty {
                            item.boxed = cyclic(position, name);
                        }
                    }
                }
                TypeKind::Alias(TypeRef::Named(name)) if cyclic(position, name) => {
                    alias_cycles.push(def.pointer.clone());
                }
                // Error enums by status are referenced by no other type, so they close no cycle.
                TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::StatusUnion(_) => {}
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
    pub(super) fn compute_defaults(&mut self) {
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
}

pub(super) fn type_has_default(ty: &TypeRef, defaults: &HashMap<String, bool>) -> bool {
    match ty {
        TypeRef::Named(name) => defaults.get(name).copied().unwrap_or(false),
        _ => true,
    }
}

/// Types a type holds by value (not behind `Vec` or a map), which a cycle must not pass through.
pub(super) fn by_value_targets(kind: &TypeKind) -> Vec<&str> {
    match kind {
        TypeKind::Struct(structure) => {
            structure.fields.iter().filter_map(|f| f.ty.named_directly()).collect()
        }
        TypeKind::TaggedUnion(union) => union.variants.iter().map(|v| v.type_name.as_str()).collect(),
        TypeKind::UntaggedUnion(variants) => variants.iter().filter_map(|v| v.ty.named_directly()).collect(),
        TypeKind::AnyOf(members) => members.iter().filter_map(|m| m.ty.named_directly()).collect(),
        TypeKind::Tuple(tuple) => tuple.items.iter().filter_map(|item| item.ty.named_directly()).collect(),
        TypeKind::Alias(TypeRef::Named(name)) => vec![name.as_str()],
        TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::StatusUnion(_) => {
            Vec::new()
        }
    }
}

/// Tarjan's algorithm, iterative so that deep schemas cannot overflow the stack. Returns the
/// component id of every node.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
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
    use crate::model::{ParamEncoding, TypeKind};

    #[test]
    pub(super) fn cycles_share_a_component_and_chains_do_not() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 0 hangs off it; 4 points to itself.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let component = strongly_connected(&edges);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
        assert_ne!(component[4], component[0]);
    }

    /// The encodings of `/x`'s query parameters, in order, for a spec with these component
    /// schemas and parameter schemas.
    fn encodings(schemas: &str, params: &[&str]) -> Vec<ParamEncoding> {
        let params: String = params
            .iter()
            .enumerate()
            .map(|(at, schema)| format!("        - {{name: p{at}, in: query, schema: {schema}}}\n"))
            .collect();
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /x:\n    get:\n      operationId: x\n      \
             parameters:\n{params}      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        api.operations[0].params.iter().map(|param| param.encoding).collect()
    }

    #[test]
    fn aliases_are_as_scalar_as_what_they_name_and_everything_else_is_json() {
        let schemas =
            "    Color: {type: string, enum: [red]}\n    Shade: {$ref: '#/components/schemas/Color'}\n    \
                       Point: {type: object, properties: {x: {type: integer}}}\n";
        let found = encodings(
            schemas,
            &[
                "{type: integer}",
                "{$ref: '#/components/schemas/Shade'}",
                "{type: array, items: {$ref: '#/components/schemas/Color'}}",
                "{type: array, items: {$ref: '#/components/schemas/Point'}}",
                "{$ref: '#/components/schemas/Point'}",
            ],
        );
        use ParamEncoding::*;
        assert_eq!(found, [Scalar, Scalar, List, Json, Json]);
    }

    #[test]
    fn only_variants_whose_rust_type_no_other_variant_has_get_a_from_impl() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Name: {type: string}\n    Title: {$ref: '#/components/schemas/Name'}\n    \
                    Text: {oneOf: [{$ref: '#/components/schemas/Name'}, {$ref: '#/components/schemas/Title'}, {type: integer}, {type: array, items: {$ref: '#/components/schemas/Title'}}, {type: array, items: {type: string}}]}\n";
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        let Some(TypeKind::UntaggedUnion(variants)) = api.type_def("Text").map(|def| &def.kind) else {
            panic!("Text is an untagged union")
        };
        // `Name` and `Title` are both `String`, and both arrays `Vec<String>`; the last variant,
        // which keeps a value matching none, converts from nothing.
        let from: Vec<bool> = variants.iter().map(|variant| variant.from_impl).collect();
        assert_eq!(from, [false, false, true, false, false, false]);
    }

    #[test]
    fn the_extra_fields_map_takes_a_name_no_property_has() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Bag: {type: object, properties: {extra: {type: string}}, additionalProperties: {type: integer}}\n";
        let api = crate::model(spec.as_bytes()).unwrap_or_else(|problems| panic!("{problems}"));
        let Some(TypeKind::Struct(bag)) = api.type_def("Bag").map(|def| &def.kind) else {
            panic!("Bag is a struct")
        };
        assert_eq!(bag.fields[0].rust_name.as_str(), "extra");
        assert_eq!(bag.extra.as_ref().map(|extra| extra.rust_name.as_str()), Some("extra2"));
    }
}

//! The public API a generated crate exposes, as data: what regeneration can change for its users.
//!
//! It is computed from the model, written next to the generated crate (`api-surface.json`), and
//! read back at the next regeneration so [`crate::changes`] can say what changed. The surface of a
//! part of the API ([`surface_of_operations`]: some operations and the types they reach) lets two
//! descriptions of different sizes be compared on what they share.

use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Everything a user of the generated crate can name, by wire name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// Who wrote the file (JSON has no comments).
    #[serde(rename = "@generated")]
    pub generated_by: String,
    /// The crate version this surface was generated as.
    pub version: String,
    /// Operations by `operationId`.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Types by Rust name.
    pub types: BTreeMap<String, TypeSurface>,
}

/// An operation as its client method and builder show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// `Client` method.
    pub method: String,
    /// `GET /path`.
    pub request: String,
    /// Parameters by wire name.
    pub params: BTreeMap<String, ParamSurface>,
    /// Request body type.
    pub body: Option<String>,
    /// What a success returns.
    pub returns: String,
    /// Error body type.
    pub error: Option<String>,
}

/// A parameter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamSurface {
    /// `path`, `query` or `header`.
    pub location: String,
    /// Rust type.
    pub ty: String,
    /// A method argument (required without default) rather than a setter.
    pub argument: bool,
}

/// A type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSurface {
    /// `struct`, `enum`, `union` (discriminated), `untagged union` or `alias`.
    pub kind: String,
    /// Struct fields by wire name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldSurface>,
    /// Enum values or union variants (wire values or variant names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<String>,
    /// What an alias stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

/// A struct field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// The Rust type as written in the struct (with its `Option`s).
    pub ty: String,
    /// Listed in `required`.
    pub required: bool,
}

/// A type reference as a user reads it.
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::DateTime => "DateTime<Utc>".to_owned(),
        TypeRef::Date => "NaiveDate".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Base64 => "Base64Bytes".to_owned(),
        TypeRef::File => "FilePart".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
        TypeRef::Array(item) => format!("Vec<{}>", type_text(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_text(value)),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_text(inner)),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::JsonObject => "serde_json::Map".to_owned(),
        number => number.number_name().unwrap_or("i64").to_owned(),
    }
}

fn field_text(field: &Field) -> String {
    let inner = type_text(&field.ty);
    match (field.required, field.nullable) {
        (true, false) => inner,
        (true, true) | (false, false) => format!("Option<{inner}>"),
        (false, true) => format!("Option<Option<{inner}>>"),
    }
}

/// The surface of a model, as the crate at `version` exposes it.
pub fn surface(api: &Api, version: &str, generated_by: &str) -> Surface {
    let operations = api
        .operations
        .iter()
        .map(|op| {
            let params = op
                .params
                .iter()
                .map(|param| {
                    let location = match param.location {
                        ParamLocation::Path => "path",
                        ParamLocation::Query => "query",
                        ParamLocation::Header => "header",
                        ParamLocation::Cookie => "cookie",
                    };
                    let argument =
                        param.location == ParamLocation::Path || (param.required && param.default.is_none());
                    let surface =
                        ParamSurface { location: location.to_owned(), ty: type_text(&param.ty), argument };
                    (param.wire_name.clone(), surface)
                })
                .collect();
            let returns = match &op.success {
                BodyKind::Json(ty) => type_text(ty),
                BodyKind::JsonOrEmpty(ty) => format!("Option<{}>", type_text(ty)),
                BodyKind::ByStatus(ty) => type_text(ty),
                BodyKind::JsonLines(ty) => format!("JsonlStream<{}>", type_text(ty)),
                BodyKind::Text => "String".to_owned(),
                BodyKind::Binary => "Bytes".to_owned(),
                BodyKind::Empty => "()".to_owned(),
            };
            let surface = OperationSurface {
                method: op.method_name.as_str().to_owned(),
                request: format!("{} {}", op.http_method, op.path),
                params,
                body: op.body.as_ref().map(|body| match body.required {
                    true => type_text(&body.ty),
                    false => format!("Option<{}>", type_text(&body.ty)),
                }),
                returns,
                error: op.error.as_ref().map(type_text),
            };
            (op.operation_id.clone(), surface)
        })
        .collect();
    let types = api
        .types
        .iter()
        .map(|def| {
            let mut surface = TypeSurface::default();
            match &def.kind {
                TypeKind::Struct(structure) => {
                    surface.kind = "struct".to_owned();
                    surface.fields = structure
                        .fields
                        .iter()
                        .map(|field| {
                            (
                                field.wire_name.clone(),
                                FieldSurface { ty: field_text(field), required: field.required },
                            )
                        })
                        .collect();
                }
                TypeKind::Enum(values) => {
                    surface.kind = "enum".to_owned();
                    surface.variants = values.iter().map(|value| value.wire.clone()).collect();
                }
                TypeKind::IntEnum(values) => {
                    surface.kind = "integer enum".to_owned();
                    surface.variants = values.iter().map(|value| value.wire.to_string()).collect();
                }
                TypeKind::TaggedUnion(union) => {
                    surface.kind = "union".to_owned();
                    surface.variants =
                        union.variants.iter().map(|v| format!("{} ({})", v.tag, v.type_name)).collect();
                }
                // The union arms look alike: each records the same facts (kind, one line per
                // variant) of a different model type.
                TypeKind::AnyOf(members) => {
                    surface.kind = "any of".to_owned();
                    surface.variants =
                        members.iter().map(|m| format!("{} ({})", m.name, type_text(&m.ty))).collect();
                }
                TypeKind::UntaggedUnion(variants) => {
                    surface.kind = "untagged union".to_owned();
                    surface.variants =
                        variants.iter().map(|v| format!("{} ({})", v.variant, type_text(&v.ty))).collect();
                }
                TypeKind::Alias(ty) => {
                    surface.kind = "alias".to_owned();
                    surface.alias = Some(type_text(ty));
                }
                TypeKind::StatusUnion(variants) => {
                    surface.kind = "error by status".to_owned();
                    surface.variants =
                        variants.iter().map(|v| format!("{} ({})", v.variant, type_text(&v.ty))).collect();
                }
                TypeKind::Tuple(tuple) => {
                    surface.kind = "tuple".to_owned();
                    let positions = tuple.items.iter().enumerate().map(|(index, item)| {
                        let ty = type_text(&item.ty);
                        let ty = if item.nullable { format!("Option<{ty}>") } else { ty };
                        (index.to_string(), FieldSurface { ty, required: true })
                    });
                    let rest = tuple.rest.iter().map(|rest| {
                        let ty = format!("Vec<{}>", type_text(rest));
                        ("rest".to_owned(), FieldSurface { ty, required: false })
                    });
                    surface.fields = positions.chain(rest).collect();
                }
            }
            (def.name.clone(), surface)
        })
        .collect();
    Surface { generated_by: generated_by.to_owned(), version: version.to_owned(), operations, types }
}

/// The surface of the operations `keep` accepts and of the types they reach, and nothing else: a
/// small description and the part of a large one that it covers compare on what they share.
pub fn surface_of_operations(
    api: &Api,
    version: &str,
    generated_by: &str,
    keep: impl Fn(&Operation) -> bool,
) -> Surface {
    let kept: Vec<&Operation> = api.operations.iter().filter(|op| keep(op)).collect();
    let ids: BTreeSet<&str> = kept.iter().map(|op| op.operation_id.as_str()).collect();
    let types = reachable_types(api, kept);
    let mut whole = surface(api, version, generated_by);
    whole.operations.retain(|id, _| ids.contains(id.as_str()));
    whole.types.retain(|name, _| types.contains(name));
    whole
}

/// The names of the types `operations` reach: those their parameters, request bodies, results and
/// error bodies name, then every type those name in turn (fields, the extra-fields map, variants,
/// members, what an alias stands for), through containers such as `Vec` and `Option`.
pub fn reachable_types<'a>(
    api: &Api,
    operations: impl IntoIterator<Item = &'a Operation>,
) -> BTreeSet<String> {
    let mut pending: Vec<&str> = Vec::new();
    for op in operations {
        let success = op.success.value_type();
        let refs = op.params.iter().map(|param| &param.ty).chain(op.body.as_ref().map(|body| &body.ty));
        pending.extend(refs.chain(success).chain(op.error.as_ref()).filter_map(TypeRef::named));
    }
    let mut reached = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !reached.insert(name.to_owned()) {
            continue;
        }
        let Some(def) = api.type_def(name) else { continue };
        match &def.kind {
            TypeKind::Struct(structure) => {
                let extra = structure.extra.as_ref().map(|extra| &extra.ty);
                let refs = structure.fields.iter().map(|field| &field.ty).chain(extra);
                pending.extend(refs.filter_map(TypeRef::named));
            }
            TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
            TypeKind::TaggedUnion(union) => {
                pending.extend(union.variants.iter().map(|variant| variant.type_name.as_str()))
            }
            TypeKind::UntaggedUnion(variants) => {
                pending.extend(variants.iter().filter_map(|variant| variant.ty.named()))
            }
            TypeKind::AnyOf(members) => pending.extend(members.iter().filter_map(|member| member.ty.named())),
            TypeKind::Alias(ty) => pending.extend(ty.named()),
            TypeKind::StatusUnion(variants) => {
                pending.extend(variants.iter().filter_map(|variant| variant.ty.named()))
            }
            TypeKind::Tuple(tuple) => {
                let rest = tuple.rest.as_ref();
                pending.extend(tuple.items.iter().map(|item| &item.ty).chain(rest).filter_map(TypeRef::named))
            }
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::{reachable_types, surface_of_operations};

    /// `/v1/pets/**` reaches `Pet` (result), `Owner` (a field), `Address` (through an array),
    /// `Species` (a union variant) and `Problem` (the error body, an alias of `Detail`); `Bill`
    /// belongs to the other path only and `Unused` to no operation.
    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /v1/pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
        "404": {description: no, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
  /v1/bills:
    get:
      operationId: getBill
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Bill"}}}}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: "#/components/schemas/Owner"}
        species: {$ref: "#/components/schemas/Species"}
    Owner:
      type: object
      properties:
        addresses: {type: array, items: {$ref: "#/components/schemas/Address"}}
    Address: {type: object, properties: {city: {type: string}}}
    Species:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
      discriminator: {propertyName: kind}
    Cat: {type: object, required: [kind], properties: {kind: {type: string, enum: [Cat]}}}
    Dog: {type: object, required: [kind], properties: {kind: {type: string, enum: [Dog]}}}
    Problem: {$ref: "#/components/schemas/Detail"}
    Detail: {type: object, properties: {message: {type: string}}}
    Bill: {type: object, properties: {total: {type: number}}}
    Unused: {type: object, properties: {x: {type: string}}}
"##;

    #[test]
    fn operations_reach_the_types_they_name_and_those_these_name() {
        let api = crate::model(SPEC.as_bytes()).expect("the spec resolves");
        let pets = api.operations.iter().filter(|op| op.path.starts_with("/v1/pets/"));
        let reached: Vec<String> = reachable_types(&api, pets).into_iter().collect();
        for name in ["Pet", "Owner", "Address", "Species", "Cat", "Dog", "Detail"] {
            assert!(reached.iter().any(|r| r == name), "{name} not in {reached:?}");
        }
        for name in ["Bill", "Unused"] {
            assert!(!reached.iter().any(|r| r == name), "{name} in {reached:?}");
        }
    }

    #[test]
    fn the_surface_of_some_operations_holds_those_and_their_types_only() {
        let api = crate::model(SPEC.as_bytes()).expect("the spec resolves");
        let part = surface_of_operations(&api, "", "", |op| op.path == "/v1/bills");
        assert_eq!(part.operations.keys().collect::<Vec<_>>(), ["getBill"]);
        assert_eq!(part.types.keys().collect::<Vec<_>>(), ["Bill"]);
    }
}

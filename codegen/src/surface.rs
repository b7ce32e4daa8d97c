//! The public API a generated crate exposes, as data: what regeneration can change for its users.
//!
//! It is computed from the model, written next to the generated crate (`api-surface.json`), and
//! read back at the next regeneration so [`crate::changes`] can say what changed.

use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
        TypeRef::Array(item) => format!("Vec<{}>", type_text(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_text(value)),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_text(inner)),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::JsonObject => "serde_json::Map".to_owned(),
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
                TypeKind::TaggedUnion(union) => {
                    surface.kind = "union".to_owned();
                    surface.variants =
                        union.variants.iter().map(|v| format!("{} ({})", v.tag, v.type_name)).collect();
                }
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

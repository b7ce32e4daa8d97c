//! References to Rust types: the scalars each schema `type` and `format` maps to, and the
//! containers around them.

/// A reference to a Rust type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A generated type, by Rust name.
    Named(String),
    /// `String`.
    String,
    /// `chrono::DateTime<chrono::Utc>` (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`, `YYYY-MM-DD` on the wire).
    Date,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// Bytes that are base64 text on the wire (`format: byte`, `contentEncoding: base64`): the
    /// runtime's `Base64Bytes`.
    Base64,
    /// A file sent as one part of a `multipart/form-data` body (a `format: binary` property):
    /// the runtime's `FilePart`, any bytes with a file name and content type.
    File,
    /// `i8` (`format: int8`).
    I8,
    /// `i16` (`format: int16`).
    I16,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64`, and integers of any other or no format).
    I64,
    /// `u8` (`format: uint8`).
    U8,
    /// `u16` (`format: uint16`).
    U16,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64` or `uint`).
    U64,
    /// `f32` (`format: float`).
    F32,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `Vec<u8>`: raw bytes of a binary body.
    Bytes,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<TypeRef>),
    /// Any JSON value.
    Json,
    /// A JSON object of unknown shape.
    JsonObject,
}

impl TypeRef {
    /// The generated type this is, if it is one (not inside a container).
    pub fn named_directly(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            _ => None,
        }
    }

    /// The generated type this refers to directly or through containers, if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.named(),
            _ => None,
        }
    }

    /// The type without the containers around it (`Vec`, maps, `Option`).
    pub fn leaf(&self) -> &TypeRef {
        match self {
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.leaf(),
            other => other,
        }
    }

    /// A number type (integer or float), written as its `Display` text in a parameter.
    pub fn is_number(&self) -> bool {
        self.number_name().is_some()
    }

    /// The Rust primitive a number type is (`"u16"`), else `None`.
    pub fn number_name(&self) -> Option<&'static str> {
        Some(match self {
            TypeRef::I8 => "i8",
            TypeRef::I16 => "i16",
            TypeRef::I32 => "i32",
            TypeRef::I64 => "i64",
            TypeRef::U8 => "u8",
            TypeRef::U16 => "u16",
            TypeRef::U32 => "u32",
            TypeRef::U64 => "u64",
            TypeRef::F32 => "f32",
            TypeRef::F64 => "f64",
            _ => return None,
        })
    }
}

/// One value of an integer enum.
#[derive(Clone, Debug)]
pub struct IntEnumValue {
    /// The integer on the wire.
    pub wire: i64,
    /// The Rust variant name.
    pub variant: String,
}

impl super::Api {
    /// Whether some type, parameter or body of the API is, or holds, a type for which `wanted`
    /// holds (through `Vec`, maps and `Option`): what decides the dependencies and runtime pieces
    /// a crate needs for its types (chrono only for dates, uuid only for UUIDs…).
    pub fn uses_type(&self, wanted: impl Fn(&TypeRef) -> bool) -> bool {
        use super::TypeKind;
        let wanted = |ty: &TypeRef| wanted(ty.leaf());
        let in_kind = |kind: &TypeKind| match kind {
            TypeKind::Struct(structure) => {
                structure.fields.iter().any(|f| wanted(&f.ty))
                    || structure.extra.as_ref().is_some_and(|extra| wanted(&extra.ty))
            }
            TypeKind::UntaggedUnion(variants) => variants.iter().any(|v| wanted(&v.ty)),
            TypeKind::AnyOf(members) => members.iter().any(|m| wanted(&m.ty)),
            TypeKind::StatusUnion(variants) => variants.iter().any(|v| wanted(&v.ty)),
            TypeKind::Alias(ty) => wanted(ty),
            TypeKind::Tuple(tuple) => tuple.items.iter().map(|item| &item.ty).chain(&tuple.rest).any(wanted),
            TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::TaggedUnion(_) => false,
        };
        let in_operation = |op: &super::Operation| {
            let success = op.success.value_type();
            op.params.iter().any(|p| wanted(&p.ty))
                || op.body.as_ref().is_some_and(|body| wanted(&body.ty))
                || success.into_iter().chain(&op.error).any(wanted)
        };
        self.types.iter().any(|def| in_kind(&def.kind))
            || self.operations.iter().any(in_operation)
            || self.shared_params.iter().any(|p| wanted(&p.ty))
            || self.webhooks.iter().filter_map(|webhook| webhook.payload.as_ref()).any(wanted)
    }
}

impl super::BodyKind {
    /// The type a success body decodes into (one line's, for JSON Lines); `None` for text, bytes
    /// and no body.
    pub fn value_type(&self) -> Option<&TypeRef> {
        use super::BodyKind;
        match self {
            BodyKind::Json(ty)
            | BodyKind::JsonOrEmpty(ty)
            | BodyKind::ByStatus(ty)
            | BodyKind::JsonLines(ty) => Some(ty),
            BodyKind::Text | BodyKind::Binary | BodyKind::Empty => None,
        }
    }
}

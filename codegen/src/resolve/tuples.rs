//! Tuples: an array with a schema per position (OpenAPI 3.1 `prefixItems`), which the downgrade
//! keeps in the [`PREFIX_ITEMS`] extension of the array schema (OpenAPI 3.0 has no place for it).
//! Each position becomes a field of a tuple struct; the items after them (the array's `items`, or
//! any JSON value when it says nothing) a last `Vec` field, unless the schema allows none.

use super::resolver::{Node, Resolver};
use crate::diagnostics::Pointer;
use crate::downgrade::PREFIX_ITEMS;
use crate::model::*;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// Whether a schema is a tuple.
pub(super) fn is_tuple(schema: &Schema) -> bool {
    matches!(schema.schema_kind, SchemaKind::Type(Type::Array(_)))
        && schema.schema_data.extensions.contains_key(PREFIX_ITEMS)
}

impl Resolver<'_> {
    /// The shape of a tuple type named `name`, or `None` when the schema is no tuple.
    pub(super) fn tuple(&mut self, name: &str, schema: &Schema, at: &Pointer) -> Option<TypeKind> {
        let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind else { return None };
        let serde_json::Value::Array(positions) = schema.schema_data.extensions.get(PREFIX_ITEMS)? else {
            return None;
        };
        let mut items = Vec::new();
        for (index, position) in positions.iter().enumerate() {
            let position_at = at.key("prefixItems").index(index);
            let hint = format!("{name}Item{}", index + 1);
            let (ty, nullable) = match serde_json::from_value::<ReferenceOr<Schema>>(position.clone()) {
                Ok(ReferenceOr::Reference { reference }) => {
                    self.lower(Node::Ref(&reference), &position_at, &hint)
                }
                Ok(ReferenceOr::Item(mut position)) => {
                    // What sits in an extension was not part of the document the loader repaired.
                    crate::load::repair_schema(&mut position, &position_at, &mut self.diagnostics);
                    self.lower(Node::Inline(&position), &position_at, &hint)
                }
                Err(error) => {
                    self.diagnostics.push(position_at.as_str(), format!("not a valid schema here: {error}"));
                    (TypeRef::Json, false)
                }
            };
            items.push(TupleItem { ty, nullable, boxed: false });
        }
        let closed = array.max_items.is_some_and(|max| max <= positions.len());
        let rest = match &array.items {
            _ if closed => None,
            Some(rest) => {
                let (ty, nullable) = self.lower(rest.into(), &at.key("items"), &format!("{name}Item"));
                Some(if nullable && ty != TypeRef::Json { TypeRef::Nullable(Box::new(ty)) } else { ty })
            }
            None => Some(TypeRef::Json),
        };
        Some(TypeKind::Tuple(Tuple { items, rest }))
    }
}

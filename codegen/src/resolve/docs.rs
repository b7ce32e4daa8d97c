//! Doc text from schemas: titles and descriptions, and the constraints and default a user reads
//! before sending a value.

use crate::model::describe_default;
use openapiv3::{Schema, SchemaKind, Type};

/// A schema's title and description, the title first, as a paragraph of its own.
pub(super) fn docs_of(schema: &Schema) -> Option<String> {
    match (&schema.schema_data.title, &schema.schema_data.description) {
        (Some(title), Some(description)) => Some(format!("{title}\n\n{description}")),
        (title, description) => description.clone().or_else(|| title.clone()),
    }
}

/// The docs of a field: the schema's own, then its constraints and default.
pub(super) fn field_docs(schema: &Schema) -> Option<String> {
    join_docs(docs_of(schema), constraint_docs(schema))
}

/// Two pieces of doc text as paragraphs, either one alone when the other is missing.
pub(super) fn join_docs(docs: Option<String>, extra: Option<String>) -> Option<String> {
    match (docs, extra) {
        (Some(docs), Some(extra)) => Some(format!("{}\n\n{extra}", docs.trim_end())),
        (docs, extra) => docs.or(extra),
    }
}

/// Constraints and default, as a doc line a user reads before sending a value.
pub(super) fn constraint_docs(schema: &Schema) -> Option<String> {
    let mut parts = Vec::new();
    let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max}{unit}")),
        (Some(min), None) => Some(format!("at least {min}{unit}")),
        (None, Some(max)) => Some(format!("at most {max}{unit}")),
        (None, None) => None,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => {
            parts.extend(range(
                integer.minimum.map(|v| v.to_string()),
                integer.maximum.map(|v| v.to_string()),
                "",
            ));
        }
        SchemaKind::Type(Type::Number(number)) => {
            parts.extend(range(
                number.minimum.map(|v| v.to_string()),
                number.maximum.map(|v| v.to_string()),
                "",
            ));
        }
        SchemaKind::Type(Type::String(string)) => {
            parts.extend(range(
                string.min_length.map(|v| v.to_string()),
                string.max_length.map(|v| v.to_string()),
                " characters",
            ));
            if let Some(pattern) = &string.pattern {
                parts.push(format!("matches `{pattern}`"));
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            parts.extend(range(
                array.min_items.map(|v| v.to_string()),
                array.max_items.map(|v| v.to_string()),
                " items",
            ));
        }
        _ => {}
    }
    if let Some(default) = &schema.schema_data.default {
        parts.push(format!("default {}", describe_default(default)));
    }
    (!parts.is_empty()).then(|| format!("Constraints: {}.", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> Schema {
        serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{yaml}: {error}"))
    }

    #[test]
    fn constraints_and_default_read_as_one_sentence() {
        let docs = constraint_docs(&schema("{type: integer, minimum: 1, maximum: 10, default: 5}"));
        assert_eq!(docs.as_deref(), Some("Constraints: 1 to 10; default `5`."));
        let docs = constraint_docs(&schema("{type: string, minLength: 2, pattern: '^a', default: ab}"));
        assert_eq!(
            docs.as_deref(),
            Some("Constraints: at least 2 characters; matches `^a`; default `\"ab\"`.")
        );
        assert_eq!(constraint_docs(&schema("{type: boolean}")), None);
    }

    #[test]
    fn field_docs_put_the_constraints_after_title_and_description() {
        let docs = field_docs(&schema("{type: array, title: T, description: 'D\n', maxItems: 3}"));
        assert_eq!(docs.as_deref(), Some("T\n\nD\n\nConstraints: at most 3 items."));
        assert_eq!(field_docs(&schema("{type: array}")), None);
    }
}

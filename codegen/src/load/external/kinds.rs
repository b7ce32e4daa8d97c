//! The kind of thing each place of a description holds, as far as a `$ref` there is concerned:
//! a reference in an operation's `parameters` names a parameter, one under a schema's
//! `properties` names a schema, one in an `example` names nothing (it is data).

/// What a place in a description holds, as far as a `$ref` there is concerned: the section of
/// `components` a copy of its target goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Schema,
    /// A schema's `discriminator`, whose `mapping` values may be references.
    Discriminator,
    /// Data (an example value) or an extension: references in it are not followed.
    Opaque,
}

impl Kind {
    /// The section of `components` that holds this kind.
    pub(super) fn section(self) -> &'static str {
        match self {
            Kind::PathItem => "pathItems",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            _ => "schemas",
        }
    }

    /// The kind of `section` of `components`.
    pub(super) fn of_section(section: &str) -> Option<Kind> {
        Some(match section {
            "schemas" => Kind::Schema,
            "parameters" => Kind::Parameter,
            "requestBodies" => Kind::RequestBody,
            "responses" => Kind::Response,
            "headers" => Kind::Header,
            "examples" => Kind::Example,
            "links" => Kind::Link,
            "callbacks" => Kind::Callback,
            "securitySchemes" => Kind::SecurityScheme,
            "pathItems" => Kind::PathItem,
            _ => return None,
        })
    }

    /// What the value under `key` of an object of this kind holds: `Entries(k)` for a map or list
    /// of `k`s, `One(k)` for a single one.
    pub(super) fn child(self, key: &str) -> Child {
        use Child::{Entries, One};
        if key.starts_with("x-") && self != Kind::Schema {
            return One(Kind::Opaque);
        }
        match (self, key) {
            (Kind::Schema, "example" | "examples" | "default" | "enum" | "const") => One(Kind::Opaque),
            // Maps from names to schemas: any name, `default` or `x-a` included, is a schema.
            (
                Kind::Schema,
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
            ) => Entries(Kind::Schema),
            (Kind::Schema, "discriminator") => One(Kind::Discriminator),
            // Everything else in a schema is a schema, a map or list of them, or a keyword
            // whose value holds no `$ref`.
            (Kind::Schema, _) => One(Kind::Schema),
            (Kind::Document, "paths" | "webhooks") => Entries(Kind::PathItem),
            (Kind::Document, "components") => One(Kind::Components),
            (Kind::Components, section) => Kind::of_section(section).map_or(One(Kind::Opaque), Entries),
            (Kind::PathItem, "parameters") | (Kind::Operation, "parameters") => Entries(Kind::Parameter),
            (Kind::PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => {
                One(Kind::Operation)
            }
            (Kind::Operation, "requestBody") => One(Kind::RequestBody),
            (Kind::Operation, "responses") => Entries(Kind::Response),
            (Kind::Operation, "callbacks") => Entries(Kind::Callback),
            (Kind::Callback, _) => One(Kind::PathItem),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => One(Kind::Schema),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "examples") => Entries(Kind::Example),
            (Kind::Parameter | Kind::Header | Kind::Response | Kind::RequestBody, "content") => {
                Entries(Kind::MediaType)
            }
            (Kind::MediaType, "encoding") => Entries(Kind::Encoding),
            (Kind::Encoding | Kind::Response, "headers") => Entries(Kind::Header),
            (Kind::Response, "links") => Entries(Kind::Link),
            _ => One(Kind::Opaque),
        }
    }
}

/// What an object key holds.
#[derive(Clone, Copy)]
pub(super) enum Child {
    One(Kind),
    Entries(Kind),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_a_place_follows_the_document_structure() {
        // The kind at a path of keys, where a key right after an `Entries` step is an entry name.
        let kind_at = |steps: &[&str]| {
            let (mut kind, mut entry_name_next) = (Kind::Document, false);
            for step in steps {
                if std::mem::take(&mut entry_name_next) {
                    if step.starts_with("x-") && kind != Kind::Schema {
                        kind = Kind::Opaque;
                    }
                    continue;
                }
                match kind.child(step) {
                    Child::One(next) => kind = next,
                    Child::Entries(next) => (kind, entry_name_next) = (next, true),
                }
            }
            kind
        };
        assert_eq!(kind_at(&["components", "schemas", "Pet"]), Kind::Schema);
        // An operation's `parameters` are parameters; a property named `parameters` is a schema.
        assert_eq!(kind_at(&["paths", "/pets", "get", "parameters"]), Kind::Parameter);
        assert_eq!(kind_at(&["components", "schemas", "Pet", "properties", "parameters"]), Kind::Schema);
        assert_eq!(kind_at(&["components", "schemas", "Pet", "properties", "default"]), Kind::Schema);
        assert_eq!(kind_at(&["components", "schemas", "Pet", "default"]), Kind::Opaque);
        assert_eq!(kind_at(&["paths", "x-internal", "get"]), Kind::Opaque);
        assert!(matches!(Kind::Schema.child("example"), Child::One(Kind::Opaque)));
        assert!(matches!(Kind::Response.child("content"), Child::Entries(Kind::MediaType)));
    }
}

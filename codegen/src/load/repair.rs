//! Repairs of how openapiv3 reads a document, made once over the whole parsed document so that
//! resolving sees every schema the way the document wrote it and never has to repair one again.
//!
//! openapiv3 reads a schema with a `type` as that type only when every keyword beside it belongs
//! to that type: `type: string` next to `minItems` (a slip real descriptions make) is read as an
//! untyped schema ([`SchemaKind::Any`]) that still carries the `type`. [`retype`] gives such a
//! schema its type back, keeping the keywords that type has and dropping the ones that cannot
//! apply. Nothing moves, so every schema stays at its pointer.

use crate::diagnostics::{Diagnostics, Pointer};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, Components, Header, IntegerFormat, MediaType, NumberFormat, OpenAPI,
    Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Response, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// Repairs every schema of the document: under `paths` (parameters, request bodies, responses,
/// their headers and callbacks) and under `components`, and every schema nested in those. What
/// a repair reads more loosely than the document says is a warning in `warnings`.
pub(super) fn repair(document: &mut OpenAPI, warnings: &mut Diagnostics) {
    let mut repair = Repair { warnings };
    let at = Pointer::root().key("paths");
    for (path, item) in &mut document.paths.paths {
        if let ReferenceOr::Item(item) = item {
            repair.path_item(item, &at.key(path));
        }
    }
    if let Some(components) = &mut document.components {
        repair.components(components);
    }
}

/// Repairs a path item found outside `paths` (a webhook's).
pub(super) fn path_item(item: &mut PathItem, at: &Pointer, warnings: &mut Diagnostics) {
    Repair { warnings }.path_item(item, at);
}

/// Repairs a schema found outside the document's schema places (a tuple position kept in an
/// extension), and the schemas inside it.
pub(super) fn schema(schema: &mut Schema, at: &Pointer, warnings: &mut Diagnostics) {
    Repair { warnings }.schema(schema, at);
}

/// The walk over a document, with the warnings it gives.
struct Repair<'w> {
    warnings: &'w mut Diagnostics,
}

impl Repair<'_> {
    fn components(&mut self, components: &mut Components) {
        let at = Pointer::root().key("components");
        let schemas = at.key("schemas");
        for (name, schema) in &mut components.schemas {
            self.schema_or_ref(schema, &schemas.key(name));
        }
        for (name, response) in &mut components.responses {
            if let ReferenceOr::Item(response) = response {
                self.response(response, &at.key("responses").key(name));
            }
        }
        for (name, parameter) in &mut components.parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                self.parameter(parameter, &at.key("parameters").key(name));
            }
        }
        for (name, body) in &mut components.request_bodies {
            if let ReferenceOr::Item(body) = body {
                self.content(&mut body.content, &at.key("requestBodies").key(name));
            }
        }
        self.headers(&mut components.headers, &at);
        for (name, callback) in &mut components.callbacks {
            if let ReferenceOr::Item(callback) = callback {
                let at = at.key("callbacks").key(name);
                for (expression, item) in callback.iter_mut() {
                    self.path_item(item, &at.key(expression));
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut PathItem, at: &Pointer) {
        self.parameters(&mut item.parameters, at);
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                self.operation(operation, &at.key(method));
            }
        }
    }

    fn operation(&mut self, operation: &mut Operation, at: &Pointer) {
        self.parameters(&mut operation.parameters, at);
        if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
            self.content(&mut body.content, &at.key("requestBody"));
        }
        let responses = &mut operation.responses;
        let at_responses = at.key("responses");
        if let Some(ReferenceOr::Item(response)) = &mut responses.default {
            self.response(response, &at_responses.key("default"));
        }
        for (status, response) in &mut responses.responses {
            if let ReferenceOr::Item(response) = response {
                self.response(response, &at_responses.key(&status.to_string()));
            }
        }
        for (name, callback) in &mut operation.callbacks {
            let at = at.key("callbacks").key(name);
            for (expression, item) in callback.iter_mut() {
                self.path_item(item, &at.key(expression));
            }
        }
    }

    fn parameters(&mut self, parameters: &mut [ReferenceOr<Parameter>], at: &Pointer) {
        for (index, parameter) in parameters.iter_mut().enumerate() {
            if let ReferenceOr::Item(parameter) = parameter {
                self.parameter(parameter, &at.key("parameters").index(index));
            }
        }
    }

    fn parameter(&mut self, parameter: &mut Parameter, at: &Pointer) {
        let (Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. }) = parameter;
        self.schema_or_content(&mut parameter_data.format, at);
    }

    fn response(&mut self, response: &mut Response, at: &Pointer) {
        self.headers(&mut response.headers, at);
        self.content(&mut response.content, at);
    }

    fn headers(&mut self, headers: &mut IndexMap<String, ReferenceOr<Header>>, at: &Pointer) {
        for (name, header) in headers.iter_mut() {
            if let ReferenceOr::Item(header) = header {
                self.schema_or_content(&mut header.format, &at.key("headers").key(name));
            }
        }
    }

    fn schema_or_content(&mut self, format: &mut ParameterSchemaOrContent, at: &Pointer) {
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.schema_or_ref(schema, &at.key("schema")),
            ParameterSchemaOrContent::Content(media) => self.content(media, at),
        }
    }

    fn content(&mut self, content: &mut IndexMap<String, MediaType>, at: &Pointer) {
        for (name, media) in content.iter_mut() {
            let at = at.key("content").key(name);
            if let Some(schema) = &mut media.schema {
                self.schema_or_ref(schema, &at.key("schema"));
            }
            for (property, encoding) in &mut media.encoding {
                self.headers(&mut encoding.headers, &at.key("encoding").key(property));
            }
        }
    }

    fn schema_or_ref(&mut self, schema: &mut ReferenceOr<Schema>, at: &Pointer) {
        if let ReferenceOr::Item(schema) = schema {
            self.schema(schema, at);
        }
    }

    fn boxed_schema_or_ref(&mut self, schema: &mut ReferenceOr<Box<Schema>>, at: &Pointer) {
        if let ReferenceOr::Item(schema) = schema {
            self.schema(schema, at);
        }
    }

    fn object_parts(
        &mut self,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        additional: Option<&mut AdditionalProperties>,
        at: &Pointer,
    ) {
        for (name, property) in properties.iter_mut() {
            self.boxed_schema_or_ref(property, &at.key("properties").key(name));
        }
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            self.schema_or_ref(schema, &at.key("additionalProperties"));
        }
    }

    fn members(&mut self, members: &mut [ReferenceOr<Schema>], at: &Pointer) {
        for (index, member) in members.iter_mut().enumerate() {
            self.schema_or_ref(member, &at.index(index));
        }
    }

    /// Repairs a schema, then the schemas inside it (those of its repaired form).
    fn schema(&mut self, schema: &mut Schema, at: &Pointer) {
        self.unchecked_not(schema, at);
        retype(schema);
        match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                self.object_parts(&mut object.properties, object.additional_properties.as_mut(), at);
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &mut array.items {
                    self.boxed_schema_or_ref(items, &at.key("items"));
                }
            }
            SchemaKind::Type(_) | SchemaKind::Not { .. } => {}
            SchemaKind::OneOf { one_of: members } => self.members(members, &at.key("oneOf")),
            SchemaKind::AllOf { all_of: members } => self.members(members, &at.key("allOf")),
            SchemaKind::AnyOf { any_of: members } => self.members(members, &at.key("anyOf")),
            SchemaKind::Any(any) => {
                self.object_parts(&mut any.properties, any.additional_properties.as_mut(), at);
                if let Some(items) = &mut any.items {
                    self.boxed_schema_or_ref(items, &at.key("items"));
                }
                self.members(&mut any.one_of, &at.key("oneOf"));
                self.members(&mut any.all_of, &at.key("allOf"));
                self.members(&mut any.any_of, &at.key("anyOf"));
            }
        }
    }

    /// `not` (a value must not match a schema) narrows what the rest of a schema allows, which no
    /// Rust type checks: it is dropped with a warning, so the schema reads as its other keywords
    /// (any JSON value when `not` is all it says). Decoding loses no value that way.
    fn unchecked_not(&mut self, schema: &mut Schema, at: &Pointer) {
        let alone = match &mut schema.schema_kind {
            SchemaKind::Not { .. } => true,
            SchemaKind::Any(any) if any.not.is_some() => {
                any.not = None;
                false
            }
            _ => return,
        };
        if alone {
            schema.schema_kind = SchemaKind::Any(AnySchema::default());
        }
        let what = if alone {
            "the value is read as any JSON value (`serde_json::Value`)"
        } else {
            "the value is read by the schema's other keywords"
        };
        self.warnings.warn(
            at.key("not").as_str(),
            format!("`not` (a value must not match a schema) is not checked by a Rust type; {what}"),
        );
    }
}

/// Gives an untyped schema that names one `type` (and combines no schemas) that type back; any
/// other schema is left as it is.
fn retype(schema: &mut Schema) {
    let SchemaKind::Any(any) = &mut schema.schema_kind else { return };
    if !any.one_of.is_empty() || !any.all_of.is_empty() || !any.any_of.is_empty() || any.not.is_some() {
        return;
    }
    let typ = match any.typ.as_deref() {
        Some("string") => Type::String(openapiv3::StringType {
            format: format_of(any, |format| match format {
                "date-time" => Some(StringFormat::DateTime),
                "date" => Some(StringFormat::Date),
                "password" => Some(StringFormat::Password),
                "byte" => Some(StringFormat::Byte),
                "binary" => Some(StringFormat::Binary),
                _ => None,
            }),
            pattern: any.pattern.take(),
            enumeration: any
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(|v| Some(v.to_owned())))
                .collect(),
            min_length: any.min_length,
            max_length: any.max_length,
        }),
        Some("integer") => Type::Integer(openapiv3::IntegerType {
            format: format_of(any, |format| match format {
                "int32" => Some(IntegerFormat::Int32),
                "int64" => Some(IntegerFormat::Int64),
                _ => None,
            }),
            minimum: any.minimum.map(|v| v as i64),
            maximum: any.maximum.map(|v| v as i64),
            enumeration: any.enumeration.iter().filter_map(|v| v.as_i64().map(Some)).collect(),
            ..Default::default()
        }),
        Some("number") => Type::Number(openapiv3::NumberType {
            format: format_of(any, |format| match format {
                "float" => Some(NumberFormat::Float),
                "double" => Some(NumberFormat::Double),
                _ => None,
            }),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: any.enumeration.iter().filter_map(|v| v.as_f64().map(Some)).collect(),
            ..Default::default()
        }),
        Some("boolean") => Type::Boolean(openapiv3::BooleanType {
            enumeration: any.enumeration.iter().filter_map(|v| v.as_bool().map(Some)).collect(),
        }),
        Some("array") => Type::Array(openapiv3::ArrayType {
            items: any.items.take(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        Some("object") => Type::Object(openapiv3::ObjectType {
            properties: std::mem::take(&mut any.properties),
            required: std::mem::take(&mut any.required),
            additional_properties: any.additional_properties.take(),
            min_properties: any.min_properties,
            max_properties: any.max_properties,
        }),
        _ => return,
    };
    schema.schema_kind = SchemaKind::Type(typ);
}

fn format_of<F>(any: &AnySchema, known: impl Fn(&str) -> Option<F>) -> VariantOrUnknownOrEmpty<F> {
    match any.format.as_deref() {
        None => VariantOrUnknownOrEmpty::Empty,
        Some(format) => match known(format) {
            Some(format) => VariantOrUnknownOrEmpty::Item(format),
            None => VariantOrUnknownOrEmpty::Unknown(format.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::repair;
    use crate::diagnostics::Diagnostics;
    use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

    /// The document as openapiv3 reads it, before and after the repair.
    fn read(yaml: &str) -> (OpenAPI, OpenAPI) {
        let parsed: OpenAPI = serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{error}"));
        let mut repaired = parsed.clone();
        repair(&mut repaired, &mut Diagnostics::default());
        (parsed, repaired)
    }

    fn component<'d>(document: &'d OpenAPI, name: &str) -> &'d Schema {
        match document.components.as_ref().and_then(|components| components.schemas.get(name)) {
            Some(ReferenceOr::Item(schema)) => schema,
            _ => panic!("no inline component schema {name}"),
        }
    }

    fn item<T>(item: &ReferenceOr<T>) -> &T {
        match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => panic!("a $ref to {reference}"),
        }
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

    #[test]
    fn a_string_with_min_items_comes_out_a_string_keeping_its_string_keywords() {
        let (parsed, repaired) = read(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: string, minItems: 1, maxLength: 5, format: date-time, enum: [a, b], description: d}}\n"
        ));
        assert!(matches!(component(&parsed, "A").schema_kind, SchemaKind::Any(_)));
        let a = component(&repaired, "A");
        let SchemaKind::Type(Type::String(string)) = &a.schema_kind else {
            panic!("not a string: {:?}", a.schema_kind)
        };
        assert_eq!(string.max_length, Some(5));
        assert_eq!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::DateTime));
        assert_eq!(string.enumeration, [Some("a".to_owned()), Some("b".to_owned())]);
        assert_eq!(a.schema_data.description.as_deref(), Some("d"));
    }

    #[test]
    fn schemas_under_operations_and_inside_other_schemas_are_repaired() {
        let (_, repaired) = read(&format!(
            "{HEAD}paths:
  /a:
    parameters:
      - {{name: p, in: query, schema: {{type: integer, minLength: 1, minimum: 2}}}}
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  list: {{type: array, items: {{type: boolean, maxLength: 1}}, pattern: x}}
"
        ));
        let ReferenceOr::Item(path) = &repaired.paths.paths["/a"] else { panic!("a $ref path item") };
        let openapiv3::ParameterSchemaOrContent::Schema(parameter) =
            &item(&path.parameters[0]).parameter_data_ref().format
        else {
            panic!("a parameter without schema")
        };
        let SchemaKind::Type(Type::Integer(integer)) = &item(parameter).schema_kind else {
            panic!("the parameter is not an integer")
        };
        assert_eq!(integer.minimum, Some(2));
        let responses = &path.get.as_ref().map(|get| &get.responses).expect("a get").responses;
        let response = item(responses.values().next().expect("a response"));
        let body = item(response.content["application/json"].schema.as_ref().expect("a schema"));
        let SchemaKind::Type(Type::Object(object)) = &body.schema_kind else { panic!("not an object") };
        let SchemaKind::Type(Type::Array(list)) = &item(&object.properties["list"]).schema_kind else {
            panic!("`list` is not an array")
        };
        let items = item(list.items.as_ref().expect("items"));
        assert!(matches!(items.schema_kind, SchemaKind::Type(Type::Boolean(_))), "{items:?}");
    }

    #[test]
    fn combined_unknown_or_untyped_schemas_are_left_as_read() {
        let (parsed, repaired) = read(&format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Mixed: {{type: object, properties: {{a: {{type: string}}}}, oneOf: [{{type: object}}]}}
    Unknown: {{type: file, minItems: 1}}
    Untyped: {{minLength: 1, minItems: 1}}
"
        ));
        for name in ["Mixed", "Unknown", "Untyped"] {
            assert_eq!(component(&repaired, name), component(&parsed, name), "{name}");
        }
    }
}

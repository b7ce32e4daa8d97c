//! Repairs of how openapiv3 reads a document, made once over the whole parsed document so that
//! resolving sees every schema the way the document wrote it and never has to repair one again.
//!
//! openapiv3 reads a schema with a `type` as that type only when every keyword beside it belongs
//! to that type: `type: string` next to `minItems` (a slip real descriptions make) is read as an
//! untyped schema ([`SchemaKind::Any`]) that still carries the `type`. [`retype`] gives such a
//! schema its type back, keeping the keywords that type has and dropping the ones that cannot
//! apply. Nothing moves, so every schema stays at its pointer.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, Components, Header, IntegerFormat, MediaType, NumberFormat, OpenAPI,
    Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Response, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// Repairs every schema of the document: under `paths` (parameters, request bodies, responses,
/// their headers and callbacks) and under `components`, and every schema nested in those.
pub(super) fn repair(document: &mut OpenAPI) {
    for item in document.paths.paths.values_mut() {
        if let ReferenceOr::Item(item) = item {
            path_item(item);
        }
    }
    if let Some(components) = &mut document.components {
        self::components(components);
    }
}

fn components(components: &mut Components) {
    components.schemas.values_mut().for_each(schema_or_ref);
    for response in components.responses.values_mut() {
        if let ReferenceOr::Item(response) = response {
            self::response(response);
        }
    }
    for parameter in components.parameters.values_mut() {
        if let ReferenceOr::Item(parameter) = parameter {
            self::parameter(parameter);
        }
    }
    for body in components.request_bodies.values_mut() {
        if let ReferenceOr::Item(body) = body {
            content(&mut body.content);
        }
    }
    headers(&mut components.headers);
    for callback in components.callbacks.values_mut() {
        if let ReferenceOr::Item(callback) = callback {
            callback.values_mut().for_each(path_item);
        }
    }
}

fn path_item(item: &mut PathItem) {
    parameters(&mut item.parameters);
    let operations = [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ];
    operations.into_iter().flatten().for_each(operation);
}

fn operation(operation: &mut Operation) {
    parameters(&mut operation.parameters);
    if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
        content(&mut body.content);
    }
    let responses = &mut operation.responses;
    for response in responses.default.iter_mut().chain(responses.responses.values_mut()) {
        if let ReferenceOr::Item(response) = response {
            self::response(response);
        }
    }
    for callback in operation.callbacks.values_mut() {
        callback.values_mut().for_each(path_item);
    }
}

fn parameters(parameters: &mut [ReferenceOr<Parameter>]) {
    for parameter in parameters {
        if let ReferenceOr::Item(parameter) = parameter {
            self::parameter(parameter);
        }
    }
}

fn parameter(parameter: &mut Parameter) {
    let (Parameter::Query { parameter_data, .. }
    | Parameter::Header { parameter_data, .. }
    | Parameter::Path { parameter_data, .. }
    | Parameter::Cookie { parameter_data, .. }) = parameter;
    schema_or_content(&mut parameter_data.format);
}

fn response(response: &mut Response) {
    headers(&mut response.headers);
    content(&mut response.content);
}

fn headers(headers: &mut IndexMap<String, ReferenceOr<Header>>) {
    for header in headers.values_mut() {
        if let ReferenceOr::Item(header) = header {
            schema_or_content(&mut header.format);
        }
    }
}

fn schema_or_content(format: &mut ParameterSchemaOrContent) {
    match format {
        ParameterSchemaOrContent::Schema(schema) => schema_or_ref(schema),
        ParameterSchemaOrContent::Content(media) => content(media),
    }
}

fn content(content: &mut IndexMap<String, MediaType>) {
    for media in content.values_mut() {
        media.schema.iter_mut().for_each(schema_or_ref);
        for encoding in media.encoding.values_mut() {
            headers(&mut encoding.headers);
        }
    }
}

fn schema_or_ref(schema: &mut ReferenceOr<Schema>) {
    if let ReferenceOr::Item(schema) = schema {
        self::schema(schema);
    }
}

fn boxed_schema_or_ref(schema: &mut ReferenceOr<Box<Schema>>) {
    if let ReferenceOr::Item(schema) = schema {
        self::schema(schema);
    }
}

fn additional(additional: Option<&mut AdditionalProperties>) {
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        schema_or_ref(schema);
    }
}

/// Repairs a schema, then the schemas inside it (those of its repaired form).
fn schema(schema: &mut Schema) {
    retype(schema);
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(boxed_schema_or_ref);
            additional(object.additional_properties.as_mut());
        }
        SchemaKind::Type(Type::Array(array)) => array.items.iter_mut().for_each(boxed_schema_or_ref),
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AllOf { all_of: members }
        | SchemaKind::AnyOf { any_of: members } => members.iter_mut().for_each(schema_or_ref),
        SchemaKind::Not { not } => schema_or_ref(not),
        SchemaKind::Any(any) => {
            any.properties.values_mut().for_each(boxed_schema_or_ref);
            additional(any.additional_properties.as_mut());
            any.items.iter_mut().for_each(boxed_schema_or_ref);
            let members = any.one_of.iter_mut().chain(&mut any.all_of).chain(&mut any.any_of);
            members.chain(any.not.as_deref_mut()).for_each(schema_or_ref);
        }
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
    use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

    /// The document as openapiv3 reads it, before and after the repair.
    fn read(yaml: &str) -> (OpenAPI, OpenAPI) {
        let parsed: OpenAPI = serde_yaml::from_str(yaml).unwrap_or_else(|error| panic!("{error}"));
        let mut repaired = parsed.clone();
        repair(&mut repaired);
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

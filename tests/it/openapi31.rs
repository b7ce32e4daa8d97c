//! OpenAPI 3.1 documents: each 3.1 construct reads as its 3.0 equivalent would, diagnostics name
//! the pointer in the user's file, and the generated files say which version the file declared.

use codegen::model::{Api, Field, TypeDef, TypeKind, TypeRef};
use integration_tests::support::fixtures::{fixture, fixture_settings};
use serde_yaml::Value;

/// A 3.1 document with `schemas` (YAML, indented for `components/schemas`) and no paths.
fn document(schemas: &str) -> String {
    format!("openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\ncomponents:\n  schemas:\n{schemas}")
}

fn model(spec: &str) -> Api {
    codegen::model(spec.as_bytes()).unwrap_or_else(|diagnostics| panic!("{diagnostics}\n\n{spec}"))
}

/// Every diagnostic of a document that must not load, as `error at <pointer>: <message>`.
fn problems(spec: &str) -> String {
    match codegen::model(spec.as_bytes()) {
        Ok(_) => panic!("the document was accepted:\n{spec}"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

/// The 3.0 tree a 3.1 document is rewritten into.
fn rewritten(spec: &str) -> Value {
    let tree = serde_yaml::from_str(spec).expect("valid YAML");
    codegen::downgrade::downgrade(tree).unwrap_or_else(|diagnostics| panic!("{diagnostics}")).tree
}

/// The value at a JSON pointer of a tree (keys only; enough for these documents).
fn at<'t>(tree: &'t Value, pointer: &str) -> &'t Value {
    pointer.split('/').skip(1).fold(tree, |node, key| match key.parse::<usize>() {
        Ok(index) if node.is_sequence() => &node[index],
        _ => &node[key],
    })
}

/// The subtree at `pointer` of a tree, as YAML text.
fn yaml_at(tree: &Value, pointer: &str) -> String {
    serde_yaml::to_string(at(tree, pointer)).expect("serializable")
}

fn type_named<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types.iter().find(|def| def.name == name).unwrap_or_else(|| panic!("no type {name}"))
}

fn field<'a>(api: &'a Api, type_name: &str, wire_name: &str) -> &'a Field {
    match &type_named(api, type_name).kind {
        TypeKind::Struct(structure) => structure
            .fields
            .iter()
            .find(|field| field.wire_name == wire_name)
            .unwrap_or_else(|| panic!("{type_name} has no field {wire_name}")),
        other => panic!("{type_name} is not a struct: {other:?}"),
    }
}

/// The type of a struct's field, and whether it is nullable.
fn type_and_nullable(api: &Api, type_name: &str, wire_name: &str) -> (TypeRef, bool) {
    let field = field(api, type_name, wire_name);
    (field.ty.clone(), field.nullable)
}

#[test]
fn type_list_with_null_is_a_nullable_field_of_the_one_type() {
    let api = model(&document(
        "    Pet:\n      type: object\n      properties:\n        nickname: {type: [string, \"null\"]}\n        age: {type: [\"null\", integer], format: int32}\n",
    ));
    assert_eq!(type_and_nullable(&api, "Pet", "nickname"), (TypeRef::String, true));
    assert_eq!(type_and_nullable(&api, "Pet", "age"), (TypeRef::I32, true));
}

#[test]
fn type_null_alone_is_a_nullable_json_value() {
    let api = model(&document(
        "    Pet:\n      type: object\n      properties:\n        legacy: {type: \"null\"}\n",
    ));
    assert_eq!(type_and_nullable(&api, "Pet", "legacy"), (TypeRef::Json, true));
}

#[test]
fn two_types_become_an_untagged_union_with_each_types_keywords() {
    let spec = document(
        "    Id:\n      description: A name or a number.\n      type: [string, integer, \"null\"]\n      minLength: 1\n      minimum: 1\n      enum: [a, 1, null]\n",
    );
    let api = model(&spec);
    let TypeKind::UntaggedUnion(variants) = &type_named(&api, "Id").kind else {
        panic!("not an untagged union: {:?}", type_named(&api, "Id").kind)
    };
    let types: Vec<&TypeRef> = variants.iter().map(|variant| &variant.ty).collect();
    // The integer keeps its enum (an integer enum), and a value matching neither is kept as JSON.
    let [TypeRef::Named(_), TypeRef::Named(integer), TypeRef::Json] = types.as_slice() else {
        panic!("{types:?}")
    };
    assert!(matches!(type_named(&api, integer).kind, TypeKind::IntEnum(_)), "{types:?}");
    let tree = rewritten(&spec);
    let id = at(&tree, "/components/schemas/Id");
    assert_eq!(id["nullable"], Value::Bool(true));
    assert_eq!(id["description"], Value::from("A name or a number."));
    assert_eq!(
        serde_yaml::to_string(&id["oneOf"]).expect("serializable"),
        "- type: string\n  minLength: 1\n  enum:\n  - a\n- type: integer\n  minimum: 1\n  enum:\n  - 1\n"
    );
    assert!(id.get("minLength").is_none() && id.get("type").is_none(), "{id:?}");
}

#[test]
fn integer_or_number_is_a_number() {
    let api = model(&document(
        "    Pet:\n      type: object\n      properties:\n        weight: {type: [integer, number]}\n",
    ));
    assert_eq!(field(&api, "Pet", "weight").ty, TypeRef::F64);
}

#[test]
fn a_union_of_one_reference_and_null_is_a_nullable_reference() {
    let api = model(&document(
        "    Pet:\n      type: object\n      required: [owner]\n      properties:\n        owner:\n          anyOf:\n            - $ref: '#/components/schemas/Owner'\n            - type: \"null\"\n        friend:\n          oneOf: [{type: \"null\"}, {$ref: '#/components/schemas/Owner'}]\n    Owner:\n      type: object\n      properties:\n        name: {type: string}\n",
    ));
    for name in ["owner", "friend"] {
        assert_eq!(
            type_and_nullable(&api, "Pet", name),
            (TypeRef::Named("Owner".to_owned()), true),
            "{name}"
        );
    }
}

#[test]
fn a_union_of_one_inline_schema_and_null_is_that_schema_nullable() {
    let spec = document(
        "    Owner:\n      type: object\n      properties:\n        email:\n          description: Where to write.\n          anyOf:\n            - {type: string, maxLength: 254}\n            - {type: \"null\"}\n",
    );
    let api = model(&spec);
    assert_eq!(type_and_nullable(&api, "Owner", "email"), (TypeRef::String, true));
    let tree = rewritten(&spec);
    let email = at(&tree, "/components/schemas/Owner/properties/email");
    assert_eq!(email["maxLength"], Value::from(254));
    assert!(email.get("anyOf").is_none(), "{email:?}");
}

#[test]
fn a_discriminated_union_with_a_null_member_keeps_its_variants_and_is_nullable() {
    let api = model(&document(
        "    Holder:\n      type: object\n      required: [shape]\n      properties:\n        shape: {$ref: '#/components/schemas/Shape'}\n    Shape:\n      oneOf:\n        - $ref: '#/components/schemas/Circle'\n        - $ref: '#/components/schemas/Square'\n        - type: \"null\"\n      discriminator: {propertyName: kind, mapping: {circle: '#/components/schemas/Circle', square: '#/components/schemas/Square'}}\n    Circle:\n      type: object\n      required: [kind]\n      properties:\n        kind: {const: circle}\n    Square:\n      type: object\n      required: [kind]\n      properties:\n        kind: {const: square}\n",
    ));
    let TypeKind::TaggedUnion(union) = &type_named(&api, "Shape").kind else {
        panic!("not a tagged union: {:?}", type_named(&api, "Shape").kind)
    };
    let tags: Vec<&str> = union.variants.iter().map(|variant| variant.tag.as_str()).collect();
    assert_eq!(tags, ["circle", "square"]);
    assert!(field(&api, "Holder", "shape").nullable);
}

#[test]
fn a_union_with_a_nullable_member_is_nullable() {
    let api = model(&document(
        "    Pet:\n      type: object\n      properties:\n        id:\n          oneOf: [{type: [string, \"null\"]}, {type: integer}]\n",
    ));
    assert!(field(&api, "Pet", "id").nullable);
}

#[test]
fn const_string_without_type_is_the_struct_tag() {
    let api = model(&document(
        "    Text:\n      type: object\n      required: [type, text]\n      properties:\n        type: {const: text}\n        text: {type: string}\n",
    ));
    let TypeKind::Struct(structure) = &type_named(&api, "Text").kind else { panic!("not a struct") };
    assert_eq!(structure.tag, Some(("type".to_owned(), "text".to_owned())));
}

#[test]
fn const_beside_enum_wins_and_const_null_is_nullable() {
    let spec = document(
        "    Pet:\n      type: object\n      properties:\n        version: {const: v2, enum: [v1, v2]}\n        nothing: {const: null}\n",
    );
    let tree = rewritten(&spec);
    assert_eq!(yaml_at(&tree, "/components/schemas/Pet/properties/version"), "enum:\n- v2\ntype: string\n");
    assert_eq!(at(&tree, "/components/schemas/Pet/properties/nothing/nullable"), &Value::Bool(true));
    let api = model(&spec);
    assert_eq!(field(&api, "Pet", "nothing").ty, TypeRef::Json);
}

#[test]
fn ref_with_annotation_siblings_is_the_plain_reference() {
    let spec = document(
        "    Pet:\n      type: object\n      properties:\n        owner: {$ref: '#/components/schemas/Owner', description: Dropped., x-note: dropped}\n    Owner: {type: object, properties: {name: {type: string}}}\n",
    );
    let tree = rewritten(&spec);
    assert_eq!(
        yaml_at(&tree, "/components/schemas/Pet/properties/owner"),
        "$ref: '#/components/schemas/Owner'\n"
    );
    let api = model(&spec);
    assert_eq!(field(&api, "Pet", "owner").ty, TypeRef::Named("Owner".to_owned()));
}

#[test]
fn ref_with_constraining_siblings_is_an_all_of_of_both() {
    let api = model(&document(
        "    Owner:\n      type: object\n      properties:\n        name: {type: string}\n        email: {type: [string, \"null\"]}\n    VerifiedOwner:\n      description: An owner whose email is known.\n      $ref: '#/components/schemas/Owner'\n      required: [email]\n",
    ));
    let verified = type_named(&api, "VerifiedOwner");
    assert_eq!(verified.docs.as_deref(), Some("An owner whose email is known."));
    let email = field(&api, "VerifiedOwner", "email");
    assert_eq!((email.required, email.nullable), (true, true));
    assert!(!field(&api, "VerifiedOwner", "name").required);
}

#[test]
fn schema_keywords_take_their_3_0_spelling() {
    let tree = rewritten(&document(
        "    Pet:\n      $schema: https://json-schema.org/draft/2020-12/schema\n      $id: https://example.com/pet\n      $comment: gone\n      type: object\n      properties:\n        name: {type: string, examples: [Rex, Fido]}\n        age: {type: integer, exclusiveMinimum: 0, maximum: 30, exclusiveMaximum: 20}\n        weight: {type: number, minimum: 1, exclusiveMinimum: 0}\n        photo: {type: string, contentEncoding: base64, contentMediaType: image/png}\n        raw: {contentMediaType: application/octet-stream}\n        json: {type: string, contentMediaType: application/json}\n        anything: true\n      $defs:\n        Unused: {type: string}\n",
    ));
    let pet = at(&tree, "/components/schemas/Pet");
    for dropped in ["$schema", "$id", "$comment", "$defs"] {
        assert!(pet.get(dropped).is_none(), "{dropped} was kept");
    }
    for (name, expected) in [
        ("name", "type: string\nexample: Rex\n"),
        ("age", "type: integer\nexclusiveMinimum: true\nmaximum: 20\nexclusiveMaximum: true\nminimum: 0\n"),
        ("weight", "type: number\nminimum: 1\n"),
        ("photo", "type: string\nformat: byte\n"),
        ("raw", "format: binary\ntype: string\n"),
        ("json", "type: string\n"),
        ("anything", "{}\n"),
    ] {
        assert_eq!(yaml_at(pet, &format!("/properties/{name}")), expected, "property {name}");
    }
}

#[test]
fn json_schema_shapes_take_their_nearest_3_0_form() {
    let tree = rewritten(&document(
        "    Pet:\n      type: object\n      required: [name, never]\n      properties:\n        name: {type: string}\n        never: false\n        empty: {type: array, items: false}\n        pair: {prefixItems: [{type: [string, \"null\"]}, true], items: false}\n        tags:\n          patternProperties: {'^a': {type: string}, '^b': {type: integer}, '^c': {type: string}}\n          additionalProperties: {type: boolean}\n        fill: {oneOf: [{type: string}, false, {type: integer}]}\n",
    ));
    let pet = at(&tree, "/components/schemas/Pet");
    assert_eq!(yaml_at(pet, "/required"), "- name\n", "a property that can never be present is not required");
    assert!(pet["properties"].get("never").is_none());
    assert_eq!(yaml_at(pet, "/properties/empty"), "type: array\nmaxItems: 0\n");
    assert_eq!(
        yaml_at(pet, "/properties/pair"),
        "maxItems: 2\ntype: array\nx-codegen-prefix-items:\n- type: string\n  nullable: true\n- {}\n"
    );
    assert_eq!(
        yaml_at(pet, "/properties/tags"),
        "additionalProperties:\n  oneOf:\n  - type: boolean\n  - type: string\n  - type: integer\ntype: object\n"
    );
    assert_eq!(yaml_at(pet, "/properties/fill"), "oneOf:\n- type: string\n- type: integer\n");
}

#[test]
fn property_and_path_order_is_kept() {
    let api = model(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /z: {get: {operationId: z, responses: {'204': {description: ok}}}}\n  /a: {get: {operationId: a, responses: {'204': {description: ok}}}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        zebra: {type: [string, \"null\"]}\n        apple: {type: string}\n        mango: {const: m}\n",
    );
    let TypeKind::Struct(pet) = &type_named(&api, "Pet").kind else { panic!("not a struct") };
    let names: Vec<&str> = pet.fields.iter().map(|field| field.wire_name.as_str()).collect();
    assert_eq!(names, ["zebra", "apple", "mango"]);
    let operations: Vec<&str> =
        api.operations.iter().map(|operation| operation.operation_id.as_str()).collect();
    assert_eq!(operations, ["z", "a"]);
}

#[test]
fn paths_responses_and_webhooks_may_be_left_out() {
    let api = model(&document("    Pet: {type: object, properties: {name: {type: string}}}\n"));
    assert!(api.operations.is_empty());
    assert_eq!(api.types.len(), 1);
    let api = model(
        "openapi: 3.1.0\ninfo: {title: T, version: '1', summary: new in 3.1, license: {name: MIT, identifier: MIT}}\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\npaths: {}\nwebhooks:\n  added: {post: {responses: {'200': {description: ok}}}}\ncomponents:\n  schemas:\n    Pet: {type: object, properties: {name: {type: string}}}\n",
    );
    assert!(api.operations.is_empty());
    assert_eq!(api.types.len(), 1);
    let api = model(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /ping:\n    post: {operationId: ping}\n",
    );
    assert_eq!(api.operations.len(), 1);
}

#[test]
fn only_webhooks_is_a_crate_of_their_payload_types() {
    let api = model(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks:\n  added:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {id: {type: string}}}\n      responses: {'200': {description: ok}}\n",
    );
    assert!(api.operations.is_empty());
    assert_eq!(api.webhooks.len(), 1);
    let webhook = &api.webhooks[0];
    assert_eq!((webhook.name.as_str(), webhook.http_method.as_str()), ("added", "POST"));
    assert_eq!(webhook.payload, Some(TypeRef::Named("AddedBody".to_owned())));
    let payload = type_named(&api, "AddedBody");
    assert_eq!(payload.pointer, "/webhooks/added/post/requestBody/content/application~1json/schema");
}

#[test]
fn a_path_item_from_components_is_used_in_place() {
    let api = model(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /pets/{id}:\n    $ref: '#/components/pathItems/Pet'\ncomponents:\n  pathItems:\n    Pet:\n      get:\n        operationId: getPet\n        parameters: [{name: id, in: path, required: true, schema: {type: [string]}}]\n        responses: {'204': {description: ok}}\n",
    );
    let operation = &api.operations[0];
    assert_eq!((operation.operation_id.as_str(), operation.path.as_str()), ("getPet", "/pets/{id}"));
    assert_eq!(operation.params[0].ty, TypeRef::String);
}

#[test]
fn a_path_item_may_be_another_path_in_3_0_too() {
    let api = model(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /v1/pets:\n    get: {responses: {'204': {description: ok}}}\n  /v2/pets:\n    $ref: '#/paths/~1v1~1pets'\n",
    );
    let paths: Vec<&str> = api.operations.iter().map(|operation| operation.path.as_str()).collect();
    assert_eq!(paths, ["/v1/pets", "/v2/pets"]);
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
}

#[test]
fn defs_are_named_after_their_component_and_reported_where_written() {
    let api = model(&document(
        "    Order:\n      type: object\n      properties:\n        line: {$ref: '#/components/schemas/Order/$defs/Line'}\n      $defs:\n        Line: {type: object, required: [gone], properties: {sku: {type: string}}}\n",
    ));
    assert_eq!(field(&api, "Order", "line").ty, TypeRef::Named("OrderLine".to_owned()));
    assert_eq!(type_named(&api, "OrderLine").pointer, "/components/schemas/Order/$defs/Line");
    let warnings: Vec<String> = api.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["warning at /components/schemas/Order/$defs/Line/required: `gone` is listed as required but is not among the properties, so it is ignored; add it to `properties` or remove it from `required`"]
    );
}

#[test]
fn later_diagnostics_name_the_pointer_in_the_users_file() {
    let text = problems(&document(
        "    Pet:\n      type: [object, \"null\"]\n      required: [name, missing]\n      properties:\n        name: {type: [string, \"null\"]}\n        owner: {$ref: '#/components/schemas/Nobody', description: A typo.}\n        friend:\n          anyOf: [{type: \"null\"}, {type: [object, \"null\"], required: [gone], properties: {a: {type: string}}}]\n",
    ));
    assert!(
        text.contains("error at /components/schemas/Pet/properties/owner/$ref: `$ref: #/components/schemas/Nobody` does not point to"),
        "{text}"
    );
    assert!(text.contains(" at /components/schemas/Pet/required: `missing` is listed as required"), "{text}");
    // The null member is dropped and the other merged into its parent: its `required` moves up.
    assert!(
        text.contains(" at /components/schemas/Pet/properties/friend/required: `gone` is listed as required"),
        "{text}"
    );
}

#[test]
fn what_3_0_cannot_say_is_a_diagnostic_at_its_pointer() {
    let text = problems(&document(
        "    Pet:\n      type: object\n      properties:\n        never: false\n        id: {type: [string, 5]}\n        mixed: {type: [string, integer], oneOf: [{minLength: 1}, {minimum: 1}]}\n        point: {prefixItems: 5}\n      if: {required: [a]}\n      then: {required: [b]}\n",
    ));
    for expected in [
        "warning at /components/schemas/Pet/properties/never: a `false` schema allows no value, so `never` can never be present",
        "error at /components/schemas/Pet/properties/point/prefixItems: `prefixItems` must be a list of schemas",
        "error at /components/schemas/Pet/properties/id/type/1: each entry of a `type` list must be a type name",
        "error at /components/schemas/Pet/properties/mixed/type: a list of several types beside `oneOf`",
        "error at /components/schemas/Pet/if: conditional schemas",
        "error at /components/schemas/Pet/then: `then`",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

#[test]
fn a_mutual_tls_scheme_is_a_client_certificate() {
    let spec = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nsecurity: [{cert: []}]\npaths:\n  /me:\n    get:\n      \
                responses: {'204': {description: ok}}\ncomponents:\n  securitySchemes:\n    \
                cert: {type: mutualTLS, description: Our CA signs it.}\n";
    assert_eq!(
        yaml_at(&rewritten(spec), "/components/securitySchemes/cert"),
        "type: http\ndescription: Our CA signs it.\nscheme: mutualTLS\n"
    );
    let api = model(spec);
    assert_eq!(api.auth.len(), 1);
    assert!(matches!(api.auth[0].placement, codegen::model::AuthPlacement::ClientCertificate));
    assert_eq!(api.auth[0].setter.as_str(), "client_certificate");
    assert_eq!(api.operations[0].security, [[0]]);
}

#[test]
fn a_broken_3_1_object_is_reported_as_such() {
    let text = problems(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    parameters: [{name: a}]\n",
    );
    // At the parameter, in the user's file, never as a 3.0 object.
    assert!(text.contains("error at /paths/~1a/parameters/0: a parameter needs `in`"), "{text}");
    assert!(text.contains("(line 5, column 18)") && !text.contains("3.0"), "{text}");
}

#[test]
fn versions_after_3_1_are_refused_naming_the_ones_read() {
    for version in ["3.2.0", "4.0.0", "2.0"] {
        let text =
            problems(&format!("openapi: \"{version}\"\ninfo: {{title: T, version: '1'}}\npaths: {{}}\n"));
        assert_eq!(
            text,
            format!("error at /openapi: OpenAPI {version} is not supported; this generator reads OpenAPI 3.0.x and 3.1.x documents")
        );
    }
}

#[test]
fn the_declared_version_is_kept_and_printed_in_file_headers() {
    let spec = std::fs::read(fixture("specs/openapi31.yaml")).expect("readable fixture");
    let loaded = codegen::load::load(&spec).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    assert_eq!(loaded.version, "3.1.0");
    let settings = fixture_settings("openapi31", "openapi31".to_owned());
    let files = codegen::generate(&spec, &settings).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let types = files.iter().find(|file| file.path == "src/types.rs").expect("a types file");
    let header = types.contents.lines().next().unwrap_or_default();
    assert!(header.contains("(OpenAPI 3.1.0, \"OpenAPI 3.1\" version 1)"), "{header}");
}

/// The same API written in 3.1 and in 3.0, with every rewrite that has a 3.0 spelling.
const SAME_API_3_1: &str = r##"openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    $ref: '#/components/pathItems/Pet'
components:
  pathItems:
    Pet:
      get:
        operationId: getPet
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
          - {name: limit, in: query, schema: {type: [integer, "null"], exclusiveMinimum: 0, examples: [5]}}
        responses:
          '200':
            description: The pet.
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Pet'}
  schemas:
    Pet:
      type: object
      required: [kind, owner]
      properties:
        kind: {const: pet}
        nickname: {type: [string, "null"]}
        owner:
          anyOf:
            - $ref: '#/components/schemas/Owner'
            - type: "null"
        id: {type: [string, integer]}
        photo: {type: string, contentEncoding: base64}
        shape: {$ref: '#/components/schemas/Shape', description: ignored}
    Owner:
      type: object
      properties:
        email:
          anyOf: [{type: string, maxLength: 254}, {type: "null"}]
    Shape:
      oneOf:
        - $ref: '#/components/schemas/Circle'
        - $ref: '#/components/schemas/Square'
        - type: "null"
      discriminator: {propertyName: kind, mapping: {circle: '#/components/schemas/Circle', square: '#/components/schemas/Square'}}
    Circle: {type: object, required: [kind], properties: {kind: {const: circle}}}
    Square: {type: object, required: [kind], properties: {kind: {const: square}}}
"##;

// Its lines are `SAME_API_3_1`'s wherever 3.0 spells a construct the same way: the test compares
// the two models, so the copy is the point.
const SAME_API_3_0: &str = r##"openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, nullable: true, minimum: 0, exclusiveMinimum: true, example: 5}}
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [kind, owner]
      properties:
        kind: {type: string, enum: [pet]}
        nickname: {type: string, nullable: true}
        owner:
          nullable: true
          allOf:
            - $ref: '#/components/schemas/Owner'
        id:
          oneOf: [{type: string}, {type: integer}]
        photo: {type: string, format: byte}
        shape: {$ref: '#/components/schemas/Shape'}
    Owner:
      type: object
      properties:
        email: {type: string, maxLength: 254, nullable: true}
    Shape:
      nullable: true
      oneOf:
        - $ref: '#/components/schemas/Circle'
        - $ref: '#/components/schemas/Square'
      discriminator: {propertyName: kind, mapping: {circle: '#/components/schemas/Circle', square: '#/components/schemas/Square'}}
    Circle: {type: object, required: [kind], properties: {kind: {type: string, enum: [circle]}}}
    Square: {type: object, required: [kind], properties: {kind: {type: string, enum: [square]}}}
"##;

#[test]
fn a_3_1_document_gives_the_same_model_as_its_3_0_equivalent() {
    let (new, old) = (model(SAME_API_3_1), model(SAME_API_3_0));
    let types = |api: &Api| -> Vec<String> {
        api.types
            .iter()
            .map(|def| format!("{} {:?} {:?} {:?}", def.name, def.docs, def.deprecated, def.kind))
            .collect()
    };
    assert_eq!(types(&new), types(&old));
    let operations = |api: &Api| -> Vec<String> {
        api.operations
            .iter()
            .map(|operation| {
                format!(
                    "{} {} {:?} {:?} {:?}",
                    operation.operation_id,
                    operation.path,
                    operation.params,
                    operation.success,
                    operation.error
                )
            })
            .collect()
    };
    assert_eq!(operations(&new), operations(&old));
}

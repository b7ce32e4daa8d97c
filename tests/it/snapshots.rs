//! Snapshots of what the generator writes: the files of the bundled client (but its runtime, which
//! is plain Rust copied as it is and pinned byte for byte by `freshness`), and the types and
//! operations of each small fixture spec (one construct each).

use integration_tests::assert_snapshot;
use integration_tests::support::bundled::bundled_files;
use integration_tests::support::fixtures::{self, fixture, fixture_options, fixture_settings};
use std::fs;

#[test]
fn bundled_client_files() {
    let files = bundled_files();
    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    assert_snapshot!("bundled_file_list", paths.join("\n"));
    for file in files.iter().filter(|file| !file.path.starts_with("src/runtime/")) {
        let name = format!("bundled_{}", file.path.replace(['/', '.'], "_"));
        assert_snapshot!(name, file.contents);
    }
}

#[test]
fn fixture_specs() {
    let names = fixtures::fixture_specs();
    assert!(names.len() >= 6, "expected the fixture specs, found {names:?}");
    for name in &names {
        let spec = fs::read(fixture(&format!("specs/{name}.yaml"))).expect("readable fixture");
        let settings = fixture_settings(name, name.replace('_', "-"));
        let files = codegen::generate_with(&spec, &settings, fixture_options(name))
            .unwrap_or_else(|diagnostics| panic!("{name}: {diagnostics}"));
        for file in files.iter().filter(|file| {
            matches!(file.path.as_str(), "src/types.rs" | "src/operations.rs" | "src/client.rs")
        }) {
            let snapshot =
                format!("fixture_{name}_{}", file.path.trim_start_matches("src/").replace('.', "_"));
            assert_snapshot!(snapshot, file.contents);
        }
    }
}

#[test]
fn unused_schemas_are_counted_and_left_out_only_when_asked() {
    let spec = br#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Used'}
components:
  schemas:
    Used: {type: object, properties: {inner: {$ref: '#/components/schemas/Inner'}}}
    Inner: {type: object, properties: {n: {type: integer}}}
    Webhook: {type: object, properties: {payload: {type: object, properties: {x: {type: string}}}}}
"#;
    let names = |api: &codegen::model::Api| api.types.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let all = codegen::model(spec).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    assert_eq!(all.unused_schemas, 1);
    assert_eq!(names(&all), ["Used", "Inner", "WebhookPayload", "Webhook"]);
    let options = codegen::Options { skip_unused_schemas: true, ..Default::default() };
    let used = codegen::model_with(spec, options).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    assert_eq!(used.unused_schemas, 1);
    assert_eq!(names(&used), ["Used", "Inner"], "the unused schema and its inline types are left out");
}

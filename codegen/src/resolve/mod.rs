//! Stage 2: `openapiv3::OpenAPI` → [`crate::model::Api`]. Resolves `$ref`s, names every type, picks the
//! Rust shape of every schema, and reports what it cannot represent as diagnostics. The document
//! arrives repaired by [`crate::load`], so a schema is read here as the document wrote it.
//!
//! One file per concern:
//! - `lower`: schemas and references → type references, and the named types inline schemas
//!   define (structs, enums, aliases);
//! - `unions`: `oneOf` / `anyOf`, discriminators, implied tags, the checks of discriminated unions;
//! - `all_of`: `allOf` merging, as pure functions over schemas, and the thin resolver layer around
//!   them;
//! - `docs`: doc text from schemas (title, description, constraints, default);
//! - `operations`: paths → operations, shared parameters; `parameters` (parameters and path
//!   templates) and `bodies` (request bodies, responses, media types) serve it;
//! - `security`: security schemes → the credentials a client takes, and what each operation
//!   requires of them;
//! - `links`: the operation extensions that link operations (pagination, waiters, URLs);
//! - `graph`: whole-model passes (unused schemas, cycles, defaults).
//!
//! Imports run one way: `operations` → `parameters` / `bodies` → `lower` → `unions` / `all_of` →
//! `docs`, and every file may use `resolver` (the `Resolver`, its type index and the `$ref` helpers),
//! which uses none of them; this file only runs the passes in order. Lowering,
//! unions and merging call each other as methods of the resolver, because schemas nest.

mod all_of;
mod bodies;
mod docs;
mod graph;
mod links;
mod lower;
mod operations;
mod parameters;
mod resolver;
mod security;
mod unions;

use crate::diagnostics::{Diagnostics, Pointer};
use crate::extensions;
use crate::model::*;
use openapiv3::OpenAPI;
use resolver::Resolver;
pub use resolver::RESERVED_TYPE_NAMES;

/// Builds the model of a parsed document.
pub fn resolve(
    document: &OpenAPI,
    openapi_version: &str,
    options: crate::Options,
) -> Result<Api, Diagnostics> {
    let mut resolver = Resolver::new(document);
    let mut api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.clone(),
        openapi_version: openapi_version.to_owned(),
        base_url: document.servers.first().map(|server| server.url.trim_end_matches('/').to_owned()),
        ..Api::default()
    };
    let root_extensions = extensions::root(&document.extensions, &mut resolver.diagnostics);
    api.request_id_header = root_extensions.request_id_header;
    if let Some(server) = document.servers.first() {
        let at = Pointer::root().key("servers").index(0);
        api.base_url_env = extensions::env(&server.extensions, &at, &mut resolver.diagnostics);
    }
    api.error_message_pointer = root_extensions.error_message_pointer;
    resolver.define_components();
    api.operations = resolver.operations();
    resolver.adopt_implied_tags();
    resolver.check_unions();
    api.types = std::mem::take(&mut resolver.types);
    api.index_types();
    graph::param_encodings(&mut api);
    api.shared_params = operations::shared_params(&api.operations);
    let shared_setters: Vec<&str> = api.shared_params.iter().map(|param| param.rust_name.as_str()).collect();
    api.auth = resolver.security(&mut api.operations, &shared_setters);
    api.unused_schemas = graph::unused_schemas(
        &mut api.types,
        &api.operations,
        &api.shared_params,
        options.skip_unused_schemas,
    );
    api.index_types();
    resolver.types = std::mem::take(&mut api.types);
    resolver.type_index = std::mem::take(&mut api.type_index);
    resolver.break_cycles();
    resolver.compute_defaults();
    api.types = resolver.types;
    api.index_types();
    resolver.diagnostics.0.sort();
    resolver.diagnostics.0.dedup();
    if resolver.diagnostics.has_errors() {
        Err(resolver.diagnostics)
    } else {
        api.warnings = resolver.diagnostics.0;
        Ok(api)
    }
}

//! Turns an OpenAPI 3.0 or 3.1 description into a Rust API client crate.
//!
//! The pipeline, one module per stage:
//! [`load`] (bytes → `openapiv3` document, 3.1 rewritten by [`downgrade`]) → [`resolve`]
//! (document → [`model::Api`], with [`diagnostics`]) → [`emit`] (model → tokens → formatted files).
//! Behaviour OpenAPI cannot express comes from the vendor extensions listed in [`extensions`];
//! [`surface`] and [`changes`] record a generated crate's public API and compare two of them.

pub mod changes;
pub mod diagnostics;
pub mod downgrade;
pub mod emit;
pub mod extensions;
pub mod load;
pub mod model;
pub mod names;
pub mod resolve;
pub mod surface;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};

/// What to call the generated crate and how to describe where it came from.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The package name (`anthropic-batches`).
    pub crate_name: String,
    /// The package version.
    pub crate_version: String,
    /// How the spec is named in file headers (a path relative to the repository).
    pub spec_label: String,
    /// The command named in file headers as the one that writes them.
    pub command: String,
}

/// One file of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub contents: String,
}

/// Choices about what to generate that are not the spec's to make.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Leave out the component schemas no operation uses (a large API's webhook payloads, say),
    /// which a client never sends or receives but would still compile.
    pub skip_unused_schemas: bool,
    /// The file the spec was read from (`specs/petstore.yaml`): a document without `info.title`
    /// is titled after it (`petstore`), else "API"; a `$ref` to another file
    /// (`schemas/pet.yaml#/Pet`) is read relative to it. Without it, such a `$ref` is an error.
    pub source_name: Option<String>,
}

/// Reads a spec and builds its model, without emitting anything.
pub fn model(spec: &[u8]) -> Result<model::Api, Diagnostics> {
    model_with(spec, Options::default())
}

/// [`model()`], with options.
pub fn model_with(spec: &[u8], options: Options) -> Result<model::Api, Diagnostics> {
    on_own_stack(spec, || model_here(spec, &options))
}

/// Generates every file of a client crate from a spec (YAML or JSON).
pub fn generate(spec: &[u8], settings: &Settings) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate_with(spec, settings, Options::default())
}

/// [`generate`], with options: [`Options::source_name`] lets a description split over several
/// files be read.
pub fn generate_with(
    spec: &[u8],
    settings: &Settings,
    options: Options,
) -> Result<Vec<GeneratedFile>, Diagnostics> {
    on_own_stack(spec, || emit::emit(&model_here(spec, &options)?, settings))
}

fn model_here(spec: &[u8], options: &Options) -> Result<model::Api, Diagnostics> {
    let loaded = load::load_named(spec, options.source_name.as_deref())?;
    resolve::resolve(&loaded, options)
}

/// The stack the stages run on. Their recursion (serde's, openapiv3's, the walks over schemas,
/// syn's) goes as deep as the document nests, which the loader bounds (512 levels of objects and
/// lists, a diagnostic beyond); past a few dozen levels a debug build needs more than the 2 MiB
/// of a spawned thread (a test, a Tokio worker), so the work runs on a thread of its own.
const STACK: usize = 64 << 20;

/// How deep a JSON document may nest and still be read on the caller's thread: a thread of its
/// own has its own allocator arena, which costs a large document a third more peak memory.
const SHALLOW: usize = 32;

/// Runs `work` on a thread with a [`STACK`]-sized stack (here when `spec` is JSON that nests at
/// most [`SHALLOW`] levels, or when the system refuses a thread); a panic is passed on to the
/// caller.
fn on_own_stack<T: Send>(
    spec: &[u8],
    work: impl FnOnce() -> Result<T, Diagnostics> + Send,
) -> Result<T, Diagnostics> {
    if shallow_json(spec) {
        return work();
    }
    // Shared, so that the work is still here to run when no thread took it.
    let work = std::sync::Mutex::new(Some(work));
    let take = || work.lock().ok().and_then(|mut work| work.take());
    let spawned = std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().name("codegen".to_owned()).stack_size(STACK);
        let thread = thread.spawn_scoped(scope, || take().map(|work| work()))?;
        Ok::<_, std::io::Error>(thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    match (spawned, take()) {
        (Ok(Some(done)), _) => done,
        (_, Some(work)) => work(),
        (_, None) => {
            Err(Diagnostics(vec![Diagnostic::new("", "the generator's thread ended without an answer")]))
        }
    }
}

/// Whether `bytes` is JSON whose objects and lists nest at most [`SHALLOW`] levels (a YAML
/// document's depth is known only once it is read).
fn shallow_json(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii_start();
    if !text.starts_with(b"{") {
        return false;
    }
    let (mut depth, mut in_text, mut escaped) = (0usize, false, false);
    for &byte in text {
        match (in_text, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_text = false,
            (true, _) => {}
            (false, b'"') => in_text = true,
            (false, b'{' | b'[') => {
                depth += 1;
                if depth > SHALLOW {
                    return false;
                }
            }
            (false, b'}' | b']') => depth = depth.saturating_sub(1),
            (false, _) => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{shallow_json, SHALLOW};

    #[test]
    fn json_depth_is_counted_outside_strings() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(SHALLOW), "]".repeat(SHALLOW));
        assert!(!shallow_json(deep.as_bytes()));
        let text = format!("{{\"a\":\"{}\\\"\"}}", "[".repeat(SHALLOW * 2));
        assert!(shallow_json(text.as_bytes()), "{text}");
        assert!(!shallow_json(b"openapi: 3.0.3\n"));
    }
}

//! The bundled spec (`spec/`) and the files the generator makes of it, as `cargo xtask generate`
//! plans them.

use codegen::GeneratedFile;

/// The files planned for the bundled client from `spec` (the bundled spec's bytes, or an edited
/// copy of them); panics with the diagnostics when it does not generate.
pub fn bundled_files_of(spec: &[u8]) -> Vec<GeneratedFile> {
    xtask::bundled_plan(spec).map(|plan| plan.files).unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

/// The bundled spec's text.
pub fn bundled_spec_text() -> String {
    std::fs::read_to_string(xtask::bundled_spec()).expect("the bundled spec is readable")
}

/// The files planned for the bundled client from the bundled spec.
pub fn bundled_files() -> Vec<GeneratedFile> {
    bundled_files_of(&std::fs::read(xtask::bundled_spec()).expect("the bundled spec is readable"))
}

//! Where the insta snapshots live: `tests/snapshots/<module>__<name>.snap`, `<module>` being the
//! test module (`diagnostics`, `snapshots`, …). These are the names insta gave them when each
//! module was a test binary of its own, kept so that the files did not move; use
//! [`assert_snapshot!`](crate::assert_snapshot) rather than `insta::assert_snapshot!`.

use std::path::PathBuf;

pub use insta;

/// The current insta settings with the snapshots in `tests/snapshots/` and named by
/// [`name`] alone.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// `<module>__<name>`, `<module>` being the last part of `module_path` (`it::diagnostics`).
pub fn name(module_path: &str, name: &str) -> String {
    let module = module_path.rsplit("::").next().unwrap_or(module_path);
    format!("{module}__{name}")
}

/// `insta::assert_snapshot!(name, value)` with the file `tests/snapshots/<module>__<name>.snap`,
/// `<module>` being the test module that asserts (see [`settings`] and [`name`]).
#[macro_export]
macro_rules! assert_snapshot {
    ($name:expr, $value:expr $(,)?) => {
        $crate::support::snapshot::settings().bind(|| {
            $crate::support::snapshot::insta::assert_snapshot!(
                $crate::support::snapshot::name(module_path!(), &$name),
                $value
            )
        })
    };
}

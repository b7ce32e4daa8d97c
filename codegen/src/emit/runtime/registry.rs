//! The registry of runtime modules: when a crate needs each, what it uses, and what it brings.

use crate::model::{Api, AuthPlacement, BodyKind, Encoding, TypeKind, TypeRef};

/// A Cargo dependency of a generated crate, as its manifest lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The package name.
    pub name: &'static str,
    /// What follows `name = ` in `[dependencies]`.
    pub requirement: &'static str,
}

// The dependencies runtime modules and generated code use, as generated manifests list them.
pub const BYTES: Dependency = Dependency { name: "bytes", requirement: "\"1\"" };
pub const CHRONO: Dependency = Dependency {
    name: "chrono",
    requirement: "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }",
};
pub const FUTURES_CORE: Dependency = Dependency { name: "futures-core", requirement: "\"0.3\"" };
pub const HTTPDATE: Dependency = Dependency { name: "httpdate", requirement: "\"1\"" };
pub const PERCENT_ENCODING: Dependency = Dependency { name: "percent-encoding", requirement: "\"2\"" };
pub const REQWEST: Dependency = Dependency {
    name: "reqwest",
    requirement: "{ version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"stream\"] }",
};
pub const SERDE: Dependency =
    Dependency { name: "serde", requirement: "{ version = \"1\", features = [\"derive\"] }" };
pub const SERDE_JSON: Dependency = Dependency { name: "serde_json", requirement: "\"1\"" };
pub const TOKIO: Dependency =
    Dependency { name: "tokio", requirement: "{ version = \"1\", features = [\"time\"] }" };
pub const UUID: Dependency = Dependency {
    name: "uuid",
    requirement: "{ version = \"1\", default-features = false, features = [\"serde\"] }",
};
pub const TRACING: Dependency = Dependency {
    name: "tracing",
    requirement: "{ version = \"0.1\", default-features = false, features = [\"std\", \"attributes\"] }",
};

// The command-line tool's, optional: a crate's `cli` feature turns them on.
pub const CLAP: Dependency = Dependency {
    name: "clap",
    requirement: "{ version = \"4\", optional = true, default-features = false, features = [\"std\", \"help\", \"usage\", \"error-context\", \"suggestions\"] }",
};
pub const CLAP_COMPLETE: Dependency =
    Dependency { name: "clap_complete", requirement: "{ version = \"4\", optional = true }" };
pub const INDICATIF: Dependency = Dependency {
    name: "indicatif",
    requirement: "{ version = \"0.17\", optional = true, default-features = false }",
};
pub const SERDE_PATH_TO_ERROR: Dependency =
    Dependency { name: "serde_path_to_error", requirement: "{ version = \"0.1\", optional = true }" };

/// The command-line tool's runtime: copied into every crate with operations, compiled only with
/// the crate's `cli` feature, which brings its dependencies ([`CLI_DEPENDENCIES`]) and tokio's
/// runtime.
pub(super) const CLI: Module = Module {
    name: "cli",
    source: include_str!("../../../runtime/src/cli.rs"),
    needed: has_operations,
    uses: &["client", "error", "request"],
    dependencies: &[],
    names: &[],
    public: &[],
};

/// The command-line tool's downloads of streamed bodies, beside [`CLI`] and like it.
pub(super) const DOWNLOAD: Module = Module {
    name: "download",
    source: include_str!("../../../runtime/src/download.rs"),
    needed: has_operations,
    uses: &["cli", "client", "error", "request"],
    dependencies: &[],
    names: &[],
    public: &[],
};

/// The modules of the command-line tool, compiled with the crate's `cli` feature only.
pub(super) const TOOL_MODULES: &[Module] = &[CLI, DOWNLOAD];

/// The optional dependencies of the `cli` feature.
pub const CLI_DEPENDENCIES: &[Dependency] = &[CLAP, CLAP_COMPLETE, INDICATIF, SERDE_PATH_TO_ERROR];

/// One module of the runtime.
pub(super) struct Module {
    /// `codegen/runtime/src/{name}.rs`, copied to `src/runtime/{name}.rs`.
    pub(super) name: &'static str,
    pub(super) source: &'static str,
    /// Whether a crate needs it for its own sake; the modules it uses come along (`uses`).
    pub(super) needed: fn(&Api) -> bool,
    /// The runtime modules its code uses (`super::module::…`). Each comes earlier in
    /// [`MODULES`], so dependencies run one way.
    pub(super) uses: &'static [&'static str],
    /// The Cargo dependencies its code uses.
    pub(super) dependencies: &'static [Dependency],
    /// The names generated code may use as `crate::runtime::Name`.
    pub(super) names: &'static [&'static str],
    /// Those of `names` the crate root re-exports.
    pub(super) public: &'static [&'static str],
}

fn always(_: &Api) -> bool {
    true
}

/// A crate with operations is a client; one without (a description of schemas or webhooks only)
/// is a crate of types, which needs no HTTP.
fn has_operations(api: &Api) -> bool {
    !api.operations.is_empty()
}

fn streams(api: &Api) -> bool {
    api.operations.iter().any(|op| matches!(op.success, BodyKind::JsonLines(_)))
}

fn pages(api: &Api) -> bool {
    api.operations.iter().any(|op| op.pagination.is_some())
}

fn waits(api: &Api) -> bool {
    api.operations.iter().any(|op| !op.waiters.is_empty())
}

fn takes_tokens(api: &Api) -> bool {
    api.auth.iter().any(|auth| matches!(auth.placement, AuthPlacement::Bearer { .. }))
}

/// Some type is an object's struct, which decodes through `de`.
fn has_structs(api: &Api) -> bool {
    api.types.iter().any(|def| matches!(def.kind, TypeKind::Struct(_)))
}

/// Some type holds base64 bytes, or a multipart file (whose JSON form has them).
fn has_base64(api: &Api) -> bool {
    api.uses_type(|ty| matches!(ty, TypeRef::Base64 | TypeRef::File))
}

fn sends(api: &Api, encoding: Encoding) -> bool {
    api.operations.iter().any(|op| op.body.as_ref().is_some_and(|body| body.encoding == encoding))
}

/// Every runtime module, each after the modules it uses. (A table: its rows look alike to a
/// duplicate finder, one per module.)
pub(super) const MODULES: &[Module] = &[
    Module {
        name: "retry",
        source: include_str!("../../../runtime/src/retry.rs"),
        needed: has_operations,
        uses: &[],
        dependencies: &[HTTPDATE, REQWEST],
        names: &[],
        public: &[],
    },
    Module {
        name: "error",
        source: include_str!("../../../runtime/src/error.rs"),
        needed: has_operations,
        uses: &[],
        dependencies: &[REQWEST, SERDE_JSON],
        names: &["ApiError", "DecodeError", "Error", "FromResponse"],
        public: &["ApiError", "DecodeError", "Error"],
    },
    Module {
        name: "options",
        source: include_str!("../../../runtime/src/options.rs"),
        needed: has_operations,
        uses: &[],
        dependencies: &[SERDE_JSON],
        names: &["RequestOptions"],
        public: &[],
    },
    Module {
        name: "builder",
        source: include_str!("../../../runtime/src/builder.rs"),
        needed: has_operations,
        uses: &["options"],
        dependencies: &[],
        names: &["per_call_options"],
        public: &[],
    },
    Module {
        name: "wire",
        source: include_str!("../../../runtime/src/wire.rs"),
        needed: always,
        uses: &[],
        dependencies: &[SERDE, SERDE_JSON],
        names: &["ParamValue"],
        public: &[],
    },
    Module {
        name: "de",
        source: include_str!("../../../runtime/src/de.rs"),
        needed: has_structs,
        uses: &[],
        dependencies: &[SERDE],
        names: &[],
        public: &[],
    },
    Module {
        name: "base64",
        source: include_str!("../../../runtime/src/base64.rs"),
        needed: has_base64,
        uses: &[],
        dependencies: &[SERDE],
        names: &["Base64Bytes"],
        public: &["Base64Bytes"],
    },
    Module {
        name: "encode",
        source: include_str!("../../../runtime/src/encode.rs"),
        needed: has_operations,
        uses: &["wire"],
        dependencies: &[PERCENT_ENCODING, SERDE_JSON],
        names: &["ParamStyle", "join_values", "json_pairs", "json_text", "path_segment"],
        public: &[],
    },
    Module {
        name: "credentials",
        source: include_str!("../../../runtime/src/credentials.rs"),
        needed: has_operations,
        uses: &[],
        dependencies: &[REQWEST],
        names: &["CredentialPlacement", "basic_credentials"],
        public: &[],
    },
    Module {
        name: "client",
        source: include_str!("../../../runtime/src/client.rs"),
        needed: has_operations,
        uses: &["credentials", "error", "retry"],
        dependencies: &[REQWEST],
        names: &["Client", "ClientBuilder", "ConfigError", "SpecInfo", "env_var"],
        public: &["Client", "ClientBuilder", "ConfigError"],
    },
    Module {
        name: "token",
        source: include_str!("../../../runtime/src/token.rs"),
        needed: takes_tokens,
        uses: &["client", "credentials"],
        dependencies: &[],
        names: &["TokenError", "TokenProvider"],
        public: &["TokenError", "TokenProvider"],
    },
    Module {
        name: "raw",
        source: include_str!("../../../runtime/src/raw.rs"),
        needed: has_operations,
        uses: &[],
        dependencies: &[BYTES, SERDE, SERDE_JSON],
        names: &["Raw"],
        public: &["Raw"],
    },
    Module {
        name: "request",
        source: include_str!("../../../runtime/src/request.rs"),
        needed: has_operations,
        uses: &["client", "credentials", "encode", "error", "options", "raw", "retry"],
        dependencies: &[BYTES, REQWEST, SERDE, SERDE_JSON, TOKIO, TRACING],
        names: &["ApiResponse", "RequestParts"],
        public: &[],
    },
    Module {
        name: "form",
        source: include_str!("../../../runtime/src/form.rs"),
        needed: |api| sends(api, Encoding::Form),
        uses: &["encode", "error", "request"],
        dependencies: &[PERCENT_ENCODING, SERDE, SERDE_JSON],
        names: &[],
        public: &[],
    },
    Module {
        name: "multipart",
        source: include_str!("../../../runtime/src/multipart.rs"),
        needed: |api| sends(api, Encoding::Multipart),
        uses: &["base64", "error", "request"],
        dependencies: &[SERDE, SERDE_JSON],
        names: &["FilePart"],
        public: &["FilePart"],
    },
    Module {
        name: "lines",
        source: include_str!("../../../runtime/src/lines.rs"),
        needed: streams,
        uses: &[],
        dependencies: &[BYTES],
        names: &[],
        public: &[],
    },
    Module {
        name: "jsonl",
        source: include_str!("../../../runtime/src/jsonl.rs"),
        needed: streams,
        uses: &["client", "error", "lines", "raw", "request"],
        dependencies: &[BYTES, FUTURES_CORE, REQWEST, SERDE, SERDE_JSON, TOKIO, TRACING],
        names: &["JsonlStream"],
        public: &["JsonlStream"],
    },
    Module {
        name: "paging",
        source: include_str!("../../../runtime/src/paging.rs"),
        needed: pages,
        uses: &["error"],
        dependencies: &[FUTURES_CORE, SERDE_JSON],
        names: &["Page", "Paginator"],
        public: &[],
    },
    Module {
        name: "wait",
        source: include_str!("../../../runtime/src/wait.rs"),
        needed: waits,
        uses: &["error"],
        dependencies: &[TOKIO, TRACING],
        names: &["WaitOptions", "wait_until"],
        public: &[],
    },
];

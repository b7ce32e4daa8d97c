//! The client runtime: HTTP with retries, errors, parameter and body encoding, JSON Lines
//! streaming, paging and waiters, written once as plain Rust. Generated operations only wire into
//! it.
//!
//! This crate exists to compile, lint and unit-test that code where it is written. Nothing depends
//! on it: codegen (`src/emit/runtime.rs`) copies the modules a generated crate uses into that
//! crate's `src/runtime/`, and writes the `mod.rs` that declares them. This file is not copied, so
//! what only the standalone crate needs (crate attributes, the stand-in below, test helpers) lives
//! here. The modules refer to each other by module path (`super::client::Client`), which works in
//! both places.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod base64;
mod builder;
#[cfg(feature = "cli")]
mod cli;
mod client;
mod credentials;
pub(crate) mod de;
#[cfg(feature = "cli")]
mod download;
mod encode;
mod error;
mod form;
mod jsonl;
mod lines;
mod multipart;
mod options;
mod paging;
mod raw;
mod request;
mod retry;
mod token;
mod wait;
pub(crate) mod wire;

// What users of a generated crate can reach: its root re-exports these (with every module)…
pub use client::{Client, ClientBuilder, ConfigError};
pub use error::{ApiError, DecodeError, Error};
pub use jsonl::JsonlStream;
// …and its methods return these (`send_with_response`, `items`).
pub use paging::Paginator;
pub use raw::Raw;
pub use request::ApiResponse;
// …and so do these, when the API takes bearer tokens.
pub use token::{TokenError, TokenProvider};
// …and these, when its types hold base64 bytes or multipart files.
pub use base64::Base64Bytes;
pub use multipart::FilePart;

// The names generated code uses as `crate::runtime::Name` (and `crate::runtime::wire::…`).
pub(crate) use builder::per_call_options;
pub(crate) use client::{env_var, SpecInfo};
pub(crate) use credentials::{basic_credentials, CredentialPlacement};
pub(crate) use encode::{join_values, json_pairs, json_text, path_segment, ParamStyle};
pub(crate) use error::FromResponse;
pub(crate) use options::RequestOptions;
pub(crate) use paging::Page;
pub(crate) use request::RequestParts;
pub(crate) use wait::{wait_until, WaitOptions};
pub(crate) use wire::ParamValue;

/// A stand-in for generated code, this crate's only caller. The closures make the calls the
/// emitters write, by the paths they use (`crate::runtime::Name` in a generated crate, `crate::Name`
/// here), so this crate is checked the way a generated crate is: every entry point exists with the
/// shape generated code expects, and none is reported unused. They are never run.
const _: () = {
    use serde_json::Value;
    use std::time::Duration;

    // `client.rs`: the spec's defaults, credentials, shared parameters, `from_env`.
    static SPEC: SpecInfo = SpecInfo {
        default_base_url: Some("https://api.example.com"),
        request_id_header: Some("request-id"),
        error_message_pointer: Some("/error/message"),
        user_agent: "example/0.1.0",
        required_credentials: &["api_key"],
    };
    let _ = || -> Result<Client, ConfigError> {
        let key =
            env_var("EXAMPLE_API_KEY").ok_or(ConfigError::MissingEnv { variable: "EXAMPLE_API_KEY" })?;
        ClientBuilder::new(&SPEC)
            .with_credential("api_key", CredentialPlacement::Header("x-api-key"), key.clone())
            .with_credential("query_key", CredentialPlacement::Query("key"), key.clone())
            .with_credential("session", CredentialPlacement::Cookie("session"), key.clone())
            .with_credential("bearer_token", CredentialPlacement::Authorization("Bearer"), key.clone())
            .with_credential(
                "basic_auth",
                CredentialPlacement::Authorization("Basic"),
                basic_credentials("user", &key),
            )
            .with_token_provider("oauth2_token", |_refresh: bool| async {
                Ok::<_, TokenError>(String::new())
            })
            .with_client_certificate("client_certificate", Vec::new())
            .default_header("x-version", ParamValue::param_value(&"1"))
            .default_query("tags", join_values(&["a", "b"], ParamStyle::Comma))
            .build()
    };

    // `operations.rs`: a request builder's per-call options (written by the macro), its
    // parameters and body, then the reader of its success body.
    struct Builder {
        options: RequestOptions,
    }
    impl Builder {
        per_call_options!();
    }
    let _ = |client: Client, options: RequestOptions| async move {
        let mut options = Builder { options }
            .extra_header("x-extra", "")
            .extra_query("extra", "")
            .timeout(Duration::from_secs(1))
            .max_retries(0)
            .options;
        options.body_field("extra".to_owned(), Value::Null);
        options.body_value("/extra/deeper".to_owned(), Value::Null);
        let operation = "get_item";
        let id = path_segment("id", "1").map_err(|reason| Error::InvalidParameter { operation, reason })?;
        let mut parts =
            RequestParts::new(operation, reqwest::Method::GET, "/items/{id}", format!("/items/{id}"));
        parts.options = options;
        parts.security = &[&["api_key"], &["basic_auth", "session"], &[]];
        parts.absolute_url = Some("https://files.example.com/1".to_owned());
        parts.query.push(("ids".into(), join_values(&[1i64, 2], ParamStyle::PipeDelimited)));
        parts.query.extend(json_pairs("filter", &Value::Null, ParamStyle::DeepObject, true));
        parts.headers.push(("x-ids", json_text(&Value::Null, ParamStyle::SpaceDelimited)));
        parts.cookies.push(("session".into(), json_text(&Value::Null, ParamStyle::Json)));
        parts.accept = Some("application/json");
        parts.json_body(&Value::Null, "application/json")?;
        parts.form_body(&Value::Null)?;
        parts.multipart_body(&Value::Null, &["file"])?;
        parts.raw_body(Vec::new(), "application/octet-stream");
        let _: ApiResponse<Value> = client.call_json(parts.clone()).await?;
        let _: ApiResponse<Option<Value>> = client.call_json_or_empty(parts.clone()).await?;
        let _: ApiResponse<Value> = client.call_json_by_status(parts.clone()).await?;
        let _: ApiResponse<JsonlStream<Value>> = client.call_jsonl(parts.clone()).await?;
        let _: ApiResponse<String> = client.call_text(parts.clone()).await?;
        let _: ApiResponse<bytes::Bytes> = client.call_bytes(parts.clone()).await?;
        client.call_empty::<Value>(parts).await.map(|response| response.value)
    };

    // `cli.rs` of a crate built with its `cli` feature: the tool's commands.
    #[cfg(feature = "cli")]
    let _ = |client: Client, parts: RequestParts| {
        use cli::{exit, Context, Failure, ProgressMode, Wait, WaitStatus};
        let _ = exit::TABLE;
        let mode = ProgressMode::detect(false);
        let context = Context { client: client.clone(), output: None, mode };
        let _: i32 = cli::run(async move {
            let _: Value = cli::parse("--limit", "1")?;
            let matches = clap::Command::new("tool").get_matches_from(["tool"]);
            let _: Option<Value> = cli::one(&matches, "limit", "--limit")?;
            let _: Option<Vec<Value>> = cli::many(&matches, "tags", "--tags")?;
            cli::completions(clap_complete::Shell::Bash, &mut clap::Command::new("tool"), "tool");
            let _: Value = cli::read_body("-")?;
            let _: String = cli::read_text("-")?;
            cli::write_bytes(context.output.as_deref(), &cli::read_bytes("-")?)?;
            context.print(&Value::Null)?;
            let mut out = context.output()?;
            out.value(&Value::Null)?;
            out.line(&Value::Null)?;
            out.finish()?;
            download::download_lines::<Value, Value>(
                &context.client,
                parts.clone(),
                context.output.as_deref(),
                context.mode,
            )
            .await?;
            let status = WaitStatus::new(mode, &["/done"], &["/pending"]);
            let wait = Wait {
                operation: "wait",
                field: "/status",
                until: &["ended"],
                interval: 1.0,
                deadline: None,
            };
            let poll = || {
                let call = client.call_json::<Value, Value>(parts.clone());
                async move { call.await.map(|response| response.value) }
            };
            let _: Value = wait.run(status, poll).await?;
            Err(Failure::new(exit::USAGE, "never run"))
        });
    };

    // `operations.rs`: `items()` of a paginated listing, and a waiter.
    let _ = |client: Client| -> Paginator<'static, Value> {
        Paginator::new(None, move |cursor: Option<String>| {
            let client = client.clone();
            Box::pin(async move {
                let page: Vec<Value> = client
                    .call_json(RequestParts::new("list", reqwest::Method::GET, "/items", String::new()))
                    .await?
                    .value;
                Ok(Page { next_cursor: cursor, has_more: true, items: page })
            })
        })
    };
    let _ = || async {
        let options = WaitOptions { interval: Duration::from_secs(1), ..WaitOptions::default() };
        wait_until(
            "wait_until_ended",
            &options,
            || async { Ok::<_, Error>(Value::Null) },
            |value: &Value| value.is_null(),
        )
        .await
    };

    // `types.rs`: error bodies and serde plumbing, one helper per kind of schema.
    struct Union;
    impl wire::Tagged for Union {
        const PROPERTY: &'static str = "type";
        fn is_known(tag: &str) -> bool {
            tag == "known"
        }
        fn decode_known<'de, D: serde::Deserializer<'de>>(_tag: &str, rest: D) -> Result<Self, D::Error> {
            <serde::de::IgnoredAny as serde::Deserialize>::deserialize(rest).map(|_| Union)
        }
        fn from_value<E: serde::de::Error>(value: Value) -> Result<Self, E> {
            wire::tag_of(&value, Self::PROPERTY).map(|_| Union).ok_or_else(|| E::custom("no tag"))
        }
    }
    // An object's struct: its fields, and a map of the properties its schema does not list.
    struct Object {
        id: Option<u32>,
        extra: std::collections::BTreeMap<String, Value>,
    }
    impl<'de> serde::Deserialize<'de> for Object {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            de::object(deserializer)
        }
    }
    impl<'de> de::Object<'de> for Object {
        const NAME: &'static str = "Object";
        const FIELDS: &'static [&'static str] = &["id", "name"];
        fn field(key: &str) -> usize {
            match key {
                "id" => 0,
                "name" => 1,
                _ => 2,
            }
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id = None;
            let mut extra = std::collections::BTreeMap::new();
            while let Some(key) = map.next_key_seed(de::FieldOrKey::<Self>::new())? {
                match key {
                    de::Key::Field(0) => de::value(&mut map, &mut id, "id")?,
                    de::Key::Other(key) => de::keep(&mut map, &mut extra, key)?,
                    de::Key::Field(_) => de::skip(&mut map)?,
                }
            }
            while let Some(_field) = map.next_key_seed(de::Field::<Self>::new())? {
                de::skip(&mut map)?;
            }
            Ok(Self { id: id.flatten(), extra })
        }
    }
    let _ = |value: Value| -> Result<(), serde_json::Error> {
        let object: Object = serde_json::from_value(value.clone())?;
        let _ = (object.id, object.extra);
        let _: Option<Value> = FromResponse::from_response(reqwest::StatusCode::OK, b"{}");
        let _: String =
            wire::open_enum(value.clone(), |known| (known == "a").then(String::new), |other| other)?;
        let _: Option<Option<String>> = wire::nullable(value.clone())?;
        let _: Option<Value> = wire::any_of_member(&value);
        wire::merge_any_of_member(&mut serde_json::Map::new(), &Some(Value::Null))?;
        let _: Value = wire::variant(value.clone())?;
        let _: Union = wire::tagged(value)?;
        Ok(())
    };
};

#[cfg(test)]
mod test_support {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// The output of a future that waits for nothing (no I/O, no timer): one poll finishes it.
    pub(crate) fn ready<F: Future>(future: F) -> F::Output {
        match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("the future waited for something; these tests allow nothing to wait for"),
        }
    }
}

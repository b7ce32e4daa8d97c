//! The configured client: base URL, credentials, default headers and query, the HTTP connection
//! pool (with the client certificate, when one is given).

use super::credentials::{Credential, CredentialPlacement, Credentials, Secret};
use super::error::chain;
use super::retry::RetryPolicy;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What the generated code tells the runtime about its API (from the spec).
#[derive(Debug)]
pub(crate) struct SpecInfo {
    /// Base URL used when the caller sets none (`servers[0].url`).
    pub default_base_url: Option<&'static str>,
    /// Response header that carries the request id.
    pub request_id_header: Option<&'static str>,
    /// JSON pointer to the human-readable message in error bodies.
    pub error_message_pointer: Option<&'static str>,
    /// `User-Agent` sent with every request.
    pub user_agent: &'static str,
    /// The setters of the credentials every operation requires: `build` refuses to go without.
    pub required_credentials: &'static [&'static str],
}

/// A problem with the client's configuration, found when it is built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// Every operation needs a credential that was not given.
    MissingCredential {
        /// The builder method that sets it.
        setter: &'static str,
    },
    /// The base URL does not parse.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it is not valid.
        reason: String,
    },
    /// A header name or value cannot be sent.
    InvalidHeader {
        /// The header's name.
        name: String,
    },
    /// An environment variable `from_env` needs is not set (or is empty).
    MissingEnv {
        /// The variable's name.
        variable: &'static str,
    },
    /// The client certificate (PEM) is not a certificate chain with its private key, or cannot
    /// be used.
    InvalidClientCertificate {
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built (for example, the TLS backend failed to start).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingCredential { setter } => write!(
                f,
                "no credential configured: call `ClientBuilder::{setter}` (or use `Client::from_env`) before `build`"
            ),
            Self::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            Self::InvalidHeader { name } => write!(f, "the header `{name}` has a name or value that cannot be sent"),
            Self::MissingEnv { variable } => write!(f, "the environment variable `{variable}` is not set"),
            Self::InvalidClientCertificate { reason } => write!(f, "invalid client certificate: {reason}"),
            Self::Http(error) => write!(f, "could not build the HTTP client: {error}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(error) => Some(error),
            _ => None,
        }
    }
}

/// A client for the API. Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub base_url: String,
    pub default_headers: HeaderMap,
    pub default_query: Vec<(String, String)>,
    pub credentials: Credentials,
    pub spec: &'static SpecInfo,
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl Client {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}

/// Configures a [`Client`]. Start from `Client::builder()`.
#[derive(Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    spec: &'static SpecInfo,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    timeout: Duration,
    connect_timeout: Duration,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    credentials: Credentials,
    retry: RetryPolicy,
}

impl ClientBuilder {
    pub(crate) fn new(spec: &'static SpecInfo) -> Self {
        Self {
            spec,
            base_url: None,
            http: None,
            timeout: Duration::from_secs(600),
            connect_timeout: Duration::from_secs(5),
            headers: Vec::new(),
            query: Vec::new(),
            credentials: Credentials::default(),
            retry: RetryPolicy::default(),
        }
    }

    /// Sends requests to this base URL (scheme, host and optional path prefix) instead of the
    /// spec's server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses this `reqwest::Client` (its pool, proxy and TLS settings) instead of building one.
    /// The request timeout still applies; the connect timeout and the redirect policy are then
    /// the given client's own (the built-in one never follows a redirect to another origin).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Time allowed for one attempt of a request (default 10 minutes): the whole exchange for
    /// ordinary calls; for streamed bodies, the wait for the response to start and then for each
    /// read, so a long download is not cut off while data keeps coming.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 5 seconds).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a failed request is tried again (default 2): after connection errors,
    /// timeouts, and statuses 408, 409, 429 and 5xx, or whenever the server answers
    /// `x-should-retry: true` (`false` stops retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The wait before the first retry and the longest computed wait (defaults 0.5 s and 8 s);
    /// waits double between them, with jitter. A server's `retry-after-ms` or `retry-after` is
    /// honoured instead when it asks for at most `max_server_delay` (default 60 s).
    pub fn retry_delays(mut self, initial: Duration, max: Duration, max_server_delay: Duration) -> Self {
        self.retry.initial_delay = initial;
        self.retry.max_delay = max;
        self.retry.max_server_delay = max_server_delay;
        self
    }

    /// Sends this header with every request, replacing an earlier default of the same name.
    /// A value set on one request replaces it for that request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Adds this query parameter to every request, replacing an earlier default of the same name.
    pub fn default_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.query.retain(|(existing, _)| *existing != name);
        self.query.push((name, value.into()));
        self
    }

    /// Sets a credential sent as is (an API key, a token, encoded basic credentials); the
    /// generated setter of each security scheme calls it.
    // A crate whose API has no security scheme leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn with_credential(
        self,
        setter: &'static str,
        placement: CredentialPlacement,
        value: String,
    ) -> Self {
        self.with(Credential { setter, placement, secret: Secret::Value(value) })
    }

    /// Sets a client certificate: the PEM of a certificate chain and its private key.
    // Setters of `mutualTLS` schemes call it; other crates leave it unused.
    #[allow(dead_code)]
    pub(crate) fn with_client_certificate(self, setter: &'static str, pem: Vec<u8>) -> Self {
        self.with(Credential {
            setter,
            placement: CredentialPlacement::ClientCertificate,
            secret: Secret::Pem(pem),
        })
    }

    /// Adds a credential, replacing an earlier one of the same setter.
    pub(crate) fn with(mut self, credential: Credential) -> Self {
        self.credentials.set(credential);
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client, ConfigError> {
        if let Some(setter) =
            self.spec.required_credentials.iter().find(|setter| !self.credentials.has(setter))
        {
            return Err(ConfigError::MissingCredential { setter });
        }
        let base_url =
            self.base_url.or_else(|| self.spec.default_base_url.map(str::to_owned)).ok_or_else(|| {
                ConfigError::InvalidBaseUrl {
                    url: String::new(),
                    reason: "the spec names no server; set one with `ClientBuilder::base_url`".to_owned(),
                }
            })?;
        let base_url = base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() => {}
            Ok(_) => {
                return Err(ConfigError::InvalidBaseUrl {
                    url: base_url,
                    reason: "it must be an http or https URL without a query".to_owned(),
                })
            }
            Err(error) => {
                return Err(ConfigError::InvalidBaseUrl { url: base_url, reason: error.to_string() })
            }
        }
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes());
            let header_value = HeaderValue::from_str(value);
            match (header_name, header_value) {
                (Ok(header_name), Ok(header_value)) => {
                    default_headers.insert(header_name, header_value);
                }
                _ => return Err(ConfigError::InvalidHeader { name: name.clone() }),
            }
        }
        check_credentials(&self.credentials)?;
        let certificate = self.credentials.iter().find_map(|credential| match &credential.secret {
            Secret::Pem(pem) => Some(pem),
            _ => None,
        });
        let http = match (self.http, certificate) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::InvalidClientCertificate {
                    reason: "a client given with `http_client` keeps its own TLS settings; add the certificate to it (`reqwest::ClientBuilder::identity`) instead".to_owned(),
                })
            }
            (Some(http), None) => http,
            (None, certificate) => {
                // No timeouts here but the connect one: each request sets its own (a call may allow
                // more time than the client), and streams time out per read.
                let mut builder = reqwest::Client::builder()
                    .user_agent(self.spec.user_agent)
                    .redirect(same_origin_redirects())
                    .connect_timeout(self.connect_timeout);
                if let Some(pem) = certificate {
                    let identity = reqwest::Identity::from_pem(pem)
                        .map_err(|error| ConfigError::InvalidClientCertificate { reason: chain(&error) })?;
                    builder = builder.identity(identity);
                }
                builder.build().map_err(ConfigError::Http)?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                default_headers,
                default_query: self.query,
                credentials: self.credentials,
                spec: self.spec,
                timeout: self.timeout,
                retry: self.retry,
            }),
        })
    }
}

/// Checks that the credentials sent as they are can go in a header (a token from a provider is
/// checked when it is given).
fn check_credentials(credentials: &Credentials) -> Result<(), ConfigError> {
    for credential in credentials.iter() {
        let Secret::Value(value) = &credential.secret else { continue };
        let (name, value) = match credential.placement {
            CredentialPlacement::Header(name) => (name, HeaderValue::from_str(value)),
            CredentialPlacement::Authorization(scheme) => {
                ("authorization", HeaderValue::from_str(&format!("{scheme} {value}")))
            }
            CredentialPlacement::Query(_)
            | CredentialPlacement::Cookie(_)
            | CredentialPlacement::ClientCertificate => continue,
        };
        if value.is_err() || HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(ConfigError::InvalidHeader { name: name.to_owned() });
        }
    }
    Ok(())
}

/// Follows redirects within the origin only: reqwest would carry an API-key header along to
/// another host, so a redirect elsewhere stops and is returned as the response.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin =
            attempt.previous().first().is_none_or(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            attempt.stop()
        } else if attempt.previous().len() >= 10 {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// An environment variable's value, treating an empty one as unset.
// `Client::from_env` calls it; a crate whose spec names no variable (`x-env`) has none.
#[allow(dead_code)]
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::{ClientBuilder, ConfigError, SpecInfo};
    use crate::credentials::CredentialPlacement;

    static SPEC: SpecInfo = SpecInfo {
        default_base_url: Some("https://api.example.com/v1/"),
        request_id_header: None,
        error_message_pointer: None,
        user_agent: "test/0",
        required_credentials: &["api_key"],
    };

    static NO_SERVER: SpecInfo = SpecInfo {
        default_base_url: None,
        request_id_header: None,
        error_message_pointer: None,
        user_agent: "test/0",
        required_credentials: &[],
    };

    fn with_key() -> ClientBuilder {
        ClientBuilder::new(&SPEC).with_credential(
            "api_key",
            CredentialPlacement::Header("x-api-key"),
            "secret".to_owned(),
        )
    }

    #[test]
    fn the_spec_s_server_is_the_default_base_url_without_its_trailing_slash() {
        let client = with_key().build().unwrap();
        assert_eq!(client.base_url(), "https://api.example.com/v1");
        let client = with_key().base_url("http://127.0.0.1:8080/").build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn configuration_problems_are_found_when_the_client_is_built() {
        let error = ClientBuilder::new(&SPEC).build().unwrap_err();
        assert!(matches!(error, ConfigError::MissingCredential { setter: "api_key" }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "no credential configured: call `ClientBuilder::api_key` (or use `Client::from_env`) before `build`"
        );
        let error = ClientBuilder::new(&NO_SERVER).build().unwrap_err();
        assert!(error.to_string().contains("the spec names no server"), "{error}");
        for url in ["ftp://example.com", "https://example.com/?a=b", "not a url"] {
            let error = with_key().base_url(url).build().unwrap_err();
            assert!(matches!(error, ConfigError::InvalidBaseUrl { .. }), "{url}: {error:?}");
        }
        let error = with_key().default_header("x-note", "line\nbreak").build().unwrap_err();
        assert_eq!(error.to_string(), "the header `x-note` has a name or value that cannot be sent");
        let error = ClientBuilder::new(&SPEC)
            .with_credential("api_key", CredentialPlacement::Header("x-api-key"), "bad\nkey".to_owned())
            .build()
            .unwrap_err();
        assert!(matches!(error, ConfigError::InvalidHeader { .. }), "{error:?}");
    }

    #[test]
    fn a_default_header_replaces_one_of_the_same_name_in_any_case() {
        let builder = with_key().default_header("X-Beta", "a").default_header("x-beta", "b");
        assert_eq!(builder.headers, [("x-beta".to_owned(), "b".to_owned())]);
        let client = builder.build().unwrap();
        assert_eq!(client.inner.default_headers["x-beta"], "b");
    }

    #[test]
    fn the_credential_never_shows_in_debug_output() {
        let shown = format!("{:?}", with_key());
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
        let client = with_key().build().unwrap();
        assert!(!format!("{client:?}").contains("secret"));
    }

    #[test]
    fn an_authorization_value_that_cannot_be_sent_is_refused_when_the_client_is_built() {
        let error = with_key()
            .with_credential(
                "digest_authorization",
                CredentialPlacement::Authorization("Digest"),
                "a\rb".to_owned(),
            )
            .build()
            .unwrap_err();
        assert_eq!(error.to_string(), "the header `authorization` has a name or value that cannot be sent");
    }

    /// A self-signed certificate (`CN=client.test`, P-256) followed by its private key, made with
    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500`.
    const IDENTITY: &[u8] = include_bytes!("../testdata/client-identity.pem");

    #[test]
    fn a_client_certificate_with_its_key_builds_a_client_and_anything_else_is_a_config_error() {
        let with_certificate =
            |pem: &[u8]| with_key().with_client_certificate("client_certificate", pem.to_vec());
        with_certificate(IDENTITY).build().expect("a certificate and its key");

        let text = std::str::from_utf8(IDENTITY).unwrap();
        let certificate_only = &text[..text.find("-----BEGIN PRIVATE KEY").expect("the key follows")];
        for pem in [b"not a pem".as_slice(), certificate_only.as_bytes(), b""] {
            let error = with_certificate(pem).build().unwrap_err();
            assert!(matches!(error, ConfigError::InvalidClientCertificate { .. }), "{error:?}");
            assert!(error.to_string().ends_with("private key or certificate not found"), "{error}");
        }

        let error = with_certificate(IDENTITY).http_client(reqwest::Client::new()).build().unwrap_err();
        assert!(error.to_string().contains("add the certificate to it"), "{error}");
        assert!(!format!("{:?}", with_certificate(IDENTITY)).contains("PRIVATE"));
    }
}

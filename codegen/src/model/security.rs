//! The credentials part of the model: the security schemes a client can be given credentials
//! for, and what each operation requires of them (`Operation::security`).

use crate::names::RustName;

/// A credential the client can be given: one security scheme that some operation requires.
/// Schemes no operation requires get no setter.
#[derive(Clone, Debug)]
pub struct AuthScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub scheme: String,
    /// Rust name of the client builder setter (`api_key`, `basic_auth`, `bearer_token`…); also
    /// the name by which operations and errors refer to this credential.
    pub setter: RustName,
    /// Where the credential goes, and the form the setter takes it in.
    pub placement: AuthPlacement,
    /// Description from the spec.
    pub docs: Option<String>,
    /// Environment variable `Client::from_env` reads it from (`x-env` on the scheme); only for
    /// credentials that are one string.
    pub env: Option<String>,
    /// Every operation requires this credential (it is in each of their alternatives), so a
    /// client built without it can call nothing: `build` refuses.
    pub required_by_all: bool,
}

/// Where a credential is sent.
#[derive(Clone, Debug)]
pub enum AuthPlacement {
    /// An API key in a header of this name, as is.
    Header(String),
    /// An API key in a query parameter of this name.
    Query(String),
    /// An API key in a cookie of this name.
    Cookie(String),
    /// `Authorization: Basic base64(username:password)`: the setter takes both.
    Basic,
    /// `Authorization: Bearer <token>` (HTTP `bearer`, OAuth 2 and OpenID Connect): a fixed
    /// token, or a provider asked before each request and again after a 401.
    Bearer {
        /// Rust name of the setter that takes a token provider.
        provider: RustName,
        /// Where tokens come from (OAuth 2 flows and their URLs, an OpenID Connect discovery
        /// URL), for docs.
        issuer: Option<String>,
    },
    /// `Authorization: <scheme> <value>` for any other HTTP scheme (`Digest`, `HOBA`…): the
    /// setter takes the text after the scheme's name.
    Authorization(String),
    /// A TLS client certificate (`mutualTLS`): the setter takes the PEM of a certificate chain
    /// and its private key, presented when the server asks for one.
    ClientCertificate,
}

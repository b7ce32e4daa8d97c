//! Security: `components/securitySchemes` → the credentials a client can be given (one setter
//! each, named by [`crate::names`]), and each operation's `security` → the alternatives it
//! accepts.
//!
//! Every scheme type of OpenAPI has a credential:
//! - `apiKey` in a header, the query or a cookie: the key, sent as is;
//! - HTTP `basic`: a username and a password, sent as `Authorization: Basic base64(user:pass)`;
//! - HTTP `bearer`, `oauth2` (every flow) and `openIdConnect`: a token, sent as
//!   `Authorization: Bearer <token>`, fixed or asked of a provider before each request (and again
//!   after a 401). Getting the token (the OAuth flows) is the provider's job: the client calls
//!   the API, not its authorization server;
//! - any other HTTP scheme (`digest`, `hoba`…): the text after the scheme's name in
//!   `Authorization: <Scheme> <value>`, as the user computes it;
//! - `mutualTLS` (3.1, read back from the `http` scheme the downgrade writes): a client certificate.
//!
//! Requirements: an operation's own `security`, else the document's; alternatives (any one
//! suffices) of combinations (all are sent); `[]` or an empty alternative `{}` accepts none.
//! OAuth scopes are documentation for the provider: the client sends the token it is given.
//! A scheme no operation requires gets no setter, and is not read but for its `x-env`.

use super::resolver::Resolver;
use crate::diagnostics::Pointer;
use crate::downgrade::MUTUAL_TLS_SCHEME;
use crate::extensions;
use crate::model::*;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{APIKeyLocation, OAuth2Flows, ReferenceOr, SecurityRequirement, SecurityScheme};

/// Methods of the runtime's `ClientBuilder`, public or not, that no setter may shadow.
pub(super) const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "build",
    "connect_timeout",
    "default_header",
    "default_query",
    "http_client",
    "max_retries",
    "new",
    "retry_delays",
    "timeout",
    "with",
    "with_client_certificate",
    "with_credential",
    "with_token_provider",
];

/// A security scheme as read, before it has a setter.
struct Read {
    kind: Kind,
    docs: Option<String>,
    env: Option<String>,
}

enum Kind {
    ApiKey(AuthPlacement),
    Basic,
    Token { name: &'static str, issuer: Option<String> },
    Http(String),
    Certificate,
}

impl Resolver<'_> {
    /// What an operation at `at` requires (its own `security`, else the document's): indexes
    /// into `components.securitySchemes`, which [`Resolver::security`] renumbers into
    /// [`Api::auth`] once the used schemes are known. An undefined scheme is a diagnostic.
    pub(super) fn requirements(
        &mut self,
        own: Option<&Vec<SecurityRequirement>>,
        at: &Pointer,
    ) -> Vec<Vec<usize>> {
        let document = self.document;
        match (own, &document.security) {
            (Some(own), _) => self.alternatives(own, &at.key("security")),
            (None, Some(shared)) => self.alternatives(shared, &Pointer::root().key("security")),
            (None, None) => Vec::new(),
        }
    }

    /// The schemes some operation requires, in the document's order, each with its setter;
    /// every operation's requirement renumbered to index them. The document's `security` is
    /// checked even when no operation inherits it. Setters avoid `taken`, the names of the client
    /// builder's setters of shared parameters.
    pub(super) fn security(&mut self, operations: &mut [Operation], taken: &[&str]) -> Vec<AuthScheme> {
        let document = self.document;
        if let Some(shared) = &document.security {
            self.alternatives(shared, &Pointer::root().key("security"));
        }
        let Some(defined) = document.components.as_ref().map(|c| &c.security_schemes) else {
            return Vec::new();
        };
        let mut scope = Scope::with_reserved(BUILDER_METHODS);
        for name in taken {
            scope.claim(name);
        }
        let mut numbers = vec![None; defined.len()];
        let mut schemes = Vec::new();
        for (index, (name, scheme)) in defined.iter().enumerate() {
            let used = operations.iter().any(|op| op.security.iter().flatten().any(|&used| used == index));
            if !used {
                // Not read (nothing sends it), but the generator's own extension is checked.
                if let ReferenceOr::Item(scheme) = scheme {
                    let at = Pointer::root().key("components").key("securitySchemes").key(name);
                    extensions::env(scheme_extensions(scheme), &at, &mut self.diagnostics);
                }
                continue;
            }
            let Some(read) = self.scheme(name, scheme) else { continue };
            numbers[index] = Some(schemes.len());
            let required_by_all = operations
                .iter()
                .all(|op| !op.security.is_empty() && op.security.iter().all(|alt| alt.contains(&index)));
            schemes.push(setter(name, read, required_by_all, &mut scope));
        }
        for op in operations.iter_mut() {
            op.security = op
                .security
                .iter()
                .filter_map(|alternative| alternative.iter().map(|&index| numbers[index]).collect())
                .collect();
        }
        schemes
    }

    /// A list of requirement objects at `at`, as lists of scheme indexes, each list once.
    fn alternatives(&mut self, requirements: &[SecurityRequirement], at: &Pointer) -> Vec<Vec<usize>> {
        let defined = self.document.components.as_ref().map(|c| &c.security_schemes);
        let mut alternatives: Vec<Vec<usize>> = Vec::new();
        for (position, requirement) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                match defined.and_then(|defined| defined.get_index_of(name)) {
                    Some(index) => alternative.push(index),
                    None => self.diagnostics.push(
                        at.index(position).key(name).as_str(),
                        format!("security scheme `{name}` is not defined in `components/securitySchemes`"),
                    ),
                }
            }
            if !alternatives.contains(&alternative) {
                alternatives.push(alternative);
            }
        }
        alternatives
    }

    /// Reads one scheme of `components/securitySchemes`; `None` after a diagnostic.
    fn scheme(&mut self, name: &str, item: &ReferenceOr<SecurityScheme>) -> Option<Read> {
        let at = Pointer::root().key("components").key("securitySchemes").key(name);
        let (scheme, at) = self.follow(item, &at, "securitySchemes", |c| &c.security_schemes)?;
        let (kind, docs, extensions) = match scheme {
            SecurityScheme::APIKey { location, name, description, extensions } => {
                let placement = match location {
                    APIKeyLocation::Header => AuthPlacement::Header(name.clone()),
                    APIKeyLocation::Query => AuthPlacement::Query(name.clone()),
                    APIKeyLocation::Cookie => AuthPlacement::Cookie(name.clone()),
                };
                let named = if *location == APIKeyLocation::Query { "a query parameter" } else { "a token" };
                if name.is_empty() || (*location != APIKeyLocation::Query && !is_token(name)) {
                    self.diagnostics.push(
                        at.key("name").as_str(),
                        format!("`{name}` cannot be the name of the API key: it must be {named} (letters, digits and `!#$%&'*+-.^_|~`)"),
                    );
                    return None;
                }
                (Kind::ApiKey(placement), description, extensions)
            }
            SecurityScheme::HTTP { scheme, description, extensions, .. } => {
                let kind = if scheme.eq_ignore_ascii_case("basic") {
                    Kind::Basic
                } else if scheme.eq_ignore_ascii_case("bearer") {
                    Kind::Token { name: "bearer_token", issuer: None }
                } else if scheme == MUTUAL_TLS_SCHEME {
                    Kind::Certificate
                } else if is_token(scheme) {
                    Kind::Http(scheme.clone())
                } else {
                    self.diagnostics.push(
                        at.key("scheme").as_str(),
                        format!("`{scheme}` cannot be an HTTP authentication scheme: it must be one word (letters, digits and `!#$%&'*+-.^_|~`), such as `basic` or `digest`"),
                    );
                    return None;
                };
                (kind, description, extensions)
            }
            SecurityScheme::OAuth2 { flows, description, extensions } => (
                Kind::Token { name: "oauth2_token", issuer: Some(oauth_flows(flows)) },
                description,
                extensions,
            ),
            SecurityScheme::OpenIDConnect { open_id_connect_url, description, extensions } => {
                let issuer = format!("OpenID Connect, discovery at {open_id_connect_url}.");
                (Kind::Token { name: "openid_connect_token", issuer: Some(issuer) }, description, extensions)
            }
        };
        let mut env = extensions::env(extensions, &at, &mut self.diagnostics);
        if env.is_some() && matches!(kind, Kind::Basic | Kind::Certificate) {
            self.diagnostics.warn(
                at.key("x-env").as_str(),
                "`x-env` names one variable, and this credential is not one string (a username and password, or a certificate); `Client::from_env` does not read it",
            );
            env = None;
        }
        Some(Read { kind, docs: docs.clone(), env })
    }
}

/// The scheme's credential with its setter: the name of its kind (`api_key`, `basic_auth`…)
/// when free, else one made from the scheme's name.
fn setter(scheme: &str, read: Read, required_by_all: bool, scope: &mut Scope) -> AuthScheme {
    let wanted = match &read.kind {
        Kind::ApiKey(_) => "api_key".to_owned(),
        Kind::Basic => "basic_auth".to_owned(),
        Kind::Token { name, .. } => (*name).to_owned(),
        Kind::Http(name) => names::value_name(&format!("{name} authorization")),
        Kind::Certificate => "client_certificate".to_owned(),
    };
    let setter = if scope.contains(wanted.trim_start_matches("r#")) {
        let is_token = matches!(read.kind, Kind::Token { .. });
        let own = match is_token && !names::value_name(scheme).ends_with("token") {
            true => format!("{scheme} token"),
            false => scheme.to_owned(),
        };
        scope.claim_value(&own)
    } else {
        scope.claim_code(&wanted)
    };
    let placement = match read.kind {
        Kind::ApiKey(placement) => placement,
        Kind::Basic => AuthPlacement::Basic,
        Kind::Token { issuer, .. } => AuthPlacement::Bearer {
            provider: scope.claim_code(&format!("{}_provider", setter.as_str())),
            issuer,
        },
        Kind::Http(name) => AuthPlacement::Authorization(name),
        Kind::Certificate => AuthPlacement::ClientCertificate,
    };
    AuthScheme {
        scheme: scheme.to_owned(),
        setter,
        placement,
        docs: read.docs,
        env: read.env,
        required_by_all,
    }
}

fn scheme_extensions(scheme: &SecurityScheme) -> &IndexMap<String, serde_json::Value> {
    match scheme {
        SecurityScheme::APIKey { extensions, .. }
        | SecurityScheme::HTTP { extensions, .. }
        | SecurityScheme::OAuth2 { extensions, .. }
        | SecurityScheme::OpenIDConnect { extensions, .. } => extensions,
    }
}

/// An RFC 9110 token: what a header name, a cookie name and an authentication scheme must be.
fn is_token(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// The flows of an OAuth 2 scheme and their URLs, and its scopes, as plain prose.
fn oauth_flows(flows: &OAuth2Flows) -> String {
    type Flow<'f> = (&'static str, Vec<(&'static str, Option<&'f String>)>, &'f IndexMap<String, String>);
    let mut listed: Vec<Flow> = Vec::new();
    if let Some(f) = &flows.authorization_code {
        let urls = vec![
            ("authorization URL", Some(&f.authorization_url)),
            ("token URL", Some(&f.token_url)),
            ("refresh URL", f.refresh_url.as_ref()),
        ];
        listed.push(("authorization code", urls, &f.scopes));
    }
    if let Some(f) = &flows.client_credentials {
        let urls = vec![("token URL", Some(&f.token_url)), ("refresh URL", f.refresh_url.as_ref())];
        listed.push(("client credentials", urls, &f.scopes));
    }
    if let Some(f) = &flows.password {
        let urls = vec![("token URL", Some(&f.token_url)), ("refresh URL", f.refresh_url.as_ref())];
        listed.push(("password", urls, &f.scopes));
    }
    if let Some(f) = &flows.implicit {
        let urls =
            vec![("authorization URL", Some(&f.authorization_url)), ("refresh URL", f.refresh_url.as_ref())];
        listed.push(("implicit", urls, &f.scopes));
    }
    let mut described = Vec::new();
    let mut scopes: Vec<&String> = Vec::new();
    for (name, urls, flow_scopes) in &listed {
        let urls: Vec<String> =
            urls.iter().filter_map(|(what, url)| Some(format!("{what} {}", (*url)?))).collect();
        described.push(format!("{name} ({})", urls.join(", ")));
        for scope in flow_scopes.keys() {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
    }
    let mut text = match described.is_empty() {
        true => "OAuth 2.0.".to_owned(),
        false => format!("OAuth 2.0, flows: {}.", described.join("; ")),
    };
    if !scopes.is_empty() {
        let scopes: Vec<String> =
            scopes.iter().map(|scope| format!("`{}`", scope.replace('`', "'"))).collect();
        text.push_str(&format!(" Scopes: {}.", scopes.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::model::{Api, AuthPlacement};

    /// A document with these `securitySchemes` and one operation per requirement (`/op0`…; a
    /// requirement `-` leaves the operation to the document's `security`, here `shared`).
    fn api(schemes: &str, shared: &str, requirements: &[&str]) -> Result<Api, crate::Diagnostics> {
        let paths: String = requirements
            .iter()
            .enumerate()
            .map(|(at, requirement)| {
                let security = if *requirement == "-" { String::new() } else { format!("security: {requirement}, ") };
                format!("  /op{at}:\n    get: {{operationId: op{at}, {security}responses: {{'204': {{description: ok}}}}}}\n")
            })
            .collect();
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\nsecurity: {shared}\npaths:\n{paths}\
             components:\n  securitySchemes:\n{schemes}"
        );
        crate::model(spec.as_bytes())
    }

    fn setters(api: &Api) -> Vec<&str> {
        api.auth.iter().map(|auth| auth.setter.as_str()).collect()
    }

    #[test]
    fn requirements_are_the_operation_s_own_or_the_document_s_and_renumbered_to_the_used_schemes() {
        let schemes = "    Unused: {type: apiKey, in: header, name: x-unused}\n    \
                       Key: {type: apiKey, in: header, name: x-key}\n    Basic: {type: http, scheme: basic}\n    \
                       Session: {type: apiKey, in: cookie, name: sid}\n";
        let api = api(
            schemes,
            "[{Key: []}, {Basic: []}]",
            &["-", "[]", "[{}, {Key: []}]", "[{Key: [], Session: []}, {Key: []}, {Key: []}]"],
        )
        .unwrap_or_else(|problems| panic!("{problems}"));
        assert_eq!(setters(&api), ["api_key", "basic_auth", "session"], "the unused scheme has no setter");
        let security: Vec<&Vec<Vec<usize>>> = api.operations.iter().map(|op| &op.security).collect();
        assert_eq!(
            security,
            [&vec![vec![0], vec![1]], &vec![], &vec![vec![], vec![0]], &vec![vec![0, 2], vec![0]]]
        );
        assert!(api.auth.iter().all(|auth| !auth.required_by_all), "`security: []` needs none");
    }

    #[test]
    fn a_credential_in_every_alternative_of_every_operation_is_required_by_all() {
        let schemes = "    Id: {type: apiKey, in: query, name: app_id}\n    Key: {type: apiKey, in: query, name: app_key}\n";
        let api = api(schemes, "[{Id: [], Key: []}]", &["-", "[{Id: []}, {Id: [], Key: []}]"]).unwrap();
        let required: Vec<bool> = api.auth.iter().map(|auth| auth.required_by_all).collect();
        assert_eq!(required, [true, false]);
    }

    #[test]
    fn setters_take_the_name_of_their_kind_else_of_their_scheme() {
        let schemes = "    A: {type: apiKey, in: header, name: x-a}\n    build: {type: apiKey, in: query, name: b}\n    \
                       Bearer: {type: http, scheme: bearer}\n    personalToken: {type: http, scheme: Bearer}\n    \
                       oauth: {type: oauth2, flows: {}}\n    oidc: {type: openIdConnect, openIdConnectUrl: 'https://id.example.com'}\n    \
                       Hoba: {type: http, scheme: HOBA}\n    type: {type: apiKey, in: cookie, name: t}\n";
        let all =
            "[{A: [], build: [], Bearer: [], personalToken: [], oauth: [], oidc: [], Hoba: [], type: []}]";
        let api = api(schemes, all, &["-"]).unwrap_or_else(|problems| panic!("{problems}"));
        assert_eq!(
            setters(&api),
            [
                "api_key",
                "build2",
                "bearer_token",
                "personal_token",
                "oauth2_token",
                "openid_connect_token",
                "hoba_authorization",
                "type"
            ]
        );
        assert!(api.auth[7].setter.is_raw());
        let providers: Vec<&str> = api
            .auth
            .iter()
            .filter_map(|auth| match &auth.placement {
                AuthPlacement::Bearer { provider, .. } => Some(provider.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            providers,
            [
                "bearer_token_provider",
                "personal_token_provider",
                "oauth2_token_provider",
                "openid_connect_token_provider"
            ]
        );
    }

    #[test]
    fn what_cannot_be_sent_is_a_diagnostic_at_its_pointer() {
        let schemes = "    Key: {type: apiKey, in: header, name: 'x key'}\n    Weird: {type: http, scheme: 'my scheme'}\n    \
                       Pair: {type: http, scheme: basic, x-env: PAIR}\n";
        let shared = "[{Key: []}, {Weird: []}, {Nowhere: []}]";
        let problems = api(schemes, shared, &["[{Pair: []}, {Missing: []}]", "-"]).unwrap_err();
        let text = problems.to_string();
        for expected in [
            "error at /components/securitySchemes/Key/name: `x key` cannot be the name of the API key",
            "error at /components/securitySchemes/Weird/scheme: `my scheme` cannot be an HTTP authentication scheme",
            "warning at /components/securitySchemes/Pair/x-env: `x-env` names one variable",
            "error at /security/2/Nowhere: security scheme `Nowhere` is not defined",
            "error at /paths/~1op0/get/security/1/Missing: security scheme `Missing` is not defined",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
    }

    #[test]
    fn an_unused_scheme_is_not_read_but_its_x_env_is_checked() {
        let schemes = "    Key: {type: apiKey, in: header, name: x-key}\n    Odd: {type: apiKey, in: header, name: 'a b'}\n";
        let read = api(schemes, "[{Key: []}]", &["-"]).unwrap_or_else(|problems| panic!("{problems}"));
        assert_eq!(setters(&read), ["api_key"]);
        let schemes = "    Key: {type: apiKey, in: header, name: x-key}\n    Odd: {type: apiKey, in: header, name: a, x-env: 'not a name'}\n";
        let problems = api(schemes, "[{Key: []}]", &["-"]).unwrap_err();
        assert!(
            problems.to_string().starts_with("error at /components/securitySchemes/Odd/x-env: must be"),
            "{problems}"
        );
    }

    #[test]
    fn oauth_flows_and_scopes_are_told_in_the_token_s_docs() {
        let schemes = "    oauth:\n      type: oauth2\n      flows:\n        password: {tokenUrl: 'https://a.example.com/t', scopes: {read: r}}\n        \
                       implicit: {authorizationUrl: 'https://a.example.com/a', scopes: {read: r, write: w}}\n";
        let api = api(schemes, "[{oauth: [read]}]", &["-"]).unwrap();
        let AuthPlacement::Bearer { issuer, .. } = &api.auth[0].placement else { panic!("a token") };
        assert_eq!(
            issuer.as_deref(),
            Some("OAuth 2.0, flows: password (token URL https://a.example.com/t); implicit (authorization URL https://a.example.com/a). Scopes: `read`, `write`.")
        );
    }
}

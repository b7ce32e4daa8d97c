//! Credentials: where each goes, how the client holds them (never shown by `Debug`), and which
//! of them a request sends.
//!
//! Each credential is known by the builder setter that sets it (`api_key`, `basic_auth`…). An
//! operation names the alternatives it accepts ([`Security`]); the first alternative whose
//! credentials are all configured is sent, and only to the API's own origin.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a token provider fails with.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A token being fetched.
pub(crate) type TokenFuture = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send>>;

/// Asks for a token; the flag is `true` when the server refused the previous one.
pub(crate) type AskToken = Arc<dyn Fn(bool) -> TokenFuture + Send + Sync>;

/// The credentials an operation accepts: alternatives, any one of which suffices, each the
/// setters of the credentials sent together. None at all: the operation sends no credential.
/// An empty alternative among others: credentials are optional (sent when configured).
pub(crate) type Security = &'static [&'static [&'static str]];

/// Where a credential goes.
// A generated crate names the placements of its API's security schemes, and no more.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CredentialPlacement {
    /// A header of this name, as is.
    Header(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
    /// A cookie of this name.
    Cookie(&'static str),
    /// `Authorization: <scheme> <value>` (`Bearer`, `Basic`, or any other HTTP scheme).
    Authorization(&'static str),
    /// A TLS client certificate: presented when a connection is made, nothing per request.
    ClientCertificate,
}

/// A credential's secret part.
// Which kinds a crate stores depends on its API's schemes.
#[allow(dead_code)]
#[derive(Clone)]
pub(crate) enum Secret {
    /// Sent as is.
    Value(String),
    /// Asked for before each request.
    Provider(AskToken),
    /// A certificate chain and its private key, PEM.
    Pem(Vec<u8>),
}

/// One credential the client was given.
#[derive(Clone)]
pub(crate) struct Credential {
    /// The builder setter that set it, by which operations name it.
    pub setter: &'static str,
    pub placement: CredentialPlacement,
    pub secret: Secret,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("setter", &self.setter)
            .field("placement", &self.placement)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// One credential as a request carries it.
#[derive(Debug)]
pub(crate) struct Sent<'a> {
    pub placement: CredentialPlacement,
    pub value: Cow<'a, str>,
}

/// The credentials of a client, one per setter.
#[derive(Clone, Debug, Default)]
pub(crate) struct Credentials(Vec<Credential>);

impl Credentials {
    /// Adds a credential, replacing an earlier one of the same setter.
    pub fn set(&mut self, credential: Credential) {
        self.0.retain(|existing| existing.setter != credential.setter);
        self.0.push(credential);
    }

    /// Whether the credential of this setter was given.
    pub fn has(&self, setter: &str) -> bool {
        self.0.iter().any(|credential| credential.setter == setter)
    }

    /// Every credential given.
    pub fn iter(&self) -> impl Iterator<Item = &Credential> {
        self.0.iter()
    }

    /// What to send for an operation that accepts `security`: the first alternative that names
    /// credentials, all given; else nothing, if an alternative is empty; `None` when no
    /// alternative can be met.
    pub fn choose(&self, security: Security) -> Option<Vec<&Credential>> {
        if security.is_empty() {
            return Some(Vec::new());
        }
        let given = |setter: &&str| self.0.iter().find(|credential| credential.setter == *setter);
        let met = security
            .iter()
            .filter(|alternative| !alternative.is_empty())
            .find_map(|alternative| alternative.iter().map(given).collect::<Option<Vec<_>>>());
        met.or_else(|| security.iter().any(|alternative| alternative.is_empty()).then(Vec::new))
    }
}

/// The alternatives of `security` as a reader would say them: `api_key, or app_id and app_key`.
pub(crate) fn accepted(security: Security) -> String {
    let alternatives: Vec<String> = security
        .iter()
        .filter(|alternative| !alternative.is_empty())
        .map(|alternative| alternative.join(" and "))
        .collect();
    alternatives.join(", or ")
}

/// The values of the chosen credentials, asking providers for their tokens (`refresh` after the
/// server refused the previous one). A certificate sends nothing per request.
pub(crate) async fn values<'a>(chosen: &[&'a Credential], refresh: bool) -> Result<Vec<Sent<'a>>, BoxError> {
    let mut sent = Vec::with_capacity(chosen.len());
    for credential in chosen {
        let value = match &credential.secret {
            Secret::Value(value) => Cow::Borrowed(value.as_str()),
            Secret::Provider(ask) => {
                let token = ask(refresh).await?;
                if reqwest::header::HeaderValue::from_str(&token).is_err() {
                    return Err("the token has characters a header cannot carry".into());
                }
                Cow::Owned(token)
            }
            Secret::Pem(_) => continue,
        };
        sent.push(Sent { placement: credential.placement, value });
    }
    Ok(sent)
}

/// Whether any of the chosen credentials comes from a provider, which may give a new token
/// when the server refuses one.
pub(crate) fn asks(chosen: &[&Credential]) -> bool {
    chosen.iter().any(|credential| matches!(credential.secret, Secret::Provider(_)))
}

/// `base64(username:password)`, the credentials of `Authorization: Basic` (RFC 7617).
// Setters of HTTP basic schemes call it; a crate without one leaves it unused. The encoder is
// the one `base64.rs` has, written again here on purpose: every client gets this module, and only
// crates whose types hold bytes get that one.
#[allow(dead_code)]
pub(crate) fn basic_credentials(username: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{username}:{password}").into_bytes();
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |group, (at, byte)| group | u32::from(*byte) << (16 - 8 * at));
        for at in 0..4 {
            let letter =
                if at <= chunk.len() { ALPHABET[(group >> (18 - 6 * at)) as usize & 63] } else { b'=' };
            encoded.push(char::from(letter));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::{accepted, basic_credentials, values, Credential, CredentialPlacement, Credentials, Secret};
    use crate::test_support::ready;
    use std::sync::Arc;

    fn key(setter: &'static str) -> Credential {
        Credential {
            setter,
            placement: CredentialPlacement::Header("x-key"),
            secret: Secret::Value(format!("{setter}-secret")),
        }
    }

    fn chosen(credentials: &Credentials, security: super::Security) -> Option<Vec<&'static str>> {
        credentials.choose(security).map(|chosen| chosen.iter().map(|credential| credential.setter).collect())
    }

    #[test]
    fn basic_credentials_are_base64_of_user_colon_password() {
        assert_eq!(basic_credentials("Aladdin", "open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(basic_credentials("a", ""), "YTo=");
        assert_eq!(basic_credentials("ab", "c"), "YWI6Yw==");
        assert_eq!(basic_credentials("ab", "cd"), "YWI6Y2Q=");
        assert_eq!(basic_credentials("", ""), "Og==");
        assert_eq!(basic_credentials("ü", "\u{ff}"), "w7w6w78=");
    }

    #[test]
    fn the_first_alternative_whose_credentials_are_all_given_is_sent() {
        let mut credentials = Credentials::default();
        credentials.set(key("app_id"));
        credentials.set(key("app_key"));
        credentials.set(key("token"));
        assert_eq!(
            chosen(&credentials, &[&["api_key"], &["app_id", "app_key"], &["token"]]),
            Some(vec!["app_id", "app_key"])
        );
        assert_eq!(chosen(&credentials, &[&["app_id", "missing"], &["token"]]), Some(vec!["token"]));
        assert_eq!(chosen(&credentials, &[&["missing"]]), None);
        assert_eq!(chosen(&credentials, &[]), Some(vec![]), "an operation without security sends nothing");
        // An empty alternative makes credentials optional: sent when given, else none.
        assert_eq!(chosen(&credentials, &[&[], &["token"]]), Some(vec!["token"]));
        assert_eq!(chosen(&credentials, &[&[], &["missing"]]), Some(vec![]));
        assert_eq!(chosen(&Credentials::default(), &[&["a"], &["b", "c"]]), None);
        assert_eq!(accepted(&[&["api_key"], &[], &["app_id", "app_key"]]), "api_key, or app_id and app_key");
    }

    #[test]
    fn a_later_credential_of_the_same_setter_replaces_the_earlier() {
        let mut credentials = Credentials::default();
        credentials.set(key("api_key"));
        credentials.set(Credential { secret: Secret::Value("new".to_owned()), ..key("api_key") });
        assert_eq!(credentials.iter().count(), 1);
        let chosen = credentials.choose(&[&["api_key"]]).unwrap();
        let sent = ready(values(&chosen, false)).unwrap();
        assert_eq!(sent[0].value, "new");
    }

    #[test]
    fn providers_are_asked_with_the_refresh_flag_and_their_tokens_checked() {
        let provider = |token: &'static str| Credential {
            setter: "token",
            placement: CredentialPlacement::Authorization("Bearer"),
            secret: Secret::Provider(Arc::new(move |refresh| {
                Box::pin(async move { Ok(format!("{token}{}", if refresh { "-refreshed" } else { "" })) })
            })),
        };
        let good = provider("t1");
        assert_eq!(ready(values(&[&good], false)).unwrap()[0].value, "t1");
        assert_eq!(ready(values(&[&good], true)).unwrap()[0].value, "t1-refreshed");
        let bad = provider("line\nbreak");
        let error = ready(values(&[&bad], false)).unwrap_err();
        assert_eq!(error.to_string(), "the token has characters a header cannot carry");
        let certificate = Credential {
            setter: "cert",
            placement: CredentialPlacement::ClientCertificate,
            secret: Secret::Pem(Vec::new()),
        };
        assert!(ready(values(&[&certificate], false)).unwrap().is_empty());
        assert!(!format!("{good:?}{certificate:?}").contains("t1"));
    }
}

//! Token providers: bearer tokens (HTTP `bearer`, OAuth 2, OpenID Connect) that expire are asked
//! for before each request that sends one, and asked for again, once, when the server answers
//! 401, with `refresh` set. Only crates whose API takes a bearer token get this module.

use super::client::ClientBuilder;
use super::credentials::{AskToken, Credential, CredentialPlacement, Secret, TokenFuture};
use std::future::Future;
use std::sync::Arc;

/// What a token provider fails with: any error (`Box<dyn Error + Send + Sync>`).
pub type TokenError = Box<dyn std::error::Error + Send + Sync>;

/// Gives the bearer token for each request. Caching the token, fetching a new one when it
/// expires (say, with an OAuth client-credentials grant) and sharing it between requests is the
/// provider's job; the client asks before every request that sends the token.
///
/// A closure `Fn(bool) -> impl Future<Output = Result<String, E>>` is a provider. So is a type of
/// your own:
///
/// ```ignore
/// struct Refreshing { /* a cached token, a way to fetch a new one */ }
///
/// impl TokenProvider for Refreshing {
///     async fn token(&self, refresh: bool) -> Result<String, TokenError> {
///         // When `refresh` is set, the server refused the last token: fetch a new one.
///         Ok("token".to_owned())
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send. `refresh` is `true` when the server answered 401 to the previous
    /// token (the request is then sent once more with this one): skip any cache.
    fn token(&self, refresh: bool) -> impl Future<Output = Result<String, TokenError>> + Send;
}

impl<F, Fut, E> TokenProvider for F
where
    F: Fn(bool) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, E>> + Send,
    E: Into<TokenError>,
{
    fn token(&self, refresh: bool) -> impl Future<Output = Result<String, TokenError>> + Send {
        let token = self(refresh);
        async move { token.await.map_err(Into::into) }
    }
}

impl ClientBuilder {
    /// Sets a credential whose token `provider` gives, sent as `Authorization: Bearer <token>`;
    /// the generated `…_provider` setters call it.
    pub(crate) fn with_token_provider(self, setter: &'static str, provider: impl TokenProvider) -> Self {
        let provider = Arc::new(provider);
        let ask: AskToken = Arc::new(move |refresh: bool| -> TokenFuture {
            let provider = Arc::clone(&provider);
            Box::pin(async move { provider.token(refresh).await })
        });
        self.with(Credential {
            setter,
            placement: CredentialPlacement::Authorization("Bearer"),
            secret: Secret::Provider(ask),
        })
    }
}

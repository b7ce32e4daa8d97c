//! One call: assembled by a generated operation, sent with retries by the [`Client`], and its
//! response turned into a value or an [`Error`] (or, in `jsonl`, a stream).

use super::client::Client;
use super::credentials::{accepted, asks, values, Credential, CredentialPlacement, Security, Sent};
use super::encode::cookie_value;
use super::error::{ApiError, DecodeError, Error, FromResponse};
use super::options::{set_at, RequestOptions};
use super::raw::unknown_fields;
use super::retry::should_retry_status;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::time::Duration;
use tracing::Instrument;

/// Error bodies are read up to this size; the rest is dropped, as no error message needs more.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A decoded response together with what came with it.
// Generated operations hand it to their callers (`send_with_response`); in a crate of types only,
// which has no operations, nothing reads it.
#[allow(dead_code)]
#[derive(Clone, Debug)]
pub struct ApiResponse<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The server's request id, when the response carried one.
    pub request_id: Option<String>,
    /// The body as it came, for a body read whole (JSON, text, bytes); empty for a stream or a
    /// response without a body. What this version of the types does not name is still in it:
    /// [`ApiResponse::unknown_fields`] lists it.
    pub body: Bytes,
}

impl<T: serde::Serialize> ApiResponse<T> {
    /// The fields of a JSON body that the decoded value does not carry (those the description
    /// does not name), as JSON pointers and values; see
    /// [`Raw::unknown_fields`](super::raw::Raw::unknown_fields).
    pub fn unknown_fields(&self) -> Vec<(String, serde_json::Value)> {
        unknown_fields(&self.body, &self.value)
    }
}

/// The parts of a request a generated operation fills in.
#[derive(Clone, Debug)]
pub(crate) struct RequestParts {
    pub operation: &'static str,
    pub method: Method,
    /// The path template from the spec, for logs (ids are not logged).
    pub template: &'static str,
    pub path: String,
    /// A full URL the API handed out (such as a results URL), used instead of base URL + path.
    pub absolute_url: Option<String>,
    pub query: Vec<(Cow<'static, str>, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub cookies: Vec<(Cow<'static, str>, String)>,
    pub accept: Option<&'static str>,
    pub body: Option<Bytes>,
    /// The `Content-Type` of `body`.
    pub content_type: Option<String>,
    pub options: RequestOptions,
    /// The body is read as a stream: the timeout covers the wait for the response and each read,
    /// not the whole body.
    pub streaming: bool,
    /// The credentials the operation accepts (by default none).
    pub security: Security,
}

impl RequestParts {
    // Every generated operation starts here; a crate of types only (no operations) never does.
    #[allow(dead_code)]
    pub fn new(operation: &'static str, method: Method, template: &'static str, path: String) -> Self {
        Self {
            operation,
            method,
            template,
            path,
            absolute_url: None,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            accept: None,
            body: None,
            content_type: None,
            options: RequestOptions::default(),
            streaming: false,
            security: &[],
        }
    }

    /// Encodes the JSON body once (extra body fields merged in); retries re-send these bytes.
    // Operations with a JSON request body call it; a crate without one leaves it unused.
    #[allow(dead_code)]
    pub fn json_body<T: serde::Serialize, E>(&mut self, body: &T, media_type: &str) -> Result<(), Error<E>> {
        let bytes = if self.options.body_fields.is_empty() && self.options.body_values.is_empty() {
            serde_json::to_vec(body).map_err(|source| self.encode_error(source))?
        } else {
            let value = self.extended_body(body)?;
            serde_json::to_vec(&value).map_err(|source| self.encode_error(source))?
        };
        self.set_body(bytes, media_type.to_owned());
        Ok(())
    }

    /// Sends these bytes (text or binary) as the body.
    // Operations with a text or binary request body call it; a crate without one leaves it unused.
    #[allow(dead_code)]
    pub fn raw_body(&mut self, bytes: impl Into<Bytes>, media_type: &str) {
        self.body = Some(bytes.into());
        self.content_type = Some(media_type.to_owned());
    }

    /// Sets the encoded body and its `Content-Type`.
    pub fn set_body(&mut self, bytes: Vec<u8>, content_type: String) {
        self.body = Some(Bytes::from(bytes));
        self.content_type = Some(content_type);
    }

    fn encode_error<E>(&self, source: serde_json::Error) -> Error<E> {
        Error::Encode { operation: self.operation, source }
    }

    /// The body as a JSON object, with the caller's extra body fields and values merged in.
    // Form and multipart bodies call it; a crate with neither leaves it unused.
    #[allow(dead_code)]
    pub fn object_body<T: serde::Serialize, E>(&mut self, body: &T) -> Result<serde_json::Value, Error<E>> {
        let value = self.extended_body(body)?;
        if value.is_object() {
            Ok(value)
        } else {
            Err(self.not_an_object())
        }
    }

    /// The body as JSON with the caller's extra top-level fields (the body must be an object
    /// then) and the values set at pointers inside it.
    fn extended_body<T: serde::Serialize, E>(&mut self, body: &T) -> Result<serde_json::Value, Error<E>> {
        let mut value = serde_json::to_value(body).map_err(|source| self.encode_error(source))?;
        if !self.options.body_fields.is_empty() {
            let Some(object) = value.as_object_mut() else { return Err(self.not_an_object()) };
            object.extend(std::mem::take(&mut self.options.body_fields));
        }
        for (pointer, new) in std::mem::take(&mut self.options.body_values) {
            set_at(&mut value, &pointer, new)
                .map_err(|reason| Error::InvalidParameter { operation: self.operation, reason })?;
        }
        Ok(value)
    }

    fn not_an_object<E>(&self) -> Error<E> {
        Error::InvalidParameter {
            operation: self.operation,
            reason: "this body must be a JSON object (to merge extra fields or write form fields)".to_owned(),
        }
    }
}

/// One attempt's failure, and whether another attempt may help.
struct Failed<E> {
    error: Error<E>,
    retry: bool,
    headers: Option<HeaderMap>,
}

impl Client {
    fn span(&self, parts: &RequestParts) -> tracing::Span {
        tracing::info_span!(
            "api_call",
            operation = parts.operation,
            method = %parts.method,
            path = parts.template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        )
    }

    fn timeout(&self, parts: &RequestParts) -> Duration {
        parts.options.timeout.unwrap_or(self.inner.timeout)
    }

    /// Sends `parts` and returns the first success response (headers read, body not yet),
    /// retrying what the retry rules allow. `read` then turns the body into a value; a body that
    /// breaks off while being read counts as a failed attempt too.
    pub(crate) async fn call<T, E, R, F>(
        &self,
        parts: &RequestParts,
        read: R,
    ) -> Result<ApiResponse<T>, Error<E>>
    where
        E: FromResponse,
        R: Fn(reqwest::Response) -> F,
        F: std::future::Future<Output = Result<(T, Bytes), (Error<E>, bool)>>,
    {
        // The span is passed down rather than looked up with `Span::current()`: a subscriber need
        // not track the current span, and one that filters this span out would otherwise have
        // the caller's span receive these fields.
        let span = self.span(parts);
        let policy = &self.inner.retry;
        let max_retries = parts.options.max_retries.unwrap_or(policy.max_retries);
        // A request without the credentials it needs fails before anything is sent.
        let Some(credentials) = self.inner.credentials.choose(parts.security) else {
            return Err(Error::MissingCredentials {
                operation: parts.operation,
                accepted: accepted(parts.security),
            });
        };
        let attempts = async {
            let mut retry = 0;
            // A 401 to a token from a provider is answered once by asking it for a fresh token
            // and trying again at once, apart from the retries.
            let (mut refresh, mut refreshed) = (false, !asks(&credentials));
            loop {
                span.record("attempt", retry + 1);
                let outcome = self.attempt(parts, &credentials, std::mem::take(&mut refresh), &span).await;
                let failed = match outcome {
                    Ok(response) => {
                        let status = response.status();
                        let headers = response.headers().clone();
                        let request_id = self.request_id(&headers);
                        match read(response).await {
                            Ok((value, body)) => {
                                return Ok(ApiResponse { value, status, headers, request_id, body })
                            }
                            Err((error, retry)) => Failed { error, retry, headers: None },
                        }
                    }
                    Err(failed) => failed,
                };
                if !refreshed && failed.error.status() == Some(StatusCode::UNAUTHORIZED) {
                    (refresh, refreshed) = (true, true);
                    continue;
                }
                if !failed.retry || retry >= max_retries {
                    return Err(failed.error);
                }
                let wait = policy.delay(retry, failed.headers.as_ref());
                tracing::debug!(retry = retry + 1, wait_ms = wait.as_millis() as u64, error = %failed.error, "retrying");
                tokio::time::sleep(wait).await;
                retry += 1;
            }
        };
        attempts.instrument(span.clone()).await
    }

    /// One try: send, and sort the outcome into a success response or a (maybe retryable) failure.
    async fn attempt<E: FromResponse>(
        &self,
        parts: &RequestParts,
        credentials: &[&Credential],
        refresh: bool,
        span: &tracing::Span,
    ) -> Result<reqwest::Response, Failed<E>> {
        let operation = parts.operation;
        let not_sent = |error| Failed { error, retry: false, headers: None };
        let credentials = values(credentials, refresh)
            .await
            .map_err(|source| not_sent(Error::TokenProvider { operation, source }))?;
        let request = self.build(parts, &credentials).map_err(not_sent)?;
        let response = match tokio::time::timeout(self.timeout(parts), request.send()).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => {
                // Connection failures and timeouts are worth another try; a request that could not
                // be built is not.
                let retry = !error.is_builder();
                return Err(Failed { error: Error::transport(operation, error), retry, headers: None });
            }
            Err(_) => return Err(Failed { error: Error::Timeout { operation }, retry: true, headers: None }),
        };
        span.record("status", response.status().as_u16());
        if let Some(request_id) = self.request_id(response.headers()) {
            span.record("request_id", request_id.as_str());
        }
        if response.status().is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let retry = should_retry_status(response.status(), &headers);
        Err(Failed { error: self.api_error(operation, response).await, retry, headers: Some(headers) })
    }

    fn build<E>(
        &self,
        parts: &RequestParts,
        credentials: &[Sent<'_>],
    ) -> Result<reqwest::RequestBuilder, Error<E>> {
        let inner = &self.inner;
        let operation = parts.operation;
        let invalid = |reason: String| Error::InvalidParameter { operation, reason };
        let full = match &parts.absolute_url {
            Some(url) => url.clone(),
            None => format!("{}{}", inner.base_url, parts.path),
        };
        let mut url = reqwest::Url::parse(&full)
            .map_err(|error| invalid(format!("the URL `{full}` does not parse: {error}")))?;
        // Credentials go only to the API's own origin, never to a host named in a response.
        let same_origin =
            reqwest::Url::parse(&inner.base_url).is_ok_and(|base| base.origin() == url.origin());
        let credentials = if same_origin { credentials } else { &[] };

        let own_query = parts.query.iter().map(|(name, value)| (name.as_ref(), value.as_str()));
        let extra_query = parts.options.query.iter().map(|(name, value)| (name.as_str(), value.as_str()));
        let mut query: Vec<(&str, &str)> = inner
            .default_query
            .iter()
            .filter(|(name, _)| !parts.query.iter().any(|(own, _)| own.as_ref() == name.as_str()))
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        query.extend(own_query.chain(extra_query));
        for credential in credentials {
            if let CredentialPlacement::Query(name) = credential.placement {
                query.push((name, &credential.value));
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }

        let mut headers = inner.default_headers.clone();
        let own_headers = parts.headers.iter().map(|(name, value)| (*name, value.as_str()));
        let extra_headers = parts.options.headers.iter().map(|(name, value)| (name.as_str(), value.as_str()));
        for (name, value) in own_headers.chain(extra_headers) {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("`{name}` is not a valid header name")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                invalid(format!("the value of header `{name}` has characters a header cannot carry"))
            })?;
            headers.insert(header_name, header_value);
        }
        let mut cookies: Vec<String> =
            parts.cookies.iter().map(|(name, value)| format!("{name}={}", cookie_value(value))).collect();
        for credential in credentials {
            let (name, value) = match credential.placement {
                CredentialPlacement::Header(name) => {
                    (HeaderName::from_bytes(name.as_bytes()).ok(), credential.value.to_string())
                }
                CredentialPlacement::Authorization(scheme) => {
                    (Some(AUTHORIZATION), format!("{scheme} {}", credential.value))
                }
                CredentialPlacement::Cookie(name) => {
                    cookies.push(format!("{name}={}", cookie_value(&credential.value)));
                    continue;
                }
                CredentialPlacement::Query(_) | CredentialPlacement::ClientCertificate => continue,
            };
            // Names and values were checked when the client was built (a provider's token when
            // it was given).
            if let (Some(name), Ok(mut value)) = (name, HeaderValue::from_str(&value)) {
                value.set_sensitive(true);
                headers.insert(name, value);
            }
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| invalid("a cookie value has characters a header cannot carry".to_owned()))?;
            value.set_sensitive(
                credentials.iter().any(|c| matches!(c.placement, CredentialPlacement::Cookie(_))),
            );
            headers.insert(COOKIE, value);
        }
        if let Some(accept) = parts.accept.and_then(|accept| HeaderValue::from_str(accept).ok()) {
            headers.entry(ACCEPT).or_insert(accept);
        }
        let mut request = inner.http.request(parts.method.clone(), url);
        if !parts.streaming {
            request = request.timeout(self.timeout(parts));
        }
        if let Some(body) = &parts.body {
            let content_type = parts.content_type.as_deref().unwrap_or("application/json");
            let content_type = HeaderValue::from_str(content_type)
                .map_err(|_| invalid(format!("`{content_type}` is not a valid content type")))?;
            headers.entry(CONTENT_TYPE).or_insert(content_type);
            request = request.body(body.clone());
        }
        Ok(request.headers(headers))
    }

    async fn api_error<E: FromResponse>(
        &self,
        operation: &'static str,
        mut response: reqwest::Response,
    ) -> Error<E> {
        let status = response.status();
        let headers = response.headers().clone();
        let request_id = self.request_id(&headers);
        let mut body = Vec::new();
        while body.len() < ERROR_BODY_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                // A broken error body still reports the status; what arrived is kept.
                Ok(None) | Err(_) => break,
            }
        }
        body.truncate(ERROR_BODY_LIMIT);
        let message = self.inner.spec.error_message_pointer.and_then(|pointer| {
            serde_json::from_slice::<serde_json::Value>(&body)
                .ok()?
                .pointer(pointer)?
                .as_str()
                .map(str::to_owned)
        });
        Error::from_api(ApiError {
            operation,
            status,
            request_id,
            headers,
            body: E::from_response(status, &body),
            raw_body: String::from_utf8_lossy(&body).into_owned(),
            message,
        })
    }

    pub(crate) fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        let name = self.inner.spec.request_id_header?;
        headers.get(name)?.to_str().ok().map(str::to_owned)
    }
}

// One reader per kind of success body (`BodyKind` in codegen's model): a generated crate calls those
// its operations need and leaves the others unused.
#[allow(dead_code)]
impl Client {
    /// Calls an operation whose success body is JSON.
    pub(crate) async fn call_json<T: DeserializeOwned, E: FromResponse>(
        &self,
        parts: RequestParts,
    ) -> Result<ApiResponse<T>, Error<E>> {
        let operation = parts.operation;
        let read = |response: reqwest::Response| async move {
            let body = read_body(operation, response).await?;
            let value = serde_json::from_slice(&body)
                .map_err(|error| (Error::Decode(DecodeError::new(operation, None, &error, &body)), false))?;
            Ok((value, body))
        };
        self.call(&parts, read).await
    }

    /// Calls an operation whose success statuses carry different JSON bodies: the status picks
    /// the type.
    pub(crate) async fn call_json_by_status<T: FromResponse, E: FromResponse>(
        &self,
        parts: RequestParts,
    ) -> Result<ApiResponse<T>, Error<E>> {
        let operation = parts.operation;
        let read = |response: reqwest::Response| async move {
            let status = response.status();
            let body = read_body(operation, response).await?;
            let value = T::from_response(status, &body).ok_or_else(|| {
                let detail =
                    format!("the body of this {status} response is not the JSON its status promises");
                (Error::Decode(DecodeError::text(operation, detail, &body)), false)
            })?;
            Ok((value, body))
        };
        self.call(&parts, read).await
    }

    /// Calls an operation whose success body is JSON for some statuses and empty for others.
    pub(crate) async fn call_json_or_empty<T: DeserializeOwned, E: FromResponse>(
        &self,
        parts: RequestParts,
    ) -> Result<ApiResponse<Option<T>>, Error<E>> {
        let operation = parts.operation;
        let read = |response: reqwest::Response| async move {
            let body = read_body(operation, response).await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok((None, body));
            }
            let value = serde_json::from_slice(&body)
                .map_err(|error| (Error::Decode(DecodeError::new(operation, None, &error, &body)), false))?;
            Ok((Some(value), body))
        };
        self.call(&parts, read).await
    }

    // The `call_*` readers share their shape (take the body, turn it into the value) but not
    // their steps; each is the one place its kind of body is read, on top of `read_body`.

    /// Calls an operation whose success body is text.
    pub(crate) async fn call_text<E: FromResponse>(
        &self,
        parts: RequestParts,
    ) -> Result<ApiResponse<String>, Error<E>> {
        let operation = parts.operation;
        let read = |response: reqwest::Response| async move {
            let body = read_body(operation, response).await?;
            let text = String::from_utf8(body.to_vec()).map_err(|error| {
                let detail = format!(
                    "the text body is not valid UTF-8 (at byte {})",
                    error.utf8_error().valid_up_to()
                );
                (Error::Decode(DecodeError::text(operation, detail, &body)), false)
            })?;
            Ok((text, body))
        };
        self.call(&parts, read).await
    }

    /// Calls an operation whose success body is read as bytes.
    pub(crate) async fn call_bytes<E: FromResponse>(
        &self,
        parts: RequestParts,
    ) -> Result<ApiResponse<Bytes>, Error<E>> {
        let operation = parts.operation;
        let read = |response: reqwest::Response| async move {
            let body = read_body(operation, response).await?;
            Ok((body.clone(), body))
        };
        self.call(&parts, read).await
    }

    /// Calls an operation whose success has no body worth reading.
    pub(crate) async fn call_empty<E: FromResponse>(
        &self,
        parts: RequestParts,
    ) -> Result<ApiResponse<()>, Error<E>> {
        self.call(&parts, |_response| async { Ok(((), Bytes::new())) }).await
    }
}

/// The whole body of a success response; a connection that breaks while it is read is worth
/// another attempt.
async fn read_body<E>(
    operation: &'static str,
    response: reqwest::Response,
) -> Result<Bytes, (Error<E>, bool)> {
    response.bytes().await.map_err(|error| (Error::transport(operation, error), true))
}

#[cfg(test)]
mod tests {
    use super::RequestParts;
    use crate::client::{Client, ClientBuilder, SpecInfo};
    use crate::credentials::{values, CredentialPlacement};
    use crate::error::Error;
    use crate::test_support::ready;
    use reqwest::Method;

    static SPEC: SpecInfo = SpecInfo {
        default_base_url: Some("https://api.example.com/v1"),
        request_id_header: Some("request-id"),
        error_message_pointer: None,
        user_agent: "test/0",
        required_credentials: &["api_key"],
    };

    fn client(placement: CredentialPlacement) -> Client {
        ClientBuilder::new(&SPEC)
            .with_credential("api_key", placement, "secret".to_owned())
            .default_query("beta", "on")
            .default_query("version", "1")
            .build()
            .expect("a valid configuration")
    }

    fn parts(path: &str) -> RequestParts {
        let mut parts = RequestParts::new("get_item", Method::GET, "/items/{id}", path.to_owned());
        parts.security = &[&["api_key"]];
        parts
    }

    /// The request `call` would send first: with the credentials the operation accepts.
    fn request(client: &Client, parts: &RequestParts) -> reqwest::Request {
        let chosen = client.inner.credentials.choose(parts.security).expect("the credentials are given");
        let sent = ready(values(&chosen, false)).expect("no provider");
        client.build::<serde_json::Value>(parts, &sent).expect("builds").build().expect("a request")
    }

    #[test]
    fn credentials_go_to_the_api_origin_only() {
        let client = client(CredentialPlacement::Header("x-api-key"));
        let own = request(&client, &parts("/items/1"));
        assert_eq!(own.url().as_str(), "https://api.example.com/v1/items/1?beta=on&version=1");
        assert_eq!(own.headers()["x-api-key"], "secret");
        assert!(own.headers()["x-api-key"].is_sensitive());

        let mut elsewhere = parts("/items/1");
        elsewhere.absolute_url = Some("https://files.example.com/results/1".to_owned());
        let request = request(&client, &elsewhere);
        assert_eq!(request.url().host_str(), Some("files.example.com"));
        assert!(request.headers().get("x-api-key").is_none());

        let client = self::client(CredentialPlacement::Query("key"));
        let own = self::request(&client, &parts("/items/1"));
        assert_eq!(own.url().query(), Some("beta=on&version=1&key=secret"));
        let elsewhere = self::request(&client, &elsewhere);
        assert_eq!(elsewhere.url().query(), Some("beta=on&version=1"));

        let client = self::client(CredentialPlacement::Authorization("Bearer"));
        assert_eq!(self::request(&client, &parts("/x")).headers()["authorization"], "Bearer secret");
    }

    #[test]
    fn a_cookie_credential_joins_the_operation_s_cookies() {
        let client = client(CredentialPlacement::Cookie("session"));
        let mut parts = parts("/items");
        parts.cookies.push(("theme".into(), "dark".to_owned()));
        let request = request(&client, &parts);
        assert_eq!(request.headers()["cookie"], "theme=dark; session=secret");
        assert!(request.headers()["cookie"].is_sensitive());
    }

    #[test]
    fn an_operation_without_security_sends_no_credential_and_one_lacking_it_sends_nothing() {
        let client = client(CredentialPlacement::Header("x-api-key"));
        let mut open = parts("/items");
        open.security = &[];
        assert!(request(&client, &open).headers().get("x-api-key").is_none());

        let mut other = parts("/items");
        other.security = &[&["oauth2_token"], &["app_id", "app_key"]];
        // `call` returns before its first await: nothing is sent.
        let error = ready(client.call_empty::<serde_json::Value>(other)).unwrap_err();
        assert!(
            matches!(&error, Error::MissingCredentials { operation: "get_item", accepted } if accepted == "oauth2_token, or app_id and app_key"),
            "{error:?}"
        );
    }

    #[test]
    fn an_operation_s_own_query_replaces_a_default_and_extra_query_comes_last() {
        let client = client(CredentialPlacement::Authorization("Bearer"));
        let mut parts = parts("/items");
        parts.query.push(("version".into(), "2".to_owned()));
        parts.query.push(("tag".into(), "a b".to_owned()));
        parts.options.query("tag".to_owned(), "c".to_owned());
        let request = request(&client, &parts);
        assert_eq!(request.url().query(), Some("beta=on&version=2&tag=a+b&tag=c"));
    }

    #[test]
    fn headers_cookies_and_the_body_are_sent_as_given() {
        let client = client(CredentialPlacement::Authorization("Bearer"));
        let mut parts = parts("/items");
        parts.headers.push(("x-mode", "own".to_owned()));
        parts.options.header("X-Mode".to_owned(), "extra".to_owned());
        parts.cookies.push(("session".into(), "a; b".to_owned()));
        parts.cookies.push(("theme".into(), "dark".to_owned()));
        parts.accept = Some("application/json");
        parts.json_body::<_, serde_json::Value>(&serde_json::json!({"n": 1}), "application/json").unwrap();
        let request = request(&client, &parts);
        let headers = request.headers();
        assert_eq!(headers["x-mode"], "extra");
        assert_eq!(headers["cookie"], "session=a%3B%20b; theme=dark");
        assert_eq!(headers["accept"], "application/json");
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(request.body().and_then(reqwest::Body::as_bytes), Some(&b"{\"n\":1}"[..]));
    }

    #[test]
    fn extra_body_fields_are_merged_into_an_object_body_and_refused_for_others() {
        let mut parts = parts("/items");
        parts.options.body_field("extra".to_owned(), serde_json::json!(true));
        parts.json_body::<_, serde_json::Value>(&serde_json::json!({"n": 1}), "application/json").unwrap();
        let body: serde_json::Value = serde_json::from_slice(parts.body.as_deref().unwrap()).unwrap();
        assert_eq!(body, serde_json::json!({"n": 1, "extra": true}));

        let mut parts = self::parts("/items");
        parts.options.body_field("extra".to_owned(), serde_json::json!(true));
        let result = parts.json_body::<_, serde_json::Value>(&[1, 2], "application/json");
        assert!(matches!(result, Err(Error::InvalidParameter { operation: "get_item", .. })), "{result:?}");
    }

    #[test]
    fn a_header_that_cannot_be_sent_is_an_invalid_parameter() {
        let client = client(CredentialPlacement::Authorization("Bearer"));
        let mut parts = parts("/items");
        parts.headers.push(("x-note", "line\nbreak".to_owned()));
        let error = client.build::<serde_json::Value>(&parts, &[]).map(|_| ()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "get_item: the value of header `x-note` has characters a header cannot carry"
        );
    }
}

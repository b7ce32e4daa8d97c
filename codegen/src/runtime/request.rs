//! One request: assembled by a generated operation, sent by [`Client::execute`], and its
//! response turned into a value or an [`Error`].

use super::client::{Client, CredentialPlacement};
use super::error::{ApiError, DecodeError, Error};
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Response};
use serde::de::DeserializeOwned;

/// Error bodies are read up to this size; the rest is dropped, as no error message needs more.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The parts of a request a generated operation fills in.
#[derive(Debug)]
pub(crate) struct RequestParts {
    pub operation: &'static str,
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub accept: Option<&'static str>,
    pub body: Option<Vec<u8>>,
}

impl RequestParts {
    pub fn new(operation: &'static str, method: Method, path: String) -> Self {
        Self { operation, method, path, query: Vec::new(), headers: Vec::new(), accept: None, body: None }
    }

    pub fn json_body<T: serde::Serialize, E>(&mut self, body: &T) -> Result<(), Error<E>> {
        let bytes =
            serde_json::to_vec(body).map_err(|source| Error::Encode { operation: self.operation, source })?;
        self.body = Some(bytes);
        Ok(())
    }
}

impl Client {
    /// Sends a request and returns the response if its status is a success.
    pub(crate) async fn execute<E: DeserializeOwned>(
        &self,
        parts: RequestParts,
    ) -> Result<Response, Error<E>> {
        let inner = &self.inner;
        let operation = parts.operation;
        let mut url = reqwest::Url::parse(&format!("{}{}", inner.base_url, parts.path)).map_err(|error| {
            Error::InvalidParameter { operation, reason: format!("the request URL does not parse: {error}") }
        })?;
        let mut query: Vec<(&str, &str)> = Vec::new();
        for (name, value) in &inner.default_query {
            if !parts.query.iter().any(|(own, _)| own == name) {
                query.push((name, value));
            }
        }
        query.extend(parts.query.iter().map(|(name, value)| (*name, value.as_str())));
        if let Some(credential) = &inner.credential {
            if let CredentialPlacement::Query(name) = credential.placement {
                query.push((name, &credential.value));
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }

        let mut headers = inner.default_headers.clone();
        for (name, value) in &parts.headers {
            let header_value = HeaderValue::from_str(value).map_err(|_| Error::InvalidParameter {
                operation,
                reason: format!("the value of header `{name}` contains characters a header cannot carry"),
            })?;
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::InvalidParameter { operation, reason: format!("`{name}` is not a valid header name") }
            })?;
            headers.insert(header_name, header_value);
        }
        if let Some(credential) = &inner.credential {
            let (name, value) = match credential.placement {
                CredentialPlacement::Header(name) => {
                    (HeaderName::from_bytes(name.as_bytes()).ok(), credential.value.clone())
                }
                CredentialPlacement::Bearer => (Some(AUTHORIZATION), format!("Bearer {}", credential.value)),
                CredentialPlacement::Query(_) => (None, String::new()),
            };
            // Name and value were validated when the client was built.
            if let (Some(name), Ok(mut value)) = (name, HeaderValue::from_str(&value)) {
                value.set_sensitive(true);
                headers.insert(name, value);
            }
        }
        if let Some(accept) = parts.accept.and_then(|accept| HeaderValue::from_str(accept).ok()) {
            headers.insert(ACCEPT, accept);
        }
        let mut request = inner.http.request(parts.method, url);
        if let Some(body) = parts.body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            request = request.body(body);
        }
        let response =
            request.headers(headers).send().await.map_err(|error| Error::transport(operation, error))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(self.api_error(operation, response).await)
        }
    }

    async fn api_error<E: DeserializeOwned>(
        &self,
        operation: &'static str,
        mut response: Response,
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
            body: serde_json::from_slice(&body).ok(),
            raw_body: String::from_utf8_lossy(&body).into_owned(),
            message,
        })
    }

    pub(crate) fn request_id(&self, headers: &reqwest::header::HeaderMap) -> Option<String> {
        let name = self.inner.spec.request_id_header?;
        headers.get(name)?.to_str().ok().map(str::to_owned)
    }
}

/// Reads a whole JSON response into `T`.
pub(crate) async fn read_json<T: DeserializeOwned, E>(
    operation: &'static str,
    response: Response,
) -> Result<T, Error<E>> {
    let body = response.bytes().await.map_err(|error| Error::transport(operation, error))?;
    serde_json::from_slice(&body)
        .map_err(|error| Error::Decode(DecodeError::new(operation, None, &error, &body)))
}

//! `multipart/form-data` request bodies. Only crates with an operation that sends one get this
//! module.

use super::base64::Base64Bytes;
use super::error::Error;
use super::request::RequestParts;

impl RequestParts {
    /// Encodes a `multipart/form-data` body with one part per property of `body`; the properties
    /// named in `files` are sent as files.
    pub fn multipart_body<T: serde::Serialize, E>(
        &mut self,
        body: &T,
        files: &[&str],
    ) -> Result<(), Error<E>> {
        let value = self.object_body(body)?;
        let (bytes, content_type) = multipart_encode(&value, files)
            .map_err(|reason| Error::InvalidParameter { operation: self.operation, reason })?;
        self.set_body(bytes, content_type);
        Ok(())
    }
}

/// A file sent as one part of a `multipart/form-data` body: any bytes, with the file name and
/// content type the part declares.
///
/// Inside a body it is sent as its raw bytes. Should the type holding it ever be written as JSON,
/// it is an object `{"filename", "content_type", "data"}` with the bytes in base64 (JSON cannot
/// hold raw bytes), and it reads back from the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilePart {
    /// The file's contents.
    #[serde(rename = "data")]
    pub bytes: Base64Bytes,
    /// The part's file name (the property's name when `None`).
    #[serde(rename = "filename", default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The part's content type (`application/octet-stream` when `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes, without a file name or content type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self { bytes: Base64Bytes(bytes.into()), file_name: None, content_type: None }
    }

    /// Sets the file name the part declares.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type (`image/png`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

/// One part of a body: its name, its `filename` (files only), content type and bytes.
struct Part<'v> {
    name: &'v str,
    file_name: Option<String>,
    content_type: String,
    bytes: Vec<u8>,
}

/// The parts of a file property: a [`FilePart`] (or an array of them, one part each), or text
/// (sent as the file's bytes). Anything else is an error: the body type would not have written it.
fn file_parts<'v>(name: &'v str, value: &serde_json::Value, parts: &mut Vec<Part<'v>>) -> Result<(), String> {
    let file = match value {
        serde_json::Value::Array(items) => {
            return items.iter().try_for_each(|item| file_parts(name, item, parts));
        }
        serde_json::Value::String(text) => FilePart::new(text.as_bytes()),
        other => serde_json::from_value::<FilePart>(other.clone())
            .map_err(|error| format!("multipart file `{name}`: {error}"))?,
    };
    parts.push(Part {
        name,
        file_name: Some(file.file_name.unwrap_or_else(|| name.to_owned())),
        content_type: file.content_type.unwrap_or_else(|| "application/octet-stream".to_owned()),
        bytes: file.bytes.into_inner(),
    });
    Ok(())
}

/// An object's properties as `multipart/form-data` parts (strings as text, the properties named
/// in `files` as file parts, anything else as JSON), and the content type with the boundary.
pub(crate) fn multipart_encode(
    object: &serde_json::Value,
    files: &[&str],
) -> Result<(Vec<u8>, String), String> {
    let mut parts: Vec<Part<'_>> = Vec::new();
    if let serde_json::Value::Object(object) = object {
        for (name, value) in object {
            let (content_type, bytes) = match value {
                serde_json::Value::Null => continue,
                file if files.contains(&name.as_str()) => {
                    file_parts(name, file, &mut parts)?;
                    continue;
                }
                serde_json::Value::String(text) => ("text/plain; charset=utf-8", text.clone().into_bytes()),
                other => ("application/json", other.to_string().into_bytes()),
            };
            parts.push(Part { name, file_name: None, content_type: content_type.to_owned(), bytes });
        }
    }
    // A boundary that occurs in no part; counting up from a fixed start keeps bodies reproducible.
    let mut counter = 0u32;
    let boundary = loop {
        let candidate = format!("----client-boundary-{counter:08x}");
        let found =
            |bytes: &[u8]| bytes.windows(candidate.len()).any(|window| window == candidate.as_bytes());
        if !parts.iter().any(|part| found(&part.bytes) || part.name.contains(&candidate)) {
            break candidate;
        }
        counter += 1;
    };
    let quoted = |text: &str| text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
    let mut body = Vec::new();
    for part in &parts {
        // Servers tell file parts by their file name.
        let file_name = match &part.file_name {
            Some(file_name) => format!("; filename=\"{}\"", quoted(file_name)),
            None => String::new(),
        };
        let content_type = part.content_type.replace(['\r', '\n'], " ");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"{file_name}\r\nContent-Type: {content_type}\r\n\r\n",
                quoted(part.name)
            )
            .as_bytes(),
        );
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((body, format!("multipart/form-data; boundary={boundary}")))
}

#[cfg(test)]
mod tests {
    use super::{multipart_encode, FilePart};
    use serde_json::json;

    #[test]
    fn multipart_bodies_have_one_part_per_property_and_a_boundary_found_in_none() {
        let (body, content_type) = multipart_encode(
            &json!({"name": "----client-boundary-00000000", "n": 1, "file": "x"}),
            &["file"],
        )
        .unwrap();
        let text = String::from_utf8(body).unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary, "----client-boundary-00000001");
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 3);
        assert!(
            text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n"),
            "{text}"
        );
        assert!(text.contains("name=\"n\"\r\nContent-Type: application/json\r\n\r\n1\r\n"), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn file_parts_carry_any_bytes_with_their_name_and_type() {
        let file = FilePart::new(vec![0xff, 0x00, 0xfe, 0x80]).file_name("a\".bin").content_type("image/png");
        let object = json!({"doc": serde_json::to_value(&file).unwrap(), "docs": [file, FilePart::new(b"x".to_vec())]});
        let (body, _) = multipart_encode(&object, &["doc", "docs"]).unwrap();
        let head =
            b"name=\"doc\"; filename=\"a%22.bin\"\r\nContent-Type: image/png\r\n\r\n\xff\x00\xfe\x80\r\n";
        assert!(body.windows(head.len()).any(|window| window == head));
        let second =
            b"name=\"docs\"; filename=\"docs\"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n";
        assert!(body.windows(second.len()).any(|window| window == second));
        assert!(multipart_encode(&json!({"doc": 5}), &["doc"]).is_err());
    }
}

//! `multipart/form-data` request bodies. Only crates with an operation that sends one get this
//! module.

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
        let (bytes, content_type) = multipart_encode(&value, files);
        self.set_body(bytes, content_type);
        Ok(())
    }
}

/// An object's properties as `multipart/form-data` parts (strings as text, the properties named
/// in `files` as `application/octet-stream` file parts, anything else as JSON), and the content
/// type with the boundary.
pub(crate) fn multipart_encode(object: &serde_json::Value, files: &[&str]) -> (Vec<u8>, String) {
    let mut parts: Vec<(&str, String, &str)> = Vec::new();
    if let serde_json::Value::Object(object) = object {
        for (name, value) in object {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::String(text) if files.contains(&name.as_str()) => {
                    parts.push((name, text.clone(), "application/octet-stream"))
                }
                serde_json::Value::String(text) => {
                    parts.push((name, text.clone(), "text/plain; charset=utf-8"))
                }
                other => parts.push((name, other.to_string(), "application/json")),
            }
        }
    }
    // A boundary that occurs in no part; counting up from a fixed start keeps bodies reproducible.
    let mut counter = 0u32;
    let boundary = loop {
        let candidate = format!("----client-boundary-{counter:08x}");
        if !parts.iter().any(|(name, value, _)| value.contains(&candidate) || name.contains(&candidate)) {
            break candidate;
        }
        counter += 1;
    };
    let mut body = Vec::new();
    for (name, value, content_type) in &parts {
        let name = name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
        // Servers tell file parts by their file name; the property's name serves as one.
        let filename = if *content_type == "application/octet-stream" {
            format!("; filename=\"{name}\"")
        } else {
            String::new()
        };
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[cfg(test)]
mod tests {
    use super::multipart_encode;
    use serde_json::json;

    #[test]
    fn multipart_bodies_have_one_part_per_property_and_a_boundary_found_in_none() {
        let (body, content_type) = multipart_encode(
            &json!({"name": "----client-boundary-00000000", "n": 1, "file": "x"}),
            &["file"],
        );
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
}

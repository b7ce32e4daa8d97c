//! Bytes that are base64 text on the wire (`format: byte`): [`Base64Bytes`], and the codec
//! behind it. Only crates with such a value (or a multipart file part) get this module.
//!
//! A small codec of its own rather than the `base64` crate: encoding is one table lookup per six
//! bits, and what decoding must accept (both alphabets, with or without padding) is a dozen lines
//! that are tested here; a dependency would add a build step to every generated crate for that.
//! (`credentials` writes HTTP basic credentials with an encoder of its own: every client has that
//! module, and only crates with bytes in their types get this one.)

use std::fmt;
use std::ops::{Deref, DerefMut};

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 §4) with padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |group, (at, byte)| group | u32::from(*byte) << (16 - 8 * at));
        for at in 0..4 {
            if at <= chunk.len() {
                text.push(char::from(STANDARD[(group >> (18 - 6 * at)) as usize & 63]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Decodes base64 in the standard or the URL-safe alphabet (RFC 4648 §4 and §5), padded or not.
/// Anything else (another character, padding in the middle, a length no encoding gives) is an
/// error that says what is wrong.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let unpadded = text.trim_end_matches('=');
    let padding = text.len() - unpadded.len();
    if padding > 2 || (padding > 0 && text.len() % 4 != 0) || unpadded.len() % 4 == 1 {
        return Err(format!("not base64: {} characters cannot encode whole bytes", text.len()));
    }
    let mut bytes = Vec::with_capacity(unpadded.len() * 3 / 4);
    let (mut group, mut bits) = (0u32, 0u32);
    for (at, c) in unpadded.bytes().enumerate() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return Err(format!("not base64: `{}` at offset {at}", char::from(c).escape_default())),
        };
        group = group << 6 | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((group >> bits) as u8);
        }
    }
    Ok(bytes)
}

/// Bytes written as base64 text in JSON (and in parameters): standard alphabet with padding
/// when written; read from either alphabet, padded or not. A `Vec<u8>` in all but name: it
/// derefs to one, and converts from and into one.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl Deref for Base64Bytes {
    type Target = Vec<u8>;

    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Base64Bytes {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<Base64Bytes> for Vec<u8> {
    fn from(bytes: Base64Bytes) -> Self {
        bytes.0
    }
}

/// The base64 text, as it goes on the wire.
impl fmt::Display for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode(&self.0))
    }
}

impl serde::Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode(&self.0))
    }
}

impl<'de> serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;

        impl serde::de::Visitor<'_> for Text {
            type Value = Base64Bytes;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("base64 text")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Base64Bytes, E> {
                decode(text).map(Base64Bytes).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, Base64Bytes};

    #[test]
    fn encodes_the_rfc_4648_test_vectors_with_padding() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn decodes_unpadded_and_url_safe_text() {
        assert_eq!(decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(decode("Zm9vYmE").unwrap(), b"fooba");
        assert_eq!(decode("_-8").unwrap(), [0xff, 0xef]);
        assert_eq!(decode("/+8=").unwrap(), [0xff, 0xef]);
        assert_eq!(encode(&[0xff, 0x00, 0xfe, 0x80]), "/wD+gA==");
    }

    #[test]
    fn malformed_text_is_an_error() {
        for bad in ["@@@", "Zg=a", "Z", "Zg===", "Zm9v=", "Zm 9v", "Zg=\n"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn is_a_base64_string_in_json() {
        let bytes = Base64Bytes(vec![0xff, 0x00, 0xfe, 0x80]);
        assert_eq!(serde_json::to_string(&bytes).unwrap(), "\"/wD+gA==\"");
        assert_eq!(serde_json::from_str::<Base64Bytes>("\"_wD-gA\"").unwrap(), bytes);
        assert!(serde_json::from_str::<Base64Bytes>("\"@@@\"").is_err());
        assert!(serde_json::from_str::<Base64Bytes>("[1]").is_err());
    }
}

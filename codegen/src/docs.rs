//! Spec prose → rustdoc text that renders as written and never trips rustdoc's lints: bare URLs
//! become links, brackets and angle brackets are escaped, and code fences never become doctests.

use proc_macro2::TokenStream;
use quote::quote;

/// Spec prose as safe markdown; `fallback` (written by the generator) when the spec says nothing.
pub fn prose(text: Option<&str>, fallback: &str) -> String {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => sanitize(text).join("\n"),
        None => fallback.to_owned(),
    }
}

/// `#[doc = "…"]` attributes, one per line, for markdown that is already safe (the generator's
/// own text, or spec text passed through [`prose`]). Runs of blank lines collapse into one.
pub fn attrs(markdown: &str) -> TokenStream {
    let mut lines: Vec<&str> = Vec::new();
    for line in markdown.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() && lines.last().is_some_and(|last| last.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

fn sanitize(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    let mut in_list = false;
    for raw in text.trim().lines() {
        // Tabs render differently everywhere (and clippy refuses them in docs).
        let expanded = raw.replace('\t', "    ");
        let line = expanded.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Opening fences get a language so rustdoc does not compile them as Rust.
            lines.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(line.to_owned());
            continue;
        }
        // A line right under a list item, not indented, would be read as part of the item (a
        // "lazy continuation"); the spec's author meant a new paragraph.
        if in_list && !trimmed.is_empty() && !is_list_item(trimmed) && trimmed.len() == line.len() {
            lines.push(String::new());
        }
        in_list = if trimmed.is_empty() { false } else { in_list || is_list_item(trimmed) };
        in_list &= trimmed.len() < line.len() || is_list_item(trimmed);
        lines.push(escape_prose(line));
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    lines
}

/// Escapes markdown that rustdoc would misread, outside of inline code spans.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(url_len) = url_at(rest) {
                out.push('<');
                out.push_str(&rest[..url_len]);
                out.push('>');
                rest = &rest[url_len..];
                continue;
            }
            if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '#' | '|' | '\\')
                && !(c == '_' && in_word(&out))
            {
                out.push('\\');
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unclosed code span would swallow the next line; close it here.
        out.push('`');
    }
    out
}

/// `- item`, `+ item` or `1. item` (`* item` is escaped, so it never starts a list here).
fn is_list_item(trimmed: &str) -> bool {
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    trimmed.starts_with("- ")
        || trimmed.starts_with("+ ")
        || (digits > 0 && (trimmed[digits..].starts_with(". ") || trimmed[digits..].starts_with(") ")))
}

fn in_word(out: &str) -> bool {
    out.chars().last().is_some_and(|c| c.is_alphanumeric())
}

/// Length of a URL starting at the beginning of `text`, if one does.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn a_paragraph_right_under_a_list_is_not_glued_to_its_last_item() {
        let lines = sanitize("Roles:\n- reader\n- writer\n  (can edit)\nNote: spaces differ.");
        assert_eq!(lines, ["Roles:", "- reader", "- writer", "  (can edit)", "", "Note: spaces differ."]);
    }

    #[test]
    fn prose_is_escaped_and_code_kept() {
        let lines =
            sanitize("See https://example.com/x. Use [a] <b>.\n```\nlet x = [1];\n```\n`a_b [c]` d_e");
        assert_eq!(lines[0], "See <https://example.com/x>. Use \\[a\\] \\<b\\>.");
        assert_eq!(lines[1], "```text");
        assert_eq!(lines[2], "let x = [1];");
        assert_eq!(lines[4], "`a_b [c]` d_e");
    }
}

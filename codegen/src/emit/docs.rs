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
        // Generated text quotes spec values (enum strings, tags) as they are; a control
        // character among them would make a doc comment rustc refuses.
        let line: String = line.replace('\t', "    ").chars().filter(|c| !c.is_control()).collect();
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

fn sanitize(text: &str) -> Vec<String> {
    // Line breaks as Windows (`\r\n`) and old Macs (`\r`) write them become `\n`: rustc refuses a
    // bare carriage return in a doc comment. Other control characters render as nothing, so
    // they go.
    let text: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let mut lines = Vec::new();
    let mut in_fence = false;
    // Where the text of the list item being read starts, while one is.
    let mut item_indent: Option<usize> = None;
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
        // A line wrapped under a list item without indentation belongs to the item ("lazy
        // continuation"); indenting it to the item's text says so without relying on laziness.
        let continues_item = item_indent.is_some() && !trimmed.is_empty() && !is_list_item(trimmed);
        let line = match item_indent {
            Some(indent) if continues_item && line.len() - trimmed.len() < indent => {
                format!("{}{trimmed}", " ".repeat(indent))
            }
            _ => line.to_owned(),
        };
        if trimmed.is_empty() {
            item_indent = None;
        } else if let Some(marker) = list_marker(trimmed) {
            item_indent = Some(line.len() - trimmed.len() + marker);
        }
        lines.push(escape_prose(&line));
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

/// The width of the marker of `- item`, `+ item` or `1. item` (`* item` is escaped, so it never
/// starts a list here), marker and space included.
fn list_marker(trimmed: &str) -> Option<usize> {
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if trimmed.starts_with("- ") || trimmed.starts_with("+ ") {
        Some(2)
    } else if digits > 0 && (trimmed[digits..].starts_with(". ") || trimmed[digits..].starts_with(") ")) {
        Some(digits + 2)
    } else {
        None
    }
}

fn is_list_item(trimmed: &str) -> bool {
    list_marker(trimmed).is_some()
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
    fn a_line_wrapped_under_a_list_item_is_indented_into_it() {
        let lines =
            sanitize("Roles:\n- reader\n- writer\n  (can edit)\nmore text\n10. ten\nwrapped\n\nAfter.");
        assert_eq!(
            lines,
            [
                "Roles:",
                "- reader",
                "- writer",
                "  (can edit)",
                "  more text",
                "10. ten",
                "    wrapped",
                "",
                "After."
            ]
        );
    }

    #[test]
    fn carriage_returns_become_line_breaks_and_other_controls_go() {
        assert_eq!(sanitize("a\r\nb\n\rc\rd\u{7}e\u{0}"), ["a", "b", "", "c", "de"]);
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

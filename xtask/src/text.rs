//! Text for reports: counts in words, the tail of an output, durations, and diagnostics grouped by
//! kind. Shared by the measured child, the crate check and the GitHub command; depends on nothing
//! else in xtask.

use std::collections::BTreeMap;
use std::io::Write;

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Diagnostics grouped by kind: the message with every `quoted` name replaced by `…`. Largest
/// group first; within a group, the lines in the order given.
pub fn group(lines: &[String]) -> Vec<(String, Vec<&String>)> {
    let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for line in lines {
        groups.entry(message_kind(line)).or_default().push(line);
    }
    let mut groups: Vec<(String, Vec<&String>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    groups
}

/// `error at /x: field `id` is …` → `field `…` is …`: what stays of a message once the names
/// it quotes are left out, so that messages about different names count as one kind.
pub(crate) fn message_kind(line: &str) -> String {
    // The pointer is escaped (RFC 6901) and so holds no `: `.
    let message = line.split_once(": ").map_or(line, |(_, message)| message);
    let mut kind = String::new();
    for (index, part) in message.split('`').enumerate() {
        kind.push_str(if index % 2 == 1 { "`…`" } else { part });
    }
    kind
}

/// Prints diagnostics grouped by kind, every line of every group.
pub(crate) fn print_groups(out: &mut dyn Write, what: &str, lines: &[String]) {
    if lines.is_empty() {
        let _ = writeln!(out, "\nno {what}s");
        return;
    }
    let groups = group(lines);
    let _ = writeln!(out, "\n{} ({} kinds):", plural(lines.len(), what), groups.len());
    for (kind, members) in &groups {
        let _ = writeln!(out, "\n  {} × {kind}", members.len());
        for line in members {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// `1 error`, `2 errors`.
pub fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// A duration for a reader: two decimals under ten seconds, one above.
pub(crate) fn secs(secs: f64) -> String {
    if secs < 10.0 {
        format!("{secs:.2} s")
    } else {
        format!("{secs:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_group_by_message_with_names_left_out() {
        let lines: Vec<String> = [
            "error at /a: `x` is defined differently by two `allOf` members; make them agree",
            "error at /b: optional request bodies are not supported yet",
            "error at /c: `y` is defined differently by two `allOf` members; make them agree",
        ]
        .map(str::to_owned)
        .to_vec();
        let groups = group(&lines);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "`…` is defined differently by two `…` members; make them agree");
        assert_eq!(groups[0].1, [&lines[0], &lines[2]]);
        assert_eq!(groups[1].1, [&lines[1]]);
    }
}

//! Path globs for `--only-ops`: which operations, by path template, a comparison keeps.

/// Whether the path template `path` (`/v1/items/{item_id}`) matches `pattern`, segment by segment:
/// `*` stands for any text within one segment (`/v1/*/items`, `/v1/items/{*}`), and a segment that
/// is `**` for any number of segments, none included, so `/v1/items/**` matches `/v1/items` and
/// every path below it. Anything else is compared as written, braces included.
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    segments_match(&pattern, &path)
}

fn segments_match(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skipped| segments_match(rest, &path[skipped..])),
        Some((first, rest)) => path.split_first().is_some_and(|(segment, path_rest)| {
            segment_matches(first, segment) && segments_match(rest, path_rest)
        }),
    }
}

/// One segment against a pattern whose `*`s stand for any text. The pieces between stars are
/// found left to right, each at its first place: with nothing but `*` to match, that never misses
/// a match a later place would find.
fn segment_matches(pattern: &str, segment: &str) -> bool {
    let pieces: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = pieces.as_slice() else {
        return pattern == segment;
    };
    if segment.len() < first.len() + last.len() || !segment.starts_with(first) || !segment.ends_with(last) {
        return false;
    }
    let mut rest = &segment[first.len()..segment.len() - last.len()];
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_plain_pattern_matches_only_its_own_path() {
        assert!(matches("/v1/messages", "/v1/messages"));
        assert!(!matches("/v1/messages", "/v1/messages/batches"));
        assert!(!matches("/v1/messages", "/v1"));
        assert!(matches("/v1/items/{id}", "/v1/items/{id}"));
    }

    #[test]
    fn a_star_stays_within_one_segment() {
        assert!(matches("/v1/*/batches", "/v1/messages/batches"));
        assert!(!matches("/v1/*", "/v1/messages/batches"));
        assert!(matches("/v1/messages/batches/*", "/v1/messages/batches/{message_batch_id}"));
        assert!(matches("/v1/items/{*}", "/v1/items/{item_id}"));
        assert!(matches("/v1/*items*", "/v1/line_items_all"));
        assert!(matches("/v1/a*b*c", "/v1/abc"));
        assert!(!matches("/v1/a*b*c", "/v1/acb"));
        assert!(!matches("/v1/ab*ba", "/v1/aba"), "the pieces may not overlap");
        assert!(matches("/*", "/"), "a star may stand for nothing");
    }

    #[test]
    fn a_double_star_spans_any_number_of_segments() {
        let pattern = "/v1/messages/batches/**";
        assert!(matches(pattern, "/v1/messages/batches"));
        assert!(matches(pattern, "/v1/messages/batches/{id}"));
        assert!(matches(pattern, "/v1/messages/batches/{id}/results"));
        assert!(!matches(pattern, "/v1/messages"));
        assert!(!matches(pattern, "/v1/messages/batchesx"));
        assert!(matches("/**", "/anything/at/all"));
        assert!(matches("/v1/**/results", "/v1/messages/batches/{id}/results"));
        assert!(matches("/v1/**/results", "/v1/results"));
        assert!(!matches("/v1/**/results", "/v1/results/{id}"));
    }
}

//! YAML (and JSON) text as a stream of parse events with their positions, from libyaml (through
//! `unsafe-libyaml`, the parser `serde_yaml` itself runs on). `serde_yaml` recurses once per
//! level and stops at 128; the event stream has no depth of its own, so what reads it (the deep
//! reader in `deep`, the line and column finder in `locate`) goes as deep as it chooses, without
//! recursion.

use std::ffi::CStr;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

/// Where an event starts in the text, from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Mark {
    pub(super) line: usize,
    pub(super) column: usize,
}

/// One parse event, with what the readers use of it.
pub(super) enum Event {
    /// The start of the stream, of a document, or their ends.
    Boundary(Boundary),
    /// A scalar: its text, its tag as written (resolved: `tag:yaml.org,2002:str`), whether it was
    /// written plain (unquoted), and its anchor.
    Scalar { text: String, tag: Option<String>, plain: bool, anchor: Option<String> },
    /// A reference to an anchored node (`*name`).
    Alias(String),
    /// The start of a list or (`mapping`) an object.
    Start { mapping: bool, tag: Option<String>, anchor: Option<String> },
    /// The end of the innermost list or object.
    End,
}

/// The events that hold no node.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Boundary {
    StreamStart,
    DocumentStart,
    DocumentEnd,
    StreamEnd,
}

/// The events of one text, in order.
pub(super) struct Events<'text> {
    /// Boxed: libyaml keeps pointers into the parser, which must not move.
    parser: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    /// Whether the parser was set up (and must be deleted).
    ready: bool,
    /// The parser reads from the text, which must outlive it.
    text: PhantomData<&'text [u8]>,
}

impl<'text> Events<'text> {
    pub(super) fn new(text: &'text [u8]) -> Self {
        let mut parser = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        // SAFETY: the parser is initialised before any other use (and only used when that
        // worked); the text is borrowed for the parser's lifetime ('text).
        let ready = unsafe {
            let pointer = parser.as_mut_ptr();
            let ready = unsafe_libyaml::yaml_parser_initialize(pointer).ok;
            if ready {
                unsafe_libyaml::yaml_parser_set_encoding(pointer, unsafe_libyaml::YAML_UTF8_ENCODING);
                unsafe_libyaml::yaml_parser_set_input_string(pointer, text.as_ptr(), text.len() as _);
            }
            ready
        };
        Self { parser, ready, text: PhantomData }
    }

    /// The next event and where it starts, or the parser's complaint (with its line and column).
    pub(super) fn next(&mut self) -> Result<(Event, Mark), String> {
        if !self.ready {
            return Err("the YAML parser could not start".to_owned());
        }
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser is initialised (`ready`); an event the parser filled in is read
        // according to its type and then deleted once.
        unsafe {
            let parser = self.parser.as_mut_ptr();
            if (&*parser).error != unsafe_libyaml::YAML_NO_ERROR
                || !unsafe_libyaml::yaml_parser_parse(parser, event.as_mut_ptr()).ok
            {
                return Err(problem(&*parser));
            }
            let event = event.as_mut_ptr();
            let mark = mark((*event).start_mark);
            let converted = convert(&*event);
            unsafe_libyaml::yaml_event_delete(event);
            Ok((converted, mark))
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        if self.ready {
            // SAFETY: initialised, and deleted once.
            unsafe { unsafe_libyaml::yaml_parser_delete(self.parser.as_mut_ptr()) }
        }
    }
}

fn mark(mark: unsafe_libyaml::yaml_mark_t) -> Mark {
    Mark { line: mark.line as usize + 1, column: mark.column as usize + 1 }
}

/// The parser's complaint, as `serde_yaml` words it.
///
/// SAFETY: `parser` is an initialised parser whose last call failed.
unsafe fn problem(parser: &unsafe_libyaml::yaml_parser_t) -> String {
    let problem = unsafe { text(parser.problem.cast()) }.unwrap_or_else(|| "a YAML error".to_owned());
    let at = mark(parser.problem_mark);
    format!("{problem} at line {} column {}", at.line, at.column)
}

/// SAFETY: `event` was filled in by `yaml_parser_parse` and not deleted yet.
unsafe fn convert(event: &unsafe_libyaml::yaml_event_t) -> Event {
    // SAFETY (each arm): the union field read is the one the event's type says is set.
    unsafe {
        match event.type_ {
            unsafe_libyaml::YAML_SCALAR_EVENT => {
                let scalar = &event.data.scalar;
                let bytes = std::slice::from_raw_parts(scalar.value, scalar.length as usize);
                Event::Scalar {
                    text: String::from_utf8_lossy(bytes).into_owned(),
                    tag: text(scalar.tag),
                    plain: scalar.style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE,
                    anchor: text(scalar.anchor),
                }
            }
            unsafe_libyaml::YAML_ALIAS_EVENT => {
                Event::Alias(text(event.data.alias.anchor).unwrap_or_default())
            }
            unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                let start = &event.data.sequence_start;
                Event::Start { mapping: false, tag: text(start.tag), anchor: text(start.anchor) }
            }
            unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                let start = &event.data.mapping_start;
                Event::Start { mapping: true, tag: text(start.tag), anchor: text(start.anchor) }
            }
            unsafe_libyaml::YAML_SEQUENCE_END_EVENT | unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::End,
            unsafe_libyaml::YAML_STREAM_START_EVENT => Event::Boundary(Boundary::StreamStart),
            unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Event::Boundary(Boundary::DocumentStart),
            unsafe_libyaml::YAML_DOCUMENT_END_EVENT => Event::Boundary(Boundary::DocumentEnd),
            _ => Event::Boundary(Boundary::StreamEnd),
        }
    }
}

/// A NUL-terminated string of the parser's, if there is one.
///
/// SAFETY: `pointer` is null or points to a NUL-terminated string.
unsafe fn text(pointer: *const u8) -> Option<String> {
    if pointer.is_null() {
        return None;
    }
    // SAFETY: not null, NUL-terminated (the caller's promise).
    let text = unsafe { CStr::from_ptr(pointer.cast()) };
    Some(text.to_string_lossy().into_owned())
}

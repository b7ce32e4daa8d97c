//! Tokens → formatted Rust text.

use crate::diagnostics::Diagnostics;
use crate::GeneratedFile;
use proc_macro2::TokenStream;

/// One module's text: the header, then each group of items formatted in turn. prettyplease
/// prints a file as its items one after the other, so the text is the same as formatting the
/// whole module at once, without holding all of its tokens.
pub fn format_module(
    path: &str,
    header: &str,
    items: impl Iterator<Item = TokenStream>,
) -> (GeneratedFile, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut contents = format!("{header}\n");
    for tokens in items {
        match syn::parse2::<syn::File>(tokens) {
            Ok(file) => contents.push_str(&prettyplease::unparse(&file)),
            Err(error) => diagnostics.push(
                "",
                format!("internal error: the code generated for {path} does not parse ({error}); please report this with the spec"),
            ),
        }
    }
    (GeneratedFile { path: path.to_owned(), contents }, diagnostics)
}

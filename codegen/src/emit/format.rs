//! Tokens → formatted Rust text: prettyplease, then the blank lines between items that it leaves
//! out, and `use` lines for the sibling modules the code refers to.

use crate::diagnostics::Diagnostics;
use crate::GeneratedFile;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};

/// The names each sibling module is used by in a file's code: `runtime` → `{Client, wire}` for
/// `runtime::Client` and `crate::runtime::wire::nullable` (the first segment after the module).
pub type PathsUsed = BTreeMap<String, BTreeSet<String>>;

/// Items formatted together, and the attributes each of them gets (a type's struct and its
/// `impl`s behind its `#[cfg(feature = …)]`).
pub struct Chunk {
    /// The items.
    pub tokens: TokenStream,
    /// Outer attributes for every item (empty: none), placed after its doc comment.
    pub gate: TokenStream,
}

impl From<TokenStream> for Chunk {
    fn from(tokens: TokenStream) -> Self {
        Chunk { tokens, gate: TokenStream::new() }
    }
}

/// Puts `gate` on every item of `file`, after the item's doc comment (rustdoc shows a doc
/// comment first; the attributes read as part of the declaration).
fn gate_items(file: &mut syn::File, gate: &TokenStream) -> syn::Result<()> {
    if gate.is_empty() {
        return Ok(());
    }
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Const(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Fn(item) => &mut item.attrs,
            syn::Item::Impl(item) => &mut item.attrs,
            syn::Item::Mod(item) => &mut item.attrs,
            syn::Item::Static(item) => &mut item.attrs,
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Trait(item) => &mut item.attrs,
            syn::Item::Type(item) => &mut item.attrs,
            syn::Item::Union(item) => &mut item.attrs,
            syn::Item::Use(item) => &mut item.attrs,
            _ => continue,
        };
        let after_docs = attrs.iter().take_while(|attr| attr.path().is_ident("doc")).count();
        // Parsed for each item: syn's syntax tree is built without `Clone` (less to compile).
        let gate = syn::parse::Parser::parse2(syn::Attribute::parse_outer, gate.clone())?;
        attrs.splice(after_docs..after_docs, gate);
    }
    Ok(())
}

/// One module's text: the header, the `use crate::<module>;` lines of the `modules` its code
/// names (`runtime::Client`), then each group of items formatted in turn; and which names of
/// those modules the code uses (the runtime's `mod.rs` re-exports exactly those). prettyplease
/// prints a file as its items one after the other, so the text is the same as formatting the
/// whole module at once, without holding all of its tokens.
pub fn format_module(
    path: &str,
    header: &str,
    modules: &[&str],
    items: impl Iterator<Item = impl Into<Chunk>>,
) -> (GeneratedFile, Diagnostics, PathsUsed) {
    let mut diagnostics = Diagnostics::default();
    let mut used = PathsUsed::new();
    // The modules the code names by a short path (`runtime::Client`): they need a `use` line.
    let mut imported = BTreeSet::new();
    let mut body = String::new();
    for chunk in items {
        let Chunk { tokens, gate } = chunk.into();
        for module in modules {
            let names = used.entry((*module).to_owned()).or_default();
            if collect_paths(&tokens, module, names) {
                imported.insert(*module);
            }
        }
        let parsed =
            syn::parse2::<syn::File>(tokens).and_then(|mut file| gate_items(&mut file, &gate).map(|()| file));
        match parsed {
            Ok(file) => {
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(&space_out_items(&prettyplease::unparse(&file)));
            }
            Err(error) => diagnostics.push(
                "",
                format!("internal error: the code generated for {path} does not parse ({error}); please report this with the spec"),
            ),
        }
    }
    used.retain(|_, names| !names.is_empty());
    let mut contents = format!("{header}\n");
    for module in modules.iter().filter(|module| imported.contains(**module)) {
        contents.push_str(&format!("use crate::{module};\n"));
    }
    if !imported.is_empty() && !body.starts_with("use ") {
        contents.push('\n');
    }
    contents.push_str(&body);
    (GeneratedFile { path: path.to_owned(), contents }, diagnostics, used)
}

/// Adds to `names` the first segment after each path `module::…` in the tokens: an identifier
/// (`runtime::Client`), or each item of a list (`runtime::{Client, Error as E}`). Doc comments and
/// strings are literals, so prose that mentions a module never counts; the one kind of literal
/// that holds a path, a serde attribute's `"crate::runtime::wire::nullable"`, is read as a path.
/// True when the code names the module by a short path (not only inside such a literal, which
/// spells out `crate::` and needs no `use` line).
fn collect_paths(tokens: &TokenStream, module: &str, names: &mut BTreeSet<String>) -> bool {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut short_path = false;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => short_path |= collect_paths(&group.stream(), module, names),
            TokenTree::Ident(ident) if ident == module => {
                let path_sep = matches!(
                    (tokens.get(at + 1), tokens.get(at + 2)),
                    (Some(TokenTree::Punct(first)), Some(TokenTree::Punct(second)))
                        if first.as_char() == ':' && first.spacing() == Spacing::Joint && second.as_char() == ':'
                );
                match tokens.get(at + 3).filter(|_| path_sep) {
                    Some(TokenTree::Ident(name)) => {
                        names.insert(name.to_string());
                    }
                    Some(TokenTree::Group(list)) if list.delimiter() == Delimiter::Brace => {
                        names.extend(list_items(&list.stream()));
                    }
                    _ => {}
                }
                // `crate::runtime::…` needs no `use` line; `runtime::…` alone does.
                let after_crate =
                    at >= 3 && matches!(&tokens[at - 3], TokenTree::Ident(ident) if ident == "crate");
                short_path |= path_sep && !after_crate;
            }
            TokenTree::Literal(literal) => {
                // Only a literal that is a path as a whole (`"crate::runtime::wire::nullable"`).
                let text = literal.to_string();
                let path = text.trim_matches('"');
                let is_path = text.starts_with('"')
                    && path.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
                if let Some(rest) = path.strip_prefix(&format!("crate::{module}::")).filter(|_| is_path) {
                    names.extend(rest.split("::").next().filter(|name| !name.is_empty()).map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    short_path
}

/// The first identifier of each comma-separated item of a `use` list, `self` left out.
fn list_items(list: &TokenStream) -> Vec<String> {
    let mut items = Vec::new();
    let mut first_of_item = true;
    for token in list.clone() {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => first_of_item = true,
            TokenTree::Ident(ident) if first_of_item => {
                first_of_item = false;
                if ident != "self" {
                    items.push(ident.to_string());
                }
            }
            _ => first_of_item = false,
        }
    }
    items
}

/// prettyplease puts items right after one another; a blank line between them reads as code
/// written by hand does. Items are the lines at the top level and, inside `impl` and `trait`
/// blocks, the lines one level in (there, everything at that depth is an item).
fn space_out_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    let mut in_impl = false;
    for line in text.lines() {
        let depth_one = line.starts_with("    ") && !line[4..].starts_with(' ');
        if !line.starts_with(' ') && !line.is_empty() && !line.starts_with('}') {
            let item_start = line.trim_start_matches("pub ").trim_start_matches("unsafe ");
            if !line.starts_with("///") && !line.starts_with("#[") {
                in_impl = item_start.starts_with("impl") || item_start.starts_with("trait ");
            }
        }
        // Comments and attributes belong to what follows them, however they end.
        if let Some(previous) = previous.filter(|line| !line.trim_start().starts_with(['/', '#'])) {
            let top_level_item_ended = !line.starts_with(' ')
                && !line.is_empty()
                && !line.starts_with('}')
                && (previous == "}" || (previous.ends_with(';') && !previous.starts_with(' ')))
                && !(previous.starts_with("use ") && line.starts_with("use "));
            let impl_item_ended = in_impl
                && depth_one
                && !line[4..].starts_with('}')
                && (previous == "    }" || is_item_end(previous));
            if top_level_item_ended || impl_item_ended {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// An item inside an `impl` that ends on its own line: `type Output = …;`, `const X: … = …;`.
fn is_item_end(line: &str) -> bool {
    line.starts_with("    ") && !line[4..].starts_with(' ') && line.ends_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn items_and_impl_members_are_spaced_but_fields_and_statements_are_not() {
        let tokens = quote! {
            use a::b;
            use a::c;
            #[doc = "Ends with a semicolon;"]
            pub struct S { pub a: u8, pub b: u8 }
            impl S {
                type X = u8;
                fn f(&self) { let x = 1; if x == 1 { return; } let y = 2; }
                fn g(&self) {}
            }
            pub enum E { A { x: u8 }, B }
        };
        let file = prettyplease::unparse(&syn::parse2(tokens).unwrap());
        let spaced = space_out_items(&file);
        assert_eq!(
            spaced,
            "use a::b;\nuse a::c;\n\n///Ends with a semicolon;\npub struct S {\n    pub a: u8,\n    pub b: u8,\n}\n\nimpl S {\n    type X = u8;\n\n    fn f(&self) {\n        let x = 1;\n        if x == 1 {\n            return;\n        }\n        let y = 2;\n    }\n\n    fn g(&self) {}\n}\n\npub enum E {\n    A { x: u8 },\n    B,\n}\n"
        );
    }

    #[test]
    fn only_modules_named_in_paths_are_imported() {
        let items = vec![
            quote! {
                #[doc = "See runtime::Client and crate::types::Foo in prose."]
                pub fn f(types: u8) -> runtime::Client { let _ = types; todo() }
            },
            quote! { pub struct S { x: Vec<u8> } },
        ];
        let (file, problems, used) =
            format_module("src/x.rs", "// header\n", &["runtime", "types"], items.into_iter());
        assert!(problems.is_empty());
        assert!(file.contents.starts_with("// header\n\nuse crate::runtime;\n\n///"), "{}", file.contents);
        assert!(!file.contents.contains("use crate::types;"));
        assert!(file.contents.contains("}\n\npub struct S"), "groups are spaced: {}", file.contents);
        assert_eq!(used.keys().collect::<Vec<_>>(), ["runtime"]);
    }

    #[test]
    fn the_names_used_are_found_alone_in_lists_and_in_serde_paths() {
        let tokens = quote! {
            use runtime::{self, Client, Error as E, wire::{a, b}};
            pub struct S {
                #[serde(deserialize_with = "crate::runtime::wire::nullable")]
                x: Option<Option<u8>>,
            }
            fn f() {
                let x = crate::runtime::ParamValue::param_value(&v);
                let p = runtime::Paginator::new(my_runtime::Other);
                format!("/{}", runtime::path_segment("id", &runtime::join_values(v)));
            }
        };
        let mut names = BTreeSet::new();
        assert!(collect_paths(&tokens, "runtime", &mut names), "`runtime::Paginator` is a short path");
        let mut serde_only = BTreeSet::new();
        let literal = quote! { #[serde(deserialize_with = "crate::runtime::wire::nullable")] struct S; };
        assert!(!collect_paths(&literal, "runtime", &mut serde_only), "a literal path needs no `use` line");
        assert_eq!(serde_only.into_iter().collect::<Vec<_>>(), ["wire"]);
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            ["Client", "Error", "Paginator", "ParamValue", "join_values", "path_segment", "wire"]
        );
    }
}

//! Tokens → formatted Rust text: prettyplease, then the blank lines between items that it leaves
//! out, and `use` lines for the sibling modules the code refers to.

use crate::diagnostics::Diagnostics;
use crate::GeneratedFile;
use proc_macro2::{Spacing, TokenStream, TokenTree};

/// One module's text: the header, the `use crate::<module>;` lines of the `modules` its code
/// names (`runtime::Client`), then each group of items formatted in turn. prettyplease prints a
/// file as its items one after the other, so the text is the same as formatting the whole module
/// at once, without holding all of its tokens.
pub fn format_module(
    path: &str,
    header: &str,
    modules: &[&str],
    items: impl Iterator<Item = TokenStream>,
) -> (GeneratedFile, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut used = vec![false; modules.len()];
    let mut body = String::new();
    for tokens in items {
        for (module, used) in modules.iter().zip(&mut used) {
            *used = *used || names_path(&tokens, module);
        }
        match syn::parse2::<syn::File>(tokens) {
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
    let mut contents = format!("{header}\n");
    let imports: Vec<&&str> = modules.iter().zip(&used).filter(|(_, used)| **used).map(|(m, _)| m).collect();
    for module in &imports {
        contents.push_str(&format!("use crate::{module};\n"));
    }
    if !imports.is_empty() && !body.starts_with("use ") {
        contents.push('\n');
    }
    contents.push_str(&body);
    (GeneratedFile { path: path.to_owned(), contents }, diagnostics)
}

/// Whether the tokens contain the path `module::…`. Doc comments and strings are literals, so
/// prose that mentions a module never counts; an import nobody uses would be a warning.
fn names_path(tokens: &TokenStream, module: &str) -> bool {
    let mut previous_is_module = false;
    for token in tokens.clone() {
        match &token {
            TokenTree::Group(group) => {
                if names_path(&group.stream(), module) {
                    return true;
                }
                previous_is_module = false;
            }
            TokenTree::Ident(ident) => previous_is_module = ident == module,
            TokenTree::Punct(punct) => {
                if previous_is_module && punct.as_char() == ':' && punct.spacing() == Spacing::Joint {
                    return true;
                }
                previous_is_module = false;
            }
            TokenTree::Literal(_) => previous_is_module = false,
        }
    }
    false
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
                #[doc = "See runtime::Client and types::Foo in prose."]
                pub fn f(types: u8) -> runtime::Client { let _ = types; todo() }
            },
            quote! { pub struct S { x: Vec<u8> } },
        ];
        let (file, problems) =
            format_module("src/x.rs", "// header\n", &["runtime", "types"], items.into_iter());
        assert!(problems.is_empty());
        assert!(file.contents.starts_with("// header\n\nuse crate::runtime;\n\n///"), "{}", file.contents);
        assert!(!file.contents.contains("use crate::types;"));
        assert!(file.contents.contains("}\n\npub struct S"), "groups are spaced: {}", file.contents);
    }
}

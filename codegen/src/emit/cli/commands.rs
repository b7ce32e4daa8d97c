//! The subcommands of a tool: one per operation and one per waiter, named once (with short
//! aliases where they are unambiguous), each with the function that builds its `Command` and the
//! one that runs it.

use super::args::{flag_arg, read_param};
use super::{BUILT_IN_COMMANDS, COMMAND_FLAGS, GLOBAL_FLAGS};
use crate::emit::docs::prose;
use crate::emit::tokens::{ident, rust_ident, type_tokens, types_prefix};
use crate::model::{Api, BodyKind, Encoding, Operation, Param, TypeDef, TypeKind, TypeRef, Waiter};
use crate::names::Scope;
use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The subcommands and flags of a tool, named once.
pub(super) struct Tool<'a> {
    /// Flags of the parameters every operation takes (client-wide settings), by flag.
    pub(super) shared: Vec<(String, &'a Param)>,
    pub(super) commands: Vec<SubCommand<'a>>,
}

/// What a subcommand runs.
enum Action<'a> {
    Call,
    Wait(&'a Waiter),
}

pub(super) struct SubCommand<'a> {
    pub(super) name: String,
    alias: Option<String>,
    /// What the Rust functions that build and run it are named after: `command_` and `run_`
    /// before it (`command_list_message_batches`); the prefix keeps a name of digits (an
    /// operationId `1.5`) an identifier.
    pub(super) function: String,
    pub(super) op: &'a Operation,
    action: Action<'a>,
    /// Its parameters (not the shared ones), each with its flag or argument name.
    params: Vec<(String, &'a Param)>,
}

impl<'a> Tool<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        let reserved: Vec<&str> = GLOBAL_FLAGS.iter().chain(&COMMAND_FLAGS).copied().collect();
        let mut taken = Scope::with_reserved(&reserved);
        let same = |a: &Param, b: &Param| a.wire_name == b.wire_name && a.location == b.location;
        // A parameter every operation takes is a global flag set on the client, unless some
        // operation needs it as a method argument: then each subcommand takes it itself.
        let argument_somewhere = |shared: &Param| {
            api.operations
                .iter()
                .any(|op| op.params.iter().any(|param| same(param, shared) && param.is_argument()))
        };
        let shared: Vec<(String, &Param)> = api
            .shared_params
            .iter()
            .filter(|param| !argument_somewhere(param))
            .map(|param| (claim(&mut taken, &param.rust_name.as_str().to_kebab_case()), param))
            .collect();
        let global: Vec<&Param> = shared.iter().map(|(_, param)| *param).collect();
        let is_shared = |param: &Param| global.iter().any(|shared| same(shared, param));
        let mut names = Scope::with_reserved(&BUILT_IN_COMMANDS);
        let mut commands = Vec::new();
        // A multipart body has file parts, which a JSON file on the command line cannot hold.
        let callable = api
            .operations
            .iter()
            .filter(|op| op.body.as_ref().is_none_or(|body| body.encoding != Encoding::Multipart));
        for op in callable {
            let mut flags = taken.clone();
            let params: Vec<(String, &Param)> = op
                .params
                .iter()
                .filter(|param| !is_shared(param))
                .map(|param| (claim(&mut flags, &param.rust_name.as_str().to_kebab_case()), param))
                .collect();
            let name = claim(&mut names, &op.operation_id.to_kebab_case());
            let function = name.replace('-', "_");
            commands.push(SubCommand {
                name,
                alias: None,
                function,
                op,
                action: Action::Call,
                params: params.clone(),
            });
            for waiter in &op.waiters {
                let name = claim(&mut names, &waiter.method_name.as_str().to_kebab_case());
                let function = name.replace('-', "_");
                let action = Action::Wait(waiter);
                commands.push(SubCommand { name, alias: None, function, op, action, params: params.clone() });
            }
        }
        add_aliases(&mut commands);
        Self { shared, commands }
    }
}

/// `wanted` made unique in `scope` (a name made of nothing but symbols is `value`).
fn claim(scope: &mut Scope, wanted: &str) -> String {
    scope.claim(if wanted.is_empty() { "value" } else { wanted })
}

/// Short aliases: each name without the words every command shares (`list-message-batches` →
/// `list` when every operation is about message batches; singular and plural count as one), kept
/// only where it is unique and is not another command's name.
fn add_aliases(commands: &mut [SubCommand]) {
    let stem =
        |word: &str| word.strip_suffix("es").or_else(|| word.strip_suffix('s')).unwrap_or(word).to_owned();
    // The words operations share (waiters are named apart: `wait-until-ended`).
    let word_sets: Vec<BTreeSet<String>> = commands
        .iter()
        .filter(|command| matches!(command.action, Action::Call))
        .map(|command| command.name.split('-').map(stem).collect())
        .collect();
    let Some(first) = word_sets.first() else { return };
    let common: BTreeSet<String> =
        first.iter().filter(|word| word_sets.iter().all(|set| set.contains(*word))).cloned().collect();
    if common.is_empty() || word_sets.len() < 2 {
        return;
    }
    let short: Vec<String> = commands
        .iter()
        .map(|command| {
            command.name.split('-').filter(|word| !common.contains(&stem(word))).collect::<Vec<_>>().join("-")
        })
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for alias in &short {
        *counts.entry(alias.as_str()).or_default() += 1;
    }
    let names: BTreeSet<String> = commands.iter().map(|command| command.name.clone()).collect();
    let aliases: Vec<Option<String>> = short
        .iter()
        .zip(commands.iter())
        .map(|(alias, command)| {
            let unique =
                counts.get(alias.as_str()) == Some(&1) && !names.contains(alias) && !alias.is_empty();
            (unique && *alias != command.name && !BUILT_IN_COMMANDS.contains(&alias.as_str()))
                .then(|| alias.clone())
        })
        .collect();
    for (command, alias) in commands.iter_mut().zip(aliases) {
        command.alias = alias;
    }
}

impl SubCommand<'_> {
    /// `fn list_message_batches() -> Command`.
    pub(super) fn builder_fn(&self, api: &Api) -> TokenStream {
        let function = ident(&format!("command_{}", self.function));
        let name = &self.name;
        let op = self.op;
        let (about, long_about) = match self.action {
            Action::Call => {
                let about = op.summary.clone().unwrap_or_else(|| format!("Calls `{}`", op.operation_id));
                let mut long = String::new();
                for part in [&op.summary, &op.description].into_iter().flatten() {
                    long.push_str(&prose(Some(part), ""));
                    long.push_str("\n\n");
                }
                long.push_str(&format!(
                    "`{} {}` (operation `{}`).",
                    op.http_method, op.path, op.operation_id
                ));
                (about, long)
            }
            Action::Wait(waiter) => {
                let until = waiter.until.join(", ");
                let about = format!(
                    "Polls `{}` until `{}` is {until}, then prints the result",
                    op.operation_id, waiter.wire_field
                );
                (about.clone(), format!("{about}. A status line on stderr shows each poll."))
            }
        };
        let alias = self.alias.as_ref().map(|alias| quote! { .visible_alias(#alias) });
        let args = self.params.iter().map(|(flag, param)| flag_arg(api, flag, param, false));
        let body = op.body.as_ref().map(|body| {
            let help = match body.encoding {
                Encoding::Text => "The request body: a text file, or - for stdin",
                Encoding::Binary => "The request body: a file of bytes, or - for stdin",
                _ => "The request body: a JSON file, or - for stdin; checked against its type before sending",
            };
            let required = body.required;
            quote! { .arg(Arg::new("body").long("body").value_name("FILE").required(#required).help(#help)) }
        });
        let extra = match (&self.action, &op.success, &op.pagination) {
            (Action::Wait(_), _, _) => quote! {
                .arg(Arg::new("interval").long("interval").value_name("SECONDS").value_parser(clap::value_parser!(f64)).default_value("5").help("Seconds between the first polls (growing by half each time, up to 60)"))
                .arg(Arg::new("deadline").long("deadline").value_name("SECONDS").value_parser(clap::value_parser!(f64)).help("Give up after this many seconds"))
            },
            (Action::Call, _, Some(_)) => quote! {
                .arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help("Every item of every page, one JSON line each (one page in memory at a time)"))
            },
            _ => TokenStream::new(),
        };
        quote! {
            fn #function() -> Command {
                Command::new(#name)
                    #alias
                    .about(#about)
                    .long_about(#long_about)
                    #(.arg(#args))*
                    #body
                    #extra
            }
        }
    }

    /// `async fn run_list_message_batches(…)`: builds the request from the arguments and runs it.
    pub(super) fn run_fn(&self, api: &Api) -> TokenStream {
        let function = ident(&format!("run_{}", self.function));
        let op = self.op;
        let method = rust_ident(&op.method_name);
        let mut arguments = Vec::new();
        let mut reads = Vec::new();
        let mut setters = Vec::new();
        for (flag, param) in &self.params {
            let name = rust_ident(&param.rust_name);
            let read = read_param(api, flag, param);
            if param.is_argument() {
                let missing = format!("`{flag}` is required");
                reads.push(quote! { let #name = (#read).ok_or_else(|| Failure::usage(#missing))?; });
                arguments.push(quote! { #name });
            } else {
                setters.push(quote! {
                    if let Some(value) = #read {
                        request = request.#name(value);
                    }
                });
            }
        }
        // Shared parameters were set on the client; the request inherits them.
        if let Some(body) = &op.body {
            let ty = type_tokens(&body.ty, &types_prefix());
            let read = match body.encoding {
                Encoding::Text => quote! { runtime::cli::read_text(source)? },
                Encoding::Binary => quote! { runtime::cli::read_bytes(source)? },
                _ => quote! { runtime::cli::read_body::<#ty>(source)? },
            };
            if body.required {
                reads.push(quote! {
                    let body: #ty = match matches.get_one::<String>("body") {
                        Some(source) => #read,
                        None => return Err(Failure::usage("--body is required")),
                    };
                });
                arguments.push(quote! { body });
            } else {
                setters.push(quote! {
                    if let Some(source) = matches.get_one::<String>("body") {
                        let body: #ty = #read;
                        request = request.body(body);
                    }
                });
            }
        }
        let run = self.run_body(api, op);
        let reads_matches = !reads.is_empty()
            || !setters.is_empty()
            || op.pagination.is_some()
            || matches!(self.action, Action::Wait(_));
        let matches = if reads_matches { ident("matches") } else { ident("_matches") };
        let mutable = (!setters.is_empty()).then(|| quote! { mut });
        quote! {
            async fn #function(context: &Context, #matches: &ArgMatches) -> Result<(), Failure> {
                #(#reads)*
                let #mutable request = context.client.#method(#(#arguments),*);
                #(#setters)*
                #run
            }
        }
    }

    /// What the subcommand does with its built request.
    fn run_body(&self, api: &Api, op: &Operation) -> TokenStream {
        if let Action::Wait(waiter) = self.action {
            let operation = waiter.method_name.as_str();
            let field = format!("/{}", waiter.wire_field.replace('~', "~0").replace('/', "~1"));
            let until = &waiter.until;
            let done = &waiter.progress_done;
            let pending = &waiter.progress_pending;
            return quote! {
                let status = runtime::cli::WaitStatus::new(context.mode, &[#(#done),*], &[#(#pending),*]);
                let wait = runtime::cli::Wait {
                    operation: #operation,
                    field: #field,
                    until: &[#(#until),*],
                    interval: matches.get_one::<f64>("interval").copied().unwrap_or(5.0),
                    deadline: matches.get_one::<f64>("deadline").copied(),
                };
                context.print(&wait.run(status, || request.clone().send()).await?)
            };
        }
        if op.pagination.is_some() {
            return quote! {
                if matches.get_flag("all") {
                    let mut out = context.output()?;
                    let mut items = request.items();
                    while let Some(item) = items.next().await {
                        out.line(&item?)?;
                    }
                    return out.finish();
                }
                context.print(&request.send().await?)
            };
        }
        match &op.success {
            BodyKind::JsonLines(item) => {
                let item = type_tokens(item, &types_prefix());
                let error = crate::emit::tokens::error_type(op);
                quote! {
                    let parts = request.request_parts().await?;
                    runtime::download::download_lines::<#item, #error>(&context.client, parts, context.output.as_deref(), context.mode).await
                }
            }
            BodyKind::Text => quote! {
                let text = request.send().await?;
                runtime::cli::write_bytes(context.output.as_deref(), text.as_bytes())
            },
            BodyKind::Binary => quote! {
                let bytes = request.send().await?;
                runtime::cli::write_bytes(context.output.as_deref(), &bytes)
            },
            BodyKind::Empty => quote! {
                request.send().await?;
                Ok(())
            },
            // One type per status (and `Other` for a status the spec does not list): the body of
            // whichever came.
            BodyKind::ByStatus(TypeRef::Named(name)) => {
                let Some(TypeDef { kind: TypeKind::StatusUnion(variants), .. }) = api.type_def(name) else {
                    return quote! { compile_error!("internal error: a response by status without its type") };
                };
                let union = ident(name);
                let arms = variants.iter().map(|variant| {
                    let variant = ident(&variant.variant);
                    quote! { types::#union::#variant(body) => context.print(&body), }
                });
                quote! {
                    match request.send().await? {
                        #(#arms)*
                        types::#union::Other(body) => context.print(&body),
                    }
                }
            }
            _ => quote! { context.print(&request.send().await?) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_names_get_a_number() {
        let mut taken = Scope::with_reserved(&["output"]);
        assert_eq!(claim(&mut taken, "output"), "output2");
        assert_eq!(claim(&mut taken, ""), "value");
    }
}

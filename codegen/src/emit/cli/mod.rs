//! The command-line tool of a client crate (its `cli` feature): one subcommand per operation,
//! named from its operationId, with its parameters as arguments and flags; a `--body` for a
//! request body; `--all` for a paginated operation; resumable downloads for streamed ones; one
//! subcommand per waiter; shell completions. What every tool does alike (exit codes, output,
//! progress, resuming) is the runtime's `cli` module: the code here only wires the operations
//! to it.

mod args;
mod commands;

use super::docs::prose;
use super::format::Chunk;
use super::tokens::{ident, operation_gate, rust_ident};
use crate::model::Api;
use args::{flag_arg, read_param};
use commands::{SubCommand, Tool};
use proc_macro2::TokenStream;
use quote::quote;

/// Flags every subcommand has (`global`), which no parameter may take.
pub(super) const GLOBAL_FLAGS: [&str; 6] = ["base-url", "max-retries", "output", "quiet", "help", "version"];

/// Flags some subcommands add, which no parameter of theirs may take.
pub(super) const COMMAND_FLAGS: [&str; 4] = ["all", "body", "interval", "deadline"];

/// The subcommands no operation may be named.
pub(super) const BUILT_IN_COMMANDS: [&str; 2] = ["completions", "help"];
/// The items of `src/cli.rs`: what every tool has, then the functions that build and run each
/// subcommand, behind its operation's feature.
pub fn cli_module<'a>(api: &'a Api, crate_name: &str) -> impl Iterator<Item = Chunk> + 'a {
    let tool = Tool::new(api);
    let about = api.title.replace(['\r', '\n'], " ");
    let long_about = api.description.as_deref().map(|text| prose(Some(text), "")).unwrap_or_default();
    let shared_flags = tool.shared.iter().map(|(flag, param)| flag_arg(api, flag, param, true));
    let subcommands = tool.commands.iter().map(|command| {
        let gate = operation_gate(api, command.op);
        let function = ident(&format!("command_{}", command.function));
        quote! {
            #gate
            let command = command.subcommand(#function());
        }
    });
    let arms = tool.commands.iter().map(|command| {
        let gate = operation_gate(api, command.op);
        let name = &command.name;
        let function = ident(&format!("run_{}", command.function));
        quote! { #gate #name => #function(&context, matches).await, }
    });
    let client_fn = client_fn(api, &tool);
    let bin = crate_name;
    let common = quote! {
        use crate::Client;
        use clap::{Arg, ArgAction, ArgMatches, Command};
        use runtime::cli::{exit, Context, Failure, ProgressMode};
        use std::path::PathBuf;

        /// Runs the tool with the process's arguments and returns its exit code (the codes are
        /// listed in `--help`).
        pub fn main() -> i32 {
            let matches = match command().try_get_matches() {
                Ok(matches) => matches,
                Err(error) => {
                    let _ = error.print();
                    return if error.use_stderr() { exit::USAGE } else { exit::OK };
                }
            };
            runtime::cli::run(dispatch(matches))
        }

        /// The command line: options every subcommand takes, and one subcommand per operation.
        pub fn command() -> Command {
            let command = Command::new(#bin)
                .version(env!("CARGO_PKG_VERSION"))
                .about(#about)
                .long_about(#long_about)
                .after_help(exit::TABLE)
                .subcommand_required(true)
                .arg(Arg::new("base-url").long("base-url").global(true).value_name("URL").help("The API's base URL (default: the description's server, or the environment's)"))
                .arg(Arg::new("max-retries").long("max-retries").global(true).value_name("N").value_parser(clap::value_parser!(u32)).help("How often a failed request is retried"))
                .arg(Arg::new("output").long("output").short('o').global(true).value_name("FILE").value_parser(clap::value_parser!(PathBuf)).help("Write the result to FILE (a streamed download into an existing FILE continues where it stopped)"))
                .arg(Arg::new("quiet").long("quiet").short('q').global(true).action(ArgAction::SetTrue).help("Show no progress on stderr"))
                #(.arg(#shared_flags))*;
            #(#subcommands)*
            command.subcommand(
                    Command::new("completions")
                        .about("Prints a shell completion script")
                        .arg(Arg::new("shell").required(true).value_parser(clap::value_parser!(clap_complete::Shell))),
                )
        }

        async fn dispatch(matches: ArgMatches) -> Result<(), Failure> {
            let Some((name, command_matches)) = matches.subcommand() else {
                return Err(Failure::usage("no command given; see --help"));
            };
            if name == "completions" {
                if let Some(shell) = command_matches.get_one::<clap_complete::Shell>("shell") {
                    runtime::cli::completions(*shell, &mut command(), #bin);
                }
                return Ok(());
            }
            let context = Context {
                client: client(&matches)?,
                output: matches.get_one::<PathBuf>("output").cloned(),
                mode: ProgressMode::detect(matches.get_flag("quiet")),
            };
            let matches = command_matches;
            match name {
                #(#arms)*
                other => Err(Failure::usage(format!("unknown command `{other}`; see --help"))),
            }
        }

        #client_fn
    };
    let gated = |command: &SubCommand<'a>, function: TokenStream| Chunk {
        tokens: function,
        gate: operation_gate(api, command.op),
    };
    let builders: Vec<Chunk> =
        tool.commands.iter().map(|command| gated(command, command.builder_fn(api))).collect();
    let runners: Vec<Chunk> =
        tool.commands.iter().map(|command| gated(command, command.run_fn(api))).collect();
    std::iter::once(common.into()).chain(builders).chain(runners)
}
fn client_fn(api: &Api, tool: &Tool) -> TokenStream {
    let base_url_env = api.base_url_env.as_ref().map(|variable| {
        quote! {
            if let Some(url) = env(#variable) {
                builder = builder.base_url(url);
            }
        }
    });
    let credentials = api.auth.iter().filter_map(|auth| {
        let variable = auth.env.as_deref()?;
        let setter = rust_ident(&auth.setter);
        Some(quote! {
            if let Some(value) = env(#variable) {
                builder = builder.#setter(value);
            }
        })
    });
    let missing = api.auth.iter().filter(|auth| auth.required_by_all).filter_map(|auth| {
        let variable = auth.env.as_deref()?;
        let message = format!("set `{variable}` to the credential (it is read from the environment only, so it never shows in a command line)");
        Some(quote! {
            if env(#variable).is_none() {
                return Err(Failure::new(exit::AUTHENTICATION, #message));
            }
        })
    });
    let shared = tool.shared.iter().map(|(flag, param)| {
        let setter = rust_ident(&param.rust_name);
        let read = read_param(api, flag, param);
        quote! {
            if let Some(value) = #read {
                builder = builder.#setter(value);
            }
        }
    });
    let reads_env = api.base_url_env.is_some() || api.auth.iter().any(|auth| auth.env.is_some());
    let env = reads_env.then(|| {
        quote! {
            /// A non-empty environment variable.
            fn env(name: &str) -> Option<String> {
                std::env::var(name).ok().filter(|value| !value.is_empty())
            }
        }
    });
    quote! {
        #env

        /// The client: the description's defaults, then the environment, then the options.
        fn client(matches: &ArgMatches) -> Result<Client, Failure> {
            let mut builder = Client::builder();
            #base_url_env
            #(#missing)*
            #(#credentials)*
            if let Some(url) = matches.get_one::<String>("base-url") {
                builder = builder.base_url(url.clone());
            }
            if let Some(retries) = matches.get_one::<u32>("max-retries") {
                builder = builder.max_retries(*retries);
            }
            #(#shared)*
            builder.build().map_err(|error| Failure::usage(error.to_string()))
        }
    }
}

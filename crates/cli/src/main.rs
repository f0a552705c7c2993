//! The `whosaid` command: a thin dispatcher over the subcommands, each in its own module.

mod eval;
mod extract;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Who said what in news articles.
#[derive(Parser)]
#[command(name = "whosaid", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract attributed quotes from articles; JSON Lines on stdout.
    Extract(extract::ExtractArgs),
    /// Score predictions (or whosaid itself) against PolNeAR gold or the seed gold.
    Eval(eval::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract(args) => extract::main(args),
        Command::Eval(args) => eval::run(args),
    }
}

//! The `whosaid` command.

use anyhow::Result;
use clap::{Parser, Subcommand};

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
    Extract {
        /// Files, directories or `-` for stdin.
        inputs: Vec<std::path::PathBuf>,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract { inputs } => {
            for p in inputs {
                let text = std::fs::read_to_string(&p)?;
                let doc = whosaid_core::Document::new(p.display().to_string(), text);
                println!("{}", serde_json::to_string(&whosaid_core::analyze(&doc))?);
            }
        }
    }
    Ok(())
}

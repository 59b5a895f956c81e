//! `cargo xtask …`: scratchnet's command line. Thin by design: parse, call the crates, report.

mod fetch;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "scratchnet: Deep Learning from Scratch, chapter 6, in Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download MNIST (or Fashion-MNIST), verify every file by SHA-256 and cache it.
    FetchMnist(fetch::FetchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::FetchMnist(args) => fetch::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

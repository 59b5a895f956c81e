//! `cargo xtask eval`: the test accuracy of a network saved by `cargo xtask train --save`.

use crate::data::DataArgs;
use crate::{Outcome, lang};
use scratchnet_experiments::messages::Message;
use scratchnet_experiments::test_accuracy;
use std::path::PathBuf;

#[derive(clap::Args, Clone, Debug)]
pub struct EvalArgs {
    /// The saved network (written by `cargo xtask train --save PATH`).
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Print only the accuracy.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &EvalArgs) -> Outcome {
    let data = args.data.load(0, args.quiet)?;
    let accuracy = test_accuracy(&args.model, &data)?;
    if args.quiet {
        println!("{accuracy}");
    } else {
        let line = Message::new("cli.eval.accuracy")
            .arg("model", args.model.display())
            .arg("count", data.mnist.test.len())
            .arg("dataset", data.kind)
            .arg("accuracy", format!("{accuracy:.4}"));
        println!("{}", line.render(lang::current()));
    }
    Ok(())
}

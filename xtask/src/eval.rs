//! `cargo xtask eval`: the test accuracy of a network saved by `cargo xtask train --save`.

use crate::Outcome;
use crate::data::DataArgs;
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
        println!(
            "test accuracy of {} on {} {} test images: {accuracy:.4}",
            args.model.display(),
            data.mnist.test.len(),
            data.kind
        );
    }
    Ok(())
}

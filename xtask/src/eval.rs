//! `cargo xtask eval`: the test accuracy of a network saved by `cargo xtask train --save`.

use crate::data::{self, DataArgs};
use anyhow::{Context, Result, bail};
use scratchnet_network::MultiLayerNetExtend;
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

pub fn run(args: &EvalArgs) -> Result<()> {
    let network = MultiLayerNetExtend::<f32>::load(&args.model)
        .with_context(|| format!("loading the network from {}", args.model.display()))?;
    let loaded = data::load(&args.data, args.quiet)?;
    let test = &loaded.mnist.test;
    let config = network.config();
    if config.input_size != test.image_size() || config.output_size != 10 {
        bail!(
            "the network takes {} inputs and has {} outputs; {} images have {} pixels and 10 classes",
            config.input_size,
            config.output_size,
            loaded.kind,
            test.image_size()
        );
    }
    let x_test = test.images::<f32>(test.len());
    let accuracy = network.accuracy(&x_test, &test.labels(test.len()));
    if args.quiet {
        println!("{accuracy}");
    } else {
        println!(
            "test accuracy of {} on {} {} test images: {accuracy:.4}",
            args.model.display(),
            test.len(),
            loaded.kind
        );
    }
    Ok(())
}

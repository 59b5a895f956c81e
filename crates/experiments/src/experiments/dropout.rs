//! Fig. 6-23: Dropout against none on the overfitting setting — the seed experiment —
//! train/test accuracy per epoch, side by side (the book's `ch06/overfit_dropout.py`).

use super::pair::{self, QUICK_EPOCHS, TRAIN_SIZE};
use super::{Outcome, Result, RunContext};
use crate::data::LoadedData;
use crate::messages::Message;
use scratchnet_datasets::Split;
use scratchnet_network::{DropoutConfig, DropoutMode};

/// The book's 301 epochs, or 31 with `--quick`.
pub fn epochs(quick: bool) -> usize {
    if quick { QUICK_EPOCHS } else { 301 }
}

pub fn run(
    train: &Split,
    data: &LoadedData,
    ratio: f64,
    context: &RunContext<'_>,
) -> Result<Outcome> {
    let epochs = epochs(context.quick);
    let variants = pair::plain_and_regularised(
        train.image_size(),
        "no dropout".into(),
        format!("dropout {ratio}"),
        |config| {
            config.dropout = Some(DropoutConfig {
                ratio,
                mode: DropoutMode::Book,
            })
        },
    );
    let runs = pair::train_pair(data, variants, epochs, context)?;
    let title = Message::new("figure.title.dropout")
        .arg("ratio", ratio)
        .arg("images", TRAIN_SIZE)
        .arg("epochs", epochs)
        .arg("seed", context.seed);
    Ok(pair::outcome(runs, title, &format!("dropout {ratio}")))
}

//! Fig. 6-21 (against fig. 6-20): L2 weight decay λ = 0.1 against none on the overfitting
//! setting — train/test accuracy per epoch (the book's `ch06/overfit_weight_decay.py`).

use super::pair::{self, QUICK_EPOCHS, TRAIN_SIZE};
use super::{Outcome, Result, RunContext};
use crate::data::LoadedData;
use crate::messages::Message;
use scratchnet_datasets::Split;

/// The book's λ.
pub const LAMBDA: f64 = 0.1;

/// The book's 201 epochs, or 31 with `--quick`.
pub fn epochs(quick: bool) -> usize {
    if quick { QUICK_EPOCHS } else { 201 }
}

pub fn run(train: &Split, data: &LoadedData, context: &RunContext<'_>) -> Result<Outcome> {
    let epochs = epochs(context.quick);
    let variants = pair::plain_and_regularised(
        train.image_size(),
        "λ = 0 (fig. 6-20)".into(),
        format!("λ = {LAMBDA} (fig. 6-21)"),
        |config| config.weight_decay_lambda = LAMBDA,
    );
    let runs = pair::train_pair(data, variants, epochs, context)?;
    let title = Message::new("figure.title.weight-decay")
        .arg("images", TRAIN_SIZE)
        .arg("epochs", epochs)
        .arg("seed", context.seed);
    Ok(pair::outcome(runs, title, &format!("λ = {LAMBDA}")))
}

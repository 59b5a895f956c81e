//! Fig. 6-15: the initial weight scale — std 0.01 vs Xavier vs He, ReLU, SGD — the training
//! loss of each iteration (the book's `ch06/weight_init_compare.py`).

use super::race::{self, BATCH_SIZE, Contestant, HIDDEN};
use super::{Outcome, Result, RunContext, with_runs};
use crate::messages::Message;
use scratchnet_datasets::Split;
use scratchnet_network::{NetworkConfig, WeightInit};
use scratchnet_optim::by_name;

/// The book's three initialisations, by display name.
pub const INITS: [(&str, WeightInit); 3] = [
    ("std=0.01", WeightInit::Std(0.01)),
    ("Xavier", WeightInit::Xavier),
    ("He", WeightInit::He),
];

/// The loss of guessing uniformly among 10 classes, ln 10 ≈ 2.30.
pub const CHANCE_LOSS: f64 = std::f64::consts::LN_10;

/// A run whose final loss is within this of [`CHANCE_LOSS`] has not learned ("stays at 2.30").
pub const STALLED_MARGIN: f64 = 0.05;

pub fn run(train: &Split, context: &RunContext<'_>) -> Result<Outcome> {
    let iterations = super::optimizers::iterations(context.quick);
    let contestants = INITS
        .iter()
        .map(|&(name, init)| {
            let mut config = NetworkConfig::new(train.image_size(), HIDDEN.to_vec(), 10);
            config.weight_init = init;
            Ok(Contestant {
                name: name.to_string(),
                config,
                optimizer: by_name("sgd", Some(0.01))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    race::outcome(
        train,
        contestants,
        iterations,
        context,
        Message::new("figure.title.weight-init")
            .arg("batch", BATCH_SIZE)
            .arg("seed", context.seed)
            .arg("window", race::SMOOTH_WINDOW),
        2.5,
        verdict,
    )
}

/// Which initialisations stall near ln 10 and which learn, e.g. "std=0.01 does not learn
/// (loss stays at 2.30); He and Xavier do (0.21, 0.30)".
pub fn verdict(finals: &[(String, f64)]) -> Message {
    let stalled_above = CHANCE_LOSS - STALLED_MARGIN;
    let mut sorted: Vec<&(String, f64)> = finals.iter().collect();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (learned, stalled): (Vec<_>, Vec<_>) = sorted
        .into_iter()
        .partition(|(_, loss)| *loss < stalled_above);
    let key = match (stalled.len(), learned.len()) {
        (0, _) => "experiments.weight-init.verdict.all",
        (_, 0) => "experiments.weight-init.verdict.none",
        (1, 1) => "experiments.weight-init.verdict.mixed.one.one",
        (1, _) => "experiments.weight-init.verdict.mixed.one.many",
        (_, 1) => "experiments.weight-init.verdict.mixed.many.one",
        _ => "experiments.weight-init.verdict.mixed.many.many",
    };
    let message = with_runs(Message::new(key), "stalled", "stalled_losses", &stalled);
    with_runs(message, "learned", "losses", &learned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    fn finals(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|&(n, l)| (n.to_string(), l)).collect()
    }

    #[test]
    fn names_the_stalled_init_and_the_learners() {
        let verdict = verdict(&finals(&[
            ("std=0.01", 2.302),
            ("Xavier", 0.3),
            ("He", 0.21),
        ]));
        assert_eq!(
            verdict.render(Lang::En),
            "std=0.01 does not learn (loss stays at 2.30); He and Xavier learn (0.21, 0.30)"
        );
    }

    #[test]
    fn reports_when_every_init_learns_or_none_does() {
        assert!(
            verdict(&finals(&[("std=0.01", 1.0), ("He", 0.2)]))
                .render(Lang::En)
                .starts_with("every initialisation learns")
        );
        assert!(
            verdict(&finals(&[("std=0.01", 2.3), ("He", 2.27)]))
                .render(Lang::En)
                .starts_with("no initialisation learns")
        );
    }
}

//! Fig. 6-9: SGD, Momentum, AdaGrad and Adam on MNIST — the training loss of each iteration
//! (the book's `ch06/optimizer_compare_mnist.py`).

use super::race::{self, BATCH_SIZE, Contestant, HIDDEN};
use super::{Outcome, Result, RunContext, with_runs};
use crate::messages::Message;
use scratchnet_datasets::Split;
use scratchnet_network::NetworkConfig;
use scratchnet_optim::by_name;

/// The book's four optimizers, each with its default learning rate, by display name.
pub const OPTIMIZERS: [(&str, &str); 4] = [
    ("SGD", "sgd"),
    ("Momentum", "momentum"),
    ("AdaGrad", "adagrad"),
    ("Adam", "adam"),
];

/// Iterations: the book's 2,000, or 200 with `--quick`.
pub fn iterations(quick: bool) -> usize {
    if quick { 200 } else { 2000 }
}

pub fn run(train: &Split, context: &RunContext<'_>) -> Result<Outcome> {
    let iterations = iterations(context.quick);
    let contestants = OPTIMIZERS
        .iter()
        .map(|&(name, key)| {
            Ok(Contestant {
                name: name.to_string(),
                config: NetworkConfig::new(train.image_size(), HIDDEN.to_vec(), 10),
                optimizer: by_name(key, None)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    race::outcome(
        train,
        contestants,
        iterations,
        context,
        Message::new("figure.title.optimizers")
            .arg("batch", BATCH_SIZE)
            .arg("seed", context.seed)
            .arg("window", race::SMOOTH_WINDOW),
        1.0,
        verdict,
    )
}

/// Which optimizers end below plain SGD's loss, e.g. "Adam and AdaGrad end below SGD's loss
/// (0.12, 0.15 vs 0.52)"; those that do not are named after a semicolon.
pub fn verdict(finals: &[(String, f64)]) -> Message {
    let Some(&(_, sgd)) = finals.iter().find(|(name, _)| name == "SGD") else {
        return Message::new("experiments.optimizers.verdict.no-sgd");
    };
    let mut others: Vec<&(String, f64)> = finals.iter().filter(|(name, _)| name != "SGD").collect();
    others.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (below, not_below): (Vec<_>, Vec<_>) =
        others.into_iter().partition(|(_, loss)| *loss < sgd);
    let count = |runs: &[&(String, f64)]| if runs.len() == 1 { "one" } else { "many" };
    let key = match (below.is_empty(), not_below.is_empty()) {
        (true, _) => "experiments.optimizers.verdict.none-below",
        (false, true) => match count(&below) {
            "one" => "experiments.optimizers.verdict.below.one",
            _ => "experiments.optimizers.verdict.below.many",
        },
        (false, false) => match (count(&below), count(&not_below)) {
            ("one", "one") => "experiments.optimizers.verdict.mixed.one.one",
            ("one", _) => "experiments.optimizers.verdict.mixed.one.many",
            (_, "one") => "experiments.optimizers.verdict.mixed.many.one",
            _ => "experiments.optimizers.verdict.mixed.many.many",
        },
    };
    let message = Message::new(key).arg("sgd", format!("{sgd:.2}"));
    let message = with_runs(message, "below", "losses", &below);
    with_runs(message, "rest", "rest_losses", &not_below)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    fn finals(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|&(n, l)| (n.to_string(), l)).collect()
    }

    #[test]
    fn names_the_optimizers_below_sgd_best_first() {
        let verdict = verdict(&finals(&[
            ("SGD", 0.52),
            ("Momentum", 0.2),
            ("AdaGrad", 0.15),
            ("Adam", 0.12),
        ]));
        assert_eq!(
            verdict.render(Lang::En),
            "Adam, AdaGrad and Momentum end below SGD's loss (0.12, 0.15, 0.20 vs 0.52)"
        );
        assert_eq!(
            verdict.render(Lang::Ja),
            "Adam、AdaGrad、Momentum は SGD の損失（0.52）より小さい値で終わる（0.12、0.15、0.20）"
        );
    }

    #[test]
    fn says_which_do_not_beat_sgd() {
        let verdict = verdict(&finals(&[("SGD", 0.3), ("Momentum", 0.4), ("Adam", 0.1)]));
        assert_eq!(
            verdict.render(Lang::En),
            "Adam ends below SGD's loss (0.10 vs 0.30); Momentum does not (0.40)"
        );
        let none = super::verdict(&finals(&[("SGD", 0.1), ("Adam", 0.4)]));
        assert_eq!(
            none.render(Lang::En),
            "no optimizer ends below SGD's loss (0.10)"
        );
    }
}

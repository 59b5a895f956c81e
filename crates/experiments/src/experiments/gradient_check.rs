//! The book's gradient checks (`ch05/gradient_check.py`, `ch06/batch_norm_gradient_check.py`):
//! backpropagation against central differences for every parameter of a small
//! `MultiLayerNetExtend`, without and with BatchNorm, in f64 on a few MNIST images.

use super::axis;
use super::{Outcome, Result, RunContext, Table};
use crate::figures::{self, Axes, Line};
use crate::messages::Message;
use scratchnet_datasets::Split;
use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_tensor::{Matrix, random};

/// Images in the batch: several, since BatchNorm's variance is 0 on the book's batch of one.
pub const IMAGES: usize = 3;
/// Hidden layers: two of 10, small enough for a numerical gradient of every weight.
pub const HIDDEN: [usize; 2] = [10, 10];
/// The largest relative error accepted, |a − b| / max(|a|, |b|, [`FLOOR`]): central differences with
/// the book's h = 1e-4 are off by up to ~1e-4 of a gradient (h² times the third derivative); a
/// wrong backward pass is off by a factor.
pub const BOUND: f64 = 1e-3;
/// Gradients smaller than this are compared in absolute terms: central differences with
/// h = 1e-4 carry an absolute error near 1e-10.
pub const FLOOR: f64 = 1e-7;

/// Each parameter's name and gradient, in the book's order.
pub type Gradients = Vec<(String, Matrix<f64>)>;

/// One parameter's comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamCheck {
    pub network: &'static str,
    pub name: String,
    pub mean_abs_diff: f64,
    pub max_rel_err: f64,
}

/// Compares backpropagation's gradients with the numerical ones, parameter by parameter.
pub fn compare(
    network: &'static str,
    backprop: &[(String, Matrix<f64>)],
    numerical: &[(String, Matrix<f64>)],
) -> Vec<ParamCheck> {
    backprop
        .iter()
        .zip(numerical)
        .map(|((name, a), (_, b))| {
            let pairs = a.iter().zip(b.iter());
            let count = a.len().max(1) as f64;
            let mean_abs_diff = pairs.clone().map(|(a, b)| (a - b).abs()).sum::<f64>() / count;
            let max_rel_err = pairs
                .map(|(a, b)| (a - b).abs() / a.abs().max(b.abs()).max(FLOOR))
                .fold(0.0, f64::max);
            ParamCheck {
                network,
                name: name.clone(),
                mean_abs_diff,
                max_rel_err,
            }
        })
        .collect()
}

/// Both gradients of a network built from `config` with weights from `seed`.
pub fn gradients(
    config: NetworkConfig,
    x: &Matrix<f64>,
    labels: &[usize],
    seed: u64,
) -> Result<(Gradients, Gradients)> {
    let mut network = MultiLayerNetExtend::<f64>::new(config, &mut random::seeded(seed))?;
    let numerical = network.numerical_gradient(x, labels);
    network.gradient(x, labels);
    let backprop = network
        .params_mut()
        .map(|param| (param.name.to_string(), param.grad.clone()))
        .collect();
    Ok((backprop, numerical))
}

/// The checks of the plain and the BatchNorm network on `x`.
pub fn check(x: &Matrix<f64>, labels: &[usize], seed: u64) -> Result<Vec<ParamCheck>> {
    let mut checks = Vec::new();
    for (network, batchnorm) in [("plain", false), ("batchnorm", true)] {
        let mut config = NetworkConfig::new(x.ncols(), HIDDEN.to_vec(), 10);
        config.use_batchnorm = batchnorm;
        let (backprop, numerical) = gradients(config, x, labels, seed)?;
        checks.extend(compare(network, &backprop, &numerical));
    }
    Ok(checks)
}

pub fn run(train: &Split, context: &RunContext<'_>) -> Result<Outcome> {
    context.progress.start(2, "networks");
    let x = train.images::<f64>(IMAGES);
    let labels = train.labels(IMAGES);
    let checks = check(&x, &labels, context.seed)?;
    context.progress.advance(2);
    let rows = checks
        .iter()
        .map(|c| {
            vec![
                c.network.to_string(),
                c.name.clone(),
                format!("{:e}", c.mean_abs_diff),
                format!("{:e}", c.max_rel_err),
            ]
        })
        .collect();
    let lines: Vec<Line> = ["plain", "batchnorm"]
        .iter()
        .enumerate()
        .map(|(index, &network)| Line {
            label: network.to_string(),
            points: checks
                .iter()
                .filter(|c| c.network == network)
                .enumerate()
                .map(|(i, c)| ((i + 1) as f64, c.max_rel_err.max(1e-16).log10()))
                .collect(),
            color: figures::color(index),
        })
        .collect();
    let title = Message::new("figure.title.gradient-check")
        .arg("bound", format!("{BOUND:e}"))
        .arg("seed", context.seed);
    Ok(Outcome {
        csv: Table {
            header: vec!["network", "param", "mean_abs_diff", "max_rel_err"],
            rows,
        },
        figure: Box::new(move |path, lang| {
            let (x_desc, y_desc) = (axis("parameter", lang), axis("log10_error", lang));
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                y_range: -16.0..0.0,
                legend_low: false,
            };
            figures::line_chart(path, &title.render(lang), &axes, &lines)
        }),
        verdict: verdict(&checks),
    })
}

/// The book's printout (`W1:2.4e-10 …`) per network and the largest relative error against
/// [`BOUND`]: passes or fails loudly.
pub fn verdict(checks: &[ParamCheck]) -> Message {
    let printout = |network: &str| {
        checks
            .iter()
            .filter(|c| c.network == network)
            .map(|c| format!("{}:{:.1e}", c.name, c.mean_abs_diff))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let Some(worst) = checks
        .iter()
        .max_by(|a, b| a.max_rel_err.total_cmp(&b.max_rel_err))
    else {
        return Message::new("experiments.optimizer-paths.verdict.none");
    };
    let key = if worst.max_rel_err <= BOUND {
        "experiments.gradient-check.verdict.pass"
    } else {
        "experiments.gradient-check.verdict.fail"
    };
    Message::new(key)
        .arg("worst", format!("{:.1e}", worst.max_rel_err))
        .arg("param", &worst.name)
        .arg("network", worst.network)
        .arg("bound", format!("{BOUND:.0e}"))
        .arg("plain", printout("plain"))
        .arg("batchnorm", printout("batchnorm"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    fn batch() -> (Matrix<f64>, Vec<usize>) {
        let mut rng = random::seeded(3);
        let x = random::uniform_matrix::<f64>(IMAGES, 20, &mut rng);
        (x, vec![1, 7, 3])
    }

    #[test]
    fn backpropagation_matches_the_numerical_gradient_with_and_without_batchnorm() {
        let (x, labels) = batch();
        let checks = check(&x, &labels, 0).expect("networks");
        assert_eq!(checks.len(), 6 + 10);
        for c in &checks {
            assert!(c.max_rel_err < BOUND, "{c:?}");
        }
        let verdict = verdict(&checks).render(Lang::En);
        assert!(verdict.starts_with("backpropagation matches"), "{verdict}");
        assert!(verdict.contains("W1:"), "{verdict}");
    }

    #[test]
    fn a_broken_gradient_is_caught() {
        let (x, labels) = batch();
        let mut config = NetworkConfig::new(20, HIDDEN.to_vec(), 10);
        config.use_batchnorm = true;
        let (mut backprop, numerical) = gradients(config, &x, &labels, 0).expect("network");
        // A backward pass that forgot a factor: gamma1's gradient halved.
        let gamma = backprop
            .iter_mut()
            .find(|(name, _)| name == "gamma1")
            .expect("gamma1");
        gamma.1 *= 0.5;
        let checks = compare("batchnorm", &backprop, &numerical);
        let verdict = verdict(&checks).render(Lang::En);
        assert!(verdict.starts_with("GRADIENT CHECK FAILED"), "{verdict}");
        assert!(verdict.contains("gamma1"), "{verdict}");
    }
}

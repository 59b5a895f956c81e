//! Fig. 6-10 … 6-14: 1,000 Gaussian inputs through five layers of 100 units, a 30-bin histogram
//! of each layer's activations per weight initialisation (the book's
//! `ch06/weight_init_activation_histogram.py`).

use super::{Outcome, Result, RunContext, Table};
use crate::figures::{self, HistogramRow};
use crate::messages::{ListStyle, Message};
use scratchnet_network::Activation;
use scratchnet_tensor::{Matrix, random};

/// Inputs: the book's 1,000 (also with `--quick`: the whole experiment takes milliseconds).
pub fn inputs(_quick: bool) -> usize {
    1000
}
/// Units per layer.
pub const UNITS: usize = 100;
/// Layers.
pub const LAYERS: usize = 5;
/// Bins per histogram, the book's 30.
pub const BINS: usize = 30;
/// An activation within this of 0 or 1 counts as saturated (sigmoid) or silent (near 0).
pub const EDGE: f64 = 0.02;

/// The activation function applied to one pre-activation value.
fn apply(activation: Activation, a: f64) -> f64 {
    match activation {
        Activation::Sigmoid => 1.0 / (1.0 + (-a).exp()),
        Activation::Relu => a.max(0.0),
    }
}

/// Which rows `--activation` draws: `both` (the default), or one activation by its name.
pub fn parse_activations(text: &str) -> std::result::Result<Vec<Activation>, String> {
    match text.trim() {
        "both" => Ok(vec![Activation::Sigmoid, Activation::Relu]),
        name => name
            .parse::<Activation>()
            .map(|activation| vec![activation])
            .map_err(|_| format!("unknown activation {name:?}; expected sigmoid, relu or both")),
    }
}

/// A weight initialisation of a row: its label and the std it gives a layer of `n` inputs.
#[derive(Clone, Copy, Debug)]
pub struct Init {
    pub label: &'static str,
    pub std: fn(usize) -> f64,
}

/// The book's rows: std 1, std 0.01 and Xavier with sigmoid; std 0.01, Xavier and He with ReLU.
pub fn rows_of(activation: Activation) -> Vec<Init> {
    let std_1 = Init {
        label: "std=1",
        std: |_| 1.0,
    };
    let std_001 = Init {
        label: "std=0.01",
        std: |_| 0.01,
    };
    let xavier = Init {
        label: "Xavier",
        std: |n| (1.0 / n as f64).sqrt(),
    };
    let he = Init {
        label: "He",
        std: |n| (2.0 / n as f64).sqrt(),
    };
    match activation {
        Activation::Sigmoid => vec![std_1, std_001, xavier],
        Activation::Relu => vec![std_001, xavier, he],
    }
}

/// One row's five layers: each layer's activations, flattened.
pub fn forward(activation: Activation, init: Init, seed: u64, inputs: usize) -> Vec<Vec<f64>> {
    let mut rng = random::seeded(seed);
    let mut x: Matrix<f64> = random::normal_matrix(inputs, UNITS, 1.0, &mut rng);
    let mut layers = Vec::with_capacity(LAYERS);
    for _ in 0..LAYERS {
        let w: Matrix<f64> = random::normal_matrix(UNITS, UNITS, (init.std)(UNITS), &mut rng);
        x = (&x * &w).map(|a| apply(activation, a));
        layers.push(x.as_slice().to_vec());
    }
    layers
}

/// The histogram range of a row: [0, 1] for sigmoid (the book's), [0, max(1, largest)] for
/// ReLU, so that every activation is counted.
pub fn range_of(activation: Activation, layers: &[Vec<f64>]) -> (f64, f64) {
    match activation {
        Activation::Sigmoid => (0.0, 1.0),
        Activation::Relu => {
            let largest = layers.iter().flatten().copied().fold(1.0, f64::max);
            (0.0, largest)
        }
    }
}

/// `BINS` counts of `values` over `range` (the last bin closed, like NumPy's).
pub fn histogram(values: &[f64], (low, high): (f64, f64)) -> Vec<u64> {
    let mut counts = vec![0u64; BINS];
    let width = (high - low) / BINS as f64;
    for &value in values {
        let bin = ((value - low) / width).floor();
        let bin = if bin.is_nan() {
            0.0
        } else {
            bin.clamp(0.0, (BINS - 1) as f64)
        };
        counts[bin as usize] += 1;
    }
    counts
}

/// Share of `values` within [`EDGE`] of 0 or of 1.
pub fn edge_share(values: &[f64]) -> f64 {
    let near = values
        .iter()
        .filter(|&&v| v.abs() < EDGE || (v - 1.0).abs() < EDGE)
        .count();
    near as f64 / values.len().max(1) as f64
}

/// Standard deviation of `values`.
pub fn spread(values: &[f64]) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt()
}

/// One computed row: its histograms and the numbers of the verdict.
pub struct Row {
    pub activation: Activation,
    pub label: &'static str,
    pub range: (f64, f64),
    pub counts: Vec<Vec<u64>>,
    pub edge_share: f64,
    pub spread_first: f64,
    pub spread_last: f64,
}

/// Computes one row.
pub fn row(activation: Activation, init: Init, seed: u64, inputs: usize) -> Row {
    let layers = forward(activation, init, seed, inputs);
    let range = range_of(activation, &layers);
    let all: Vec<f64> = layers.iter().flatten().copied().collect();
    Row {
        activation,
        label: init.label,
        range,
        counts: layers.iter().map(|layer| histogram(layer, range)).collect(),
        edge_share: edge_share(&all),
        spread_first: layers.first().map_or(f64::NAN, |l| spread(l)),
        spread_last: layers.last().map_or(f64::NAN, |l| spread(l)),
    }
}

pub fn run(activations: &[Activation], context: &RunContext<'_>) -> Result<Outcome> {
    let inputs = inputs(context.quick);
    let plan: Vec<(Activation, Init)> = activations
        .iter()
        .flat_map(|&activation| {
            rows_of(activation)
                .into_iter()
                .map(move |init| (activation, init))
        })
        .collect();
    context.progress.start(plan.len() as u64, "rows");
    let rows: Vec<Row> = plan
        .iter()
        .enumerate()
        .map(|(index, &(activation, init))| {
            let computed = row(
                activation,
                init,
                super::run_seed(context.seed, index as u64),
                inputs,
            );
            context.progress.advance(1);
            computed
        })
        .collect();
    let csv_rows = rows
        .iter()
        .flat_map(|row| {
            let width = (row.range.1 - row.range.0) / BINS as f64;
            row.counts
                .iter()
                .enumerate()
                .flat_map(move |(layer, counts)| {
                    counts.iter().enumerate().map(move |(bin, count)| {
                        vec![
                            row.activation.to_string(),
                            row.label.to_string(),
                            (layer + 1).to_string(),
                            format!("{}", row.range.0 + width * bin as f64),
                            format!("{}", row.range.0 + width * (bin + 1) as f64),
                            count.to_string(),
                        ]
                    })
                })
        })
        .collect();
    let verdict = verdict(&rows);
    let figure_rows: Vec<HistogramRow> = rows
        .iter()
        .map(|row| HistogramRow {
            title: format!("{} ({})", row.label, row.activation),
            range: row.range,
            counts: row.counts.clone(),
            // The book clips ReLU's y axis: half of its activations are exactly 0.
            y_max: match row.activation {
                Activation::Sigmoid => None,
                Activation::Relu => Some(7000),
            },
        })
        .collect();
    let title = Message::new("figure.title.activations")
        .arg("layers", LAYERS)
        .arg("units", UNITS)
        .arg("inputs", inputs)
        .arg("seed", context.seed);
    Ok(Outcome {
        csv: Table {
            header: vec![
                "activation",
                "init",
                "layer",
                "bin_low",
                "bin_high",
                "count",
            ],
            rows: csv_rows,
        },
        figure: Box::new(move |path, lang| {
            figures::histogram_grid(path, &title.render(lang), &figure_rows)
        }),
        verdict,
    })
}

/// Per activation: the share near 0 or 1 and the spread of layer 5 against layer 1 of each
/// initialisation, and which keeps the last layer's spread nearest the first's.
pub fn verdict(rows: &[Row]) -> Message {
    let mut message = Message::new("experiments.activations.verdict").arg("edge", EDGE);
    for (activation, numbers_name, kept_name) in [
        (Activation::Sigmoid, "sigmoid", "sigmoid_kept"),
        (Activation::Relu, "relu", "relu_kept"),
    ] {
        let group: Vec<&Row> = rows.iter().filter(|r| r.activation == activation).collect();
        let kept = group
            .iter()
            .min_by(|a, b| kept_distance(a).total_cmp(&kept_distance(b)))
            .map_or_else(|| "—".to_string(), |row| row.label.to_string());
        let numbers = group.iter().map(|r| {
            format!(
                "{} {:.0}% / {:.2}",
                r.label,
                100.0 * r.edge_share,
                r.spread_last / r.spread_first
            )
        });
        message = message
            .list_arg(numbers_name, ListStyle::Series, numbers)
            .arg(kept_name, kept);
    }
    message
}

/// How far a row is from keeping its spread through the layers without piling up at 0 or 1:
/// |log(last / first)| plus the share at the edges.
fn kept_distance(row: &Row) -> f64 {
    let ratio = row.spread_last / row.spread_first;
    let log_ratio = if ratio > 0.0 {
        ratio.ln().abs()
    } else {
        f64::INFINITY
    };
    log_ratio + row.edge_share
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    #[test]
    fn counts_sum_to_every_activation_of_each_layer() {
        for activation in [Activation::Sigmoid, Activation::Relu] {
            for init in rows_of(activation) {
                let row = row(activation, init, 0, 1000);
                assert_eq!(row.counts.len(), LAYERS);
                for counts in &row.counts {
                    assert_eq!(counts.len(), BINS);
                    assert_eq!(counts.iter().sum::<u64>(), 1000 * 100, "{}", init.label);
                }
            }
        }
    }

    #[test]
    fn histogram_puts_the_edges_in_the_first_and_last_bins() {
        let counts = histogram(&[0.0, 0.5, 1.0, 0.99], (0.0, 1.0));
        assert_eq!(counts[0], 1);
        assert_eq!(counts[15], 1);
        assert_eq!(counts[29], 2);
    }

    #[test]
    fn the_books_lessons_show_in_the_numbers() {
        let sigmoid = |label| {
            let init = rows_of(Activation::Sigmoid)
                .into_iter()
                .find(|i| i.label == label);
            row(Activation::Sigmoid, init.expect("row"), 0, 1000)
        };
        // std 1 piles the sigmoid's outputs up at 0 and 1 (fig. 6-10)…
        assert!(sigmoid("std=1").edge_share > 0.5);
        // …std 0.01 gathers them at 0.5, and Xavier spreads them (fig. 6-11, 6-13).
        assert!(sigmoid("std=0.01").spread_last < 0.02);
        assert!(sigmoid("Xavier").spread_last > 0.05);
        let relu = |init| row(Activation::Relu, init, 0, 1000);
        let [std, _, he] = [0, 1, 2].map(|i| relu(rows_of(Activation::Relu)[i]));
        // ReLU with std 0.01 shrinks layer by layer; He keeps the spread (fig. 6-14).
        assert!(std.spread_last / std.spread_first < 0.01);
        assert!((he.spread_last / he.spread_first - 1.0).abs() < 0.5);
    }

    #[test]
    fn verdict_names_xavier_for_sigmoid_and_he_for_relu() {
        let rows: Vec<Row> = [Activation::Sigmoid, Activation::Relu]
            .into_iter()
            .flat_map(|a| rows_of(a).into_iter().map(move |i| row(a, i, 0, 1000)))
            .collect();
        let message = verdict(&rows);
        let verdict = message.render(Lang::En);
        assert!(verdict.contains("→ Xavier;"), "{verdict}");
        assert!(verdict.ends_with("→ He"), "{verdict}");
        assert!(verdict.contains(", std=0.01 "), "{verdict}");
        // Japanese lists its numbers with 「、」 and ends each activation's part with 「。」.
        let japanese = message.render(Lang::Ja);
        assert!(japanese.contains("、std=0.01 "), "{japanese}");
        assert!(japanese.contains("→ Xavier。relu: "), "{japanese}");
        assert!(!japanese.contains(", "), "{japanese}");
        assert!(parse_activations("tanh").is_err());
        assert_eq!(parse_activations("both").map(|v| v.len()), Ok(2));
    }
}

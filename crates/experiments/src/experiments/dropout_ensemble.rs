//! §6.4.3: Dropout as ensemble learning. The seed network trained once with dropout 0.2, then
//! the test set classified three ways: (a) the book's way, every unit kept and scaled by
//! 1 − ratio; (b) Monte-Carlo dropout, the softmax outputs of T random masks averaged (the
//! ensemble of thinned networks the scaling stands for), T = 1, 2, 4, … 256; (c) dropout
//! switched off and not scaled.
//!
//! The masks of (b) come from fixed chunks of the test set, each with its own keyed mask
//! streams, so the results do not depend on the thread count.

use super::dropout_sweep::train_network;
use super::{Outcome, Result, RunContext, Table, axis, pair, run_seed};
use crate::data::LoadedData;
use crate::figures::{self, Axes, Line};
use crate::messages::Message;
use rayon::prelude::*;
use scratchnet_datasets::NUM_CLASSES;
use scratchnet_network::{DropoutConfig, DropoutMode, MultiLayerNetExtend, NetworkConfig};
use scratchnet_tensor::{Matrix, accuracy, argmax_rows, random, softmax_rows};

/// The book's ratio.
pub const RATIO: f64 = 0.2;
/// Test images per chunk of the Monte-Carlo passes.
const CHUNK: usize = 1000;

/// Masks averaged at most: 256, or 16 with `--quick`.
pub fn max_masks(quick: bool) -> usize {
    if quick { 16 } else { 256 }
}

/// Test images classified: all, or the first 2,000 with `--quick`.
pub fn test_images(quick: bool, available: usize) -> usize {
    if quick {
        available.min(2000)
    } else {
        available
    }
}

/// The book's 301 epochs, or the quick pair's with `--quick`.
pub fn epochs(quick: bool) -> usize {
    super::dropout_sweep::epochs(quick)
}

/// What the three ways of classifying give.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
    /// (T, accuracy of the average of T masks' softmax) for T = 1, 2, 4, …
    pub monte_carlo: Vec<(usize, f64)>,
    /// (a) the book's scaling.
    pub scaled: f64,
    /// (c) dropout off, no scaling.
    pub unscaled: f64,
    /// Share of images where (a) and the largest-T average predict the same class.
    pub agreement: f64,
    /// Images classified.
    pub images: usize,
}

pub fn run(data: &LoadedData, context: &RunContext<'_>) -> Result<Outcome> {
    let quick = context.quick;
    let (x_train, t_train) = (
        data.train_rows(pair::TRAIN_SIZE),
        data.mnist.train.labels(pair::TRAIN_SIZE),
    );
    let count = test_images(quick, data.mnist.test.len());
    let x_test = data.mnist.test.images::<f32>(count);
    let t_test = data.mnist.test.labels(count);
    let mut config = NetworkConfig::new(x_train.ncols(), pair::HIDDEN.to_vec(), NUM_CLASSES);
    config.dropout = Some(DropoutConfig {
        ratio: RATIO,
        mode: DropoutMode::Book,
    });
    context.progress.start(2, "steps");
    let seed = run_seed(context.seed, 0);
    let epochs = epochs(quick);
    let network = train_network(config, (&x_train, &t_train), epochs, seed, context)?;
    context.progress.advance(1);
    let ensemble = evaluate(&network, (&x_test, &t_test), max_masks(quick), seed)?;
    context.progress.finish();
    let title = Message::new("figure.title.dropout-ensemble")
        .arg("ratio", RATIO)
        .arg("images", pair::TRAIN_SIZE)
        .arg("epochs", epochs)
        .arg("test", ensemble.images)
        .arg("seed", context.seed);
    let lines = chart_lines(&ensemble);
    let y_range = y_range(&ensemble);
    Ok(Outcome {
        csv: table(&ensemble),
        verdict: verdict(&ensemble),
        figure: Box::new(move |path, lang| {
            let (x_desc, y_desc) = (axis("log2_masks", lang), axis("test_accuracy", lang));
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                y_range: y_range.clone(),
                legend_low: true,
            };
            figures::line_chart(path, &title.render(lang), &axes, &lines)
        }),
    })
}

/// Classifies `x` the three ways with the trained `network`.
pub fn evaluate(
    network: &MultiLayerNetExtend<f32>,
    (x, labels): (&Matrix<f32>, &[usize]),
    masks: usize,
    seed: u64,
) -> Result<Ensemble> {
    let scaled_scores = network.predict(x);
    let scaled = accuracy(&scaled_scores, labels);
    let unscaled = accuracy(&without_dropout(network)?.predict(x), labels);
    let starts: Vec<usize> = (0..x.nrows()).step_by(CHUNK).collect();
    let chunks = starts
        .into_par_iter()
        .with_max_len(1)
        .map(|first| {
            let rows = CHUNK.min(x.nrows() - first);
            let chunk = x.rows(first, rows).into_owned();
            let chunk_seed = run_seed(seed, (first / CHUNK) as u64 + 1);
            monte_carlo_chunk(network, &chunk, masks, chunk_seed)
        })
        .collect::<Result<Vec<_>>>()?;
    let (correct, agree) = tally(&chunks, &scaled_scores, labels);
    let images = x.nrows().max(1) as f64;
    Ok(Ensemble {
        monte_carlo: correct
            .into_iter()
            .map(|(t, hits)| (t, hits as f64 / images))
            .collect(),
        scaled,
        unscaled,
        agreement: agree as f64 / images,
        images: x.nrows(),
    })
}

/// Per chunk: after each power-of-two number of masks, the class each image's averaged
/// softmax picks.
type ChunkPredictions = Vec<(usize, Vec<usize>)>;

/// The Monte-Carlo passes over one chunk, with mask streams of its own: a network from
/// `chunk_seed` given the trained network's weights.
fn monte_carlo_chunk(
    trained: &MultiLayerNetExtend<f32>,
    chunk: &Matrix<f32>,
    masks: usize,
    chunk_seed: u64,
) -> Result<ChunkPredictions> {
    let mut network = with_weights_of(trained, trained.config().clone(), chunk_seed)?;
    let mut sum = Matrix::<f32>::zeros(chunk.nrows(), NUM_CLASSES);
    let mut probabilities = Matrix::zeros(0, 0);
    let mut out = Vec::new();
    for t in 1..=masks {
        let scores = network.sequential().predict_sampled(chunk);
        softmax_rows(&scores, &mut probabilities);
        sum += &probabilities;
        if t.is_power_of_two() {
            out.push((t, argmax_rows(&sum)));
        }
    }
    Ok(out)
}

/// Correct images per T over all chunks, and how many images the largest T's average and the
/// scaled network classify alike.
fn tally(
    chunks: &[ChunkPredictions],
    scaled_scores: &Matrix<f32>,
    labels: &[usize],
) -> (Vec<(usize, usize)>, usize) {
    let scaled = argmax_rows(scaled_scores);
    let steps = chunks.first().map_or(0, Vec::len);
    let mut correct: Vec<(usize, usize)> = Vec::with_capacity(steps);
    let mut agree = 0;
    for step in 0..steps {
        let mut offset = 0;
        let mut hits = 0;
        for chunk in chunks {
            let (t, predicted) = &chunk[step];
            if correct.len() <= step {
                correct.push((*t, 0));
            }
            for (i, &class) in predicted.iter().enumerate() {
                hits += usize::from(class == labels[offset + i]);
                if step + 1 == steps {
                    agree += usize::from(class == scaled[offset + i]);
                }
            }
            offset += predicted.len();
        }
        correct[step].1 = hits;
    }
    (correct, agree)
}

/// The same weights with dropout removed: no masks and no scaling.
fn without_dropout(network: &MultiLayerNetExtend<f32>) -> Result<MultiLayerNetExtend<f32>> {
    let mut config = network.config().clone();
    config.dropout = None;
    with_weights_of(network, config, 0)
}

/// A network of `config` whose dropout masks come from `seed`'s streams, holding `source`'s
/// parameters (a clone would also copy `source`'s mask generators).
fn with_weights_of(
    source: &MultiLayerNetExtend<f32>,
    config: NetworkConfig,
    seed: u64,
) -> Result<MultiLayerNetExtend<f32>> {
    let mut network = MultiLayerNetExtend::<f32>::new(config, &mut random::seeded(seed))?;
    let mut source = source.clone();
    for (to, from) in network.params_mut().zip(source.params_mut()) {
        to.value.copy_from(from.value);
    }
    Ok(network)
}

/// The smallest T from which every average stays within one binomial standard error of the
/// largest T's accuracy: where the ensemble levels off.
pub fn levels_off(ensemble: &Ensemble) -> Option<(usize, f64)> {
    let &(_, last) = ensemble.monte_carlo.last()?;
    let error = (last * (1.0 - last) / ensemble.images.max(1) as f64).sqrt();
    let settled = ensemble
        .monte_carlo
        .iter()
        .rposition(|&(_, accuracy)| (accuracy - last).abs() > error)
        .map_or(0, |outside| outside + 1);
    ensemble.monte_carlo.get(settled).map(|&(t, _)| (t, error))
}

/// What the three ways show, without a threshold fixed in advance.
pub fn verdict(ensemble: &Ensemble) -> Message {
    let (Some(&(masks, last)), Some((level_t, error))) =
        (ensemble.monte_carlo.last(), levels_off(ensemble))
    else {
        return Message::new("experiments.dropout-sweep.verdict.none");
    };
    Message::new("experiments.dropout-ensemble.verdict")
        .arg("level_t", level_t)
        .arg("error", format!("{error:.3}"))
        .arg("masks", masks)
        .arg("mc", format!("{last:.4}"))
        .arg("scaled", format!("{:.4}", ensemble.scaled))
        .arg("difference", format!("{:+.4}", last - ensemble.scaled))
        .arg("unscaled", format!("{:.4}", ensemble.unscaled))
        .arg("agreement", format!("{:.1}", 100.0 * ensemble.agreement))
}

fn table(ensemble: &Ensemble) -> Table {
    let mut rows: Vec<Vec<String>> = ensemble
        .monte_carlo
        .iter()
        .map(|&(t, accuracy)| vec!["monte-carlo".into(), t.to_string(), accuracy.to_string()])
        .collect();
    rows.push(vec![
        "scaled".into(),
        String::new(),
        ensemble.scaled.to_string(),
    ]);
    rows.push(vec![
        "unscaled".into(),
        String::new(),
        ensemble.unscaled.to_string(),
    ]);
    Table {
        header: vec!["method", "masks", "test_acc"],
        rows,
    }
}

fn chart_lines(ensemble: &Ensemble) -> Vec<Line> {
    let x_max = ensemble
        .monte_carlo
        .last()
        .map_or(1.0, |&(t, _)| (t as f64).log2());
    let flat = |y: f64| vec![(0.0, y), (x_max, y)];
    vec![
        Line {
            label: "Monte-Carlo average of T masks".into(),
            points: ensemble
                .monte_carlo
                .iter()
                .map(|&(t, accuracy)| ((t as f64).log2(), accuracy))
                .collect(),
            color: figures::color(0),
        },
        Line {
            label: "(a) the book's ×(1 − ratio)".into(),
            points: flat(ensemble.scaled),
            color: figures::color(1),
        },
        Line {
            label: "(c) dropout off, no scaling".into(),
            points: flat(ensemble.unscaled),
            color: figures::color(2),
        },
    ]
}

fn y_range(ensemble: &Ensemble) -> std::ops::Range<f64> {
    let values = ensemble
        .monte_carlo
        .iter()
        .map(|p| p.1)
        .chain([ensemble.scaled, ensemble.unscaled]);
    let (low, high) = values.fold((1.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (low - 0.02).max(0.0)..(high + 0.02).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scratchnet_layers::{Affine, Dropout, Sequential};
    use scratchnet_tensor::random::{Purpose, stream};

    /// For dropout followed by one affine layer the Monte-Carlo mean of the logits is the
    /// scaled network's logits in expectation: the average of many masks comes close.
    #[test]
    fn the_mean_of_sampled_logits_approaches_the_scaled_logits() {
        let mut rng = random::seeded(11);
        let mut net: Sequential<f64> = Sequential::builder()
            .push(Affine::random(4, 6, 1.0, &mut rng))
            .push(Dropout::new(
                0.3,
                DropoutMode::Book,
                stream(&rng, Purpose::Dropout, 1),
            ))
            .push(Affine::random(6, 3, 1.0, &mut rng))
            .build()
            .unwrap();
        let x = Matrix::from_fn(2, 4, |i, j| (i as f64 - j as f64) / 3.0 + 0.5);
        let scaled = net.predict(&x);
        let distance = |samples: usize, net: &mut Sequential<f64>| {
            let mut sum = Matrix::<f64>::zeros(2, 3);
            for _ in 0..samples {
                sum += net.predict_sampled(&x);
            }
            (sum / samples as f64 - &scaled).abs().max()
        };
        let few = distance(10, &mut net);
        let many = distance(20_000, &mut net);
        assert!(many < 0.03, "after 20,000 masks the mean is {many} away");
        assert!(many < few, "{many} vs {few}");
    }

    #[test]
    fn it_levels_off_where_the_rest_stays_within_one_standard_error() {
        let ensemble = Ensemble {
            monte_carlo: vec![(1, 0.70), (2, 0.74), (4, 0.797), (8, 0.801), (16, 0.80)],
            scaled: 0.79,
            unscaled: 0.5,
            agreement: 0.97,
            images: 10_000,
        };
        // One standard error at 0.80 over 10,000 images: 0.004.
        assert_eq!(levels_off(&ensemble).map(|l| l.0), Some(4));
        let text = verdict(&ensemble).render(crate::messages::Lang::En);
        assert!(text.contains("levels off from T = 4"), "{text}");
        assert!(text.contains("97.0%"), "{text}");
    }
}

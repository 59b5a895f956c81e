//! The loop of the book's `optimizer_compare_mnist.py` and `weight_init_compare.py`: several
//! networks, each iteration one mini-batch of 128 drawn from the whole training set, the same
//! batch for every network; the training loss of every iteration is recorded.

use super::axis;
use super::{Outcome, Result, RunContext, run_seed, tail_mean};
use crate::figures::{self, Axes};
use crate::messages::Message;
use rayon::prelude::*;
use scratchnet_datasets::Split;
use scratchnet_layers::{BatchBuffer, Network};
use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{AnyOptimizer, Optimizer};
use scratchnet_tensor::random;
use scratchnet_trainer::LabeledData;

/// The book's mini-batch size in both scripts.
pub const BATCH_SIZE: usize = 128;
/// The book's hidden layers in both scripts: four of 100.
pub const HIDDEN: [usize; 4] = [100; 4];
/// The book's `smooth_curve` window length (it uses a Kaiser window; here a plain moving
/// average of the same length, centred, narrower at the ends).
pub const SMOOTH_WINDOW: usize = 11;
/// Seed index of the batch stream every contestant shares.
const BATCH_STREAM: u64 = u64::MAX;

/// One network of the race: its name, configuration and optimizer.
pub struct Contestant {
    pub name: String,
    pub config: NetworkConfig,
    pub optimizer: AnyOptimizer<f32>,
}

/// A contestant's losses, one per iteration.
pub struct LossCurve {
    pub name: String,
    pub losses: Vec<f64>,
}

impl LossCurve {
    /// The loss the run ends at: the mean of the last tenth of its iterations.
    pub fn final_loss(&self) -> f64 {
        tail_mean(&self.losses)
    }
}

/// Runs the race with a progress display and packs what both loss-curve figures report: the
/// curves as CSV, the smoothed chart (y from 0 to `y_max`) and the verdict on the final losses.
pub fn outcome(
    train: &Split,
    contestants: Vec<Contestant>,
    iterations: usize,
    context: &RunContext<'_>,
    title: Message,
    y_max: f64,
    verdict: fn(&[(String, f64)]) -> crate::messages::Message,
) -> Result<Outcome> {
    context
        .progress
        .start((contestants.len() * iterations) as u64, "iterations");
    let curves = race(train, contestants, iterations, context)?;
    context.progress.finish();
    let lines = chart_lines(&curves);
    Ok(Outcome {
        csv: table(&curves),
        verdict: verdict(&finals(&curves)),
        figure: Box::new(move |path, lang| {
            let (x_desc, y_desc) = (axis("iterations", lang), axis("loss", lang));
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                y_range: 0.0..y_max,
                legend_low: false,
            };
            figures::line_chart(path, &title.render(lang), &axes, &lines)
        }),
    })
}

/// Each curve's name and final loss.
pub fn finals(curves: &[LossCurve]) -> Vec<(String, f64)> {
    curves
        .iter()
        .map(|curve| (curve.name.clone(), curve.final_loss()))
        .collect()
}

/// Trains every contestant for `iterations` steps on the same batches, contestants in
/// parallel. Contestant `i` draws its weights from `run_seed(seed, i)`; the batches come from
/// one stream every contestant replays, so the order of scheduling changes nothing.
pub fn race(
    train: &Split,
    contestants: Vec<Contestant>,
    iterations: usize,
    context: &RunContext<'_>,
) -> Result<Vec<LossCurve>> {
    let images = train.byte_rows::<f32>(train.len());
    let labels = train.labels(train.len());
    contestants
        .into_par_iter()
        .enumerate()
        .map(|(index, contestant)| {
            let data = LabeledData::new(&images, &labels)?;
            run_one(data, contestant, iterations, index as u64, context)
        })
        .collect()
}

/// Steps between checks for a stop request (and progress reports).
const CHECK_EVERY: usize = 10;

fn run_one(
    data: LabeledData<'_, f32>,
    contestant: Contestant,
    iterations: usize,
    index: u64,
    context: &RunContext<'_>,
) -> Result<LossCurve> {
    let Contestant {
        name,
        config,
        mut optimizer,
    } = contestant;
    let seed = context.seed;
    let mut network =
        MultiLayerNetExtend::<f32>::new(config, &mut random::seeded(run_seed(seed, index)))?;
    let mut batches = random::seeded(run_seed(seed, BATCH_STREAM));
    let mut indices = Vec::with_capacity(BATCH_SIZE);
    let mut x_batch = BatchBuffer::default();
    let mut t_batch = Vec::with_capacity(BATCH_SIZE);
    let mut losses = Vec::with_capacity(iterations);
    for iteration in 0..iterations {
        random::choice_with_replacement(data.len(), BATCH_SIZE, &mut batches, &mut indices);
        x_batch.gather(data.x, &indices, network.takes_sparse_batches());
        t_batch.clear();
        t_batch.extend(indices.iter().map(|&index| data.labels[index]));
        // The training-mode loss of the batch, computed by the forward pass of the gradient
        // (the book calls `network.loss(x_batch, t_batch)` after the update instead).
        let loss = Network::gradient(&mut network, x_batch.batch(), &t_batch);
        optimizer.update(&mut network.params_mut());
        losses.push(f64::from(loss));
        if (iteration + 1) % CHECK_EVERY == 0 {
            context.progress.advance(CHECK_EVERY as u64);
            context.check_stop()?;
        }
    }
    context.progress.advance((iterations % CHECK_EVERY) as u64);
    Ok(LossCurve { name, losses })
}

/// The book's `smooth_curve` in spirit: a centred moving average over [`SMOOTH_WINDOW`]
/// values (fewer at the ends), so the curve keeps its length.
pub fn smooth(values: &[f64]) -> Vec<f64> {
    let half = SMOOTH_WINDOW / 2;
    (0..values.len())
        .map(|i| {
            let window = &values[i.saturating_sub(half)..(i + half + 1).min(values.len())];
            window.iter().sum::<f64>() / window.len() as f64
        })
        .collect()
}

/// The CSV of a race: `series,iteration,loss,smoothed_loss`, iterations from 1.
pub fn table(curves: &[LossCurve]) -> super::Table {
    let rows = curves
        .iter()
        .flat_map(|curve| {
            curve
                .losses
                .iter()
                .zip(smooth(&curve.losses))
                .enumerate()
                .map(|(i, (loss, smoothed))| {
                    vec![
                        curve.name.clone(),
                        (i + 1).to_string(),
                        loss.to_string(),
                        smoothed.to_string(),
                    ]
                })
        })
        .collect();
    super::Table {
        header: vec!["series", "iteration", "loss", "smoothed_loss"],
        rows,
    }
}

/// The smoothed curves as chart lines, in the palette's order.
pub fn chart_lines(curves: &[LossCurve]) -> Vec<crate::figures::Line> {
    curves
        .iter()
        .enumerate()
        .map(|(index, curve)| crate::figures::Line {
            label: curve.name.clone(),
            points: smooth(&curve.losses)
                .into_iter()
                .enumerate()
                .map(|(i, loss)| ((i + 1) as f64, loss))
                .collect(),
            color: crate::figures::color(index),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_keeps_length_and_flattens_noise() {
        let noisy: Vec<f64> = (0..100)
            .map(|i| if i % 2 == 0 { 1.0 } else { 3.0 })
            .collect();
        let smoothed = smooth(&noisy);
        assert_eq!(smoothed.len(), 100);
        assert!(smoothed[10..90].iter().all(|v| (v - 2.0).abs() < 0.2));
        assert_eq!(smooth(&[5.0]), vec![5.0]);
    }
}

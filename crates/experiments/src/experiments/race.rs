//! The loop of the book's `optimizer_compare_mnist.py` and `weight_init_compare.py`: several
//! networks, each iteration one mini-batch of 128 drawn from the whole training set, the same
//! batch for every network; the training loss of every iteration is recorded.

use super::axis;
use super::{Outcome, Result, RunContext, run_seed, tail_mean};
use crate::figures::{self, Axes};
use crate::messages::Message;
use scratchnet_datasets::Split;
use scratchnet_layers::{BatchBuffer, Network};
use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{AnyOptimizer, Optimizer};
use scratchnet_tensor::random;
use scratchnet_trainer::LabeledData;
use std::sync::{Mutex, PoisonError};

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
///
/// Contestants take turns of [`TURN`] iterations on the pool, first come first served: with
/// more contestants than cores (three initialisations on two) every run advances in turn
/// instead of the last one running alone once the others are done. A run's arithmetic does not
/// depend on the thread its turn runs on, so neither do the results.
pub fn race(
    train: &Split,
    contestants: Vec<Contestant>,
    iterations: usize,
    context: &RunContext<'_>,
) -> Result<Vec<LossCurve>> {
    let images = train.byte_rows::<f32>(train.len());
    let labels = train.labels(train.len());
    let data = LabeledData::new(&images, &labels)?;
    let runners = contestants
        .into_iter()
        .enumerate()
        .map(|(index, contestant)| Runner::new(contestant, index as u64, data, iterations, context))
        .collect::<Result<Vec<_>>>()?;
    let slots: Vec<Slot<'_>> = runners.iter().map(|_| Mutex::new(None)).collect();
    rayon::scope_fifo(|scope| {
        for (runner, slot) in runners.into_iter().zip(&slots) {
            take_turn(scope, runner, slot, context);
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            let finished = slot.into_inner().unwrap_or_else(PoisonError::into_inner);
            let runner = finished.expect("every turn ends in its slot or another turn")?;
            Ok(LossCurve {
                name: runner.name,
                losses: runner.losses,
            })
        })
        .collect()
}

/// Iterations a contestant runs before it goes back in line.
const TURN: usize = 100;
/// Steps between checks for a stop request (and progress reports).
const CHECK_EVERY: usize = 10;

/// Where a contestant ends: finished, or the reason it stopped.
type Slot<'d> = Mutex<Option<Result<Runner<'d>>>>;

/// Queues the next turn of `runner` behind the turns already waiting; its last turn (or an
/// error) leaves it in `slot`.
fn take_turn<'s, 'd: 's>(
    scope: &rayon::ScopeFifo<'s>,
    mut runner: Runner<'d>,
    slot: &'s Slot<'d>,
    context: &'s RunContext<'s>,
) {
    scope.spawn_fifo(move |scope| match runner.advance(TURN, context) {
        Ok(()) if !runner.is_done() => take_turn(scope, runner, slot, context),
        outcome => {
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome.map(|()| runner));
        }
    });
}

/// One contestant part-way through the race: its network, optimizer, batch stream and losses.
struct Runner<'d> {
    name: String,
    network: MultiLayerNetExtend<f32>,
    optimizer: AnyOptimizer<f32>,
    data: LabeledData<'d, f32>,
    iterations: usize,
    batches: random::Rng,
    indices: Vec<usize>,
    /// The next step's batch, drawn one step ahead (the same draws in the same order) so its
    /// rows can be prefetched while this step computes.
    next: Vec<usize>,
    x_batch: BatchBuffer<f32>,
    t_batch: Vec<usize>,
    losses: Vec<f64>,
}

impl<'d> Runner<'d> {
    fn new(
        contestant: Contestant,
        index: u64,
        data: LabeledData<'d, f32>,
        iterations: usize,
        context: &RunContext<'_>,
    ) -> Result<Self> {
        let Contestant {
            name,
            config,
            optimizer,
        } = contestant;
        let seed = context.seed;
        let network =
            MultiLayerNetExtend::<f32>::new(config, &mut random::seeded(run_seed(seed, index)))?;
        let mut batches = random::seeded(run_seed(seed, BATCH_STREAM));
        let mut next = Vec::with_capacity(BATCH_SIZE);
        random::choice_with_replacement(data.len(), BATCH_SIZE, &mut batches, &mut next);
        Ok(Self {
            name,
            network,
            optimizer,
            data,
            iterations,
            batches,
            indices: Vec::with_capacity(BATCH_SIZE),
            next,
            x_batch: BatchBuffer::default(),
            t_batch: Vec::with_capacity(BATCH_SIZE),
            losses: Vec::with_capacity(iterations),
        })
    }

    fn is_done(&self) -> bool {
        self.losses.len() >= self.iterations
    }

    /// Runs up to `count` more iterations (fewer at the end of the race).
    fn advance(&mut self, count: usize, context: &RunContext<'_>) -> Result<()> {
        let until = (self.losses.len() + count).min(self.iterations);
        while self.losses.len() < until {
            self.step();
            if self.losses.len().is_multiple_of(CHECK_EVERY) {
                context.progress.advance(CHECK_EVERY as u64);
                context.check_stop()?;
            }
        }
        if self.is_done() {
            context
                .progress
                .advance((self.iterations % CHECK_EVERY) as u64);
        }
        Ok(())
    }

    /// One iteration: the batch, the gradient and the update; records the batch's loss.
    fn step(&mut self) {
        let data = self.data;
        std::mem::swap(&mut self.indices, &mut self.next);
        if self.losses.len() + 1 < self.iterations {
            random::choice_with_replacement(
                data.len(),
                BATCH_SIZE,
                &mut self.batches,
                &mut self.next,
            );
            data.x.prefetch_rows(&self.next);
        }
        self.x_batch
            .gather(data.x, &self.indices, self.network.takes_sparse_batches());
        self.t_batch.clear();
        self.t_batch
            .extend(self.indices.iter().map(|&index| data.labels[index]));
        // The training-mode loss of the batch, computed by the forward pass of the gradient
        // (the book calls `network.loss(x_batch, t_batch)` after the update instead).
        let loss = Network::gradient(&mut self.network, self.x_batch.batch(), &self.t_batch);
        self.optimizer.update(&mut self.network.params_mut());
        self.losses.push(f64::from(loss));
    }
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
    use crate::experiments::ExperimentError;
    use scratchnet_optim::by_name;
    use std::sync::atomic::AtomicBool;

    /// 120 4×4 images: class `c` lights pixel `c`.
    fn tiny_split() -> Split {
        let labels: Vec<u8> = (0..120).map(|i| (i % 10) as u8).collect();
        let images = labels
            .iter()
            .flat_map(|&label| (0..16).map(move |pixel| if pixel == label { 255 } else { 0 }))
            .collect();
        Split::from_raw(images, labels, 4, 4).unwrap()
    }

    fn contestants() -> Vec<Contestant> {
        (0..3)
            .map(|index| Contestant {
                name: format!("run {index}"),
                config: NetworkConfig::new(16, vec![8], 10),
                optimizer: by_name("sgd", Some(0.1)).unwrap(),
            })
            .collect()
    }

    fn race_on(threads: usize, iterations: usize, stop: bool) -> Result<Vec<LossCurve>> {
        let stop = AtomicBool::new(stop);
        let context = RunContext {
            seed: 3,
            quick: true,
            progress: &(),
            stop: &stop,
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| race(&tiny_split(), contestants(), iterations, &context))
    }

    #[test]
    fn turns_give_the_same_losses_on_any_number_of_threads() {
        let iterations = 2 * TURN + 7;
        let one = race_on(1, iterations, false).unwrap();
        let three = race_on(3, iterations, false).unwrap();
        assert_eq!(one.len(), 3);
        for (alone, shared) in one.iter().zip(&three) {
            assert_eq!(alone.name, shared.name);
            assert_eq!(alone.losses.len(), iterations);
            assert_eq!(alone.losses, shared.losses);
        }
        assert_ne!(one[0].losses, one[1].losses, "each run has its own weights");
    }

    #[test]
    fn a_stop_request_ends_the_race_without_curves() {
        let stopped = race_on(2, 2 * TURN, true);
        assert!(matches!(stopped, Err(ExperimentError::Interrupted)));
    }

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

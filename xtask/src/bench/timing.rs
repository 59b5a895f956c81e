//! Timing in-process work: repeated blocks of calls, their median and best, so one slow block
//! (another process on the core) does not decide the figure.

use std::time::{Duration, Instant};

/// How often to call the timed work: `warmup` untimed calls, then `blocks` blocks of `reps`.
#[derive(Clone, Copy, Debug)]
pub struct Repetitions {
    pub warmup: usize,
    pub blocks: usize,
    pub reps: usize,
}

/// Time per call: the median and the best of the blocks.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub median: Duration,
    pub best: Duration,
    pub repetitions: Repetitions,
}

impl Timing {
    /// `flops` per call at the median time, in GFLOP/s.
    pub fn gflops(&self, flops: f64) -> f64 {
        flops / self.median.as_secs_f64().max(1e-12) / 1e9
    }

    /// The median time per call in milliseconds.
    pub fn median_ms(&self) -> f64 {
        self.median.as_secs_f64() * 1e3
    }
}

/// Calls `work` as `repetitions` says and returns the time per call.
pub fn time_blocks(repetitions: Repetitions, mut work: impl FnMut()) -> Timing {
    for _ in 0..repetitions.warmup {
        work();
    }
    let reps = repetitions.reps.max(1);
    let per_call: Vec<Duration> = (0..repetitions.blocks.max(1))
        .map(|_| {
            let started = Instant::now();
            for _ in 0..reps {
                work();
            }
            started.elapsed() / u32::try_from(reps).unwrap_or(u32::MAX)
        })
        .collect();
    let per_call = sorted(per_call);
    Timing {
        median: median(&per_call),
        best: per_call.first().copied().unwrap_or_default(),
        repetitions,
    }
}

/// Times `blocks` blocks of about `block` each: one untimed call measures the work, which sets
/// the calls per block (at least one). For work whose cost ranges over orders of magnitude.
pub fn time_for(block: Duration, blocks: usize, mut work: impl FnMut()) -> Timing {
    let started = Instant::now();
    work();
    let once = started.elapsed();
    let reps = calls_per_block(block, once);
    let repetitions = Repetitions {
        warmup: 0,
        blocks,
        reps,
    };
    time_blocks(repetitions, work)
}

/// Calls of `once` each that fill `block` (at least one, at most a million).
pub fn calls_per_block(block: Duration, once: Duration) -> usize {
    let calls = block.as_nanos().div_ceil(once.as_nanos().max(1));
    usize::try_from(calls)
        .unwrap_or(usize::MAX)
        .clamp(1, 1_000_000)
}

/// The values in ascending order.
pub fn sorted(mut durations: Vec<Duration>) -> Vec<Duration> {
    durations.sort();
    durations
}

/// The median of sorted durations (the mean of the middle two for an even count; zero for
/// none).
pub fn median(sorted: &[Duration]) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_no_counts() {
        let d = Duration::from_secs;
        assert_eq!(median(&[d(1), d(2), d(9)]), d(2));
        assert_eq!(median(&[d(1), d(3)]), d(2));
        assert_eq!(median(&[]), Duration::ZERO);
        assert_eq!(median(&sorted(vec![d(9), d(1), d(2)])), d(2));
    }

    #[test]
    fn blocks_call_the_work_warmup_plus_blocks_times_reps() {
        let mut calls = 0;
        let repetitions = Repetitions {
            warmup: 2,
            blocks: 3,
            reps: 4,
        };
        let timing = time_blocks(repetitions, || calls += 1);
        assert_eq!(calls, 2 + 3 * 4);
        assert!(timing.best <= timing.median);
    }

    #[test]
    fn calls_per_block_fill_the_block() {
        let ms = Duration::from_millis;
        assert_eq!(calls_per_block(ms(200), ms(10)), 20);
        assert_eq!(calls_per_block(ms(200), ms(30)), 7);
        assert_eq!(calls_per_block(ms(200), ms(900)), 1);
        assert_eq!(calls_per_block(ms(200), Duration::ZERO), 1_000_000);
    }

    #[test]
    fn gflops_at_the_median() {
        let timing = Timing {
            median: Duration::from_millis(2),
            best: Duration::from_millis(1),
            repetitions: Repetitions {
                warmup: 0,
                blocks: 1,
                reps: 1,
            },
        };
        assert!((timing.gflops(1e9) - 500.0).abs() < 1e-9);
        assert!((timing.median_ms() - 2.0).abs() < 1e-12);
    }
}

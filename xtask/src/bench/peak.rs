//! The machine's measured peak f32 throughput: a short register-only loop of fused
//! multiply-adds at the widest vector width the CPU has, on one thread and on several at once,
//! so the "of peak" column fits whatever processor the benchmark runs on.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Independent accumulators per thread: enough to cover the FMA latency (4–5 cycles) on two
/// FMA units, so the loop is bound by throughput.
const CHAINS: usize = 16;
/// Loop iterations per timed run (each: `CHAINS` vector FMAs).
const ITERATIONS: u64 = 1 << 22;
/// Timed runs; the fastest counts (the least disturbed by other work).
const RUNS: usize = 5;

/// The measured peak GFLOP/s on one thread and on `threads` threads at once.
#[derive(Clone, Copy, Debug)]
pub struct Peak {
    pub one_core: f64,
    pub all_threads: f64,
    pub threads: usize,
    /// Lanes of the vectors used (16 for AVX-512, 8 for AVX2, 1 without either).
    pub lanes: usize,
}

impl Peak {
    /// Measures both peaks (a fraction of a second).
    pub fn measure(threads: usize) -> Self {
        let threads = threads.max(1);
        let lanes = lanes();
        let one_core = gflops(1, lanes);
        let all_threads = if threads == 1 {
            one_core
        } else {
            gflops(threads, lanes)
        };
        Self {
            one_core,
            all_threads,
            threads,
            lanes,
        }
    }
}

/// The vector width the loop will use.
fn lanes() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return 16;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return 8;
        }
    }
    1
}

/// GFLOP/s of `threads` threads each running the loop at once: the best of [`RUNS`].
fn gflops(threads: usize, lanes: usize) -> f64 {
    let flops = 2.0 * (CHAINS as u64 * ITERATIONS * lanes as u64 * threads as u64) as f64;
    let best = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(|| fma_loop(lanes));
                }
            });
            start.elapsed()
        })
        .min()
        .unwrap_or(Duration::MAX);
    flops / best.as_secs_f64().max(1e-9) / 1e9
}

/// Runs the loop at `lanes` wide.
fn fma_loop(lanes: usize) {
    #[cfg(target_arch = "x86_64")]
    match lanes {
        // SAFETY (both): `lanes` comes from `lanes()`, which checked the CPU's features.
        16 => return unsafe { x86::avx512() },
        8 => return unsafe { x86::avx2() },
        _ => {}
    }
    let _ = lanes;
    let mut sums = [1.0_f32; CHAINS];
    let (a, b) = (black_box(0.999_999_f32), black_box(1e-7_f32));
    for _ in 0..ITERATIONS {
        for sum in &mut sums {
            *sum = sum.mul_add(a, b);
        }
    }
    black_box(sums);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{CHAINS, ITERATIONS};
    use std::arch::x86_64::{
        __m256, __m512, _mm256_fmadd_ps, _mm256_set1_ps, _mm512_fmadd_ps, _mm512_set1_ps,
    };
    use std::hint::black_box;

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn avx512() {
        let a = _mm512_set1_ps(black_box(0.999_999));
        let b = _mm512_set1_ps(black_box(1e-7));
        let mut sums: [__m512; CHAINS] = [_mm512_set1_ps(1.0); CHAINS];
        for _ in 0..ITERATIONS {
            for sum in &mut sums {
                *sum = _mm512_fmadd_ps(*sum, a, b);
            }
        }
        black_box(sums);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn avx2() {
        let a = _mm256_set1_ps(black_box(0.999_999));
        let b = _mm256_set1_ps(black_box(1e-7));
        let mut sums: [__m256; CHAINS] = [_mm256_set1_ps(1.0); CHAINS];
        for _ in 0..ITERATIONS {
            for sum in &mut sums {
                *sum = _mm256_fmadd_ps(*sum, a, b);
            }
        }
        black_box(sums);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_measured_and_more_threads_do_not_lose_it_all() {
        let peak = Peak::measure(2);
        assert!(peak.one_core > 0.0 && peak.one_core.is_finite(), "{peak:?}");
        assert!(
            peak.all_threads > 0.0 && peak.all_threads.is_finite(),
            "{peak:?}"
        );
        assert!([1, 8, 16].contains(&peak.lanes));
        assert_eq!(peak.threads, 2);
    }
}

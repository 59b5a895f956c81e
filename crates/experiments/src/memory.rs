//! Whether a run's network fits in this machine's memory, checked before anything is allocated:
//! a typo such as `--hidden 100000000` should be a message, not an allocation failure.

use crate::RunConfig;
use crate::config::{IMAGE_PIXELS, TRAIN_IMAGES};
use crate::messages::Message;
use scratchnet_datasets::NUM_CLASSES;
use scratchnet_layers::INFERENCE_CHUNK_ROWS;

/// Bytes a run of `config` needs, roughly: every weight several times over (value, gradient,
/// optimizer state, the evaluation snapshot, the first layer's sparse layout), the activations
/// of a training batch and of two inference chunks, and the data.
pub fn estimate_bytes(config: &RunConfig) -> u64 {
    let scalar = 4_u64; // f32
    let sizes: Vec<u64> = std::iter::once(IMAGE_PIXELS)
        .chain(config.hidden.iter().copied())
        .chain([NUM_CLASSES])
        .map(|size| size as u64)
        .collect();
    let weights = sizes.windows(2).fold(0_u64, |sum, pair| {
        sum.saturating_add(pair[0].saturating_mul(pair[1].saturating_add(1)))
    });
    let weight_copies = 4 + config.optimizer.state_buffers() as u64;
    let units: u64 = sizes.iter().fold(0, |sum, &size| sum.saturating_add(size));
    // Training: about eight buffers per unit and sample (outputs, masks, caches, gradients).
    let training = (config.batch_size as u64)
        .saturating_mul(units)
        .saturating_mul(8);
    let inference = units.saturating_mul(2 * INFERENCE_CHUNK_ROWS as u64);
    let data = (config.train_size.min(TRAIN_IMAGES) as u64 + 10_000) * IMAGE_PIXELS as u64;
    weights
        .saturating_mul(weight_copies)
        .saturating_add(training)
        .saturating_add(inference)
        .saturating_mul(scalar)
        .saturating_add(data)
}

/// `Ok` if the run fits in this machine's physical memory (or the memory cannot be read);
/// otherwise the message "the network would need N GB; this machine has M GB".
pub fn check_fits(config: &RunConfig) -> Result<(), Message> {
    let needed = estimate_bytes(config);
    match physical_memory_bytes() {
        Some(available) if needed > available => Err(Message::new("option.hidden.memory")
            .arg("needed", gigabytes(needed))
            .arg("available", gigabytes(available))),
        _ => Ok(()),
    }
}

fn gigabytes(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

/// Total physical memory, from `/proc/meminfo` (Linux); `None` elsewhere.
pub fn physical_memory_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_experiment_needs_a_few_megabytes() {
        let needed = estimate_bytes(&RunConfig::default());
        assert!((1_000_000..100_000_000).contains(&needed), "{needed}");
        assert!(check_fits(&RunConfig::default()).is_ok());
    }

    #[test]
    fn a_hundred_million_units_do_not_fit() {
        let huge = RunConfig {
            hidden: vec![100_000_000],
            ..RunConfig::default()
        };
        // 784 × 10⁸ weights × 4 copies × 4 bytes ≈ 1.25 TB.
        assert!(estimate_bytes(&huge) > 1_000_000_000_000);
        if physical_memory_bytes().is_some() {
            let message = check_fits(&huge).unwrap_err().to_string();
            assert!(message.starts_with("the network would need 1"), "{message}");
            assert!(message.contains("; this machine has "), "{message}");
        }
        let absurd = RunConfig {
            hidden: vec![usize::MAX; 3],
            ..RunConfig::default()
        };
        assert_eq!(estimate_bytes(&absurd), u64::MAX);
    }
}

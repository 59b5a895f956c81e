//! The machine a benchmark runs on: its CPU and how busy it is (its measured peak throughput is
//! in [`super::peak`]).

/// What a report says about the CPU.
pub struct Machine {
    pub cpu_model: String,
    pub cpus: usize,
    pub avx512: bool,
}

impl Machine {
    pub fn probe() -> Self {
        Self {
            cpu_model: cpu_model().unwrap_or_else(|| "unknown CPU".into()),
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            avx512: has_avx512(),
        }
    }

    /// One line: model, CPUs available to this process, AVX-512.
    pub fn describe(&self) -> String {
        format!(
            "{}, {} logical CPUs available, AVX-512 {}",
            self.cpu_model,
            self.cpus,
            if self.avx512 { "yes" } else { "no" }
        )
    }
}

/// The `model name` of /proc/cpuinfo (Linux).
#[cfg(unix)]
fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_string())
    })
}

#[cfg(not(unix))]
fn cpu_model() -> Option<String> {
    None
}

#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx512() -> bool {
    false
}

/// The 1-, 5- and 15-minute load averages, e.g. `0.12 0.30 0.41`, or `unknown`.
#[cfg(unix)]
pub fn load_average() -> String {
    let mut loads = [0.0_f64; 3];
    // SAFETY: `loads` is a writable array of 3 doubles, the count passed.
    let filled = unsafe { libc::getloadavg(loads.as_mut_ptr(), 3) };
    match usize::try_from(filled) {
        Ok(count) if count > 0 => loads[..count.min(3)]
            .iter()
            .map(|load| format!("{load:.2}"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => "unknown".into(),
    }
}

#[cfg(not(unix))]
pub fn load_average() -> String {
    "unknown".into()
}

/// A warning for the report when the 1-minute load in `load` says other work shared the CPUs.
pub fn busy_note(load: &str, cpus: usize) -> String {
    let one_minute: f64 = load
        .split_whitespace()
        .next()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0);
    if one_minute > 0.5 {
        format!(
            "  — WARNING: the machine was busy (1-min load {one_minute:.2} on {cpus} CPUs); \
             timings are noisy"
        )
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_machine_is_flagged() {
        assert_eq!(busy_note("0.10 0.50 0.70", 2), "");
        assert!(busy_note("1.48 1.77 1.63", 2).contains("1-min load 1.48 on 2 CPUs"));
        assert_eq!(busy_note("unknown", 2), "");
    }

    #[test]
    fn the_load_average_is_numbers_or_unknown() {
        let load = load_average();
        assert!(
            load == "unknown" || load.split(' ').all(|value| value.parse::<f64>().is_ok()),
            "{load}"
        );
    }
}

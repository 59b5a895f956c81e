//! Means and 95% Student-t intervals: how experiments over many seeds say whether a difference
//! is more than the noise between seeds.

/// A mean with its 95% Student-t interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The mean.
    pub mean: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

impl Interval {
    /// The 95% t-interval of the mean of `values` (n − 1 degrees of freedom): unbounded for
    /// fewer than two values, `NaN` for none.
    pub fn of_mean(values: &[f64]) -> Self {
        let n = values.len();
        let mean = mean(values);
        if n < 2 {
            return Self {
                mean,
                low: f64::NEG_INFINITY,
                high: f64::INFINITY,
            };
        }
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = t_975(n - 1) * (variance / n as f64).sqrt();
        Self {
            mean,
            low: mean - half,
            high: mean + half,
        }
    }

    /// The 95% t-interval of the paired differences `a[i] − b[i]` (the same seed on both
    /// sides, so what the seeds share cancels).
    pub fn paired(a: &[f64], b: &[f64]) -> Self {
        let differences: Vec<f64> = a.iter().zip(b).map(|(a, b)| a - b).collect();
        Self::of_mean(&differences)
    }

    /// Whether the two intervals share a point.
    pub fn overlaps(&self, other: &Self) -> bool {
        self.low <= other.high && other.low <= self.high
    }

    /// `low…high` with signs and three decimals, e.g. `+0.012…+0.034`.
    pub fn range_text(&self) -> String {
        format!("{:+.3}…{:+.3}", self.low, self.high)
    }
}

/// The arithmetic mean; `NaN` for no values.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Two-sided 95% quantiles of Student's t for 1 … 30 degrees of freedom.
const T_975: [f64; 30] = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
    2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
    2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom: the table up to 30, the
/// Cornish–Fisher expansion around the normal quantile beyond (error below 1e-4).
pub fn t_975(df: usize) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if let Some(&t) = T_975.get(df - 1) {
        return t;
    }
    let z: f64 = 1.959_963_985;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * v.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_interval_of_known_numbers() {
        // Differences 1, 2, 3, 4, 5: mean 3, sd √2.5, t(4) = 2.7764.
        let a = [1.5, 2.5, 3.5, 4.5, 5.5];
        let b = [0.5, 0.5, 0.5, 0.5, 0.5];
        let interval = Interval::paired(&a, &b);
        let half = 2.7764 * (2.5f64 / 5.0).sqrt();
        assert!((interval.mean - 3.0).abs() < 1e-12);
        assert!((interval.low - (3.0 - half)).abs() < 1e-12);
        assert!((interval.high - (3.0 + half)).abs() < 1e-12);
        assert_eq!(interval.range_text(), "+1.037…+4.963");
    }

    #[test]
    fn pairing_removes_what_the_seeds_share() {
        // Each seed shifts both sides alike: unpaired, the difference drowns; paired, it is sure.
        let base = [0.70, 0.80, 0.75, 0.85, 0.78];
        let better: Vec<f64> = base.iter().map(|v| v + 0.01).collect();
        let paired = Interval::paired(&better, &base);
        assert!(paired.low > 0.0, "{paired:?}");
        assert!(Interval::of_mean(&better).overlaps(&Interval::of_mean(&base)));
    }

    #[test]
    fn quantiles_follow_the_table_and_the_expansion() {
        assert_eq!(t_975(19), 2.0930);
        assert!((t_975(40) - 2.0211).abs() < 1e-3, "{}", t_975(40));
        assert!((t_975(1000) - 1.9623).abs() < 1e-3);
        assert!(Interval::of_mean(&[0.5]).overlaps(&Interval::of_mean(&[9.0, 9.0])));
    }
}

//! Fig. 6-8: SGD, Momentum, AdaGrad and Adam walking f(x, y) = x²/20 + y² from (−7, 2) — the
//! book's `ch06/optimizer_compare_naive.py`, with the real `scratchnet-optim` optimizers.

use super::{Outcome, Result, RunContext, Table};
use crate::figures::{self, ContourPanel, Line};
use crate::messages::{ListStyle, Message};
use scratchnet_optim::{AnyOptimizer, Optimizer, by_name};
use scratchnet_tensor::{Matrix, Param};

/// Updates per optimizer, the book's 30 (also with `--quick`: they take microseconds).
pub const STEPS: usize = 30;
/// The book's starting point.
pub const START: (f64, f64) = (-7.0, 2.0);
/// The book's optimizers and learning rates, by display name and registry name.
pub const OPTIMIZERS: [(&str, &str, f64); 4] = [
    ("SGD", "sgd", 0.95),
    ("Momentum", "momentum", 0.1),
    ("AdaGrad", "adagrad", 1.5),
    ("Adam", "adam", 0.3),
];
/// Levels of the contour lines drawn under the paths.
const LEVELS: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0];

/// The book's function.
pub fn f(x: f64, y: f64) -> f64 {
    x * x / 20.0 + y * y
}

/// Its gradient (∂f/∂x, ∂f/∂y) = (x / 10, 2y).
pub fn gradient(x: f64, y: f64) -> (f64, f64) {
    (x / 10.0, 2.0 * y)
}

/// One optimizer's path: the start and the point after each update.
pub struct Path {
    pub name: &'static str,
    pub points: Vec<(f64, f64)>,
}

impl Path {
    /// Distance of the last point from the minimum (0, 0).
    pub fn final_distance(&self) -> f64 {
        self.points.last().map_or(f64::NAN, |&(x, y)| x.hypot(y))
    }

    /// How often the y-step changes sign: the zig-zag across the valley.
    pub fn zigzags(&self) -> usize {
        let steps: Vec<f64> = self.points.windows(2).map(|p| p[1].1 - p[0].1).collect();
        steps
            .windows(2)
            .filter(|pair| pair[0] * pair[1] < 0.0)
            .count()
    }
}

/// `steps` updates of `optimizer` from `start`: parameters `x` and `y`, gradients from f.
pub fn walk(optimizer: &mut AnyOptimizer<f64>, start: (f64, f64), steps: usize) -> Vec<(f64, f64)> {
    let mut x = Matrix::from_element(1, 1, start.0);
    let mut y = Matrix::from_element(1, 1, start.1);
    let mut points = vec![start];
    for _ in 0..steps {
        let (gx, gy) = gradient(x[(0, 0)], y[(0, 0)]);
        let (gx, gy) = (
            Matrix::from_element(1, 1, gx),
            Matrix::from_element(1, 1, gy),
        );
        let params = [
            Param {
                name: "x",
                value: &mut x,
                grad: &gx,
            },
            Param {
                name: "y",
                value: &mut y,
                grad: &gy,
            },
        ];
        optimizer.update(&mut params.into_iter());
        points.push((x[(0, 0)], y[(0, 0)]));
    }
    points
}

/// The four paths.
pub fn paths() -> Result<Vec<Path>> {
    OPTIMIZERS
        .iter()
        .map(|&(name, key, learning_rate)| {
            let mut optimizer = by_name::<f64>(key, Some(learning_rate))?;
            Ok(Path {
                name,
                points: walk(&mut optimizer, START, STEPS),
            })
        })
        .collect()
}

pub fn run(context: &RunContext<'_>) -> Result<Outcome> {
    context.progress.start(OPTIMIZERS.len() as u64, "runs");
    let paths = paths()?;
    context.progress.advance(OPTIMIZERS.len() as u64);
    let rows = paths
        .iter()
        .flat_map(|path| {
            path.points.iter().enumerate().map(|(step, &(x, y))| {
                vec![
                    path.name.to_string(),
                    step.to_string(),
                    format!("{x}"),
                    format!("{y}"),
                    format!("{}", f(x, y)),
                ]
            })
        })
        .collect();
    let verdict = verdict(&paths);
    let panels: Vec<ContourPanel> = paths
        .iter()
        .map(|path| ContourPanel {
            title: path.name.to_string(),
            path: Line {
                label: path.name.to_string(),
                points: path.points.clone(),
                color: figures::color(3),
            },
        })
        .collect();
    let contours = contour_lines();
    let title = Message::new("figure.title.optimizer-paths").arg("steps", STEPS);
    Ok(Outcome {
        csv: Table {
            header: vec!["series", "step", "x", "y", "f"],
            rows,
        },
        figure: Box::new(move |path, lang| {
            figures::contour_grid(path, &title.render(lang), &contours, &panels)
        }),
        verdict,
    })
}

/// The level sets f = c: ellipses with half-axes √(20c) and √c.
fn contour_lines() -> Vec<Vec<(f64, f64)>> {
    LEVELS
        .iter()
        .map(|&level| {
            (0..=120)
                .map(|i| {
                    let angle = std::f64::consts::TAU * i as f64 / 120.0;
                    (
                        (20.0 * level).sqrt() * angle.cos(),
                        level.sqrt() * angle.sin(),
                    )
                })
                .collect()
        })
        .collect()
}

/// Which path ends nearest the minimum and which zig-zags most, with every path's numbers.
pub fn verdict(paths: &[Path]) -> Message {
    let nearest = paths
        .iter()
        .min_by(|a, b| a.final_distance().total_cmp(&b.final_distance()));
    let zigzag = paths.iter().max_by_key(|path| path.zigzags());
    let (Some(nearest), Some(zigzag)) = (nearest, zigzag) else {
        return Message::new("experiments.optimizer-paths.verdict.none");
    };
    let others = |chosen: &str, value: &dyn Fn(&Path) -> String| {
        paths
            .iter()
            .filter(|path| path.name != chosen)
            .map(|path| format!("{} {}", path.name, value(path)))
            .collect::<Vec<_>>()
    };
    Message::new("experiments.optimizer-paths.verdict")
        .arg("steps", STEPS)
        .arg("nearest", nearest.name)
        .arg("distance", format!("{:.2}", nearest.final_distance()))
        .list_arg(
            "distances",
            ListStyle::Series,
            others(nearest.name, &|p| format!("{:.2}", p.final_distance())),
        )
        .arg("zigzag", zigzag.name)
        .arg("changes", zigzag.zigzags())
        .list_arg(
            "zigzags",
            ListStyle::Series,
            others(zigzag.name, &|p| p.zigzags().to_string()),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    fn path(name: &str) -> Vec<(f64, f64)> {
        paths()
            .expect("the book's optimizers")
            .into_iter()
            .find(|path| path.name == name)
            .expect("a path")
            .points
    }

    fn close(actual: (f64, f64), expected: (f64, f64)) {
        assert!(
            (actual.0 - expected.0).abs() < 1e-12 && (actual.1 - expected.1).abs() < 1e-12,
            "{actual:?} != {expected:?}"
        );
    }

    #[test]
    fn sgd_first_steps_are_the_hand_computed_ones() {
        // x ← x − 0.95·x/10, y ← y − 0.95·2y.
        let sgd = path("SGD");
        close(sgd[1], (-7.0 + 0.95 * 0.7, 2.0 - 0.95 * 4.0));
        close(sgd[2], (-6.335 + 0.95 * 0.6335, -1.8 - 0.95 * -3.6));
        assert_eq!(sgd.len(), STEPS + 1);
    }

    #[test]
    fn momentum_adagrad_and_adam_first_steps_are_the_hand_computed_ones() {
        // Momentum: v ← 0.9v − 0.1·g; first v = −0.1·g, second v = 0.9v₁ − 0.1·g₁.
        let momentum = path("Momentum");
        close(momentum[1], (-7.0 + 0.07, 2.0 - 0.4));
        let (x1, y1) = (-6.93, 1.6);
        let v = (0.9 * 0.07 - 0.1 * x1 / 10.0, 0.9 * -0.4 - 0.1 * 2.0 * y1);
        close(momentum[2], (x1 + v.0, y1 + v.1));
        // AdaGrad: h ← h + g², p ← p − lr·g/(√h + 1e-7): the first step is lr·sign(g).
        let adagrad = path("AdaGrad");
        let step = |g: f64| 1.5 * g / ((g * g).sqrt() + 1e-7);
        close(adagrad[1], (-7.0 - step(-0.7), 2.0 - step(4.0)));
        // Adam's first step is lr·√(1−β₂)/(1−β₁)·m/(√v + ε) ≈ lr·sign(g).
        let adam = path("Adam");
        let lr_t = 0.3 * (1.0 - 0.999f64).sqrt() / (1.0 - 0.9);
        let adam_step = |g: f64| lr_t * (0.1 * g) / ((0.001 * g * g).sqrt() + 1e-7);
        close(adam[1], (-7.0 - adam_step(-0.7), 2.0 - adam_step(4.0)));
    }

    #[test]
    fn zigzags_count_sign_changes_of_the_y_step() {
        let path = Path {
            name: "t",
            points: vec![(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (3.0, 1.0), (4.0, 2.0)],
        };
        assert_eq!(path.zigzags(), 2);
        assert_eq!(path.final_distance(), 20f64.sqrt());
    }

    #[test]
    fn verdict_names_the_nearest_and_the_zigzagging_path() {
        let verdict = verdict(&paths().expect("paths"));
        let english = verdict.render(Lang::En);
        assert!(english.contains("SGD zig-zags most"), "{english}");
        assert!(english.contains("; Momentum "), "{english}");
        // The other paths' numbers are listed with Japanese 「、」, not English commas.
        let japanese = verdict.render(Lang::Ja);
        assert!(
            japanese.contains("最もジグザグに進むのは SGD"),
            "{japanese}"
        );
        assert!(
            japanese.contains("、Momentum ") && !japanese.contains(", "),
            "{japanese}"
        );
    }
}

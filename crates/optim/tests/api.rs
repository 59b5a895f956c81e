//! The public API as the trainer uses it: choosing by name, per-name state, serde round trips.

use scratchnet_optim::{
    Adam, AnyOptimizer, OPTIMIZER_NAMES, OptimError, Optimizer, Sgd, by_name, default_learning_rate,
};
use scratchnet_tensor::{Matrix, Param};

/// Deterministic, step-dependent gradient for parameter number `which` at step `step`.
fn gradient(which: usize, step: usize, rows: usize, cols: usize) -> Matrix<f64> {
    Matrix::from_fn(rows, cols, |i, j| {
        let k = (i * cols + j) as f64;
        0.37 * (k + 1.0) * f64::sin((step * 7 + which * 3) as f64 + k) - 0.05 * which as f64
    })
}

/// A small network's worth of named parameters.
struct Net {
    names: Vec<&'static str>,
    values: Vec<Matrix<f64>>,
}

impl Net {
    fn new(names: &[&'static str]) -> Self {
        let values = (0..names.len())
            .map(|n| Matrix::from_fn(2, 3, |i, j| (n + 1) as f64 * 0.1 * (i as f64 - j as f64)))
            .collect();
        Self {
            names: names.to_vec(),
            values,
        }
    }

    /// One update of the parameters at `indices` (into `names`) with step-`step` gradients.
    fn step(&mut self, optimizer: &mut dyn Optimizer<f64>, step: usize, indices: &[usize]) {
        let grads: Vec<_> = indices.iter().map(|&n| gradient(n, step, 2, 3)).collect();
        let mut params = Vec::new();
        for (value_index, value) in self.values.iter_mut().enumerate() {
            if let Some(position) = indices.iter().position(|&n| n == value_index) {
                params.push(Param {
                    name: self.names[value_index],
                    value,
                    grad: &grads[position],
                });
            }
        }
        optimizer.update(&mut params.into_iter());
    }
}

fn all_optimizers() -> Vec<AnyOptimizer<f64>> {
    OPTIMIZER_NAMES
        .iter()
        .map(|name| by_name(name, Some(0.05)).expect("valid name"))
        .collect()
}

#[test]
fn by_name_is_case_insensitive() {
    for (given, expected) in [
        ("SGD", "sgd"),
        ("Adam", "adam"),
        ("AdaGrad", "adagrad"),
        ("RMSprop", "rmsprop"),
        ("MOMENTUM", "momentum"),
        ("Nesterov", "nesterov"),
    ] {
        let optimizer = by_name::<f32>(given, None).expect("valid name");
        assert_eq!(optimizer.name(), expected);
    }
    assert!(matches!(
        by_name::<f64>("Adam", None),
        Ok(AnyOptimizer::Adam(_))
    ));
    assert!(matches!(
        by_name::<f64>("sGd", None),
        Ok(AnyOptimizer::Sgd(_))
    ));
}

#[test]
fn by_name_uses_the_books_default_learning_rates() {
    let expected = [0.01, 0.01, 0.01, 0.01, 0.01, 0.001];
    for (name, lr) in OPTIMIZER_NAMES.iter().zip(expected) {
        assert_eq!(
            default_learning_rate(name).expect("valid name"),
            lr,
            "{name}"
        );
        assert_eq!(
            by_name::<f64>(name, None).expect("valid").learning_rate(),
            lr,
            "{name}"
        );
        let upper = name.to_uppercase();
        assert_eq!(
            default_learning_rate(&upper).expect("valid name"),
            lr,
            "{name}"
        );
    }
    assert_eq!(
        by_name::<f64>("adam", Some(0.3))
            .expect("valid")
            .learning_rate(),
        0.3
    );
    // The other hyperparameters are the book's defaults too.
    match by_name::<f64>("adam", None) {
        Ok(AnyOptimizer::Adam(adam)) => assert_eq!((adam.beta1, adam.beta2), (0.9, 0.999)),
        other => panic!("{other:?}"),
    }
    match by_name::<f64>("momentum", Some(0.2)) {
        Ok(AnyOptimizer::Momentum(momentum)) => assert_eq!(momentum.momentum, 0.9),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_names_are_rejected_with_the_valid_ones_listed() {
    for name in ["lbfgs", "", "sgd ", "ada grad"] {
        let error = by_name::<f64>(name, None).expect_err("unknown name");
        assert!(matches!(&error, OptimError::UnknownOptimizer { name: n } if n == name));
        let message = error.to_string();
        for valid in OPTIMIZER_NAMES {
            assert!(message.contains(valid), "{message:?} lacks {valid}");
        }
        assert!(default_learning_rate(name).is_err());
    }
}

#[test]
fn invalid_learning_rates_are_rejected() {
    for name in OPTIMIZER_NAMES {
        for lr in [0.0, -0.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let error = by_name::<f64>(name, Some(lr)).expect_err("invalid learning rate");
            match error {
                OptimError::InvalidHyperparameter {
                    optimizer,
                    hyperparameter,
                    ..
                } => {
                    assert_eq!((optimizer, hyperparameter), (name, "learning_rate"));
                }
                other => panic!("{other:?}"),
            }
        }
    }
    let mut adam = Adam::<f64>::default();
    adam.beta2 = 1.0;
    let message = AnyOptimizer::from(adam)
        .validate()
        .expect_err("β₂ = 1")
        .to_string();
    assert_eq!(message, "invalid beta2 1 for adam: must be in [0, 1)");
}

#[test]
fn parameters_keep_separate_state_and_new_ones_start_fresh() {
    // Run A: W1 and b1 for two steps, then W1, b1 and a new W2 on step 3.
    // References: each parameter alone in its own optimizer. W2's reference sees two empty
    // update() calls first, so Adam's shared iteration counter t agrees (as in the book, t
    // counts update calls).
    for template in all_optimizers() {
        let name = template.name();
        let mut together = template.clone();
        let mut net = Net::new(&["W1", "b1", "W2"]);
        net.step(&mut together, 0, &[0, 1]);
        net.step(&mut together, 1, &[0, 1]);
        net.step(&mut together, 2, &[0, 1, 2]);

        for (index, steps) in [(0, [0, 1, 2].as_slice()), (1, &[0, 1, 2]), (2, &[2])] {
            let mut alone = template.clone();
            let mut reference = Net::new(&["W1", "b1", "W2"]);
            for step in 0..3 {
                if steps.contains(&step) {
                    reference.step(&mut alone, step, &[index]);
                } else {
                    alone.update(&mut std::iter::empty());
                }
            }
            assert_eq!(
                net.values[index], reference.values[index],
                "{name} {}",
                net.names[index]
            );
            assert_ne!(
                net.values[index],
                Net::new(&["W1", "b1", "W2"]).values[index]
            );
        }
    }
}

#[test]
fn serde_round_trip_resumes_exactly() {
    for template in all_optimizers() {
        let name = template.name();
        let mut uninterrupted = template.clone();
        let mut net = Net::new(&["W1", "b1"]);
        for step in 0..3 {
            net.step(&mut uninterrupted, step, &[0, 1]);
        }

        let json = serde_json::to_string(&uninterrupted).expect("serialise");
        assert!(json.starts_with(&format!("{{\"{name}\":")), "{json}");
        let mut restored: AnyOptimizer<f64> = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(restored.name(), name);
        let mut resumed_net = Net {
            names: net.names.clone(),
            values: net.values.clone(),
        };

        for step in 3..6 {
            net.step(&mut uninterrupted, step, &[0, 1]);
            resumed_net.step(&mut restored, step, &[0, 1]);
        }
        assert_eq!(net.values, resumed_net.values, "{name}");
        // The restored state really mattered: a fresh optimizer diverges from it.
        if name != "sgd" {
            let mut fresh = template.clone();
            let mut fresh_net = Net {
                names: net.names.clone(),
                values: net.values.clone(),
            };
            let mut resumed = restored.clone();
            fresh_net.step(&mut fresh, 6, &[0, 1]);
            resumed_net.step(&mut resumed, 6, &[0, 1]);
            assert_ne!(fresh_net.values, resumed_net.values, "{name}");
        }
    }
}

#[test]
fn f32_updates_follow_the_same_formulas() {
    // SGD in f32: lr is cast to f32 and the product taken in f32, like NumPy.
    let mut value = Matrix::<f32>::from_row_slice(1, 2, &[1.0, -1.0]);
    let grad = Matrix::<f32>::from_row_slice(1, 2, &[0.5, 0.25]);
    let mut optimizer: AnyOptimizer<f32> = Sgd::new(0.1).into();
    optimizer.update(&mut std::iter::once(Param {
        name: "W",
        value: &mut value,
        grad: &grad,
    }));
    assert_eq!(value[(0, 0)], 1.0f32 - 0.1f32 * 0.5);
    assert_eq!(value[(0, 1)], -1.0f32 - 0.1f32 * 0.25);

    // Every optimizer descends on f(w) = w²/2 (gradient w) in f32.
    for name in OPTIMIZER_NAMES {
        let mut optimizer = by_name::<f32>(name, Some(0.01)).expect("valid");
        let mut w = Matrix::<f32>::from_element(3, 1, 1.0);
        for _ in 0..50 {
            let grad = w.clone();
            optimizer.update(&mut std::iter::once(Param {
                name: "w",
                value: &mut w,
                grad: &grad,
            }));
        }
        assert!(
            w.iter().all(|&x| x.is_finite() && x < 1.0 && x > -1.0),
            "{name}: {w}"
        );
    }
}

#[test]
fn reset_forgets_state() {
    for template in all_optimizers() {
        let mut used = template.clone();
        let mut net = Net::new(&["W1"]);
        net.step(&mut used, 0, &[0]);
        used.reset();
        let mut fresh = template.clone();
        let mut a = Net::new(&["W1"]);
        let mut b = Net::new(&["W1"]);
        a.step(&mut used, 1, &[0]);
        b.step(&mut fresh, 1, &[0]);
        assert_eq!(a.values, b.values, "{}", template.name());
    }
}

#[test]
#[should_panic(expected = "wrong shape")]
fn mismatched_gradient_shape_panics() {
    let mut value = Matrix::<f64>::zeros(2, 2);
    let grad = Matrix::<f64>::zeros(2, 3);
    let mut optimizer = AnyOptimizer::<f64>::default();
    optimizer.update(&mut std::iter::once(Param {
        name: "W",
        value: &mut value,
        grad: &grad,
    }));
}

#[test]
#[should_panic(expected = "changed shape")]
fn parameter_changing_shape_panics() {
    let mut optimizer = by_name::<f64>("momentum", None).expect("valid");
    for (rows, cols) in [(2, 2), (3, 2)] {
        let mut value = Matrix::<f64>::zeros(rows, cols);
        let grad = Matrix::<f64>::zeros(rows, cols);
        optimizer.update(&mut std::iter::once(Param {
            name: "W",
            value: &mut value,
            grad: &grad,
        }));
    }
}

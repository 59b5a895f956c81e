//! Test helpers shared by the per-optimizer unit tests: three updates of one 2×2 parameter
//! with the gradients of `tests/expected_values.py`.

use scratchnet_tensor::{Matrix, Param};

use crate::Optimizer;

/// The starting parameter of the three-step tests (row-major 2×2).
pub const P0: [f64; 4] = [1.0, -2.0, 0.5, 3.0];
/// The gradients of steps 1, 2 and 3 (row-major 2×2).
pub const GRADS: [[f64; 4]; 3] = [
    [0.1, -0.2, 0.3, 0.4],
    [-0.5, 0.25, 0.0, 1.5],
    [0.2, 0.1, -0.3, -0.05],
];

/// Runs three updates of one 2×2 parameter `"W1"` and returns its value after each.
pub fn three_steps(optimizer: &mut dyn Optimizer<f64>) -> Vec<Matrix<f64>> {
    let mut value = Matrix::from_row_slice(2, 2, &P0);
    let mut after = Vec::new();
    for grad in GRADS {
        let grad = Matrix::from_row_slice(2, 2, &grad);
        let param = Param {
            name: "W1",
            value: &mut value,
            grad: &grad,
        };
        optimizer.update(&mut std::iter::once(param));
        after.push(value.clone());
    }
    after
}

/// Asserts `actual` equals the row-major `expected` to 1e-12.
pub fn assert_close(actual: &Matrix<f64>, expected: [f64; 4]) {
    let expected = Matrix::from_row_slice(2, 2, &expected);
    for (a, e) in actual.as_slice().iter().zip(expected.as_slice().iter()) {
        assert!((a - e).abs() < 1e-12, "got\n{actual}\nexpected\n{expected}");
    }
}

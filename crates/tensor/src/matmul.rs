//! Matrix products into preallocated outputs: the one place that decides how a product runs.
//!
//! nalgebra stores matrices column-major; a transpose is the same buffer with its strides
//! swapped, so `Aᵀ·B` and `A·Bᵀ` never materialise a transposed copy. The kernel is the
//! `gemm` crate (AVX-512 / AVX2 / NEON chosen at run time), single-threaded: at the network's
//! batch sizes a second thread slows it down; callers parallelise over independent batches.

use crate::{Float, Matrix};

/// A read-only operand: a block of consecutive rows of a matrix (usually all of them), and
/// whether it is used transposed.
struct Operand<'a, T> {
    matrix: &'a Matrix<T>,
    first_row: usize,
    rows: usize,
    transposed: bool,
}

impl<'a, T: Float> Operand<'a, T> {
    fn whole(matrix: &'a Matrix<T>, transposed: bool) -> Self {
        Self {
            matrix,
            first_row: 0,
            rows: matrix.nrows(),
            transposed,
        }
    }

    /// (rows, cols) of the operand as used in the product.
    fn shape(&self) -> (usize, usize) {
        let (r, c) = (self.rows, self.matrix.ncols());
        if self.transposed { (c, r) } else { (r, c) }
    }

    /// Pointer to the block's first element.
    fn as_ptr(&self) -> *const T {
        // In bounds: `first_row + rows <= nrows` is checked where the operand is built, and
        // `first_row` is the offset of element (first_row, 0) in column-major storage.
        self.matrix.as_slice()[self.first_row.min(self.matrix.len())..].as_ptr()
    }

    /// (column stride, row stride) of the operand as used, in elements.
    fn strides(&self) -> (isize, isize) {
        // Column-major: element (i, j) lives at i + j·nrows.
        let column_stride = self.matrix.nrows() as isize;
        if self.transposed {
            (1, column_stride)
        } else {
            (column_stride, 1)
        }
    }
}

/// `out = a·b`; `out` is resized only when its shape differs.
pub fn matmul<T: Float>(a: &Matrix<T>, b: &Matrix<T>, out: &mut Matrix<T>) {
    product(Operand::whole(a, false), Operand::whole(b, false), out);
}

/// `out = a[first_row..first_row + rows, :]·b`: a block of samples times a weight matrix,
/// read in place (the block is a strided view, nothing is copied).
///
/// # Panics
/// If the block exceeds `a` or the inner dimensions differ.
pub fn matmul_rows<T: Float>(
    a: &Matrix<T>,
    first_row: usize,
    rows: usize,
    b: &Matrix<T>,
    out: &mut Matrix<T>,
) {
    assert!(
        first_row
            .checked_add(rows)
            .is_some_and(|end| end <= a.nrows()),
        "matmul_rows: rows {first_row}..{} exceed the {} rows of the matrix",
        first_row.saturating_add(rows),
        a.nrows()
    );
    let block = Operand {
        matrix: a,
        first_row,
        rows,
        transposed: false,
    };
    product(block, Operand::whole(b, false), out);
}

/// `out = aᵀ·b` without copying the transpose (the Affine layer's `dW = xᵀ·dout`).
pub fn matmul_tn<T: Float>(a: &Matrix<T>, b: &Matrix<T>, out: &mut Matrix<T>) {
    product(Operand::whole(a, true), Operand::whole(b, false), out);
}

/// `out = a·bᵀ` without copying the transpose (the Affine layer's `dx = dout·Wᵀ`).
pub fn matmul_nt<T: Float>(a: &Matrix<T>, b: &Matrix<T>, out: &mut Matrix<T>) {
    product(Operand::whole(a, false), Operand::whole(b, true), out);
}

/// Lets `gemm` read a left operand in place instead of copying ("packing") it first, whenever
/// the operand allows that: unit row stride, rows a multiple of the SIMD width, and up to
/// `32 × 6` output columns (the default, 8 × 6, excludes the network's 100-column products).
/// Measured on one thread (AVX-512): 1008 × 100 × 100 read in place 257 GFLOP/s, 1000 rows
/// packed 234.
fn read_left_operands_in_place() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| gemm::set_lhs_packing_threshold_single_thread(32));
}

fn product<T: Float>(lhs: Operand<'_, T>, rhs: Operand<'_, T>, out: &mut Matrix<T>) {
    read_left_operands_in_place();
    let (m, k) = lhs.shape();
    let (k_rhs, n) = rhs.shape();
    assert_eq!(
        k, k_rhs,
        "matrix product: inner dimensions differ ({m}×{k} · {k_rhs}×{n})"
    );
    if out.shape() != (m, n) {
        *out = Matrix::zeros(m, n);
    }
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        out.fill(T::zero());
        return;
    }
    let (lhs_cs, lhs_rs) = lhs.strides();
    let (rhs_cs, rhs_rs) = rhs.strides();
    // SAFETY: the shapes were checked above, so every index gemm derives from (m, n, k) and the
    // strides stays inside the three buffers; `out` is exclusively borrowed and cannot alias the
    // inputs. `T` is f32 or f64 (sealed), the types gemm dispatches on.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            m as isize,
            1,
            false,
            lhs.as_ptr(),
            lhs_cs,
            lhs_rs,
            rhs.as_ptr(),
            rhs_cs,
            rhs_rs,
            T::zero(),
            T::one(),
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rows: usize, cols: usize, seed: usize) -> Matrix<f64> {
        Matrix::from_fn(rows, cols, |i, j| {
            ((i * 31 + j * 17 + seed) % 23) as f64 / 7.0 - 1.5
        })
    }

    #[test]
    fn products_match_naive_nalgebra() {
        let a = sample(7, 5, 1);
        let b = sample(5, 3, 2);
        let mut out = Matrix::zeros(0, 0);
        matmul(&a, &b, &mut out);
        assert!((&out - &a * &b).abs().max() < 1e-12);

        let c = sample(7, 3, 3);
        matmul_tn(&a, &c, &mut out);
        assert_eq!(out.shape(), (5, 3));
        assert!((&out - a.transpose() * &c).abs().max() < 1e-12);

        let d = sample(4, 5, 4);
        matmul_nt(&a, &d, &mut out);
        assert_eq!(out.shape(), (7, 4));
        assert!((&out - &a * d.transpose()).abs().max() < 1e-12);
    }

    #[test]
    fn a_block_of_rows_is_read_in_place() {
        let a = sample(9, 5, 7);
        let b = sample(5, 4, 8);
        let mut out = Matrix::zeros(0, 0);
        matmul_rows(&a, 3, 4, &b, &mut out);
        assert!((&out - a.rows(3, 4) * &b).abs().max() < 1e-12);
        matmul_rows(&a, 9, 0, &b, &mut out);
        assert_eq!(out.shape(), (0, 4));
    }

    #[test]
    #[should_panic(expected = "exceed")]
    fn a_block_beyond_the_matrix_panics() {
        let mut out = Matrix::zeros(0, 0);
        matmul_rows(&sample(4, 2, 0), 3, 2, &sample(2, 2, 0), &mut out);
    }

    #[test]
    fn known_values_f32() {
        let a = Matrix::<f32>::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = Matrix::<f32>::from_row_slice(3, 2, &[7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        let mut out = Matrix::from_element(2, 2, f32::NAN);
        matmul(&a, &b, &mut out);
        assert_eq!(
            out,
            Matrix::from_row_slice(2, 2, &[58.0, 64.0, 139.0, 154.0])
        );
    }

    #[test]
    fn reuses_the_output_buffer() {
        let a = sample(6, 4, 5);
        let b = sample(4, 6, 6);
        let mut out = Matrix::zeros(6, 6);
        let before = out.as_ptr();
        matmul(&a, &b, &mut out);
        assert_eq!(out.as_ptr(), before, "same shape must not reallocate");
    }

    #[test]
    fn empty_inner_dimension_gives_zeros() {
        let a = Matrix::<f64>::zeros(3, 0);
        let b = Matrix::<f64>::zeros(0, 2);
        let mut out = Matrix::from_element(3, 2, 9.0);
        matmul(&a, &b, &mut out);
        assert_eq!(out, Matrix::zeros(3, 2));
    }

    #[test]
    #[should_panic(expected = "inner dimensions differ")]
    fn mismatched_shapes_panic_with_a_message() {
        let mut out = Matrix::zeros(0, 0);
        matmul(&sample(2, 3, 0), &sample(2, 3, 0), &mut out);
    }

    #[test]
    fn large_product_matches() {
        // Big enough for gemm's blocked kernel (several panels in each dimension).
        let a = Matrix::<f32>::from_fn(300, 784, |i, j| ((i * 7 + j) % 13) as f32 * 0.01);
        let b = Matrix::<f32>::from_fn(784, 100, |i, j| ((i * 3 + j) % 11) as f32 * 0.01);
        let mut out = Matrix::zeros(0, 0);
        matmul(&a, &b, &mut out);
        let expected = &a * &b;
        assert!((out - expected).abs().max() < 1e-3);
    }
}

//! The sparse × dense product kernels: a portable one that defines the arithmetic, and an
//! AVX-512 one that gives the same bits.

use super::SparseRows;
use super::weights::{Aligned, SparseWeights, TILE};
use crate::Float;

/// Most output tiles (128 columns) one pass over a row's entries updates: two partial sums per
/// tile fill 16 of AVX-512's 32 registers, and each entry's index and value are loaded once.
const MAX_TILES_PER_PASS: usize = 8;

/// Rows whose sparse sums are added to the output together: a 16 × 16 square of sums is
/// transposed in registers and added to 16 consecutive rows of 16 columns of the column-major
/// output, instead of element by element.
const ROW_BLOCK: usize = TILE;

/// The arguments of one sparse × dense product.
pub(super) struct SparseProduct<'a, T: Float> {
    pub sparse: &'a SparseRows<T>,
    pub first_row: usize,
    pub rows: usize,
    pub weight: &'a SparseWeights<T>,
    pub out: &'a mut [T],
}

/// One row's entries outside the dense columns: the unit of work of every kernel.
struct RowEntries<'a, T> {
    columns: &'a [u32],
    values: &'a [T],
}

impl<T: Float> SparseProduct<'_, T> {
    /// Runs the fastest kernel this CPU and scalar type allow: hand-written AVX-512 for `f32`
    /// (checked at run time, like the `gemm` crate's kernels, so a portable binary still uses
    /// it), otherwise the portable kernel compiled for AVX2+FMA or the baseline. Every kernel
    /// uses fused multiply-adds (exactly rounded on every CPU, in software where there is no FMA
    /// unit) in the same order, so they agree to the bit.
    pub(super) fn run(self) {
        #[cfg(target_arch = "x86_64")]
        {
            if crate::avx512::f32_with_avx512::<T>() {
                // SAFETY: the CPU has AVX-512F (checked) and T is f32 (checked).
                return unsafe { self.run_avx512() };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU supports AVX2 and FMA (checked just above).
                return unsafe { self.run_avx2() };
            }
        }
        self.kernel();
    }

    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn run_avx512(self) {
        self.for_each_block(
            // SAFETY (both): the caller's guarantees.
            |weight, entries, sums| unsafe { avx512::row_sums_f32(weight, entries, sums) },
            |block| unsafe { avx512::add_block_f32(block) },
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_avx2(self) {
        self.kernel();
    }

    /// The portable kernel, and the definition of the arithmetic: [`row_sums`], then
    /// [`add_block`].
    #[inline(always)]
    pub(super) fn kernel(self) {
        self.for_each_block(row_sums, add_block);
    }

    /// The loop shared by every kernel: for each block of [`ROW_BLOCK`] rows,
    /// `sums(weights, entries, row's sums)` computes each row's sparse part into row-major
    /// scratch (`width` per row), and `add(block)` adds the block to the output (which holds
    /// the dense columns' part).
    #[inline(always)]
    fn for_each_block(
        self,
        mut sums: impl FnMut(&SparseWeights<T>, RowEntries<'_, T>, &mut [T]),
        mut add: impl FnMut(Block<'_, T>),
    ) {
        let Self {
            sparse,
            first_row,
            rows,
            weight,
            out,
        } = self;
        let width = weight.width;
        let mut scratch = Aligned::zeros(ROW_BLOCK * width);
        for block_start in (0..rows).step_by(ROW_BLOCK) {
            let block_rows = ROW_BLOCK.min(rows - block_start);
            let block_sums = &mut scratch[..block_rows * width];
            for (row, row_sums) in block_sums.chunks_exact_mut(width).enumerate() {
                let (columns, values) = sparse.row(first_row + block_start + row);
                sums(weight, RowEntries { columns, values }, row_sums);
            }
            add(Block {
                sums: block_sums,
                width,
                n_out: weight.n_out(),
                out: &mut *out,
                rows,
                first_row: block_start,
            });
        }
    }
}

/// One row's sparse part `sums` (all outputs, padded), by fused multiply-adds into two partial
/// sums per output, both starting at zero: entry `i` goes to partial sum `i % 2`, and the
/// result is `s0 + s1`. Two chains per output let consecutive entries' multiply-adds overlap.
fn row_sums<T: Float>(weight: &SparseWeights<T>, entries: RowEntries<'_, T>, sums: &mut [T]) {
    for (tile, sum) in sums.chunks_exact_mut(TILE).enumerate() {
        let lanes = tile * TILE..(tile + 1) * TILE;
        let mut partial = [[T::zero(); TILE]; 2];
        for (index, (&column, &value)) in entries.columns.iter().zip(entries.values).enumerate() {
            let w = &weight.input(column as usize)[lanes.clone()];
            for (p, &w) in partial[index % 2].iter_mut().zip(w) {
                *p = value.mul_add(w, *p);
            }
        }
        let [even, odd] = partial;
        for (lane, sum) in sum.iter_mut().enumerate() {
            *sum = even[lane] + odd[lane];
        }
    }
}

/// A block of rows' sparse sums and the output they are added to.
struct Block<'a, T> {
    /// Row-major, `width` per row.
    sums: &'a [T],
    width: usize,
    n_out: usize,
    /// Column-major, `rows` rows.
    out: &'a mut [T],
    rows: usize,
    /// The block's first row in `out`.
    first_row: usize,
}

/// `out[first_row + r, j] += sums[r, j]`: the dense part plus the sparse part, one addition
/// per output.
fn add_block<T: Float>(block: Block<'_, T>) {
    let Block {
        sums,
        width,
        n_out,
        out,
        rows,
        first_row,
    } = block;
    for j in 0..n_out {
        let column = &mut out[j * rows + first_row..][..sums.len() / width];
        for (value, row_sums) in column.iter_mut().zip(sums.chunks_exact(width)) {
            *value += row_sums[j];
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{Block, MAX_TILES_PER_PASS, RowEntries, SparseWeights, TILE};
    use crate::Float;
    use crate::avx512::transpose;
    use std::arch::x86_64::{
        __m512, _mm512_add_ps, _mm512_fmadd_ps, _mm512_load_ps, _mm512_loadu_ps, _mm512_set1_ps,
        _mm512_setzero_ps, _mm512_store_ps, _mm512_storeu_ps,
    };

    /// [`super::row_sums`] with 16-lane registers, up to [`MAX_TILES_PER_PASS`] tiles per pass
    /// over the entries.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`; the columns are < n_in; `sums` is
    /// 64-byte aligned and holds the padded width.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn row_sums_f32<T: Float>(
        weight: &SparseWeights<T>,
        entries: RowEntries<'_, T>,
        sums: &mut [T],
    ) {
        debug_assert_eq!(sums.len(), weight.width);
        // SAFETY: T is f32 (the caller's guarantee).
        let values = unsafe {
            std::slice::from_raw_parts(entries.values.as_ptr().cast::<f32>(), entries.values.len())
        };
        let (columns, width) = (entries.columns, weight.width);
        let tiles = width / TILE;
        for first_tile in (0..tiles).step_by(MAX_TILES_PER_PASS) {
            // SAFETY (every arm): the group's tiles exist in every input's padded row and in
            // `sums`; the columns are < n_in (the caller's guarantee).
            unsafe {
                let weights = weight.values.as_ptr().cast::<f32>().add(first_tile * TILE);
                let sums = sums.as_mut_ptr().cast::<f32>().add(first_tile * TILE);
                match tiles - first_tile {
                    1 => pass::<1>(columns, values, width, weights, sums),
                    2 => pass::<2>(columns, values, width, weights, sums),
                    3 => pass::<3>(columns, values, width, weights, sums),
                    4 => pass::<4>(columns, values, width, weights, sums),
                    5 => pass::<5>(columns, values, width, weights, sums),
                    6 => pass::<6>(columns, values, width, weights, sums),
                    7 => pass::<7>(columns, values, width, weights, sums),
                    _ => pass::<MAX_TILES_PER_PASS>(columns, values, width, weights, sums),
                }
            }
        }
    }

    /// One pass over a row's entries for `G` tiles, every partial sum in a register.
    ///
    /// # Safety
    /// `weights + column · width` has `G` aligned tiles for every column; `sums` has `G`
    /// aligned tiles.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn pass<const G: usize>(
        columns: &[u32],
        values: &[f32],
        width: usize,
        weights: *const f32,
        sums: *mut f32,
    ) {
        // SAFETY (whole body): the caller's guarantees; indices are < columns.len() ==
        // values.len(). Unchecked: this is the innermost loop.
        unsafe {
            let mut even = [_mm512_setzero_ps(); G];
            let mut odd = [_mm512_setzero_ps(); G];
            let term = |partial: &mut [__m512; G], index: usize| {
                let input = weights.add(*columns.get_unchecked(index) as usize * width);
                let value = _mm512_set1_ps(*values.get_unchecked(index));
                for (tile, sum) in partial.iter_mut().enumerate() {
                    let w = _mm512_load_ps(input.add(tile * TILE));
                    *sum = _mm512_fmadd_ps(value, w, *sum);
                }
            };
            let pairs = columns.len() / 2 * 2;
            for index in (0..pairs).step_by(2) {
                term(&mut even, index);
                term(&mut odd, index + 1);
            }
            if pairs < columns.len() {
                term(&mut even, pairs);
            }
            for (tile, (e, o)) in even.into_iter().zip(odd).enumerate() {
                _mm512_store_ps(sums.add(tile * TILE), _mm512_add_ps(e, o));
            }
        }
    }

    /// [`super::add_block`], a 16 × 16 square at a time: 16 rows of one tile of sums are
    /// transposed in registers, and each of the 16 columns is added to the output's 16
    /// consecutive rows with one vector addition. Partial blocks take the portable path.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`; `sums` is 64-byte aligned.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn add_block_f32<T: Float>(block: Block<'_, T>) {
        let block_rows = block.sums.len() / block.width;
        if block_rows != TILE {
            return super::add_block(block);
        }
        let Block {
            sums,
            width,
            n_out,
            out,
            rows,
            first_row,
        } = block;
        let sums = sums.as_ptr().cast::<f32>();
        let out = out.as_mut_ptr().cast::<f32>();
        for tile in 0..width / TILE {
            // SAFETY: 16 rows of `width` aligned sums; output columns j < n_out have `rows`
            // rows, of which first_row..first_row + 16 exist (checked by the caller's shapes).
            unsafe {
                let square: [__m512; TILE] =
                    std::array::from_fn(|row| _mm512_load_ps(sums.add(row * width + tile * TILE)));
                let columns = transpose(square);
                for (lane, column) in columns.into_iter().enumerate() {
                    let j = tile * TILE + lane;
                    if j >= n_out {
                        break;
                    }
                    let target = out.add(j * rows + first_row);
                    _mm512_storeu_ps(target, _mm512_add_ps(_mm512_loadu_ps(target), column));
                }
            }
        }
    }
}

//! AVX-512 building blocks shared by the kernels: a 16 × 16 transpose in registers, and 16 rows
//! of bytes decoded to `f32` through a table and turned into 16 columns.

use std::arch::x86_64::{
    __m512, __mmask16, _mm_loadu_si128, _mm512_castpd_ps, _mm512_castps_pd, _mm512_cvtepi32_ps,
    _mm512_cvtepu8_epi32, _mm512_div_ps, _mm512_i32gather_ps, _mm512_mask_storeu_ps,
    _mm512_set1_ps, _mm512_setzero_ps, _mm512_shuffle_f32x4, _mm512_unpackhi_pd,
    _mm512_unpackhi_ps, _mm512_unpacklo_pd, _mm512_unpacklo_ps,
};

/// Values per register: 16 `f32`.
pub(crate) const LANES: usize = 16;

/// Whether the hand-written `f32` kernels can run: `T` is `f32` and the CPU has AVX-512F
/// (checked at run time, so a portable binary still uses them).
pub(crate) fn f32_with_avx512<T: 'static>() -> bool {
    std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()
        && std::arch::is_x86_feature_detected!("avx512f")
}

/// The transpose of a 16 × 16 square of f32, one row per register: pairs of rows
/// interleaved by 32 bits, then by 64 bits, then 128-bit lanes gathered twice.
#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) fn transpose(rows: [__m512; 16]) -> [__m512; 16] {
    // t[2i], t[2i + 1], lane k: rows 2i, 2i + 1 at elements 4k, 4k + 1 / 4k + 2, 4k + 3.
    let mut t = [_mm512_setzero_ps(); 16];
    for i in 0..8 {
        t[2 * i] = _mm512_unpacklo_ps(rows[2 * i], rows[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(rows[2 * i], rows[2 * i + 1]);
    }
    // u[4i + e], lane k: element 4k + e of rows 4i..4i + 4.
    let mut u = [_mm512_setzero_ps(); 16];
    let pd = _mm512_castps_pd;
    for i in 0..4 {
        let (a, b, c, d) = (t[4 * i], t[4 * i + 1], t[4 * i + 2], t[4 * i + 3]);
        u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(a), pd(c)));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(a), pd(c)));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(b), pd(d)));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(b), pd(d)));
    }
    // Column 4k + e: lane k of u[e], u[4 + e], u[8 + e], u[12 + e].
    let mut columns = [_mm512_setzero_ps(); 16];
    for e in 0..4 {
        let low_top = _mm512_shuffle_f32x4::<0x44>(u[e], u[4 + e]);
        let low_bottom = _mm512_shuffle_f32x4::<0x44>(u[8 + e], u[12 + e]);
        let high_top = _mm512_shuffle_f32x4::<0xEE>(u[e], u[4 + e]);
        let high_bottom = _mm512_shuffle_f32x4::<0xEE>(u[8 + e], u[12 + e]);
        columns[e] = _mm512_shuffle_f32x4::<0x88>(low_top, low_bottom);
        columns[4 + e] = _mm512_shuffle_f32x4::<0xDD>(low_top, low_bottom);
        columns[8 + e] = _mm512_shuffle_f32x4::<0x88>(high_top, high_bottom);
        columns[12 + e] = _mm512_shuffle_f32x4::<0xDD>(high_top, high_bottom);
    }
    columns
}

/// Decodes 16 columns `first_column..first_column + 16` of 16 rows of bytes through `table`,
/// and returns them as 16 columns of 16 rows each. With `unit_scale` (the table is `byte / 255`
/// in `f32`) each value is that division, exactly rounded like the table's; otherwise one
/// gather per row looks the values up.
///
/// # Safety
/// The CPU must support AVX-512F; every row has at least `first_column + 16` bytes.
#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) unsafe fn decode_square(
    rows: &[&[u8]; LANES],
    first_column: usize,
    table: &[f32; 256],
    unit_scale: bool,
) -> [__m512; LANES] {
    // A plain loop: intrinsics in a closure would not be compiled for AVX-512.
    let mut square = [_mm512_setzero_ps(); LANES];
    let max = _mm512_set1_ps(255.0);
    for (decoded, row) in square.iter_mut().zip(rows) {
        // SAFETY: 16 bytes from `first_column` are inside the row (the caller's guarantee);
        // the gather's indices are bytes, below the table's 256 entries.
        unsafe {
            let bytes = _mm_loadu_si128(row.as_ptr().add(first_column).cast());
            let indices = _mm512_cvtepu8_epi32(bytes);
            *decoded = if unit_scale {
                _mm512_div_ps(_mm512_cvtepi32_ps(indices), max)
            } else {
                _mm512_i32gather_ps::<4>(indices, table.as_ptr())
            };
        }
    }
    transpose(square)
}

/// Stores the first `rows` lanes of `column` at `target`.
///
/// # Safety
/// The CPU must support AVX-512F; `target` has room for `rows` values.
#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) unsafe fn store_rows(target: *mut f32, rows: usize, column: __m512) {
    let mask: __mmask16 = if rows >= LANES {
        u16::MAX
    } else {
        (1_u16 << rows) - 1
    };
    // SAFETY: the caller's guarantee; lanes beyond `rows` are not written.
    unsafe { _mm512_mask_storeu_ps(target, mask, column) }
}

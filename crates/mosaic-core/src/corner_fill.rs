//! Fill of the accepted cells of `project`'s checked corner grid (src/stages/project-grid.ts):
//! every corner of an accepted cell that was not mapped exactly gets the biquadratic (or,
//! along a side one corner wide, linear) Lagrange interpolant of the cell's exactly mapped
//! nodes. TypeScript twin: `src/kernels/corner-fill.ts`; same operations in the same order,
//! so the two agree bit for bit.
//!
//! Reference: SWarp (Bertin et al. 2002, ASP Conf. Ser. 281, 228) for the checked
//! interpolated mapping; the interpolant is the tensor-product Lagrange polynomial.
//!
//! Cells are 6 integers each: `i0, j0, i1, j1, mi, mj` (corner indices, inclusive), where
//! `mi` / `mj` is the middle node column / row, or −1 when that side has only its two end
//! nodes. Corners shared by several cells are written by each in turn, row by row and, within
//! a row, in cell order: the last write wins (this order is part of the contract).

use crate::error::{check_len, KernelError};

/// Lagrange weights of the nodes `[a, m, b]` (or `[a, b]` when `m < 0`) at `t`; the unused slot is 0.
#[inline]
fn lagrange(a: i32, m: i32, b: i32, t: f64, w: &mut [f64; 3]) {
    let (a, b) = (a as f64, b as f64);
    if m < 0 {
        let u = (t - a) / (b - a);
        w[0] = 1.0 - u;
        w[1] = u;
        w[2] = 0.0;
        return;
    }
    let m = m as f64;
    w[0] = ((t - m) * (t - b)) / ((a - m) * (a - b));
    w[1] = ((t - a) * (t - b)) / ((m - a) * (m - b));
    w[2] = ((t - a) * (t - m)) / ((b - a) * (b - m));
}

avx2_twin! {
    /// Fills the non-exact corners (`state[k] != 2`) of every cell in `cells` (see the module
    /// comment) in `x` and `y`, the `cw × ch` corner arrays (index `i + cw·j`).
    ///
    /// Errors: [`KernelError`] when the array lengths do not match or a cell lies outside the grid.
    pub fn fill_corner_cells(
        cells: &[i32],
        cw: usize,
        ch: usize,
        x: &mut [f64],
        y: &mut [f64],
        state: &[u8],
    ) -> Result<(), KernelError> => fill_corner_cells_body
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn fill_corner_cells_body(cells: &[i32], cw: usize, ch: usize, x: &mut [f64], y: &mut [f64], state: &[u8]) -> Result<(), KernelError> {
    check_len("x", cw * ch, x.len())?;
    check_len("y", cw * ch, y.len())?;
    check_len("state", cw * ch, state.len())?;
    if cells.len() % 6 != 0 {
        return Err(KernelError::Argument { name: "cells", reason: "length must be a multiple of 6" });
    }
    let n_cells = cells.len() / 6;
    for c in cells.chunks_exact(6) {
        let (i0, j0, i1, j1, mi, mj) = (c[0], c[1], c[2], c[3], c[4], c[5]);
        let inside = |lo: i32, mid: i32, hi: i32, n: usize| lo >= 0 && lo <= hi && (hi as usize) < n && (mid < 0 || (lo < mid && mid < hi));
        if !inside(i0, mi, i1, cw) || !inside(j0, mj, j1, ch) {
            return Err(KernelError::Argument { name: "cells", reason: "a cell lies outside the corner grid" });
        }
    }
    // Column weights per cell, shared between cells of the same shape (they depend only on
    // the offsets from i0); one array per node, so that the row loop below vectorises.
    let mut col_off = vec![0usize; n_cells];
    let mut weights: [Vec<f64>; 3] = Default::default();
    let mut shapes: std::collections::HashMap<(i32, i32), usize> = std::collections::HashMap::new();
    let mut w = [0.0f64; 3];
    for (c, g) in cells.chunks_exact(6).enumerate() {
        let (i0, i1, mi) = (g[0], g[2], g[4]);
        let key = (i1 - i0, if mi < 0 { -1 } else { mi - i0 });
        col_off[c] = *shapes.entry(key).or_insert_with(|| {
            let off = weights[0].len();
            for i in i0..=i1 {
                lagrange(i0, mi, i1, i as f64, &mut w);
                for (list, wp) in weights.iter_mut().zip(w) {
                    list.push(wp);
                }
            }
            off
        });
    }
    // Cells by corner row, in cell order (a counting sort).
    let mut starts = vec![0usize; ch + 1];
    for g in cells.chunks_exact(6) {
        for j in g[1]..=g[3] {
            starts[j as usize + 1] += 1;
        }
    }
    for j in 0..ch {
        starts[j + 1] += starts[j];
    }
    let mut by_row = vec![0u32; starts[ch]];
    let mut fill = starts[..ch].to_vec();
    for (c, g) in cells.chunks_exact(6).enumerate() {
        for j in g[1]..=g[3] {
            let j = j as usize;
            by_row[fill[j]] = c as u32;
            fill[j] += 1;
        }
    }
    let mut wj = [0.0f64; 3];
    for j in 0..ch {
        let row = cw * j;
        for &c in &by_row[starts[j]..starts[j + 1]] {
            let c = c as usize;
            let g = &cells[6 * c..6 * c + 6];
            let (i0, j0, i1, j1, mi, mj) = (g[0], g[1], g[2], g[3], g[4], g[5]);
            lagrange(j0, mj, j1, j as f64, &mut wj);
            let ni = [i0, mi, i1];
            let nj = [j0, mj, j1];
            // Node columns p and rows q in use (the middle one only when present).
            let cols: &[usize] = if mi < 0 { &[0, 2] } else { &[0, 1, 2] };
            let rows: &[usize] = if mj < 0 { &[0, 2] } else { &[0, 1, 2] };
            // n[p], n[3 + p]: x and y interpolated along j at node column p.
            let mut n = [0.0f64; 6];
            for (p, &pc) in cols.iter().enumerate() {
                for (q, &qr) in rows.iter().enumerate() {
                    let k = ni[pc] as usize + cw * nj[qr] as usize;
                    let wq = wj[q];
                    n[p] += wq * x[k];
                    n[3 + p] += wq * y[k];
                }
            }
            // Over the cell's row, branch-free (a select keeps the exact corners).
            let (lo, hi) = (i0 as usize, i1 as usize);
            let m = hi - lo + 1;
            let off = col_off[c];
            let (w0s, w1s, w2s) = (&weights[0][off..off + m], &weights[1][off..off + m], &weights[2][off..off + m]);
            let (xs, ys, st) = (&mut x[row + lo..row + hi + 1], &mut y[row + lo..row + hi + 1], &state[row + lo..row + hi + 1]);
            fill_row(xs, ys, st, (w0s, w1s, w2s), &n);
        }
    }
    Ok(())
}

/// Corners `i` of one cell row: the interpolant `w0·n0 + w1·n1 + w2·n2` (x from `n[0..3]`, y
/// from `n[3..6]`) unless `st[i] == 2` (exact, kept). All slices of one length.
#[inline(always)]
fn fill_row(xs: &mut [f64], ys: &mut [f64], st: &[u8], (w0s, w1s, w2s): (&[f64], &[f64], &[f64]), n: &[f64; 6]) {
    let m = xs.len();
    let (ys, st, w0s, w1s, w2s) = (&mut ys[..m], &st[..m], &w0s[..m], &w1s[..m], &w2s[..m]);
    #[allow(unused_mut)]
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked); all slices hold m values.
            done = unsafe { avx2::fill_row(xs, ys, st, (w0s, w1s, w2s), n) };
        }
    }
    for i in done..m {
        let (w0, w1, w2) = (w0s[i], w1s[i], w2s[i]);
        let xi = w0 * n[0] + w1 * n[1] + w2 * n[2];
        let yi = w0 * n[3] + w1 * n[4] + w2 * n[5];
        if st[i] != 2 {
            xs[i] = xi;
            ys[i] = yi;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! `fill_row` four corners at a time, with a blend and a full store.
    use crate::simd::store;
    use std::arch::x86_64::*;

    /// Corners `0..m − m % 4` of `super::fill_row`; returns how many.
    ///
    /// # Safety
    /// The CPU must support AVX2; all slices hold `xs.len()` values.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn fill_row(xs: &mut [f64], ys: &mut [f64], st: &[u8], (w0s, w1s, w2s): (&[f64], &[f64], &[f64]), n: &[f64; 6]) -> usize {
        let m = xs.len();
        assert!(ys.len() == m && st.len() == m && w0s.len() == m && w1s.len() == m && w2s.len() == m);
        let nv = n.map(|v| _mm256_set1_pd(v));
        let two = _mm_set1_epi32(2);
        let end = m - m % 4;
        let mut i = 0;
        while i < end {
            let (w0, w1, w2) = (_mm256_loadu_pd(w0s.as_ptr().add(i)), _mm256_loadu_pd(w1s.as_ptr().add(i)), _mm256_loadu_pd(w2s.as_ptr().add(i)));
            // The same operations as the scalar loop: (w0·n0 + w1·n1) + w2·n2, no FMA.
            let xi = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(w0, nv[0]), _mm256_mul_pd(w1, nv[1])), _mm256_mul_pd(w2, nv[2]));
            let yi = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(w0, nv[3]), _mm256_mul_pd(w1, nv[4])), _mm256_mul_pd(w2, nv[5]));
            // Four state bytes widened to 64-bit lanes: all ones where exact.
            let s = _mm_cvtsi32_si128(i32::from_le_bytes([st[i], st[i + 1], st[i + 2], st[i + 3]]));
            let keep = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpeq_epi32(_mm_cvtepu8_epi32(s), two)));
            let (px, py) = (xs.as_mut_ptr().add(i), ys.as_mut_ptr().add(i));
            store(px, _mm256_blendv_pd(xi, _mm256_loadu_pd(px), keep));
            store(py, _mm256_blendv_pd(yi, _mm256_loadu_pd(py), keep));
            i += 4;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_a_quadratic_mapping_and_keeps_exact_corners() {
        let (cw, ch) = (9usize, 7usize);
        let f = |i: f64, j: f64| (0.5 * i * i - 0.25 * i * j + 3.0, 0.1 * j * j + i);
        let mut x = vec![0.0; cw * ch];
        let mut y = vec![0.0; cw * ch];
        let mut state = vec![0u8; cw * ch];
        // Cell (0,0)-(8,6) with middle nodes 4 and 3; one extra exact corner with a marker value.
        for &j in &[0usize, 3, 6] {
            for &i in &[0usize, 4, 8] {
                let (a, b) = f(i as f64, j as f64);
                x[i + cw * j] = a;
                y[i + cw * j] = b;
                state[i + cw * j] = 2;
            }
        }
        x[1 + cw] = 99.0;
        state[1 + cw] = 2;
        fill_corner_cells(&[0, 0, 8, 6, 4, 3], cw, ch, &mut x, &mut y, &state).unwrap();
        for j in 0..ch {
            for i in 0..cw {
                if i == 1 && j == 1 {
                    assert_eq!(x[i + cw * j], 99.0);
                    continue;
                }
                let (a, b) = f(i as f64, j as f64);
                assert!((x[i + cw * j] - a).abs() < 1e-12 && (y[i + cw * j] - b).abs() < 1e-12, "{i},{j}");
            }
        }
    }

    #[test]
    fn rejects_cells_outside_the_grid() {
        let mut x = vec![0.0; 4];
        let mut y = vec![0.0; 4];
        assert!(fill_corner_cells(&[0, 0, 2, 1, -1, -1], 2, 2, &mut x, &mut y, &[0; 4]).is_err());
    }
}

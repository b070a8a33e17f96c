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
    // the offsets from i0).
    let mut col_off = vec![0usize; n_cells];
    let mut weights: Vec<f64> = Vec::new();
    let mut shapes: std::collections::HashMap<(i32, i32), usize> = std::collections::HashMap::new();
    let mut w = [0.0f64; 3];
    for (c, g) in cells.chunks_exact(6).enumerate() {
        let (i0, i1, mi) = (g[0], g[2], g[4]);
        let key = (i1 - i0, if mi < 0 { -1 } else { mi - i0 });
        col_off[c] = *shapes.entry(key).or_insert_with(|| {
            let off = weights.len();
            for i in i0..=i1 {
                lagrange(i0, mi, i1, i as f64, &mut w);
                weights.extend_from_slice(&w);
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
            // Branch-free over the cell's row (a select keeps the exact corners), so it vectorises.
            let (lo, hi) = (i0 as usize, i1 as usize);
            let m = hi - lo + 1;
            let wi = &weights[col_off[c]..col_off[c] + 3 * m];
            let (xs, ys, st) = (&mut x[row + lo..row + hi + 1], &mut y[row + lo..row + hi + 1], &state[row + lo..row + hi + 1]);
            for i in 0..m {
                let (w0, w1, w2) = (wi[3 * i], wi[3 * i + 1], wi[3 * i + 2]);
                let exact = st[i] == 2;
                let xi = w0 * n[0] + w1 * n[1] + w2 * n[2];
                let yi = w0 * n[3] + w1 * n[4] + w2 * n[5];
                xs[i] = if exact { xs[i] } else { xi };
                ys[i] = if exact { ys[i] } else { yi };
            }
        }
    }
    Ok(())
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

//! `project`'s checked corner grid in one call: the Rust twin of `interpolateCorners` in
//! src/stages/project-grid.ts (the method is described there), with the exact mapping a
//! closure — for `project`, template pixel → sky → input pixel through [`crate::wcs`].
//!
//! Why native: in TypeScript the refinement and the WCS chain behind it were a fifth of a
//! build's JavaScript time, and the optimising compiler spent ~0.4 s of CPU per M17 build
//! compiling them in every thread.
//!
//! Same cells, checks, splits and acceptance order as the TypeScript, so with the same exact
//! values the corners agree bit for bit (the fill is [`crate::corner_fill`] in both); the
//! exact values themselves agree with the TypeScript `Wcs` to ~1e-12 (test/wcs/native.test.ts).

use crate::corner_fill::fill_corner_cells;
use crate::homography::homography_corners;
use crate::error::{check_len, KernelError};
use crate::wcs::{rotate_sky, Wcs};

/// Nodes and check points of one side of a cell (see the TypeScript `axis`).
#[derive(Clone, Copy)]
struct Axis {
    nodes: [i32; 3],
    n_nodes: usize,
    checks: [i32; 3],
    n_checks: usize,
}

fn axis(a: i32, b: i32) -> Axis {
    if b - a < 2 {
        return Axis { nodes: [a, b, 0], n_nodes: 2, checks: [a, b, 0], n_checks: 2 };
    }
    let m = (a + b) >> 1;
    let mut checks = [0i32; 3];
    let mut n = 0;
    for q in [(a + m) >> 1, (m + b + 1) >> 1] {
        if q != a && q != m && q != b && !checks[..n].contains(&q) {
            checks[n] = q;
            n += 1;
        }
    }
    if n == 0 {
        return Axis { nodes: [a, m, b], n_nodes: 3, checks: [a, m, b], n_checks: 3 };
    }
    Axis { nodes: [a, m, b], n_nodes: 3, checks, n_checks: n }
}

/// Lagrange weights of `nodes` at `t` (as the TypeScript `lagrange`).
fn lagrange(ax: &Axis, t: f64, w: &mut [f64; 3]) {
    if ax.n_nodes == 2 {
        let (a, b) = (ax.nodes[0] as f64, ax.nodes[1] as f64);
        let u = (t - a) / (b - a);
        *w = [1.0 - u, u, 0.0];
        return;
    }
    let (a, m, b) = (ax.nodes[0] as f64, ax.nodes[1] as f64, ax.nodes[2] as f64);
    w[0] = ((t - m) * (t - b)) / ((a - m) * (a - b));
    w[1] = ((t - a) * (t - b)) / ((m - a) * (m - b));
    w[2] = ((t - a) * (t - m)) / ((b - a) * (b - m));
}

/// 0, step, 2·step, …, n − 1.
fn grid_lines(n: usize, step: usize) -> Vec<usize> {
    let mut lines: Vec<usize> = (0..n.saturating_sub(1)).step_by(step).collect();
    if lines.last() != Some(&(n - 1)) {
        lines.push(n - 1);
    }
    lines
}

/// The corners mapped so far and how (0 not mapped, 2 exact), with the exact map.
struct Exact<'a, F> {
    map: F,
    cw: usize,
    x: &'a mut [f64],
    y: &'a mut [f64],
    state: &'a mut [u8],
    count: usize,
}

impl<F: FnMut(usize, usize) -> (f64, f64)> Exact<'_, F> {
    fn add(&mut self, i: usize, j: usize) {
        let k = i + self.cw * j;
        if self.state[k] != 0 {
            return;
        }
        (self.x[k], self.y[k]) = (self.map)(i, j);
        self.state[k] = 2;
        self.count += 1;
    }
}

/// Σ wi[p]·wj[q]·arr[node p, node q], in the TypeScript `interpolate`'s order.
fn interpolate(arr: &[f64], ni: &Axis, nj: &Axis, wi: &[f64; 3], wj: &[f64; 3], cw: usize) -> f64 {
    let mut sum = 0.0;
    for q in 0..nj.n_nodes {
        let row = cw * nj.nodes[q] as usize;
        let mut r = 0.0;
        for p in 0..ni.n_nodes {
            r += wi[p] * arr[row + ni.nodes[p] as usize];
        }
        sum += wj[q] * r;
    }
    sum
}

/// The arguments [`interpolate_corners`] and [`map_corner_grid`] check before any work.
fn check_grid_args(cw: usize, ch: usize, step: usize, tol: f64, x: &[f64], y: &[f64], state: &[u8]) -> Result<(), KernelError> {
    let total = cw * ch;
    check_len("x", total, x.len())?;
    check_len("y", total, y.len())?;
    check_len("state", total, state.len())?;
    if step < 2 {
        return Err(KernelError::Argument { name: "step", reason: "must be at least 2" });
    }
    if !(tol > 0.0) {
        return Err(KernelError::Argument { name: "tol", reason: "must be positive" });
    }
    Ok(())
}

/// Maps the `cw × ch` corner grid into `x`, `y` (index `i + cw·j`): exactly (`exact(i, j)`)
/// on the checked coarse grid every `step` corners, interpolated elsewhere; `state` is left 2
/// where a corner was mapped exactly, 0 elsewhere. Returns how many were mapped exactly.
///
/// Errors: [`KernelError`] for arrays that are not `cw·ch` long, `step < 2` or `tol ≤ 0`.
#[allow(clippy::too_many_arguments)]
pub fn interpolate_corners<F: FnMut(usize, usize) -> (f64, f64)>(
    cw: usize,
    ch: usize,
    step: usize,
    tol: f64,
    exact: F,
    x: &mut [f64],
    y: &mut [f64],
    state: &mut [u8],
) -> Result<usize, KernelError> {
    check_grid_args(cw, ch, step, tol, x, y, state)?;
    let total = cw * ch;
    if total == 0 {
        return Ok(0);
    }
    state.fill(0);
    let mut ex = Exact { map: exact, cw, x, y, state, count: 0 };
    let nodes_i = grid_lines(cw, step);
    let nodes_j = grid_lines(ch, step);
    for &j in &nodes_j {
        for &i in &nodes_i {
            ex.add(i, j);
        }
    }
    let mut cells: Vec<[i32; 4]> = Vec::new();
    for b in 0..nodes_j.len().saturating_sub(1) {
        for a in 0..nodes_i.len().saturating_sub(1) {
            cells.push([nodes_i[a] as i32, nodes_j[b] as i32, nodes_i[a + 1] as i32, nodes_j[b + 1] as i32]);
        }
    }
    let mut accepted: Vec<i32> = Vec::new();
    let (mut wi, mut wj) = ([0.0f64; 3], [0.0f64; 3]);
    while !cells.is_empty() {
        // Every node and check point of this level first (the TypeScript maps them in one batch).
        let level: Vec<([i32; 4], Axis, Axis)> = cells.iter().map(|&c| (c, axis(c[0], c[2]), axis(c[1], c[3]))).collect();
        for (_, gi, gj) in &level {
            for &j in &gj.nodes[..gj.n_nodes] {
                for &i in &gi.nodes[..gi.n_nodes] {
                    ex.add(i as usize, j as usize);
                }
            }
            for &j in &gj.checks[..gj.n_checks] {
                for &i in &gi.checks[..gi.n_checks] {
                    ex.add(i as usize, j as usize);
                }
            }
        }
        let mut next: Vec<[i32; 4]> = Vec::new();
        for (c, gi, gj) in &level {
            let all_nodes = (c[2] - c[0] + 1) as usize <= gi.n_nodes && (c[3] - c[1] + 1) as usize <= gj.n_nodes;
            if all_nodes {
                continue;
            }
            let mut ok = true;
            for &j in &gj.checks[..gj.n_checks] {
                lagrange(gj, j as f64, &mut wj);
                for &i in &gi.checks[..gi.n_checks] {
                    lagrange(gi, i as f64, &mut wi);
                    let k = i as usize + cw * j as usize;
                    // NaN compares false, so a NaN node or check point fails the test.
                    if !((interpolate(ex.x, gi, gj, &wi, &wj, cw) - ex.x[k]).abs() <= tol)
                        || !((interpolate(ex.y, gi, gj, &wi, &wj, cw) - ex.y[k]).abs() <= tol)
                    {
                        ok = false;
                    }
                }
            }
            if ok {
                let mid = |a: &Axis| if a.n_nodes == 3 { a.nodes[1] } else { -1 };
                accepted.extend_from_slice(&[c[0], c[1], c[2], c[3], mid(gi), mid(gj)]);
                continue;
            }
            // Quadrants (halves where a side is one corner wide): their corners are this cell's nodes.
            for b in 0..gj.n_nodes - 1 {
                for a in 0..gi.n_nodes - 1 {
                    next.push([gi.nodes[a], gj.nodes[b], gi.nodes[a + 1], gj.nodes[b + 1]]);
                }
            }
        }
        cells = next;
    }
    let count = ex.count;
    fill_corner_cells(&accepted, cw, ch, ex.x, ex.y, ex.state)?;
    Ok(count)
}

/// [`interpolate_corners`] for `project`: corner (i, j) is template pixel (x0 + i + 0.5,
/// y0 + j + 0.5) (1-based), mapped to the sky by `template`, through the frame rotation `rot`
/// when the input's celestial frame differs, and to the input's 0-based pixel by `input`.
/// Between two gnomonic WCSs the map is a homography, taken directly where it checks
/// ([`crate::homography`]); elsewhere, and where it does not check, the checked grid.
#[allow(clippy::too_many_arguments)]
pub fn map_corner_grid(
    template: &Wcs,
    input: &Wcs,
    rot: Option<&[f64; 9]>,
    x0: f64,
    y0: f64,
    cw: usize,
    ch: usize,
    step: usize,
    tol: f64,
    x: &mut [f64],
    y: &mut [f64],
    state: &mut [u8],
) -> Result<usize, KernelError> {
    let exact = |i: usize, j: usize| {
        let (mut l, mut b) = template.pix_to_sky_one(x0 + i as f64 + 0.5, y0 + j as f64 + 0.5);
        if let Some(m) = rot {
            (l, b) = rotate_sky(m, l, b);
        }
        let (px, py) = input.sky_to_pix_one(l, b);
        (px - 1.0, py - 1.0)
    };
    // Checked here too, so that the homography path refuses what the grid would.
    check_grid_args(cw, ch, step, tol, x, y, state)?;
    if template.is_gnomonic() && input.is_gnomonic() {
        if let Some(count) = homography_corners(cw, ch, tol, exact, x, y, state)? {
            return Ok(count);
        }
    }
    interpolate_corners(cw, ch, step, tol, exact, x, y, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth map the grid interpolates within tolerance, and a kinked one it must refine.
    fn run(cw: usize, ch: usize, f: impl Fn(f64, f64) -> (f64, f64)) -> (Vec<f64>, Vec<f64>, usize) {
        let (mut x, mut y, mut s) = (vec![0.0; cw * ch], vec![0.0; cw * ch], vec![0u8; cw * ch]);
        let n = interpolate_corners(cw, ch, 16, 1e-4, |i, j| f(i as f64, j as f64), &mut x, &mut y, &mut s).unwrap();
        (x, y, n)
    }

    #[test]
    fn smooth_maps_are_interpolated_to_tolerance_from_few_exact_corners() {
        let f = |i: f64, j: f64| (1.5 * i + 0.001 * j * j, -0.7 * j + 1e-4 * i * j);
        let (x, y, n) = run(101, 67, f);
        assert!(n < 101 * 67 / 5, "{n} exact");
        for j in 0..67 {
            for i in 0..101 {
                let (ex, ey) = f(i as f64, j as f64);
                assert!((x[i + 101 * j] - ex).abs() < 1e-9 && (y[i + 101 * j] - ey).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn a_kink_is_refined_down_to_exact_corners() {
        let f = |i: f64, j: f64| (if i > 40.3 { 2.0 * i } else { i }, j);
        let (x, _, _) = run(80, 20, f);
        for j in 0..20 {
            for i in 0..80 {
                let e = f(i as f64, j as f64).0;
                assert!((x[i + 80 * j] - e).abs() <= 1e-4 * 4.0, "corner ({i}, {j}): {} vs {e}", x[i + 80 * j]);
            }
        }
    }

    #[test]
    fn nan_regions_stay_exact_and_nan() {
        let f = |i: f64, j: f64| if i + j > 50.0 { (f64::NAN, f64::NAN) } else { (i, j) };
        let (x, _, _) = run(40, 40, f);
        assert!(x[39 + 40 * 39].is_nan());
        assert_eq!(x[3 + 40 * 5], 3.0);
    }

    #[test]
    fn bad_arguments_are_refused() {
        let (mut x, mut y, mut s) = (vec![0.0; 4], vec![0.0; 4], vec![0u8; 4]);
        assert!(interpolate_corners(2, 2, 1, 1e-4, |i, j| (i as f64, j as f64), &mut x, &mut y, &mut s).is_err());
        assert!(interpolate_corners(3, 2, 16, 1e-4, |i, j| (i as f64, j as f64), &mut x, &mut y, &mut s).is_err());
    }
}

//! `project`'s corner grid from one plane-to-plane homography, where the template → input map
//! is one: between two gnomonic (TAN) projections without distortion it is, exactly — both
//! are central projections of the sphere onto planes, and a change of celestial frame is a
//! rotation about the centre, which keeps that (the property Montage's mProjectPP rests on).
//! Fitted through the exact images of the grid's four corners (Heckbert's square-to-quad
//! form), and used only where it reproduces the exact map at a 3 × 3 set of inner corners to a
//! thousandth of the grid's tolerance; then every corner comes from it, with no refinement
//! and no trigonometry. TypeScript twin: `src/stages/project-homography.ts` (same operations).
//!
//! Reference: P. Heckbert, "Fundamentals of Texture Mapping and Image Warping" (UC Berkeley
//! MS thesis, 1989), §2.2.3; Calabretta & Greisen 2002 (A&A 395, 1077) for TAN.

use crate::error::{check_len, KernelError};

/// `(u, v) ∈ [0, 1]² ↦ ((a·u + b·v + c) / w, (d·u + e·v + f) / w)`, `w = g·u + h·v + 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SquareToQuad {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
    pub g: f64,
    pub h: f64,
}

impl SquareToQuad {
    /// The homography taking (0, 0), (1, 0), (1, 1), (0, 1) to `q[0]`, …, `q[3]`; None when the
    /// quad is degenerate (three corners on a line).
    pub fn new(q: [(f64, f64); 4]) -> Option<Self> {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let (sx, sy) = (((x0 - x1) + x2) - x3, ((y0 - y1) + y2) - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        if !(den.abs() > 0.0) {
            return None;
        }
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        Some(SquareToQuad { a: (x1 - x0) + g * x1, b: (x3 - x0) + h * x3, c: x0, d: (y1 - y0) + g * y1, e: (y3 - y0) + h * y3, f: y0, g, h })
    }

    /// The image of (u, v).
    #[inline(always)]
    pub fn at(&self, u: f64, v: f64) -> (f64, f64) {
        let w = self.g * u + (self.h * v + 1.0);
        ((self.a * u + (self.b * v + self.c)) / w, (self.d * u + (self.e * v + self.f)) / w)
    }
}

/// Fraction of the grid's tolerance the homography must meet at its check corners.
const CHECK_FRACTION: f64 = 1e-3;

/// The corner grid of [`crate::corner_grid::interpolate_corners`] from one homography, when the
/// map is one (see the module comment): `Some(corners mapped exactly)` with `x`, `y` filled
/// and `state` cleared, or None (nothing written but possibly `x`, `y`) when the grid is too
/// small, a corner is off the map, or a check misses `CHECK_FRACTION · tol`.
#[allow(clippy::too_many_arguments)]
pub fn homography_corners<F: FnMut(usize, usize) -> (f64, f64)>(
    cw: usize,
    ch: usize,
    tol: f64,
    mut exact: F,
    x: &mut [f64],
    y: &mut [f64],
    state: &mut [u8],
) -> Result<Option<usize>, KernelError> {
    check_len("x", cw * ch, x.len())?;
    check_len("y", cw * ch, y.len())?;
    check_len("state", cw * ch, state.len())?;
    if cw < 5 || ch < 5 {
        return Ok(None);
    }
    let (wn, hn) = (cw - 1, ch - 1);
    let q = [exact(0, 0), exact(wn, 0), exact(wn, hn), exact(0, hn)];
    if q.iter().any(|p| !(p.0.is_finite() && p.1.is_finite())) {
        return Ok(None);
    }
    let Some(m) = SquareToQuad::new(q) else { return Ok(None) };
    // w is linear and 1 at (0, 0): positive at the other three corners, it is so inside.
    if !(m.g + 1.0 > 0.0 && m.g + (m.h + 1.0) > 0.0 && m.h + 1.0 > 0.0) {
        return Ok(None);
    }
    let (su, sv) = (1.0 / wn as f64, 1.0 / hn as f64);
    let limit = CHECK_FRACTION * tol;
    for j in [hn / 4, hn / 2, (3 * hn) / 4] {
        for i in [wn / 4, wn / 2, (3 * wn) / 4] {
            let (ex, ey) = exact(i, j);
            let (hx, hy) = m.at(i as f64 * su, j as f64 * sv);
            if !((hx - ex).abs() <= limit && (hy - ey).abs() <= limit) {
                return Ok(None);
            }
        }
    }
    fill(&m, cw, ch, su, sv, x, y);
    state.fill(0);
    Ok(Some(13))
}

avx2_twin! {
    /// Every corner from `m`: corner (i, j) at (u, v) = (i·su, j·sv).
    fn fill(m: &SquareToQuad, cw: usize, ch: usize, su: f64, sv: f64, x: &mut [f64], y: &mut [f64]) -> () => fill_body
}

#[inline(always)]
fn fill_body(m: &SquareToQuad, cw: usize, ch: usize, su: f64, sv: f64, x: &mut [f64], y: &mut [f64]) {
    let us: Vec<f64> = (0..cw).map(|i| i as f64 * su).collect();
    for j in 0..ch {
        let v = j as f64 * sv;
        // at(u, v) with the row's terms taken out, the same operations in the same order.
        let (bv, ev, hv) = (m.b * v + m.c, m.e * v + m.f, m.h * v + 1.0);
        let (xr, yr) = (&mut x[j * cw..(j + 1) * cw], &mut y[j * cw..(j + 1) * cw]);
        for ((xo, yo), &u) in xr.iter_mut().zip(yr.iter_mut()).zip(&us) {
            let w = m.g * u + hv;
            *xo = (m.a * u + bv) / w;
            *yo = (m.d * u + ev) / w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_to_quad_takes_the_corners_and_keeps_lines_straight() {
        let q = [(2.0, 1.0), (10.0, 1.5), (11.0, 9.0), (1.0, 8.0)];
        let m = SquareToQuad::new(q).unwrap();
        for (k, (u, v)) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)].into_iter().enumerate() {
            let (x, y) = m.at(u, v);
            assert!((x - q[k].0).abs() < 1e-12 && (y - q[k].1).abs() < 1e-12, "{k}");
        }
        // The image of the diagonal u = v is the straight segment between its ends.
        let (p, r) = (m.at(0.0, 0.0), m.at(1.0, 1.0));
        let (x, y) = m.at(0.3, 0.3);
        let cross = (r.0 - p.0) * (y - p.1) - (r.1 - p.1) * (x - p.0);
        assert!(cross.abs() < 1e-9);
        assert!(SquareToQuad::new([(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]).is_none());
    }

    #[test]
    fn takes_a_projective_map_and_refuses_a_curved_one() {
        let (cw, ch) = (41, 29);
        let proj = |i: usize, j: usize| {
            let (u, v) = (i as f64, j as f64);
            let w = 1.0 + 1e-4 * u - 2e-4 * v;
            ((3.0 + 0.9 * u + 0.1 * v) / w, (-2.0 - 0.1 * u + 1.1 * v) / w)
        };
        let (mut x, mut y, mut s) = (vec![0.0; cw * ch], vec![0.0; cw * ch], vec![1u8; cw * ch]);
        assert_eq!(homography_corners(cw, ch, 1e-4, proj, &mut x, &mut y, &mut s).unwrap(), Some(13));
        for j in 0..ch {
            for i in 0..cw {
                let (ex, ey) = proj(i, j);
                assert!((x[i + cw * j] - ex).abs() < 1e-10 && (y[i + cw * j] - ey).abs() < 1e-10, "({i}, {j})");
            }
        }
        assert!(s.iter().all(|&v| v == 0));
        // A quadratic term of 1e-6 px at the centre is a thousand times the check's limit.
        let curved = |i: usize, j: usize| {
            let (u, v) = (i as f64, j as f64);
            (u + 1e-6 * (u * (40.0 - u)) / 400.0 * 4.0, v)
        };
        assert_eq!(homography_corners(cw, ch, 1e-4, curved, &mut x, &mut y, &mut s).unwrap(), None);
        assert_eq!(homography_corners(4, 4, 1e-4, proj, &mut x[..16], &mut y[..16], &mut s[..16]).unwrap(), None);
    }
}

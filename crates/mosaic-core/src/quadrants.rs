//! Areas of a polygon's parts in the four quadrants around the origin, without building
//! the parts: the fast path of exact reprojection for quads that touch at most 2×2 input
//! pixels (the cut lines `x = k + 0.5`, `y = l + 0.5` are moved onto the axes).
//!
//! By Green's theorem the area of a region is `½ ∮ (x dy − y dx)`, and along a line
//! through the origin the integrand vanishes. So the area of `polygon ∩ quadrant` is the
//! shoelace sum over the polygon's edges cut at the axes, each piece credited to the
//! quadrant it lies in; the closing segments along the axes contribute exactly zero and
//! need not be formed. Each edge is cut at most twice, so a quad costs four short
//! branches and at most two divisions per edge — no polygons, no allocation.
//! Exact (up to rounding) for simple polygons, convex or not; the caller
//! (`reproject.rs`) uses it only for convex quads ([`is_convex`]) and sends the rest —
//! concave or self-intersecting, where "area" is ambiguous — to the clipping path.
//!
//! Reference: the shoelace / Green's-theorem area (e.g. Braden, "The surveyor's area
//! formula", College Math. J. 17(4), 1986); the same edge-wise accumulation is used by
//! exact-coverage scan converters (e.g. font rasterisers that sum signed trapezoids).
//! The TypeScript twin is `quadrantAreas` in `src/kernels/reproject-exact.ts`, with the
//! same operations in the same order.

/// Index of the quadrant with `x > 0` (bit 0) and `y > 0` (bit 1).
#[inline(always)]
fn quadrant(x_positive: bool, y_positive: bool) -> usize {
    x_positive as usize + 2 * y_positive as usize
}

/// Adds the edge `p → q` (cut at the axes) to the quadrant sums of twice the signed area.
/// A coordinate that is exactly 0 is on an axis and never counts as a crossing; which
/// quadrant such a piece goes to does not matter when its contribution is exactly zero,
/// and otherwise the signs of coordinate sums pick the right one.
#[inline(always)]
fn add_edge(px: f64, py: f64, qx: f64, qy: f64, acc: &mut [f64; 4]) {
    // Strictly opposite signs. (A product that underflows to 0 reads as no crossing; the
    // edge is then within 1e-154 of the axis and the error is far below rounding.)
    let cross_x = px * qx < 0.0;
    let cross_y = py * qy < 0.0;
    if !cross_x && !cross_y {
        acc[quadrant(px + qx > 0.0, py + qy > 0.0)] += px * qy - qx * py;
    } else if !cross_y {
        // Crosses the y axis at (0, yc): pieces p → (0, yc) and (0, yc) → q.
        let yc = py + (px / (px - qx)) * (qy - py);
        let up = py + qy > 0.0;
        acc[quadrant(px > 0.0, up)] += px * yc;
        acc[quadrant(qx > 0.0, up)] -= qx * yc;
    } else if !cross_x {
        // Crosses the x axis at (xc, 0): pieces p → (xc, 0) and (xc, 0) → q.
        let xc = px + (py / (py - qy)) * (qx - px);
        let right = px + qx > 0.0;
        acc[quadrant(right, py > 0.0)] -= xc * py;
        acc[quadrant(right, qy > 0.0)] += xc * qy;
    } else {
        // Crosses both axes: three pieces, in the order of the crossings along the edge.
        let tx = px / (px - qx);
        let ty = py / (py - qy);
        let yc = py + tx * (qy - py);
        let xc = px + ty * (qx - px);
        if tx <= ty {
            acc[quadrant(px > 0.0, py > 0.0)] += px * yc;
            acc[quadrant(qx > 0.0, py > 0.0)] -= xc * yc;
            acc[quadrant(qx > 0.0, qy > 0.0)] += xc * qy;
        } else {
            acc[quadrant(px > 0.0, py > 0.0)] -= xc * py;
            acc[quadrant(px > 0.0, qy > 0.0)] += xc * yc;
            acc[quadrant(qx > 0.0, qy > 0.0)] -= qx * yc;
        }
    }
}

/// Twice the signed areas of the parts of the quad `(xs[c], ys[c])`, `c = 0..4` in order
/// around it, lying in the quadrants `x < 0, y < 0` (index 0), `x > 0, y < 0` (1),
/// `x < 0, y > 0` (2) and `x > 0, y > 0` (3). Positive for counter-clockwise quads; the
/// four add up to twice the quad's signed area. Coordinates must be finite.
#[inline(always)]
pub fn quadrant_areas(xs: &[f64; 4], ys: &[f64; 4]) -> [f64; 4] {
    let mut acc = [0.0; 4];
    add_edge(xs[3], ys[3], xs[0], ys[0], &mut acc);
    add_edge(xs[0], ys[0], xs[1], ys[1], &mut acc);
    add_edge(xs[1], ys[1], xs[2], ys[2], &mut acc);
    add_edge(xs[2], ys[2], xs[3], ys[3], &mut acc);
    acc
}

/// Whether the quad turns the same way at every corner (convex, or degenerate with
/// collinear corners): then it is simple and [`quadrant_areas`] applies.
#[inline(always)]
pub fn is_convex(xs: &[f64; 4], ys: &[f64; 4]) -> bool {
    let turn = |a: usize, b: usize, c: usize| (xs[b] - xs[a]) * (ys[c] - ys[b]) - (ys[b] - ys[a]) * (xs[c] - xs[b]);
    let t = [turn(3, 0, 1), turn(0, 1, 2), turn(1, 2, 3), turn(2, 3, 0)];
    t.iter().all(|&v| v >= 0.0) || t.iter().all(|&v| v <= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clip::{split, Axis, Poly};

    /// Areas of the four quadrant parts by clipping (the slow, obvious way).
    fn by_clipping(xs: &[f64; 4], ys: &[f64; 4]) -> [f64; 4] {
        let mut quad = Poly::default();
        for c in 0..4 {
            quad.push(xs[c], ys[c]);
        }
        let (mut left, mut right) = (Poly::default(), Poly::default());
        split(&quad, Axis::X, 0.0, &mut left, &mut right);
        let mut out = [0.0; 4];
        for (side, half) in [left, right].iter().enumerate() {
            let (mut low, mut high) = (Poly::default(), Poly::default());
            split(half, Axis::Y, 0.0, &mut low, &mut high);
            out[side] = 2.0 * low.signed_area();
            out[side + 2] = 2.0 * high.signed_area();
        }
        out
    }

    #[test]
    fn matches_clipping_on_random_quads() {
        let mut s = 0x1234_5678_9abc_def1u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        };
        let mut tested = 0;
        while tested < 20_000 {
            let mut xs = [0.0; 4];
            let mut ys = [0.0; 4];
            for c in 0..4 {
                xs[c] = next();
                ys[c] = next();
            }
            // Put some corners exactly on an axis, as identity grids do.
            if tested % 7 == 0 {
                xs[tested % 4] = 0.0;
            }
            if tested % 11 == 0 {
                ys[(tested + 1) % 4] = 0.0;
            }
            if !is_convex(&xs, &ys) {
                continue;
            }
            tested += 1;
            let fast = quadrant_areas(&xs, &ys);
            let slow = by_clipping(&xs, &ys);
            for q in 0..4 {
                assert!((fast[q] - slow[q]).abs() <= 1e-14, "{xs:?} {ys:?}: {fast:?} vs {slow:?}");
            }
        }
    }

    #[test]
    fn unit_square_in_one_quadrant_is_exact() {
        let a = quadrant_areas(&[-1.0, 0.0, 0.0, -1.0], &[-1.0, -1.0, 0.0, 0.0]);
        assert_eq!(a, [2.0, 0.0, 0.0, 0.0]);
        let b = quadrant_areas(&[-0.5, 0.5, 0.5, -0.5], &[-0.5, -0.5, 0.5, 0.5]);
        assert_eq!(b, [0.5, 0.5, 0.5, 0.5]);
    }

    #[test]
    fn convexity() {
        assert!(is_convex(&[0.0, 1.0, 1.0, 0.0], &[0.0, 0.0, 1.0, 1.0]));
        assert!(is_convex(&[0.0, 0.0, 1.0, 1.0], &[0.0, 1.0, 1.0, 0.0]));
        // Bow tie (self-intersecting) and a dart (concave).
        assert!(!is_convex(&[0.0, 1.0, 0.0, 1.0], &[0.0, 0.0, 1.0, 1.0]));
        assert!(!is_convex(&[0.0, 2.0, 0.5, 0.0], &[0.0, 0.0, 0.5, 2.0]));
    }
}

//! Polygon splitting by axis-aligned lines and shoelace areas: the geometry of exact
//! (flux-conserving) reprojection.
//!
//! Reference: Sutherland & Hodgman, "Reentrant polygon clipping", CACM 17(1), 1974 —
//! specialised here to a single axis-aligned line that splits a polygon into the part
//! below and the part above in ONE pass. Both parts share the computed crossing points,
//! so their areas add up to the whole (up to the rounding of the shoelace sums).
//! Montage's mProject uses spherical polygon overlap instead; in pixel space the planar
//! version is exact for the quadrilaterals we are given.

/// Capacity of [`Poly`]. A quadrilateral (even a non-convex one) cut by at most four
/// half-planes of a box has at most 4 + 2·4·2 = 20 vertices; 32 leaves room for
/// points that lie exactly on a cut line and are kept on both sides.
pub const POLY_CAP: usize = 32;

/// A small polygon on the stack (no allocation per pixel).
#[derive(Clone, Copy)]
pub struct Poly {
    pub n: usize,
    pub x: [f64; POLY_CAP],
    pub y: [f64; POLY_CAP],
}

impl Default for Poly {
    fn default() -> Self {
        Poly { n: 0, x: [0.0; POLY_CAP], y: [0.0; POLY_CAP] }
    }
}

impl Poly {
    /// Empties the polygon.
    #[inline(always)]
    pub fn clear(&mut self) {
        self.n = 0;
    }

    /// Appends a vertex (silently dropped past [`POLY_CAP`], which cannot happen for quads).
    #[inline(always)]
    pub fn push(&mut self, x: f64, y: f64) {
        debug_assert!(self.n < POLY_CAP, "polygon capacity exceeded");
        if self.n < POLY_CAP {
            self.x[self.n] = x;
            self.y[self.n] = y;
            self.n += 1;
        }
    }

    /// Signed area by the shoelace formula (positive for counter-clockwise vertices).
    #[inline]
    pub fn signed_area(&self) -> f64 {
        let n = self.n;
        if n < 3 {
            return 0.0;
        }
        let mut twice = 0.0;
        let mut j = n - 1;
        for i in 0..n {
            twice += self.x[j] * self.y[i] - self.x[i] * self.y[j];
            j = i;
        }
        0.5 * twice
    }
}

/// Which coordinate a cut line fixes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Axis {
    /// The line `x = c`.
    X,
    /// The line `y = c`.
    Y,
}

/// Splits `poly` by the line `axis = c` into `below` (coordinate <= c) and `above`
/// (coordinate >= c). Vertices exactly on the line go to both parts; a crossing point is
/// computed only for edges whose ends lie strictly on opposite sides, and is pushed to both.
#[inline]
pub fn split(poly: &Poly, axis: Axis, c: f64, below: &mut Poly, above: &mut Poly) {
    below.clear();
    above.clear();
    let n = poly.n;
    if n == 0 {
        return;
    }
    let (u, v) = match axis {
        Axis::X => (&poly.x, &poly.y),
        Axis::Y => (&poly.y, &poly.x),
    };
    let mut sv = v[n - 1];
    let mut ds = u[n - 1] - c;
    for i in 0..n {
        let eu = u[i];
        let ev = v[i];
        let de = eu - c;
        if (ds < 0.0 && de > 0.0) || (ds > 0.0 && de < 0.0) {
            let t = ds / (ds - de);
            let cv = sv + t * (ev - sv);
            push_uv(below, axis, c, cv);
            push_uv(above, axis, c, cv);
        }
        if de <= 0.0 {
            push_uv(below, axis, eu, ev);
        }
        if de >= 0.0 {
            push_uv(above, axis, eu, ev);
        }
        sv = ev;
        ds = de;
    }
}

#[inline(always)]
fn push_uv(p: &mut Poly, axis: Axis, u: f64, v: f64) {
    match axis {
        Axis::X => p.push(u, v),
        Axis::Y => p.push(v, u),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64) -> Poly {
        let mut p = Poly::default();
        p.push(x0, y0);
        p.push(x0 + s, y0);
        p.push(x0 + s, y0 + s);
        p.push(x0, y0 + s);
        p
    }

    #[test]
    fn split_square_in_half() {
        let sq = square(0.0, 0.0, 2.0);
        let (mut a, mut b) = (Poly::default(), Poly::default());
        split(&sq, Axis::X, 0.5, &mut a, &mut b);
        assert_eq!(a.signed_area(), 1.0);
        assert_eq!(b.signed_area(), 3.0);
        split(&sq, Axis::Y, 1.5, &mut a, &mut b);
        assert_eq!(a.signed_area(), 3.0);
        assert_eq!(b.signed_area(), 1.0);
    }

    #[test]
    fn split_on_edge_gives_degenerate_part() {
        let sq = square(0.0, 0.0, 1.0);
        let (mut a, mut b) = (Poly::default(), Poly::default());
        split(&sq, Axis::X, 1.0, &mut a, &mut b);
        assert_eq!(a.signed_area(), 1.0);
        assert_eq!(b.signed_area(), 0.0);
    }

    #[test]
    fn split_rotated_square_conserves_area() {
        let mut p = Poly::default();
        let (c, s) = (0.3f64.cos(), 0.3f64.sin());
        for (x, y) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            p.push(c * x - s * y, s * x + c * y);
        }
        let (mut a, mut b) = (Poly::default(), Poly::default());
        split(&p, Axis::Y, 0.2, &mut a, &mut b);
        let total = a.signed_area() + b.signed_area();
        assert!((total - 4.0).abs() < 1e-14, "{total}");
    }
}

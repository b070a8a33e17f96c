//! Pixel → intermediate-plane models: linear (Paper I eq. 3), SIP (Shupe et al. 2005) and TPV
//! (the FITS-registry TPV convention), plus the iterative inverse (a chord iteration from the
//! closed-form guess that switches to the local Jacobian after 3 steps, refreshed every 8). A port of our TypeScript
//! `src/wcs/distortions/{linear,poly,sip,tpv,invert}.ts`, same arithmetic order.

/// A dense bivariate polynomial: `c[p * (order + 1) + q]` multiplies u^p v^q.
#[derive(Debug, Clone, PartialEq)]
pub struct Poly2 {
    pub order: usize,
    pub c: Vec<f64>,
}

impl Poly2 {
    /// Value at (u, v) by nested Horner (same order as `evalPoly2`).
    #[inline]
    pub fn eval(&self, u: f64, v: f64) -> f64 {
        let n = self.order + 1;
        let mut sum = 0.0;
        for p in (0..=self.order).rev() {
            let mut inner = 0.0;
            for q in (0..=self.order - p).rev() {
                inner = inner * v + self.c[p * n + q];
            }
            sum = sum * u + inner;
        }
        sum
    }
}

/// SIP polynomials; AP/BP optional (they seed the inverse iteration).
#[derive(Debug, Clone, PartialEq)]
pub struct Sip {
    pub a: Poly2,
    pub b: Poly2,
    pub ap: Option<Poly2>,
    pub bp: Option<Poly2>,
}

/// TPV: sparse (term index k = 0…39, coefficient) lists per axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tpv {
    pub lon: Vec<(usize, f64)>,
    pub lat: Vec<(usize, f64)>,
    /// Largest power used by any term (sizes the power tables).
    pub max_power: usize,
}

/// [own power, other power, r power] of TPV term k (orders 0…7 plus odd powers of r).
pub fn tpv_terms() -> Vec<[usize; 3]> {
    let mut t = Vec::with_capacity(40);
    for deg in 0..=7 {
        for j in 0..=deg {
            t.push([deg - j, j, 0]);
        }
        if deg % 2 == 1 {
            t.push([0, 0, deg]);
        }
    }
    t
}

/// The distortion on top of the linear map.
#[derive(Debug, Clone, PartialEq)]
pub enum Distortion {
    None,
    Sip(Sip),
    Tpv(Tpv),
}

/// The full pixel → plane model with its inverse.
#[derive(Debug, Clone)]
pub struct Plane {
    crpix: [f64; 2],
    cd: [f64; 4],
    inv: [f64; 4],
    dist: Distortion,
    /// TPV terms resolved to powers: (coefficient, own, other, r).
    tpv_lon: Vec<(f64, usize, usize, usize)>,
    tpv_lat: Vec<(f64, usize, usize, usize)>,
    tpv_pow: usize,
    /// Inverse Jacobian at CRPIX (for the chord iteration).
    jinv: [f64; 4],
}

const STEP_TOL: f64 = 1e-11;
const ACCEPT_TOL: f64 = 1e-9;
/// Chord steps with the reference Jacobian before switching to the local one (refreshed every 8).
const LOCAL_AFTER: usize = 3;
const MAX_ITER: usize = 50;

impl Plane {
    /// `crpix` 1-based, `cd` row-major degrees per pixel (non-singular: checked by the caller).
    pub fn new(crpix: [f64; 2], cd: [f64; 4], dist: Distortion) -> Self {
        let det = cd[0] * cd[3] - cd[1] * cd[2];
        let inv = [cd[3] / det, -cd[1] / det, -cd[2] / det, cd[0] / det];
        let terms = tpv_terms();
        let (mut tpv_lon, mut tpv_lat, mut tpv_pow) = (Vec::new(), Vec::new(), 1);
        if let Distortion::Tpv(t) = &dist {
            let res = |l: &[(usize, f64)]| l.iter().map(|&(k, c)| (c, terms[k][0], terms[k][1], terms[k][2])).collect();
            tpv_lon = res(&t.lon);
            tpv_lat = res(&t.lat);
            tpv_pow = t.max_power;
        }
        let mut p = Plane { crpix, cd, inv, dist, tpv_lon, tpv_lat, tpv_pow, jinv: [0.0; 4] };
        if !p.is_linear() {
            p.jinv = p.local_inverse_jacobian(crpix[0], crpix[1]).unwrap_or([0.0; 4]);
        }
        p
    }

    /// True when there is no distortion (closed-form inverse).
    #[inline]
    pub fn is_linear(&self) -> bool {
        matches!(self.dist, Distortion::None)
    }

    /// 1-based pixel → intermediate (x, y) degrees.
    #[inline]
    pub fn forward(&self, px: f64, py: f64) -> (f64, f64) {
        let u = px - self.crpix[0];
        let v = py - self.crpix[1];
        let m = &self.cd;
        match &self.dist {
            Distortion::None => (m[0] * u + m[1] * v, m[2] * u + m[3] * v),
            Distortion::Sip(s) => {
                let uu = u + s.a.eval(u, v);
                let vv = v + s.b.eval(u, v);
                (m[0] * uu + m[1] * vv, m[2] * uu + m[3] * vv)
            }
            Distortion::Tpv(_) => self.tpv_distort(m[0] * u + m[1] * v, m[2] * u + m[3] * v),
        }
    }

    fn tpv_distort(&self, x: f64, y: f64) -> (f64, f64) {
        const MAXP: usize = 8;
        let mut xp = [0.0; MAXP];
        let mut yp = [0.0; MAXP];
        let mut rp = [0.0; MAXP];
        let r = (x * x + y * y).sqrt();
        xp[0] = 1.0;
        yp[0] = 1.0;
        rp[0] = 1.0;
        for i in 1..=self.tpv_pow.min(MAXP - 1) {
            xp[i] = xp[i - 1] * x;
            yp[i] = yp[i - 1] * y;
            rp[i] = rp[i - 1] * r;
        }
        let mut sx = 0.0;
        for &(c, a, b, k) in &self.tpv_lon {
            sx += c * xp[a] * yp[b] * rp[k];
        }
        let mut sy = 0.0;
        for &(c, a, b, k) in &self.tpv_lat {
            sy += c * yp[a] * xp[b] * rp[k];
        }
        (sx, sy)
    }

    /// Closed-form (approximate for SIP/TPV) inverse: the starting point of the iteration.
    #[inline]
    fn guess(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.inv;
        match &self.dist {
            Distortion::Sip(s) => {
                let uu = m[0] * x + m[1] * y;
                let vv = m[2] * x + m[3] * y;
                let du = s.ap.as_ref().map_or(0.0, |p| p.eval(uu, vv));
                let dv = s.bp.as_ref().map_or(0.0, |p| p.eval(uu, vv));
                (uu + du + self.crpix[0], vv + dv + self.crpix[1])
            }
            _ => (m[0] * x + m[1] * y + self.crpix[0], m[2] * x + m[3] * y + self.crpix[1]),
        }
    }

    fn local_inverse_jacobian(&self, px: f64, py: f64) -> Option<[f64; 4]> {
        let h = 1e-3;
        let (ax, ay) = self.forward(px + h, py);
        let (fx, fy) = self.forward(px - h, py);
        let a = (ax - fx) / (2.0 * h);
        let c = (ay - fy) / (2.0 * h);
        let (bx, by) = self.forward(px, py + h);
        let (fx, fy) = self.forward(px, py - h);
        let b = (bx - fx) / (2.0 * h);
        let d = (by - fy) / (2.0 * h);
        let det = a * d - b * c;
        if !det.is_finite() || det == 0.0 {
            return None;
        }
        Some([d / det, -b / det, -c / det, a / det])
    }

    /// Intermediate (x, y) degrees → 1-based pixel; NaN pair when the iteration fails.
    pub fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        if !x.is_finite() || !y.is_finite() {
            return (f64::NAN, f64::NAN);
        }
        let (mut px, mut py) = self.guess(x, y);
        if self.is_linear() {
            return (px, py);
        }
        let mut j = self.jinv;
        let mut converged = false;
        let mut last_step = f64::INFINITY;
        for it in 0..MAX_ITER {
            if it == LOCAL_AFTER || (it > LOCAL_AFTER && (it - LOCAL_AFTER).is_multiple_of(8)) {
                match self.local_inverse_jacobian(px, py) {
                    Some(l) => j = l,
                    None => break,
                }
            }
            let (fx, fy) = self.forward(px, py);
            let rx = x - fx;
            let ry = y - fy;
            let dx = j[0] * rx + j[1] * ry;
            let dy = j[2] * rx + j[3] * ry;
            px += dx;
            py += dy;
            if !px.is_finite() || !py.is_finite() {
                break;
            }
            last_step = dx.abs().max(dy.abs());
            if dx.abs() < STEP_TOL && dy.abs() < STEP_TOL {
                converged = true;
                break;
            }
        }
        if converged || last_step < ACCEPT_TOL {
            (px, py)
        } else {
            (f64::NAN, f64::NAN)
        }
    }
}

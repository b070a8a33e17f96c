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

/// One IRAF TNX correction surface (`lngcor` / `latcor`): Chebyshev (1), Legendre (2) or
/// power series (3) of orders (xorder, yorder), cross terms none (0), full (1) or half (2).
#[derive(Debug, Clone, PartialEq)]
pub struct TnxSurface {
    pub kind: u8,
    pub xorder: usize,
    pub yorder: usize,
    pub xterms: u8,
    pub xmin: f64,
    pub xmax: f64,
    pub ymin: f64,
    pub ymax: f64,
    pub coeff: Vec<f64>,
}

/// TNX: corrections added to the intermediate coordinates (either may be absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Tnx {
    pub lng: Option<TnxSurface>,
    pub lat: Option<TnxSurface>,
}

/// A DSS plate solution: pixel → plate mm → (xi, eta) by the AMD polynomials (arcsec).
#[derive(Debug, Clone, PartialEq)]
pub struct DssPlate {
    pub ppo3: f64,
    pub ppo6: f64,
    pub x_pixel_size: f64,
    pub y_pixel_size: f64,
    pub cnpix1: f64,
    pub cnpix2: f64,
    pub amdx: [f64; 13],
    pub amdy: [f64; 13],
    /// Image centre ((NAXIS1 + 1)/2, (NAXIS2 + 1)/2): reference of the inverse.
    pub centre: [f64; 2],
}

/// The distortion on top of (or, for DSS, instead of) the linear map.
#[derive(Debug, Clone, PartialEq)]
pub enum Distortion {
    None,
    Sip(Sip),
    Tpv(Tpv),
    Tnx(Tnx),
    Dss(DssPlate),
}

/// Largest TNX order accepted (IRAF writes single digits).
pub const TNX_MAX_ORDER: usize = 32;

/// Basis functions 0…order−1 of one variable (TS `basis` in tnx.ts).
fn tnx_basis(kind: u8, v: f64, min: f64, max: f64, order: usize, out: &mut [f64]) {
    out[0] = 1.0;
    if order == 1 {
        return;
    }
    if kind == 3 {
        for k in 1..order {
            out[k] = out[k - 1] * v;
        }
        return;
    }
    let t = (2.0 * v - (max + min)) / (max - min);
    out[1] = t;
    for k in 2..order {
        out[k] = if kind == 1 {
            2.0 * t * out[k - 1] - out[k - 2]
        } else {
            ((2 * k - 1) as f64 * t * out[k - 1] - (k - 1) as f64 * out[k - 2]) / k as f64
        };
    }
}

impl TnxSurface {
    /// Value at (x, y), degrees (TS `evalSurface`, same summation order).
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        let mut xb = [0.0; TNX_MAX_ORDER];
        let mut yb = [0.0; TNX_MAX_ORDER];
        tnx_basis(self.kind, x, self.xmin, self.xmax, self.xorder, &mut xb);
        tnx_basis(self.kind, y, self.ymin, self.ymax, self.yorder, &mut yb);
        let maxorder = self.xorder.max(self.yorder) + 1;
        let mut xincr = self.xorder;
        let mut n = 0;
        let mut acc = 0.0;
        for (i, &ybi) in yb.iter().enumerate().take(self.yorder) {
            let mut sum = 0.0;
            for &xbk in xb.iter().take(xincr) {
                sum += self.coeff[n] * xbk;
                n += 1;
            }
            acc += sum * ybi;
            if self.xterms == 0 {
                xincr = 1;
            } else if self.xterms == 2 && i + 1 + self.xorder + 1 > maxorder {
                xincr -= 1;
            }
        }
        acc
    }
}

impl DssPlate {
    /// Pixel → (xi, eta) degrees (TS `DssModel.forward`, same operation order).
    #[inline]
    pub fn forward(&self, px: f64, py: f64) -> (f64, f64) {
        let x = (self.ppo3 - (px + self.cnpix1 - 0.5) * self.x_pixel_size) / 1000.0;
        let y = ((py + self.cnpix2 - 0.5) * self.y_pixel_size - self.ppo6) / 1000.0;
        let x2 = x * x;
        let y2 = y * y;
        let xy = x * y;
        let r2 = x2 + y2;
        let r4 = r2 * r2;
        let a = &self.amdx;
        let b = &self.amdy;
        let xi = a[0] * x
            + a[1] * y
            + a[2]
            + a[3] * x2
            + a[4] * xy
            + a[5] * y2
            + a[6] * r2
            + a[7] * x2 * x
            + a[8] * x2 * y
            + a[9] * y2 * x
            + a[10] * y2 * y
            + a[11] * x * r2
            + a[12] * x * r4;
        let eta = b[0] * y
            + b[1] * x
            + b[2]
            + b[3] * y2
            + b[4] * xy
            + b[5] * x2
            + b[6] * r2
            + b[7] * y2 * y
            + b[8] * y2 * x
            + b[9] * x2 * y
            + b[10] * x2 * x
            + b[11] * y * r2
            + b[12] * y * r4;
        (xi / 3600.0, eta / 3600.0)
    }
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
    /// Inverse Jacobian at CRPIX (the image centre for DSS), for the chord iteration.
    jinv: [f64; 4],
    /// DSS guess: inverse Jacobian at the centre (forward differences, h = 1) and (xi, eta) there.
    dss_ref: [f64; 6],
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
        let mut p = Plane { crpix, cd, inv, dist, tpv_lon, tpv_lat, tpv_pow, jinv: [0.0; 4], dss_ref: [0.0; 6] };
        let mut reference = crpix;
        if let Distortion::Dss(d) = &p.dist {
            let c = d.centre;
            let h = 1.0;
            let (x0, y0) = d.forward(c[0], c[1]);
            let (fx, fy) = d.forward(c[0] + h, c[1]);
            let (a, cc) = ((fx - x0) / h, (fy - y0) / h);
            let (fx, fy) = d.forward(c[0], c[1] + h);
            let (b, dd) = ((fx - x0) / h, (fy - y0) / h);
            let det = a * dd - b * cc;
            p.dss_ref = [dd / det, -b / det, -cc / det, a / det, x0, y0];
            reference = c;
        }
        if !p.is_linear() {
            p.jinv = p.local_inverse_jacobian(reference[0], reference[1]).unwrap_or([0.0; 4]);
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
            Distortion::Tnx(t) => {
                let x = m[0] * u + m[1] * v;
                let y = m[2] * u + m[3] * v;
                (t.lng.as_ref().map_or(x, |s| x + s.eval(x, y)), t.lat.as_ref().map_or(y, |s| y + s.eval(x, y)))
            }
            Distortion::Dss(d) => d.forward(px, py),
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
            Distortion::Dss(d) => {
                let [i00, i01, i10, i11, x0, y0] = self.dss_ref;
                let (dx, dy) = (x - x0, y - y0);
                (d.centre[0] + i00 * dx + i01 * dy, d.centre[1] + i10 * dx + i11 * dy)
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

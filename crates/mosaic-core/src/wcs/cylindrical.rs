//! Cylindrical projections: CYP, CEA, CAR, MER; and pseudo-cylindrical: SFL/GLS, PAR, MOL, AIT.
//!
//! Reference: Calabretta & Greisen 2002 (Paper II) §5.2–5.3; a port of our TypeScript
//! `src/wcs/projections/cylindrical.ts` and `pseudo-cylindrical.ts` (WCSLIB prj.c rules).

use super::projection::{bad_pv, pv_or, PvParams};
use super::trig::*;
use super::WcsError;

const R0: f64 = R2D;
const BOUNDS_TOL: f64 = 1e-13;

/// CYP: cylindrical perspective; PV2_1 = mu (1), PV2_2 = lambda (1).
#[derive(Debug, Clone)]
pub struct Cyp {
    mu: f64,
    lambda: f64,
    w1: f64,
    w2: f64,
    w3: f64,
}

impl Cyp {
    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let mu = pv_or(p, 1, 1.0);
        let lambda = pv_or(p, 2, 1.0);
        if lambda == 0.0 {
            return Err(bad_pv("CYP", 2, "lambda must be non-zero"));
        }
        if mu + lambda == 0.0 {
            return Err(bad_pv("CYP", 1, "mu + lambda must be non-zero"));
        }
        let w2 = R0 * (mu + lambda);
        Ok(Cyp { mu, lambda, w1: 1.0 / lambda, w2, w3: 1.0 / w2 })
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let p = self.w1 * (x + x0);
        let eta = self.w3 * (y + y0);
        let t = atan2d(eta, 1.0) + asind((eta * self.mu) / (eta * eta + 1.0).sqrt());
        if t.is_nan() {
            OFF
        } else {
            bound(p, t, BOUNDS_TOL)
        }
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let eta = self.mu + cosd(th);
        if eta == 0.0 {
            return OFF;
        }
        (self.lambda * phi - x0, (self.w2 * sind(th)) / eta - y0)
    }
}

/// CEA: cylindrical equal area; PV2_1 = lambda in (0, 1].
#[derive(Debug, Clone)]
pub struct Cea {
    w2: f64,
    w3: f64,
}

impl Cea {
    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let lambda = pv_or(p, 1, 1.0);
        if !(lambda > 0.0 && lambda <= 1.0) {
            return Err(bad_pv("CEA", 1, "lambda must lie in (0, 1]"));
        }
        Ok(Cea { w2: R0 / lambda, w3: lambda / R0 })
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let p = x + x0;
        let s = self.w3 * (y + y0);
        let t = if s.abs() > 1.0 {
            if s.abs() > 1.0 + 1e-13 {
                return OFF;
            }
            if s < 0.0 {
                -90.0
            } else {
                90.0
            }
        } else {
            asind(s)
        };
        bound(p, t, BOUNDS_TOL)
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        (phi - x0, self.w2 * sind(th) - y0)
    }
}

/// CAR: plate carrée.
pub fn car_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    bound(x + x0, y + y0, BOUNDS_TOL)
}

pub fn car_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    (phi - x0, th - y0)
}

/// MER: Mercator.
pub fn mer_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let t = 2.0 * atand(((y + y0) / R0).exp()) - 90.0;
    bound(x + x0, t, BOUNDS_TOL)
}

pub fn mer_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    if !(th > -90.0 && th < 90.0) {
        return OFF;
    }
    (phi - x0, R0 * tand((th + 90.0) / 2.0).ln() - y0)
}

/// SFL (GLS): Sanson–Flamsteed.
pub fn sfl_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let xj = x + x0;
    let yj = y + y0;
    let c = (yj / R0).cos();
    if c == 0.0 {
        OFF
    } else {
        bound(xj * (1.0 / c), yj, 1e-12)
    }
}

pub fn sfl_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    (cosd(th) * phi - x0, th - y0)
}

/// PAR: parabolic.
pub fn par_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let xj = x + x0;
    let r = (y + y0) / 180.0;
    if r > 1.0 || r < -1.0 {
        return OFF;
    }
    let s = 1.0 - 4.0 * r * r;
    let t = 3.0 * asind(r);
    if s == 0.0 {
        return if xj.abs() - 1e-13 < 0.0 { bound(0.0, t, 1e-12) } else { OFF };
    }
    bound(xj * (1.0 / s), t, 1e-12)
}

pub fn par_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let s = sind(th / 3.0);
    ((1.0 - 4.0 * s * s) * phi - x0, 180.0 * s - y0)
}

/// MOL: Mollweide.
pub fn mol_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let w0 = std::f64::consts::SQRT_2 * R0;
    let w2 = 1.0 / w0;
    let w3 = 90.0 / R0;
    let tol = 1e-12;
    let pi = std::f64::consts::PI;
    let xj = x + x0;
    let yj = y + y0;
    let yr = yj / R0;
    let mut r = 2.0 - yr * yr;
    let mut bad = false;
    let mut deferred = false;
    let s;
    if r <= tol {
        if r < -tol {
            bad = true;
        } else {
            deferred = true;
        }
        r = 0.0;
        s = 0.0;
    } else {
        r = r.sqrt();
        s = 1.0 / r;
    }
    let mut z = yj * w2;
    if z.abs() > 1.0 {
        if z.abs() > 1.0 + tol {
            z = 0.0;
            bad = true;
        } else {
            z = (if z < 0.0 { -1.0 } else { 1.0 }) + (yr * r) / pi;
        }
    } else {
        z = (z.asin() * 2.0) / pi + (yr * r) / pi;
    }
    if z.abs() > 1.0 {
        if z.abs() > 1.0 + tol {
            z = 0.0;
            bad = true;
        } else {
            z = if z < 0.0 { -1.0 } else { 1.0 };
        }
    }
    if bad || (deferred && !(xj.abs() - tol < 0.0)) {
        return OFF;
    }
    bound(w3 * xj * s, asind(z), 1e-11)
}

pub fn mol_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let w0 = std::f64::consts::SQRT_2 * R0;
    let w1 = w0 / 90.0;
    let pi = std::f64::consts::PI;
    let (xi, eta);
    if th.abs() == 90.0 {
        xi = 0.0;
        eta = if th < 0.0 { -w0 } else { w0 };
    } else if th == 0.0 {
        xi = 1.0;
        eta = 0.0;
    } else {
        let u = pi * sind(th);
        let (mut v0, mut v1, mut v) = (-pi, pi, u);
        for _ in 0..100 {
            let resid = v - u + v.sin();
            if resid < 0.0 {
                if resid > -1e-13 {
                    break;
                }
                v0 = v;
            } else {
                if resid < 1e-13 {
                    break;
                }
                v1 = v;
            }
            v = (v0 + v1) / 2.0;
        }
        let gamma = v / 2.0;
        xi = gamma.cos();
        eta = w0 * gamma.sin();
    }
    (xi * (w1 * phi) - x0, eta - y0)
}

/// AIT: Hammer–Aitoff.
pub fn ait_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let w0 = 2.0 * R0 * R0;
    let w1 = 1.0 / (2.0 * w0);
    let w2 = w1 / 4.0;
    let w3 = 1.0 / (2.0 * R0);
    let tol = 1e-13;
    let xj = x + x0;
    let yj = y + y0;
    let mut s = 1.0 - xj * xj * w2 - yj * yj * w1;
    let mut bad = false;
    if s < 0.5 {
        if s < 0.5 - tol {
            bad = true;
        }
        s = 0.5;
    }
    let z = s.sqrt();
    let xa = 2.0 * z * z - 1.0;
    let ya = z * (xj * w3);
    let p = if xa == 0.0 && ya == 0.0 { 0.0 } else { 2.0 * atan2d(ya, xa) };
    let mut t = (z * yj) / R0;
    if t.abs() > 1.0 {
        if t.abs() > 1.0 + tol {
            bad = true;
        }
        t = if t < 0.0 { -90.0 } else { 90.0 };
    } else {
        t = asind(t);
    }
    if bad {
        OFF
    } else {
        bound(p, t, 1e-13)
    }
}

pub fn ait_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let w0 = 2.0 * R0 * R0;
    let half = phi / 2.0;
    let costhe = cosd(th);
    let w = (w0 / (1.0 + costhe * cosd(half))).sqrt();
    (2.0 * w * costhe * sind(half) - x0, w * sind(th) - y0)
}

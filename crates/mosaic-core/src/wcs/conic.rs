//! Conic projections COP, COE, COD, COO and the polyconics BON, PCO.
//!
//! Reference: Calabretta & Greisen 2002 (Paper II) §5.5–5.6; a port of our TypeScript
//! `src/wcs/projections/conic.ts` and `polyconic.ts` (WCSLIB prj.c rules).

use super::projection::{bad_pv, pv_or, PvParams};
use super::trig::*;
use super::WcsError;

const R0: f64 = R2D;
const BOUNDS_TOL: f64 = 1e-13;

#[derive(Debug, Clone, Copy)]
enum ConicKind {
    Cop { ta: f64, w3: f64, w4: f64, w5: f64 },
    Coe { w6: f64, w7: f64, w8: f64, w3: f64, w4: f64, w5: f64 },
    Cod { w3: f64 },
    Coo { w3: f64, w4: f64, inv_c: f64 },
}

/// A conic projection: cone constant `c`, apex offset `y0c`, and the family's R(theta).
#[derive(Debug, Clone)]
pub struct Conic {
    kind: ConicKind,
    c: f64,
    y0c: f64,
    negative: bool,
    /// theta_a: the default fiducial latitude.
    pub theta_a: f64,
}

fn theta_a(p: &PvParams, code: &str) -> Result<f64, WcsError> {
    p.pv[1].ok_or_else(|| bad_pv(code, 1, "requires theta_a"))
}

impl Conic {
    pub fn new(code: &str, p: &PvParams) -> Result<Self, WcsError> {
        let ta = theta_a(p, code)?;
        let eta = pv_or(p, 2, 0.0);
        let (kind, c, y0c) = match code {
            "COP" => {
                let c = sind(ta);
                if c == 0.0 {
                    return Err(bad_pv(code, 1, "theta_a must be non-zero"));
                }
                let w3 = R0 * cosd(eta);
                if w3 == 0.0 {
                    return Err(bad_pv(code, 2, "eta must not be ±90"));
                }
                let w5 = 1.0 / tand(ta);
                (ConicKind::Cop { ta, w3, w4: 1.0 / w3, w5 }, c, w3 * w5)
            }
            "COE" => {
                let s1 = sind(ta - eta);
                let s2 = sind(ta + eta);
                let c = (s1 + s2) / 2.0;
                if c == 0.0 {
                    return Err(bad_pv(code, 1, "sin(theta_a - eta) + sin(theta_a + eta) must be non-zero"));
                }
                let w3 = R0 / c;
                let w4 = 1.0 + s1 * s2;
                let w5 = 2.0 * c;
                let kind = ConicKind::Coe {
                    w6: w3 * w3 * w4,
                    w7: 1.0 / (2.0 * R0 * w3),
                    w8: w3 * (w4 + w5).sqrt(),
                    w3,
                    w4,
                    w5,
                };
                (kind, c, w3 * (w4 - w5 * sind(ta)).sqrt())
            }
            "COD" => {
                let c = if eta == 0.0 { R0 * sind(ta) * D2R } else { (R0 * sind(ta) * sind(eta)) / eta };
                if c == 0.0 {
                    return Err(bad_pv(code, 1, "theta_a must be non-zero"));
                }
                let y0c = (R0 * cosd(eta) * cosd(ta)) / c;
                (ConicKind::Cod { w3: y0c + ta }, c, y0c)
            }
            _ => {
                let t1 = ta - eta;
                let t2 = ta + eta;
                let tan1 = tand((90.0 - t1) / 2.0);
                let cos1 = cosd(t1);
                let c =
                    if t1 == t2 { sind(t1) } else { (cosd(t2) / cos1).ln() / (tand((90.0 - t2) / 2.0) / tan1).ln() };
                if c == 0.0 || !c.is_finite() {
                    return Err(bad_pv(code, 1, "the cone constant is zero or undefined"));
                }
                let w3 = (R0 * (cos1 / c)) / tan1.powf(c);
                if w3 == 0.0 || !w3.is_finite() {
                    return Err(bad_pv(code, 2, "the standard parallels are degenerate"));
                }
                let y0c = w3 * tand((90.0 - ta) / 2.0).powf(c);
                (ConicKind::Coo { w3, w4: 1.0 / w3, inv_c: 1.0 / c }, c, y0c)
            }
        };
        Ok(Conic { kind, c, y0c, negative: ta < 0.0, theta_a: ta })
    }

    fn theta_of_r(&self, r: f64) -> f64 {
        match self.kind {
            ConicKind::Cop { ta, w4, w5, .. } => ta + atand(w5 - r * w4),
            ConicKind::Coe { w6, w7, w8, .. } => {
                let tol = 1e-12;
                if (r - w8).abs() < tol {
                    return -90.0;
                }
                let w = (w6 - r * r) * w7;
                if w.abs() > 1.0 {
                    if (w - 1.0).abs() < tol {
                        return 90.0;
                    }
                    if (w + 1.0).abs() < tol {
                        return -90.0;
                    }
                    return f64::NAN;
                }
                asind(w)
            }
            ConicKind::Cod { w3 } => w3 - r,
            ConicKind::Coo { w4, inv_c, .. } => {
                if r == 0.0 {
                    if self.c < 0.0 {
                        -90.0
                    } else {
                        f64::NAN
                    }
                } else {
                    90.0 - 2.0 * atand((r * w4).powf(inv_c))
                }
            }
        }
    }

    fn r_of_theta(&self, th: f64) -> f64 {
        match self.kind {
            ConicKind::Cop { ta, w3, .. } => {
                let t = th - ta;
                let s = cosd(t);
                if s == 0.0 {
                    return f64::NAN;
                }
                if th.abs() == 90.0 {
                    return if (th < 0.0) != (ta < 0.0) { f64::NAN } else { 0.0 };
                }
                let r = self.y0c - (w3 * sind(t)) / s;
                if r * self.c < 0.0 {
                    f64::NAN
                } else {
                    r
                }
            }
            ConicKind::Coe { w8, w3, w4, w5, .. } => {
                if th == -90.0 {
                    w8
                } else {
                    w3 * (w4 - w5 * sind(th)).sqrt()
                }
            }
            ConicKind::Cod { w3 } => w3 - th,
            ConicKind::Coo { w3, .. } => {
                if th == -90.0 {
                    if self.c >= 0.0 {
                        f64::NAN
                    } else {
                        0.0
                    }
                } else {
                    w3 * tand((90.0 - th) / 2.0).powf(self.c)
                }
            }
        }
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let xj = x + x0;
        let dy = self.y0c - (y + y0);
        let mut r = (xj * xj + dy * dy).sqrt();
        if self.negative {
            r = -r;
        }
        let alpha = if r == 0.0 { 0.0 } else { atan2d(xj / r, dy / r) };
        let t = self.theta_of_r(r);
        if t.is_nan() {
            OFF
        } else {
            bound(alpha * (1.0 / self.c), t, BOUNDS_TOL)
        }
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let yoff = y0 - self.y0c;
        let r = self.r_of_theta(th);
        if !r.is_finite() {
            return OFF;
        }
        let alpha = self.c * phi;
        (r * sind(alpha) - x0, -r * cosd(alpha) - yoff)
    }
}

/// BON: Bonne's equal area; PV2_1 = theta_1 (≠ 0; 0 is SFL and handled by the caller).
#[derive(Debug, Clone)]
pub struct Bon {
    y0c: f64,
    negative: bool,
}

impl Bon {
    pub fn new(t1: f64) -> Self {
        Bon { y0c: (R0 * cosd(t1)) / sind(t1) + t1, negative: t1 < 0.0 }
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let w1 = 1.0;
        let xj = x + x0;
        let dy = self.y0c - (y + y0);
        let mut r = (xj * xj + dy * dy).sqrt();
        if self.negative {
            r = -r;
        }
        let alpha = if r == 0.0 { 0.0 } else { atan2d(xj / r, dy / r) };
        let t = (self.y0c - r) / w1;
        let costhe = cosd(t);
        let p = if costhe == 0.0 { 0.0 } else { (alpha * (r / R0)) / costhe };
        bound(p, t, 1e-11)
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let yoff = y0 - self.y0c;
        let r = self.y0c - th;
        let alpha = (cosd(th) / r) * (R0 * phi);
        (r * sind(alpha) - x0, -r * cosd(alpha) - yoff)
    }
}

/// PCO: polyconic.
pub fn pco_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let w2 = 360.0 / std::f64::consts::PI;
    let w3 = D2R / w2;
    let tol = 1e-12;
    let xj = x + x0;
    let yj = y + y0;
    let w = yj.abs();
    let (p, t);
    if w < tol {
        p = xj;
        t = 0.0;
    } else if (w - 90.0).abs() < tol {
        p = 0.0;
        t = if yj < 0.0 { -90.0 } else { 90.0 };
    } else {
        let (the, ymthe, tanthe);
        if w < 1e-4 {
            the = yj / (1.0 + w3 * xj * xj);
            ymthe = yj - the;
            tanthe = tand(the);
        } else {
            let mut thepos = yj;
            let mut theneg = 0.0;
            let xx = xj * xj;
            let mut fpos = xx;
            let mut fneg = -xx;
            let (mut th, mut ym, mut tt) = (thepos, 0.0, 1.0);
            for _ in 0..64 {
                let lambda = (fpos / (fpos - fneg)).clamp(0.1, 0.9);
                th = thepos - lambda * (thepos - theneg);
                ym = yj - th;
                tt = tand(th);
                let f = xx + ym * (ym - w2 / tt);
                if f.abs() < tol {
                    break;
                }
                if (thepos - theneg).abs() < tol {
                    break;
                }
                if f > 0.0 {
                    thepos = th;
                    fpos = f;
                } else {
                    theneg = th;
                    fneg = f;
                }
            }
            the = th;
            ymthe = ym;
            tanthe = tt;
        }
        let x1 = R0 - ymthe * tanthe;
        let y1 = xj * tanthe;
        p = if x1 == 0.0 && y1 == 0.0 { 0.0 } else { atan2d(y1, x1) / sind(the) };
        t = the;
    }
    bound(p, t, 1e-12)
}

pub fn pco_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let w3 = D2R / (360.0 / std::f64::consts::PI);
    if th == 0.0 {
        (phi - x0, -y0)
    } else if th.abs() < 1e-4 {
        let xo = phi * cosd(th) - x0;
        (xo, (1.0 + w3 * xo * xo) * th - y0)
    } else {
        let sinthe = sind(th);
        let cotthe = cosd(th) / sinthe;
        let psi = phi * sinthe;
        (R0 * cotthe * sind(psi) - x0, R0 * (cotthe * (1.0 - cosd(psi)) + th * D2R) - y0)
    }
}

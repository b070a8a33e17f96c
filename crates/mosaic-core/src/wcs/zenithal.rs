//! Zenithal projections: AZP, SZP, TAN, STG, SIN, ARC, ZPN, ZEA, AIR.
//!
//! Reference: Calabretta & Greisen 2002 (Paper II) §5.1; a port of our TypeScript
//! `src/wcs/projections/zenithal.ts` (WCSLIB prj.c boundary rules): same formulas, same
//! tolerances, same NaN cases. `(x0, y0)` is the fiducial offset (Paper II §2.5).

use super::projection::{bad_pv, pv_or, PvParams};
use super::trig::*;
use super::WcsError;

const R0: f64 = R2D;
const TOL: f64 = 1e-13;
const BOUNDS_TOL: f64 = 1e-13;

fn nearer_pole(s: f64, t: f64) -> f64 {
    let mut a = s - t;
    let mut b = s + t + 180.0;
    if a > 90.0 {
        a -= 360.0;
    }
    if b > 90.0 {
        b -= 360.0;
    }
    if a > b {
        a
    } else {
        b
    }
}

fn pick_root(s1: f64, s2: f64) -> f64 {
    let mut s = if s1 > s2 { s1 } else { s2 };
    if s > 1.0 {
        s = if s - 1.0 < TOL {
            1.0
        } else if s1 < s2 {
            s1
        } else {
            s2
        };
    }
    if s < -1.0 && s + 1.0 > -TOL {
        s = -1.0;
    }
    if s > 1.0 || s < -1.0 {
        f64::NAN
    } else {
        s
    }
}

/// Stores theta(r) with the zenithal longitude (shared by TAN, STG, ARC, ZEA, ZPN, AIR).
#[inline]
fn simple_to_native(xj: f64, yj: f64, th: f64) -> (f64, f64) {
    if th.is_nan() {
        return OFF;
    }
    let r = (xj * xj + yj * yj).sqrt();
    bound(if r == 0.0 { 0.0 } else { atan2d(xj, -yj) }, th, BOUNDS_TOL)
}

#[inline]
fn simple_from_native(r: f64, phi: f64, x0: f64, y0: f64) -> (f64, f64) {
    if r.is_nan() {
        return OFF;
    }
    (r * sind(phi) - x0, -r * cosd(phi) - y0)
}

/// AZP: zenithal perspective; PV2_1 = mu, PV2_2 = gamma.
#[derive(Debug, Clone)]
pub struct Azp {
    mu: f64,
    w0: f64,
    cosg: f64,
    secg: f64,
    sing: f64,
    tang: f64,
    theta_min: f64,
    divergent: bool,
}

impl Azp {
    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let mu = pv_or(p, 1, 0.0);
        let gamma = pv_or(p, 2, 0.0);
        let w0 = R0 * (mu + 1.0);
        if w0 == 0.0 {
            return Err(bad_pv("AZP", 1, "mu = -1 is degenerate"));
        }
        let cosg = cosd(gamma);
        if cosg == 0.0 {
            return Err(bad_pv("AZP", 2, "gamma = ±90 is degenerate"));
        }
        let sing = sind(gamma);
        Ok(Azp {
            mu,
            w0,
            cosg,
            secg: 1.0 / cosg,
            sing,
            tang: sing / cosg,
            theta_min: if mu.abs() > 1.0 { asind(-1.0 / mu) } else { -90.0 },
            divergent: (mu * cosg).abs() < 1.0,
        })
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let xj = x + x0;
        let yj = y + y0;
        let yc = yj * self.cosg;
        let r = (xj * xj + yc * yc).sqrt();
        if r == 0.0 {
            return (0.0, 90.0);
        }
        let p = atan2d(xj, -yc);
        let mut s = r / (self.w0 + yj * self.sing);
        let mut t = (s * self.mu) / (s * s + 1.0).sqrt();
        s = atan2d(1.0, s);
        if t.abs() > 1.0 {
            if t.abs() > 1.0 + TOL {
                return OFF;
            }
            t = if t < 0.0 { -90.0 } else { 90.0 };
        } else {
            t = asind(t);
        }
        bound(p, nearer_pole(s, t), BOUNDS_TOL)
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let sinphi = sind(phi);
        let cosphi = cosd(phi);
        let sinthe = sind(th);
        let costhe = cosd(th);
        let s = self.tang * cosphi;
        let t = self.mu + sinthe + costhe * s;
        let mut ok = t != 0.0 && th >= self.theta_min;
        if ok && self.divergent {
            let t2 = self.mu / (1.0 + s * s).sqrt();
            if t2.abs() <= 1.0 && th < nearer_pole(atand(-s), asind(t2)) {
                ok = false;
            }
        }
        if !ok {
            return OFF;
        }
        let r = (self.w0 * costhe) / t;
        (r * sinphi - x0, -r * cosphi * self.secg - y0)
    }
}

/// SZP: slant zenithal perspective; PV2_1 = mu, PV2_2 = phi_c, PV2_3 = theta_c.
#[derive(Debug, Clone)]
pub struct Szp {
    xp: f64,
    yp: f64,
    zp: f64,
    r0xp: f64,
    r0yp: f64,
    r0zp: f64,
    w7: f64,
    theta_min: f64,
    overlap: bool,
}

impl Szp {
    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let mu = pv_or(p, 1, 0.0);
        let phic = pv_or(p, 2, 0.0);
        let thetac = pv_or(p, 3, 90.0);
        let zp = mu * sind(thetac) + 1.0;
        if zp == 0.0 {
            return Err(bad_pv("SZP", 1, "mu·sin(theta_c) = -1 is degenerate"));
        }
        let xp = -mu * cosd(thetac) * sind(phic);
        let yp = mu * cosd(thetac) * cosd(phic);
        Ok(Szp {
            xp,
            yp,
            zp,
            r0xp: R0 * xp,
            r0yp: R0 * yp,
            r0zp: R0 * zp,
            w7: (zp - 1.0) * zp - 1.0,
            theta_min: if (zp - 1.0).abs() < 1.0 { asind(1.0 - zp) } else { -90.0 },
            overlap: mu.abs() > 1.0,
        })
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let xr = (x + x0) / R0;
        let yr = (y + y0) / R0;
        let r2 = xr * xr + yr * yr;
        let x1 = (xr - self.xp) / self.zp;
        let y1 = (yr - self.yp) / self.zp;
        let xy = xr * x1 + yr * y1;
        let (z, th);
        if r2 < 1e-10 {
            z = r2 / 2.0;
            th = 90.0 - R2D * (r2 / (1.0 + xy)).sqrt();
        } else {
            let t = x1 * x1 + y1 * y1;
            let a = t + 1.0;
            let b = xy - t;
            let c = r2 - xy - xy + t - 1.0;
            let mut d = b * b - a * c;
            if d < 0.0 {
                return OFF;
            }
            d = d.sqrt();
            let sinthe = pick_root((-b + d) / a, (-b - d) / a);
            if sinthe.is_nan() {
                return OFF;
            }
            th = asind(sinthe);
            z = 1.0 - sinthe;
        }
        bound(atan2d(xr - x1 * z, -(yr - y1 * z)), th, BOUNDS_TOL)
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let sinphi = sind(phi);
        let cosphi = cosd(phi);
        let s = 1.0 - sind(th);
        let t = self.zp - s;
        let mut ok = t != 0.0 && th >= self.theta_min;
        if ok && self.overlap {
            let s2 = self.xp * sinphi - self.yp * cosphi;
            let t2 = 1.0 / (self.w7 + s2 * s2).sqrt();
            if t2.abs() <= 1.0 && th < nearer_pole(atan2d(s2, self.zp - 1.0), asind(t2)) {
                ok = false;
            }
        }
        if !ok {
            return OFF;
        }
        let r = (self.r0zp * cosd(th)) / t;
        let u = (self.r0xp * s) / t + x0;
        let v = (self.r0yp * s) / t + y0;
        (r * sinphi - u, -r * cosphi - v)
    }
}

/// TAN: gnomonic.
pub fn tan_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let (xj, yj) = (x + x0, y + y0);
    let r = (xj * xj + yj * yj).sqrt();
    simple_to_native(xj, yj, atan2d(R0, r))
}

pub fn tan_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let s = sind(th);
    simple_from_native(if s <= 0.0 { f64::NAN } else { (R0 * cosd(th)) / s }, phi, x0, y0)
}

/// STG: stereographic.
pub fn stg_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let (xj, yj) = (x + x0, y + y0);
    let r = (xj * xj + yj * yj).sqrt();
    simple_to_native(xj, yj, 90.0 - 2.0 * atand(r / (2.0 * R0)))
}

pub fn stg_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let s = 1.0 + sind(th);
    simple_from_native(if s == 0.0 { f64::NAN } else { (2.0 * R0 * cosd(th)) / s }, phi, x0, y0)
}

/// ARC: zenithal equidistant.
pub fn arc_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let (xj, yj) = (x + x0, y + y0);
    let r = (xj * xj + yj * yj).sqrt();
    simple_to_native(xj, yj, if r == 0.0 { 90.0 } else { 90.0 - r })
}

pub fn arc_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    simple_from_native(90.0 - th, phi, x0, y0)
}

/// ZEA: zenithal equal area.
pub fn zea_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let (xj, yj) = (x + x0, y + y0);
    let r = (xj * xj + yj * yj).sqrt();
    let w0 = 2.0 * R0;
    let s = r * (1.0 / w0);
    let th = if s.abs() > 1.0 {
        if (r - w0).abs() < 1e-12 {
            -90.0
        } else {
            f64::NAN
        }
    } else {
        90.0 - 2.0 * asind(s)
    };
    simple_to_native(xj, yj, th)
}

pub fn zea_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    simple_from_native(2.0 * R0 * sind((90.0 - th) / 2.0), phi, x0, y0)
}

/// SIN: orthographic / synthesis; PV2_1 = xi, PV2_2 = eta.
#[derive(Debug, Clone)]
pub struct Sin {
    xi: f64,
    eta: f64,
    w1: f64,
    w2: f64,
    w3: f64,
    ortho: bool,
}

impl Sin {
    pub fn new(p: &PvParams) -> Self {
        let xi = pv_or(p, 1, 0.0);
        let eta = pv_or(p, 2, 0.0);
        let w1 = xi * xi + eta * eta;
        Sin { xi, eta, w1, w2: w1 + 1.0, w3: w1 - 1.0, ortho: w1 == 0.0 }
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let xr = (x + x0) / R0;
        let yr = (y + y0) / R0;
        let r2 = xr * xr + yr * yr;
        if self.ortho {
            if r2 > 1.0 {
                return OFF;
            }
            let th = if r2 < 0.5 { acosd(r2.sqrt()) } else { asind((1.0 - r2).sqrt()) };
            return bound(if r2 != 0.0 { atan2d(xr, -yr) } else { 0.0 }, th, BOUNDS_TOL);
        }
        let xy = xr * self.xi + yr * self.eta;
        let (z, th);
        if r2 < 1e-10 {
            z = r2 / 2.0;
            th = 90.0 - R2D * (r2 / (1.0 + xy)).sqrt();
        } else {
            let b = xy - self.w1;
            let c = r2 - xy - xy + self.w3;
            let mut d = b * b - self.w2 * c;
            if d < 0.0 {
                return OFF;
            }
            d = d.sqrt();
            let sinthe = pick_root((-b + d) / self.w2, (-b - d) / self.w2);
            if sinthe.is_nan() {
                return OFF;
            }
            th = asind(sinthe);
            z = 1.0 - sinthe;
        }
        let x1 = -yr + self.eta * z;
        let y1 = xr - self.xi * z;
        bound(if x1 == 0.0 && y1 == 0.0 { 0.0 } else { atan2d(y1, x1) }, th, BOUNDS_TOL)
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let sinphi = sind(phi);
        let cosphi = cosd(phi);
        let t = (90.0 - th.abs()) * D2R;
        let (mut z, costhe);
        if t < 1e-5 {
            z = if th > 0.0 { (t * t) / 2.0 } else { 2.0 - (t * t) / 2.0 };
            costhe = t;
        } else {
            z = 1.0 - sind(th);
            costhe = cosd(th);
        }
        let r = R0 * costhe;
        if self.ortho {
            if th < 0.0 {
                return OFF;
            }
            return (r * sinphi - x0, -r * cosphi - y0);
        }
        if th < -atand(self.xi * sinphi - self.eta * cosphi) {
            return OFF;
        }
        z *= R0;
        (r * sinphi + (self.xi * z - x0), -r * cosphi + (self.eta * z - y0))
    }
}

/// ZPN: zenithal polynomial; PV2_0 … PV2_29 (radians).
#[derive(Debug, Clone)]
pub struct Zpn {
    pv: [f64; 30],
    k: usize,
    zd_max: f64,
    r_max: f64,
}

impl Zpn {
    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let mut pv = [0.0; 30];
        for (m, v) in pv.iter_mut().enumerate() {
            *v = pv_or(p, m, 0.0);
        }
        let Some(k) = (0..30).rev().find(|&m| pv[m] != 0.0) else {
            return Err(bad_pv("ZPN", 1, "all polynomial coefficients are zero"));
        };
        let mut z = Zpn { pv, k, zd_max: std::f64::consts::PI, r_max: 0.0 };
        if k >= 2 {
            let mut d1 = pv[1];
            if d1 <= 0.0 {
                return Err(bad_pv("ZPN", 1, "must be positive when the polynomial has degree ≥ 2"));
            }
            let (mut zd1, mut zd2, mut d2) = (0.0, 0.0, 0.0);
            let mut j = 0;
            while j < 180 {
                zd2 = j as f64 * D2R;
                d2 = z.deriv(zd2);
                if d2 <= 0.0 {
                    break;
                }
                zd1 = zd2;
                d1 = d2;
                j += 1;
            }
            let mut zd = std::f64::consts::PI;
            if j < 180 {
                for _ in 1..=10 {
                    zd = zd1 - (d1 * (zd2 - zd1)) / (d2 - d1);
                    let d = z.deriv(zd);
                    if d.abs() < TOL {
                        break;
                    }
                    if d < 0.0 {
                        zd2 = zd;
                        d2 = d;
                    } else {
                        zd1 = zd;
                        d1 = d;
                    }
                }
            }
            z.zd_max = zd;
            z.r_max = z.poly(zd);
        }
        Ok(z)
    }

    fn deriv(&self, zd: f64) -> f64 {
        let mut d = 0.0;
        for m in (1..=self.k).rev() {
            d = d * zd + m as f64 * self.pv[m];
        }
        d
    }

    fn poly(&self, zd: f64) -> f64 {
        let mut r = 0.0;
        for m in (0..=self.k).rev() {
            r = r * zd + self.pv[m];
        }
        r
    }

    fn solve(&self, r: f64) -> f64 {
        let pv = &self.pv;
        if self.k == 1 {
            return (r - pv[0]) / pv[1];
        }
        if self.k == 2 {
            let (a, b, c) = (pv[2], pv[1], pv[0] - r);
            let mut d = b * b - 4.0 * a * c;
            if d < 0.0 {
                return f64::NAN;
            }
            d = d.sqrt();
            let z1 = (-b + d) / (2.0 * a);
            let z2 = (-b - d) / (2.0 * a);
            let mut zd = if z1 < z2 { z1 } else { z2 };
            if zd < -TOL {
                zd = if z1 > z2 { z1 } else { z2 };
            }
            if zd < 0.0 {
                return if zd < -TOL { f64::NAN } else { 0.0 };
            }
            let pi = std::f64::consts::PI;
            if zd > pi {
                return if zd > pi + TOL { f64::NAN } else { pi };
            }
            return zd;
        }
        let (mut zd1, mut r1, mut zd2, mut r2) = (0.0, pv[0], self.zd_max, self.r_max);
        if r < r1 {
            return if r < r1 - TOL { f64::NAN } else { zd1 };
        }
        if r > r2 {
            return if r > r2 + TOL { f64::NAN } else { zd2 };
        }
        let mut zd = zd2;
        for _ in 0..100 {
            let lambda = ((r2 - r) / (r2 - r1)).clamp(0.1, 0.9);
            zd = zd2 - lambda * (zd2 - zd1);
            let rt = self.poly(zd);
            if rt < r {
                if r - rt < TOL {
                    break;
                }
                r1 = rt;
                zd1 = zd;
            } else {
                if rt - r < TOL {
                    break;
                }
                r2 = rt;
                zd2 = zd;
            }
            if (zd2 - zd1).abs() < TOL {
                break;
            }
        }
        zd
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let (xj, yj) = (x + x0, y + y0);
        let r = (xj * xj + yj * yj).sqrt();
        simple_to_native(xj, yj, 90.0 - self.solve(r / R0) * R2D)
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let s = (90.0 - th) * D2R;
        simple_from_native(if s > self.zd_max { f64::NAN } else { self.poly(s) * R0 }, phi, x0, y0)
    }
}

/// AIR: Airy; PV2_1 = theta_b.
#[derive(Debug, Clone)]
pub struct Air {
    w1: f64,
    w2: f64,
}

impl Air {
    const SMALL_XI: f64 = 1e-4;

    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let thetab = pv_or(p, 1, 90.0);
        let (w1, w2);
        if thetab == 90.0 {
            w1 = -0.5;
            w2 = 1.0;
        } else if thetab > -90.0 {
            let cxi = cosd((90.0 - thetab) / 2.0);
            w1 = (cxi.ln() * (cxi * cxi)) / (1.0 - cxi * cxi);
            w2 = 0.5 - w1;
        } else {
            return Err(bad_pv("AIR", 1, "theta_b must exceed -90"));
        }
        Ok(Air { w1, w2 })
    }

    #[inline]
    fn radius(&self, cosxi: f64) -> f64 {
        let tanxi = (1.0 - cosxi * cosxi).sqrt() / cosxi;
        -(cosxi.ln() / tanxi + self.w1 * tanxi)
    }

    fn theta_of_r(&self, rr: f64) -> f64 {
        // Tighter than wcslib's 1e-12 so pixel round trips close to 1e-9 px on coarse grids.
        const AIR_TOL: f64 = 1e-15;
        let w0 = 2.0 * R0;
        let r = rr / w0;
        let xi;
        if r == 0.0 {
            xi = 0.0;
        } else if r < self.w2 * Self::SMALL_XI {
            xi = r * (R2D / self.w2);
        } else {
            let (mut x1, mut x2, mut r1, mut r2) = (1.0, 1.0, 0.0, 0.0);
            let mut k = 0;
            while k < 30 {
                x2 = x1 / 2.0;
                r2 = self.radius(x2);
                if r2 >= r {
                    break;
                }
                x1 = x2;
                r1 = r2;
                k += 1;
            }
            if k == 30 {
                return f64::NAN;
            }
            let mut cosxi = x2;
            k = 0;
            while k < 100 {
                let lambda = ((r2 - r) / (r2 - r1)).clamp(0.1, 0.9);
                cosxi = x2 - lambda * (x2 - x1);
                let rt = self.radius(cosxi);
                if rt < r {
                    if r - rt < AIR_TOL {
                        break;
                    }
                    r1 = rt;
                    x1 = cosxi;
                } else {
                    if rt - r < AIR_TOL {
                        break;
                    }
                    r2 = rt;
                    x2 = cosxi;
                }
                k += 1;
            }
            // Converged to rounding (the bracket has collapsed) counts as converged.
            if k == 100 && (x2 - x1).abs() > 1e-14 {
                return f64::NAN;
            }
            xi = acosd(cosxi);
        }
        90.0 - 2.0 * xi
    }

    pub fn to_native(&self, x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
        let (xj, yj) = (x + x0, y + y0);
        let r = (xj * xj + yj * yj).sqrt();
        simple_to_native(xj, yj, self.theta_of_r(r))
    }

    pub fn from_native(&self, phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let r = if th == 90.0 {
            0.0
        } else if !(th > -90.0) {
            f64::NAN
        } else {
            let xi = (D2R * (90.0 - th)) / 2.0;
            if xi < Self::SMALL_XI {
                xi * (2.0 * R0 * self.w2)
            } else {
                2.0 * R0 * self.radius(cosd((90.0 - th) / 2.0))
            }
        };
        simple_from_native(r, phi, x0, y0)
    }
}

//! Quad-cube projections: TSC, CSC, QSC.
//!
//! Reference: Calabretta & Greisen 2002 (Paper II) §5.6 and Table 12; a port of our TypeScript
//! `src/wcs/projections/quad-cube.ts` (face layout and tolerances of WCSLIB prj.c; CSC in
//! single precision as WCSLIB evaluates it, `f32` here for `Math.fround` there).

use super::trig::*;

const W0: f64 = 45.0;
const W1: f64 = 1.0 / 45.0;
const FACE_X: [f64; 6] = [0.0, 0.0, 2.0, 4.0, 6.0, 0.0];
const FACE_Y: [f64; 6] = [2.0, 0.0, 0.0, 0.0, 0.0, -2.0];

#[inline]
fn off_cube(xf: f64, yf: f64) -> bool {
    if xf.abs() <= 1.0 {
        yf.abs() > 3.0
    } else {
        xf.abs() > 7.0 || yf.abs() > 1.0
    }
}

#[inline]
fn face_of(l: f64, m: f64, n: f64) -> usize {
    let mut face = 0;
    let mut zeta = n;
    if l > zeta {
        face = 1;
        zeta = l;
    }
    if m > zeta {
        face = 2;
        zeta = m;
    }
    if -l > zeta {
        face = 3;
        zeta = -l;
    }
    if -m > zeta {
        face = 4;
        zeta = -m;
    }
    if -n > zeta {
        face = 5;
    }
    face
}

/// (zeta, xi, eta) of a direction on its face.
#[inline]
fn face_coords(face: usize, l: f64, m: f64, n: f64) -> (f64, f64, f64) {
    match face {
        1 => (l, m, n),
        2 => (m, -l, n),
        3 => (-l, -m, n),
        4 => (-m, l, n),
        5 => (-n, m, l),
        _ => (n, m, -l),
    }
}

#[inline]
fn face_out(face: usize, mut xf: f64, mut yf: f64, tol: f64, x0: f64, y0: f64) -> (f64, f64) {
    if xf.abs() > 1.0 + tol || yf.abs() > 1.0 + tol {
        return OFF;
    }
    if xf.abs() > 1.0 {
        xf = if xf < 0.0 { -1.0 } else { 1.0 };
    }
    if yf.abs() > 1.0 {
        yf = if yf < 0.0 { -1.0 } else { 1.0 };
    }
    (W0 * (xf + FACE_X[face]) - x0, W0 * (yf + FACE_Y[face]) - y0)
}

#[inline]
fn lmn_to_native(l: f64, m: f64, n: f64) -> (f64, f64) {
    bound(if l == 0.0 && m == 0.0 { 0.0 } else { atan2d(m, l) }, asind(n), 1e-13)
}

/// Face number and face-local coordinates of a plane point (TS order of tests).
#[inline]
fn locate(mut xf: f64, mut yf: f64) -> (usize, f64, f64) {
    if xf < -1.0 {
        xf += 8.0;
    }
    if xf > 5.0 {
        (4, xf - 6.0, yf)
    } else if xf > 3.0 {
        (3, xf - 4.0, yf)
    } else if xf > 1.0 {
        (2, xf - 2.0, yf)
    } else if yf > 1.0 {
        yf -= 2.0;
        (0, xf, yf)
    } else if yf < -1.0 {
        yf += 2.0;
        (5, xf, yf)
    } else {
        (1, xf, yf)
    }
}

/// TSC: tangential spherical cube.
pub fn tsc_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let xf = (x + x0) * W1;
    let yf = (y + y0) * W1;
    if off_cube(xf, yf) {
        return OFF;
    }
    let (face, xf, yf) = locate(xf, yf);
    let (l, m, n);
    match face {
        4 => {
            let mm = -1.0 / (1.0 + xf * xf + yf * yf).sqrt();
            m = mm;
            l = -mm * xf;
            n = -mm * yf;
        }
        3 => {
            let ll = -1.0 / (1.0 + xf * xf + yf * yf).sqrt();
            l = ll;
            m = ll * xf;
            n = -ll * yf;
        }
        2 => {
            let mm = 1.0 / (1.0 + xf * xf + yf * yf).sqrt();
            m = mm;
            l = -mm * xf;
            n = mm * yf;
        }
        0 => {
            let nn = 1.0 / (1.0 + xf * xf + yf * yf).sqrt();
            n = nn;
            l = -nn * yf;
            m = nn * xf;
        }
        5 => {
            let nn = -1.0 / (1.0 + xf * xf + yf * yf).sqrt();
            n = nn;
            l = -nn * yf;
            m = -nn * xf;
        }
        _ => {
            let ll = 1.0 / (1.0 + xf * xf + yf * yf).sqrt();
            l = ll;
            m = ll * xf;
            n = ll * yf;
        }
    }
    lmn_to_native(l, m, n)
}

pub fn tsc_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let costhe = cosd(th);
    let l = costhe * cosd(phi);
    let m = costhe * sind(phi);
    let n = sind(th);
    let face = face_of(l, m, n);
    let (zeta, xi, eta) = face_coords(face, l, m, n);
    face_out(face, xi / zeta, eta / zeta, 1e-12, x0, y0)
}

#[inline]
fn f(v: f64) -> f64 {
    v as f32 as f64
}

#[inline]
fn hf(c: f64, t: f64, acc: f64) -> f64 {
    f(c + f(t * acc))
}

fn csc_inverse(u: f64, uu: f64, vv: f64) -> f64 {
    let p = |v: f64| f(v);
    let (p00, p10, p20, p30, p40, p50, p60) =
        (p(-0.27292696), p(-0.07629969), p(-0.22797056), p(0.54852384), p(-0.62930065), p(0.25795794), p(0.02584375));
    let (p01, p11, p21, p31, p41, p51) =
        (p(-0.02819452), p(-0.01471565), p(0.48051509), p(-1.74114454), p(1.71547508), p(-0.53022337));
    let (p02, p12, p22, p32, p42) = (p(0.2705816), p(-0.56800938), p(0.30803317), p(0.98938102), p(-0.83180469));
    let (p03, p13, p23, p33) = (p(-0.6044156), p(1.50880086), p(-0.93678576), p(0.08693841));
    let (p04, p14, p24) = (p(0.93412077), p(-1.4160192), p(0.33887446));
    let (p05, p15, p06) = (p(-0.63915306), p(0.52032238), p(0.14381585));
    let z0 = hf(p00, uu, hf(p10, uu, hf(p20, uu, hf(p30, uu, hf(p40, uu, hf(p50, uu, p60))))));
    let z1 = hf(p01, uu, hf(p11, uu, hf(p21, uu, hf(p31, uu, hf(p41, uu, p51)))));
    let z2 = hf(p02, uu, hf(p12, uu, hf(p22, uu, hf(p32, uu, p42))));
    let z3 = hf(p03, uu, hf(p13, uu, hf(p23, uu, p33)));
    let z4 = hf(p04, uu, hf(p14, uu, p24));
    let z5 = hf(p05, uu, p15);
    let c = hf(z0, vv, hf(z1, vv, hf(z2, vv, hf(z3, vv, hf(z4, vv, hf(z5, vv, p06))))));
    f(u + f(f(u * f(1.0 - uu)) * c))
}

fn csc_forward(a: f64, a2: f64, b2: f64, a4: f64, b4: f64, ab2: f64) -> f64 {
    let (gstar, mm, gamma) = (f(1.37484847732), f(0.004869491981), f(-0.13161671474));
    let (omega1, d0, d1) = (f(-0.159596235474), f(0.0759196200467), f(-0.0217762490699));
    let (c00, c10, c01) = (f(0.141189631152), f(0.0809701286525), f(-0.281528535557));
    let (c11, c20, c02) = (f(0.15384112876), f(-0.178251207466), f(0.106959469314));
    let a2co = f(1.0 - a2);
    let b2co = f(1.0 - b2);
    f(a * (a2
        + a2co
            * (gstar
                + b2 * (gamma * a2co
                    + mm * a2
                    + b2co * (c00 + c10 * a2 + c01 * b2 + c11 * ab2 + c20 * a4 + c02 * b4))
                + a2 * (omega1 - a2co * (d0 + d1 * a2)))))
}

/// CSC: COBE quadrilateralized spherical cube.
pub fn csc_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let mut xf = f((x + x0) * W1);
    let mut yf = f((y + y0) * W1);
    if off_cube(xf, yf) {
        return OFF;
    }
    if xf < -1.0 {
        xf = f(xf + 8.0);
    }
    let face;
    if xf > 5.0 {
        face = 4;
        xf = f(xf - 6.0);
    } else if xf > 3.0 {
        face = 3;
        xf = f(xf - 4.0);
    } else if xf > 1.0 {
        face = 2;
        xf = f(xf - 2.0);
    } else if yf > 1.0 {
        face = 0;
        yf = f(yf - 2.0);
    } else if yf < -1.0 {
        face = 5;
        yf = f(yf + 2.0);
    } else {
        face = 1;
    }
    let xx = f(xf * xf);
    let yy = f(yf * yf);
    let chi = csc_inverse(xf, xx, yy);
    let psi = csc_inverse(yf, yy, xx);
    let t = 1.0 / (f(f(chi * chi) + f(psi * psi)) + 1.0).sqrt();
    let (l, m, n);
    match face {
        1 => {
            l = t;
            m = chi * l;
            n = psi * l;
        }
        2 => {
            m = t;
            l = -chi * m;
            n = psi * m;
        }
        3 => {
            l = -t;
            m = chi * l;
            n = -psi * l;
        }
        4 => {
            m = -t;
            l = -chi * m;
            n = -psi * m;
        }
        5 => {
            n = -t;
            l = -psi * n;
            m = -chi * n;
        }
        _ => {
            n = t;
            l = -psi * n;
            m = chi * n;
        }
    }
    lmn_to_native(l, m, n)
}

pub fn csc_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let costhe = cosd(th);
    let l = costhe * cosd(phi);
    let m = costhe * sind(phi);
    let n = sind(th);
    let face = face_of(l, m, n);
    let (zeta, xi, eta) = face_coords(face, l, m, n);
    let chi = f(xi / zeta);
    let psi = f(eta / zeta);
    let chi2 = f(chi * chi);
    let psi2 = f(psi * psi);
    let chipsi = f(f(chi * psi).abs());
    let chi4 = if chi2 > 1e-16 { f(chi2 * chi2) } else { 0.0 };
    let psi4 = if psi2 > 1e-16 { f(psi2 * psi2) } else { 0.0 };
    let chi2psi2 = if chipsi > 1e-16 { f(chi2 * psi2) } else { 0.0 };
    let xf = csc_forward(chi, chi2, psi2, chi4, psi4, chi2psi2);
    let yf = csc_forward(psi, psi2, chi2, psi4, chi4, chi2psi2);
    face_out(face, xf, yf, 1e-7, x0, y0)
}

const SQRT2INV: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// QSC: quadrilateralized spherical cube.
pub fn qsc_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let tol = 1e-12;
    let xf = (x + x0) * W1;
    let yf = (y + y0) * W1;
    if off_cube(xf, yf) {
        return OFF;
    }
    let (face, xf, yf) = locate(xf, yf);
    let direct = xf.abs() > yf.abs();
    let a = if direct { xf } else { yf };
    let b = if direct { yf } else { xf };
    let (omega, tau, mut zeta, zeco);
    if a == 0.0 {
        omega = 0.0;
        tau = 1.0;
        zeta = 1.0;
        zeco = 0.0;
    } else {
        let w = (15.0 * b) / a;
        omega = sind(w) / (cosd(w) - SQRT2INV);
        tau = 1.0 + omega * omega;
        zeco = a * a * (1.0 - 1.0 / (1.0 + tau).sqrt());
        zeta = 1.0 - zeco;
    }
    let w;
    if zeta < -1.0 {
        if zeta < -1.0 - tol {
            return OFF;
        }
        zeta = -1.0;
        w = 0.0;
    } else {
        w = ((zeco * (2.0 - zeco)) / tau).sqrt();
    }
    let sgn = |neg: bool| if neg { -w } else { w };
    let (l, m, n);
    match face {
        1 => {
            l = zeta;
            if direct {
                m = sgn(xf < 0.0);
                n = m * omega;
            } else {
                n = sgn(yf < 0.0);
                m = n * omega;
            }
        }
        2 => {
            m = zeta;
            if direct {
                l = sgn(xf > 0.0);
                n = -l * omega;
            } else {
                n = sgn(yf < 0.0);
                l = -n * omega;
            }
        }
        3 => {
            l = -zeta;
            if direct {
                m = sgn(xf > 0.0);
                n = -m * omega;
            } else {
                n = sgn(yf < 0.0);
                m = -n * omega;
            }
        }
        4 => {
            m = -zeta;
            if direct {
                l = sgn(xf < 0.0);
                n = l * omega;
            } else {
                n = sgn(yf < 0.0);
                l = n * omega;
            }
        }
        5 => {
            n = -zeta;
            if direct {
                m = sgn(xf < 0.0);
                l = m * omega;
            } else {
                l = sgn(yf < 0.0);
                m = l * omega;
            }
        }
        _ => {
            n = zeta;
            if direct {
                m = sgn(xf < 0.0);
                l = -m * omega;
            } else {
                l = sgn(yf > 0.0);
                m = -l * omega;
            }
        }
    }
    lmn_to_native(l, m, n)
}

pub fn qsc_from_native(phi: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
    let pi = std::f64::consts::PI;
    if th.abs() == 90.0 {
        return (-x0, (if th < 0.0 { -2.0 * W0 } else { 2.0 * W0 }) - y0);
    }
    let costhe = cosd(th);
    let cosphi = cosd(phi);
    let sinphi = sind(phi);
    let l = costhe * cosphi;
    let m = costhe * sinphi;
    let n = sind(th);
    let face = face_of(l, m, n);
    let (zeta, xi, eta) = face_coords(face, l, m, n);
    let mut zeco = 1.0 - zeta;
    if zeco < 1e-8 {
        let t = th * D2R;
        let mut p = sinphi.atan2(cosphi);
        zeco = match face {
            1 => (p * p + t * t) / 2.0,
            2 => {
                p -= pi / 2.0;
                (p * p + t * t) / 2.0
            }
            3 => {
                p -= if p < 0.0 { -pi } else { pi };
                (p * p + t * t) / 2.0
            }
            4 => {
                p += pi / 2.0;
                (p * p + t * t) / 2.0
            }
            5 => {
                let u = (th + 90.0) * D2R;
                (u * u) / 2.0
            }
            _ => {
                let u = (90.0 - th) * D2R;
                (u * u) / 2.0
            }
        };
    }
    let (mut xf, mut yf) = (0.0, 0.0);
    if xi != 0.0 || eta != 0.0 {
        if -xi > eta.abs() || xi > eta.abs() {
            let omega = eta / xi;
            let tau = 1.0 + omega * omega;
            xf = (zeco / (1.0 - 1.0 / (1.0 + tau).sqrt())).sqrt();
            if xi < 0.0 {
                xf = -xf;
            }
            yf = (xf / 15.0) * (atand(omega) - asind(omega / (tau + tau).sqrt()));
        } else {
            let omega = xi / eta;
            let tau = 1.0 + omega * omega;
            yf = (zeco / (1.0 - 1.0 / (1.0 + tau).sqrt())).sqrt();
            if eta < 0.0 {
                yf = -yf;
            }
            xf = (yf / 15.0) * (atand(omega) - asind(omega / (tau + tau).sqrt()));
        }
    }
    face_out(face, xf, yf, 1e-12, x0, y0)
}

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

/// Horner evaluation in `f32` of `c[0] + t·(c[1] + t·(c[2] + …))`, innermost first as WCSLIB.
#[inline]
fn horner_f32(c: &[f32], t: f32) -> f32 {
    c.iter().rev().copied().reduce(|acc, ci| ci + t * acc).unwrap_or(0.0)
}

/// CSC inverse distortion for one axis (Paper II eq. 186, Table 12): `u` = this face coordinate,
/// `uu` = u², `vv` = the other coordinate squared; `f32` throughout, as WCSLIB's cscx2s.
fn csc_inverse(u: f32, uu: f32, vv: f32) -> f32 {
    // P[j][i] multiplies uu^i·vv^j.
    const P0: [f32; 7] =
        [-0.27292696, -0.07629969, -0.22797056, 0.54852384, -0.62930065, 0.25795794, 0.02584375];
    const P1: [f32; 6] = [-0.02819452, -0.01471565, 0.48051509, -1.74114454, 1.71547508, -0.53022337];
    const P2: [f32; 5] = [0.27058160, -0.56800938, 0.30803317, 0.98938102, -0.83180469];
    const P3: [f32; 4] = [-0.60441560, 1.50880086, -0.93678576, 0.08693841];
    const P4: [f32; 3] = [0.93412077, -1.41601920, 0.33887446];
    const P5: [f32; 2] = [-0.63915306, 0.52032238];
    const P6: f32 = 0.14381585;
    let z = [
        horner_f32(&P0, uu),
        horner_f32(&P1, uu),
        horner_f32(&P2, uu),
        horner_f32(&P3, uu),
        horner_f32(&P4, uu),
        horner_f32(&P5, uu),
        P6,
    ];
    u + u * (1.0 - uu) * horner_f32(&z, vv)
}

/// CSC forward distortion for one axis (Paper II eq. 182): `a` = this axis's chi or psi, `b` the
/// other; `a2co` = 1 − a², `a4` = a⁴ (or 0 when tiny), likewise for `b`; `ab2` = a²b² (or 0).
/// Native `f32` arithmetic in C's left-to-right order, as WCSLIB's cscs2x (Rust never fuses
/// multiply-adds on its own, so this is bit-identical to libwcs).
#[allow(clippy::too_many_arguments)]
fn csc_forward(a: f32, a2: f32, a2co: f32, a4: f32, b2: f32, b2co: f32, b4: f32, ab2: f32) -> f32 {
    const GSTAR: f32 = 1.37484847732;
    const MM: f32 = 0.004869491981;
    const GAMMA: f32 = -0.13161671474;
    const OMEGA1: f32 = -0.159596235474;
    const D0: f32 = 0.0759196200467;
    const D1: f32 = -0.0217762490699;
    const C00: f32 = 0.141189631152;
    const C10: f32 = 0.0809701286525;
    const C01: f32 = -0.281528535557;
    const C11: f32 = 0.15384112876;
    const C20: f32 = -0.178251207466;
    const C02: f32 = 0.106959469314;
    let poly = C00 + C10 * a2 + C01 * b2 + C11 * ab2 + C20 * a4 + C02 * b4;
    let edge = GAMMA * a2co + MM * a2 + b2co * poly;
    let centre = OMEGA1 - a2co * (D0 + D1 * a2);
    a * (a2 + a2co * (GSTAR + b2 * edge + a2 * centre))
}

/// CSC: COBE quadrilateralized spherical cube.
pub fn csc_to_native(x: f64, y: f64, x0: f64, y0: f64) -> (f64, f64) {
    let mut xf = ((x + x0) * W1) as f32;
    let mut yf = ((y + y0) * W1) as f32;
    if off_cube(f64::from(xf), f64::from(yf)) {
        return OFF;
    }
    if xf < -1.0 {
        xf += 8.0;
    }
    let face;
    if xf > 5.0 {
        face = 4;
        xf -= 6.0;
    } else if xf > 3.0 {
        face = 3;
        xf -= 4.0;
    } else if xf > 1.0 {
        face = 2;
        xf -= 2.0;
    } else if yf > 1.0 {
        face = 0;
        yf -= 2.0;
    } else if yf < -1.0 {
        face = 5;
        yf += 2.0;
    } else {
        face = 1;
    }
    let xx = xf * xf;
    let yy = yf * yf;
    let chi32 = csc_inverse(xf, xx, yy);
    let psi32 = csc_inverse(yf, yy, xx);
    let t = 1.0 / (f64::from(chi32 * chi32 + psi32 * psi32) + 1.0).sqrt();
    let (chi, psi) = (f64::from(chi32), f64::from(psi32));
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
    let chi = (xi / zeta) as f32;
    let psi = (eta / zeta) as f32;
    let chi2 = chi * chi;
    let psi2 = psi * psi;
    let (chi2co, psi2co) = (1.0 - chi2, 1.0 - psi2);
    // Flush tiny terms to zero as WCSLIB does (avoids float underflow).
    const TINY: f32 = 1e-16;
    let chipsi = (chi * psi).abs();
    let chi4 = if chi2 > TINY { chi2 * chi2 } else { 0.0 };
    let psi4 = if psi2 > TINY { psi2 * psi2 } else { 0.0 };
    let chi2psi2 = if chipsi > TINY { chi2 * psi2 } else { 0.0 };
    let mut xf = csc_forward(chi, chi2, chi2co, chi4, psi2, psi2co, psi4, chi2psi2);
    let mut yf = csc_forward(psi, psi2, psi2co, psi4, chi2, chi2co, chi4, chi2psi2);
    let tol = 1e-7;
    if f64::from(xf.abs()) > 1.0 + tol || f64::from(yf.abs()) > 1.0 + tol {
        return OFF;
    }
    if xf.abs() > 1.0 {
        xf = xf.signum();
    }
    if yf.abs() > 1.0 {
        yf = yf.signum();
    }
    // The face offset is added in f32 too (WCSLIB's x0, y0 are float); only the scaling to
    // degrees and the fiducial offset are f64.
    (
        W0 * f64::from(xf + FACE_X[face] as f32) - x0,
        W0 * f64::from(yf + FACE_Y[face] as f32) - y0,
    )
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

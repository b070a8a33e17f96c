/**
 * Quad-cube projections: TSC (tangential spherical cube), CSC (COBE quadrilateralized
 * spherical cube), QSC (quadrilateralized spherical cube).
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §5.6, eqs. (168)–(189) and
 * Table 12 (CSC polynomial coefficients, O'Neill & Laubscher 1976); face layout and
 * tolerances follow WCSLIB's prj.c. Default fiducial point (phi0, theta0) = (0, 0).
 *
 * The six faces are laid out in a sideways cross: faces 1–4 along the equator at
 * x = 0, 90, 180, 270 (face 4 also at x = -90), face 0 above face 1 and face 5 below it.
 * Any (x, y) outside the 8×1 strip or the 1×3 column (in units of 45°) is off the projection.
 * A point is assigned to the face whose direction cosine is largest.
 *
 * CSC is an approximation whose forward and inverse polynomials are not exact inverses
 * (round trip ≈ 1e-3 deg); WCSLIB evaluates it in single precision, which we reproduce
 * step by step with Math.fround so that the results are those of WCSLIB bit for bit.
 */
import type { ProjectionFactory } from './types.js';
import { assemble } from './common.js';
import { D2R, asind, atan2d, atand, cosd, sind, storeNaN, storeNative } from './trig.js';

const W0 = 45;
const W1 = 1 / 45;

/** True when face coordinates (in units of 45°) lie off the cross of six faces. */
function offCube(xf: number, yf: number): boolean {
  return Math.abs(xf) <= 1 ? Math.abs(yf) > 3 : Math.abs(xf) > 7 || Math.abs(yf) > 1;
}

/** Face with the largest direction cosine: 0 = +n, 1 = +l, 2 = +m, 3 = -l, 4 = -m, 5 = -n. */
function faceOf(l: number, m: number, n: number): number {
  let face = 0;
  let zeta = n;
  if (l > zeta) { face = 1; zeta = l; }
  if (m > zeta) { face = 2; zeta = m; }
  if (-l > zeta) { face = 3; zeta = -l; }
  if (-m > zeta) { face = 4; zeta = -m; }
  if (-n > zeta) face = 5;
  return face;
}

/** Face offsets (x, y) in units of 45° for faces 0…5. */
const FACE_X = [0, 0, 2, 4, 6, 0];
const FACE_Y = [2, 0, 0, 0, 0, -2];

/** TSC: tangential spherical cube, Paper II §5.6.1. No parameters. */
export const tsc: ProjectionFactory = (params) =>
  assemble('TSC', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        let xf = (x[i] + o.x0) * W1;
        let yf = (y[i] + o.y0) * W1;
        if (offCube(xf, yf)) {
          storeNaN(phi, theta, i);
          continue;
        }
        if (xf < -1) xf += 8;
        let l: number, m: number, nn: number;
        if (xf > 5) {
          xf -= 6;
          m = -1 / Math.sqrt(1 + xf * xf + yf * yf);
          l = -m * xf;
          nn = -m * yf;
        } else if (xf > 3) {
          xf -= 4;
          l = -1 / Math.sqrt(1 + xf * xf + yf * yf);
          m = l * xf;
          nn = -l * yf;
        } else if (xf > 1) {
          xf -= 2;
          m = 1 / Math.sqrt(1 + xf * xf + yf * yf);
          l = -m * xf;
          nn = m * yf;
        } else if (yf > 1) {
          yf -= 2;
          nn = 1 / Math.sqrt(1 + xf * xf + yf * yf);
          l = -nn * yf;
          m = nn * xf;
        } else if (yf < -1) {
          yf += 2;
          nn = -1 / Math.sqrt(1 + xf * xf + yf * yf);
          l = -nn * yf;
          m = -nn * xf;
        } else {
          l = 1 / Math.sqrt(1 + xf * xf + yf * yf);
          m = l * xf;
          nn = l * yf;
        }
        storeNative(phi, theta, i, l === 0 && m === 0 ? 0 : atan2d(m, l), asind(nn), 1e-13);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const tol = 1e-12;
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        const costhe = cosd(th);
        const l = costhe * cosd(phi[i]);
        const m = costhe * sind(phi[i]);
        const nn = sind(th);
        const face = faceOf(l, m, nn);
        let xf: number, yf: number, zeta: number;
        switch (face) {
          case 1: zeta = l; xf = m / zeta; yf = nn / zeta; break;
          case 2: zeta = m; xf = -l / zeta; yf = nn / zeta; break;
          case 3: zeta = -l; xf = -m / zeta; yf = nn / zeta; break;
          case 4: zeta = -m; xf = l / zeta; yf = nn / zeta; break;
          case 5: zeta = -nn; xf = m / zeta; yf = l / zeta; break;
          default: zeta = nn; xf = m / zeta; yf = -l / zeta; break;
        }
        if (Math.abs(xf) > 1 + tol || Math.abs(yf) > 1 + tol) {
          storeNaN(x, y, i);
          continue;
        }
        if (Math.abs(xf) > 1) xf = xf < 0 ? -1 : 1;
        if (Math.abs(yf) > 1) yf = yf < 0 ? -1 : 1;
        x[i] = W0 * (xf + FACE_X[face]) - o.x0;
        y[i] = W0 * (yf + FACE_Y[face]) - o.y0;
      }
    },
  }));

const f = Math.fround;
// CSC inverse coefficients P_ij (Paper II Table 12), single precision as in WCSLIB.
const P00 = f(-0.27292696), P10 = f(-0.07629969), P20 = f(-0.22797056), P30 = f(0.54852384);
const P40 = f(-0.62930065), P50 = f(0.25795794), P60 = f(0.02584375), P01 = f(-0.02819452);
const P11 = f(-0.01471565), P21 = f(0.48051509), P31 = f(-1.74114454), P41 = f(1.71547508);
const P51 = f(-0.53022337), P02 = f(0.2705816), P12 = f(-0.56800938), P22 = f(0.30803317);
const P32 = f(0.98938102), P42 = f(-0.83180469), P03 = f(-0.6044156), P13 = f(1.50880086);
const P23 = f(-0.93678576), P33 = f(0.08693841), P04 = f(0.93412077), P14 = f(-1.4160192);
const P24 = f(0.33887446), P05 = f(-0.63915306), P15 = f(0.52032238), P06 = f(0.14381585);
// CSC forward coefficients (Paper II eq. 182).
const GSTAR = f(1.37484847732), MM = f(0.004869491981), GAMMA = f(-0.13161671474);
const OMEGA1 = f(-0.159596235474), D0 = f(0.0759196200467), D1 = f(-0.0217762490699);
const C00 = f(0.141189631152), C10 = f(0.0809701286525), C01 = f(-0.281528535557);
const C11 = f(0.15384112876), C20 = f(-0.178251207466), C02 = f(0.106959469314);
/** WCSLIB's underflow guard, the float nearest 1e-16. */
const TINY = f(1e-16);

// WCSLIB evaluates CSC in single precision (C `float`, no fused multiply-add): every float
// operation below is rounded with Math.fround, in C's left-to-right order. A double operation
// followed by one rounding to float is exactly the float operation (53 ≥ 2·24 + 2 bits), so the
// results are bit-identical to libwcs's, not merely close.

/** CSC inverse distortion for one axis (u = this face coordinate, uu = u², vv = other²). */
function cscInverse(u: number, uu: number, vv: number): number {
  const z0 = hf(P00, uu, hf(P10, uu, hf(P20, uu, hf(P30, uu, hf(P40, uu, hf(P50, uu, P60))))));
  const z1 = hf(P01, uu, hf(P11, uu, hf(P21, uu, hf(P31, uu, hf(P41, uu, P51)))));
  const z2 = hf(P02, uu, hf(P12, uu, hf(P22, uu, hf(P32, uu, P42))));
  const z3 = hf(P03, uu, hf(P13, uu, hf(P23, uu, P33)));
  const z4 = hf(P04, uu, hf(P14, uu, P24));
  const z5 = hf(P05, uu, P15);
  const c = hf(z0, vv, hf(z1, vv, hf(z2, vv, hf(z3, vv, hf(z4, vv, hf(z5, vv, P06))))));
  return f(u + f(f(u * f(1 - uu)) * c));
}

/** One single-precision Horner step: c + t·acc. */
function hf(c: number, t: number, acc: number): number {
  return f(c + f(t * acc));
}

/**
 * CSC forward distortion for one axis (Paper II eq. 182): a = this axis's chi or psi, b = the other;
 * a2 = a², a2co = 1 − a², a4 = a⁴ (or 0 when tiny), likewise for b; ab2 = a²b² (or 0 when tiny).
 * Sums run left to right and every step is a float step, as in WCSLIB's cscs2x.
 */
function cscForward(
  a: number, a2: number, a2co: number, a4: number, b2: number, b2co: number, b4: number, ab2: number,
): number {
  let poly = f(C00 + f(C10 * a2));
  poly = f(poly + f(C01 * b2));
  poly = f(poly + f(C11 * ab2));
  poly = f(poly + f(C20 * a4));
  poly = f(poly + f(C02 * b4));
  const edge = f(f(f(GAMMA * a2co) + f(MM * a2)) + f(b2co * poly));
  const centre = f(OMEGA1 - f(a2co * f(D0 + f(D1 * a2))));
  const g = f(f(GSTAR + f(b2 * edge)) + f(a2 * centre));
  return f(a * f(a2 + f(a2co * g)));
}

/** CSC: COBE quadrilateralized spherical cube, Paper II §5.6.2. No parameters. */
export const csc: ProjectionFactory = (params) =>
  assemble('CSC', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        let xf = f((x[i] + o.x0) * W1);
        let yf = f((y[i] + o.y0) * W1);
        if (offCube(xf, yf)) {
          storeNaN(phi, theta, i);
          continue;
        }
        if (xf < -1) xf = f(xf + 8);
        let face: number;
        if (xf > 5) { face = 4; xf = f(xf - 6); }
        else if (xf > 3) { face = 3; xf = f(xf - 4); }
        else if (xf > 1) { face = 2; xf = f(xf - 2); }
        else if (yf > 1) { face = 0; yf = f(yf - 2); }
        else if (yf < -1) { face = 5; yf = f(yf + 2); }
        else face = 1;
        const xx = f(xf * xf);
        const yy = f(yf * yf);
        const chi = cscInverse(xf, xx, yy);
        const psi = cscInverse(yf, yy, xx);
        const t = 1 / Math.sqrt(f(f(chi * chi) + f(psi * psi)) + 1);
        let l: number, m: number, nn: number;
        switch (face) {
          case 1: l = t; m = chi * l; nn = psi * l; break;
          case 2: m = t; l = -chi * m; nn = psi * m; break;
          case 3: l = -t; m = chi * l; nn = -psi * l; break;
          case 4: m = -t; l = -chi * m; nn = -psi * m; break;
          case 5: nn = -t; l = -psi * nn; m = -chi * nn; break;
          default: nn = t; l = -psi * nn; m = chi * nn; break;
        }
        storeNative(phi, theta, i, l === 0 && m === 0 ? 0 : atan2d(m, l), asind(nn), 1e-13);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const tol = 1e-7;
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        const costhe = cosd(th);
        const l = costhe * cosd(phi[i]);
        const m = costhe * sind(phi[i]);
        const nn = sind(th);
        const face = faceOf(l, m, nn);
        let xi: number, eta: number, zeta: number;
        switch (face) {
          case 1: zeta = l; xi = m; eta = nn; break;
          case 2: zeta = m; xi = -l; eta = nn; break;
          case 3: zeta = -l; xi = -m; eta = nn; break;
          case 4: zeta = -m; xi = l; eta = nn; break;
          case 5: zeta = -nn; xi = m; eta = l; break;
          default: zeta = nn; xi = m; eta = -l; break;
        }
        const chi = f(xi / zeta);
        const psi = f(eta / zeta);
        const chi2 = f(chi * chi);
        const psi2 = f(psi * psi);
        const chi2co = f(1 - chi2);
        const psi2co = f(1 - psi2);
        // Flush tiny terms to zero as WCSLIB does (avoids float underflow).
        const chipsi = f(Math.abs(f(chi * psi)));
        const chi4 = chi2 > TINY ? f(chi2 * chi2) : 0;
        const psi4 = psi2 > TINY ? f(psi2 * psi2) : 0;
        const chi2psi2 = chipsi > TINY ? f(chi2 * psi2) : 0;
        let xf = cscForward(chi, chi2, chi2co, chi4, psi2, psi2co, psi4, chi2psi2);
        let yf = cscForward(psi, psi2, psi2co, psi4, chi2, chi2co, chi4, chi2psi2);
        if (Math.abs(xf) > 1 + tol || Math.abs(yf) > 1 + tol) {
          storeNaN(x, y, i);
          continue;
        }
        if (Math.abs(xf) > 1) xf = xf < 0 ? -1 : 1;
        if (Math.abs(yf) > 1) yf = yf < 0 ? -1 : 1;
        // The face offset is added in float too (WCSLIB's x0, y0 are float); only the scaling
        // to degrees and the fiducial offset are double.
        x[i] = W0 * f(xf + FACE_X[face]) - o.x0;
        y[i] = W0 * f(yf + FACE_Y[face]) - o.y0;
      }
    },
  }));

const SQRT2INV = 1 / Math.SQRT2;

/** QSC: quadrilateralized spherical cube, Paper II §5.6.3. No parameters. */
export const qsc: ProjectionFactory = (params) =>
  assemble('QSC', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      const tol = 1e-12;
      for (let i = 0; i < n; i++) {
        let xf = (x[i] + o.x0) * W1;
        let yf = (y[i] + o.y0) * W1;
        if (offCube(xf, yf)) {
          storeNaN(phi, theta, i);
          continue;
        }
        if (xf < -1) xf += 8;
        let face: number;
        if (xf > 5) { face = 4; xf -= 6; }
        else if (xf > 3) { face = 3; xf -= 4; }
        else if (xf > 1) { face = 2; xf -= 2; }
        else if (yf > 1) { face = 0; yf -= 2; }
        else if (yf < -1) { face = 5; yf += 2; }
        else face = 1;
        // "direct": the point is nearer the face's x edges than its y edges.
        const direct = Math.abs(xf) > Math.abs(yf);
        const a = direct ? xf : yf;
        const b = direct ? yf : xf;
        let omega: number, tau: number, zeta: number, zeco: number;
        if (a === 0) {
          omega = 0;
          tau = 1;
          zeta = 1;
          zeco = 0;
        } else {
          const w = (15 * b) / a;
          omega = sind(w) / (cosd(w) - SQRT2INV);
          tau = 1 + omega * omega;
          zeco = a * a * (1 - 1 / Math.sqrt(1 + tau));
          zeta = 1 - zeco;
        }
        let w: number;
        if (zeta < -1) {
          if (zeta < -1 - tol) {
            storeNaN(phi, theta, i);
            continue;
          }
          zeta = -1;
          w = 0;
        } else {
          w = Math.sqrt((zeco * (2 - zeco)) / tau);
        }
        let l: number, m: number, nn: number;
        switch (face) {
          case 1:
            l = zeta;
            if (direct) { m = xf < 0 ? -w : w; nn = m * omega; }
            else { nn = yf < 0 ? -w : w; m = nn * omega; }
            break;
          case 2:
            m = zeta;
            if (direct) { l = xf > 0 ? -w : w; nn = -l * omega; }
            else { nn = yf < 0 ? -w : w; l = -nn * omega; }
            break;
          case 3:
            l = -zeta;
            if (direct) { m = xf > 0 ? -w : w; nn = -m * omega; }
            else { nn = yf < 0 ? -w : w; m = -nn * omega; }
            break;
          case 4:
            m = -zeta;
            if (direct) { l = xf < 0 ? -w : w; nn = l * omega; }
            else { nn = yf < 0 ? -w : w; l = nn * omega; }
            break;
          case 5:
            nn = -zeta;
            if (direct) { m = xf < 0 ? -w : w; l = m * omega; }
            else { l = yf < 0 ? -w : w; m = l * omega; }
            break;
          default:
            nn = zeta;
            if (direct) { m = xf < 0 ? -w : w; l = -m * omega; }
            else { l = yf > 0 ? -w : w; m = -l * omega; }
            break;
        }
        storeNative(phi, theta, i, l === 0 && m === 0 ? 0 : atan2d(m, l), asind(nn), 1e-13);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const tol = 1e-12;
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        if (Math.abs(th) === 90) {
          x[i] = -o.x0;
          y[i] = (th < 0 ? -2 * W0 : 2 * W0) - o.y0;
          continue;
        }
        const costhe = cosd(th);
        const cosphi = cosd(phi[i]);
        const sinphi = sind(phi[i]);
        const l = costhe * cosphi;
        const m = costhe * sinphi;
        const nn = sind(th);
        const face = faceOf(l, m, nn);
        let xi: number, eta: number, zeta: number;
        switch (face) {
          case 1: zeta = l; xi = m; eta = nn; break;
          case 2: zeta = m; xi = -l; eta = nn; break;
          case 3: zeta = -l; xi = -m; eta = nn; break;
          case 4: zeta = -m; xi = l; eta = nn; break;
          case 5: zeta = -nn; xi = m; eta = l; break;
          default: zeta = nn; xi = m; eta = -l; break;
        }
        let zeco = 1 - zeta;
        if (zeco < 1e-8) {
          // Small-angle form of 1 - zeta near the face centre.
          const t = th * D2R;
          let p = Math.atan2(sinphi, cosphi);
          switch (face) {
            case 1: zeco = (p * p + t * t) / 2; break;
            case 2: p -= Math.PI / 2; zeco = (p * p + t * t) / 2; break;
            case 3: p -= p < 0 ? -Math.PI : Math.PI; zeco = (p * p + t * t) / 2; break;
            case 4: p += Math.PI / 2; zeco = (p * p + t * t) / 2; break;
            case 5: { const u = (th + 90) * D2R; zeco = (u * u) / 2; break; }
            default: { const u = (90 - th) * D2R; zeco = (u * u) / 2; break; }
          }
        }
        let xf = 0;
        let yf = 0;
        if (xi !== 0 || eta !== 0) {
          if (-xi > Math.abs(eta) || xi > Math.abs(eta)) {
            const omega = eta / xi;
            const tau = 1 + omega * omega;
            xf = Math.sqrt(zeco / (1 - 1 / Math.sqrt(1 + tau)));
            if (xi < 0) xf = -xf;
            yf = (xf / 15) * (atand(omega) - asind(omega / Math.sqrt(tau + tau)));
          } else {
            const omega = xi / eta;
            const tau = 1 + omega * omega;
            yf = Math.sqrt(zeco / (1 - 1 / Math.sqrt(1 + tau)));
            if (eta < 0) yf = -yf;
            xf = (yf / 15) * (atand(omega) - asind(omega / Math.sqrt(tau + tau)));
          }
        }
        if (Math.abs(xf) > 1 + tol || Math.abs(yf) > 1 + tol) {
          storeNaN(x, y, i);
          continue;
        }
        if (Math.abs(xf) > 1) xf = xf < 0 ? -1 : 1;
        if (Math.abs(yf) > 1) yf = yf < 0 ? -1 : 1;
        x[i] = W0 * (xf + FACE_X[face]) - o.x0;
        y[i] = W0 * (yf + FACE_Y[face]) - o.y0;
      }
    },
  }));

/**
 * Zenithal (azimuthal) projections: AZP, SZP, TAN, STG, SIN, ARC, ZPN, ZEA, AIR.
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §5.1, eqs. (12)–(101);
 * boundary and tolerance conventions follow WCSLIB's prj.c, the reference implementation.
 * All are centred on the native pole: default fiducial point (phi0, theta0) = (0, 90); the
 * native longitude comes from atan2(x, -y) and the latitude from R_theta = sqrt(x² + y²).
 *
 * Edge cases (NaN in both outputs where WCSLIB reports the point invalid):
 * - AZP (PV2_1 = mu, PV2_2 = gamma): deprojection fails where |mu·s/√(s²+1)| > 1 + 1e-13;
 *   projection is rejected below theta = asin(-1/mu) (|mu| > 1, overlap) and, when
 *   |mu·cos gamma| < 1, on the far side of the divergence (eq. 24 of Paper II).
 * - SZP (PV2_1 = mu, PV2_2 = phi_c, PV2_3 = theta_c): quadratic in sin(theta), root nearest
 *   the pole; same overlap/divergence rules as AZP generalised to a slanted point of projection.
 * - TAN: theta ≤ 0 cannot be projected (theta = 0 diverges, theta < 0 lands on the far side).
 * - STG: only theta = -90 (the antipode, at infinity) fails.
 * - SIN: plain orthographic — the far hemisphere (theta < 0) and r > 1 (off the disk) fail;
 *   generalised (PV2_1 = xi, PV2_2 = eta, covers NCP) — quadratic in sin(theta) with WCSLIB's
 *   root choice; theta below -atan(xi sin phi - eta cos phi) fails.
 * - ZPN (PV2_0 … PV2_29 polynomial in zenith distance, radians): deprojection solves the
 *   polynomial by regula falsi between 0 and its first maximum (first zero of the derivative,
 *   found on a 1° grid); beyond that radius the point fails; projection fails beyond it too.
 * - ZEA: r > 360/π fails (the antipode lies on the boundary circle).
 * - AIR (PV2_1 = theta_b, default 90): deprojection by regula falsi on cos(xi); theta = -90 fails.
 */
import type { Projection, ProjectionFactory, ProjectionParams } from './types.js';
import { assemble, badPv, pvOr, type Offset } from './common.js';
import { D2R, R2D, acosd, asind, atan2d, atand, cosd, sincosd, sind, storeNaN, storeNative } from './trig.js';

const R0 = R2D;
const TOL = 1e-13;
const BOUNDS_TOL = 1e-13;

/** Builds a zenithal projection: default fiducial point at the native pole. */
function zenithal(
  code: string,
  params: ProjectionParams,
  build: (o: Offset) => Pick<Projection, 'toNative' | 'fromNative'>,
): Projection {
  return assemble(code, params, 0, 90, build);
}

/** Larger of the two candidate latitudes s ∓ t (degrees), each wrapped to ≤ 90. */
function nearerPole(s: number, t: number): number {
  let a = s - t;
  let b = s + t + 180;
  if (a > 90) a -= 360;
  if (b > 90) b -= 360;
  return a > b ? a : b;
}

/** AZP: zenithal perspective, Paper II §5.1.1; PV2_1 = mu (default 0), PV2_2 = gamma in degrees (default 0). */
export const azp: ProjectionFactory = (params) => {
  const mu = pvOr(params, 1, 0);
  const gamma = pvOr(params, 2, 0);
  const w0 = R0 * (mu + 1);
  if (w0 === 0) throw badPv(params, 'AZP', 1, 'mu = -1 is degenerate');
  const cosg = cosd(gamma);
  if (cosg === 0) throw badPv(params, 'AZP', 2, 'gamma = ±90 is degenerate');
  const secg = 1 / cosg;
  const sing = sind(gamma);
  const tang = sing / cosg;
  const thetaMin = Math.abs(mu) > 1 ? asind(-1 / mu) : -90;
  const divergent = Math.abs(mu * cosg) < 1;
  return zenithal('AZP', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const yj = y[i] + o.y0;
        const yc = yj * cosg;
        const r = Math.sqrt(xj * xj + yc * yc);
        if (r === 0) {
          phi[i] = 0;
          theta[i] = 90;
          continue;
        }
        const p = atan2d(xj, -yc);
        let s = r / (w0 + yj * sing);
        let t = (s * mu) / Math.sqrt(s * s + 1);
        s = atan2d(1, s);
        if (Math.abs(t) > 1) {
          if (Math.abs(t) > 1 + TOL) {
            storeNaN(phi, theta, i);
            continue;
          }
          t = t < 0 ? -90 : 90;
        } else {
          t = asind(t);
        }
        storeNative(phi, theta, i, p, nearerPole(s, t), BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        const sinphi = sind(phi[i]);
        const cosphi = cosd(phi[i]);
        const sinthe = sind(th);
        const costhe = cosd(th);
        const s = tang * cosphi;
        const t = mu + sinthe + costhe * s;
        let ok = t !== 0 && th >= thetaMin;
        if (ok && divergent) {
          const t2 = mu / Math.sqrt(1 + s * s);
          if (Math.abs(t2) <= 1 && th < nearerPole(atand(-s), asind(t2))) ok = false;
        }
        if (!ok) {
          storeNaN(x, y, i);
          continue;
        }
        const r = (w0 * costhe) / t;
        x[i] = r * sinphi - o.x0;
        y[i] = -r * cosphi * secg - o.y0;
      }
    },
  }));
};

/** SZP: slant zenithal perspective, Paper II §5.1.2; PV2_1 = mu (0), PV2_2 = phi_c (0), PV2_3 = theta_c (90). */
export const szp: ProjectionFactory = (params) => {
  const mu = pvOr(params, 1, 0);
  const phic = pvOr(params, 2, 0);
  const thetac = pvOr(params, 3, 90);
  const zp = mu * sind(thetac) + 1;
  if (zp === 0) throw badPv(params, 'SZP', 1, 'mu·sin(theta_c) = -1 is degenerate');
  const xp = -mu * cosd(thetac) * sind(phic);
  const yp = mu * cosd(thetac) * cosd(phic);
  const r0xp = R0 * xp;
  const r0yp = R0 * yp;
  const r0zp = R0 * zp;
  const w7 = (zp - 1) * zp - 1;
  const thetaMin = Math.abs(zp - 1) < 1 ? asind(1 - zp) : -90;
  const overlap = Math.abs(mu) > 1;
  return zenithal('SZP', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xr = (x[i] + o.x0) / R0;
        const yr = (y[i] + o.y0) / R0;
        const r2 = xr * xr + yr * yr;
        const x1 = (xr - xp) / zp;
        const y1 = (yr - yp) / zp;
        const xy = xr * x1 + yr * y1;
        let z: number;
        let th: number;
        if (r2 < 1e-10) {
          z = r2 / 2;
          th = 90 - R2D * Math.sqrt(r2 / (1 + xy));
        } else {
          const t = x1 * x1 + y1 * y1;
          const a = t + 1;
          const b = xy - t;
          const c = r2 - xy - xy + t - 1;
          let d = b * b - a * c;
          if (d < 0) {
            storeNaN(phi, theta, i);
            continue;
          }
          d = Math.sqrt(d);
          const sinthe = pickRoot((-b + d) / a, (-b - d) / a);
          if (Number.isNaN(sinthe)) {
            storeNaN(phi, theta, i);
            continue;
          }
          th = asind(sinthe);
          z = 1 - sinthe;
        }
        storeNative(phi, theta, i, atan2d(xr - x1 * z, -(yr - y1 * z)), th, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        const sinphi = sind(phi[i]);
        const cosphi = cosd(phi[i]);
        const s = 1 - sind(th);
        const t = zp - s;
        let ok = t !== 0 && th >= thetaMin;
        if (ok && overlap) {
          const s2 = xp * sinphi - yp * cosphi;
          const t2 = 1 / Math.sqrt(w7 + s2 * s2);
          if (Math.abs(t2) <= 1 && th < nearerPole(atan2d(s2, zp - 1), asind(t2))) ok = false;
        }
        if (!ok) {
          storeNaN(x, y, i);
          continue;
        }
        const r = (r0zp * cosd(th)) / t;
        const u = (r0xp * s) / t + o.x0;
        const v = (r0yp * s) / t + o.y0;
        x[i] = r * sinphi - u;
        y[i] = -r * cosphi - v;
      }
    },
  }));
};

/**
 * Root of the SZP/SIN quadratic in sin(theta) that WCSLIB takes: the one nearer the pole,
 * unless it exceeds 1 by more than 1e-13; NaN when neither lies in [-1, 1].
 */
function pickRoot(s1: number, s2: number): number {
  let s = s1 > s2 ? s1 : s2;
  if (s > 1) s = s - 1 < TOL ? 1 : s1 < s2 ? s1 : s2;
  if (s < -1 && s + 1 > -TOL) s = -1;
  return s > 1 || s < -1 ? NaN : s;
}

/** Factory for the zenithal projections whose radius depends on theta alone. */
function simpleZenithal(
  code: string,
  params: ProjectionParams,
  thetaOfR: (r: number) => number,
  rOfTheta: (theta: number) => number,
): Projection {
  return zenithal(code, params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const yj = y[i] + o.y0;
        const r = Math.sqrt(xj * xj + yj * yj);
        const th = thetaOfR(r);
        if (Number.isNaN(th)) {
          storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, r === 0 ? 0 : atan2d(xj, -yj), th, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const r = rOfTheta(theta[i]);
        if (Number.isNaN(r)) {
          storeNaN(x, y, i);
          continue;
        }
        const p = phi[i];
        x[i] = r * sind(p) - o.x0;
        y[i] = -r * cosd(p) - o.y0;
      }
    },
  }));
}

// TAN, STG, ARC and ZEA are written out as their own loops rather than through
// simpleZenithal: V8 shares one feedback vector among the closures that factory makes, so
// the per-point thetaOfR/rOfTheta calls go megamorphic and are never inlined (3–5× slower).

/** TAN: gnomonic, Paper II §5.1.3. No parameters. */
export const tan: ProjectionFactory = (params) =>
  zenithal('TAN', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      for (let i = 0; i < n; i++) {
        const xj = x[i] + x0;
        const yj = y[i] + y0;
        const r = Math.sqrt(xj * xj + yj * yj);
        const th = atan2d(R0, r);
        if (th !== th) {
          storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, r === 0 ? 0 : atan2d(xj, -yj), th, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      const sc = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        sincosd(theta[i], sc);
        const s = sc[0];
        if (!(s > 0)) {
          storeNaN(x, y, i);
          continue;
        }
        const r = (R0 * sc[1]) / s;
        sincosd(phi[i], sc);
        x[i] = r * sc[0] - x0;
        y[i] = -r * sc[1] - y0;
      }
    },
  }));

/** STG: stereographic, Paper II §5.1.4. No parameters. */
export const stg: ProjectionFactory = (params) =>
  zenithal('STG', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      for (let i = 0; i < n; i++) {
        const xj = x[i] + x0;
        const yj = y[i] + y0;
        const r = Math.sqrt(xj * xj + yj * yj);
        const th = 90 - 2 * atand(r / (2 * R0));
        if (th !== th) {
          storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, r === 0 ? 0 : atan2d(xj, -yj), th, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      const sc = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        sincosd(theta[i], sc);
        const s = 1 + sc[0];
        if (s === 0 || s !== s) {
          storeNaN(x, y, i);
          continue;
        }
        const r = (2 * R0 * sc[1]) / s;
        sincosd(phi[i], sc);
        x[i] = r * sc[0] - x0;
        y[i] = -r * sc[1] - y0;
      }
    },
  }));

/** ARC: zenithal equidistant, Paper II §5.1.6. No parameters. */
export const arc: ProjectionFactory = (params) =>
  zenithal('ARC', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      for (let i = 0; i < n; i++) {
        const xj = x[i] + x0;
        const yj = y[i] + y0;
        const r = Math.sqrt(xj * xj + yj * yj);
        if (r !== r) {
          storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, r === 0 ? 0 : atan2d(xj, -yj), r === 0 ? 90 : 90 - r, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      const sc = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        const r = 90 - theta[i];
        if (r !== r) {
          storeNaN(x, y, i);
          continue;
        }
        sincosd(phi[i], sc);
        x[i] = r * sc[0] - x0;
        y[i] = -r * sc[1] - y0;
      }
    },
  }));

/** ZEA: zenithal equal-area, Paper II §5.1.8. No parameters. */
export const zea: ProjectionFactory = (params) => {
  const w0 = 2 * R0;
  const w1 = 1 / w0;
  return zenithal('ZEA', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      for (let i = 0; i < n; i++) {
        const xj = x[i] + x0;
        const yj = y[i] + y0;
        const r = Math.sqrt(xj * xj + yj * yj);
        const s = r * w1;
        let th: number;
        if (Math.abs(s) > 1) {
          // The antipode lies on the boundary circle r = 360/π.
          th = Math.abs(r - w0) < 1e-12 ? -90 : NaN;
        } else {
          th = 90 - 2 * asind(s);
        }
        if (th !== th) {
          storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, r === 0 ? 0 : atan2d(xj, -yj), th, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      const sc = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        const r = w0 * sind((90 - theta[i]) / 2);
        if (r !== r) {
          storeNaN(x, y, i);
          continue;
        }
        sincosd(phi[i], sc);
        x[i] = r * sc[0] - x0;
        y[i] = -r * sc[1] - y0;
      }
    },
  }));
};

/** SIN: orthographic / synthesis, Paper II §5.1.5; PV2_1 = xi, PV2_2 = eta (default 0; NCP is eta = cot delta0). */
export const sin: ProjectionFactory = (params) => {
  const xi = pvOr(params, 1, 0);
  const eta = pvOr(params, 2, 0);
  const w1 = xi * xi + eta * eta;
  const w2 = w1 + 1;
  const w3 = w1 - 1;
  const ortho = w1 === 0;
  return zenithal('SIN', params, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xr = (x[i] + o.x0) / R0;
        const yr = (y[i] + o.y0) / R0;
        const r2 = xr * xr + yr * yr;
        if (ortho) {
          if (r2 > 1) {
            storeNaN(phi, theta, i);
            continue;
          }
          const th = r2 < 0.5 ? acosd(Math.sqrt(r2)) : asind(Math.sqrt(1 - r2));
          storeNative(phi, theta, i, r2 !== 0 ? atan2d(xr, -yr) : 0, th, BOUNDS_TOL);
          continue;
        }
        const xy = xr * xi + yr * eta;
        let z: number;
        let th: number;
        if (r2 < 1e-10) {
          z = r2 / 2;
          th = 90 - R2D * Math.sqrt(r2 / (1 + xy));
        } else {
          const b = xy - w1;
          const c = r2 - xy - xy + w3;
          let d = b * b - w2 * c;
          if (d < 0) {
            storeNaN(phi, theta, i);
            continue;
          }
          d = Math.sqrt(d);
          const sinthe = pickRoot((-b + d) / w2, (-b - d) / w2);
          if (Number.isNaN(sinthe)) {
            storeNaN(phi, theta, i);
            continue;
          }
          th = asind(sinthe);
          z = 1 - sinthe;
        }
        const x1 = -yr + eta * z;
        const y1 = xr - xi * z;
        storeNative(phi, theta, i, x1 === 0 && y1 === 0 ? 0 : atan2d(y1, x1), th, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const sc = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        sincosd(phi[i], sc);
        const sinphi = sc[0];
        const cosphi = sc[1];
        // Near the poles use the small-angle forms to keep 1 - sin(theta) accurate.
        const t = (90 - Math.abs(th)) * D2R;
        let z: number;
        let costhe: number;
        if (t < 1e-5) {
          z = th > 0 ? (t * t) / 2 : 2 - (t * t) / 2;
          costhe = t;
        } else {
          sincosd(th, sc);
          z = 1 - sc[0];
          costhe = sc[1];
        }
        const r = R0 * costhe;
        if (ortho) {
          if (th < 0) {
            storeNaN(x, y, i);
            continue;
          }
          x[i] = r * sinphi - o.x0;
          y[i] = -r * cosphi - o.y0;
        } else {
          if (th < -atand(xi * sinphi - eta * cosphi)) {
            storeNaN(x, y, i);
            continue;
          }
          z *= R0;
          x[i] = r * sinphi + (xi * z - o.x0);
          y[i] = -r * cosphi + (eta * z - o.y0);
        }
      }
    },
  }));
};

/** ZPN: zenithal polynomial, Paper II §5.1.7; PV2_0 … PV2_29 are the coefficients (radians). */
export const zpn: ProjectionFactory = (params) => {
  const pv = new Float64Array(30);
  for (let m = 0; m < 30; m++) pv[m] = pvOr(params, m, 0);
  let k = 29;
  while (k >= 0 && pv[k] === 0) k--;
  if (k < 0) throw badPv(params, 'ZPN', 1, 'all polynomial coefficients are zero');
  const deriv = (zd: number): number => {
    let d = 0;
    for (let m = k; m > 0; m--) d = d * zd + m * pv[m];
    return d;
  };
  const poly = (zd: number): number => {
    let r = 0;
    for (let m = k; m >= 0; m--) r = r * zd + pv[m];
    return r;
  };
  // Largest usable zenith distance: the first zero of the derivative (first maximum of R).
  let zdMax = Math.PI;
  let rMax = 0;
  if (k >= 2) {
    let d1 = pv[1];
    if (d1 <= 0) throw badPv(params, 'ZPN', 1, 'must be positive when the polynomial has degree ≥ 2');
    let zd1 = 0;
    let zd2 = 0;
    let d2 = 0;
    let j: number;
    for (j = 0; j < 180; j++) {
      zd2 = j * D2R;
      d2 = deriv(zd2);
      if (d2 <= 0) break;
      zd1 = zd2;
      d1 = d2;
    }
    let zd = Math.PI;
    if (j < 180) {
      for (let it = 1; it <= 10; it++) {
        zd = zd1 - (d1 * (zd2 - zd1)) / (d2 - d1);
        const d = deriv(zd);
        if (Math.abs(d) < TOL) break;
        if (d < 0) {
          zd2 = zd;
          d2 = d;
        } else {
          zd1 = zd;
          d1 = d;
        }
      }
    }
    zdMax = zd;
    rMax = poly(zd);
  }
  const solve = (r: number): number => {
    if (k === 1) return (r - pv[0]) / pv[1];
    if (k === 2) {
      const a = pv[2];
      const b = pv[1];
      const c = pv[0] - r;
      let d = b * b - 4 * a * c;
      if (d < 0) return NaN;
      d = Math.sqrt(d);
      const z1 = (-b + d) / (2 * a);
      const z2 = (-b - d) / (2 * a);
      let zd = z1 < z2 ? z1 : z2;
      if (zd < -TOL) zd = z1 > z2 ? z1 : z2;
      if (zd < 0) return zd < -TOL ? NaN : 0;
      if (zd > Math.PI) return zd > Math.PI + TOL ? NaN : Math.PI;
      return zd;
    }
    let zd1 = 0;
    let r1 = pv[0];
    let zd2 = zdMax;
    let r2 = rMax;
    if (r < r1) return r < r1 - TOL ? NaN : zd1;
    if (r > r2) return r > r2 + TOL ? NaN : zd2;
    let zd = zd2;
    for (let j = 0; j < 100; j++) {
      let lambda = (r2 - r) / (r2 - r1);
      if (lambda < 0.1) lambda = 0.1;
      else if (lambda > 0.9) lambda = 0.9;
      zd = zd2 - lambda * (zd2 - zd1);
      const rt = poly(zd);
      if (rt < r) {
        if (r - rt < TOL) break;
        r1 = rt;
        zd1 = zd;
      } else {
        if (rt - r < TOL) break;
        r2 = rt;
        zd2 = zd;
      }
      if (Math.abs(zd2 - zd1) < TOL) break;
    }
    return zd;
  };
  return simpleZenithal(
    'ZPN',
    params,
    (r) => 90 - solve(r / R0) * R2D,
    (th) => {
      const s = (90 - th) * D2R;
      return s > zdMax ? NaN : poly(s) * R0;
    },
  );
};

/** AIR: Airy, Paper II §5.1.9; PV2_1 = theta_b in degrees (default 90). */
export const air: ProjectionFactory = (params) => {
  const thetab = pvOr(params, 1, 90);
  let w1: number;
  let w2: number;
  if (thetab === 90) {
    w1 = -0.5;
    w2 = 1;
  } else if (thetab > -90) {
    const cxi = cosd((90 - thetab) / 2);
    w1 = (Math.log(cxi) * (cxi * cxi)) / (1 - cxi * cxi);
    w2 = 0.5 - w1;
  } else {
    throw badPv(params, 'AIR', 1, 'theta_b must exceed -90');
  }
  const w0 = 2 * R0;
  const w3 = w0 * w2;
  const smallXi = 1e-4;
  const smallR = w2 * smallXi;
  const w6 = R2D / w2;
  // Tighter than wcslib's 1e-12 so pixel round trips close to 1e-9 px on coarse grids.
  const tol = 1e-15;
  const radius = (cosxi: number): number => {
    const tanxi = Math.sqrt(1 - cosxi * cosxi) / cosxi;
    return -(Math.log(cosxi) / tanxi + w1 * tanxi);
  };
  return simpleZenithal(
    'AIR',
    params,
    (rr) => {
      const r = rr / w0;
      let xi: number;
      if (r === 0) {
        xi = 0;
      } else if (r < smallR) {
        xi = r * w6;
      } else {
        // Bracket the root in cos(xi) by halving, then regula falsi.
        let x1 = 1;
        let x2 = 1;
        let r1 = 0;
        let r2 = 0;
        let k: number;
        for (k = 0; k < 30; k++) {
          x2 = x1 / 2;
          r2 = radius(x2);
          if (r2 >= r) break;
          x1 = x2;
          r1 = r2;
        }
        if (k === 30) return NaN;
        let cosxi = x2;
        for (k = 0; k < 100; k++) {
          let lambda = (r2 - r) / (r2 - r1);
          if (lambda < 0.1) lambda = 0.1;
          else if (lambda > 0.9) lambda = 0.9;
          cosxi = x2 - lambda * (x2 - x1);
          const rt = radius(cosxi);
          if (rt < r) {
            if (r - rt < tol) break;
            r1 = rt;
            x1 = cosxi;
          } else {
            if (rt - r < tol) break;
            r2 = rt;
            x2 = cosxi;
          }
        }
        // Converged to rounding (the bracket has collapsed) counts as converged.
        if (k === 100 && Math.abs(x2 - x1) > 1e-14) return NaN;
        xi = acosd(cosxi);
      }
      return 90 - 2 * xi;
    },
    (th) => {
      if (th === 90) return 0;
      if (!(th > -90)) return NaN;
      const xi = (D2R * (90 - th)) / 2;
      if (xi < smallXi) return xi * w3;
      return w0 * radius(cosd((90 - th) / 2));
    },
  );
};

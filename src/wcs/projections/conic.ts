/**
 * Conic projections: COP, COE, COD, COO.
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §5.5, eqs. (137)–(158);
 * tolerances follow WCSLIB's prj.c. PV2_1 = theta_a (required, degrees), PV2_2 = eta
 * (half-separation of the standard parallels, default 0). Default fiducial point
 * (phi0, theta0) = (0, theta_a). The apex sits at y = Y0 (the `w2` constant below); a negative
 * theta_a turns the cone over, so R_theta takes the sign of theta_a when deprojecting.
 *
 * Edge cases:
 * - COP: diverges at theta = theta_a ± 90; points on the far side (R·C < 0) fail; the pole
 *   opposite to theta_a fails.
 * - COE: deprojection fails where |(Y² stuff)| puts sin(theta) beyond ±1 by more than 1e-12.
 * - COO: the pole opposite the cone's apex is at infinity and fails.
 */
import type { Projection, ProjectionFactory, ProjectionParams } from './types.js';
import { assemble, badPv, pvOr } from './common.js';
import { D2R, R2D, asind, atan2d, atand, cosd, sind, storeNaN, storeNative, tand } from './trig.js';

const R0 = R2D;
const BOUNDS_TOL = 1e-13;

function thetaA(params: ProjectionParams, code: string): number {
  const v = params.pv(1);
  if (v === undefined) throw badPv(params, code, 1, `${code} requires theta_a`);
  return v;
}

/**
 * Shared conic skeleton: C (cone constant), Y0 (apex offset), theta(R) for the inverse
 * (NaN = off the projection) and R(theta) for the forward transform (NaN = off).
 */
function conic(
  code: string,
  params: ProjectionParams,
  theta1: number,
  c: number,
  y0c: number,
  thetaOfR: (r: number) => number,
  rOfTheta: (theta: number) => number,
): Projection {
  const negative = theta1 < 0;
  const invC = 1 / c;
  return assemble(code, params, 0, theta1, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const dy = y0c - (y[i] + o.y0);
        let r = Math.sqrt(xj * xj + dy * dy);
        if (negative) r = -r;
        const alpha = r === 0 ? 0 : atan2d(xj / r, dy / r);
        const t = thetaOfR(r);
        if (Number.isNaN(t)) storeNaN(phi, theta, i);
        else storeNative(phi, theta, i, alpha * invC, t, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const yoff = o.y0 - y0c;
      for (let i = 0; i < n; i++) {
        const r = rOfTheta(theta[i]);
        // NaN: off the projection; ±Infinity: a pole at infinity (COO), also off.
        if (!Number.isFinite(r)) {
          storeNaN(x, y, i);
          continue;
        }
        const alpha = c * phi[i];
        x[i] = r * sind(alpha) - o.x0;
        y[i] = -r * cosd(alpha) - yoff;
      }
    },
  }));
}

/** COP: conic perspective, Paper II §5.5.1. */
export const cop: ProjectionFactory = (params) => {
  const ta = thetaA(params, 'COP');
  const eta = pvOr(params, 2, 0);
  const c = sind(ta);
  if (c === 0) throw badPv(params, 'COP', 1, 'theta_a must be non-zero');
  const w3 = R0 * cosd(eta);
  if (w3 === 0) throw badPv(params, 'COP', 2, 'eta must not be ±90');
  const w4 = 1 / w3;
  const w5 = 1 / tand(ta);
  const y0c = w3 * w5;
  return conic(
    'COP', params, ta, c, y0c,
    (r) => ta + atand(w5 - r * w4),
    (th) => {
      const t = th - ta;
      const s = cosd(t);
      if (s === 0) return NaN;
      if (Math.abs(th) === 90) return th < 0 !== ta < 0 ? NaN : 0;
      const r = y0c - (w3 * sind(t)) / s;
      return r * c < 0 ? NaN : r;
    },
  );
};

/** COE: conic equal area, Paper II §5.5.2. */
export const coe: ProjectionFactory = (params) => {
  const ta = thetaA(params, 'COE');
  const eta = pvOr(params, 2, 0);
  const s1 = sind(ta - eta);
  const s2 = sind(ta + eta);
  const c = (s1 + s2) / 2;
  if (c === 0) throw badPv(params, 'COE', 1, 'sin(theta_a - eta) + sin(theta_a + eta) must be non-zero');
  const w3 = R0 / c;
  const w4 = 1 + s1 * s2;
  const w5 = 2 * c;
  const w6 = w3 * w3 * w4;
  const w7 = 1 / (2 * R0 * w3);
  const w8 = w3 * Math.sqrt(w4 + w5);
  const y0c = w3 * Math.sqrt(w4 - w5 * sind(ta));
  const tol = 1e-12;
  return conic(
    'COE', params, ta, c, y0c,
    (r) => {
      if (Math.abs(r - w8) < tol) return -90;
      const w = (w6 - r * r) * w7;
      if (Math.abs(w) > 1) {
        if (Math.abs(w - 1) < tol) return 90;
        if (Math.abs(w + 1) < tol) return -90;
        return NaN;
      }
      return asind(w);
    },
    (th) => (th === -90 ? w8 : w3 * Math.sqrt(w4 - w5 * sind(th))),
  );
};

/** COD: conic equidistant, Paper II §5.5.3. */
export const cod: ProjectionFactory = (params) => {
  const ta = thetaA(params, 'COD');
  const eta = pvOr(params, 2, 0);
  const c = eta === 0 ? R0 * sind(ta) * D2R : (R0 * sind(ta) * sind(eta)) / eta;
  if (c === 0) throw badPv(params, 'COD', 1, 'theta_a must be non-zero');
  const y0c = (R0 * cosd(eta) * cosd(ta)) / c;
  const w3 = y0c + ta;
  return conic('COD', params, ta, c, y0c, (r) => w3 - r, (th) => w3 - th);
};

/** COO: conic orthomorphic (conformal), Paper II §5.5.4. */
export const coo: ProjectionFactory = (params) => {
  const ta = thetaA(params, 'COO');
  const eta = pvOr(params, 2, 0);
  const t1 = ta - eta;
  const t2 = ta + eta;
  const tan1 = tand((90 - t1) / 2);
  const cos1 = cosd(t1);
  const c = t1 === t2 ? sind(t1) : Math.log(cosd(t2) / cos1) / Math.log(tand((90 - t2) / 2) / tan1);
  if (c === 0 || !Number.isFinite(c)) throw badPv(params, 'COO', 1, 'the cone constant is zero or undefined');
  const w3 = (R0 * (cos1 / c)) / Math.pow(tan1, c);
  if (w3 === 0 || !Number.isFinite(w3)) throw badPv(params, 'COO', 2, 'the standard parallels are degenerate');
  const w4 = 1 / w3;
  const invC = 1 / c;
  const y0c = w3 * Math.pow(tand((90 - ta) / 2), c);
  return conic(
    'COO', params, ta, c, y0c,
    (r) => (r === 0 ? (c < 0 ? -90 : NaN) : 90 - 2 * atand(Math.pow(r * w4, invC))),
    (th) => (th === -90 ? (c >= 0 ? NaN : 0) : w3 * Math.pow(tand((90 - th) / 2), c)),
  );
};

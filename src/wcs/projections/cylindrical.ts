/**
 * Cylindrical projections: CYP, CEA, CAR, MER.
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §5.2, eqs. (102)–(115);
 * tolerances follow WCSLIB's prj.c. Default fiducial point (phi0, theta0) = (0, 0).
 * x is linear in phi, so deprojected longitudes outside [-180, 180] (beyond 1e-13) are off
 * the projection (NaN), as in WCSLIB; the x-range is not wrapped.
 *
 * Edge cases:
 * - CYP (PV2_1 = mu, default 1; PV2_2 = lambda, default 1): theta where mu + cos(theta) = 0
 *   diverges (only reachable for |mu| ≤ 1); lambda = 0 or mu + lambda = 0 are invalid parameters.
 * - CEA (PV2_1 = lambda in (0, 1], default 1): |y| beyond 180/(pi·lambda) by more than 1e-13 fails.
 * - MER: the poles (|theta| ≥ 90) are at infinity and fail.
 */
import type { ProjectionFactory } from './types.js';
import { assemble, badPv, pvOr } from './common.js';
import { R2D, asind, atan2d, atand, cosd, sind, storeNaN, storeNative, tand } from './trig.js';

const R0 = R2D;
const BOUNDS_TOL = 1e-13;

/** CYP: cylindrical perspective, Paper II §5.2.1. */
export const cyp: ProjectionFactory = (params) => {
  const mu = pvOr(params, 1, 1);
  const lambda = pvOr(params, 2, 1);
  if (lambda === 0) throw badPv(params, 'CYP', 2, 'lambda must be non-zero');
  if (mu + lambda === 0) throw badPv(params, 'CYP', 1, 'mu + lambda must be non-zero');
  const w1 = 1 / lambda;
  const w2 = R0 * (mu + lambda);
  const w3 = 1 / w2;
  return assemble('CYP', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const p = w1 * (x[i] + o.x0);
        const eta = w3 * (y[i] + o.y0);
        const t = atan2d(eta, 1) + asind((eta * mu) / Math.sqrt(eta * eta + 1));
        if (Number.isNaN(t)) storeNaN(phi, theta, i);
        else storeNative(phi, theta, i, p, t, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const eta = mu + cosd(theta[i]);
        if (eta === 0) {
          storeNaN(x, y, i);
          continue;
        }
        x[i] = lambda * phi[i] - o.x0;
        y[i] = (w2 * sind(theta[i])) / eta - o.y0;
      }
    },
  }));
};

/** CEA: cylindrical equal area, Paper II §5.2.2. */
export const cea: ProjectionFactory = (params) => {
  const lambda = pvOr(params, 1, 1);
  if (!(lambda > 0 && lambda <= 1)) throw badPv(params, 'CEA', 1, 'lambda must lie in (0, 1]');
  const w2 = R0 / lambda;
  const w3 = lambda / R0;
  return assemble('CEA', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const p = x[i] + o.x0;
        const s = w3 * (y[i] + o.y0);
        let t: number;
        if (Math.abs(s) > 1) {
          if (Math.abs(s) > 1 + 1e-13) {
            storeNaN(phi, theta, i);
            continue;
          }
          t = s < 0 ? -90 : 90;
        } else {
          t = asind(s);
        }
        storeNative(phi, theta, i, p, t, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        x[i] = phi[i] - o.x0;
        y[i] = w2 * sind(th) - o.y0;
      }
    },
  }));
};

/** CAR: plate carrée, Paper II §5.2.3. No parameters. */
export const car: ProjectionFactory = (params) =>
  assemble('CAR', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) storeNative(phi, theta, i, x[i] + o.x0, y[i] + o.y0, BOUNDS_TOL);
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        x[i] = phi[i] - o.x0;
        y[i] = th - o.y0;
      }
    },
  }));

/** MER: Mercator, Paper II §5.2.4. No parameters. */
export const mer: ProjectionFactory = (params) =>
  assemble('MER', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const t = 2 * atand(Math.exp((y[i] + o.y0) / R0)) - 90;
        storeNative(phi, theta, i, x[i] + o.x0, t, BOUNDS_TOL);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        if (!(th > -90 && th < 90)) {
          storeNaN(x, y, i);
          continue;
        }
        x[i] = phi[i] - o.x0;
        y[i] = R0 * Math.log(tand((th + 90) / 2)) - o.y0;
      }
    },
  }));

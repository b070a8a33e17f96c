/**
 * Pseudo-cylindrical (and Hammer–Aitoff) projections: SFL (alias GLS), PAR, MOL, AIT.
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §5.3, eqs. (116)–(136);
 * tolerances follow WCSLIB's prj.c. Default fiducial point (phi0, theta0) = (0, 0).
 *
 * Edge cases (NaN in both outputs where WCSLIB reports the point invalid):
 * - SFL: at the poles cos(theta) = 0, so only x = 0 deprojects there; points whose
 *   longitude comes out beyond ±180 (by more than 1e-12) lie outside the outline.
 * - PAR: |y| > 180 fails; at the poles (|y| = 90·2) only |x| < 1e-13 is valid.
 * - MOL: |y| > √2·180/π fails; at the poles only |x| < 1e-12 is valid; the forward
 *   transform solves Kepler-like v + sin v = π sin(theta) by bisection (tolerance 1e-13).
 * - AIT: points outside the 2:1 ellipse (1 - x²/(4r0²)·… < 0.5 - 1e-13) fail.
 */
import type { ProjectionFactory } from './types.js';
import { assemble } from './common.js';
import { R2D, asind, atan2d, cosd, sincosd, sind, storeNaN, storeNative } from './trig.js';

const R0 = R2D;

/** SFL: Sanson–Flamsteed, Paper II §5.3.1 (GLS is the same projection). No parameters. */
export const sfl: ProjectionFactory = (params) => sflNamed('SFL', params);

/** GLS: the AIPS name of SFL (Paper II §5.3.1). */
export const gls: ProjectionFactory = (params) => sflNamed('GLS', params);

function sflNamed(code: string, params: Parameters<ProjectionFactory>[0]) {
  return assemble(code, params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const yj = y[i] + o.y0;
        const c = Math.cos(yj / R0);
        if (c === 0) storeNaN(phi, theta, i);
        else storeNative(phi, theta, i, xj * (1 / c), yj, 1e-12);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        x[i] = cosd(th) * phi[i] - o.x0;
        y[i] = th - o.y0;
      }
    },
  }));
}

/** PAR: parabolic, Paper II §5.3.2. No parameters. */
export const par: ProjectionFactory = (params) =>
  assemble('PAR', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const r = (y[i] + o.y0) / 180;
        if (r > 1 || r < -1) {
          storeNaN(phi, theta, i);
          continue;
        }
        const s = 1 - 4 * r * r;
        const t = 3 * asind(r);
        if (s === 0) {
          // At the poles only the central meridian is on the projection.
          if (Math.abs(xj) - 1e-13 < 0) storeNative(phi, theta, i, 0, t, 1e-12);
          else storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, xj * (1 / s), t, 1e-12);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const s = sind(theta[i] / 3);
        x[i] = (1 - 4 * s * s) * phi[i] - o.x0;
        y[i] = 180 * s - o.y0;
      }
    },
  }));

/** MOL: Mollweide, Paper II §5.3.3. No parameters. */
export const mol: ProjectionFactory = (params) => {
  const w0 = Math.SQRT2 * R0;
  const w1 = w0 / 90;
  const w2 = 1 / w0;
  const w3 = 90 / R0;
  const tol = 1e-12;
  return assemble('MOL', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const yj = y[i] + o.y0;
        const y0 = yj / R0;
        let r = 2 - y0 * y0;
        let bad = false;
        let deferred = false;
        let s: number;
        if (r <= tol) {
          if (r < -tol) bad = true;
          else deferred = true; // valid only on the central meridian
          r = 0;
          s = 0;
        } else {
          r = Math.sqrt(r);
          s = 1 / r;
        }
        let z = yj * w2;
        if (Math.abs(z) > 1) {
          if (Math.abs(z) > 1 + tol) {
            z = 0;
            bad = true;
          } else {
            z = (z < 0 ? -1 : 1) + (y0 * r) / Math.PI;
          }
        } else {
          z = (Math.asin(z) * 2) / Math.PI + (y0 * r) / Math.PI;
        }
        if (Math.abs(z) > 1) {
          if (Math.abs(z) > 1 + tol) {
            z = 0;
            bad = true;
          } else {
            z = z < 0 ? -1 : 1;
          }
        }
        if (bad || (deferred && !(Math.abs(xj) - tol < 0))) {
          storeNaN(phi, theta, i);
          continue;
        }
        storeNative(phi, theta, i, w3 * xj * s, asind(z), 1e-11);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        let xi: number;
        let eta: number;
        if (Math.abs(th) === 90) {
          xi = 0;
          eta = th < 0 ? -w0 : w0;
        } else if (th === 0) {
          xi = 1;
          eta = 0;
        } else {
          // Solve v + sin v = pi sin(theta) by bisection.
          const u = Math.PI * sind(th);
          let v0 = -Math.PI;
          let v1 = Math.PI;
          let v = u;
          for (let k = 0; k < 100; k++) {
            const resid = v - u + Math.sin(v);
            if (resid < 0) {
              if (resid > -1e-13) break;
              v0 = v;
            } else {
              if (resid < 1e-13) break;
              v1 = v;
            }
            v = (v0 + v1) / 2;
          }
          const gamma = v / 2;
          xi = Math.cos(gamma);
          eta = w0 * Math.sin(gamma);
        }
        x[i] = xi * (w1 * phi[i]) - o.x0;
        y[i] = eta - o.y0;
      }
    },
  }));
};

/** AIT: Hammer–Aitoff, Paper II §5.3.4. No parameters. */
export const ait: ProjectionFactory = (params) => {
  const w0 = 2 * R0 * R0;
  const w1 = 1 / (2 * w0);
  const w2 = w1 / 4;
  const w3 = 1 / (2 * R0);
  const tol = 1e-13;
  return assemble('AIT', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const yj = y[i] + o.y0;
        let s = 1 - xj * xj * w2 - yj * yj * w1;
        let bad = false;
        if (s < 0.5) {
          if (s < 0.5 - tol) bad = true;
          s = 0.5;
        }
        const z = Math.sqrt(s);
        const xa = 2 * z * z - 1;
        const ya = z * (xj * w3);
        const p = xa === 0 && ya === 0 ? 0 : 2 * atan2d(ya, xa);
        let t = (z * yj) / R0;
        if (Math.abs(t) > 1) {
          if (Math.abs(t) > 1 + tol) bad = true;
          t = t < 0 ? -90 : 90;
        } else {
          t = asind(t);
        }
        if (bad) storeNaN(phi, theta, i);
        else storeNative(phi, theta, i, p, t, 1e-13);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const x0 = o.x0;
      const y0 = o.y0;
      const st = new Float64Array(2);
      const sp = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        sincosd(theta[i], st);
        sincosd(phi[i] / 2, sp);
        const costhe = st[1];
        const w = Math.sqrt(w0 / (1 + costhe * sp[1]));
        x[i] = 2 * w * costhe * sp[0] - x0;
        y[i] = w * st[0] - y0;
      }
    },
  }));
};

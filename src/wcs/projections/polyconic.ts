/**
 * Polyconic and pseudoconic projections: BON (Bonne), PCO (polyconic).
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §5.6, eqs. (159)–(167);
 * tolerances follow WCSLIB's prj.c. Default fiducial point (phi0, theta0) = (0, 0).
 *
 * Edge cases:
 * - BON: PV2_1 = theta_1 is required; theta_1 = 0 is exactly SFL. Points whose longitude
 *   comes out beyond ±180 (by more than 1e-11) lie outside the outline and fail.
 * - PCO: the inverse solves for theta by weighted interval division (tolerance 1e-12),
 *   with a series form within 1e-4 of the equator where cot(theta) blows up; points outside
 *   the outline give |phi| > 180 and fail.
 */
import type { ProjectionFactory } from './types.js';
import { assemble, badPv } from './common.js';
import { sfl } from './pseudo-cylindrical.js';
import { D2R, R2D, atan2d, cosd, sind, storeNaN, storeNative, tand } from './trig.js';

const R0 = R2D;

/** BON: Bonne's equal area, Paper II §5.6.1; PV2_1 = theta_1 (degrees, required). */
export const bon: ProjectionFactory = (params) => {
  const t1 = params.pv(1);
  if (t1 === undefined) throw badPv(params, 'BON', 1, 'BON requires theta_1');
  if (t1 === 0) {
    const p = sfl(params);
    return { ...p, code: 'BON' };
  }
  const w1 = 1;
  const y0c = (R0 * cosd(t1)) / sind(t1) + t1;
  const negative = t1 < 0;
  return assemble('BON', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const dy = y0c - (y[i] + o.y0);
        let r = Math.sqrt(xj * xj + dy * dy);
        if (negative) r = -r;
        const alpha = r === 0 ? 0 : atan2d(xj / r, dy / r);
        const t = (y0c - r) / w1;
        const costhe = cosd(t);
        const p = costhe === 0 ? 0 : (alpha * (r / R0)) / costhe;
        storeNative(phi, theta, i, p, t, 1e-11);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      const yoff = o.y0 - y0c;
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        const r = y0c - w1 * th;
        const alpha = (cosd(th) / r) * (R0 * phi[i]);
        x[i] = r * sind(alpha) - o.x0;
        y[i] = -r * cosd(alpha) - yoff;
      }
    },
  }));
};

/** PCO: polyconic, Paper II §5.6.2. No parameters. */
export const pco: ProjectionFactory = (params) => {
  const w2 = 360 / Math.PI;
  const w3 = D2R / w2;
  const tol = 1e-12;
  return assemble('PCO', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xj = x[i] + o.x0;
        const yj = y[i] + o.y0;
        const w = Math.abs(yj);
        let p: number;
        let t: number;
        if (w < tol) {
          p = xj;
          t = 0;
        } else if (Math.abs(w - 90) < tol) {
          p = 0;
          t = yj < 0 ? -90 : 90;
        } else {
          let the: number;
          let ymthe: number;
          let tanthe: number;
          if (w < 1e-4) {
            // Series form: avoids cot(theta) blowing up near the equator.
            the = yj / (1 + w3 * xj * xj);
            ymthe = yj - the;
            tanthe = tand(the);
          } else {
            // Weighted division of [0, y] until x² + (y-θ)(y-θ - 2/tanθ) = 0.
            let thepos = yj;
            let theneg = 0;
            const xx = xj * xj;
            let fpos = xx;
            let fneg = -xx;
            the = thepos;
            ymthe = 0;
            tanthe = 1;
            for (let k = 0; k < 64; k++) {
              let lambda = fpos / (fpos - fneg);
              if (lambda < 0.1) lambda = 0.1;
              else if (lambda > 0.9) lambda = 0.9;
              the = thepos - lambda * (thepos - theneg);
              ymthe = yj - the;
              tanthe = tand(the);
              const f = xx + ymthe * (ymthe - w2 / tanthe);
              if (Math.abs(f) < tol) break;
              if (Math.abs(thepos - theneg) < tol) break;
              if (f > 0) {
                thepos = the;
                fpos = f;
              } else {
                theneg = the;
                fneg = f;
              }
            }
          }
          const x1 = R0 - ymthe * tanthe;
          const y1 = xj * tanthe;
          p = x1 === 0 && y1 === 0 ? 0 : atan2d(y1, x1) / sind(the);
          t = the;
        }
        storeNative(phi, theta, i, p, t, 1e-12);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const th = theta[i];
        const p = phi[i];
        if (th === 0) {
          x[i] = p - o.x0;
          y[i] = -o.y0;
        } else if (Math.abs(th) < 1e-4) {
          // Series form near the equator (WCSLIB evaluates it with the offset x, kept for parity).
          const xo = p * cosd(th) - o.x0;
          x[i] = xo;
          y[i] = (1 + w3 * xo * xo) * th - o.y0;
        } else {
          const sinthe = sind(th);
          const cotthe = cosd(th) / sinthe;
          const psi = p * sinthe;
          x[i] = R0 * cotthe * sind(psi) - o.x0;
          y[i] = R0 * (cotthe * (1 - cosd(psi)) + th * D2R) - o.y0;
        }
      }
    },
  }));
};

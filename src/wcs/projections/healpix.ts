/**
 * HEALPix projection: HPX.
 *
 * Reference: Calabretta & Roukema 2007, MNRAS 381, 865 ("Mapping on the HEALPix grid"),
 * §4–6, eqs. (1)–(9); boundary conventions follow WCSLIB's prj.c. PV2_1 = H (number of
 * facets in longitude, default 4), PV2_2 = K (in latitude, default 3); both must be positive.
 * Default fiducial point (phi0, theta0) = (0, 0).
 *
 * Regimes: |sin theta| ≤ (K-1)/K is the equatorial band, a cylindrical equal-area strip;
 * beyond it the polar regions are split into H triangles (the collar of Collignon facets)
 * whose apexes meet at the poles. In the plane the polar triangles leave "forbidden" corners
 * between them: points there (|phi - phi_c| beyond the facet half-width 180/H, by more than
 * 1e-12) are off the projection, as is |y| beyond the poles. For even K the southern polar
 * half-facets are offset by half a facet (paper §6.2).
 */
import type { ProjectionFactory } from './types.js';
import { assemble, badPv, pvOr } from './common.js';
import { asind, sind, storeNaN, storeNative } from './trig.js';

/** HPX: HEALPix, Calabretta & Roukema 2007; PV2_1 = H (default 4), PV2_2 = K (default 3). */
export const hpx: ProjectionFactory = (params) => {
  const H = pvOr(params, 1, 4);
  const K = pvOr(params, 2, 3);
  if (!(H > 0)) throw badPv(params, 'HPX', 1, 'H must be positive');
  if (!(K > 0)) throw badPv(params, 'HPX', 2, 'K must be positive');
  const hOdd = Math.trunc(H + 0.5) % 2;
  const kOdd = Math.trunc(K + 0.5) % 2 !== 0;
  const sinBand = (K - 1) / K;
  const yScale = (90 * K) / H;
  const w4 = (K + 1) / 2;
  const yBand = (90 * (K - 1)) / H;
  const facet = 180 / H; // half-width of a facet in phi (and in x)
  const perDeg = H / 360;
  const slim = facet + 1e-12;
  const ylim = facet * w4;
  return assemble('HPX', params, 0, 0, (o) => ({
    toNative(x, y, phi, theta, n = x.length) {
      for (let i = 0; i < n; i++) {
        const xraw = x[i];
        const yraw = y[i];
        const s = xraw + o.x0;
        // x - x_c, where x_c is the centre of the facet containing x.
        let t = xraw - (-180 + (2 * Math.floor((xraw + 180) * perDeg) + 1) * facet);
        const yr = yraw + o.y0;
        const absy = Math.abs(yr);
        if (absy <= yBand) {
          storeNative(phi, theta, i, s, asind(yr / yScale), 1e-12);
          continue;
        }
        if (absy > ylim) {
          storeNaN(phi, theta, i);
          continue;
        }
        const sigma = w4 - absy / facet;
        let scale: number;
        let th: number;
        if (sigma === 0) {
          scale = 1e9;
          th = 90;
        } else {
          th = 1 - (sigma * sigma) / K;
          if (th < -1) {
            storeNaN(phi, theta, i);
            continue;
          }
          scale = 1 / sigma;
          th = asind(th);
        }
        if (yraw < 0) th = -th;
        if (!kOdd && !(yraw > 0)) {
          // Even K: the southern polar half-facets are offset by half a facet.
          const h = Math.floor(s / facet) + hOdd;
          if (h % 2) t -= facet;
          else t += facet;
        }
        let r = scale * t;
        if (slim <= Math.abs(r)) {
          // In a forbidden corner between polar triangles.
          storeNaN(phi, theta, i);
          continue;
        }
        if (r !== 0) r -= t;
        storeNative(phi, theta, i, s + r, th, 1e-12);
      }
    },
    fromNative(phi, theta, x, y, n = phi.length) {
      for (let i = 0; i < n; i++) {
        const p = phi[i];
        const th = theta[i];
        const xi = p - o.x0;
        const sinthe = sind(th);
        const abssin = Math.abs(sinthe);
        if (abssin <= sinBand) {
          x[i] = xi;
          y[i] = yScale * sinthe - o.y0;
          continue;
        }
        // phi - phi_c, where phi_c is the centre of the facet containing phi.
        let t = p - (-180 + (2 * Math.floor((p + 180) * perDeg) + 1) * facet);
        const sigma = Math.sqrt(K * (1 - abssin));
        let eta = facet * (w4 - sigma);
        if (th < 0) eta = -eta;
        if (!kOdd && !(th > 0)) {
          const h = Math.floor((xi + o.x0) / facet) + hOdd;
          if (h % 2) t -= facet;
          else t += facet;
        }
        let xo = xi + t * (sigma - 1);
        // Put the phi = 180 meridian in the expected place.
        if (180 < xo) xo = 360 - xo;
        x[i] = xo;
        y[i] = eta - o.y0;
      }
    },
  }));
};

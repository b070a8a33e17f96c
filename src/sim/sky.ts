/**
 * The synthetic sky of `mosaic simulate`: a function of (ra, dec) only, so every image and
 * the truth mosaic sample the same scene through their own WCS.
 *
 * Scene: stars with a circular gaussian PSF (seeded positions, log-uniform fluxes), and smooth
 * nebulosity made of elongated gaussian clouds on the tangent plane at the field centre.
 * Pixel values are the mean surface brightness over the pixel (the PSF is integrated over
 * each pixel with erf), in DN per arcsec² × (1 arcsec² / pixel area) — i.e. DN per pixel for 1″ pixels.
 */
import { Random } from './random.js';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** One elongated gaussian cloud on the tangent plane (degrees, DN per arcsec²). */
export interface Cloud {
  xi: number;
  eta: number;
  sigmaMajor: number;
  sigmaMinor: number;
  /** Position angle of the major axis, radians. */
  angle: number;
  amplitude: number;
}

/** The scene. Positions in degrees; star fluxes in DN·arcsec² (total over the PSF). */
export interface SkyModel {
  centerRa: number;
  centerDec: number;
  starRa: Float64Array;
  starDec: Float64Array;
  starFlux: Float64Array;
  /** PSF standard deviation, arcsec. */
  psfSigmaArcsec: number;
  clouds: Cloud[];
}

/** Options of {@link createSkyModel}. */
export interface SkyModelOptions {
  centerRa: number;
  centerDec: number;
  /** Half-size of the region to populate (on the tangent plane), degrees. */
  halfWidthDeg: number;
  halfHeightDeg: number;
  /** Stars per square degree. Default 20000 (a Milky-Way field in the near infrared). */
  starDensity?: number;
  /** Faintest and brightest star fluxes, DN·arcsec². Defaults 50 and 2e5. */
  fluxRange?: [number, number];
  /** PSF FWHM, arcsec. Default 2.5 (2MASS-like). */
  psfFwhmArcsec?: number;
  /** Number of nebular clouds. Default 12. */
  clouds?: number;
  /** Peak nebular surface brightness, DN per arcsec². Default 40. */
  nebulaPeak?: number;
}

/** Gnomonic standard coordinates (ξ east, η north) of (ra, dec) about (ra0, dec0), degrees. */
export function tangentPlane(ra0: number, dec0: number, ra: number, dec: number): [number, number] {
  const dl = (ra - ra0) * D2R;
  const s0 = Math.sin(dec0 * D2R), c0 = Math.cos(dec0 * D2R);
  const s = Math.sin(dec * D2R), c = Math.cos(dec * D2R);
  const cosc = s0 * s + c0 * c * Math.cos(dl);
  return [((c * Math.sin(dl)) / cosc) * R2D, ((c0 * s - s0 * c * Math.cos(dl)) / cosc) * R2D];
}

/** Inverse of {@link tangentPlane}. */
export function fromTangentPlane(ra0: number, dec0: number, xi: number, eta: number): [number, number] {
  const x = xi * D2R, y = eta * D2R;
  const s0 = Math.sin(dec0 * D2R), c0 = Math.cos(dec0 * D2R);
  const d = c0 - y * s0;
  const ra = ra0 + Math.atan2(x, d) * R2D;
  return [((ra % 360) + 360) % 360, Math.atan2(s0 + y * c0, Math.hypot(x, d)) * R2D];
}

/** A seeded scene covering the given region (stars spill 1′ beyond it so edges are not empty). */
export function createSkyModel(opts: SkyModelOptions, rng: Random): SkyModel {
  const margin = 1 / 60;
  const hw = opts.halfWidthDeg + margin, hh = opts.halfHeightDeg + margin;
  const n = Math.round((opts.starDensity ?? 20000) * 4 * hw * hh);
  const [fmin, fmax] = opts.fluxRange ?? [50, 2e5];
  const starRa = new Float64Array(n), starDec = new Float64Array(n), starFlux = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [ra, dec] = fromTangentPlane(opts.centerRa, opts.centerDec, rng.uniform(-hw, hw), rng.uniform(-hh, hh));
    starRa[i] = ra;
    starDec[i] = dec;
    starFlux[i] = rng.logUniform(fmin, fmax);
  }
  const clouds: Cloud[] = [];
  const peak = opts.nebulaPeak ?? 40;
  for (let k = 0; k < (opts.clouds ?? 12); k++) {
    const size = Math.max(hw, hh);
    const major = rng.uniform(0.15, 0.45) * size;
    clouds.push({
      xi: rng.uniform(-0.8, 0.8) * hw,
      eta: rng.uniform(-0.8, 0.8) * hh,
      sigmaMajor: major,
      sigmaMinor: major * rng.uniform(0.25, 0.8),
      angle: rng.uniform(0, Math.PI),
      amplitude: peak * rng.uniform(0.2, 1),
    });
  }
  const fwhm = opts.psfFwhmArcsec ?? 2.5;
  return { centerRa: opts.centerRa, centerDec: opts.centerDec, starRa, starDec, starFlux, psfSigmaArcsec: fwhm / 2.3548200450309493, clouds };
}

/** Nebular surface brightness (DN per arcsec²) at many positions; written to `out`. */
export function nebulaMany(model: SkyModel, ra: ArrayLike<number>, dec: ArrayLike<number>, out: Float64Array | Float32Array): void {
  // Cloud parameters in flat arrays; the tangent projection is inlined (this is the hot loop).
  const k = model.clouds.length;
  const cx = new Float64Array(k), cy = new Float64Array(k), ca = new Float64Array(k), sa = new Float64Array(k);
  const ima = new Float64Array(k), imi = new Float64Array(k), amp = new Float64Array(k);
  model.clouds.forEach((c, i) => {
    cx[i] = c.xi;
    cy[i] = c.eta;
    ca[i] = Math.cos(c.angle);
    sa[i] = Math.sin(c.angle);
    ima[i] = 1 / c.sigmaMajor;
    imi[i] = 1 / c.sigmaMinor;
    amp[i] = c.amplitude;
  });
  const ra0 = model.centerRa * D2R;
  const s0 = Math.sin(model.centerDec * D2R), c0 = Math.cos(model.centerDec * D2R);
  for (let i = 0; i < out.length; i++) {
    const r = ra[i], d = dec[i];
    if (r !== r || d !== d) {
      out[i] = NaN;
      continue;
    }
    const dl = r * D2R - ra0;
    const sd = Math.sin(d * D2R), cd = Math.cos(d * D2R), cdl = Math.cos(dl);
    const inv = R2D / (s0 * sd + c0 * cd * cdl);
    const xi = cd * Math.sin(dl) * inv, eta = (c0 * sd - s0 * cd * cdl) * inv;
    let v = 0;
    for (let q = 0; q < k; q++) {
      const dx = xi - cx[q], dy = eta - cy[q];
      const a = (dx * ca[q] + dy * sa[q]) * ima[q];
      const b = (dy * ca[q] - dx * sa[q]) * imi[q];
      const e = a * a + b * b;
      if (e < 60) v += amp[q] * Math.exp(-0.5 * e);
    }
    out[i] = v;
  }
}

/** erf(x), Abramowitz & Stegun 7.1.26 refined (|error| < 1.2e-7). */
export function erf(x: number): number {
  // Numerical Recipes' erfc Chebyshev fit (fractional error < 1.2e-7).
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/**
 * Add stars to an image: each star at 1-based pixel position (x, y) spreads `flux × scale`
 * over the pixels as a circular gaussian of `sigmaPix` integrated over each pixel
 * (pixel (i, j), 0-based, spans [i + 0.5, i + 1.5] × [j + 0.5, j + 1.5]).
 * Stars are drawn out to 6 σ; those entirely off the image are skipped.
 */
export function addStars(
  out: Float32Array | Float64Array,
  width: number,
  height: number,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  flux: ArrayLike<number>,
  sigmaPix: number,
  scale = 1,
): void {
  const reach = Math.ceil(6 * sigmaPix) + 1;
  const k = 1 / (Math.SQRT2 * sigmaPix);
  const fx = new Float64Array(2 * reach + 2), fy = new Float64Array(2 * reach + 2);
  for (let s = 0; s < xs.length; s++) {
    const x = xs[s], y = ys[s];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const i0 = Math.max(0, Math.floor(x - 0.5) - reach), i1 = Math.min(width - 1, Math.floor(x - 0.5) + reach);
    const j0 = Math.max(0, Math.floor(y - 0.5) - reach), j1 = Math.min(height - 1, Math.floor(y - 0.5) + reach);
    if (i0 > i1 || j0 > j1) continue;
    for (let i = i0; i <= i1; i++) fx[i - i0] = 0.5 * (erf((i + 1.5 - x) * k) - erf((i + 0.5 - x) * k));
    for (let j = j0; j <= j1; j++) fy[j - j0] = 0.5 * (erf((j + 1.5 - y) * k) - erf((j + 0.5 - y) * k));
    const f = flux[s] * scale;
    for (let j = j0; j <= j1; j++) {
      const row = j * width, wy = f * fy[j - j0];
      for (let i = i0; i <= i1; i++) out[row + i] += wy * fx[i - i0];
    }
  }
}

/**
 * Display stretches: how a data value becomes a display level 0–255.
 *
 * Reference: Montage 6.0 `montageViewer.c` (the pixel loops of mViewer and
 * `mViewer_getRange`) and the mViewer documentation. With x = (v − min)/(max − min):
 *   linear        255·x                                  (x clamped to 0–1)
 *   log           255·ln(9x + 1)                         (natural log, so it saturates at x = (e−1)/9 ≈ 0.19 as mViewer does)
 *   loglog        the log mapping applied twice; `power` with logPower N applies it N times
 *   asinh         255·asinh(β·x)/β   for x ≥ 0, else 0  (β is a resolved range value, default "2s", used as a plain number)
 *   gaussian      histogram equalisation to a normal distribution: level k is the first k
 *                 whose lookup value ≥ v, the 256 lookup values evenly spaced in normal
 *                 quantile between the quantiles of min and max
 *   gaussian-log  the same with the quantile steps spaced logarithmically toward max
 * Every result is clipped to 0–255. Power and asinh levels are continuous; the renderer
 * rounds (grayscale) or truncates (RGB) exactly as mViewer does.
 */
import { MosaicError } from '../errors.js';
import { HISTOGRAM_BINS, type ImageHistogram } from './histogram.js';
import { normalQuantile } from './normal-quantile.js';
import { parseRange, resolveRange, type RangeSpec } from './range.js';

/** Stretch names accepted by the friendly CLI and API. */
export const STRETCH_NAMES = ['linear', 'log', 'loglog', 'power', 'asinh', 'gaussian', 'gaussian-log'] as const;
export type StretchName = (typeof STRETCH_NAMES)[number];

/** Montage's stretch type numbers (the `Type` line of a histogram file). */
export type MontageStretchType = 0 | 1 | 2 | 3;

/** What the user asked for, before any image is seen. */
export interface StretchRequest {
  name: StretchName;
  /** Display min and max as range strings (`"-1s"`, `"99.5%"`, `"min"`, `"1234.5"`). */
  min: string;
  max: string;
  /** Number of ln(9x+1) applications for `power` (log = 1, loglog = 2); default 0 for `power`. */
  logPower?: number;
  /** Asinh softening β as a range string; default `"2s"` (Montage's default). */
  beta?: string;
}

/** A stretch resolved against one image's statistics: everything needed to render. */
export interface ResolvedStretch {
  name: StretchName;
  montageType: MontageStretchType;
  /** Display range in data units (min < max guaranteed). */
  min: number;
  max: number;
  /** ln(9x+1) applications (power family only). */
  logPower: number;
  /** Asinh β (asinh only). */
  beta: number;
  /**
   * Histogram stretches: 256 data thresholds, non-decreasing; a value maps to the first
   * level whose threshold is ≥ it (255 above the last). Montage's "Stretch Lookup".
   */
  lookup?: Float64Array;
}

interface StretchDefinition {
  montageType: MontageStretchType;
  /** Fixed log power, when the name implies one. */
  logPower?: number;
  /** Histogram-equalising kinds need the lookup table. */
  equalise?: 'gaussian' | 'gaussian-log';
}

/** One row per stretch; everything else in this module is driven by this table. */
const STRETCHES: Record<StretchName, StretchDefinition> = {
  linear: { montageType: 0, logPower: 0 },
  log: { montageType: 0, logPower: 1 },
  loglog: { montageType: 0, logPower: 2 },
  power: { montageType: 0 },
  asinh: { montageType: 3 },
  gaussian: { montageType: 1, equalise: 'gaussian' },
  'gaussian-log': { montageType: 2, equalise: 'gaussian-log' },
};

/** Type guard for a stretch name. */
export function isStretchName(s: string): s is StretchName {
  return (STRETCH_NAMES as readonly string[]).includes(s);
}

/**
 * Check a stretch name from user input.
 * @throws MosaicError E_ARGUMENT naming the accepted values.
 */
export function checkStretchName(s: string): StretchName {
  if (!isStretchName(s))
    throw new MosaicError('E_ARGUMENT', `Expected one of ${STRETCH_NAMES.join(', ')} for stretch but received "${s}"`, {
      stage: 'view',
    });
  return s;
}

/**
 * Resolve a stretch request against an image histogram: range strings become data
 * values, and histogram stretches get their 256-entry lookup.
 *
 * Equal min and max (a constant image) become max = min + 1, as in Montage, so such
 * an image renders uniformly at level 0.
 * @throws MosaicError E_ARGUMENT for a bad range string or when min resolves above max.
 */
export function resolveStretch(req: StretchRequest, h: ImageHistogram): ResolvedStretch {
  const def = STRETCHES[checkStretchName(req.name)];
  const minSpec = parseRange(req.min, 'display min');
  const maxSpec = parseRange(req.max, 'display max');
  let min = resolveRange(minSpec, h);
  let max = resolveRange(maxSpec, h);
  if (min === max) max = min + 1;
  if (!(min < max))
    throw new MosaicError(
      'E_ARGUMENT',
      `display min "${req.min}" (${min}) is above display max "${req.max}" (${max}); give min below max`,
      { stage: 'view' },
    );
  const betaSpec: RangeSpec | undefined = def.montageType === 3 ? parseRange(req.beta ?? '2s', 'asinh beta') : undefined;
  const logPower = def.logPower ?? req.logPower ?? 0;
  if (!Number.isInteger(logPower) || logPower < 0)
    throw new MosaicError('E_ARGUMENT', `Expected non-negative integer for log power but received ${logPower}`, { stage: 'view' });
  return {
    name: req.name,
    montageType: def.montageType,
    min,
    max,
    logPower: def.montageType === 0 ? logPower : 0,
    beta: betaSpec ? resolveRange(betaSpec, h) : 0,
    lookup: def.equalise ? equalisationLookup(h, min, max, def.equalise === 'gaussian-log') : undefined,
  };
}

/**
 * Continuous display level of a finite data value, 0–255 (integer for histogram
 * stretches). Pure; call `levelFunction` once per image for speed.
 */
export function levelFunction(s: ResolvedStretch): (value: number) => number {
  const { min, max } = s;
  const range = max - min;
  if (s.lookup) return lookupLevel(s.lookup);
  if (s.montageType === 3) {
    const beta = s.beta;
    return (v) => {
      const x = (v - min) / range;
      if (x < 0) return 0;
      // β → 0 is the linear limit (Montage would divide by zero).
      const level = beta === 0 ? 255 * x : (255 * Math.asinh(beta * x)) / beta;
      return level < 0 ? 0 : level > 255 ? 255 : level;
    };
  }
  const power = s.logPower;
  return (v) => {
    const clamped = v < min ? min : v > max ? max : v;
    let x = (clamped - min) / range;
    for (let k = 0; k < power; k++) x = Math.log(9 * x + 1);
    const level = 255 * x;
    return level < 0 ? 0 : level > 255 ? 255 : level;
  };
}

/** Level = number of lookup entries below the value (first k with lookup[k] ≥ v), at most 255. */
function lookupLevel(lookup: Float64Array): (value: number) => number {
  let monotone = true;
  for (let k = 0; k < 256; k++) if (!(k === 0 || lookup[k] >= lookup[k - 1]) || Number.isNaN(lookup[k])) monotone = false;
  if (!monotone) {
    return (v) => {
      for (let k = 0; k < 256; k++) if (lookup[k] >= v) return k;
      return 255;
    };
  }
  return (v) => {
    let lo = 0;
    let hi = 256;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lookup[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo > 255 ? 255 : lo;
  };
}

/**
 * The 256 data thresholds of a histogram-equalising stretch (Montage's
 * `mViewer_getRange`, gaussian branch). Bin i of the histogram starts at data value
 * min + i·Δ and is given the normal quantile of the fraction of pixels in bins 0..i.
 * The quantiles of the display min and max bound the output; `gaussian` spaces the 256
 * levels evenly between them, `gaussian-log` as gmax − (gmax − gmin)^((256 − k)/255),
 * and each level is mapped back to data by linear interpolation between bins.
 */
export function equalisationLookup(h: ImageHistogram, rangeMin: number, rangeMax: number, logarithmic: boolean): Float64Array {
  const n = HISTOGRAM_BINS;
  const dataLevel = (i: number) => h.min + h.binWidth * i;
  const quantile = new Float64Array(n);
  for (let i = 0; i < n; i++) quantile[i] = normalQuantile(h.cumulative[i + 1] / h.count);

  // Quantile of the first bin starting above a data value (Montage scans bins 0..n−2).
  const quantileAbove = (value: number): number | undefined => {
    for (let i = 0; i < n - 1; i++) if (dataLevel(i) > value) return quantile[i];
    return undefined;
  };
  const qMax = quantileAbove(rangeMax) ?? quantile[n - 2];
  // Montage leaves this undefined when no bin starts above min; the top quantile gives a black picture.
  const qMin = quantileAbove(rangeMin) ?? quantile[n - 2];

  // Running maximum of the quantiles, so a binary search finds exactly the first bin a
  // linear scan would, even where the rational approximations are not quite monotone.
  const reached = new Float64Array(n);
  reached[1] = quantile[1];
  for (let i = 2; i < n; i++) reached[i] = Math.max(reached[i - 1], quantile[i]);

  const lookup = new Float64Array(256);
  const step = logarithmic ? Math.log10(qMax - qMin) / 255 : (qMax - qMin) / 255;
  for (let k = 0; k < 256; k++) {
    const target = logarithmic ? qMax - Math.pow(10, step * (256 - k)) : qMin + step * k;
    // First bin i in 1..n−2 whose quantile reaches the target, else n−1.
    let lo = 1;
    let hi = n - 1;
    if (Number.isNaN(target)) lo = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (reached[mid] >= target) hi = mid;
      else lo = mid + 1;
    }
    const qLow = quantile[lo - 1];
    const qHigh = quantile[lo];
    const dLow = dataLevel(lo - 1);
    const dHigh = dataLevel(lo);
    lookup[k] = qLow === qHigh ? dLow : dLow + ((target - qLow) * (dHigh - dLow)) / (qHigh - qLow);
  }
  return lookup;
}

/** The parsed forms of a request's range strings (for messages and the histogram file). */
export function requestRanges(req: StretchRequest): { min: RangeSpec; max: RangeSpec } {
  return { min: parseRange(req.min, 'display min'), max: parseRange(req.max, 'display max') };
}

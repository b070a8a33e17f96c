/**
 * The standard pseudo-random sequence used to dither quantised floating-point tiles
 * (FITS tiled image compression convention, Pence et al. 2013 §4.2; FITS 4.0 §10.2.3):
 * 10 000 values from the Park–Miller minimal standard generator (a = 16807,
 * m = 2^31 − 1, seed 1), each divided by m and rounded to float32 (as cfitsio stores them;
 * with double values, about 1 pixel in 50 differs from astropy/cfitsio by one float32 ulp).
 */

/** Length of the dither sequence. */
export const N_RANDOM = 10000;

let cached: Float64Array | undefined;

/** The 10 000 uniform values in (0, 1), computed once. */
export function ditherSequence(): Float64Array {
  if (cached) return cached;
  const a = 16807;
  const m = 2147483647;
  const r = new Float64Array(N_RANDOM);
  let seed = 1;
  for (let i = 0; i < N_RANDOM; i++) {
    const t = a * seed; // < 2^46: exact in a double
    seed = t - m * Math.floor(t / m);
    r[i] = Math.fround(seed / m); // stored as float32 by the reference implementation
  }
  cached = r;
  return r;
}

/**
 * Undo subtractive dithering for one tile: physical = (raw − r + 0.5) × scale + zero, where r
 * walks the sequence from the tile's start position. Raw `blank` → NaN; with
 * SUBTRACTIVE_DITHER_2, raw −2147483646 is an exact 0.0.
 * @param tileRow 1-based tile number; @param zdither0 ZDITHER0 (1..10000).
 */
export function undither(
  raw: Int32Array,
  n: number,
  scale: number,
  zero: number,
  tileRow: number,
  zdither0: number,
  method: 1 | 2,
  blank: number | undefined,
  out: Float64Array,
): void {
  const r = ditherSequence();
  let iseed = (((tileRow - 1 + zdither0 - 1) % N_RANDOM) + N_RANDOM) % N_RANDOM;
  let next = Math.floor(r[iseed] * 500);
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (v === blank) out[i] = NaN;
    else if (method === 2 && v === -2147483646) out[i] = 0;
    else out[i] = (v - r[next] + 0.5) * scale + zero;
    next++;
    if (next === N_RANDOM) {
      iseed = (iseed + 1) % N_RANDOM;
      next = Math.floor(r[iseed] * 500);
    }
  }
}

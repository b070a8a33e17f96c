import { describe, expect, it } from 'vitest';
import { reprojectExact, reprojectExactAsync } from '../../src/kernels/index.js';
import { reprojectExactRowsReferenceTs, reprojectExactRowsTs } from '../../src/kernels/reproject-exact.js';
import { native } from '../../src/native/load.js';
import { affineCorners, quadArea, rng, sameBits } from './random.js';

function ts(
  src: Float32Array | Float64Array, w: number, h: number, cx: Float64Array, cy: Float64Array, ow: number, oh: number,
  kernel = reprojectExactRowsTs,
) {
  const value = new Float64Array(ow * oh);
  const coverage = new Float64Array(ow * oh);
  kernel(src, w, h, cx, cy, ow, 0, oh, value, coverage);
  return { value, coverage };
}

/** Corners of an affine grid with every fifth corner jittered by up to ±0.3 px (seeded). */
function jitteredCorners(ow: number, oh: number, scale: number, theta: number, tx: number, ty: number, seed: number) {
  const { cornerX, cornerY } = affineCorners(ow, oh, scale, theta, tx, ty);
  const r = rng(seed);
  for (let k = 0; k < cornerX.length; k += 5) {
    cornerX[k] += (r() - 0.5) * 0.6;
    cornerY[k] += (r() - 0.5) * 0.6;
  }
  cornerX[200] = NaN;
  return { cornerX, cornerY };
}

function randomImage(w: number, h: number, seed: number, blankFraction = 0): Float64Array {
  const r = rng(seed);
  const a = new Float64Array(w * h);
  for (let i = 0; i < a.length; i++) a[i] = r() < blankFraction ? NaN : r() * 100 - 20;
  return a;
}

function flux(value: Float64Array, coverage: Float64Array, cx: Float64Array, cy: Float64Array, ow: number, oh: number): number {
  let total = 0;
  for (let j = 0; j < oh; j++) {
    for (let i = 0; i < ow; i++) {
      const k = i + ow * j;
      if (coverage[k] > 0) total += value[k] * coverage[k] * quadArea(cx, cy, ow, i, j);
    }
  }
  return total;
}

describe('reprojectExact (TypeScript twin)', () => {
  it('returns the input exactly for an identity grid', () => {
    const src = randomImage(13, 9, 1);
    const { cornerX, cornerY } = affineCorners(13, 9, 1, 0, 0, 0);
    const { value, coverage } = ts(src, 13, 9, cornerX, cornerY, 13, 9);
    expect(Array.from(value)).toEqual(Array.from(src));
    expect(coverage.every((c) => c === 1)).toBe(true);
  });

  it.each([
    ['sub-pixel shift', 1, 0, -10.3, -12.7],
    ['rotation', 1, 0.37, -5, -20],
    ['rotation + shrink', 0.6, -0.2, -8, -5],
    ['rotation + magnify', 1.7, 1.1, 20, -40],
  ])('conserves flux under %s to 1e-12', (_name, scale, theta, tx, ty) => {
    const src = randomImage(23, 17, 7);
    const expected = src.reduce((s, v) => s + v, 0);
    const { cornerX, cornerY } = affineCorners(60, 60, scale, theta, tx, ty);
    const { value, coverage } = ts(src, 23, 17, cornerX, cornerY, 60, 60);
    expect(Math.abs(flux(value, coverage, cornerX, cornerY, 60, 60) / expected - 1)).toBeLessThan(1e-12);
    expect(coverage.every((c) => c >= 0 && c <= 1)).toBe(true);
  });

  it('skips blank input, reports partial coverage, blanks NaN corners', () => {
    const src = new Float64Array([NaN, 2]);
    const { cornerX, cornerY } = affineCorners(1, 1, 1, 0, 0.25, 0);
    const r = ts(src, 2, 1, cornerX, cornerY, 1, 1);
    expect(r.value[0]).toBe(2);
    expect(r.coverage[0]).toBe(0.25);
    cornerX[0] = NaN;
    const b = ts(src, 2, 1, cornerX, cornerY, 1, 1);
    expect(b.value[0]).toBeNaN();
    expect(b.coverage[0]).toBe(0);
  });

  it.each([
    ['similar scale, small rotation', 1, 0.01, -3.3, 2.7],
    ['corners on the cut lines', 1, 0, 0.5, -0.5],
    ['magnify', 0.45, 0.2, 1.1, -0.6],
    ['shrink', 1.6, -0.3, -4, -2],
    ['large rotation', 1, 0.7, 10, -12],
  ])('fast path equals the clipping reference (%s)', (_name, scale, theta, tx, ty) => {
    const src = randomImage(41, 33, 9, 0.03);
    const { cornerX, cornerY } = jitteredCorners(48, 40, scale, theta, tx, ty, 3);
    const fast = ts(src, 41, 33, cornerX, cornerY, 48, 40);
    const ref = ts(src, 41, 33, cornerX, cornerY, 48, 40, reprojectExactRowsReferenceTs);
    const dataScale = src.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 0);
    let differ = 0;
    for (let k = 0; k < fast.value.length; k++) {
      expect(Number.isNaN(fast.value[k])).toBe(Number.isNaN(ref.value[k]));
      if (!Number.isNaN(ref.value[k])) expect(Math.abs(fast.value[k] - ref.value[k])).toBeLessThanOrEqual(1e-12 * dataScale);
      expect(Math.abs(fast.coverage[k] - ref.coverage[k])).toBeLessThanOrEqual(1e-12);
      if (fast.value[k] !== ref.value[k]) differ++;
    }
    // The two are different computations (not the same function twice).
    if (theta !== 0) expect(differ).toBeGreaterThan(0);
  });

  it('averages neighbours under a half-pixel shift', () => {
    const { cornerX, cornerY } = affineCorners(2, 1, 1, 0, 0.5, 0);
    const r = ts(new Float32Array([1, 3, 5]), 3, 1, cornerX, cornerY, 2, 1);
    expect(Array.from(r.value)).toEqual([2, 4]);
  });
});

describe('reprojectExact dispatch', () => {
  it('computes a row band equal to the same rows of the full result', () => {
    const src = randomImage(30, 25, 3, 0.05);
    const { cornerX, cornerY } = affineCorners(28, 26, 1.1, 0.2, 1.5, -2.5);
    const full = reprojectExact({ src, srcWidth: 30, srcHeight: 25, cornerX, cornerY, outWidth: 28, outHeight: 26 });
    const band = reprojectExact({ src, srcWidth: 30, srcHeight: 25, cornerX, cornerY, outWidth: 28, outHeight: 26, rowStart: 5, rowEnd: 17 });
    expect(sameBits(band.value, full.value.subarray(5 * 28, 17 * 28))).toBe(true);
  });

  it('rejects a wrong corner length with a sharp-style RangeError', () => {
    const call = () =>
      reprojectExact({ src: new Float64Array(4), srcWidth: 2, srcHeight: 2, cornerX: new Float64Array(12), cornerY: new Float64Array(9), outWidth: 2, outHeight: 2 });
    expect(call).toThrow(RangeError);
    expect(call).toThrow('Expected Float64Array of length 3*3 for cornerX but received Float64Array of length 12');
  });

  it('rejects a non-integer size and a wrong array type', () => {
    const base = { src: new Float64Array(4), srcWidth: 2, srcHeight: 2, cornerX: new Float64Array(9), cornerY: new Float64Array(9), outWidth: 2, outHeight: 2 };
    expect(() => reprojectExact({ ...base, srcWidth: 1.5 })).toThrow('Expected positive integer for srcWidth but received 1.5 of type number');
    expect(() => reprojectExact({ ...base, src: new Int16Array(4) as unknown as Float64Array })).toThrow(
      'Expected Float32Array or Float64Array for src but received Int16Array of length 4',
    );
  });
});

describe.skipIf(!native)('reprojectExact native == TypeScript', () => {
  it.each([
    ['f64, rotation', false, 1.0, 0.13],
    ['f32, rotation + scale', true, 0.83, -0.4],
    ['f64, magnify', false, 2.3, 0.05],
  ])('is bit-identical (%s)', (_n, f32, scale, theta) => {
    const src64 = randomImage(64, 48, 11, 0.03);
    const src = f32 ? Float32Array.from(src64) : src64;
    const { cornerX, cornerY } = jitteredCorners(70, 55, scale, theta, -3.3, 2.7, 21);
    cornerY[100] = NaN;
    const expected = ts(src, 64, 48, cornerX, cornerY, 70, 55);
    const value = new Float64Array(70 * 55);
    const coverage = new Float64Array(70 * 55);
    native!.reprojectExact(src, 64, 48, cornerX, cornerY, 70, 55, value, coverage);
    expect(sameBits(value, expected.value)).toBe(true);
    expect(sameBits(coverage, expected.coverage)).toBe(true);
    const threaded = reprojectExact({ src, srcWidth: 64, srcHeight: 48, cornerX, cornerY, outWidth: 70, outHeight: 55, threads: 3 });
    expect(sameBits(threaded.value, expected.value)).toBe(true);
  });

  it('the native clipping reference is bit-identical to the TypeScript one', () => {
    type Kernel = NonNullable<typeof native>['reprojectExact'];
    const reference = native?.reprojectExactReference as Kernel | undefined;
    if (!reference) return; // an addon built before the reference entry point existed
    const src = Float32Array.from(randomImage(41, 33, 4, 0.03));
    const { cornerX, cornerY } = jitteredCorners(48, 40, 1.2, 0.5, -2, 1, 8);
    const expected = ts(src, 41, 33, cornerX, cornerY, 48, 40, reprojectExactRowsReferenceTs);
    const value = new Float64Array(48 * 40);
    const coverage = new Float64Array(48 * 40);
    reference(src, 41, 33, cornerX, cornerY, 48, 40, value, coverage);
    expect(sameBits(value, expected.value)).toBe(true);
    expect(sameBits(coverage, expected.coverage)).toBe(true);
  });

  it('async gives the same result as sync', async () => {
    const src = randomImage(40, 40, 5);
    const { cornerX, cornerY } = affineCorners(40, 40, 1, 0.3, 10, -8);
    const opts = { src, srcWidth: 40, srcHeight: 40, cornerX, cornerY, outWidth: 40, outHeight: 40 };
    const a = await reprojectExactAsync(opts);
    const s = reprojectExact(opts);
    expect(sameBits(a.value, s.value)).toBe(true);
  });

  it('throws the same message natively as the dispatch layer', () => {
    expect(() =>
      native!.reprojectExact(new Float64Array(4), 2, 2, new Float64Array(12), new Float64Array(9), 2, 2, new Float64Array(4), new Float64Array(4)),
    ).toThrow('Expected Float64Array of length 3*3 for cornerX but received Float64Array of length 12');
    const v = new Float64Array(4);
    expect(() => native!.reprojectExact(new Float64Array(4), 2, 2, new Float64Array(9), new Float64Array(9), 2, 2, v, v)).toThrow(
      'Expected value not to share memory with coverage',
    );
  });

  it('rejects the async promise input errors synchronously', () => {
    expect(() => native!.reprojectExactAsync(new Float64Array(3), 2, 2, new Float64Array(9), new Float64Array(9), 2, 2, new Float64Array(4), new Float64Array(4))).toThrow(
      'Expected Float64Array of length 2*2 for src but received Float64Array of length 3',
    );
  });
});

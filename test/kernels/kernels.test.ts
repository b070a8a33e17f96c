import { describe, expect, it } from 'vitest';
import {
  coaddAccumulate, coaddFinish, coaddFinishRowsBigEndian, diffPixels, histogram, histogramAsync, imageStats, imageStatsAsync, medianStack, resample, resampleAsync,
} from '../../src/kernels/index.js';
import { coaddAccumulateTs, coaddFinishRowsBigEndianTs, coaddFinishTs } from '../../src/kernels/coadd.js';
import { diffPixelsTs } from '../../src/kernels/diff.js';
import { histogramTs } from '../../src/kernels/histogram.js';
import { medianStackTs } from '../../src/kernels/median.js';
import { resampleTs, type ResampleMethod } from '../../src/kernels/resample.js';
import { imageStatistics } from '../../src/kernels/stats.js';
import { native } from '../../src/native/load.js';
import { rng, sameBits } from './random.js';

const METHODS: ResampleMethod[] = ['nearest', 'bilinear', 'lanczos3'];

function image(n: number, seed: number, blank = 0): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => (r() < blank ? NaN : r() * 50 - 10));
}

describe('resample (TypeScript twin)', () => {
  it.each(METHODS)('%s returns samples at integer positions', (method) => {
    const src = Float32Array.from({ length: 20 }, (_, k) => k * 1.5);
    const out = new Float64Array(3);
    resampleTs(src, 5, 4, new Float64Array([0, 3, 4]), new Float64Array([0, 2, 3]), method, out);
    expect(Array.from(out)).toEqual([0, 19.5, 28.5]);
  });

  it('is NaN outside the footprint and where a blank sample has weight (bilinear)', () => {
    const out = new Float64Array(3);
    resampleTs(new Float64Array([0, 2, 4, NaN]), 2, 2, new Float64Array([0.5, 0.5, 1.6]), new Float64Array([0, 0.5, 0]), 'bilinear', out);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeNaN();
  });

  it('lanczos3 reproduces a constant and renormalises over blanks', () => {
    const src = new Float64Array(100).fill(3.25);
    src[45] = NaN;
    const out = new Float64Array(2);
    resampleTs(src, 10, 10, new Float64Array([4.3, 0.1]), new Float64Array([4.7, 9.2]), 'lanczos3', out);
    for (const v of out) expect(Math.abs(v - 3.25)).toBeLessThan(1e-12);
  });
});

describe('coadd, stats, histogram, median (TypeScript twins)', () => {
  it('accumulates a clipped tile and finishes to the weighted mean', () => {
    const svw = new Float64Array(6);
    const sw = new Float64Array(6);
    const n = new Uint32Array(6);
    coaddAccumulateTs(svw, sw, n, 3, new Float32Array([1, 2, 3, 4]), new Float64Array(4).fill(1), 2, 2, -1, 1);
    coaddAccumulateTs(svw, sw, n, 3, new Float64Array([4, NaN]), new Float32Array([3, 1]), 2, 1, 0, 1);
    expect(Array.from(n)).toEqual([0, 0, 0, 2, 0, 0]);
    const out = new Float64Array(6);
    coaddFinishTs(svw, sw, out, 0);
    expect(out[3]).toBe(3.5);
    expect(out[0]).toBeNaN();
  });

  it('histogram puts max in the last bin and ignores NaN and out-of-range', () => {
    expect(Array.from(histogramTs(new Float64Array([0, 0.5, 0.99, 1, 2, NaN, -0.1]), 0, 1, 2))).toEqual([1, 3]);
  });

  it('median of odd and even stacks, all-blank is NaN', () => {
    const out = new Float64Array(3);
    medianStackTs(new Float64Array([1, NaN, NaN, 5, 2, NaN, 3, 4, NaN]), 3, 3, out);
    expect(out[0]).toBe(3);
    expect(out[1]).toBe(3);
    expect(out[2]).toBeNaN();
  });

  it('rejects bad arguments with sharp-style messages', () => {
    expect(() => resample({ src: new Float64Array(4), srcWidth: 2, srcHeight: 2, x: new Float64Array(1), y: new Float64Array(1), method: 'cubic' as ResampleMethod })).toThrow(
      'Expected one of nearest, bilinear, lanczos3 for method but received cubic of type string',
    );
    expect(() => histogram({ data: new Float64Array(1), min: 1, max: 1, nbins: 2 })).toThrow(RangeError);
    expect(() => medianStack({ values: new Float64Array(5), nImages: 2, nPixels: 3 })).toThrow(
      'Expected Float64Array of length 2*3 for values but received Float64Array of length 5',
    );
  });
});

describe.skipIf(!native)('native == TypeScript', () => {
  it.each(METHODS)('resample %s agrees (bit-identical except lanczos to 1e-12)', async (method) => {
    const src = image(50 * 40, 21, 0.02);
    const r = rng(22);
    const x = Float64Array.from({ length: 3000 }, () => r() * 52 - 1.5);
    const y = Float64Array.from({ length: 3000 }, () => r() * 42 - 1.5);
    const expected = new Float64Array(3000);
    resampleTs(src, 50, 40, x, y, method, expected);
    const got = resample({ src, srcWidth: 50, srcHeight: 40, x, y, method });
    const gotAsync = await resampleAsync({ src, srcWidth: 50, srcHeight: 40, x, y, method });
    expect(sameBits(got, gotAsync)).toBe(true);
    if (method !== 'lanczos3') {
      expect(sameBits(got, expected)).toBe(true);
    } else {
      for (let i = 0; i < got.length; i++) {
        if (Number.isNaN(expected[i])) expect(got[i]).toBeNaN();
        else expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i])));
      }
    }
  });

  it('coadd accumulate + finish is bit-identical (f32 values, u32 and f32 counts)', () => {
    for (const Count of [Uint32Array, Float32Array]) {
      const make = () => ({ svw: new Float64Array(40 * 30), sw: new Float64Array(40 * 30), n: new Count(40 * 30) });
      const a = make();
      const b = make();
      for (const [k, [x0, y0]] of [[-5, -3], [20, 10], [30, 25]].entries()) {
        const v = Float32Array.from(image(17 * 13, 30 + k, 0.1));
        const w = Float64Array.from(image(17 * 13, 40 + k)).map((q) => q / 10);
        coaddAccumulate({ sumVW: a.svw, sumW: a.sw, count: a.n, mosaicWidth: 40, tileValue: v, tileWeight: w, tileWidth: 17, tileHeight: 13, x0, y0 });
        coaddAccumulateTs(b.svw, b.sw, b.n, 40, v, w, 17, 13, x0, y0);
      }
      expect(sameBits(a.svw, b.svw) && sameBits(a.sw, b.sw)).toBe(true);
      expect(Array.from(a.n)).toEqual(Array.from(b.n));
      const out = new Float64Array(a.svw.length);
      coaddFinishTs(b.svw, b.sw, out, 0.05);
      expect(sameBits(coaddFinish({ sumVW: a.svw, sumW: a.sw, threshold: 0.05 }), out)).toBe(true);
    }
  });

  it('coadd accumulate with a plane subtracts it exactly as a corrected copy would (native and TS bit-identical)', () => {
    const W = 40;
    const make = () => ({ svw: new Float64Array(W * 30), sw: new Float64Array(W * 30), n: new Uint32Array(W * 30) });
    const [a, b, c] = [make(), make(), make()];
    for (const [k, [x0, y0]] of [[-5, -3], [20, 10], [30, 25]].entries()) {
      const v = Float64Array.from(image(17 * 13, 60 + k, 0.1)).map((q, i) => (i % 11 === 0 ? NaN : q));
      const w = Float64Array.from(image(17 * 13, 70 + k)).map((q) => q / 10);
      // The sums are a band starting at template row 4; the plane is evaluated in template pixels.
      const plane = { a: 0.013 * (k + 1), b: -0.007, c: 3.5 - k, crpix1: 21.5, crpix2: -3.25, originX: x0, originY: y0 + 4 };
      coaddAccumulate({ sumVW: a.svw, sumW: a.sw, count: a.n, mosaicWidth: W, tileValue: v, tileWeight: w, tileWidth: 17, tileHeight: 13, x0, y0, plane });
      coaddAccumulateTs(b.svw, b.sw, b.n, W, v, w, 17, 13, x0, y0, plane);
      const corrected = v.map((q, t) => {
        const [i, j] = [t % 17, Math.floor(t / 17)];
        return q - (plane.a * (plane.originX + i - plane.crpix1) + (plane.b * (plane.originY + j - plane.crpix2) + plane.c));
      });
      coaddAccumulateTs(c.svw, c.sw, c.n, W, corrected, w, 17, 13, x0, y0);
    }
    expect(sameBits(a.svw, b.svw) && sameBits(a.sw, b.sw)).toBe(true);
    expect(sameBits(b.svw, c.svw) && sameBits(b.sw, c.sw)).toBe(true);
    expect(a.svw.some((q) => q !== 0)).toBe(true);
  });

  it('coaddFinishRowsBigEndian gives the big-endian bytes of coaddFinish and the sums, and clears them (native and TS alike)', () => {
    const W = 30;
    const sums = () => {
      const svw = Float64Array.from(image(W * 8, 5, 0.2));
      const sw = Float64Array.from(image(W * 8, 6)).map((w, i) => (i % 7 === 0 ? 0 : w / 10));
      return { svw, sw };
    };
    const [x0, width, rows] = [4, 21, 5];
    const a = sums();
    const b = sums();
    const out = () => ({ v: new Uint8Array(8 * width * rows), a: new Uint8Array(8 * width * rows) });
    const [oa, ob] = [out(), out()];
    // Expected: coaddFinish of the same sums, row by row, in big-endian order.
    const mean = coaddFinish({ sumVW: a.svw, sumW: a.sw });
    const expected = { v: new Uint8Array(8 * width * rows), a: new Uint8Array(8 * width * rows) };
    const dv = new DataView(expected.v.buffer);
    const da = new DataView(expected.a.buffer);
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < width; i++) {
        dv.setFloat64(8 * (j * width + i), mean[(j + 1) * W + x0 + i], false);
        da.setFloat64(8 * (j * width + i), a.sw[(j + 1) * W + x0 + i], false);
      }
    coaddFinishRowsBigEndian({ sumVW: a.svw.subarray(W), sumW: a.sw.subarray(W), stride: W, x0, width, rows, outValue: oa.v, outArea: oa.a, clear: true });
    coaddFinishRowsBigEndianTs(b.svw.subarray(W), b.sw.subarray(W), W, x0, width, rows, ob.v, ob.a, 0, true);
    expect(Buffer.from(oa.v).equals(Buffer.from(expected.v)) && Buffer.from(oa.a).equals(Buffer.from(expected.a))).toBe(true);
    expect(Buffer.from(ob.v).equals(Buffer.from(expected.v)) && Buffer.from(ob.a).equals(Buffer.from(expected.a))).toBe(true);
    // Cleared exactly where read.
    for (const s of [a, b])
      for (let k = 0; k < W * 8; k++) {
        const [j, i] = [Math.floor(k / W), k % W];
        const read = j >= 1 && j <= rows && i >= x0 && i < x0 + width;
        expect(s.svw[k] === 0 && s.sw[k] === 0).toBe(read || (sums().svw[k] === 0 && sums().sw[k] === 0));
      }
  });

  it('diffPixels (mDiff) is bit-identical to its TypeScript twin, partial areas and blanks included', () => {
    const place = (x0: number, y0: number, w: number, h: number, seed: number) => {
      const value = Float64Array.from(image(w * h, seed, 0.3)).map((v, i) => (i % 13 === 0 ? NaN : v));
      // Most areas full, some partial (edge pixels, dropped by the tolerance), some zero.
      const area = Float64Array.from(image(w * h, seed + 1)).map((q, i) => (i % 17 === 0 ? 0 : i % 5 === 0 ? 0.3 + 0.01 * (q % 7) : 1));
      return { value, area, x0, y0, width: w, height: h };
    };
    const plus = place(3, 2, 30, 25, 81);
    const minus = place(10, -4, 28, 30, 91);
    const box = { x0: 10, y0: 2, width: 23, height: 24 };
    const n = box.width * box.height;
    const native = { value: new Float64Array(n), area: new Float64Array(n) };
    const ts = { value: new Float64Array(n), area: new Float64Array(n) };
    const a = diffPixels({ plus, minus, box, factor: 0.9, outValue: native.value, outArea: native.area });
    const b = diffPixelsTs(plus, minus, box.x0, box.y0, box.width, box.height, 0.9, 0.333, false, ts.value, ts.area);
    expect(a).toEqual(b);
    expect(a!.npixel).toBeGreaterThan(100);
    expect(sameBits(native.value, ts.value) && sameBits(native.area, ts.area)).toBe(true);
  });

  it('imageStats sum is bit-identical to the compensated TypeScript loop', async () => {
    const big = image(200_001, 50, 0.01).map((v, i) => (i % 7 === 0 ? v * 1e12 : v));
    for (const data of [big, Float32Array.from(big)]) {
      const t = imageStatistics(data);
      const n = imageStats(data);
      expect(n).toEqual({ finite: t.finite, nan: t.nan, min: t.min, max: t.max, sum: t.sum });
      expect(await imageStatsAsync(data)).toEqual(n);
    }
  });

  it('histogram and median agree exactly', async () => {
    const data = image(10_000, 60, 0.05);
    const h = histogramTs(data, -5, 35, 37);
    expect(Array.from(histogram({ data, min: -5, max: 35, nbins: 37 }))).toEqual(Array.from(h));
    expect(Array.from(await histogramAsync({ data, min: -5, max: 35, nbins: 37 }))).toEqual(Array.from(h));
    const values = image(7 * 500, 61, 0.3);
    const expected = new Float64Array(500);
    medianStackTs(values, 7, 500, expected);
    expect(sameBits(medianStack({ values, nImages: 7, nPixels: 500 }), expected)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { MosaicError } from '../../src/errors.js';
import { HISTOGRAM_BINS, computeHistogram, percentileLevel, valuePercentile } from '../../src/viewer/histogram.js';
import { seededRandom } from '../helpers/fits-builder.js';

/** Box–Muller normal deviates from a seeded generator. */
function normalSample(n: number, mean: number, sd: number, seed: number): Float64Array {
  const rnd = seededRandom(seed);
  return Float64Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
}

describe('computeHistogram', () => {
  it('counts finite pixels only, in 199 999 bins with the max in the last', () => {
    const h = computeHistogram([NaN, 1, 2, Infinity, 3, -Infinity, 5]);
    expect(h.count).toBe(4);
    expect(h.min).toBe(1);
    expect(h.max).toBe(5);
    expect(h.bins.length).toBe(HISTOGRAM_BINS);
    expect(h.bins[0]).toBe(1);
    expect(h.bins[HISTOGRAM_BINS - 1]).toBe(1);
    expect(h.cumulative[HISTOGRAM_BINS]).toBe(4);
    expect(h.binWidth).toBeCloseTo(4 / HISTOGRAM_BINS, 15);
  });

  it('gives median and robust sigma of a normal sample', () => {
    const h = computeHistogram(normalSample(200_000, 100, 15, 7));
    expect(h.median).toBeCloseTo(100, 0);
    expect(Math.abs(h.sigma - 15)).toBeLessThan(0.3);
  });

  it('percentileLevel and valuePercentile are inverse', () => {
    const h = computeHistogram(normalSample(50_000, 0, 1, 3));
    for (const p of [1, 5, 16, 50, 84, 95, 99]) expect(valuePercentile(h, percentileLevel(h, p))).toBeCloseTo(p, 2);
    expect(percentileLevel(h, 0)).toBe(h.min);
    expect(percentileLevel(h, 100)).toBe(h.max);
  });

  it('handles a constant image (all in bin 0, zero sigma)', () => {
    const h = computeHistogram(new Float32Array(100).fill(7));
    expect(h.bins[0]).toBe(100);
    expect(h.median).toBe(7);
    expect(h.sigma).toBe(0);
  });

  it('rejects an image with no finite pixel', () => {
    expect(() => computeHistogram(new Float32Array(10).fill(NaN))).toThrow(/no non-blank pixels/);
    expect(() => computeHistogram(new Float32Array(10).fill(NaN))).toThrow(MosaicError);
  });
});

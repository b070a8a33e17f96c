import { describe, expect, it } from 'vitest';
import { MosaicError } from '../../src/errors.js';
import { computeHistogram } from '../../src/viewer/histogram.js';
import { parseRange, resolveRange } from '../../src/viewer/range.js';

describe('parseRange', () => {
  const cases: [string, string, number, number][] = [
    ['1234.5', 'value', 1234.5, 0],
    ['-20', 'value', -20, 0],
    ['1e3', 'value', 1000, 0],
    ['99.5%', 'percentile', 99.5, 0],
    [' 50 % ', 'percentile', 50, 0],
    ['-1s', 'sigma', -1, 0],
    ['+2.5S', 'sigma', 2.5, 0],
    ['min', 'percentile', 0, 0],
    ['max', 'percentile', 100, 0],
    ['med', 'percentile', 50, 0],
    ['max-100', 'percentile', 100, -100],
    ['2s+10', 'sigma', 2, 10],
    ['5 - 1.5', 'value', 5, -1.5],
  ];
  it.each(cases)('%s → %s %d offset %d', (text, kind, amount, offset) => {
    expect(parseRange(text)).toEqual({ kind, amount, offset, text });
  });

  it.each(['', 'abc', '5x', '101%', '-1%', '5%%', 'max-', '1s junk', 'median'])('rejects %j', (text) => {
    expect(() => parseRange(text, 'display min')).toThrow(MosaicError);
    try {
      parseRange(text, 'display min');
    } catch (e) {
      expect((e as MosaicError).code).toBe('E_ARGUMENT');
      expect((e as MosaicError).message).toContain(`display min "${text}"`);
    }
  });
});

describe('resolveRange', () => {
  // 0, 1, …, 999: percentiles are known; median 499.5-ish; sigma = (P84 − P16)/2 ≈ 340.
  const data = Float64Array.from({ length: 1000 }, (_, i) => i);
  const h = computeHistogram(data);

  it('resolves every form to data values', () => {
    expect(resolveRange(parseRange('1234.5'), h)).toBe(1234.5);
    expect(resolveRange(parseRange('min'), h)).toBe(0);
    expect(resolveRange(parseRange('max'), h)).toBe(999);
    expect(resolveRange(parseRange('max-100'), h)).toBe(899);
    // Integer pixels fill one bin each: the 50th percentile lies within pixel 499's bin.
    expect(Math.abs(resolveRange(parseRange('50%'), h) - 499.5)).toBeLessThan(1);
    expect(Math.abs(resolveRange(parseRange('10%'), h) - 99.5)).toBeLessThan(1);
    expect(h.sigma).toBeCloseTo(340, 0);
    expect(resolveRange(parseRange('-1s'), h)).toBeCloseTo(h.median - h.sigma, 9);
    expect(resolveRange(parseRange('2s+10'), h)).toBeCloseTo(h.median + 2 * h.sigma + 10, 9);
  });
});

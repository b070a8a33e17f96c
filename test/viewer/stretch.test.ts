import { describe, expect, it } from 'vitest';
import { MosaicError } from '../../src/errors.js';
import { computeHistogram } from '../../src/viewer/histogram.js';
import { STRETCH_NAMES, levelFunction, resolveStretch, type StretchName } from '../../src/viewer/stretch.js';
import { seededRandom } from '../helpers/fits-builder.js';

const rnd = seededRandom(11);
// A skewed, sky-like sample: exponential "sources" on a flat background.
const data = Float64Array.from({ length: 40_000 }, () => 100 + 5 * (rnd() - 0.5) - 30 * Math.log(1 - rnd()));
const h = computeHistogram(data);

function stretch(name: StretchName, min = 'min', max = 'max', extra: { logPower?: number; beta?: string } = {}) {
  const s = resolveStretch({ name, min, max, ...extra }, h);
  return { s, level: levelFunction(s) };
}

describe.each(STRETCH_NAMES)('stretch %s', (name) => {
  const { s, level } = stretch(name, '1%', '99%', name === 'power' ? { logPower: 3 } : name === 'asinh' ? { beta: '3' } : {});
  it('is monotonic non-decreasing over the data range and beyond', () => {
    let prev = -1;
    for (let i = 0; i <= 2000; i++) {
      const v = s.min - 50 + ((s.max - s.min + 100) * i) / 2000;
      const l = level(v);
      expect(l).toBeGreaterThanOrEqual(prev);
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThanOrEqual(255);
      prev = l;
    }
  });
  it('maps below min to 0 and above max to 255 (or near, for equalisation)', () => {
    expect(level(s.min - 1e6)).toBe(0);
    expect(level(s.max + 1e6)).toBe(255);
  });
});

describe('known values', () => {
  it('linear: x·255', () => {
    const { s, level } = stretch('linear', '0', '200');
    expect([level(0), level(50), level(100), level(200), level(-5), level(300)]).toEqual([0, 63.75, 127.5, 255, 0, 255]);
    expect(s.montageType).toBe(0);
  });
  it('log: 255·ln(9x+1), saturating at x = (e−1)/9 like mViewer', () => {
    const { level } = stretch('log', '0', '900');
    expect(level(100)).toBeCloseTo(255 * Math.log(2), 12);
    expect(level((900 * (Math.E - 1)) / 9)).toBeCloseTo(255, 9);
    expect(level(500)).toBe(255);
  });
  it('loglog and power N apply the log N times', () => {
    const ll = stretch('loglog', '0', '900').level;
    const p2 = stretch('power', '0', '900', { logPower: 2 }).level;
    expect(ll(10)).toBeCloseTo(255 * Math.log(9 * Math.log(1.1) + 1), 12);
    expect(p2(10)).toBe(ll(10));
    expect(stretch('power', '0', '900', { logPower: 0 }).level(450)).toBe(127.5);
  });
  it('asinh: 255·asinh(βx)/β, default β = "2s" resolved as a data value', () => {
    const { s, level } = stretch('asinh', '0', '100', { beta: '0.5' });
    expect(level(50)).toBeCloseTo((255 * Math.asinh(0.25)) / 0.5, 12);
    expect(level(-1)).toBe(0);
    const d = stretch('asinh', '0', '100');
    expect(d.s.beta).toBeCloseTo(h.median + 2 * h.sigma, 9);
    expect(s.montageType).toBe(3);
  });
  it('gaussian equalises: levels of the data are spread roughly uniformly in normal quantile', () => {
    const { s, level } = stretch('gaussian', 'min', 'max');
    expect(s.lookup).toHaveLength(256);
    // Median pixel maps near the middle of the quantile span between min and max.
    const mid = level(h.median);
    expect(mid).toBeGreaterThan(100);
    expect(mid).toBeLessThan(156);
    // Thresholds are non-decreasing.
    for (let k = 1; k < 256; k++) expect(s.lookup![k]).toBeGreaterThanOrEqual(s.lookup![k - 1]);
  });
  it('gaussian-log spends more levels on bright data than gaussian (the median is darker)', () => {
    const g = stretch('gaussian', '-1s', 'max').level;
    const gl = stretch('gaussian-log', '-1s', 'max').level;
    expect(gl(h.median)).toBeLessThan(g(h.median));
    expect(gl(percentile99())).toBeGreaterThan(200);
  });
});

function percentile99(): number {
  return resolveStretch({ name: 'linear', min: 'min', max: '99.9%' }, h).max;
}

describe('bad input', () => {
  it('rejects an unknown stretch name with the list of names', () => {
    expect(() => resolveStretch({ name: 'sqrt' as StretchName, min: 'min', max: 'max' }, h)).toThrow(
      'Expected one of linear, log, loglog, power, asinh, gaussian, gaussian-log for stretch but received "sqrt"',
    );
  });
  it('rejects min above max', () => {
    expect(() => resolveStretch({ name: 'linear', min: 'max', max: 'min' }, h)).toThrow(MosaicError);
    expect(() => resolveStretch({ name: 'linear', min: '10', max: '5' }, h)).toThrow(/above display max/);
  });
  it('equal min and max become max = min + 1 (Montage), so a constant image renders black', () => {
    const c = computeHistogram(new Float32Array(50).fill(3));
    for (const name of STRETCH_NAMES) {
      const s = resolveStretch({ name, min: 'min', max: 'max' }, c);
      expect(s.max).toBe(4);
      expect(levelFunction(s)(3)).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { erfinv, normalQuantile } from '../../src/viewer/normal-quantile.js';

describe('normalQuantile', () => {
  // Reference values of the standard-normal quantile (Abramowitz & Stegun table 26.5).
  // Tails (|2p − 1| > 0.9375) use Montage's coefficient-set choice, good to about 5e-4.
  const cases: [number, number, number][] = [
    [0.5, 0, 1e-12],
    [0.8413447460685429, 1, 1e-6],
    [0.95, 1.6448536269514722, 1e-6],
    [0.975, 1.959963984540054, 5e-4],
    [0.025, -1.959963984540054, 5e-4],
    [0.999, 3.090232306167813, 2e-3],
    [1 - 1e-6, 4.753424308822899, 2e-3],
  ];
  it.each(cases)('Φ⁻¹(%d) = %d', (p, z, tol) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(tol);
  });

  it('is monotonic on a fine grid and odd-symmetric', () => {
    let prev = -Infinity;
    for (let i = 1; i < 10_000; i++) {
      const p = i / 10_000;
      const z = normalQuantile(p);
      expect(z).toBeGreaterThanOrEqual(prev);
      expect(z).toBeCloseTo(-normalQuantile(1 - p), 9);
      prev = z;
    }
  });

  it('uses Montage sentinels at and beyond the ends', () => {
    expect(erfinv(1)).toBe(1e99);
    expect(erfinv(1.5)).toBe(-1e99);
    expect(normalQuantile(1)).toBeCloseTo(Math.SQRT2 * 1e99, -90);
  });
});

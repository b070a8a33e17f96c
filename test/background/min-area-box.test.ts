/** Convex hull and minimum-area box of mFitplane's row extremes (background/min-area-box.ts). */
import { describe, expect, it } from 'vitest';
import { convexHull, minAreaBox } from '../../src/background/min-area-box.js';
import { rng } from '../kernels/random.js';

/** Row extremes of a rotated rectangle of pixels, in row order as fitDiffPlane makes them. */
function rowExtremes(angle: number, w: number, h: number): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = -60; y <= 60; y++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let x = -60; x <= 60; x++) {
      const [u, v] = [c * x + s * y, -s * x + c * y];
      if (Math.abs(u) <= w / 2 && Math.abs(v) <= h / 2) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    }
    if (lo < hi) xs.push(lo, hi), ys.push(y, y);
  }
  return { xs, ys };
}

describe('convexHull and minAreaBox', () => {
  it('the unit square with inner and collinear points: four corners, counter-clockwise from the lowest-rightmost', () => {
    expect(convexHull([0, 1, 1, 0, 0.5, 0.2, 0.5], [0, 0, 1, 1, 0.5, 0.7, 0])).toEqual([[1, 0], [1, 1], [0, 1], [0, 0]]);
  });

  for (const angle of [0, 0.3, Math.PI / 4, 1.2]) {
    it(`row-ordered points give the hull and box of the same points shuffled (rectangle at ${angle.toFixed(2)} rad)`, () => {
      const { xs, ys } = rowExtremes(angle, 70, 25);
      const rand = rng(Math.round(angle * 100) + 1);
      const order = xs.map((_, i) => i).sort(() => rand() - 0.5);
      const [sx, sy] = [order.map((i) => xs[i]), order.map((i) => ys[i])];
      expect(convexHull(xs, ys)).toEqual(convexHull(sx, sy));
      const [a, b] = [minAreaBox(xs, ys)!, minAreaBox(sx, sy)!];
      expect(a).toEqual(b);
      // The box hugs the rectangle: its area is within a pixel's rim of 70 × 25.
      expect(a.width * a.height).toBeGreaterThan(66 * 21);
      expect(a.width * a.height).toBeLessThan(74 * 29);
    });
  }

  it('row-ordered jagged rows (one-pixel rows, repeated points, gaps) give the hull of the same points shuffled', () => {
    const rand = rng(11);
    for (let t = 0; t < 200; t++) {
      const [xs, ys]: [number[], number[]] = [[], []];
      for (let j = 0; j < 2 + (t % 40); j++) {
        if (rand() < 0.1) continue;
        const lo = Math.floor(10 * rand() + j * (t % 2 ? 0.3 : -0.2));
        const hi = lo + (t % 5 === 0 ? 0 : Math.floor(30 * rand()));
        xs.push(lo - 0.5, hi - 0.5);
        ys.push(j - 0.25, j - 0.25);
      }
      const order = xs.map((_, i) => i).reverse();
      expect(convexHull(xs, ys)).toEqual(convexHull(order.map((i) => xs[i]), order.map((i) => ys[i])));
    }
  });

  it('fewer than three distinct points have no box', () => {
    expect(minAreaBox([1, 1, 2], [0, 0, 0])).toBeUndefined();
    expect(convexHull([2, 1], [0, 0])).toEqual([[1, 0], [2, 0]]);
  });
});

import { describe, expect, it } from 'vitest';
import { fitPlaneToPoints, solveSmall, type PlaneFitOptions, type PointPlaneFit } from '../../src/background/plane-fit.js';
import { fitDiffPlane, MONTAGE_FIT_PASSES } from '../../src/stages/fit-plane.js';
import { rng } from '../kernels/random.js';

/**
 * The plain formulation of the robust fit, one point at a time over the raw input (the
 * implementation before the fast one), its sums over four lanes as the fast path keeps them
 * (the k-th finite point in lane k % 4, combined as (l0 + l1) + (l2 + l3)): the reference the
 * fast path must match bit for bit.
 */
function referenceFit(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>, options: PlaneFitOptions = {}): PointPlaneFit {
  const { levelOnly = false, iterations = 20, clip = 2 } = options;
  let [a, b, c, rms, npixel] = [0, 0, 0, 0, 0];
  let m = { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
  let box = { xmin: 0, xmax: 0, ymin: 0, ymax: 0 };
  const combine = (l: number[]) => l[0] + l[1] + (l[2] + l[3]);
  for (let it = 0; it < iterations; it++) {
    const L = Array.from({ length: 9 }, () => [0, 0, 0, 0]);
    const bb = { xmin: Infinity, xmax: -Infinity, ymin: Infinity, ymax: -Infinity };
    let k = -1;
    for (let i = 0; i < z.length; i++) {
      const [xi, yi, zi] = [x[i], y[i], z[i]];
      if (Number.isNaN(zi)) continue;
      k++;
      if (rms > 0 && Math.abs(zi - (a * xi + b * yi + c)) > clip * rms) continue;
      const terms = [xi, yi, xi * xi, xi * yi, yi * yi, zi, xi * zi, yi * zi, 1];
      terms.forEach((t, q) => (L[q][k & 3] += t));
      bb.xmin = Math.min(bb.xmin, xi);
      bb.xmax = Math.max(bb.xmax, xi);
      bb.ymin = Math.min(bb.ymin, yi);
      bb.ymax = Math.max(bb.ymax, yi);
    }
    const [sx, sy, sxx, sxy, syy, sz, sxz, syz, n] = L.map(combine);
    const s = { n, sx, sy, sxx, sxy, syy };
    if (s.n === 0) break;
    if (levelOnly) [a, b, c] = [0, 0, sz / s.n];
    else {
      const [mx, my] = [s.sx / s.n, s.sy / s.n];
      const p = solveSmall(
        [
          [s.sxx - s.sx * mx, s.sxy - s.sx * my],
          [s.sxy - s.sx * my, s.syy - s.sy * my],
        ],
        [sxz - s.sx * (sz / s.n), syz - s.sy * (sz / s.n)],
      );
      if (!p) throw new Error('collinear');
      [a, b] = p;
      c = sz / s.n - a * mx - b * my;
    }
    [m, box] = [s, bb];
    const R = [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    k = -1;
    for (let i = 0; i < z.length; i++) {
      if (Number.isNaN(z[i])) continue;
      k++;
      const dz = Math.abs(z[i] - (a * x[i] + b * y[i] + c));
      if (it > 0 && dz > clip * rms) continue;
      R[0][k & 3] += dz * dz;
      R[1][k & 3] += 1;
    }
    const [szz, cnt] = R.map(combine);
    if (cnt === 0) break;
    [rms, npixel] = [Math.sqrt(szz / cnt), cnt];
    if (rms <= 1e-12 * (Math.abs(sz / s.n) + Math.abs(a) * Math.abs(box.xmax - box.xmin) + Math.abs(b) * Math.abs(box.ymax - box.ymin) + 1e-300)) break;
  }
  return { a, b, c, rms, npixel, ...box, xcenter: m.sx / m.n, ycenter: m.sy / m.n, moments: m };
}

/** A difference-like scene: plane + gaussian noise + unsubtracted stars, NaN outside a slanted edge. */
function scene(seed: number, width: number, height: number, opts: { nanEdge?: boolean; noise?: number } = {}) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
  const n = width * height;
  const [x, y, z] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      const k = i + width * j;
      x[k] = i - 411.5;
      y[k] = j + 73;
      z[k] =
        opts.nanEdge && i > 0.8 * width + 0.3 * j - 0.2 * height
          ? NaN
          : 0.5 + 3e-4 * x[k] - 2e-4 * y[k] + (opts.noise ?? 0.05) * gauss() + (r() < 0.02 ? 5 * r() : 0);
    }
  return { x, y, z };
}

describe('fitPlaneToPoints (fast path) equals the plain formulation bit for bit', () => {
  const cases: { name: string; seed: number; w: number; h: number; nanEdge?: boolean; noise?: number; options?: PlaneFitOptions }[] = [
    { name: 'a 2MASS-like difference with a NaN edge, Montage passes', seed: 1, w: 120, h: 200, nanEdge: true, options: { iterations: MONTAGE_FIT_PASSES } },
    { name: 'no NaN (inputs used in place), default 20 passes', seed: 2, w: 90, h: 70 },
    { name: 'level only', seed: 3, w: 60, h: 80, nanEdge: true, options: { levelOnly: true } },
    { name: 'clip at 3 rms, 40 passes', seed: 4, w: 50, h: 50, nanEdge: true, options: { clip: 3, iterations: 40 } },
    { name: 'noise-free plane (stops at the exact fit)', seed: 5, w: 40, h: 30, noise: 0 },
  ];
  for (const t of cases)
    it(t.name, () => {
      const { x, y, z } = scene(t.seed, t.w, t.h, t);
      const fast = fitPlaneToPoints(x, y, z, t.options);
      const ref = referenceFit(x, y, z, t.options);
      expect(fast).toStrictEqual(ref);
      expect(fast.npixel).toBeGreaterThan(0.5 * t.w * t.h * (t.nanEdge ? 0.5 : 1));
    });

  it('accepts plain arrays and leaves its inputs untouched', () => {
    const { x, y, z } = scene(6, 30, 30, { nanEdge: true });
    const [xa, ya, za] = [Array.from(x), Array.from(y), Array.from(z)];
    expect(fitPlaneToPoints(xa, ya, za)).toStrictEqual(referenceFit(x, y, z));
    const before = [x.slice(), y.slice(), z.slice()];
    fitPlaneToPoints(x, y, z);
    expect([x, y, z]).toStrictEqual(before);
  });

  it('throws E_NO_OVERLAP when every value is NaN', () => {
    expect(() => fitPlaneToPoints([1, 2, 3], [4, 5, 6], [NaN, NaN, NaN])).toThrow(expect.objectContaining({ code: 'E_NO_OVERLAP' }));
  });
});

describe('fitDiffPlane on a grid equals the reference over the grid coordinates', () => {
  it('gives the same plane, rms, npixel and extent as the plain fit of every finite pixel', () => {
    const [width, height] = [150, 110];
    const { z } = scene(8, width, height, { nanEdge: true });
    const crpix = { crpix1: 640.5, crpix2: -20.25 };
    const [x0, y0] = [37, 12];
    const f = fitDiffPlane({ x0, y0, width, height, value: z }, crpix);
    const [xs, ys] = [new Float64Array(z.length), new Float64Array(z.length)];
    for (let k = 0; k < z.length; k++) {
      xs[k] = (k % width) - (crpix.crpix1 - x0);
      ys[k] = Math.floor(k / width) - (crpix.crpix2 - y0);
    }
    const ref = referenceFit(xs, ys, z, { iterations: MONTAGE_FIT_PASSES });
    expect({ a: f.a, b: f.b, c: f.c, rms: f.rms, npixel: f.npixel, xmin: f.xmin, xmax: f.xmax, ymin: f.ymin, ymax: f.ymax, xcenter: f.xcenter, ycenter: f.ycenter }).toStrictEqual({
      a: ref.a, b: ref.b, c: ref.c, rms: ref.rms, npixel: ref.npixel, xmin: ref.xmin, xmax: ref.xmax, ymin: ref.ymin, ymax: ref.ymax, xcenter: ref.xcenter, ycenter: ref.ycenter,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { solveBackgroundModel, type PairConstraint, type Plane } from '../../src/background/global-model.js';
import { fitPlaneToPoints } from '../../src/background/plane-fit.js';

/** Deterministic PRNG (mulberry32) and Gaussian noise. */
function rng(seed: number) {
  let t = seed >>> 0;
  const u = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return { u, gauss: () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u()) };
}

/** A grid of w×h tiles of size T overlapping by O pixels; each tile gets an injected plane; pairs fitted from noisy differences. */
function synthetic(opts: { nx: number; ny: number; seed: number; noise: number; levelOnly?: boolean }) {
  const T = 60;
  const O = 12;
  const r = rng(opts.seed);
  const tiles: Array<{ x0: number; y0: number }> = [];
  for (let j = 0; j < opts.ny; j++) for (let i = 0; i < opts.nx; i++) tiles.push({ x0: i * (T - O), y0: j * (T - O) });
  const truth: Plane[] = tiles.map(() => ({
    a: opts.levelOnly ? 0 : (r.u() - 0.5) * 0.02,
    b: opts.levelOnly ? 0 : (r.u() - 0.5) * 0.02,
    c: (r.u() - 0.5) * 40,
  }));
  const pairs: PairConstraint[] = [];
  for (let p = 0; p < tiles.length; p++)
    for (let q = p + 1; q < tiles.length; q++) {
      const xa = Math.max(tiles[p].x0, tiles[q].x0);
      const xb = Math.min(tiles[p].x0, tiles[q].x0) + T;
      const ya = Math.max(tiles[p].y0, tiles[q].y0);
      const yb = Math.min(tiles[p].y0, tiles[q].y0) + T;
      if (xb <= xa || yb <= ya) continue;
      const xs: number[] = [];
      const ys: number[] = [];
      const zs: number[] = [];
      for (let y = ya; y < yb; y++)
        for (let x = xa; x < xb; x++) {
          const d = (t: Plane) => t.a * x + t.b * y + t.c;
          xs.push(x);
          ys.push(y);
          zs.push(d(truth[p]) - d(truth[q]) + opts.noise * r.gauss());
        }
      const f = fitPlaneToPoints(xs, ys, zs, { levelOnly: opts.levelOnly });
      pairs.push({ plus: p, minus: q, a: f.a, b: f.b, c: f.c, rms: f.rms, moments: f.moments });
    }
  return { tiles, truth, pairs };
}

/** Remove the mean plane (the free gauge) from a set of planes. */
function centred(planes: Plane[]): Plane[] {
  const m = planes.reduce((s, p) => ({ a: s.a + p.a / planes.length, b: s.b + p.b / planes.length, c: s.c + p.c / planes.length }), { a: 0, b: 0, c: 0 });
  return planes.map((p) => ({ a: p.a - m.a, b: p.b - m.b, c: p.c - m.c }));
}

/** Largest difference of two plane sets evaluated over the area [0,200]². */
function maxPlaneDiff(p: Plane[], q: Plane[]): number {
  let worst = 0;
  p.forEach((pi, i) => {
    for (const [x, y] of [[0, 0], [200, 0], [0, 200], [200, 200]]) worst = Math.max(worst, Math.abs(pi.a * x + pi.b * y + pi.c - (q[i].a * x + q[i].b * y + q[i].c)));
  });
  return worst;
}

describe('solveBackgroundModel', () => {
  it('recovers injected planes up to the free mean plane (to noise precision)', () => {
    const { truth, pairs, tiles } = synthetic({ nx: 4, ny: 3, seed: 1, noise: 0.5 });
    const model = solveBackgroundModel(truth.length, pairs);
    expect(model.used.every(Boolean)).toBe(true);
    // Noise 0.5 per pixel: a 12×60-pixel overlap fixes a level to 0.02 and the slope across the
    // strip to ~0.005/px, i.e. ~0.3 over a 60-pixel tile. Compare over each tile's own area.
    // The data fix the planes up to one common plane (the gauge), so compare centred sets.
    const truthC = centred(truth);
    const modelC = centred(model.planes);
    let worst = 0;
    tiles.forEach((t, i) => {
      for (const [x, y] of [[t.x0, t.y0], [t.x0 + 60, t.y0], [t.x0, t.y0 + 60], [t.x0 + 60, t.y0 + 60], [t.x0 + 30, t.y0 + 30]]) {
        const f = (p: Plane) => p.a * x + p.b * y + p.c;
        worst = Math.max(worst, Math.abs(f(modelC[i]) - f(truthC[i])));
      }
    });
    expect(worst).toBeLessThan(0.5);
    // and the injected offsets (±20) are removed to better than 1%
    expect(worst).toBeLessThan(0.01 * Math.max(...truth.map((p) => Math.abs(p.c))) * 2.5);
  });

  it("ends where Montage's relaxation converges, gauge included (level sweeps, then plane sweeps)", () => {
    // mBgModel's iteration (montageBgModel.c): each sweep, every image solves for the plane
    // matching its neighbours' current difference planes over the overlaps and takes half of
    // it; levels only first, then full planes. Run to convergence and compare, without centring.
    const { truth, pairs } = synthetic({ nx: 4, ny: 3, seed: 11, noise: 0.5 });
    const n = truth.length;
    const planes = truth.map(() => [0, 0, 0]);
    const sweep = (levelOnly: boolean) => {
      const S = planes.map(() => new Array(9).fill(0));
      const z = planes.map(() => [0, 0, 0]);
      for (const p of pairs) {
        const m = p.moments;
        const M = [m.sxx, m.sxy, m.sx, m.sxy, m.syy, m.sy, m.sx, m.sy, m.n];
        // current residual plane of plus − minus, and its negative for the minus image
        const d = ['a', 'b', 'c'].map((key, j) => p[key as 'a' | 'b' | 'c'] - planes[p.plus][j] + planes[p.minus][j]);
        for (const [img, sign] of [[p.plus, 1], [p.minus, -1]])
          for (let r = 0; r < 3; r++) {
            for (let c = 0; c < 3; c++) S[img][r * 3 + c] += M[r * 3 + c];
            z[img][r] += sign * (M[r * 3] * d[0] + M[r * 3 + 1] * d[1] + M[r * 3 + 2] * d[2]);
          }
      }
      const steps = planes.map((_, i) => {
        if (levelOnly) return [0, 0, z[i][2] / S[i][8]];
        const A = [0, 1, 2].map((r) => [S[i][r * 3], S[i][r * 3 + 1], S[i][r * 3 + 2], z[i][r]]);
        for (let c = 0; c < 3; c++)
          for (let r = 0; r < 3; r++)
            if (r !== c) {
              const f = A[r][c] / A[c][c];
              for (let j = c; j < 4; j++) A[r][j] -= f * A[c][j];
            }
        return A.map((row, r) => row[3] / row[r]);
      });
      steps.forEach((st, i) => st.forEach((v, j) => (planes[i][j] += v / 2)));
    };
    for (let it = 0; it < 2500; it++) sweep(true);
    for (let it = 0; it < 5000; it++) sweep(false);
    const relaxed = planes.map(([a, b, c]) => ({ a, b, c }));
    const direct = solveBackgroundModel(n, pairs);
    expect(maxPlaneDiff(direct.planes, relaxed)).toBeLessThan(1e-4);
    // and the gauge matters: the mean-zero plane is measurably elsewhere
    expect(maxPlaneDiff(centred(direct.planes), relaxed)).toBeGreaterThan(0.1);
  });

  it('is exact without noise (sweeps: Infinity), and dense and CG agree, damped or not', () => {
    const { truth, pairs } = synthetic({ nx: 5, ny: 4, seed: 2, noise: 0 });
    const dense = solveBackgroundModel(truth.length, pairs, { method: 'dense', sweeps: Infinity });
    const cg = solveBackgroundModel(truth.length, pairs, { method: 'cg', sweeps: Infinity });
    expect(maxPlaneDiff(centred(dense.planes), centred(truth))).toBeLessThan(1e-6);
    expect(maxPlaneDiff(cg.planes, dense.planes)).toBeLessThan(1e-6);
    expect(cg.iterations).toBeGreaterThan(0);
    const dampedDense = solveBackgroundModel(truth.length, pairs, { method: 'dense' });
    const dampedCg = solveBackgroundModel(truth.length, pairs, { method: 'cg' });
    expect(maxPlaneDiff(dampedCg.planes, dampedDense.planes)).toBeLessThan(1e-6);
  });

  describe('damping (sweeps, Montage-equivalent by default)', () => {
    const { truth, pairs } = synthetic({ nx: 5, ny: 4, seed: 2, noise: 0 });
    const levels = solveBackgroundModel(truth.length, pairs, { levelOnly: true }).planes;
    const exact = solveBackgroundModel(truth.length, pairs, { sweeps: Infinity }).planes;

    it('goes from the levels solution (0 sweeps) to the exact planes (many sweeps), monotonically', () => {
      const at = (sweeps: number) => maxPlaneDiff(centred(solveBackgroundModel(truth.length, pairs, { sweeps }).planes), centred(exact));
      const zero = solveBackgroundModel(truth.length, pairs, { sweeps: 0 }).planes;
      for (const [k, p] of zero.entries()) {
        expect(Math.abs(p.a) + Math.abs(p.b)).toBeLessThan(1e-9);
        expect(Math.abs(p.c - levels[k].c)).toBeLessThan(1e-6);
      }
      const errs = [10, 100, 1000, 7500, 1e6, 1e9].map(at);
      // Monotone down to the rounding floor (~1e-11 here, where the last two sit).
      for (let i = 1; i < errs.length; i++) expect(errs[i]).toBeLessThanOrEqual(errs[i - 1] * (1 + 1e-9) + 1e-10);
      expect(errs[0]).toBeGreaterThan(1e-3); // few sweeps: visibly damped
      expect(errs[errs.length - 1]).toBeLessThan(1e-6);
    });

    it('stays at the noise-free truth but for what 7500 relaxation steps leave of the weakest modes (default)', () => {
      // Measured 1.3e-3 DN here, on planes of tens of DN; the exact solve: 1e-6 (above).
      expect(maxPlaneDiff(centred(solveBackgroundModel(truth.length, pairs).planes), centred(truth))).toBeLessThan(1e-2);
    });

    it('refuses a negative sweep count', () => {
      expect(() => solveBackgroundModel(truth.length, pairs, { sweeps: -1 })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    });
  });

  it('gives the same corrections whatever the image order', () => {
    const { truth, pairs } = synthetic({ nx: 3, ny: 3, seed: 3, noise: 1 });
    const perm = [4, 2, 7, 0, 8, 1, 6, 3, 5]; // new index of old image i
    const permuted = [...pairs].reverse().map((p) => ({ ...p, plus: perm[p.plus], minus: perm[p.minus] }));
    const a = solveBackgroundModel(truth.length, pairs).planes;
    const b = solveBackgroundModel(truth.length, permuted).planes;
    expect(maxPlaneDiff(a, a.map((_, i) => b[perm[i]]))).toBeLessThan(1e-8);
  });

  describe('slope prior (slopePrior, off by default)', () => {
    it('is off by default and keeps noise-free recovery exact when on (no misfit, so ρ = 0)', () => {
      const { truth, pairs } = synthetic({ nx: 4, ny: 3, seed: 6, noise: 0 });
      const plain = solveBackgroundModel(truth.length, pairs, { sweeps: Infinity });
      const prior = solveBackgroundModel(truth.length, pairs, { slopePrior: 1, sweeps: Infinity });
      expect(plain.slopePriorWeight).toBe(0);
      expect(prior.slopePriorWeight).toBeLessThan(1e-9); // rounding-level misfit only
      expect(maxPlaneDiff(centred(prior.planes), centred(truth))).toBeLessThan(1e-6);
    });

    it('is data-scaled, independent of image order, and the same dense or CG', () => {
      const { truth, pairs } = synthetic({ nx: 3, ny: 3, seed: 7, noise: 1 });
      const a = solveBackgroundModel(truth.length, pairs, { slopePrior: 1 });
      expect(a.slopePriorWeight).toBeGreaterThan(0);
      // Without the prior the answer differs measurably (the prior does something).
      expect(maxPlaneDiff(a.planes, solveBackgroundModel(truth.length, pairs).planes)).toBeGreaterThan(1e-3);
      const perm = [4, 2, 7, 0, 8, 1, 6, 3, 5];
      const permuted = [...pairs].reverse().map((p) => ({ ...p, plus: perm[p.plus], minus: perm[p.minus] }));
      const b = solveBackgroundModel(truth.length, permuted, { slopePrior: 1 }).planes;
      expect(maxPlaneDiff(a.planes, a.planes.map((_, i) => b[perm[i]]))).toBeLessThan(1e-8);
      const cg = solveBackgroundModel(truth.length, pairs, { slopePrior: 1, method: 'cg' }).planes;
      expect(maxPlaneDiff(a.planes, cg)).toBeLessThan(1e-6);
    });
  });

  it('gives zero corrections when the images agree', () => {
    const { truth, pairs } = synthetic({ nx: 3, ny: 2, seed: 4, noise: 0 });
    const flat = pairs.map((p) => ({ ...p, a: 0, b: 0, c: 0 }));
    const model = solveBackgroundModel(truth.length, flat);
    expect(maxPlaneDiff(model.planes, model.planes.map(() => ({ a: 0, b: 0, c: 0 })))).toBeLessThan(1e-9);
  });

  it('level-only mode recovers injected levels', () => {
    const { truth, pairs } = synthetic({ nx: 4, ny: 2, seed: 5, noise: 0.5, levelOnly: true });
    const model = solveBackgroundModel(truth.length, pairs, { levelOnly: true });
    expect(model.planes.every((p) => p.a === 0 && p.b === 0)).toBe(true);
    expect(maxPlaneDiff(centred(model.planes), centred(truth))).toBeLessThan(0.1);
  });

  it('survives failed fits and slivers, and pins disconnected groups separately', () => {
    const { truth, pairs } = synthetic({ nx: 3, ny: 2, seed: 6, noise: 0 });
    const broken: PairConstraint[] = [
      ...pairs,
      { plus: 0, minus: 5, a: NaN, b: 0, c: 1e9, rms: Infinity, moments: { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 } },
      // a 2-pixel sliver with an absurd slope: too few pixels to enter the solve
      { plus: 1, minus: 2, a: 1e6, b: 0, c: 0, rms: 1, moments: { n: 2, sx: 1, sy: 0, sxx: 1, sxy: 0, syy: 0 } },
      // images 6 and 7 form their own group, offset by 10
      { plus: 6, minus: 7, a: 0, b: 0, c: 10, rms: 1, moments: { n: 100, sx: 500, sy: 500, sxx: 3000, sxy: 2500, syy: 3000 } },
    ];
    const model = solveBackgroundModel(truth.length + 3, broken);
    expect(model.used.slice(-3)).toEqual([false, false, true]);
    expect(maxPlaneDiff(centred(model.planes.slice(0, 6)), centred(truth))).toBeLessThan(1e-6);
    expect(model.planes[6].c + model.planes[6].a * 5 + model.planes[6].b * 5).toBeCloseTo(5, 6);
    expect(model.planes[8]).toEqual({ a: 0, b: 0, c: 0 });
    expect(new Set(model.group).size).toBe(3);
  });
});

describe('fitPlaneToPoints', () => {
  it('recovers a known plane despite 10% wild outliers', () => {
    const r = rng(7);
    const xs: number[] = [];
    const ys: number[] = [];
    const zs: number[] = [];
    for (let y = -40; y < 40; y++)
      for (let x = -30; x < 50; x++) {
        xs.push(x);
        ys.push(y);
        let z = 0.01 * x - 0.02 * y + 3 + 0.1 * r.gauss();
        if (r.u() < 0.1) z += 50 + 100 * r.u(); // stars that did not subtract
        zs.push(Number.isFinite(z) && r.u() > 0.02 ? z : NaN);
      }
    const f = fitPlaneToPoints(xs, ys, zs);
    expect(f.a).toBeCloseTo(0.01, 3);
    expect(f.b).toBeCloseTo(-0.02, 3);
    expect(f.c).toBeCloseTo(3, 1);
    expect(f.rms).toBeGreaterThan(0.05);
    expect(f.rms).toBeLessThan(0.15);
    expect(f.npixel).toBeLessThan(0.9 * 6400);
  });

  it('rejects collinear points', () => {
    expect(() => fitPlaneToPoints([1, 2, 3], [1, 1, 1], [0, 1, 2])).toThrow(/too few pixels/);
  });
});

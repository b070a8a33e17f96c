import { describe, expect, it } from 'vitest';
import { gatherPoints, planeFitPasses } from '../../src/kernels/index.js';
import { decodePlaneFit, gatherPointsTs, PLANE_FIT_OUT, PLANE_FIT_OUT_LENGTH, planeFitPassesTs } from '../../src/kernels/plane-fit.js';
import { native } from '../../src/native/load.js';
import { rng } from './random.js';

interface Case {
  name: string;
  seed: number;
  n: number;
  levelOnly?: boolean;
  iterations?: number;
  clip?: number;
  /** Noise σ (0: an exact plane). */
  noise?: number;
  /** Fraction of outliers (+50 … +250). */
  outliers?: number;
  /** Extra values to plant: [index, x, y, z]. */
  plant?: [number, number, number, number][];
}

/** A difference-like strip: plane + gaussian noise + positive outliers (unsubtracted stars). */
function points(t: Case): { px: Float64Array; py: Float64Array; pz: Float64Array } {
  const r = rng(t.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
  const w = Math.max(1, Math.ceil(t.n / 20));
  const [px, py, pz] = [new Float64Array(t.n), new Float64Array(t.n), new Float64Array(t.n)];
  for (let k = 0; k < t.n; k++) {
    px[k] = (k % w) - 734.5;
    py[k] = Math.floor(k / w) + 211.25;
    const outlier = r() < (t.outliers ?? 0.01) ? 50 + 200 * r() : 0;
    pz[k] = 12.5 + 3e-3 * px[k] - 2e-3 * py[k] + (t.noise ?? 2) * gauss() + outlier;
  }
  for (const [k, x, y, z] of t.plant ?? []) [px[k], py[k], pz[k]] = [x, y, z];
  return { px, py, pz };
}

const cases: Case[] = [
  { name: 'a noisy strip with 1 % outliers, Montage passes', seed: 1, n: 20000, iterations: 20 },
  { name: '5 % outliers, 40 passes', seed: 2, n: 6000, outliers: 0.05, iterations: 40 },
  { name: 'level only', seed: 3, n: 5000, levelOnly: true },
  { name: 'clip at 3 rms', seed: 4, n: 5000, clip: 3 },
  { name: 'clip at 0.5 rms (fast shrinking selection)', seed: 5, n: 4000, clip: 0.5, iterations: 30 },
  { name: 'an exact plane (stops at the exact fit)', seed: 6, n: 3000, noise: 0, outliers: 0 },
  { name: 'one pass (ordinary least squares)', seed: 7, n: 2000, iterations: 1 },
  { name: 'no pass', seed: 8, n: 500, iterations: 0 },
  { name: 'a NaN coordinate and an infinite value', seed: 9, n: 3000, plant: [[17, NaN, 3, 1], [40, 1, 2, Infinity]] },
  { name: 'a huge outlier and a −0 coordinate', seed: 10, n: 3000, plant: [[5, -0, 0, 1e300], [6, 1e-310, -0, -1e3]] },
  { name: 'three points', seed: 11, n: 3, noise: 1, outliers: 0 },
  { name: 'collinear points', seed: 12, n: 40, plant: Array.from({ length: 40 }, (_, k): [number, number, number, number] => [k, k, 2 * k + 1, k % 3]) },
  { name: 'no point', seed: 13, n: 0 },
];

function run(t: Case, backend: 'ts' | 'native'): Float64Array {
  const { px, py, pz } = points(t);
  const out = new Float64Array(PLANE_FIT_OUT_LENGTH).fill(-1);
  const args = [px, py, pz, t.levelOnly ?? false, t.iterations ?? 20, t.clip ?? 2, out] as const;
  if (backend === 'native') native!.planeFitPasses!(...args);
  else planeFitPassesTs(...args);
  return out;
}

describe('planeFitPasses', () => {
  it('recovers the plane under the outliers (TypeScript twin)', () => {
    const out = run(cases[0], 'ts');
    const f = decodePlaneFit(out);
    if (f.kind !== 'fitted') throw new Error(f.kind);
    expect(f.a).toBeCloseTo(3e-3, 3);
    expect(f.b).toBeCloseTo(-2e-3, 2);
    expect(f.c).toBeCloseTo(12.5, 0);
    // Repeated 2·rms clipping keeps a core of the gaussian: rms below σ = 2, outliers gone.
    expect(f.rms).toBeGreaterThan(0.5);
    expect(f.rms).toBeLessThan(2);
    expect(f.moments.n).toBeLessThan(0.97 * 20000);
  });

  it('reports collinear and empty input', () => {
    expect(decodePlaneFit(run(cases[11], 'ts'))).toEqual({ kind: 'collinear', count: 40 });
    expect(decodePlaneFit(run(cases[12], 'ts'))).toEqual({ kind: 'no-points' });
  });

  it.runIf(native !== undefined)('the native addon exports planeFitPasses', () => {
    expect(typeof native?.planeFitPasses).toBe('function');
  });

  describe.runIf(native?.planeFitPasses !== undefined)('native equals the TypeScript twin bit for bit', () => {
    for (const t of cases)
      it(t.name, () => {
        const ts = run(t, 'ts');
        const nat = run(t, 'native');
        for (let k = 0; k < PLANE_FIT_OUT_LENGTH; k++) {
          if (!Object.is(ts[k], nat[k])) throw new Error(`slot ${k}: twin ${ts[k]} native ${nat[k]}`);
        }
        expect(ts[PLANE_FIT_OUT.status]).toBeGreaterThanOrEqual(0);
      });

    it('repeated calls (reused native scratch) give the same result', () => {
      const big = run(cases[0], 'native');
      run(cases[10], 'native');
      run(cases[1], 'native');
      expect(Array.from(run(cases[0], 'native'))).toEqual(Array.from(big));
    });
  });

  it('validates its arguments with the binding messages', () => {
    const a = new Float64Array(4);
    const b = new Float64Array(3);
    expect(() => planeFitPasses({ px: a, py: b, pz: b })).toThrow('Expected Float64Array of length pz.length for px but received Float64Array of length 4');
    expect(() => planeFitPasses({ px: b, py: b, pz: [1, 2, 3] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => planeFitPasses({ px: b, py: b, pz: b, iterations: 1.5 })).toThrow('Expected non-negative integer for iterations but received 1.5 of type number');
    expect(() => planeFitPasses({ px: b, py: b, pz: b, clip: NaN })).toThrow(RangeError);
    expect(() => planeFitPasses({ px: b, py: b, pz: b, levelOnly: 1 as unknown as boolean })).toThrow(TypeError);
  });
});

describe('gatherPoints', () => {
  /** A difference-like image: values with NaN holes, a blank row, ±Infinity and −0. */
  function image(seed: number, w: number, h: number): Float64Array {
    const r = rng(seed);
    const v = new Float64Array(w * h);
    for (let k = 0; k < v.length; k++) v[k] = r() < 0.3 ? NaN : 10 * r() - 5;
    for (let i = 0; i < w; i++) v[2 * w + i] = NaN;
    [v[3], v[w + 1], v[5 * w]] = [Infinity, -Infinity, -0];
    return v;
  }

  function gather(v: Float64Array, w: number, h: number, backend: 'ts' | 'native' | 'dispatch') {
    const [xs, ys, zs] = [new Float64Array(w * h), new Float64Array(w * h), new Float64Array(w * h)].map((a) => a.fill(-7));
    const [rowLo, rowHi] = [new Int32Array(h), new Int32Array(h)];
    const args = [v, w, h, 11.5, -3.25, xs, ys, zs, rowLo, rowHi] as const;
    const n = backend === 'ts' ? gatherPointsTs(...args) : backend === 'native' ? native!.gatherPoints!(...args) : gatherPoints({ value: v, width: w, height: h, xOrigin: 11.5, yOrigin: -3.25, xs, ys, zs, rowLo, rowHi });
    return { n, xs, ys, zs, rowLo, rowHi };
  }

  it('takes the non-NaN pixels in row order, with each row\'s extreme columns', () => {
    const w = 9, h = 7;
    const v = image(21, w, h);
    const g = gather(v, w, h, 'ts');
    let k = 0;
    for (let j = 0; j < h; j++) {
      const cols = Array.from({ length: w }, (_, i) => i).filter((i) => !Number.isNaN(v[j * w + i]));
      expect([g.rowLo[j], g.rowHi[j]]).toEqual(cols.length ? [cols[0], cols[cols.length - 1]] : [w, -1]);
      for (const i of cols) {
        expect([g.xs[k], g.ys[k], g.zs[k]]).toEqual([i - 11.5, j + 3.25, v[j * w + i]]);
        k++;
      }
    }
    expect(g.n).toBe(k);
    expect(g.xs[k]).toBe(-7); // past the count: untouched
  });

  describe.runIf(native?.gatherPoints !== undefined)('native equals the TypeScript twin bit for bit', () => {
    for (const [w, h] of [[1, 1], [37, 23], [600, 40]] as const)
      it(`${w}×${h}`, () => {
        const v = image(w * h, w, h);
        const [a, b] = [gather(v, w, h, 'ts'), gather(v, w, h, 'native')];
        expect(b.n).toBe(a.n);
        for (const key of ['xs', 'ys', 'zs', 'rowLo', 'rowHi'] as const)
          for (let k = 0; k < a[key].length; k++) if (!Object.is(a[key][k], b[key][k])) throw new Error(`${key}[${k}]: twin ${a[key][k]} native ${b[key][k]}`);
      });
  });

  it('validates its arguments', () => {
    const v = new Float64Array(6);
    const ok = { value: v, width: 3, height: 2, xOrigin: 0, yOrigin: 0, xs: new Float64Array(6), ys: new Float64Array(6), zs: new Float64Array(6), rowLo: new Int32Array(2), rowHi: new Int32Array(2) };
    expect(gatherPoints(ok)).toBe(6);
    expect(() => gatherPoints({ ...ok, xs: new Float64Array(5) })).toThrow('Expected Float64Array of length >= 6 for xs but received Float64Array of length 5');
    expect(() => gatherPoints({ ...ok, rowHi: new Int32Array(3) })).toThrow(RangeError);
    expect(() => gatherPoints({ ...ok, ys: ok.xs })).toThrow('Expected xs not to share memory with ys');
    expect(() => gatherPoints({ ...ok, zs: v })).toThrow('share memory');
  });
});

import { describe, expect, it } from 'vitest';
import { coveredBounds, cropWithArea, fillCornerCells } from '../../src/kernels/index.js';
import { coveredBoundsTs, cropWithAreaTs } from '../../src/kernels/area-crop.js';
import { fillCornerCellsTs } from '../../src/kernels/corner-fill.js';
import { native } from '../../src/native/load.js';
import { rng, sameBits } from './random.js';

/** A corner grid tiled by cells of mixed shapes (3 × 3 and 2-node sides), plus overlapping ones. */
function cellGrid(cw: number, ch: number, si: number, sj: number): Int32Array {
  const cells: number[] = [];
  for (let j = 0; j + 1 < ch; j += sj) {
    for (let i = 0; i + 1 < cw; i += si) {
      const i1 = Math.min(i + si, cw - 1);
      const j1 = Math.min(j + sj, ch - 1);
      cells.push(i, j, i1, j1, i1 - i >= 2 ? (i + i1) >> 1 : -1, j1 - j >= 2 ? (j + j1) >> 1 : -1);
    }
  }
  cells.push(0, 0, 1, 5, -1, 2, 3, 4, 9, 5, 6, -1);
  return Int32Array.from(cells);
}

describe('fillCornerCells', () => {
  it('reproduces a quadratic mapping and keeps exact corners (TypeScript twin)', () => {
    const cw = 9;
    const ch = 7;
    const f = (i: number, j: number): [number, number] => [0.5 * i * i - 0.25 * i * j + 3, 0.1 * j * j + i];
    const x = new Float64Array(cw * ch);
    const y = new Float64Array(cw * ch);
    const state = new Uint8Array(cw * ch);
    for (const j of [0, 3, 6]) for (const i of [0, 4, 8]) [x[i + cw * j], y[i + cw * j], state[i + cw * j]] = [...f(i, j), 2];
    x[1 + cw] = 99;
    state[1 + cw] = 2;
    fillCornerCellsTs(Int32Array.from([0, 0, 8, 6, 4, 3]), cw, ch, x, y, state);
    for (let j = 0; j < ch; j++) {
      for (let i = 0; i < cw; i++) {
        if (i === 1 && j === 1) continue;
        const [a, b] = f(i, j);
        expect(Math.abs(x[i + cw * j] - a)).toBeLessThan(1e-12);
        expect(Math.abs(y[i + cw * j] - b)).toBeLessThan(1e-12);
      }
    }
    expect(x[1 + cw]).toBe(99);
  });

  it('matches its TypeScript twin bit for bit (native when loaded)', () => {
    const r = rng(7);
    const cw = 70;
    const ch = 53;
    const cells = cellGrid(cw, ch, 16, 13);
    const x = Float64Array.from({ length: cw * ch }, () => r() * 1000 - 3);
    const y = Float64Array.from({ length: cw * ch }, () => r() * 1e-3);
    const state = Uint8Array.from({ length: cw * ch }, () => (r() < 0.3 ? 2 : 0));
    const [xa, ya, xb, yb] = [x.slice(), y.slice(), x.slice(), y.slice()];
    fillCornerCellsTs(cells, cw, ch, xa, ya, state);
    fillCornerCells({ cells, cw, ch, x: xb, y: yb, state });
    expect(sameBits(xa, xb)).toBe(true);
    expect(sameBits(ya, yb)).toBe(true);
    expect(xa.some((v, k) => v !== x[k])).toBe(true);
  });

  it('rejects a cell outside the grid with one message on both backends', () => {
    const a = new Float64Array(4);
    expect(() => fillCornerCells({ cells: Int32Array.from([0, 0, 2, 1, -1, -1]), cw: 2, ch: 2, x: a, y: a.slice(), state: new Uint8Array(4) }))
      .toThrow('Expected cells inside the 2*2 corner grid for cells but received cell 0 = [0, 0, 2, 1, -1, -1]');
  });
});

describe('coveredBounds / cropWithArea', () => {
  const bw = 97;
  const bh = 61;
  const r = rng(11);
  const value = Float64Array.from({ length: bw * bh }, () => (r() < 0.2 ? NaN : r()));
  const coverage = Float64Array.from({ length: bw * bh }, (_, k) => (k < 5 * bw || r() < 0.3 ? 0 : r()));
  const linesX = Int32Array.from([0, 16, 32, 48, 64, 80, 96]);
  const linesY = Int32Array.from([0, 16, 32, 48, 60]);
  const samples = Float64Array.from({ length: linesX.length * linesY.length }, () => 1e-9 * (1 + r() * 1e-6));

  it('finds the covered rows and columns', () => {
    const out = new Int32Array(4);
    coveredBoundsTs(value, coverage, bw, bh, out);
    expect(Array.from(out)).toEqual([0, 96, 5, 60]);
    expect(coveredBounds(value, coverage, bw, bh)).toEqual({ i0: 0, i1: 96, j0: 5, j1: 60 });
    expect(coveredBounds(new Float64Array(4).fill(NaN), new Float64Array(4).fill(1), 2, 2)).toBeNull();
  });

  it('writes into given buffers (views of them) exactly what it returns fresh', () => {
    const crop = { i0: 2, i1: 70, j0: 6, j1: 55 };
    const solidAngle = { samples, linesX, linesY };
    const fresh = cropWithArea({ value, coverage, boxWidth: bw, boxHeight: bh, crop, solidAngle });
    const out = { value: new Float64Array(10_000).fill(7), area: new Float64Array(10_000).fill(7) };
    const got = cropWithArea({ value, coverage, boxWidth: bw, boxHeight: bh, crop, solidAngle, out });
    expect(got.value.buffer).toBe(out.value.buffer);
    expect(got.area.buffer).toBe(out.area.buffer);
    expect(Array.from(got.value)).toEqual(Array.from(fresh.value));
    expect(Array.from(got.area)).toEqual(Array.from(fresh.area));
    // Too small: new arrays, same values.
    const small = cropWithArea({ value, coverage, boxWidth: bw, boxHeight: bh, crop, solidAngle, out: { value: new Float64Array(3), area: new Float64Array(3) } });
    expect(small.value.length).toBe(fresh.value.length);
    expect(Array.from(small.area)).toEqual(Array.from(fresh.area));
  });

  it('interpolates Ω bilinearly: exact for a plane, NaN/0 for blanks', () => {
    const omega = (i: number, j: number): number => 1 + i + 2 * j;
    const s = Float64Array.from({ length: linesX.length * linesY.length }, (_, k) => omega(linesX[k % linesX.length], linesY[Math.floor(k / linesX.length)]));
    const crop = { i0: 3, i1: 40, j0: 7, j1: 50 };
    const { value: v, area } = cropWithArea({ value, coverage, boxWidth: bw, boxHeight: bh, crop, solidAngle: { samples: s, linesX, linesY } });
    for (let j = 0; j <= crop.j1 - crop.j0; j++) {
      for (let i = 0; i <= crop.i1 - crop.i0; i++) {
        const k = i + crop.i0 + bw * (j + crop.j0);
        const o = i + (crop.i1 - crop.i0 + 1) * j;
        if (coverage[k] > 0 && Number.isFinite(value[k])) {
          expect(v[o]).toBe(value[k]);
          expect(area[o]).toBeCloseTo(coverage[k] * omega(i + crop.i0, j + crop.j0), 10);
        } else {
          expect(v[o]).toBeNaN();
          expect(area[o]).toBe(0);
        }
      }
    }
  });

  it.each(['grid', 'full'])('matches its TypeScript twin bit for bit (%s Ω, native when loaded)', (kind) => {
    const solidAngle = kind === 'grid' ? { samples, linesX, linesY } : { full: Float64Array.from({ length: bw * bh }, () => r()) };
    const crop = { i0: 0, i1: 96, j0: 5, j1: 60 };
    const w = 97;
    const h = 56;
    const tv = new Float64Array(w * h);
    const ta = new Float64Array(w * h);
    cropWithAreaTs(value, coverage, bw, crop.i0, crop.j0, w, h, solidAngle, tv, ta);
    const got = cropWithArea({ value, coverage, boxWidth: bw, boxHeight: bh, crop, solidAngle });
    expect(sameBits(got.value, tv)).toBe(true);
    expect(sameBits(got.area, ta)).toBe(true);
  });

  it('rejects lines that do not span the box', () => {
    expect(() => cropWithArea({ value, coverage, boxWidth: bw, boxHeight: bh, crop: { i0: 0, i1: 1, j0: 5, j1: 6 }, solidAngle: { samples, linesX: linesX.subarray(0, 6), linesY } }))
      .toThrow(/Expected Float64Array of length 6\*5 for solidAngle.samples|ascending lines/);
  });
});

describe('backend', () => {
  it.runIf(native !== undefined)('the native addon exports the project kernels', () => {
    expect(typeof native?.fillCornerCells).toBe('function');
    expect(typeof native?.cropWithArea).toBe('function');
    expect(typeof native?.coveredBounds).toBe('function');
  });
});

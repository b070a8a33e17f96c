/** binPixels (kernels/bin.ts): block means, blanks, edges and phases. */
import { describe, expect, it } from 'vitest';
import { binPixels } from '../../src/kernels/bin.js';
import { rng } from './random.js';

/** The reference: block (I, J) averages the pixels it covers, NaN if one is missing or blank. */
function reference(src: ArrayLike<number>, w: number, h: number, f: number, [px, py]: [number, number]): number[] {
  const out: number[] = [];
  for (let J = 0; J < Math.ceil((h + py) / f); J++)
    for (let I = 0; I < Math.ceil((w + px) / f); I++) {
      let s = 0;
      for (let dj = 0; dj < f; dj++)
        for (let di = 0; di < f; di++) {
          const [x, y] = [I * f + di - px, J * f + dj - py];
          s += x >= 0 && x < w && y >= 0 && y < h ? src[x + w * y] : NaN;
        }
      out.push(Number.isFinite(s) ? s / (f * f) : NaN);
    }
  return out;
}

describe('binPixels', () => {
  it('2×2 means of [1 2; 3 4] is 2.5', () => {
    expect(Array.from(binPixels(new Float32Array([1, 2, 3, 4]), 2, 2, 2))).toEqual([2.5]);
  });

  for (const [w, h, f, phase] of [[9, 7, 2, [0, 0]], [9, 7, 2, [1, 1]], [10, 6, 2, [1, 0]], [11, 8, 3, [2, 1]], [6, 6, 3, [0, 0]]] as const) {
    it(`${w}×${h} by ${f}, phase ${phase}: matches the block means, blank blocks NaN`, () => {
      const rand = rng(w * 100 + h);
      const src = new Float32Array(w * h).map(() => rand() * 100);
      src[3] = NaN;
      src[w * 2 + 5] = Infinity;
      const got = Array.from(binPixels(src, w, h, f, undefined, [phase[0], phase[1]]));
      const want = reference(src, w, h, f, [phase[0], phase[1]]);
      expect(got.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) {
        if (Number.isNaN(want[k])) expect(got[k]).toBeNaN();
        else expect(got[k]).toBeCloseTo(want[k], 9);
      }
      // The same values from Float64 input and into a reused, larger array.
      const out = new Float64Array(want.length + 5).fill(7);
      const again = binPixels(Float64Array.from(src), w, h, f, out, [phase[0], phase[1]]);
      expect(again.buffer).toBe(out.buffer);
      for (let k = 0; k < want.length; k++) expect(Object.is(again[k], got[k]) || Math.abs(again[k] - got[k]) < 1e-9).toBe(true);
    });
  }

  it('refuses a phase outside 0 … factor − 1', () => {
    expect(() => binPixels(new Float32Array(6), 3, 2, 2, undefined, [2, 0])).toThrow(RangeError);
    expect(() => binPixels(new Float32Array(6), 3, 2, 2, undefined, [0, -1])).toThrow(RangeError);
  });
});

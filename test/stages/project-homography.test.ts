// The homography path of project's corner grid (src/stages/project-homography.ts): it takes a
// projective map, reproducing it to rounding, and refuses one that is not (to 1e-3 of the tolerance).
import { describe, expect, it } from 'vitest';
import { homographyCorners, squareToQuad } from '../../src/stages/project-homography.js';
import { interpolateCorners, type ExactCornerMap } from '../../src/stages/project-grid.js';

const mapOf = (f: (i: number, j: number) => [number, number]): ExactCornerMap => (ci, cj, n, x, y) => {
  for (let k = 0; k < n; k++) [x[k], y[k]] = f(ci[k], cj[k]);
};
const projective = (i: number, j: number): [number, number] => {
  const w = 1 + 1e-4 * i - 2e-4 * j;
  return [(3 + 0.9 * i + 0.1 * j) / w, (-2 - 0.1 * i + 1.1 * j) / w];
};

describe('project homography corners', () => {
  it('squareToQuad takes the unit square to the quad', () => {
    const qx = [2, 10, 11, 1];
    const qy = [1, 1.5, 9, 8];
    const m = squareToQuad(qx, qy)!;
    [[0, 0], [1, 0], [1, 1], [0, 1]].forEach(([u, v], k) => {
      const w = m.g * u + (m.h * v + 1);
      expect((m.a * u + (m.b * v + m.c)) / w).toBeCloseTo(qx[k], 12);
      expect((m.d * u + (m.e * v + m.f)) / w).toBeCloseTo(qy[k], 12);
    });
    expect(squareToQuad([0, 1, 2, 3], [0, 1, 2, 3])).toBeUndefined();
  });

  it('reproduces a projective map at every corner, and interpolateCorners takes it when asked', () => {
    const [cw, ch] = [41, 29];
    const out = { cornerX: new Float64Array(cw * ch), cornerY: new Float64Array(cw * ch), state: new Uint8Array(cw * ch).fill(1) };
    expect(homographyCorners(cw, ch, 1e-4, mapOf(projective), out)).toBe(13);
    for (let j = 0; j < ch; j++)
      for (let i = 0; i < cw; i++) {
        const [x, y] = projective(i, j);
        expect(Math.abs(out.cornerX[i + cw * j] - x)).toBeLessThan(1e-10);
        expect(Math.abs(out.cornerY[i + cw * j] - y)).toBeLessThan(1e-10);
      }
    expect(out.state.every((s) => s === 0)).toBe(true);
    expect(interpolateCorners(cw, ch, mapOf(projective), { homography: true }).exactCount).toBe(13);
    expect(interpolateCorners(cw, ch, mapOf(projective)).exactCount).toBeGreaterThan(13);
  });

  it('refuses a map 4e-6 px from projective (the grid then takes it, to its tolerance), and grids under 5 × 5', () => {
    const [cw, ch] = [41, 29];
    const curved = (i: number, j: number): [number, number] => [i + (4e-6 * i * (40 - i)) / 400, j];
    const out = { cornerX: new Float64Array(cw * ch), cornerY: new Float64Array(cw * ch), state: new Uint8Array(cw * ch) };
    expect(homographyCorners(cw, ch, 1e-4, mapOf(curved), out)).toBeUndefined();
    const g = interpolateCorners(cw, ch, mapOf(curved), { homography: true });
    expect(g.exactCount).toBeGreaterThan(13);
    expect(Math.abs(g.cornerX[20 + cw * 10] - curved(20, 10)[0])).toBeLessThan(1e-4);
    const small = { cornerX: new Float64Array(16), cornerY: new Float64Array(16), state: new Uint8Array(16) };
    expect(homographyCorners(4, 4, 1e-4, mapOf(projective), small)).toBeUndefined();
  });
});

/**
 * mDiff's pixel work — the TypeScript twin of `crates/mosaic-core/src/diff.rs` (bit-identical:
 * same operations, same order). See `diffPixels` in ./index.ts for the contract.
 */

/** A projected image placed on the mosaic grid. */
export interface DiffInput {
  value: ArrayLike<number>;
  area: ArrayLike<number>;
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** Where the valid pixels of a difference lie in its box, and how many there are. */
export interface DiffCrop {
  i0: number;
  j0: number;
  width: number;
  height: number;
  npixel: number;
}

/** diff.rs `diff_images` (arguments trusted). */
export function diffPixelsTs(
  plus: DiffInput, minus: DiffInput, xa: number, ya: number, w: number, h: number,
  factor: number, tol: number, noAreas: boolean, outValue: Float64Array, outArea: Float64Array,
): DiffCrop | null {
  const v = new Float64Array(w * h).fill(NaN);
  const ar = new Float64Array(w * h);
  let s1 = 0;
  let n1 = 0;
  let s2 = 0;
  let n2 = 0;
  for (let y = ya; y < ya + h; y++)
    for (let x = xa; x < xa + w; x++) {
      const i1 = x - plus.x0 + plus.width * (y - plus.y0);
      const i2 = x - minus.x0 + minus.width * (y - minus.y0);
      const a1 = noAreas ? 1 : plus.area[i1];
      const v1 = plus.value[i1];
      if (!(a1 > 0) || Number.isNaN(v1)) continue;
      s1 += a1;
      n1++;
      const a2 = noAreas ? 1 : minus.area[i2];
      const v2 = minus.value[i2];
      if (!(a2 > 0) || Number.isNaN(v2)) continue;
      const o = x - xa + w * (y - ya);
      v[o] = v1 * a1 - factor * v2 * a2;
      ar[o] = a1 + a2;
      s2 += a2;
      n2++;
    }
  if (n2 === 0) return null;
  const areaMean = s1 / n1 + s2 / n2;
  let bx0 = w;
  let bx1 = -1;
  let by0 = h;
  let by1 = -1;
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const o = i + w * j;
      if (!(ar[o] > 0) || Math.abs(ar[o] - areaMean) / areaMean > tol) {
        v[o] = NaN;
        ar[o] = 0;
        continue;
      }
      v[o] = (2 * v[o]) / ar[o];
      if (i < bx0) bx0 = i;
      if (i > bx1) bx1 = i;
      if (j < by0) by0 = j;
      if (j > by1) by1 = j;
    }
  if (bx1 < 0) return null;
  const cw = bx1 - bx0 + 1;
  const ch = by1 - by0 + 1;
  let npixel = 0;
  for (let j = 0; j < ch; j++)
    for (let i = 0; i < cw; i++) {
      const src = bx0 + i + w * (by0 + j);
      outValue[i + cw * j] = v[src];
      outArea[i + cw * j] = ar[src];
      if (ar[src] > 0) npixel++;
    }
  return { i0: bx0, j0: by0, width: cw, height: ch, npixel };
}

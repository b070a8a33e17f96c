/** Seeded generator for kernel tests (mulberry32), so every run sees the same inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Corner grid for x_in = s·R(θ)·(x_out, y_out) + (tx, ty) (see reprojectExact's cornerX). */
export function affineCorners(
  outW: number, outH: number, scale: number, theta: number, tx: number, ty: number,
): { cornerX: Float64Array; cornerY: Float64Array } {
  const cornerX = new Float64Array((outW + 1) * (outH + 1));
  const cornerY = new Float64Array(cornerX.length);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  for (let j = 0; j <= outH; j++) {
    for (let i = 0; i <= outW; i++) {
      const x = i - 0.5;
      const y = j - 0.5;
      cornerX[i + (outW + 1) * j] = scale * (c * x - s * y) + tx;
      cornerY[i + (outW + 1) * j] = scale * (s * x + c * y) + ty;
    }
  }
  return { cornerX, cornerY };
}

/** Area of output pixel (i, j)'s quad by the shoelace formula. */
export function quadArea(cx: Float64Array, cy: Float64Array, outW: number, i: number, j: number): number {
  const s = outW + 1;
  const idx = [i + s * j, i + 1 + s * j, i + 1 + s * (j + 1), i + s * (j + 1)];
  let a = 0;
  for (let k = 0; k < 4; k++) {
    const p = idx[k];
    const q = idx[(k + 1) % 4];
    a += cx[p] * cy[q] - cx[q] * cy[p];
  }
  return Math.abs(0.5 * a);
}

/** Bitwise equality of two float arrays (NaN == NaN). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/**
 * Interpolating resampling at arbitrary input positions — the TypeScript twin of
 * `crates/mosaic-core/src/resample.rs` (same arithmetic; Lanczos weights use Math.sin, so
 * they may differ from Rust's sin in the last bit).
 *
 * Positions are input 0-based pixel coordinates; outside the footprint
 * `[-0.5, w-0.5] × [-0.5, h-0.5]` (or NaN) → NaN. Non-finite samples are blank: nearest
 * and bilinear give NaN when a blank sample has non-zero weight; Lanczos-3 renormalises
 * over finite taps. Reference: Burger & Burge, Principles of Digital Image Processing
 * vol. 3, ch. 10; SWarp's LANCZOS3.
 */
import type { SampleArray } from './reproject-exact.js';

/** Interpolation kernel. */
export type ResampleMethod = 'nearest' | 'bilinear' | 'lanczos3';

/** The method names accepted, in the native binding's order. */
export const RESAMPLE_METHODS: readonly ResampleMethod[] = ['nearest', 'bilinear', 'lanczos3'];

const clampIndex = (k: number, n: number): number => Math.min(Math.max(k, 0), n - 1);

/** Lanczos-3 weight at offset `d` (exactly 1 at 0, exactly 0 at other integers and beyond ±3). */
export function lanczos3Weight(d: number): number {
  if (d === 0) return 1;
  if (d <= -3 || d >= 3 || d === Math.round(d)) return 0;
  const pd = Math.PI * d;
  return (3 * Math.sin(pd) * Math.sin(pd / 3)) / (pd * pd);
}

/** Sample `src` at `(x[n], y[n])` into `out[n]` (arguments trusted; see `resample` in ./index.ts). */
export function resampleTs(
  src: SampleArray, w: number, h: number, x: Float64Array, y: Float64Array, method: ResampleMethod, out: Float64Array,
): void {
  const wx = new Float64Array(6);
  const wy = new Float64Array(6);
  for (let n = 0; n < x.length; n++) {
    const px = x[n];
    const py = y[n];
    if (!(px >= -0.5 && px <= w - 0.5 && py >= -0.5 && py <= h - 0.5)) {
      out[n] = NaN;
    } else if (method === 'nearest') {
      const v = src[clampIndex(Math.floor(px + 0.5), w) + w * clampIndex(Math.floor(py + 0.5), h)];
      out[n] = v - v === 0 ? v : NaN;
    } else if (method === 'bilinear') {
      out[n] = bilinear(src, w, h, px, py);
    } else {
      out[n] = lanczos3(src, w, h, px, py, wx, wy);
    }
  }
}

function bilinear(src: SampleArray, w: number, h: number, x: number, y: number): number {
  const xf = Math.floor(x);
  const yf = Math.floor(y);
  const fx = x - xf;
  const fy = y - yf;
  const k0 = clampIndex(xf, w);
  const k1 = clampIndex(xf + 1, w);
  const l0 = clampIndex(yf, h);
  const l1 = clampIndex(yf + 1, h);
  const ks = [k0, k1, k0, k1];
  const ls = [l0, l0, l1, l1];
  const ws = [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy];
  let sum = 0;
  for (let t = 0; t < 4; t++) {
    if (ws[t] !== 0) {
      const v = src[ks[t] + w * ls[t]];
      if (v - v !== 0) return NaN;
      sum += ws[t] * v;
    }
  }
  return sum;
}

function lanczos3(src: SampleArray, w: number, h: number, x: number, y: number, wx: Float64Array, wy: Float64Array): number {
  const xf = Math.floor(x);
  const yf = Math.floor(y);
  for (let t = 0; t < 6; t++) {
    const off = t - 2;
    wx[t] = lanczos3Weight(x - (xf + off));
    wy[t] = lanczos3Weight(y - (yf + off));
  }
  let sumV = 0;
  let sumW = 0;
  for (let ty = 0; ty < 6; ty++) {
    const l = yf + ty - 2;
    if (wy[ty] === 0 || l < 0 || l > h - 1) continue;
    const row = l * w;
    for (let tx = 0; tx < 6; tx++) {
      const k = xf + tx - 2;
      if (wx[tx] === 0 || k < 0 || k > w - 1) continue;
      const v = src[row + k];
      if (v - v === 0) {
        const wt = wx[tx] * wy[ty];
        sumV += wt * v;
        sumW += wt;
      }
    }
  }
  return Math.abs(sumW) > 1e-12 ? sumV / sumW : NaN;
}

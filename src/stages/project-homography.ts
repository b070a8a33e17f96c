/**
 * `project`'s corner grid from one plane-to-plane homography, where the template → input map
 * is one: between two gnomonic (TAN) projections without distortion it is, exactly (both are
 * central projections of the sphere onto planes, and a change of celestial frame is a
 * rotation about the centre; the property Montage's mProjectPP rests on). Fitted through the
 * exact images of the grid's four corners (Heckbert's square-to-quad form) and used only where
 * it reproduces the exact map at a 3 × 3 set of inner corners to a thousandth of the grid's
 * tolerance; then every corner comes from it, with no refinement and no trigonometry.
 * Rust twin: `crates/mosaic-core/src/homography.rs` (same operations).
 *
 * Reference: P. Heckbert, "Fundamentals of Texture Mapping and Image Warping" (1989), §2.2.3.
 */
import type { ExactCornerMap } from './project-grid.js';

/** (u, v) ∈ [0, 1]² ↦ ((a·u + b·v + c) / w, (d·u + e·v + f) / w), w = g·u + h·v + 1. */
export interface SquareToQuad {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
  g: number;
  h: number;
}

/** The homography taking (0, 0), (1, 0), (1, 1), (0, 1) to the quad's corners in turn; undefined when degenerate. */
export function squareToQuad(qx: ArrayLike<number>, qy: ArrayLike<number>): SquareToQuad | undefined {
  const [x0, x1, x2, x3] = [qx[0], qx[1], qx[2], qx[3]];
  const [y0, y1, y2, y3] = [qy[0], qy[1], qy[2], qy[3]];
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  const [dx1, dx2, dy1, dy2] = [x1 - x2, x3 - x2, y1 - y2, y3 - y2];
  const den = dx1 * dy2 - dx2 * dy1;
  if (!(Math.abs(den) > 0)) return undefined;
  const g = (sx * dy2 - dx2 * sy) / den;
  const h = (dx1 * sy - sx * dy1) / den;
  return { a: x1 - x0 + g * x1, b: x3 - x0 + h * x3, c: x0, d: y1 - y0 + g * y1, e: y3 - y0 + h * y3, f: y0, g, h };
}

/** Fraction of the grid's tolerance the homography must meet at its check corners. */
const CHECK_FRACTION = 1e-3;

/**
 * The corner grid from one homography when the map is one (see the module comment): the
 * corners mapped exactly (13), with `cornerX`, `cornerY` filled and `state` cleared; or
 * undefined (the arrays possibly written) when the grid is smaller than 5 × 5, a corner is off
 * the map, or a check misses CHECK_FRACTION · tol.
 */
export function homographyCorners(
  cw: number, ch: number, tol: number, exact: ExactCornerMap,
  out: { cornerX: Float64Array; cornerY: Float64Array; state: Uint8Array },
): number | undefined {
  if (cw < 5 || ch < 5) return undefined;
  const [wn, hn] = [cw - 1, ch - 1];
  const checksI = [Math.floor(wn / 4), Math.floor(wn / 2), Math.floor((3 * wn) / 4)];
  const checksJ = [Math.floor(hn / 4), Math.floor(hn / 2), Math.floor((3 * hn) / 4)];
  // One batch: the four corners, then the nine checks.
  const ci = new Float64Array(13);
  const cj = new Float64Array(13);
  [[0, 0], [wn, 0], [wn, hn], [0, hn]].forEach(([i, j], k) => ((ci[k] = i), (cj[k] = j)));
  let k = 4;
  for (const j of checksJ) for (const i of checksI) ((ci[k] = i), (cj[k] = j), k++);
  const ex = new Float64Array(13);
  const ey = new Float64Array(13);
  exact(ci, cj, 13, ex, ey);
  for (let q = 0; q < 4; q++) if (!(Number.isFinite(ex[q]) && Number.isFinite(ey[q]))) return undefined;
  const m = squareToQuad(ex, ey);
  // w is linear and 1 at (0, 0): positive at the other three corners, it is so inside.
  if (!m || !(m.g + 1 > 0 && m.g + (m.h + 1) > 0 && m.h + 1 > 0)) return undefined;
  const [su, sv] = [1 / wn, 1 / hn];
  const limit = CHECK_FRACTION * tol;
  for (let q = 4; q < 13; q++) {
    const [u, v] = [ci[q] * su, cj[q] * sv];
    const w = m.g * u + (m.h * v + 1);
    const hx = (m.a * u + (m.b * v + m.c)) / w;
    const hy = (m.d * u + (m.e * v + m.f)) / w;
    if (!(Math.abs(hx - ex[q]) <= limit && Math.abs(hy - ey[q]) <= limit)) return undefined;
  }
  const us = new Float64Array(cw);
  for (let i = 0; i < cw; i++) us[i] = i * su;
  const { cornerX, cornerY, state } = out;
  for (let j = 0; j < ch; j++) {
    const v = j * sv;
    const bv = m.b * v + m.c;
    const ev = m.e * v + m.f;
    const hv = m.h * v + 1;
    const row = j * cw;
    for (let i = 0; i < cw; i++) {
      const u = us[i];
      const w = m.g * u + hv;
      cornerX[row + i] = (m.a * u + bv) / w;
      cornerY[row + i] = (m.d * u + ev) / w;
    }
  }
  state.fill(0);
  return 13;
}

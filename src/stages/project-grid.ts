/**
 * Fast corner mapping for `project`: the output-pixel corners are mapped exactly only on a
 * coarse grid and interpolated bilinearly in between, with every grid cell checked against
 * the exact transform and refined where the interpolation is not good enough.
 *
 * Reference: SWarp (Bertin et al. 2002, ASP Conf. Ser. 281, 228), which resamples through an
 * interpolated pixel mapping that it checks against the exact one. Here:
 * 1. corners on a grid every `step` corners (and the last row/column) are mapped exactly;
 * 2. each cell is checked at its centre and the midpoints of its four edges (themselves
 *    corners, so the exact values are kept); where bilinear interpolation from the cell's
 *    four nodes misses any of them by more than `tolPx` input pixels, or any value is NaN
 *    (off a projection, near a boundary), the cell is split in four and checked again, down
 *    to cells whose corners are all mapped exactly;
 * 3. the accepted cells are filled by bilinear interpolation.
 * The unit sky vectors of the corners (for the output pixels' solid angles) are interpolated
 * on the same cells; over a 16-pixel cell of arcsecond pixels their error is ~1e-9 relative.
 */

/**
 * Exact mapping of a batch of corners: for k < n, corner (ci[k], cj[k]) (0-based corner
 * indices in the box) → input pixel position (0-based) in inX[k], inY[k] (NaN when off a
 * projection), and the unit vector of the corner's sky position in unit[3k … 3k+2].
 */
export type ExactCornerMap = (
  ci: Float64Array,
  cj: Float64Array,
  n: number,
  inX: Float64Array,
  inY: Float64Array,
  unit: Float64Array,
) => void;

/** Options of {@link interpolateCorners}. */
export interface CornerGridOptions {
  /** Corners between exactly mapped grid nodes, ≥ 2; default 16. */
  step?: number;
  /** Largest accepted interpolation error in input pixels, per axis; default 1e-4. */
  tolPx?: number;
}

/** What {@link interpolateCorners} returns: full corner arrays plus how many corners it mapped exactly. */
export interface CornerGrid {
  /** Input 0-based x of corner (i, j) at index i + cw·j. */
  cornerX: Float64Array;
  cornerY: Float64Array;
  /** Unit sky vector of corner (i, j) at 3·(i + cw·j). */
  unit: Float64Array;
  /** Corners mapped with the exact transform (nodes, checks and refined cells). */
  exactCount: number;
}

export const DEFAULT_GRID_STEP = 16;
export const DEFAULT_GRID_TOL_PX = 1e-4;

/**
 * Map a cw × ch corner grid through `exact` on a checked, refined coarse grid (see the
 * module comment). Every returned corner is either exact or agrees with the exact mapping
 * to `tolPx` at the checked points of its cell.
 * @throws RangeError when step < 2 or tolPx is not positive.
 */
export function interpolateCorners(cw: number, ch: number, exact: ExactCornerMap, opts: CornerGridOptions = {}): CornerGrid {
  const step = opts.step ?? DEFAULT_GRID_STEP;
  const tol = opts.tolPx ?? DEFAULT_GRID_TOL_PX;
  if (!(step >= 2) || !Number.isInteger(step)) throw new RangeError(`Expected integer >= 2 for step but received ${step}`);
  if (!(tol > 0)) throw new RangeError(`Expected positive number for tolPx but received ${tol}`);
  const total = cw * ch;
  const cornerX = new Float64Array(total);
  const cornerY = new Float64Array(total);
  const unit = new Float64Array(3 * total);
  // 0 = not mapped, 1 = queued for the next exact batch, 2 = exact.
  const state = new Uint8Array(total);
  const batch = new Batch(exact, cornerX, cornerY, unit, state);

  // Grid nodes: every `step` corners plus the last row/column.
  const nodesI = gridLines(cw, step);
  const nodesJ = gridLines(ch, step);
  for (const j of nodesJ) for (const i of nodesI) batch.add(i + cw * j);
  batch.flush(cw);

  // Cells as flat (i0, j0, i1, j1) quadruples; only cells with interior corners need work.
  let cells: number[] = [];
  for (let b = 0; b + 1 < nodesJ.length; b++)
    for (let a = 0; a + 1 < nodesI.length; a++) cells.push(nodesI[a], nodesJ[b], nodesI[a + 1], nodesJ[b + 1]);
  while (cells.length > 0) {
    // Map the check points of every cell at this level in one batch.
    for (let c = 0; c < cells.length; c += 4) {
      const [i0, j0, i1, j1] = [cells[c], cells[c + 1], cells[c + 2], cells[c + 3]];
      const mi = (i0 + i1) >> 1;
      const mj = (j0 + j1) >> 1;
      batch.add(mi + cw * mj);
      batch.add(mi + cw * j0);
      batch.add(mi + cw * j1);
      batch.add(i0 + cw * mj);
      batch.add(i1 + cw * mj);
    }
    batch.flush(cw);
    const next: number[] = [];
    for (let c = 0; c < cells.length; c += 4) {
      const i0 = cells[c];
      const j0 = cells[c + 1];
      const i1 = cells[c + 2];
      const j1 = cells[c + 3];
      if (i1 - i0 <= 1 && j1 - j0 <= 1) continue; // every corner is a node: all exact
      const mi = (i0 + i1) >> 1;
      const mj = (j0 + j1) >> 1;
      const cell = { i0, j0, i1, j1 };
      const ok =
        agrees(cell, mi, mj, cw, cornerX, cornerY, tol) &&
        agrees(cell, mi, j0, cw, cornerX, cornerY, tol) &&
        agrees(cell, mi, j1, cw, cornerX, cornerY, tol) &&
        agrees(cell, i0, mj, cw, cornerX, cornerY, tol) &&
        agrees(cell, i1, mj, cw, cornerX, cornerY, tol);
      if (ok) {
        fillCell(cell, cw, cornerX, cornerY, unit, state);
        continue;
      }
      // Split in four (or in two along a side one corner wide); the split lines are the
      // check points just mapped, so every sub-cell's nodes are already exact.
      const is = i1 - i0 >= 2 ? [i0, mi, i1] : [i0, i1];
      const js = j1 - j0 >= 2 ? [j0, mj, j1] : [j0, j1];
      for (let b = 0; b + 1 < js.length; b++) for (let a = 0; a + 1 < is.length; a++) next.push(is[a], js[b], is[a + 1], js[b + 1]);
    }
    cells = next;
  }
  return { cornerX, cornerY, unit, exactCount: batch.count };
}

/** 0, step, 2·step, …, n − 1 (always including both ends). */
function gridLines(n: number, step: number): number[] {
  const lines: number[] = [];
  for (let k = 0; k < n - 1; k += step) lines.push(k);
  lines.push(n - 1);
  return lines;
}

interface Cell {
  i0: number;
  j0: number;
  i1: number;
  j1: number;
}

/** Bilinear interpolation of `a` at corner (i, j) from the four nodes of `c`. */
function bilinear(a: Float64Array, c: Cell, i: number, j: number, cw: number): number {
  const u = c.i1 === c.i0 ? 0 : (i - c.i0) / (c.i1 - c.i0);
  const v = c.j1 === c.j0 ? 0 : (j - c.j0) / (c.j1 - c.j0);
  const r0 = cw * c.j0;
  const r1 = cw * c.j1;
  const bottom = a[r0 + c.i0] + u * (a[r0 + c.i1] - a[r0 + c.i0]);
  const top = a[r1 + c.i0] + u * (a[r1 + c.i1] - a[r1 + c.i0]);
  return bottom + v * (top - bottom);
}

/** Whether interpolation reproduces the exact corner (i, j) to tol (false for any NaN). */
function agrees(c: Cell, i: number, j: number, cw: number, x: Float64Array, y: Float64Array, tol: number): boolean {
  const k = i + cw * j;
  // NaN compares false, so a NaN node or check point fails the test.
  return Math.abs(bilinear(x, c, i, j, cw) - x[k]) <= tol && Math.abs(bilinear(y, c, i, j, cw) - y[k]) <= tol;
}

/** Fill the corners of an accepted cell that were not mapped exactly. */
function fillCell(c: Cell, cw: number, x: Float64Array, y: Float64Array, unit: Float64Array, state: Uint8Array): void {
  const { i0, j0, i1, j1 } = c;
  const du = 1 / (i1 - i0);
  const dv = 1 / (j1 - j0);
  const k00 = i0 + cw * j0;
  const k10 = i1 + cw * j0;
  const k01 = i0 + cw * j1;
  const k11 = i1 + cw * j1;
  for (let j = j0; j <= j1; j++) {
    const v = (j - j0) * dv;
    for (let i = i0; i <= i1; i++) {
      const k = i + cw * j;
      if (state[k] === 2) continue;
      const u = (i - i0) * du;
      const w00 = (1 - u) * (1 - v);
      const w10 = u * (1 - v);
      const w01 = (1 - u) * v;
      const w11 = u * v;
      x[k] = w00 * x[k00] + w10 * x[k10] + w01 * x[k01] + w11 * x[k11];
      y[k] = w00 * y[k00] + w10 * y[k10] + w01 * y[k01] + w11 * y[k11];
      for (let d = 0; d < 3; d++)
        unit[3 * k + d] = w00 * unit[3 * k00 + d] + w10 * unit[3 * k10 + d] + w01 * unit[3 * k01 + d] + w11 * unit[3 * k11 + d];
    }
  }
}

/** Collects corners to map exactly and maps them in one vectorised call. */
class Batch {
  count = 0;
  private idx: number[] = [];
  constructor(
    private readonly exact: ExactCornerMap,
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly unit: Float64Array,
    private readonly state: Uint8Array,
  ) {}

  /** Queue corner k unless it is already exact or queued. */
  add(k: number): void {
    if (this.state[k] !== 0) return;
    this.state[k] = 1;
    this.idx.push(k);
  }

  /** Map every queued corner exactly and store the results. */
  flush(cw: number): void {
    const n = this.idx.length;
    if (n === 0) return;
    const ci = new Float64Array(n);
    const cj = new Float64Array(n);
    for (let m = 0; m < n; m++) {
      const k = this.idx[m];
      ci[m] = k % cw;
      cj[m] = (k - ci[m]) / cw;
    }
    const bx = new Float64Array(n);
    const by = new Float64Array(n);
    const bu = new Float64Array(3 * n);
    this.exact(ci, cj, n, bx, by, bu);
    for (let m = 0; m < n; m++) {
      const k = this.idx[m];
      this.x[k] = bx[m];
      this.y[k] = by[m];
      this.unit[3 * k] = bu[3 * m];
      this.unit[3 * k + 1] = bu[3 * m + 1];
      this.unit[3 * k + 2] = bu[3 * m + 2];
      this.state[k] = 2;
    }
    this.count += n;
    this.idx = [];
  }
}

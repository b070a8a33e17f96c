/**
 * Fast corner mapping for `project`: the output-pixel corners are mapped exactly only on a
 * coarse grid and interpolated bilinearly in between, with every grid cell checked against
 * the exact transform and refined where the interpolation is not good enough.
 *
 * Reference: SWarp (Bertin et al. 2002, ASP Conf. Ser. 281, 228), which resamples through an
 * interpolated pixel mapping that it checks against the exact one. Here:
 * 1. corners on a grid every `step` corners (and the last row/column) are mapped exactly;
 * 2. each cell is mapped exactly at its 3 × 3 nodes (corners, edge midpoints, centre) and
 *    interpolated biquadratically from them; it is checked at the centres of its four
 *    quadrants (themselves corners, so the exact values are kept). Where the interpolation
 *    misses a check by more than `tolPx` input pixels, or any value is NaN (off a projection,
 *    near a boundary), the cell is split into its quadrants and checked again, down to cells
 *    whose corners are all mapped exactly;
 * 3. the accepted cells are filled by biquadratic interpolation.
 * Biquadratic rather than SWarp's bilinear: its error is third order in the cell size, so
 * distorted (SIP) inputs stay on a coarse grid instead of being refined to exact.
 */
import { fillCornerCells } from '../kernels/index.js';
import { homographyCorners } from './project-homography.js';

/**
 * Exact mapping of a batch of corners: for k < n, corner (ci[k], cj[k]) (0-based corner
 * indices in the box) → input pixel position (0-based) in inX[k], inY[k] (NaN when off a
 * projection).
 */
export type ExactCornerMap = (ci: Float64Array, cj: Float64Array, n: number, inX: Float64Array, inY: Float64Array) => void;

/** Options of {@link interpolateCorners}. */
export interface CornerGridOptions {
  /** Corners between exactly mapped grid nodes, ≥ 2; default 16. */
  step?: number;
  /** Largest accepted interpolation error in input pixels, per axis; default 1e-4. */
  tolPx?: number;
  /**
   * Arrays to work in instead of allocating, each of length cw·ch: `cornerX`/`cornerY` are
   * returned filled; `state` (0 = not mapped, 1 = queued, 2 = exact) is cleared first and
   * left saying which corners were mapped exactly.
   */
  buffers?: { cornerX: Float64Array; cornerY: Float64Array; state: Uint8Array };
  /**
   * The map is expected to be a homography (both WCSs gnomonic, no distortion): it is tried
   * first, checked (project-homography.ts), before the grid.
   */
  homography?: boolean;
}

/** What {@link interpolateCorners} returns: full corner arrays plus how many corners it mapped exactly. */
export interface CornerGrid {
  /** Input 0-based x of corner (i, j) at index i + cw·j. */
  cornerX: Float64Array;
  cornerY: Float64Array;
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
  const buf = opts.buffers;
  if (buf && (buf.cornerX.length !== total || buf.cornerY.length !== total || buf.state.length !== total)) {
    throw new RangeError(`Expected buffers of length ${cw}*${ch} for buffers but received ${buf.cornerX.length}, ${buf.cornerY.length}, ${buf.state.length}`);
  }
  // Every corner is written below (exactly, or by the fill of its accepted cell).
  const cornerX = buf?.cornerX ?? new Float64Array(total);
  const cornerY = buf?.cornerY ?? new Float64Array(total);
  // 0 = not mapped, 1 = queued for the next exact batch, 2 = exact.
  const state = buf ? buf.state.fill(0) : new Uint8Array(total);
  if (opts.homography) {
    const exactCount = homographyCorners(cw, ch, tol, exact, { cornerX, cornerY, state });
    if (exactCount !== undefined) return { cornerX, cornerY, exactCount };
  }
  const batch = new Batch(exact, cornerX, cornerY, state);

  // Grid nodes: every `step` corners plus the last row/column.
  const nodesI = gridLines(cw, step);
  const nodesJ = gridLines(ch, step);
  for (const j of nodesJ) for (const i of nodesI) batch.add(i + cw * j);
  batch.flush(cw);

  // Cells as flat (i0, j0, i1, j1) quadruples.
  let cells: number[] = [];
  for (let b = 0; b + 1 < nodesJ.length; b++)
    for (let a = 0; a + 1 < nodesI.length; a++) cells.push(nodesI[a], nodesJ[b], nodesI[a + 1], nodesJ[b + 1]);
  const wi = new Float64Array(3 * (step + 1));
  const wj = new Float64Array(3);
  const accepted: CellGeometry[] = [];
  while (cells.length > 0) {
    // Map the nodes and check points of every cell at this level in one batch.
    const level: CellGeometry[] = [];
    for (let c = 0; c < cells.length; c += 4) {
      const g = cellGeometry(cells[c], cells[c + 1], cells[c + 2], cells[c + 3]);
      level.push(g);
      for (const j of g.nj) for (const i of g.ni) batch.add(i + cw * j);
      for (const j of g.cj) for (const i of g.ci) batch.add(i + cw * j);
    }
    batch.flush(cw);
    const next: number[] = [];
    for (const g of level) {
      if (g.allNodes) continue;
      let ok = true;
      for (const j of g.cj) {
        lagrange(g.nj, j, wj, 0);
        for (const i of g.ci) {
          lagrange(g.ni, i, wi, 0);
          const k = i + cw * j;
          // NaN compares false, so a NaN node or check point fails the test.
          if (!(Math.abs(interpolate(cornerX, g, wi, 0, wj, cw, 1, 0) - cornerX[k]) <= tol)) ok = false;
          else if (!(Math.abs(interpolate(cornerY, g, wi, 0, wj, cw, 1, 0) - cornerY[k]) <= tol)) ok = false;
        }
      }
      if (ok) {
        accepted.push(g);
        continue;
      }
      // Split into quadrants (halves where a side is one corner wide): their corners are
      // this cell's nodes, already exact.
      const is = g.ni;
      const js = g.nj;
      for (let b = 0; b + 1 < js.length; b++) for (let a = 0; a + 1 < is.length; a++) next.push(is[a], js[b], is[a + 1], js[b + 1]);
    }
    cells = next;
  }
  fillAccepted(accepted, cw, ch, cornerX, cornerY, state);
  return { cornerX, cornerY, exactCount: batch.count };
}

/** 0, step, 2·step, …, n − 1 (always including both ends; [0] when n = 1). */
export function gridLines(n: number, step: number): number[] {
  const lines: number[] = [];
  for (let k = 0; k < n - 1; k += step) lines.push(k);
  if (lines[lines.length - 1] !== n - 1) lines.push(n - 1);
  return lines;
}

/**
 * Nodes and check points of a cell along each axis. A side with interior corners gets
 * nodes [start, middle, end] and, where it has corners between those, checks at the
 * quarter points; a side one corner wide gets nodes [start, end] and checks at the nodes.
 * `allNodes` when every corner of the cell is a node (mapped exactly, nothing to interpolate).
 */
interface CellGeometry {
  i0: number;
  j0: number;
  i1: number;
  j1: number;
  ni: number[];
  nj: number[];
  ci: number[];
  cj: number[];
  allNodes: boolean;
}

function axis(a: number, b: number): { nodes: number[]; checks: number[] } {
  if (b - a < 2) return { nodes: [a, b], checks: [a, b] };
  const m = (a + b) >> 1;
  const nodes = [a, m, b];
  const checks: number[] = [];
  for (const q of [(a + m) >> 1, (m + b + 1) >> 1]) if (q !== a && q !== m && q !== b && !checks.includes(q)) checks.push(q);
  return { nodes, checks: checks.length > 0 ? checks : nodes };
}

function cellGeometry(i0: number, j0: number, i1: number, j1: number): CellGeometry {
  const x = axis(i0, i1);
  const y = axis(j0, j1);
  // Every corner is a node when neither side has a corner left over.
  const allNodes = i1 - i0 + 1 <= x.nodes.length && j1 - j0 + 1 <= y.nodes.length;
  return { i0, j0, i1, j1, ni: x.nodes, nj: y.nodes, ci: x.checks, cj: y.checks, allNodes };
}

/** Lagrange weights of the 2 or 3 `nodes` at t, written to w[o … o+2] (unused slots 0). */
function lagrange(nodes: number[], t: number, w: Float64Array, o: number): void {
  if (nodes.length === 2) {
    const u = (t - nodes[0]) / (nodes[1] - nodes[0]);
    w[o] = 1 - u;
    w[o + 1] = u;
    w[o + 2] = 0;
    return;
  }
  const a = nodes[0];
  const m = nodes[1];
  const b = nodes[2];
  w[o] = ((t - m) * (t - b)) / ((a - m) * (a - b));
  w[o + 1] = ((t - a) * (t - b)) / ((m - a) * (m - b));
  w[o + 2] = ((t - a) * (t - m)) / ((b - a) * (b - m));
}

/**
 * Σ wi[p]·wj[q]·arr[stride·(node p, node q) + d]: the interpolant of component d of a
 * quantity stored with `stride` values per corner.
 */
function interpolate(arr: Float64Array, g: CellGeometry, wi: Float64Array, oi: number, wj: Float64Array, cw: number, stride: number, d: number): number {
  let sum = 0;
  for (let q = 0; q < g.nj.length; q++) {
    const row = cw * g.nj[q];
    let r = 0;
    for (let p = 0; p < g.ni.length; p++) r += wi[oi + p] * arr[stride * (row + g.ni[p]) + d];
    sum += wj[q] * r;
  }
  return sum;
}

/**
 * Fill the corners of the accepted cells that were not mapped exactly by biquadratic
 * interpolation of their nodes: the `fillCornerCells` kernel (native when loaded), with the
 * cells in acceptance order (which decides the value of corners shared between cells).
 */
function fillAccepted(
  cells: CellGeometry[],
  cw: number,
  ch: number,
  x: Float64Array,
  y: Float64Array,
  state: Uint8Array,
): void {
  const flat = new Int32Array(6 * cells.length);
  cells.forEach((g, c) => {
    flat[6 * c] = g.i0;
    flat[6 * c + 1] = g.j0;
    flat[6 * c + 2] = g.i1;
    flat[6 * c + 3] = g.j1;
    flat[6 * c + 4] = g.ni.length === 3 ? g.ni[1] : -1;
    flat[6 * c + 5] = g.nj.length === 3 ? g.nj[1] : -1;
  });
  fillCornerCells({ cells: flat, cw, ch, x, y, state });
}

/** Collects corners to map exactly and maps them in one vectorised call. */
class Batch {
  count = 0;
  private idx: number[] = [];
  constructor(
    private readonly exact: ExactCornerMap,
    private readonly x: Float64Array,
    private readonly y: Float64Array,
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
    this.exact(ci, cj, n, bx, by);
    for (let m = 0; m < n; m++) {
      const k = this.idx[m];
      this.x[k] = bx[m];
      this.y[k] = by[m];
      this.state[k] = 2;
    }
    this.count += n;
    this.idx = [];
  }
}

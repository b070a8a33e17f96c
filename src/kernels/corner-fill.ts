/**
 * Fill of the accepted cells of `project`'s checked corner grid — the TypeScript twin of
 * `crates/mosaic-core/src/corner_fill.rs` (bit-identical: same operations, same order).
 * Every corner of a cell that was not mapped exactly (`state[k] !== 2`) gets the
 * tensor-product Lagrange interpolant (biquadratic, or linear along a side with two nodes)
 * of the cell's exact nodes.
 * Reference: SWarp (Bertin et al. 2002, ASP Conf. Ser. 281, 228), checked interpolated mapping.
 *
 * Cells are 6 integers each: `i0, j0, i1, j1, mi, mj` (corner indices, inclusive); `mi`/`mj`
 * is the middle node column/row or −1 when that side has only its end nodes. Corners shared
 * by cells are written by each in turn, row by row and in cell order within a row; the last
 * write wins.
 */

/** Lagrange weights of the nodes [a, m, b] (or [a, b] when m < 0) at t, into w[o … o+2] (unused slot 0). */
function lagrange(a: number, m: number, b: number, t: number, w: Float64Array, o: number): void {
  if (m < 0) {
    const u = (t - a) / (b - a);
    w[o] = 1 - u;
    w[o + 1] = u;
    w[o + 2] = 0;
    return;
  }
  w[o] = ((t - m) * (t - b)) / ((a - m) * (a - b));
  w[o + 1] = ((t - a) * (t - b)) / ((m - a) * (m - b));
  w[o + 2] = ((t - a) * (t - m)) / ((b - a) * (b - m));
}

/** Fill the non-exact corners of `cells` in the cw × ch corner arrays (arguments trusted; see `fillCornerCells` in ./index.ts). */
export function fillCornerCellsTs(cells: Int32Array, cw: number, ch: number, x: Float64Array, y: Float64Array, state: Uint8Array): void {
  const nCells = cells.length / 6;
  // Column weights per cell, shared by cells of the same shape (only offsets from i0 matter).
  const colOff = new Int32Array(nCells);
  const shapes = new Map<number, number>();
  const chunks: Float64Array[] = [];
  let total = 0;
  for (let c = 0; c < nCells; c++) {
    const i0 = cells[6 * c];
    const i1 = cells[6 * c + 2];
    const mi = cells[6 * c + 4];
    const key = (i1 - i0) * 65536 + (mi < 0 ? 65535 : mi - i0);
    let off = shapes.get(key);
    if (off === undefined) {
      const w = new Float64Array(3 * (i1 - i0 + 1));
      for (let i = i0; i <= i1; i++) lagrange(i0, mi, i1, i, w, 3 * (i - i0));
      off = total;
      total += w.length;
      chunks.push(w);
      shapes.set(key, off);
    }
    colOff[c] = off;
  }
  const weights = new Float64Array(total);
  for (let k = 0, o = 0; k < chunks.length; o += chunks[k].length, k++) weights.set(chunks[k], o);
  // Cells by corner row, in cell order (a counting sort).
  const starts = new Int32Array(ch + 1);
  for (let c = 0; c < nCells; c++) for (let j = cells[6 * c + 1]; j <= cells[6 * c + 3]; j++) starts[j + 1]++;
  for (let j = 0; j < ch; j++) starts[j + 1] += starts[j];
  const byRow = new Int32Array(starts[ch]);
  const fill = starts.slice(0, ch);
  for (let c = 0; c < nCells; c++) for (let j = cells[6 * c + 1]; j <= cells[6 * c + 3]; j++) byRow[fill[j]++] = c;
  const wj = new Float64Array(3);
  const ni = [0, 0, 0];
  const nj = [0, 0, 0];
  for (let j = 0; j < ch; j++) {
    const row = cw * j;
    for (let e = starts[j]; e < starts[j + 1]; e++) {
      const g = 6 * byRow[e];
      const i0 = cells[g];
      const j0 = cells[g + 1];
      const i1 = cells[g + 2];
      const j1 = cells[g + 3];
      const mi = cells[g + 4];
      const mj = cells[g + 5];
      lagrange(j0, mj, j1, j, wj, 0);
      // Node columns/rows in use: the middle one only when present.
      const np = mi < 0 ? 2 : 3;
      const nq = mj < 0 ? 2 : 3;
      ni[0] = i0;
      ni[1] = mi < 0 ? i1 : mi;
      ni[2] = i1;
      nj[0] = j0;
      nj[1] = mj < 0 ? j1 : mj;
      nj[2] = j1;
      // x and y interpolated along j at node column p.
      let x0 = 0, x1 = 0, x2 = 0, y0 = 0, y1 = 0, y2 = 0;
      for (let q = 0; q < nq; q++) {
        const w = wj[q];
        const r = cw * nj[q];
        x0 += w * x[r + ni[0]];
        y0 += w * y[r + ni[0]];
        x1 += w * x[r + ni[1]];
        y1 += w * y[r + ni[1]];
        if (np === 3) {
          x2 += w * x[r + ni[2]];
          y2 += w * y[r + ni[2]];
        }
      }
      const o0 = colOff[byRow[e]] - 3 * i0;
      for (let i = i0; i <= i1; i++) {
        const k = row + i;
        if (state[k] === 2) continue;
        const o = o0 + 3 * i;
        const w0 = weights[o];
        const w1 = weights[o + 1];
        const w2 = weights[o + 2];
        x[k] = w0 * x0 + w1 * x1 + w2 * x2;
        y[k] = w0 * y0 + w1 * y1 + w2 * y2;
      }
    }
  }
}

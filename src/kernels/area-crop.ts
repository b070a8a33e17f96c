/**
 * The last step of `project`: crop the reprojected box to its covered pixels and turn
 * coverage into area (`coverage × Ω`, Ω interpolated bilinearly from exact samples or given
 * per pixel) without a box-sized Ω array — the TypeScript twin of
 * `crates/mosaic-core/src/area_crop.rs` (bit-identical: same operations, same order).
 * Reference: Montage mProject (Berriman et al. 2004): `_area` in steradians, output
 * shrink-wrapped to the non-blank pixels.
 */

/**
 * Bounds `[i0, i1, j0, j1]` (inclusive) of the pixels with coverage > 0 and a finite value in
 * a width × height box, written to `out`; `i1 = -1` when there is none (arguments trusted).
 */
export function coveredBoundsTs(value: Float64Array, coverage: Float64Array, width: number, height: number, out: Int32Array): void {
  let i0 = width;
  let i1 = -1;
  let j0 = height;
  let j1 = -1;
  const covered = (k: number) => coverage[k] > 0 && Number.isFinite(value[k]);
  for (let j = 0; j < height; j++) {
    const row = j * width;
    // In from both ends: the box hugs the footprint, so each scan stops within a few pixels.
    let first = 0;
    while (first < width && !covered(row + first)) first++;
    if (first === width) continue;
    let last = width - 1;
    while (!covered(row + last)) last--;
    if (first < i0) i0 = first;
    if (last > i1) i1 = last;
    if (j < j0) j0 = j;
    j1 = j;
  }
  out[0] = i0;
  out[1] = i1;
  out[2] = j0;
  out[3] = j1;
}

/** For each index from … from+n−1: the sample lines below and above it and the fraction between them. */
function axisWeights(lines: Int32Array, from: number, n: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const t = new Float64Array(n);
  const last = lines.length - 1;
  let a = 0;
  for (let k = 0; k < n; k++) {
    const i = from + k;
    while (a + 1 < last && lines[a + 1] <= i) a++;
    const b = Math.min(a + 1, last);
    lo[k] = a;
    hi[k] = b;
    t[k] = b === a ? 0 : (i - lines[a]) / (lines[b] - lines[a]);
  }
  return { lo, hi, t };
}

/**
 * Pixel solid angles (sr) of a box: `samples[a + linesX.length·b]` is Ω of box pixel
 * (linesX[a], linesY[b]), bilinear in between; or `full`, Ω of every box pixel.
 */
export type SolidAngleSource = { samples: Float64Array; linesX: Int32Array; linesY: Int32Array } | { full: Float64Array };

/**
 * Copy the crop (i0, j0, width, height) of a boxWidth-wide box into outValue/outArea: covered
 * pixels get their value and coverage × Ω, the others NaN and 0 (arguments trusted).
 */
export function cropWithAreaTs(
  value: Float64Array, coverage: Float64Array, boxWidth: number,
  i0: number, j0: number, width: number, height: number,
  omega: SolidAngleSource, outValue: Float64Array, outArea: Float64Array,
): void {
  const grid = 'samples' in omega ? omega : undefined;
  const full = 'full' in omega ? omega.full : undefined;
  const ax = grid ? axisWeights(grid.linesX, i0, width) : undefined;
  const ay = grid ? axisWeights(grid.linesY, j0, height) : undefined;
  const nx = grid ? grid.linesX.length : 0;
  const s = grid?.samples;
  for (let j = 0; j < height; j++) {
    const src = (j + j0) * boxWidth + i0;
    const dst = j * width;
    for (let i = 0; i < width; i++) {
      const c = coverage[src + i];
      const v = value[src + i];
      if (c > 0 && Number.isFinite(v)) {
        outValue[dst + i] = v;
        let o: number;
        if (s && ax && ay) {
          const b0 = ay.lo[j] * nx;
          const b1 = ay.hi[j] * nx;
          const a0 = ax.lo[i];
          const a1 = ax.hi[i];
          const u = ax.t[i];
          const lower = s[b0 + a0] + u * (s[b0 + a1] - s[b0 + a0]);
          const upper = s[b1 + a0] + u * (s[b1 + a1] - s[b1 + a0]);
          o = lower + ay.t[j] * (upper - lower);
        } else o = (full as Float64Array)[src + i];
        outArea[dst + i] = c * o;
      } else {
        outValue[dst + i] = NaN;
        outArea[dst + i] = 0;
      }
    }
  }
}

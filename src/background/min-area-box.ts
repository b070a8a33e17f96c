/**
 * Minimum-area rectangle around a set of points, as Montage's `cgeom` library computes it
 * for mFitplane's `boxx, boxy, boxwidth, boxheight, boxang` (Caltech-IPAC/Montage
 * `lib/src/pixbounds/pixbounds.c`): convex hull, then for every hull edge the rectangle with
 * one side on that edge; the first smallest wins. The hull is walked clockwise starting from
 * the last vertex counter-clockwise from the lowest(-rightmost) point, as Montage's Graham
 * stack does, so ties (axis-aligned overlaps) resolve to the same 90° box Montage reports.
 */

export interface MinAreaBox {
  /** Centre of the rectangle (same units as the points). */
  x: number;
  y: number;
  /** Extent along the chosen hull edge. */
  width: number;
  /** Extent perpendicular to that edge. */
  height: number;
  /** Montage's `boxang`, degrees: minus the angle atan2(A, B) of the edge line A·x + B·y + C = 0. */
  angleDeg: number;
}

function turn(o: readonly number[], a: readonly number[], b: readonly number[]): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull, counter-clockwise, collinear points dropped, starting at the lowest (then rightmost) point. */
export function convexHull(xs: ArrayLike<number>, ys: ArrayLike<number>): Array<[number, number]> {
  if (sortedByRow(xs, ys)) return rowOrderHull(xs, ys);
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < xs.length; i++) pts.push([xs[i], ys[i]]);
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const uniq = pts.filter((p, i) => i === 0 || p[0] !== pts[i - 1][0] || p[1] !== pts[i - 1][1]);
  if (uniq.length < 3) return uniq;
  const lower: Array<[number, number]> = [];
  for (const p of uniq) {
    while (lower.length >= 2 && turn(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Array<[number, number]> = [];
  for (let i = uniq.length - 1; i >= 0; i--) {
    const p = uniq[i];
    while (upper.length >= 2 && turn(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  const hull = [...lower.slice(0, -1), ...upper.slice(0, -1)];
  let start = 0;
  for (let i = 1; i < hull.length; i++) {
    const [x, y] = hull[i];
    if (y < hull[start][1] || (y === hull[start][1] && x > hull[start][0])) start = i;
  }
  return [...hull.slice(start), ...hull.slice(0, start)];
}

/** Whether the points come sorted by y, then x (as mFitplane's row extremes do). */
function sortedByRow(xs: ArrayLike<number>, ys: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (!(ys[i] > ys[i - 1] || (ys[i] === ys[i - 1] && xs[i] >= xs[i - 1]))) return false;
  return true;
}

/**
 * {@link convexHull} of points sorted by y, then x, without sorting them: the monotone chain
 * of the points mirrored in the line y = x (where that order is the chain's x-then-y order),
 * mirrored back and reversed. The same vertices in the same order (the hull with collinear
 * points dropped is unique, and the turn tests are the same products, negated).
 */
function rowOrderHull(xs: ArrayLike<number>, ys: ArrayLike<number>): Array<[number, number]> {
  const idx: number[] = [];
  for (let i = 0; i < xs.length; i++) if (i === 0 || xs[i] !== xs[i - 1] || ys[i] !== ys[i - 1]) idx.push(i);
  const point = (i: number): [number, number] => [xs[i], ys[i]];
  // As the general path leaves them: by x, then y.
  if (idx.length < 3) return idx.map(point).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  // turn() of the mirrored points (x and y swapped), which is −turn() of the points.
  const mirrored = (o: number, a: number, b: number) => (ys[a] - ys[o]) * (xs[b] - xs[o]) - (xs[a] - xs[o]) * (ys[b] - ys[o]);
  const chain = (order: number[]) => {
    const out: number[] = [];
    for (const p of order) {
      while (out.length >= 2 && mirrored(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    return out;
  };
  const lower = chain(idx);
  const upper = chain([...idx].reverse());
  // Counter-clockwise in the mirror is clockwise here.
  const hull = [...lower.slice(0, -1), ...upper.slice(0, -1)].reverse().map(point);
  let start = 0;
  for (let i = 1; i < hull.length; i++) {
    const [x, y] = hull[i];
    if (y < hull[start][1] || (y === hull[start][1] && x > hull[start][0])) start = i;
  }
  return [...hull.slice(start), ...hull.slice(0, start)];
}

/** The minimum-area bounding rectangle; undefined when the points span no area (fewer than 3 hull vertices). */
export function minAreaBox(xs: ArrayLike<number>, ys: ArrayLike<number>): MinAreaBox | undefined {
  const ccw = convexHull(xs, ys);
  if (ccw.length < 3) return undefined;
  const hull = [...ccw].reverse(); // clockwise, from the last counter-clockwise vertex
  let best: { area: number; A: number; B: number; C1: number; C2: number; C3: number; C4: number } | undefined;
  for (let k = 0; k < hull.length; k++) {
    const cur = hull[k];
    const next = hull[(k + 1) % hull.length];
    let A = cur[1] - next[1];
    let B = next[0] - cur[0];
    let C1 = cur[0] * next[1] - next[0] * cur[1];
    const norm = Math.hypot(A, B);
    A /= norm;
    B /= norm;
    C1 /= norm;
    // Farthest point from the edge line gives the opposite side.
    let dmax = -1;
    let far = hull[0];
    for (const p of hull) {
      const d = Math.abs(A * p[0] + B * p[1] + C1);
      if (d > dmax) {
        dmax = d;
        far = p;
      }
    }
    const C2 = -A * far[0] - B * far[1];
    // Extent along the edge.
    let C3 = Infinity;
    let C4 = -Infinity;
    for (const p of hull) {
      const c = B * p[0] - A * p[1];
      if (c < C3) C3 = c;
      if (c > C4) C4 = c;
    }
    const area = Math.abs(C1 - C2) * Math.abs(C3 - C4);
    if (area > 0 && (best === undefined || area < best.area)) best = { area, A, B, C1, C2, C3, C4 };
  }
  if (!best) return undefined;
  const { A, B, C1, C2, C3, C4 } = best;
  // Corners are (-A·Ci + B·Cj, -B·Ci - A·Cj) for Ci ∈ {C1, C2}, Cj ∈ {C3, C4}; the centre is their mean.
  const x = (-A * (C1 + C2) + B * (C3 + C4)) / 2;
  const y = (-B * (C1 + C2) - A * (C3 + C4)) / 2;
  return {
    x,
    y,
    width: Math.abs(C3 - C4),
    height: Math.abs(C1 - C2),
    angleDeg: -(Math.atan2(A, B) * 180) / Math.PI,
  };
}

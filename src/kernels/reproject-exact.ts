/**
 * Exact, flux-conserving reprojection by polygon clipping — the TypeScript twin of
 * `crates/mosaic-core/src/reproject.rs` and `quadrants.rs` (same operations in the same
 * order, so the two agree bit for bit). Used when the native addon is absent.
 *
 * Each output pixel is the quadrilateral of its four corners in input pixel space.
 * value = Σ src·overlap / Σ overlap over finite input pixels; coverage = Σ overlap / area(quad).
 * Fast path (convex quads touching at most 2×2 input pixels): with the two cut lines moved
 * onto the axes, each quadrant's overlap is the shoelace sum of the quad's edges cut at the
 * axes — by Green's theorem the closing segments along the axes add nothing.
 * General path (the reference): cut the quad along the input grid into row strips
 * (`y = l + 0.5`), each strip into cells (`x = k + 0.5`), one Sutherland–Hodgman pass per
 * cut (Sutherland & Hodgman, CACM 1974).
 * Reference: Montage mProject (Berriman et al. 2004), astropy reproject `reproject_exact`.
 */

/** Float32Array or Float64Array samples, row-major (`src[x + width * y]`). */
export type SampleArray = Float32Array | Float64Array;

const CAP = 32;

/** A small polygon with preallocated vertex storage. */
class Poly {
  n = 0;
  readonly x = new Float64Array(CAP);
  readonly y = new Float64Array(CAP);

  push(x: number, y: number): void {
    if (this.n < CAP) {
      this.x[this.n] = x;
      this.y[this.n] = y;
      this.n++;
    }
  }

  copyFrom(o: Poly): void {
    this.n = o.n;
    for (let i = 0; i < o.n; i++) {
      this.x[i] = o.x[i];
      this.y[i] = o.y[i];
    }
  }

  signedArea(): number {
    const n = this.n;
    if (n < 3) return 0;
    let twice = 0;
    let j = n - 1;
    for (let i = 0; i < n; i++) {
      twice += this.x[j] * this.y[i] - this.x[i] * this.y[j];
      j = i;
    }
    return 0.5 * twice;
  }
}

/**
 * Split `p` by the line x = c (`alongX`) or y = c into `below` (<= c) and `above` (>= c);
 * vertices on the line go to both, crossing points are shared.
 */
function split(p: Poly, alongX: boolean, c: number, below: Poly, above: Poly): void {
  below.n = 0;
  above.n = 0;
  const n = p.n;
  if (n === 0) return;
  const u = alongX ? p.x : p.y;
  const v = alongX ? p.y : p.x;
  let sv = v[n - 1];
  let ds = u[n - 1] - c;
  for (let i = 0; i < n; i++) {
    const eu = u[i];
    const ev = v[i];
    const de = eu - c;
    if ((ds < 0 && de > 0) || (ds > 0 && de < 0)) {
      const t = ds / (ds - de);
      const cv = sv + t * (ev - sv);
      if (alongX) {
        below.push(c, cv);
        above.push(c, cv);
      } else {
        below.push(cv, c);
        above.push(cv, c);
      }
    }
    if (alongX) {
      if (de <= 0) below.push(eu, ev);
      if (de >= 0) above.push(eu, ev);
    } else {
      if (de <= 0) below.push(ev, eu);
      if (de >= 0) above.push(ev, eu);
    }
    sv = ev;
    ds = de;
  }
}

/** Reusable buffers (one set per call, none per pixel). */
interface Scratch {
  rest: Poly;
  strip: Poly;
  above: Poly;
  cell: Poly;
  crest: Poly;
  /** Corners of the current pixel (input pixel coordinates). */
  xs: Float64Array;
  ys: Float64Array;
  /** Quadrant sums of twice the signed area (fast path). */
  acc: Float64Array;
}

/**
 * Reproject output rows `y0..y1` into `value`/`coverage` (length `outWidth*(y1-y0)`).
 * Arguments are trusted (validated by the dispatch layer); see `reprojectExact` in
 * `./index.ts` for their meaning.
 */
export function reprojectExactRowsTs(
  src: SampleArray, srcWidth: number, srcHeight: number, cornerX: Float64Array, cornerY: Float64Array,
  outWidth: number, y0: number, y1: number, value: Float64Array, coverage: Float64Array,
): void {
  rowsWith(true, src, srcWidth, srcHeight, cornerX, cornerY, outWidth, y0, y1, value, coverage);
}

/**
 * {@link reprojectExactRowsTs} by the general clipping path for every pixel: the plain
 * reference the fast path must reproduce (to ~1e-15 relative), for tests and benchmarks.
 */
export function reprojectExactRowsReferenceTs(
  src: SampleArray, srcWidth: number, srcHeight: number, cornerX: Float64Array, cornerY: Float64Array,
  outWidth: number, y0: number, y1: number, value: Float64Array, coverage: Float64Array,
): void {
  rowsWith(false, src, srcWidth, srcHeight, cornerX, cornerY, outWidth, y0, y1, value, coverage);
}

/**
 * One line of the corner grid reduced for the fast paths (regular.rs `CornerLine`):
 * `k = floor(x + 0.5)`, `l = floor(y + 0.5)` (0 for an unusable corner), `ok` = 1 where both
 * coordinates are finite and below 1e15 in magnitude, else 0, and the reciprocals of the
 * line's edges `rx[i] = 1 / (x[i] − x[i + 1])`, `ry[i]` likewise.
 */
interface CornerLine {
  k: Float64Array;
  l: Float64Array;
  ok: Float64Array;
  rx: Float64Array;
  ry: Float64Array;
}

function cornerLine(n: number): CornerLine {
  return { k: new Float64Array(n), l: new Float64Array(n), ok: new Float64Array(n), rx: new Float64Array(n), ry: new Float64Array(n) };
}

function fillCornerLine(line: CornerLine, cornerX: Float64Array, cornerY: Float64Array, start: number): void {
  const { k, l, ok, rx, ry } = line;
  const n = k.length;
  for (let i = 0; i < n; i++) {
    const x = cornerX[start + i];
    const y = cornerY[start + i];
    const good = Math.abs(x) < 1e15 && Math.abs(y) < 1e15;
    ok[i] = good ? 1 : 0;
    k[i] = Math.floor((good ? x : 0) + 0.5);
    l[i] = Math.floor((good ? y : 0) + 0.5);
  }
  for (let i = 0; i + 1 < n; i++) {
    rx[i] = 1 / (cornerX[start + i] - cornerX[start + i + 1]);
    ry[i] = 1 / (cornerY[start + i] - cornerY[start + i + 1]);
  }
}

/** Per-row work arrays of the regular path. */
interface RegularScratch {
  /** 1 / (top − bottom) of the row's vertical edges, x and y. */
  rxv: Float64Array;
  ryv: Float64Array;
  /** The pixel's doubled part areas at its corners 0…3 (regularPixel's output). */
  a: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
  rx: Float64Array;
  ry: Float64Array;
  outPiece: Float64Array;
  inPiece: Float64Array;
  px: Uint8Array;
  py: Uint8Array;
}

/**
 * Pixel i of the row between corner lines `top` and `bottom` by the regular path
 * (regular.rs `regular_pixel`): the doubled areas of the quad's parts at its corners in
 * `r.a`, and its quadrant code (−1 when the quad is not regular); the block's low corner is
 * min k, min l (returned through `kl`).
 */
function regularPixel(
  i: number, cx: Float64Array, cy: Float64Array, a: number, stride: number,
  top: CornerLine, bottom: CornerLine, r: RegularScratch, kl: Float64Array,
): number {
  const ok = ((top.ok[i] * top.ok[i + 1]) * bottom.ok[i + 1]) * bottom.ok[i];
  const kLo = lesser(lesser(top.k[i], top.k[i + 1]), lesser(bottom.k[i + 1], bottom.k[i]));
  const kHi = greater(greater(top.k[i], top.k[i + 1]), greater(bottom.k[i + 1], bottom.k[i]));
  const lLo = lesser(lesser(top.l[i], top.l[i + 1]), lesser(bottom.l[i + 1], bottom.l[i]));
  const lHi = greater(greater(top.l[i], top.l[i + 1]), greater(bottom.l[i + 1], bottom.l[i]));
  kl[0] = kLo;
  kl[1] = lLo;
  let regular = ok > 0.5 && kHi - kLo <= 1 && lHi - lLo <= 1;
  const ox = kLo + 0.5;
  const oy = lLo + 0.5;
  const { xs, ys, rx, ry, px, py, outPiece, inPiece } = r;
  xs[0] = cx[a] - ox; xs[1] = cx[a + 1] - ox; xs[2] = cx[a + 1 + stride] - ox; xs[3] = cx[a + stride] - ox;
  ys[0] = cy[a] - oy; ys[1] = cy[a + 1] - oy; ys[2] = cy[a + 1 + stride] - oy; ys[3] = cy[a + stride] - oy;
  // Edges c → c + 1: top line, right side, bottom line and left side (the last two reversed:
  // a reversed edge's reciprocal is the negated one, exactly).
  rx[0] = top.rx[i]; rx[1] = r.rxv[i + 1]; rx[2] = -bottom.rx[i]; rx[3] = -r.rxv[i];
  ry[0] = top.ry[i]; ry[1] = r.ryv[i + 1]; ry[2] = -bottom.ry[i]; ry[3] = -r.ryv[i];
  for (let c = 0; c < 4; c++) {
    px[c] = xs[c] > 0 ? 1 : 0;
    py[c] = ys[c] > 0 ? 1 : 0;
    // Off both axes.
    regular = regular && (xs[c] > 0 || xs[c] < 0) && (ys[c] > 0 || ys[c] < 0);
  }
  regular = regular && px[0] !== px[2] && py[0] !== py[2] && px[1] !== px[3] && py[1] !== py[3];
  for (let c = 0; c < 4; c++) {
    const d = (c + 1) & 3;
    const crossY = px[c] !== px[d];
    const crossX = py[c] !== py[d];
    regular = regular && crossY !== crossX;
    const dx = xs[d] - xs[c];
    const dy = ys[d] - ys[c];
    const yc = ys[c] + xs[c] * rx[c] * dy;
    const xc = xs[c] + ys[c] * ry[c] * dx;
    const ex = crossY ? 0 : xc;
    const ey = crossY ? yc : 0;
    outPiece[c] = xs[c] * ey - ys[c] * ex;
    inPiece[d] = ex * ys[d] - ey * xs[d];
  }
  for (let c = 0; c < 4; c++) r.a[c] = inPiece[c] + outPiece[c];
  if (!regular) return -1;
  const q = (c: number) => (px[c] ? 1 : 0) + (py[c] ? 2 : 0);
  return q(0) + 4 * q(1) + 16 * q(2) + 64 * q(3);
}

/** Whether the floors of pixel i's four corners (top[i], top[i+1], bottom[i], bottom[i+1]) span exactly 2 values: a quick test before the regular path, whose result it does not change. */
function spansTwo(top: Float64Array, bottom: Float64Array, i: number): boolean {
  const lo = Math.min(top[i], top[i + 1], bottom[i], bottom[i + 1]);
  const hi = Math.max(top[i], top[i + 1], bottom[i], bottom[i + 1]);
  return hi - lo === 1;
}

/** `a < b ? a : b` and its mirror (regular.rs `min`/`max`; unlike Math.min on signed zeros). */
function lesser(a: number, b: number): number {
  return a < b ? a : b;
}

function greater(a: number, b: number): number {
  return a > b ? a : b;
}

/** Value and coverage of a regular pixel (regular.rs `finish_regular`) into value[o], coverage[o]. */
function finishRegular(
  src: SampleArray, w: number, h: number, parts: Float64Array, code: number, kLo: number, lLo: number,
  value: Float64Array, coverage: Float64Array, o: number,
): void {
  const total = parts[0] + parts[1] + parts[2] + parts[3];
  const sign = total > 0 ? 1 : -1;
  let sumV = 0;
  let sumA = 0;
  for (let c = 0; c < 4; c++) {
    const q = (code >> (2 * c)) & 3;
    const k = kLo + (q & 1);
    const l = lLo + (q >> 1);
    const v = k >= 0 && l >= 0 && k < w && l < h ? src[l * w + k] : NaN;
    const area = parts[c] * sign;
    // Skipping equals regular.rs adding +0.0.
    if (area > 0 && v - v === 0) {
      sumV += v * area;
      sumA += area;
    }
  }
  if (sumA > 0) {
    value[o] = sumV / sumA;
    const cover = sumA / (total * sign);
    coverage[o] = cover < 1 ? cover : 1;
  } else {
    value[o] = NaN;
    coverage[o] = 0;
  }
}

function rowsWith(
  fast: boolean, src: SampleArray, srcWidth: number, srcHeight: number, cornerX: Float64Array, cornerY: Float64Array,
  outWidth: number, y0: number, y1: number, value: Float64Array, coverage: Float64Array,
): void {
  const s: Scratch = {
    rest: new Poly(), strip: new Poly(), above: new Poly(), cell: new Poly(), crest: new Poly(),
    xs: new Float64Array(4), ys: new Float64Array(4), acc: new Float64Array(4),
  };
  const stride = outWidth + 1;
  const { xs, ys } = s;
  const r: RegularScratch = {
    rxv: new Float64Array(stride), ryv: new Float64Array(stride), a: new Float64Array(4),
    xs: new Float64Array(4), ys: new Float64Array(4), rx: new Float64Array(4), ry: new Float64Array(4),
    outPiece: new Float64Array(4), inPiece: new Float64Array(4), px: new Uint8Array(4), py: new Uint8Array(4),
  };
  const kl = new Float64Array(2);
  // Per-corner floors and per-edge reciprocals, shared by the pixels around each corner.
  let top = cornerLine(stride);
  let bottom = cornerLine(stride);
  if (fast && y1 > y0) fillCornerLine(bottom, cornerX, cornerY, stride * y0);
  for (let j = y0; j < y1; j++) {
    const row = (j - y0) * outWidth;
    if (fast) {
      const t = top;
      top = bottom;
      bottom = t;
      fillCornerLine(bottom, cornerX, cornerY, stride * (j + 1));
      for (let i = 0; i < stride; i++) {
        const a = i + stride * j;
        r.rxv[i] = 1 / (cornerX[a] - cornerX[a + stride]);
        r.ryv[i] = 1 / (cornerY[a] - cornerY[a + stride]);
      }
    }
    for (let i = 0; i < outWidth; i++) {
      const a = i + stride * j;
      // The regular path needs the corners' floors to span exactly two columns and two rows.
      if (fast && spansTwo(top.k, bottom.k, i) && spansTwo(top.l, bottom.l, i)) {
        const code = regularPixel(i, cornerX, cornerY, a, stride, top, bottom, r, kl);
        if (code >= 0) {
          finishRegular(src, srcWidth, srcHeight, r.a, code, kl[0], kl[1], value, coverage, row + i);
          continue;
        }
      }
      xs[0] = cornerX[a]; xs[1] = cornerX[a + 1]; xs[2] = cornerX[a + 1 + stride]; xs[3] = cornerX[a + stride];
      ys[0] = cornerY[a]; ys[1] = cornerY[a + 1]; ys[2] = cornerY[a + 1 + stride]; ys[3] = cornerY[a + stride];
      if (fast && top.ok[i] * top.ok[i + 1] * bottom.ok[i] * bottom.ok[i + 1] === 1) {
        // The 2×2 path's test: all four corners within a 2×2 block of input pixels.
        const kLo = Math.min(top.k[i], top.k[i + 1], bottom.k[i + 1], bottom.k[i]);
        const kHi = Math.max(top.k[i], top.k[i + 1], bottom.k[i + 1], bottom.k[i]);
        const lLo = Math.min(top.l[i], top.l[i + 1], bottom.l[i + 1], bottom.l[i]);
        const lHi = Math.max(top.l[i], top.l[i + 1], bottom.l[i + 1], bottom.l[i]);
        if (kHi - kLo <= 1 && lHi - lLo <= 1) {
          pixelOverlap2x2(src, srcWidth, srcHeight, s, kLo, lLo, value, coverage, row + i);
          continue;
        }
      }
      pixelOverlapClipped(src, srcWidth, srcHeight, s, value, coverage, row + i);
    }
  }
}

/** Quadrant index: bit 0 for x > 0, bit 1 for y > 0. */
function quadrant(xPositive: boolean, yPositive: boolean): number {
  return (xPositive ? 1 : 0) + (yPositive ? 2 : 0);
}

/**
 * Adds the edge p → q, cut at the axes, to the quadrant sums of twice the signed area
 * (quadrants.rs `add_edge`): the shoelace term of each piece goes to the quadrant it lies in.
 */
function addEdge(px: number, py: number, qx: number, qy: number, acc: Float64Array): void {
  const crossX = px * qx < 0;
  const crossY = py * qy < 0;
  if (!crossX && !crossY) {
    acc[quadrant(px + qx > 0, py + qy > 0)] += px * qy - qx * py;
  } else if (!crossY) {
    const yc = py + (px / (px - qx)) * (qy - py);
    const up = py + qy > 0;
    acc[quadrant(px > 0, up)] += px * yc;
    acc[quadrant(qx > 0, up)] -= qx * yc;
  } else if (!crossX) {
    const xc = px + (py / (py - qy)) * (qx - px);
    const right = px + qx > 0;
    acc[quadrant(right, py > 0)] -= xc * py;
    acc[quadrant(right, qy > 0)] += xc * qy;
  } else {
    const tx = px / (px - qx);
    const ty = py / (py - qy);
    const yc = py + tx * (qy - py);
    const xc = px + ty * (qx - px);
    if (tx <= ty) {
      acc[quadrant(px > 0, py > 0)] += px * yc;
      acc[quadrant(qx > 0, py > 0)] -= xc * yc;
      acc[quadrant(qx > 0, qy > 0)] += xc * qy;
    } else {
      acc[quadrant(px > 0, py > 0)] -= xc * py;
      acc[quadrant(px > 0, qy > 0)] += xc * yc;
      acc[quadrant(qx > 0, qy > 0)] -= qx * yc;
    }
  }
}

/** Turn at corner b of a → b → c (quadrants.rs `is_convex`'s `turn`). */
function turn(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
}

/**
 * One output pixel whose finite corners lie in input pixels `kLo..kLo+1`, `lLo..lLo+1`:
 * the fast path (reproject.rs `pixel_overlap_2x2`), or {@link pixelOverlapClipped} for a
 * non-convex quad.
 */
function pixelOverlap2x2(
  src: SampleArray, w: number, h: number, s: Scratch, kLo: number, lLo: number,
  value: Float64Array, coverage: Float64Array, o: number,
): void {
  const { xs, ys, acc } = s;
  // Local frame: the cut lines x = kLo + 0.5 and y = lLo + 0.5 are the axes.
  const ox = kLo + 0.5;
  const oy = lLo + 0.5;
  const x0 = xs[0] - ox, x1 = xs[1] - ox, x2 = xs[2] - ox, x3 = xs[3] - ox;
  const y0 = ys[0] - oy, y1 = ys[1] - oy, y2 = ys[2] - oy, y3 = ys[3] - oy;
  // Convex (quadrants.rs `is_convex`): the same turn at every corner.
  const t0 = turn(x3, y3, x0, y0, x1, y1);
  const t1 = turn(x0, y0, x1, y1, x2, y2);
  const t2 = turn(x1, y1, x2, y2, x3, y3);
  const t3 = turn(x2, y2, x3, y3, x0, y0);
  if (!((t0 >= 0 && t1 >= 0 && t2 >= 0 && t3 >= 0) || (t0 <= 0 && t1 <= 0 && t2 <= 0 && t3 <= 0))) {
    pixelOverlapClipped(src, w, h, s, value, coverage, o);
    return;
  }
  acc[0] = 0; acc[1] = 0; acc[2] = 0; acc[3] = 0;
  addEdge(x3, y3, x0, y0, acc);
  addEdge(x0, y0, x1, y1, acc);
  addEdge(x1, y1, x2, y2, acc);
  addEdge(x2, y2, x3, y3, acc);
  const total = acc[0] + acc[1] + acc[2] + acc[3];
  value[o] = NaN;
  coverage[o] = 0;
  if (total === 0) return;
  const sign = total > 0 ? 1 : -1;
  let sumV = 0;
  let sumA = 0;
  for (let q = 0; q < 4; q++) {
    const k = kLo + (q & 1);
    const l = lLo + (q >> 1);
    if (k >= 0 && l >= 0 && k < w && l < h) {
      const area = acc[q] * sign;
      const v = src[l * w + k];
      // Skipping equals reproject.rs adding +0.0 (its sums are never -0.0).
      if (area > 0 && v - v === 0) {
        sumV += v * area;
        sumA += area;
      }
    }
  }
  if (sumA > 0) {
    // Twice the areas throughout: the factor cancels exactly in both ratios.
    value[o] = sumV / sumA;
    coverage[o] = Math.min(sumA / (total * sign), 1);
  }
}

/** One output pixel by the general path: the quad cut along the input grid. */
function pixelOverlapClipped(
  src: SampleArray, w: number, h: number, s: Scratch, value: Float64Array, coverage: Float64Array, o: number,
): void {
  const { xs, ys } = s;
  value[o] = NaN;
  coverage[o] = 0;
  for (let c = 0; c < 4; c++) if (!Number.isFinite(xs[c]) || !Number.isFinite(ys[c])) return;
  const minX = Math.min(xs[0], xs[1], xs[2], xs[3]);
  const maxX = Math.max(xs[0], xs[1], xs[2], xs[3]);
  const minY = Math.min(ys[0], ys[1], ys[2], ys[3]);
  const maxY = Math.max(ys[0], ys[1], ys[2], ys[3]);
  const kLo = Math.floor(minX + 0.5);
  const kHi = Math.floor(maxX + 0.5);
  const lLo = Math.floor(minY + 0.5);
  const lHi = Math.floor(maxY + 0.5);

  const quad = s.rest;
  quad.n = 0;
  for (let c = 0; c < 4; c++) quad.push(xs[c] - kLo, ys[c] - lLo);
  const quadArea = Math.abs(quad.signedArea());
  if (!(quadArea > 0)) return;
  if (kHi < 0 || lHi < 0 || kLo > w - 1 || lLo > h - 1) return;
  const kFirst = Math.max(kLo, 0);
  const kLast = Math.min(kHi, w - 1);
  const lFirst = Math.max(lLo, 0);
  const lLast = Math.min(lHi, h - 1);

  let sumV = 0;
  let sumA = 0;
  if (lFirst > lLo) {
    split(s.rest, false, lFirst - lLo - 0.5, s.strip, s.above);
    s.rest.copyFrom(s.above);
  }
  for (let l = lFirst; l <= lLast; l++) {
    let strip: Poly;
    if (l < lHi) {
      split(s.rest, false, l - lLo + 0.5, s.strip, s.above);
      s.rest.copyFrom(s.above);
      strip = s.strip;
    } else {
      strip = s.rest;
    }
    if (strip.n < 3) continue;
    const row = l * w;
    s.crest.copyFrom(strip);
    if (kFirst > kLo) {
      split(s.crest, true, kFirst - kLo - 0.5, s.cell, s.above);
      s.crest.copyFrom(s.above);
    }
    for (let k = kFirst; k <= kLast; k++) {
      let cell: Poly;
      if (k < kHi) {
        split(s.crest, true, k - kLo + 0.5, s.cell, s.above);
        s.crest.copyFrom(s.above);
        cell = s.cell;
      } else {
        cell = s.crest;
      }
      const area = Math.abs(cell.signedArea());
      const v = src[row + k];
      if (area > 0 && v - v === 0) {
        sumV += v * area;
        sumA += area;
      }
    }
  }
  if (sumA > 0) {
    value[o] = sumV / sumA;
    coverage[o] = Math.min(sumA / quadArea, 1);
  }
}

/**
 * Exact, flux-conserving reprojection by polygon clipping — the TypeScript twin of
 * `crates/mosaic-core/src/reproject.rs` (same operations in the same order, so the two
 * agree bit for bit). Used when the native addon is absent.
 *
 * Each output pixel is the quadrilateral of its four corners in input pixel space; it is
 * cut along the input grid into row strips (`y = l + 0.5`), each strip into cells
 * (`x = k + 0.5`), one Sutherland–Hodgman pass per cut (Sutherland & Hodgman, CACM 1974).
 * value = Σ src·overlap / Σ overlap over finite input pixels; coverage = Σ overlap / area(quad).
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
  const s: Scratch = { rest: new Poly(), strip: new Poly(), above: new Poly(), cell: new Poly(), crest: new Poly() };
  const stride = outWidth + 1;
  const xs = new Float64Array(4);
  const ys = new Float64Array(4);
  for (let j = y0; j < y1; j++) {
    const row = (j - y0) * outWidth;
    for (let i = 0; i < outWidth; i++) {
      const a = i + stride * j;
      xs[0] = cornerX[a]; xs[1] = cornerX[a + 1]; xs[2] = cornerX[a + 1 + stride]; xs[3] = cornerX[a + stride];
      ys[0] = cornerY[a]; ys[1] = cornerY[a + 1]; ys[2] = cornerY[a + 1 + stride]; ys[3] = cornerY[a + stride];
      pixelOverlap(src, srcWidth, srcHeight, xs, ys, s, value, coverage, row + i);
    }
  }
}

function pixelOverlap(
  src: SampleArray, w: number, h: number, xs: Float64Array, ys: Float64Array, s: Scratch,
  value: Float64Array, coverage: Float64Array, o: number,
): void {
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

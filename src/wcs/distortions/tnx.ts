/**
 * IRAF TNX: the TAN projection with correction surfaces on the intermediate coordinates, stored
 * in the WAT1_nnn/WAT2_nnn strings as `lngcor = "…"` and `latcor = "…"` (IRAF mwcs wf_tnx;
 * https://iraf.net/ "The TNX projection", and WCSTools tnxpos.c). With x, y = CD·(p − CRPIX) in
 * degrees: xi = x + lngcor(x, y), eta = y + latcor(x, y). Each surface is a Chebyshev (1),
 * Legendre (2) or power-series (3) polynomial of orders (xorder, yorder) with cross terms none
 * (0), full (1) or half (2), over the normalisation range [xmin, xmax] × [ymin, ymax].
 */
import { MosaicError } from '../../errors.js';
import type { Header } from '../../fits/header.js';
import { LinearModel, type Mat2 } from './linear.js';

/** One TNX correction surface. */
export interface TnxSurface {
  type: 1 | 2 | 3;
  xorder: number;
  yorder: number;
  xterms: 0 | 1 | 2;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  coeff: Float64Array;
}

/** The WATi_nnn cards of an axis joined as IRAF writes them (68-character pieces). */
function watString(header: Header, axis: number): string {
  let s = '';
  for (let n = 1; n < 1000; n++) {
    const key = `WAT${axis}_${String(n).padStart(3, '0')}`;
    const v = header.string(key);
    if (v === undefined) break;
    // Trailing blanks were stripped by the card parser; IRAF pieces are 68 characters.
    s += v.padEnd(68);
  }
  return s;
}

function parseSurface(text: string, key: string): TnxSurface | undefined {
  const m = new RegExp(`${key}\\s*=\\s*"([^"]*)"`).exec(text);
  if (!m) return undefined;
  const v = m[1].trim().split(/\s+/).map(Number);
  const bad = (why: string) => new MosaicError('E_WCS_KEYWORD', `TNX ${key}: ${why}`);
  if (v.length < 8 || v.some((x) => !Number.isFinite(x))) throw bad('expected numbers: type xorder yorder xterms xmin xmax ymin ymax coefficients');
  const [type, xorder, yorder, xterms, xmin, xmax, ymin, ymax] = v;
  if (![1, 2, 3].includes(type)) throw bad(`unknown surface type ${type}`);
  if (![0, 1, 2].includes(xterms)) throw bad(`unknown cross-terms code ${xterms}`);
  const order = Math.min(xorder, yorder);
  const n = xterms === 0 ? xorder + yorder - 1 : xterms === 1 ? xorder * yorder : xorder * yorder - (order * (order - 1)) / 2;
  if (v.length - 8 < n) throw bad(`expected ${n} coefficients but found ${v.length - 8}`);
  return {
    type: type as 1 | 2 | 3,
    xorder,
    yorder,
    xterms: xterms as 0 | 1 | 2,
    xmin,
    xmax,
    ymin,
    ymax,
    coeff: Float64Array.from(v.slice(8, 8 + n)),
  };
}

/** The lngcor/latcor surfaces of a TNX header (either may be absent). */
export function readTnx(header: Header, lonAxis: number, latAxis: number): { lng?: TnxSurface; lat?: TnxSurface } {
  return { lng: parseSurface(watString(header, lonAxis), 'lngcor'), lat: parseSurface(watString(header, latAxis), 'latcor') };
}

/** Basis functions 0…order−1 of one variable into `out`. */
function basis(type: number, v: number, min: number, max: number, order: number, out: Float64Array): void {
  out[0] = 1;
  if (order === 1) return;
  if (type === 3) {
    for (let k = 1; k < order; k++) out[k] = out[k - 1] * v;
    return;
  }
  const t = (2 * v - (max + min)) / (max - min);
  out[1] = t;
  for (let k = 2; k < order; k++) {
    // Chebyshev: T_k = 2t T_{k-1} − T_{k-2}; Legendre: ((2k−1) t P_{k-1} − (k−1) P_{k-2}) / k.
    out[k] = type === 1 ? 2 * t * out[k - 1] - out[k - 2] : ((2 * k - 1) * t * out[k - 1] - (k - 1) * out[k - 2]) / k;
  }
}

/** Value of a surface at (x, y), degrees. */
export function evalSurface(s: TnxSurface, x: number, y: number, xb: Float64Array, yb: Float64Array): number {
  basis(s.type, x, s.xmin, s.xmax, s.xorder, xb);
  basis(s.type, y, s.ymin, s.ymax, s.yorder, yb);
  const maxorder = Math.max(s.xorder, s.yorder) + 1;
  let xincr = s.xorder;
  let n = 0;
  let acc = 0;
  for (let i = 0; i < s.yorder; i++) {
    let sum = 0;
    for (let k = 0; k < xincr; k++) sum += s.coeff[n++] * xb[k];
    acc += sum * yb[i];
    if (s.xterms === 0) xincr = 1;
    else if (s.xterms === 2 && i + 1 + s.xorder + 1 > maxorder) xincr -= 1;
  }
  return acc;
}

/** Pixel → intermediate for TNX: the linear map, then the correction surfaces. */
export class TnxModel extends LinearModel {
  override readonly kind = 'tnx';
  override readonly exactInverse = false;
  private readonly xb: Float64Array;
  private readonly yb: Float64Array;

  constructor(
    crpix: readonly [number, number],
    cd: Mat2,
    readonly surfaces: { lng?: TnxSurface; lat?: TnxSurface },
  ) {
    super(crpix, cd);
    const n = Math.max(2, ...[surfaces.lng, surfaces.lat].flatMap((s) => (s ? [s.xorder, s.yorder] : [])));
    this.xb = new Float64Array(n);
    this.yb = new Float64Array(n);
  }

  override forward(px: number, py: number, out: Float64Array): void {
    super.forward(px, py, out);
    const x = out[0];
    const y = out[1];
    const { lng, lat } = this.surfaces;
    out[0] = lng ? x + evalSurface(lng, x, y, this.xb, this.yb) : x;
    out[1] = lat ? y + evalSurface(lat, x, y, this.xb, this.yb) : y;
  }
}

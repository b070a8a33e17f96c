/**
 * Simple Imaging Polynomial distortion (Shupe et al. 2005, ASP Conf. Ser. 347, 491):
 * with (u, v) = p − CRPIX, the corrected offsets u + A(u, v), v + B(u, v) go through the
 * CD matrix. AP/BP, when present, give the approximate inverse used to start the iteration.
 */
import { MosaicError } from '../../errors.js';
import type { Header } from '../../fits/header.js';
import { LinearModel, type Mat2 } from './linear.js';
import { evalPoly2, type Poly2 } from './poly.js';

/** SIP polynomials; AP/BP are optional. */
export interface SipCoefficients {
  a: Poly2;
  b: Poly2;
  ap?: Poly2;
  bp?: Poly2;
}

function readPoly(header: Header, name: 'A' | 'B' | 'AP' | 'BP'): Poly2 | undefined {
  const orderKey = `${name}_ORDER`;
  if (!header.has(orderKey)) return undefined;
  const order = header.int(orderKey);
  if (order === undefined || order < 0 || order > 20) {
    throw new MosaicError('E_WCS_KEYWORD', `${orderKey} must be an integer from 0 to 20 but is ${String(header.get(orderKey))}`);
  }
  const n = order + 1;
  const c = new Float64Array(n * n);
  for (let p = 0; p <= order; p++) {
    for (let q = 0; p + q <= order; q++) {
      const key = `${name}_${p}_${q}`;
      if (!header.has(key)) continue;
      const v = header.number(key);
      if (v === undefined) throw new MosaicError('E_WCS_KEYWORD', `${key} must be a number but is ${String(header.get(key))}`);
      c[p * n + q] = v;
    }
  }
  return { order, c };
}

/**
 * SIP coefficients of a header, or undefined when A_ORDER is absent.
 * @throws MosaicError E_WCS_KEYWORD when A_ORDER is present without B_ORDER, or a value is not a number.
 */
export function readSip(header: Header): SipCoefficients | undefined {
  const a = readPoly(header, 'A');
  const b = readPoly(header, 'B');
  if (!a && !b) return undefined;
  if (!a || !b) throw new MosaicError('E_WCS_KEYWORD', `${a ? 'B_ORDER' : 'A_ORDER'} is missing (SIP needs both A and B)`);
  const ap = readPoly(header, 'AP');
  const bp = readPoly(header, 'BP');
  return ap && bp ? { a, b, ap, bp } : { a, b };
}

/** Pixel → intermediate with SIP; `guess` uses AP/BP when present, else the linear inverse. */
export class SipModel extends LinearModel {
  override readonly kind = 'sip';
  override readonly exactInverse = false;

  constructor(
    crpix: readonly [number, number],
    cd: Mat2,
    readonly sip: SipCoefficients,
  ) {
    super(crpix, cd);
  }

  override forward(px: number, py: number, out: Float64Array): void {
    const u = px - this.crpix[0];
    const v = py - this.crpix[1];
    const uu = u + evalPoly2(this.sip.a, u, v);
    const vv = v + evalPoly2(this.sip.b, u, v);
    const m = this.cd;
    out[0] = m[0] * uu + m[1] * vv;
    out[1] = m[2] * uu + m[3] * vv;
  }

  override guess(x: number, y: number, out: Float64Array): void {
    const m = this.inv;
    const U = m[0] * x + m[1] * y;
    const V = m[2] * x + m[3] * y;
    const { ap, bp } = this.sip;
    out[0] = U + (ap ? evalPoly2(ap, U, V) : 0) + this.crpix[0];
    out[1] = V + (bp ? evalPoly2(bp, U, V) : 0) + this.crpix[1];
  }
}

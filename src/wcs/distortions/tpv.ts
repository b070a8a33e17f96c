/**
 * TPV: the TAN projection with a polynomial on the intermediate coordinates, as registered
 * at https://fits.gsfc.nasa.gov/registry/tpvwcs/tpv.html (SCAMP/IRAF convention, handled by
 * wcslib as a distortion). xi' = Σ PV1_k T_k(xi, eta), eta' = Σ PV2_k T_k(eta, xi), where T_k
 * runs over the monomials of order 0…7 plus the odd powers of r = √(xi² + eta²) (k = 3, 11, 23, 39).
 * Coordinates are in degrees.
 */
import { MosaicError } from '../../errors.js';
import type { Header } from '../../fits/header.js';
import { LinearModel, type Mat2 } from './linear.js';

/** [power of the own coordinate, power of the other, power of r] for k = 0…39. */
const TERMS: ReadonlyArray<readonly [number, number, number]> = (() => {
  const t: Array<[number, number, number]> = [];
  for (let deg = 0; deg <= 7; deg++) {
    for (let j = 0; j <= deg; j++) t.push([deg - j, j, 0]);
    if (deg % 2 === 1) t.push([0, 0, deg]);
  }
  return t;
})();

/** Sparse list of (term, coefficient) per axis. */
export interface TpvCoefficients {
  lon: ReadonlyArray<readonly [number, number]>;
  lat: ReadonlyArray<readonly [number, number]>;
  /** Largest power of any term (to size the power tables). */
  maxPower: number;
}

/**
 * PVi_0…PVi_39 of the two celestial axes (1-based axis numbers, alternate suffix `alt`).
 * An axis with no PV cards at all is the identity (PVi_1 = 1).
 * @throws MosaicError E_WCS_KEYWORD for a non-numeric PV value.
 */
export function readTpv(header: Header, lonAxis: number, latAxis: number, alt = ''): TpvCoefficients {
  let maxPower = 1;
  const read = (axis: number): Array<readonly [number, number]> => {
    const list: Array<readonly [number, number]> = [];
    for (let k = 0; k < TERMS.length; k++) {
      const key = `PV${axis}_${k}${alt}`;
      if (!header.has(key)) continue;
      const v = header.number(key);
      if (v === undefined) throw new MosaicError('E_WCS_KEYWORD', `${key} must be a number but is ${String(header.get(key))}`);
      if (v !== 0) {
        list.push([k, v]);
        maxPower = Math.max(maxPower, ...TERMS[k]);
      }
    }
    return list.length > 0 || hasAnyPv(header, axis, alt) ? list : [[1, 1]];
  };
  return { lon: read(lonAxis), lat: read(latAxis), maxPower };
}

function hasAnyPv(header: Header, axis: number, alt: string): boolean {
  const re = new RegExp(`^PV${axis}_\\d+${alt}$`);
  return header.keys().some((k) => re.test(k));
}

/** One axis's terms flattened for speed: powers (own, other, r) and coefficients. */
interface FlatAxis {
  pow: Int32Array;
  coef: Float64Array;
}

function flatten(terms: ReadonlyArray<readonly [number, number]>): FlatAxis {
  const pow = new Int32Array(3 * terms.length);
  const coef = new Float64Array(terms.length);
  terms.forEach(([k, c], i) => {
    pow.set(TERMS[k], 3 * i);
    coef[i] = c;
  });
  return { pow, coef };
}

function evalAxis(a: FlatAxis, ownPow: Float64Array, otherPow: Float64Array, rPow: Float64Array): number {
  const { pow, coef } = a;
  let s = 0;
  for (let i = 0, j = 0; i < coef.length; i++, j += 3) s += coef[i] * ownPow[pow[j]] * otherPow[pow[j + 1]] * rPow[pow[j + 2]];
  return s;
}

/** Pixel → intermediate for TPV: the linear map, then the polynomial. */
export class TpvModel extends LinearModel {
  override readonly kind = 'tpv';
  override readonly exactInverse = false;
  private readonly xp: Float64Array;
  private readonly yp: Float64Array;
  private readonly rp: Float64Array;
  private readonly lonTerms: FlatAxis;
  private readonly latTerms: FlatAxis;
  private readonly usesR: boolean;

  constructor(
    crpix: readonly [number, number],
    cd: Mat2,
    readonly tpv: TpvCoefficients,
  ) {
    super(crpix, cd);
    this.xp = new Float64Array(tpv.maxPower + 1);
    this.yp = new Float64Array(tpv.maxPower + 1);
    this.rp = new Float64Array(tpv.maxPower + 1);
    this.lonTerms = flatten(tpv.lon);
    this.latTerms = flatten(tpv.lat);
    this.usesR = [...tpv.lon, ...tpv.lat].some(([k]) => TERMS[k][2] > 0);
  }

  /** The polynomial alone, intermediate (x, y) → corrected (x', y'), degrees. */
  distort(x: number, y: number, out: Float64Array): void {
    const { xp, yp, rp } = this;
    const r = this.usesR ? Math.sqrt(x * x + y * y) : 0;
    xp[0] = yp[0] = rp[0] = 1;
    for (let i = 1; i < xp.length; i++) {
      xp[i] = xp[i - 1] * x;
      yp[i] = yp[i - 1] * y;
      rp[i] = rp[i - 1] * r;
    }
    const xi = evalAxis(this.lonTerms, xp, yp, rp);
    out[1] = evalAxis(this.latTerms, yp, xp, rp);
    out[0] = xi;
  }

  override forward(px: number, py: number, out: Float64Array): void {
    super.forward(px, py, out);
    this.distort(out[0], out[1], out);
  }
}

/**
 * Digitized Sky Survey plate solutions (PLTRAH…, AMDX/AMDY, PPO3/PPO6, XPIXELSZ/YPIXELSZ,
 * CNPIX1/2), as described in the DSS documentation and implemented by WCSTools (dsspos.c) and
 * wcslib (the DSS distortion): pixel → plate millimetres → standard coordinates (xi, eta)
 * by the 13-term AMD polynomials (arcsec), then a gnomonic projection about the plate centre.
 * Here (xi, eta) are returned in degrees as intermediate coordinates of a TAN projection.
 */
import { MosaicError } from '../../errors.js';
import type { Header } from '../../fits/header.js';
import type { PlaneModel } from './types.js';

/** The plate solution of a DSS header. */
export interface DssPlate {
  /** Plate centre, degrees. */
  raDeg: number;
  decDeg: number;
  /** Plate-centre offsets PPO3, PPO6 (microns) and pixel size (microns). */
  ppo3: number;
  ppo6: number;
  xPixelSize: number;
  yPixelSize: number;
  /** Corner offsets of this cut-out on the plate, pixels. */
  cnpix1: number;
  cnpix2: number;
  /** AMDX1…AMDX13 and AMDY1…AMDY13 (arcsec per mm^k). */
  amdx: Float64Array;
  amdy: Float64Array;
}

/** Keywords whose presence marks a DSS plate solution. */
export const DSS_KEYS = ['PLTRAH', 'PLTDECD', 'AMDX1', 'AMDY1', 'PPO3', 'PPO6', 'XPIXELSZ', 'YPIXELSZ'];

/** True when the header carries a DSS plate solution. */
export function hasDss(header: Header): boolean {
  return header.has('PLTRAH') && header.has('AMDX1') && header.has('AMDY1');
}

/**
 * Read the plate solution.
 * @throws MosaicError E_WCS_KEYWORD naming the first missing or non-numeric keyword.
 */
export function readDss(header: Header): DssPlate {
  const num = (key: string, dflt?: number): number => {
    const v = header.number(key);
    if (v !== undefined) return v;
    if (dflt !== undefined && !header.has(key)) return dflt;
    throw new MosaicError('E_WCS_KEYWORD', header.has(key) ? `${key} must be a number but is ${String(header.get(key))}` : `${key} is missing from the DSS plate solution`);
  };
  const raDeg = 15 * (num('PLTRAH') + num('PLTRAM', 0) / 60 + num('PLTRAS', 0) / 3600);
  const sign = (header.string('PLTDECSN') ?? '+').trim().startsWith('-') ? -1 : 1;
  const decDeg = sign * (num('PLTDECD') + num('PLTDECM', 0) / 60 + num('PLTDECS', 0) / 3600);
  const amdx = new Float64Array(13);
  const amdy = new Float64Array(13);
  for (let i = 0; i < 13; i++) {
    amdx[i] = num(`AMDX${i + 1}`, 0);
    amdy[i] = num(`AMDY${i + 1}`, 0);
  }
  return {
    raDeg,
    decDeg,
    ppo3: num('PPO3'),
    ppo6: num('PPO6'),
    xPixelSize: num('XPIXELSZ'),
    yPixelSize: num('YPIXELSZ'),
    cnpix1: num('CNPIX1', 0),
    cnpix2: num('CNPIX2', 0),
    amdx,
    amdy,
  };
}

/** Pixel → (xi, eta) in degrees. The inverse is found by iteration. */
export class DssModel implements PlaneModel {
  readonly kind = 'dss';
  readonly exactInverse = false;
  /** Local inverse Jacobian at the image centre, pixels per degree, for the starting guess. */
  private readonly ref: [number, number, number, number, number, number];

  constructor(
    readonly plate: DssPlate,
    centre: readonly [number, number],
  ) {
    const o = new Float64Array(2);
    const h = 1;
    this.forward(centre[0], centre[1], o);
    const [x0, y0] = o;
    this.forward(centre[0] + h, centre[1], o);
    const a = (o[0] - x0) / h;
    const c = (o[1] - y0) / h;
    this.forward(centre[0], centre[1] + h, o);
    const b = (o[0] - x0) / h;
    const d = (o[1] - y0) / h;
    const det = a * d - b * c;
    this.ref = [d / det, -b / det, -c / det, a / det, x0, y0];
    this.centre = centre;
  }

  private readonly centre: readonly [number, number];

  forward(px: number, py: number, out: Float64Array): void {
    const p = this.plate;
    // Plate millimetres, x increasing to the east as in the DSS convention.
    const x = (p.ppo3 - (px + p.cnpix1 - 0.5) * p.xPixelSize) / 1000;
    const y = ((py + p.cnpix2 - 0.5) * p.yPixelSize - p.ppo6) / 1000;
    const x2 = x * x;
    const y2 = y * y;
    const xy = x * y;
    const r2 = x2 + y2;
    const r4 = r2 * r2;
    const a = p.amdx;
    const b = p.amdy;
    const xi =
      a[0] * x + a[1] * y + a[2] + a[3] * x2 + a[4] * xy + a[5] * y2 + a[6] * r2 +
      a[7] * x2 * x + a[8] * x2 * y + a[9] * y2 * x + a[10] * y2 * y + a[11] * x * r2 + a[12] * x * r4;
    const eta =
      b[0] * y + b[1] * x + b[2] + b[3] * y2 + b[4] * xy + b[5] * x2 + b[6] * r2 +
      b[7] * y2 * y + b[8] * y2 * x + b[9] * x2 * y + b[10] * x2 * x + b[11] * y * r2 + b[12] * y * r4;
    out[0] = xi / 3600;
    out[1] = eta / 3600;
  }

  guess(x: number, y: number, out: Float64Array): void {
    const [i00, i01, i10, i11, x0, y0] = this.ref;
    const dx = x - x0;
    const dy = y - y0;
    out[0] = this.centre[0] + i00 * dx + i01 * dy;
    out[1] = this.centre[1] + i10 * dx + i11 * dy;
  }
}

/**
 * The linear pixel → intermediate map of Paper I (Greisen & Calabretta 2002, A&A 395, 1061,
 * eq. 3): x = CD · (p − CRPIX), with CD = diag(CDELT) · PC when PC/CDELT are given.
 */
import type { PlaneModel } from './types.js';

/** 2×2 matrix, row-major: [m00, m01, m10, m11]. */
export type Mat2 = readonly [number, number, number, number];

/** Inverse of a 2×2 matrix; the caller has checked the determinant is non-zero. */
export function invert2(m: Mat2): Mat2 {
  const det = m[0] * m[3] - m[1] * m[2];
  return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det];
}

/** The plain linear map (no distortion); also the base of the SIP, TPV and TNX models. */
export class LinearModel implements PlaneModel {
  readonly kind: string = 'linear';
  readonly exactInverse: boolean = true;
  readonly inv: Mat2;

  /** `crpix` 1-based reference pixel; `cd` degrees per pixel. */
  constructor(
    readonly crpix: readonly [number, number],
    readonly cd: Mat2,
  ) {
    this.inv = invert2(cd);
  }

  forward(px: number, py: number, out: Float64Array): void {
    const u = px - this.crpix[0];
    const v = py - this.crpix[1];
    const m = this.cd;
    out[0] = m[0] * u + m[1] * v;
    out[1] = m[2] * u + m[3] * v;
  }

  guess(x: number, y: number, out: Float64Array): void {
    const m = this.inv;
    out[0] = m[0] * x + m[1] * y + this.crpix[0];
    out[1] = m[2] * x + m[3] * y + this.crpix[1];
  }
}

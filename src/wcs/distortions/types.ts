/**
 * The map from 1-based pixel coordinates to intermediate world coordinates (degrees, the
 * plane the projection works on): the linear part of Paper I plus any distortion (SIP,
 * TPV, DSS). Every model is a forward function; the inverse is found by iteration in
 * `plane.ts`, starting from `guess` when the model has a closed-form approximation.
 */
export interface PlaneModel {
  /** Name for messages and `toHeader`: `linear`, `sip`, `tpv`, `dss`. */
  readonly kind: string;
  /** (px, py) 1-based pixel → out[0], out[1] intermediate coordinates, degrees. */
  forward(px: number, py: number, out: Float64Array): void;
  /** Approximate inverse (intermediate → pixel), used as the starting point of the iteration. */
  guess(x: number, y: number, out: Float64Array): void;
  /** True when `guess` is exact (no iteration needed). */
  readonly exactInverse: boolean;
}

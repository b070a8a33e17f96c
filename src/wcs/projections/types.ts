/**
 * The contract every projection module implements (FITS WCS Paper II, Calabretta & Greisen 2002).
 *
 * A projection maps intermediate world coordinates (x, y), in degrees, to native spherical
 * coordinates (phi, theta), in degrees, and back. Points off the projection (outside its
 * boundary, or in a divergent region) give NaN in both outputs. Methods are vectorised over
 * typed arrays; output arrays may alias the inputs.
 */
export interface Projection {
  /** Three-letter code, e.g. `TAN`. */
  readonly code: string;
  /** Native longitude of the fiducial point, degrees (after any PVi_1 override). */
  readonly phi0: number;
  /** Native latitude of the fiducial point, degrees (after any PVi_2 override). */
  readonly theta0: number;
  /** (x, y) → (phi, theta); n elements. */
  toNative(x: Float64Array, y: Float64Array, phi: Float64Array, theta: Float64Array, n?: number): void;
  /** (phi, theta) → (x, y); n elements. */
  fromNative(phi: Float64Array, theta: Float64Array, x: Float64Array, y: Float64Array, n?: number): void;
}

/**
 * Projection parameters from the header: `pv(m)` gives PVi_m of the latitude axis
 * (undefined when absent); `pvLon(m)` gives PVj_m of the longitude axis (PVj_0 … PVj_2
 * set the fiducial point offset; see Paper II §2.5).
 */
export interface ProjectionParams {
  pv(m: number): number | undefined;
  pvLon(m: number): number | undefined;
  /** 1-based number of the latitude axis, used only in error messages (default 2). */
  latAxis?: number;
  /** 1-based number of the longitude axis, used only in error messages (default 1). */
  lonAxis?: number;
}

/** Builds a projection; throws MosaicError('E_WCS_PROJECTION' | 'E_WCS_KEYWORD') for invalid parameters. */
export type ProjectionFactory = (params: ProjectionParams) => Projection;

/**
 * Shared plumbing for the projection families: PV parameter access with defaults, error
 * messages that name the offending keyword, and the fiducial-point handling of FITS WCS
 * Paper II §2.5 (PVj_0/PVj_1/PVj_2 on the longitude axis), done the way WCSLIB's prjoff does.
 */
import { MosaicError } from '../../errors.js';
import type { Projection, ProjectionParams } from './types.js';

/** PVi_m of the latitude axis, or `def` when absent. */
export function pvOr(params: ProjectionParams, m: number, def: number): number {
  const v = params.pv(m);
  return v === undefined ? def : v;
}

/** The keyword name of PVi_m on the latitude axis, e.g. `PV2_1`. */
export function pvName(params: ProjectionParams, m: number): string {
  return `PV${params.latAxis ?? 2}_${m}`;
}

/** An E_WCS_KEYWORD error naming PVi_m of the latitude axis. */
export function badPv(params: ProjectionParams, code: string, m: number, why: string): MosaicError {
  return new MosaicError('E_WCS_KEYWORD', `${code}: invalid ${pvName(params, m)}: ${why}`);
}

/** The fiducial point and whether (x, y) must be offset so that it maps to (0, 0). */
export interface Fiducial {
  phi0: number;
  theta0: number;
  offset: boolean;
}

/**
 * Fiducial point: PVj_1, PVj_2 of the longitude axis override the defaults. As in WCSLIB,
 * the projection is offset only when PVj_0 is non-zero and both PVj_1 and PVj_2 are given.
 */
export function fiducial(params: ProjectionParams, phi0: number, theta0: number): Fiducial {
  const p1 = params.pvLon(1);
  const p2 = params.pvLon(2);
  const p0 = params.pvLon(0) ?? 0;
  return {
    phi0: p1 ?? phi0,
    theta0: p2 ?? theta0,
    offset: p0 !== 0 && p1 !== undefined && p2 !== undefined,
  };
}

/**
 * Applies the fiducial offset: projects (phi0, theta0) with the unoffset projection and hands
 * the result to `setOffset`, which the projection adds to x, y before deprojecting (and
 * subtracts after projecting). Throws E_WCS_KEYWORD when the fiducial point is off the projection.
 */
export function applyOffset(
  proj: Projection,
  fid: Fiducial,
  params: ProjectionParams,
  setOffset: (x0: number, y0: number) => void,
): Projection {
  if (!fid.offset) return proj;
  const x = new Float64Array(1);
  const y = new Float64Array(1);
  proj.fromNative(Float64Array.of(fid.phi0), Float64Array.of(fid.theta0), x, y, 1);
  if (!Number.isFinite(x[0]) || !Number.isFinite(y[0])) {
    const j = params.lonAxis ?? 1;
    throw new MosaicError(
      'E_WCS_KEYWORD',
      `${proj.code}: fiducial point PV${j}_1=${fid.phi0}, PV${j}_2=${fid.theta0} is off the projection`,
    );
  }
  setOffset(x[0], y[0]);
  return proj;
}

/** The fiducial offset, read by a projection's kernels on every call (0 unless offset). */
export interface Offset {
  x0: number;
  y0: number;
}

/**
 * Assembles a projection from its two kernels: resolves the fiducial point (defaults
 * phi0Def, theta0Def), then applies the PVj_0 offset. `build` receives the offset object
 * that its kernels must add to (x, y) before deprojecting and subtract after projecting.
 */
export function assemble(
  code: string,
  params: ProjectionParams,
  phi0Def: number,
  theta0Def: number,
  build: (o: Offset) => Pick<Projection, 'toNative' | 'fromNative'>,
): Projection {
  const fid = fiducial(params, phi0Def, theta0Def);
  const off: Offset = { x0: 0, y0: 0 };
  const k = build(off);
  const proj: Projection = { code, phi0: fid.phi0, theta0: fid.theta0, toNative: k.toNative, fromNative: k.fromNative };
  return applyOffset(proj, fid, params, (x0, y0) => {
    off.x0 = x0;
    off.y0 = y0;
  });
}

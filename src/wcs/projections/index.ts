/**
 * Registry of the FITS WCS projections (Calabretta & Greisen 2002, Paper II, plus HEALPix,
 * Calabretta & Roukema 2007), keyed by the three-letter code of CTYPEi.
 *
 * @example
 * const tan = makeProjection('TAN', { pv: () => undefined, pvLon: () => undefined });
 * const x = new Float64Array(1), y = new Float64Array(1);
 * tan.fromNative(Float64Array.of(0), Float64Array.of(89), x, y); // x = 0, y ≈ -1.0002
 */
import { MosaicError } from '../../errors.js';
import type { Projection, ProjectionFactory, ProjectionParams } from './types.js';
import { air, arc, azp, sin, stg, szp, tan, zea, zpn } from './zenithal.js';
import { car, cea, cyp, mer } from './cylindrical.js';
import { ait, gls, mol, par, sfl } from './pseudo-cylindrical.js';
import { cod, coe, coo, cop } from './conic.js';
import { bon, pco } from './polyconic.js';
import { csc, qsc, tsc } from './quad-cube.js';
import { hpx } from './healpix.js';

export type { Projection, ProjectionFactory, ProjectionParams } from './types.js';

/** Every supported projection by code. GLS is an alias of SFL. NCP is not here: it is SIN with PV2_2 = cot(CRVAL2), set up by the WCS reader. */
export const PROJECTIONS: Readonly<Record<string, ProjectionFactory>> = Object.freeze({
  AZP: azp, SZP: szp, TAN: tan, STG: stg, SIN: sin, ARC: arc, ZPN: zpn, ZEA: zea, AIR: air,
  CYP: cyp, CEA: cea, CAR: car, MER: mer,
  SFL: sfl, GLS: gls, PAR: par, MOL: mol, AIT: ait,
  COP: cop, COE: coe, COD: cod, COO: coo,
  BON: bon, PCO: pco,
  TSC: tsc, CSC: csc, QSC: qsc,
  HPX: hpx,
});

/**
 * Builds the projection for a CTYPE code.
 * @param code three-letter projection code, e.g. `TAN` (case-sensitive, as in FITS).
 * @param params PV parameters of the latitude (`pv`) and longitude (`pvLon`) axes.
 * @throws MosaicError E_WCS_PROJECTION for an unknown code; E_WCS_KEYWORD naming the PV
 *   keyword for invalid parameters (e.g. a conic without PV2_1).
 */
export function makeProjection(code: string, params: ProjectionParams): Projection {
  const factory = Object.prototype.hasOwnProperty.call(PROJECTIONS, code) ? PROJECTIONS[code] : undefined;
  if (!factory) throw new MosaicError('E_WCS_PROJECTION', `unknown projection code "${code}"`);
  return factory(params);
}

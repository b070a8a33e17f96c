/**
 * mosaic — the public library API. Re-exports only; everything not listed here is internal.
 *
 * @example
 * import { buildMosaic } from 'mosaic';
 * await buildMosaic({ inputs: ['Kimages/'], output: 'm17.fits' });
 */

// Errors: one format (code, stage, file) everywhere.
export { MosaicError, asMosaicError, type ErrorCode } from './errors.js';
export { VERSION } from './version.js';

// FITS files and IPAC tables / header templates (the only modules that touch files).
export * from './fits/index.js';
export {
  parseIpacTable,
  formatIpacTable,
  readIpacTable,
  writeIpacTable,
  findColumn,
  type IpacTable,
  type IpacColumn,
  type IpacValue,
} from './tables/ipac.js';
export { parseTemplate, formatTemplate, readTemplate, writeTemplate } from './tables/template.js';

// World coordinates.
export * from './wcs/index.js';

// Compute kernels (native Rust when built, TypeScript otherwise).
export { backend } from './native/load.js';

// Stages, one per Montage module.
export type { ProjectedImage } from './stages/types.js';
export { projectedHeader, placementFromHeader } from './stages/types.js';
export { imgtbl, type ImgtblOptions, type ImgtblResult } from './stages/imgtbl.js';
export { makeHeader, type MakeHdrOptions, type MakeHdrResult } from './stages/make-hdr.js';
export { project, mapCorners } from './stages/project.js';
export { overlaps, findOverlaps } from './stages/overlaps.js';
export { diffImages } from './stages/diff.js';
export { fitDiffPlane, type PlaneFit } from './stages/fit-plane.js';
export { bgModel, type Correction, type BgModelResult } from './stages/bg-model.js';
export { subtractBackground } from './stages/background.js';
export { add, Coadder, type CombineMethod } from './stages/add.js';
export { view, histogram, parseMViewerArgs } from './stages/view.js';
export { simulate } from './stages/simulate.js';

// The whole pipeline.
export { buildMosaic } from './pipeline/build.js';

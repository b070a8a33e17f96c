/** World coordinates: the public surface of `src/wcs/`. */
export { Wcs, DSS_KEYWORDS, type WcsOptions, type CoordArrays, type PixelArrays } from './wcs.js';
export {
  convertSky,
  convertSkyMany,
  parseFrame,
  formatFrame,
  besselianToJulian,
  FrameConversion,
  type CelestialFrame,
  type FrameSystem,
} from './frames.js';
export {
  footprintCorners,
  outline,
  pixelSolidAngle,
  triangleSolidAngle,
  greatCircleDistanceDeg,
  containsSky,
  lonLatToVec,
  vecToLonLat,
  dot3,
  cross3,
  normalize3,
  type Vec3,
} from './geometry.js';
export { pixToSkyLines, skyToPixLines, parsePairs, formatCoord } from './lines.js';
export { makeProjection, PROJECTIONS, type Projection, type ProjectionParams, type ProjectionFactory } from './projections/index.js';
export {
  wcsDescriptor,
  wcsDescriptorFromHeader,
  nativeSupport,
  nativePixToSky,
  nativeSkyToPix,
  mapPixels,
  mapPixelsAsync,
  type NativeSupport,
  type MapPixelsOptions,
} from './native.js';

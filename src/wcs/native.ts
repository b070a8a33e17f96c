/**
 * The native (Rust) path of the WCS transforms: serialises a {@link Wcs} into the flat
 * descriptor that `crates/mosaic-core/src/wcs/descriptor.rs` parses, and runs pixel ↔ sky and
 * pixel → pixel mapping in the addon. The TypeScript `Wcs` is the reference; the Rust twin
 * ports it formula for formula and agrees to 1e-12 relative (test/wcs/native.test.ts).
 *
 * Every `native*` function takes a `Wcs` or a descriptor and returns `undefined` when the
 * addon is absent or the WCS cannot be described from the `Wcs` alone ({@link nativeSupport}
 * says why: TNX and DSS need {@link wcsDescriptorFromHeader}); {@link mapPixels} falls back to
 * the TypeScript `Wcs` by itself.
 *
 * Descriptor layout, version 1 (Float64Array; NaN = absent):
 * `[0]` version 1 · `[1]` projection index in {@link NATIVE_PROJECTIONS} · `[2]` distortion
 * (0 none, 1 SIP, 2 TPV, 3 TNX, 4 DSS) · `[3,4]` CRPIX (1-based) · `[5..8]` CD row-major, degrees/pixel (rows
 * lon, lat) · `[9,10]` CRVAL · `[11..15]` Euler angles lonPole, colatPole, phiPole, cosColat,
 * sinColat (resolved LONPOLE/LATPOLE, from `eulerFromFiducial`) · `[16]` effective LATPOLE ·
 * `[17..19]` PVj_0..2 of the longitude axis · `[20..49]` PVi_0..29 of the latitude axis ·
 * `[50]` L, length of the distortion block · `[51..]` the block: SIP = for A, B, AP, BP the
 * order (−1 absent) then (order+1)² coefficients `c[p*(order+1)+q]`; TPV = maxPower, nLon,
 * (k, c)·nLon, nLat, (k, c)·nLat; TNX = for lngcor, latcor 0 (absent) or 1, type, xorder,
 * yorder, xterms, xmin, xmax, ymin, ymax, nCoeff, coefficients; DSS = image centre x, y, PPO3,
 * PPO6, XPIXELSZ, YPIXELSZ, CNPIX1, CNPIX2, AMDX1..13, AMDY1..13 (CRVAL = plate centre).
 */
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { native } from '../native/load.js';
import { readWcsSpec, type WcsSpec } from './header-spec.js';
import { makeProjection } from './projections/index.js';
import { eulerFromFiducial } from './sphere.js';
import { D2R, R2D, normLon } from './trig.js';
import type { CoordArrays, PixelArrays, Wcs } from './wcs.js';

/** Descriptor format version written here (and read by the Rust side). */
export const WCS_DESCRIPTOR_VERSION = 1;

/** Projection codes in the order of the Rust `PROJECTION_CODES` table (the descriptor stores the index). */
export const NATIVE_PROJECTIONS: readonly string[] = [
  'AZP', 'SZP', 'TAN', 'STG', 'SIN', 'ARC', 'ZPN', 'ZEA', 'AIR', 'CYP', 'CEA', 'CAR', 'MER', 'SFL', 'GLS', 'PAR',
  'MOL', 'AIT', 'COP', 'COE', 'COD', 'COO', 'BON', 'PCO', 'TSC', 'CSC', 'QSC', 'HPX',
];

const HEADER_LEN = 51;

/** Whether the native path can run a WCS, and if not, why. */
export type NativeSupport = { ok: true } | { ok: false; reason: string };

const cache = new WeakMap<Wcs, { desc?: Float64Array; reason?: string }>();

function build(wcs: Wcs): { desc?: Float64Array; reason?: string } {
  if (wcs.distortion === 'tnx' || wcs.distortion === 'dss') {
    // Kept to the header route (wcsDescriptorFromHeader), where they are tested against the
    // TypeScript.
    return { reason: `${wcs.distortion.toUpperCase()}: build the descriptor with wcsDescriptorFromHeader(header)` };
  }
  return descriptorFromSpec(wcs.headerSpec);
}

/** The descriptor of a parsed header spec (the same choices as the Wcs constructor). */
function descriptorFromSpec(spec: WcsSpec): { desc?: Float64Array; reason?: string } {
  const proj = NATIVE_PROJECTIONS.indexOf(spec.projection);
  if (proj < 0) return { reason: `projection ${spec.projection} is not implemented in the native core` };
  const p = makeProjection(spec.projection, { pv: (m) => spec.pv.get(m), pvLon: (m) => spec.pvLon.get(m) });
  const e = eulerFromFiducial({
    lon0: spec.crval[0], lat0: spec.crval[1], phi0: p.phi0, theta0: p.theta0, lonpole: spec.lonpole, latpole: spec.latpole,
  });
  const tnx = spec.tnx && (spec.tnx.lng || spec.tnx.lat) ? spec.tnx : undefined;
  const d: number[] = new Array<number>(HEADER_LEN).fill(NaN);
  d[0] = WCS_DESCRIPTOR_VERSION;
  d[1] = proj;
  d[2] = spec.dss ? 4 : spec.sip ? 1 : tnx ? 3 : spec.tpv ? 2 : 0;
  [d[3], d[4]] = spec.crpix;
  [d[5], d[6], d[7], d[8]] = spec.cd;
  [d[9], d[10]] = spec.crval;
  [d[11], d[12], d[13], d[14], d[15], d[16]] = [e.lonPole, e.colatPole, e.phiPole, e.cosColat, e.sinColat, e.latPole];
  for (let m = 0; m < 3; m++) d[17 + m] = spec.pvLon.get(m) ?? NaN;
  for (let m = 0; m < 30; m++) d[20 + m] = spec.pv.get(m) ?? NaN;
  const block: number[] = [];
  if (spec.dss) {
    const q = spec.dss;
    block.push(((spec.naxis[0] ?? 0) + 1) / 2, ((spec.naxis[1] ?? 0) + 1) / 2);
    block.push(q.ppo3, q.ppo6, q.xPixelSize, q.yPixelSize, q.cnpix1, q.cnpix2, ...q.amdx, ...q.amdy);
  } else if (spec.sip) {
    for (const poly of [spec.sip.a, spec.sip.b, spec.sip.ap, spec.sip.bp]) {
      if (!poly) block.push(-1);
      else block.push(poly.order, ...poly.c);
    }
  } else if (tnx) {
    for (const sf of [tnx.lng, tnx.lat]) {
      if (!sf) block.push(0);
      else block.push(1, sf.type, sf.xorder, sf.yorder, sf.xterms, sf.xmin, sf.xmax, sf.ymin, sf.ymax, sf.coeff.length, ...sf.coeff);
    }
  } else if (spec.tpv) {
    block.push(spec.tpv.maxPower);
    for (const axis of [spec.tpv.lon, spec.tpv.lat]) {
      block.push(axis.length);
      for (const [k, c] of axis) block.push(k, c);
    }
  }
  d[50] = block.length;
  return { desc: Float64Array.from([...d, ...block]) };
}

/**
 * The descriptor of the celestial WCS of a header (primary or alternate `alt`), read exactly as
 * `Wcs.fromHeader` reads it. Covers every distortion, TNX and DSS included.
 * @throws MosaicError as `Wcs.fromHeader` for an invalid WCS; E_NATIVE for a projection the
 *   native core lacks.
 */
export function wcsDescriptorFromHeader(header: Header, alt = ''): Float64Array {
  const r = descriptorFromSpec(readWcsSpec(header, alt));
  if (!r.desc) throw new MosaicError('E_NATIVE', `no native WCS descriptor: ${r.reason}`, { stage: 'wcs' });
  return r.desc;
}

function entry(wcs: Wcs): { desc?: Float64Array; reason?: string } {
  let e = cache.get(wcs);
  if (!e) {
    e = build(wcs);
    cache.set(wcs, e);
  }
  return e;
}

/**
 * The flat Float64Array descriptor of a WCS (layout in this module's header comment); cached
 * per instance. Treat it as read-only.
 * @throws MosaicError E_NATIVE when the WCS uses a feature the native core lacks (see {@link nativeSupport}).
 */
export function wcsDescriptor(wcs: Wcs): Float64Array {
  const e = entry(wcs);
  if (!e.desc) throw new MosaicError('E_NATIVE', `no native WCS descriptor: ${e.reason}`, { stage: 'wcs' });
  return e.desc;
}

/**
 * Whether the native path can transform with `wcs`: false with the reason when the addon is
 * not loaded, or for TNX and DSS distortions, which the core implements but which need the
 * header ({@link wcsDescriptorFromHeader}); SIP, TPV and every projection of Paper II + HPX
 * work from the Wcs alone.
 */
export function nativeSupport(wcs: Wcs): NativeSupport {
  if (!native) return { ok: false, reason: 'the native addon is not loaded' };
  const e = entry(wcs);
  return e.desc ? { ok: true } : { ok: false, reason: e.reason ?? 'unknown' };
}

/** A Wcs, or a descriptor made by {@link wcsDescriptor} / {@link wcsDescriptorFromHeader}. */
export type NativeWcsSource = Wcs | Float64Array;

function descOrUndefined(wcs: NativeWcsSource): Float64Array | undefined {
  if (!native) return undefined;
  return wcs instanceof Float64Array ? wcs : entry(wcs).desc;
}

function checkPair(a: Float64Array, b: Float64Array, names: string): void {
  if (a.length !== b.length) {
    throw new MosaicError('E_ARGUMENT', `Expected arrays of equal length for ${names} but received ${a.length} and ${b.length}`);
  }
}

/**
 * Pixel (1-based) → sky (degrees, lon in [0, 360)) in the native core; NaN off the projection.
 * Same results as `wcs.pixToSkyMany` to 1e-12 relative. Undefined when not supported.
 * @throws MosaicError E_ARGUMENT when x and y differ in length.
 */
export function nativePixToSky(wcs: NativeWcsSource, x: Float64Array, y: Float64Array): CoordArrays | undefined {
  checkPair(x, y, 'x, y');
  const d = descOrUndefined(wcs);
  if (!d || !native) return undefined;
  const out = { lon: new Float64Array(x.length), lat: new Float64Array(x.length) };
  native.wcsPixToSky(d, x, y, out.lon, out.lat);
  return out;
}

/** {@link nativePixToSky} off the JS thread; the inputs must not change until it settles. */
export async function nativePixToSkyAsync(wcs: NativeWcsSource, x: Float64Array, y: Float64Array): Promise<CoordArrays | undefined> {
  checkPair(x, y, 'x, y');
  const d = descOrUndefined(wcs);
  if (!d || !native) return undefined;
  const out = { lon: new Float64Array(x.length), lat: new Float64Array(x.length) };
  await native.wcsPixToSkyAsync(d, x, y, out.lon, out.lat);
  return out;
}

/**
 * Sky (degrees) → pixel (1-based) in the native core; NaN where the point is not on the
 * projection. Same results as `wcs.skyToPixMany`. Undefined when not supported.
 * @throws MosaicError E_ARGUMENT when lon and lat differ in length.
 */
export function nativeSkyToPix(wcs: NativeWcsSource, lon: Float64Array, lat: Float64Array): PixelArrays | undefined {
  checkPair(lon, lat, 'lon, lat');
  const d = descOrUndefined(wcs);
  if (!d || !native) return undefined;
  const out = { x: new Float64Array(lon.length), y: new Float64Array(lon.length) };
  native.wcsSkyToPix(d, lon, lat, out.x, out.y);
  return out;
}

/** {@link nativeSkyToPix} off the JS thread. */
export async function nativeSkyToPixAsync(wcs: NativeWcsSource, lon: Float64Array, lat: Float64Array): Promise<PixelArrays | undefined> {
  checkPair(lon, lat, 'lon, lat');
  const d = descOrUndefined(wcs);
  if (!d || !native) return undefined;
  const out = { x: new Float64Array(lon.length), y: new Float64Array(lon.length) };
  await native.wcsSkyToPixAsync(d, lon, lat, out.x, out.y);
  return out;
}

/** Options of {@link mapPixels}. */
export interface MapPixelsOptions {
  /**
   * Row-major 3×3 rotation from the frame of `from` to the frame of `to`, acting on unit
   * vectors (a pure-rotation frame change such as ICRS → Galactic); default: same frame.
   */
  rotation?: Float64Array;
  /** Threads for the native core (default 1); results do not depend on it. */
  threads?: number;
  /** Force the TypeScript path (for comparisons). Default false. */
  typescript?: boolean;
}

/** {@link mapPixels} off the JS thread when native (the inputs must not change until it settles). */
export async function mapPixelsAsync(
  from: Wcs, to: Wcs, x: Float64Array, y: Float64Array, opts: MapPixelsOptions = {},
): Promise<PixelArrays> {
  checkPair(x, y, 'x, y');
  const rot = checkRotation(opts.rotation);
  const df = opts.typescript ? undefined : descOrUndefined(from);
  const dt = opts.typescript ? undefined : descOrUndefined(to);
  if (!df || !dt || !native) return mapPixels(from, to, x, y, { ...opts, typescript: true });
  const out = { x: new Float64Array(x.length), y: new Float64Array(x.length) };
  await native.wcsMapPixelsAsync(df, dt, rot ?? null, x, y, out.x, out.y, opts.threads ?? 1);
  return out;
}

function checkRotation(rot: Float64Array | undefined): Float64Array | undefined {
  if (rot && (rot.length !== 9 || !rot.every(Number.isFinite))) {
    throw new MosaicError('E_ARGUMENT', `Expected 9 finite numbers for rotation but received ${rot.length} values`);
  }
  return rot;
}

function rotateTs(m: Float64Array, lon: Float64Array, lat: Float64Array): void {
  for (let i = 0; i < lon.length; i++) {
    const lo = lon[i] * D2R;
    const la = lat[i] * D2R;
    if (!Number.isFinite(lo) || !Number.isFinite(la)) {
      lon[i] = lat[i] = NaN;
      continue;
    }
    const cl = Math.cos(la);
    const v0 = cl * Math.cos(lo);
    const v1 = cl * Math.sin(lo);
    const v2 = Math.sin(la);
    const x = m[0] * v0 + m[1] * v1 + m[2] * v2;
    const y = m[3] * v0 + m[4] * v1 + m[5] * v2;
    const z = m[6] * v0 + m[7] * v1 + m[8] * v2;
    lon[i] = normLon(Math.atan2(y, x) * R2D);
    lat[i] = Math.atan2(z, Math.hypot(x, y)) * R2D;
  }
}

/**
 * Pixels of image `from` → pixels of image `to` (both 1-based), through the sky: the hot path
 * of reprojection. Runs natively when both WCSs are supported, else with the TypeScript `Wcs`
 * (same results to 1e-12). NaN where either WCS has no answer.
 * @throws MosaicError E_ARGUMENT for x/y of different lengths or a rotation that is not 9 finite numbers.
 * @example
 * const { x: tx, y: ty } = mapPixels(srcWcs, mosaicWcs, xs, ys);
 */
export function mapPixels(from: Wcs, to: Wcs, x: Float64Array, y: Float64Array, opts: MapPixelsOptions = {}): PixelArrays {
  checkPair(x, y, 'x, y');
  const rot = checkRotation(opts.rotation);
  const df = opts.typescript ? undefined : descOrUndefined(from);
  const dt = opts.typescript ? undefined : descOrUndefined(to);
  const out = { x: new Float64Array(x.length), y: new Float64Array(x.length) };
  if (df && dt && native) {
    native.wcsMapPixels(df, dt, rot ?? null, x, y, out.x, out.y, opts.threads ?? 1);
    return out;
  }
  const sky = from.pixToSkyMany(x, y);
  if (rot) rotateTs(rot, sky.lon, sky.lat);
  return to.skyToPixMany(sky.lon, sky.lat, out);
}

/**
 * What the native corner grid needs of a template → input mapping: both descriptors and the
 * frame rotation (null: same frame). See {@link nativeCornerMap}.
 */
export interface NativeCornerMap {
  template: Float64Array;
  input: Float64Array;
  rotation: Float64Array | null;
}

/**
 * The native corner map from `template` to `input`, or undefined where the addon lacks it,
 * either WCS has no descriptor, or the frame change is more than a rotation.
 */
export function nativeCornerMap(template: Wcs, input: Wcs, rotation: Float64Array | null | undefined): NativeCornerMap | undefined {
  if (!native?.wcsCornerGrid || rotation === undefined) return undefined;
  const t = descOrUndefined(template);
  const i = descOrUndefined(input);
  return t && i ? { template: t, input: i, rotation } : undefined;
}

/**
 * `project`'s checked corner grid (src/stages/project-grid.ts) in the native core: corner
 * (i, j) of the cw × ch grid is template pixel (x0 + i + 0.5, y0 + j + 0.5), mapped to the
 * input's 0-based pixel into `x`, `y`; `state` is left 2 where mapped exactly. Returns the
 * corners mapped exactly (crates/mosaic-core/src/corner_grid.rs).
 */
export function nativeCornerGrid(
  map: NativeCornerMap, x0: number, y0: number, cw: number, ch: number, step: number, tolPx: number,
  out: { cornerX: Float64Array; cornerY: Float64Array; state: Uint8Array },
): number {
  return native!.wcsCornerGrid!(map.template, map.input, map.rotation, x0, y0, cw, ch, step, tolPx, out.cornerX, out.cornerY, out.state);
}

/**
 * Solid angles (sr) of the template pixels (x0 + i, y0 + j) (0-based) for the (i, j) pairs in
 * `pixels`, in the native core (crates/mosaic-core/src/solid_angle.rs, twin of `project`'s
 * TypeScript); undefined where the addon lacks it or `wcs` has no descriptor.
 */
export function nativePixelSolidAngles(wcs: Wcs, x0: number, y0: number, pixels: Int32Array): Float64Array | undefined {
  const d = native?.wcsPixelSolidAngles ? descOrUndefined(wcs) : undefined;
  if (!d) return undefined;
  const out = new Float64Array(pixels.length / 2);
  native!.wcsPixelSolidAngles!(d, x0, y0, pixels, out);
  return out;
}

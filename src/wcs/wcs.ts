/**
 * World coordinate systems of FITS images: 1-based pixel coordinates ↔ celestial coordinates.
 *
 * Pipeline (Greisen & Calabretta 2002, Paper I; Calabretta & Greisen 2002, Paper II):
 * pixel → [SIP] → CD·(p − CRPIX) → [TPV polynomial] → intermediate (x, y), degrees →
 * projection (native phi, theta) → spherical rotation (celestial lon, lat). A DSS plate
 * solution replaces the first steps with its AMD polynomials. The inverse runs the same steps
 * backwards, iterating where a distortion has no closed-form inverse.
 *
 * Off-projection points give NaN; longitudes are normalised to [0, 360).
 */
import { MosaicError } from '../errors.js';
import { Header } from '../fits/header.js';
import { DssModel, DSS_KEYS } from './distortions/dss.js';
import { PlaneInverter } from './distortions/invert.js';
import { LinearModel, type Mat2 } from './distortions/linear.js';
import { SipModel } from './distortions/sip.js';
import { TnxModel } from './distortions/tnx.js';
import { TpvModel } from './distortions/tpv.js';
import type { PlaneModel } from './distortions/types.js';
import type { CelestialFrame } from './frames.js';
import { readWcsSpec, type WcsSpec } from './header-spec.js';
import { makeProjection } from './projections/index.js';
import type { Projection, ProjectionParams } from './projections/types.js';
import { celestialToNative, eulerFromFiducial, nativeToCelestial, type EulerAngles } from './sphere.js';
import { normLon } from './trig.js';

/** Options of {@link Wcs.fromHeader}. */
export interface WcsOptions {
  /** Alternate WCS letter (`A`…`Z`); default: the primary description. */
  alt?: string;
  /** File name for error messages. */
  file?: string;
  /** Projection factory; default: the registry in `projections/`. For tests. */
  makeProjection?: (code: string, params: ProjectionParams) => Projection;
}

/** A pair of coordinate arrays (degrees or pixels). */
export interface CoordArrays {
  lon: Float64Array;
  lat: Float64Array;
}

/** Pixel coordinate arrays, 1-based. */
export interface PixelArrays {
  x: Float64Array;
  y: Float64Array;
}

/**
 * The celestial WCS of one header: immutable and vectorised. Build it with {@link Wcs.fromHeader}.
 * It keeps small scratch buffers, which is safe because each JS thread (worker) runs one call at a time.
 */
export class Wcs {
  /** NAXISn of the header (empty for a header without NAXIS). */
  readonly naxis: number[];
  /** CTYPE of the longitude and latitude axes, e.g. ['RA---TAN-SIP', 'DEC--TAN-SIP']. */
  readonly ctype: readonly [string, string];
  /** Projection code as in CTYPE (`TAN`, `TPV`, …; `DSS` for a plate solution). */
  readonly projectionCode: string;
  /** Celestial frame of (lon, lat). */
  readonly frame: CelestialFrame;
  /** CRVAL of longitude and latitude, degrees (the plate centre for DSS). */
  readonly crval: readonly [number, number];
  /** Reference pixel, 1-based, along the image axes x, y. */
  readonly crpix: readonly [number, number];
  /**
   * Effective linear matrix, degrees per pixel: rows (lon, lat) intermediate axes, columns
   * pixel x, y; `cd[0][0]` is ∂x_lon/∂px. For DSS, the local matrix at the image centre.
   */
  readonly cd: readonly [readonly [number, number], readonly [number, number]];
  /** sqrt(|det cd|), degrees per pixel. */
  readonly pixelScaleDeg: number;
  /** Distortion applied: 'none', 'sip', 'tpv', 'tnx' or 'dss'. */
  readonly distortion: 'none' | 'sip' | 'tpv' | 'tnx' | 'dss';
  /** 1-based world axis numbers of longitude and latitude in the header (0 for DSS). */
  readonly lonAxis: number;
  readonly latAxis: number;
  /** Notes about the header that did not stop the WCS from being built. */
  readonly warnings: readonly string[];

  private readonly spec: WcsSpec;
  private readonly plane: PlaneModel;
  private readonly linear: LinearModel | undefined;
  private readonly inverter: PlaneInverter;
  private readonly projection: Projection;
  private readonly euler: EulerAngles;
  private readonly s2 = new Float64Array(2);
  private readonly one = { a: new Float64Array(1), b: new Float64Array(1) };

  private constructor(spec: WcsSpec, makeProj: (code: string, params: ProjectionParams) => Projection) {
    this.spec = spec;
    this.naxis = spec.naxis;
    this.ctype = spec.ctype;
    this.projectionCode = spec.code;
    this.frame = spec.frame;
    this.crval = spec.crval;
    this.lonAxis = spec.lonAxis;
    this.latAxis = spec.latAxis;
    this.warnings = spec.warnings;
    const params: ProjectionParams = {
      pv: (m) => spec.pv.get(m),
      pvLon: (m) => spec.pvLon.get(m),
    };
    try {
      this.projection = makeProj(spec.projection, params);
    } catch (err) {
      // Name the keyword that chose the projection.
      if (err instanceof MosaicError && err.code === 'E_WCS_PROJECTION' && spec.lonAxis > 0) {
        throw new MosaicError(err.code, `CTYPE${spec.lonAxis}${spec.alt} = '${spec.ctype[0]}': ${err.message}`, { cause: err });
      }
      throw err;
    }
    this.euler = eulerFromFiducial({
      lon0: spec.crval[0],
      lat0: spec.crval[1],
      phi0: this.projection.phi0,
      theta0: this.projection.theta0,
      lonpole: spec.lonpole,
      latpole: spec.latpole,
    });
    const centre: [number, number] = [((spec.naxis[0] ?? 0) + 1) / 2, ((spec.naxis[1] ?? 0) + 1) / 2];
    if (spec.dss) {
      this.plane = new DssModel(spec.dss, centre);
      this.distortion = 'dss';
    } else if (spec.sip) {
      this.plane = new SipModel(spec.crpix, spec.cd, spec.sip);
      this.distortion = 'sip';
    } else if (spec.tnx && (spec.tnx.lng || spec.tnx.lat)) {
      this.plane = new TnxModel(spec.crpix, spec.cd, spec.tnx);
      this.distortion = 'tnx';
    } else if (spec.tpv) {
      this.plane = new TpvModel(spec.crpix, spec.cd, spec.tpv);
      this.distortion = 'tpv';
    } else {
      this.plane = new LinearModel(spec.crpix, spec.cd);
      this.distortion = 'none';
    }
    this.linear = this.distortion === 'none' ? (this.plane as LinearModel) : undefined;
    const ref: [number, number] = spec.dss ? centre : [spec.crpix[0], spec.crpix[1]];
    this.inverter = new PlaneInverter(this.plane, ref);
    let cd: Mat2 = spec.cd;
    let crpix: readonly [number, number] = spec.crpix;
    if (spec.dss) {
      // Local linearisation at the centre: the pixel where (xi, eta) = 0 and the Jacobian there.
      const o = this.s2;
      this.inverter.invert(0, 0, o);
      crpix = [o[0], o[1]];
      const f0 = new Float64Array(2);
      const f1 = new Float64Array(2);
      const h = 0.5;
      this.plane.forward(centre[0] - h, centre[1], f0);
      this.plane.forward(centre[0] + h, centre[1], f1);
      const a = [(f1[0] - f0[0]) / (2 * h), (f1[1] - f0[1]) / (2 * h)];
      this.plane.forward(centre[0], centre[1] - h, f0);
      this.plane.forward(centre[0], centre[1] + h, f1);
      const b = [(f1[0] - f0[0]) / (2 * h), (f1[1] - f0[1]) / (2 * h)];
      cd = [a[0], b[0], a[1], b[1]];
    }
    this.crpix = crpix;
    this.cd = [
      [cd[0], cd[1]],
      [cd[2], cd[3]],
    ];
    this.pixelScaleDeg = Math.sqrt(Math.abs(cd[0] * cd[3] - cd[1] * cd[2]));
  }

  /**
   * Build the celestial WCS of a header.
   * @throws MosaicError E_WCS_MISSING when the header has no celestial axes (nor a DSS plate
   *   solution); E_WCS_KEYWORD naming the keyword for a missing or mismatched CTYPE pair or a bad
   *   value; E_WCS_PROJECTION for an unknown projection code; E_WCS_SINGULAR for a singular
   *   CD or PC·CDELT matrix. The error carries `opts.file`.
   * @example
   * const wcs = Wcs.fromHeader(header);
   * const [ra, dec] = wcs.pixToSky(1, 1);
   */
  static fromHeader(header: Header, opts: WcsOptions = {}): Wcs {
    try {
      return new Wcs(readWcsSpec(header, opts.alt ?? ''), opts.makeProjection ?? makeProjection);
    } catch (err) {
      if (err instanceof MosaicError) throw err.withContext({ stage: 'wcs', file: opts.file });
      throw err;
    }
  }

  /** The WCS of a header, or undefined when it has none or it is invalid. */
  static tryFromHeader(header: Header, opts: WcsOptions = {}): Wcs | undefined {
    try {
      return Wcs.fromHeader(header, opts);
    } catch (err) {
      if (err instanceof MosaicError) return undefined;
      throw err;
    }
  }

  /** Pixel (x, y), 1-based → [lon, lat] degrees; NaN off the projection. */
  pixToSky(x: number, y: number): [number, number] {
    const { a, b } = this.one;
    a[0] = x;
    b[0] = y;
    this.pixToSkyMany(a, b, { lon: a, lat: b });
    return [a[0], b[0]];
  }

  /** [lon, lat] degrees → pixel [x, y], 1-based; NaN when the point is not on the projection. */
  skyToPix(lon: number, lat: number): [number, number] {
    const { a, b } = this.one;
    a[0] = lon;
    b[0] = lat;
    this.skyToPixMany(a, b, { x: a, y: b });
    return [a[0], b[0]];
  }

  /**
   * Vectorised pixel → sky. Writes into `out` when given (which may be the input arrays);
   * allocates nothing else.
   */
  pixToSkyMany(x: Float64Array, y: Float64Array, out?: CoordArrays): CoordArrays {
    const n = Math.min(x.length, y.length);
    const lon = out?.lon ?? new Float64Array(n);
    const lat = out?.lat ?? new Float64Array(n);
    const lin = this.linear;
    if (lin) {
      const [c0, c1, c2, c3] = lin.cd;
      const [r0, r1] = lin.crpix;
      for (let i = 0; i < n; i++) {
        const u = x[i] - r0;
        const v = y[i] - r1;
        lon[i] = c0 * u + c1 * v;
        lat[i] = c2 * u + c3 * v;
      }
    } else {
      const o = this.s2;
      const plane = this.plane;
      for (let i = 0; i < n; i++) {
        plane.forward(x[i], y[i], o);
        lon[i] = o[0];
        lat[i] = o[1];
      }
    }
    this.projection.toNative(lon, lat, lon, lat, n);
    nativeToCelestial(this.euler, lon, lat, lon, lat, n);
    for (let i = 0; i < n; i++) {
      const l = lon[i];
      if (l !== l || lat[i] !== lat[i]) {
        lon[i] = NaN;
        lat[i] = NaN;
      } else if (l < 0 || l >= 360) lon[i] = normLon(l);
    }
    return { lon, lat };
  }

  /**
   * Vectorised sky → pixel (1-based). Writes into `out` when given (which may be the input
   * arrays); allocates nothing else.
   */
  skyToPixMany(lon: Float64Array, lat: Float64Array, out?: PixelArrays): PixelArrays {
    const n = Math.min(lon.length, lat.length);
    const px = out?.x ?? new Float64Array(n);
    const py = out?.y ?? new Float64Array(n);
    celestialToNative(this.euler, lon, lat, px, py, n);
    this.projection.fromNative(px, py, px, py, n);
    const lin = this.linear;
    if (lin) {
      const [c0, c1, c2, c3] = lin.inv;
      const [r0, r1] = lin.crpix;
      for (let i = 0; i < n; i++) {
        const u = px[i];
        const v = py[i];
        px[i] = c0 * u + c1 * v + r0;
        py[i] = c2 * u + c3 * v + r1;
      }
    } else {
      const o = this.s2;
      for (let i = 0; i < n; i++) {
        this.inverter.invert(px[i], py[i], o);
        px[i] = o[0];
        py[i] = o[1];
      }
    }
    for (let i = 0; i < n; i++) {
      if (px[i] !== px[i] || py[i] !== py[i]) px[i] = py[i] = NaN;
    }
    return { x: px, y: py };
  }

  /** The header facts this WCS was built from (the native descriptor is made from them, src/wcs/native.ts). */
  get headerSpec(): WcsSpec {
    return this.spec;
  }

  /**
   * The WCS cards of this description as a 2-D header (for templates): NAXIS/NAXISn when known,
   * CTYPE, CRVAL, CRPIX, CD, LONPOLE/LATPOLE when given, PV, frame keywords and SIP/TPV terms.
   * A DSS plate solution is written back as its plate keywords.
   */
  toHeader(): Header {
    const s = this.spec;
    const h = new Header();
    h.set('NAXIS', 2);
    if (s.naxis.length >= 2) {
      h.set('NAXIS1', s.naxis[s.pixelAxes[0] - 1]);
      h.set('NAXIS2', s.naxis[s.pixelAxes[1] - 1]);
    }
    if (s.dss) {
      const p = s.dss;
      const raH = p.raDeg / 15;
      const hh = Math.floor(raH);
      const mm = Math.floor((raH - hh) * 60);
      const ss = (raH - hh - mm / 60) * 3600;
      const d = Math.abs(p.decDeg);
      const dd = Math.floor(d);
      const dm = Math.floor((d - dd) * 60);
      const ds = (d - dd - dm / 60) * 3600;
      h.set('PLTRAH', hh).set('PLTRAM', mm).setFloat('PLTRAS', ss);
      h.set('PLTDECSN', p.decDeg < 0 ? '-' : '+').set('PLTDECD', dd).set('PLTDECM', dm).setFloat('PLTDECS', ds);
      h.setFloat('PPO3', p.ppo3).setFloat('PPO6', p.ppo6).setFloat('XPIXELSZ', p.xPixelSize).setFloat('YPIXELSZ', p.yPixelSize);
      h.set('CNPIX1', p.cnpix1).set('CNPIX2', p.cnpix2);
      p.amdx.forEach((v, i) => h.setFloat(`AMDX${i + 1}`, v));
      p.amdy.forEach((v, i) => h.setFloat(`AMDY${i + 1}`, v));
      this.writeFrame(h);
      return h;
    }
    // World axis 1 is whichever celestial axis came first in the source header.
    const lonFirst = s.lonAxis < s.latAxis;
    const [w1, w2] = lonFirst ? [0, 1] : [1, 0];
    h.set('CTYPE1', s.ctype[w1]).set('CTYPE2', s.ctype[w2]);
    h.setFloat('CRVAL1', s.crval[w1]).setFloat('CRVAL2', s.crval[w2]);
    h.setFloat('CRPIX1', s.crpix[0]).setFloat('CRPIX2', s.crpix[1]);
    const row = (w: number): [number, number] => [s.cd[2 * w], s.cd[2 * w + 1]];
    const [r1, r2] = [row(w1), row(w2)];
    h.setFloat('CD1_1', r1[0]).setFloat('CD1_2', r1[1]).setFloat('CD2_1', r2[0]).setFloat('CD2_2', r2[1]);
    if (s.lonpole !== undefined) h.setFloat('LONPOLE', s.lonpole);
    if (s.latpole !== undefined) h.setFloat('LATPOLE', s.latpole);
    const lonNum = lonFirst ? 1 : 2;
    const latNum = lonFirst ? 2 : 1;
    for (const [m, v] of [...s.pvLon].sort((a, b) => a[0] - b[0])) if (m !== 3 && m !== 4) h.setFloat(`PV${lonNum}_${m}`, v);
    for (const [m, v] of [...s.pv].sort((a, b) => a[0] - b[0])) h.setFloat(`PV${latNum}_${m}`, v);
    if (s.tpv) {
      for (const [k, v] of s.tpv.lon) h.setFloat(`PV${lonNum}_${k}`, v);
      for (const [k, v] of s.tpv.lat) h.setFloat(`PV${latNum}_${k}`, v);
    }
    this.writeFrame(h);
    if (s.sip) {
      for (const [name, poly] of [['A', s.sip.a], ['B', s.sip.b], ['AP', s.sip.ap], ['BP', s.sip.bp]] as const) {
        if (!poly) continue;
        h.set(`${name}_ORDER`, poly.order);
        const n = poly.order + 1;
        for (let p = 0; p <= poly.order; p++)
          for (let q = 0; p + q <= poly.order; q++) if (poly.c[p * n + q] !== 0) h.setFloat(`${name}_${p}_${q}`, poly.c[p * n + q]);
      }
    }
    return h;
  }

  private writeFrame(h: Header): void {
    const f = this.frame;
    if (f.system === 'icrs') h.set('RADESYS', 'ICRS');
    else if (f.system === 'fk5') h.set('RADESYS', 'FK5').setFloat('EQUINOX', f.equinox ?? 2000);
    else if (f.system === 'fk4' || f.system === 'fk4-no-e') h.set('RADESYS', f.system.toUpperCase()).setFloat('EQUINOX', f.equinox ?? 1950);
    else if (f.system === 'ecliptic') h.setFloat('EQUINOX', f.equinox ?? 2000);
  }
}

/** Keywords a DSS plate solution uses (for callers that copy WCS cards). */
export const DSS_KEYWORDS: readonly string[] = DSS_KEYS;

/**
 * Celestial reference frames and conversions between them, modelled on astropy.coordinates
 * (the reference for our tests):
 * - ICRS ↔ FK5 J2000: the frame-bias rotation of USNO Circular 179 (eta0, xi0, da0);
 * - FK5 precession: IAU 2006 (Capitaine et al. 2003; Fukushima–Williams angles of SOFA's
 *   pfw06/bp06), as astropy uses (the IAU 1976 precession differs by ≲ 1 mas within a century);
 * - FK4: Newcomb precession, E-terms of aberration (Explanatory Supplement 1992), and the
 *   FK4 → FK5 matrix of Standish (1982) / Aoki et al. (1983) with the rotating-frame correction;
 * - Galactic: IAU 1958 definition via FK4 B1950 (from FK4) or its FK5 J2000 equivalent;
 * - Supergalactic: de Vaucouleurs, pole at (l, b) = (47.37, 6.32);
 * - Ecliptic: the mean ecliptic and equinox of date (IAU 2006, SOFA ecm06), geocentre ignored.
 * Angles are degrees; longitudes are returned in [0, 360).
 */
import { MosaicError } from '../errors.js';
import { D2R, R2D, normLon } from './trig.js';

/** Supported systems. `fk4-no-e` is FK4 without the E-terms of aberration. */
export type FrameSystem = 'icrs' | 'fk5' | 'fk4' | 'fk4-no-e' | 'galactic' | 'ecliptic' | 'supergalactic';

/**
 * A celestial frame. `equinox` is a Julian year for fk5/ecliptic (default 2000) and a
 * Besselian year for fk4/fk4-no-e (default 1950); `obstime` (Julian year, FK4 only,
 * default: the equinox) sets the epoch of the FK4 → FK5 rotating-frame correction.
 */
export interface CelestialFrame {
  system: FrameSystem;
  equinox?: number;
  obstime?: number;
}

type Mat3 = Float64Array;

/** Row-major 3×3 product a·b. */
function mul(a: Mat3, b: Mat3): Mat3 {
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return r;
}

function transpose(a: Mat3): Mat3 {
  return Float64Array.of(a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]);
}

const IDENTITY: Mat3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);

/** Passive rotation about an axis by `rad` radians (SOFA's iauRx/iauRy/iauRz convention). */
function rot(axis: 'x' | 'y' | 'z', rad: number): Mat3 {
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  if (axis === 'x') return Float64Array.of(1, 0, 0, 0, c, s, 0, -s, c);
  if (axis === 'y') return Float64Array.of(c, 0, -s, 0, 1, 0, s, 0, c);
  return Float64Array.of(c, s, 0, -s, c, 0, 0, 0, 1);
}

const AS2R = D2R / 3600;

/** Fukushima–Williams precession angles (IAU 2006), t in Julian centuries TT from J2000; radians. */
function fwAngles(t: number): [number, number, number, number] {
  const gamb = (-0.052928 + (10.556378 + (0.4932044 + (-0.00031238 + (-0.000002788 + 0.000000026 * t) * t) * t) * t) * t) * AS2R;
  const phib = (84381.412819 + (-46.811016 + (0.0511268 + (0.00053289 + (-0.00000044 - 0.0000000176 * t) * t) * t) * t) * t) * AS2R;
  const psib = (-0.041775 + (5038.481484 + (1.5584175 + (-0.00018522 + (-0.000026452 - 0.0000000148 * t) * t) * t) * t) * t) * AS2R;
  const epsa = (84381.406 + (-46.836769 + (-0.0001831 + (0.0020034 + (-0.000000576 - 0.0000000434 * t) * t) * t) * t) * t) * AS2R;
  return [gamb, phib, psib, epsa];
}

/** Rx(−eps)·Rz(−psi)·Rx(phi)·Rz(gam) (SOFA fw2m). */
function fw2m(gam: number, phi: number, psi: number, eps: number): Mat3 {
  return mul(rot('x', -eps), mul(rot('z', -psi), mul(rot('x', phi), rot('z', gam))));
}

const BIAS = (() => {
  const [g, p, s, e] = fwAngles(0);
  return fw2m(g, p, s, e);
})();

/** Precession matrix (no bias) from J2000 to the Julian epoch `jyear` (SOFA bp06 "rp"). */
function precessionFromJ2000(jyear: number): Mat3 {
  const t = (jyear - 2000) / 100;
  const [g, p, s, e] = fwAngles(t);
  return mul(fw2m(g, p, s, e), transpose(BIAS));
}

/** ICRS → ecliptic of date (SOFA ecm06): Rz(−psi)·Rx(phi)·Rz(gam). */
function icrsToEcliptic(jyear: number): Mat3 {
  const [g, p, s] = fwAngles((jyear - 2000) / 100);
  return mul(rot('z', -s), mul(rot('x', p), rot('z', g)));
}

/** ICRS → FK5 J2000 frame bias (USNO Circular 179). */
const ICRS_TO_FK5 = (() => {
  const mas = D2R / 3600000;
  return mul(rot('x', 19.9 * mas), mul(rot('y', 9.1 * mas), rot('z', -22.9 * mas)));
})();

/** Newcomb precession between Besselian epochs (as astropy's `_precession_matrix_besselian`). */
function newcomb(b1: number, b2: number): Mat3 {
  const t1 = (b1 - 1850) / 1000;
  const dt = (b2 - b1) / 1000;
  const zeta = ((23035.545 + 139.72 * t1 + 0.06 * t1 * t1) * dt + (30.24 - 0.27 * t1) * dt * dt + 17.995 * dt ** 3) / 3600;
  const z = ((23035.545 + 139.72 * t1 + 0.06 * t1 * t1) * dt + (109.48 + 0.39 * t1) * dt * dt + 18.325 * dt ** 3) / 3600;
  const theta = ((20051.12 - 85.29 * t1 - 0.37 * t1 * t1) * dt + (-42.65 - 0.37 * t1) * dt * dt - 41.8 * dt ** 3) / 3600;
  return mul(rot('z', -z * D2R), mul(rot('y', theta * D2R), rot('z', -zeta * D2R)));
}

const B1950_TO_J2000 = Float64Array.of(
  0.9999256794956877, -0.0111814832204662, -0.0048590038153592,
  0.0111814832391717, 0.9999374848933135, -0.0000271625947142,
  0.0048590037723143, -0.000027170293744, 0.9999881946023742,
);
const FK4_CORR = Float64Array.of(
  -0.0026455262, -1.1539918689, 2.111134619,
  1.1540628161, -0.0129042997, 0.0236021478,
  -2.1112979048, -0.0056024448, 0.0102587734,
).map((v) => v * 1e-6);

/** Julian date (TT) of a Besselian epoch. */
function besselianToJd(b: number): number {
  return 2415020.31352 + (b - 1900) * 365.242198781;
}

/** Julian year of a Besselian epoch. */
export function besselianToJulian(b: number): number {
  return 2000 + (besselianToJd(b) - 2451545) / 365.25;
}

/** FK4 B1950 (no E-terms) → FK5 J2000, with the rotating-frame correction at `obstimeJ`. */
function fk4NoEB1950ToFk5J2000(obstimeJ: number): Mat3 {
  const t = (obstimeJ - 1950) / 100;
  return B1950_TO_J2000.map((v, i) => v + FK4_CORR[i] * t);
}

/** E-terms of aberration vector for a Besselian equinox (Explanatory Supplement 1992). */
function eTerms(equinoxB: number): [number, number, number] {
  const jd = besselianToJd(equinoxB);
  const T = (jd - besselianToJd(1950)) / 36525;
  const e = 0.01673011 + (-0.00004193 - 0.000000126 * T) * T;
  const g = ((1015489.951 + (6190.67 + (1.65 + 0.012 * T) * T) * T) / 3600) * D2R;
  const t80 = (jd - 2451545) / 36525;
  const o = ((84381.448 + (-46.815 + (-0.00059 + 0.001813 * t80) * t80) * t80) / 3600) * D2R;
  const k = 0.0056932 * D2R;
  return [e * k * Math.sin(g), -e * k * Math.cos(g) * Math.cos(o), -e * k * Math.cos(g) * Math.sin(o)];
}

function removeETerms(v: Float64Array, a: readonly number[]): void {
  const dot = a[0] * v[0] + a[1] * v[1] + a[2] * v[2];
  for (let i = 0; i < 3; i++) v[i] = v[i] - a[i] + dot * v[i];
  normalise(v);
}

function addETerms(v: Float64Array, a: readonly number[]): void {
  const v0 = [v[0], v[1], v[2]];
  for (let it = 0; it < 10; it++) {
    const dot = a[0] * v[0] + a[1] * v[1] + a[2] * v[2];
    for (let i = 0; i < 3; i++) v[i] = (a[i] + v0[i]) / (1 + dot);
  }
  normalise(v);
}

function normalise(v: Float64Array): void {
  const n = Math.hypot(v[0], v[1], v[2]);
  v[0] /= n;
  v[1] /= n;
  v[2] /= n;
}

/** Galactic pole and longitude zero, as defined in FK4 B1950 and FK5 J2000 (astropy values). */
const GAL_FROM_FK4 = mul(rot('z', (180 - 123) * D2R), mul(rot('y', (90 - 27.4) * D2R), rot('z', 192.25 * D2R)));
const GAL_FROM_FK5 = mul(
  rot('z', (180 - 122.9319185680026) * D2R),
  mul(rot('y', (90 - 27.12825118085622) * D2R), rot('z', 192.8594812065348 * D2R)),
);
const SGAL_FROM_GAL = mul(rot('z', 90 * D2R), mul(rot('y', (90 - 6.32) * D2R), rot('z', 47.37 * D2R)));

function equinoxOf(f: CelestialFrame): number {
  return f.equinox ?? (f.system === 'fk4' || f.system === 'fk4-no-e' ? 1950 : 2000);
}

/**
 * A conversion step list from one frame to another, on unit vectors: matrices and the FK4
 * E-term operations. Paths follow astropy's transform graph so results agree with it.
 */
type Step = { m: Mat3 } | { addE: [number, number, number] } | { removeE: [number, number, number] };

function isFk4(f: CelestialFrame): boolean {
  return f.system === 'fk4' || f.system === 'fk4-no-e';
}
function isGalacticBased(f: CelestialFrame): boolean {
  return f.system === 'galactic' || f.system === 'supergalactic';
}

/** Steps from `f` to its hub: FK4-no-E B1950 for FK4 frames, Galactic for galactic frames, else ICRS. */
function toHub(f: CelestialFrame): Step[] {
  const eq = equinoxOf(f);
  switch (f.system) {
    case 'icrs':
      return [];
    case 'fk5':
      return [{ m: mul(transpose(ICRS_TO_FK5), transpose(precessionFromJ2000(eq))) }];
    case 'ecliptic':
      return [{ m: transpose(icrsToEcliptic(eq)) }];
    case 'fk4':
      return [{ removeE: eTerms(eq) }, { m: newcomb(eq, 1950) }];
    case 'fk4-no-e':
      return [{ m: newcomb(eq, 1950) }];
    case 'galactic':
      return [];
    case 'supergalactic':
      return [{ m: transpose(SGAL_FROM_GAL) }];
  }
}

function invert(steps: Step[]): Step[] {
  return steps
    .slice()
    .reverse()
    .map((s) => ('m' in s ? { m: transpose(s.m) } : 'addE' in s ? { removeE: s.addE } : { addE: s.removeE }));
}

function hubOf(f: CelestialFrame): 'icrs' | 'fk4' | 'gal' {
  return isFk4(f) ? 'fk4' : isGalacticBased(f) ? 'gal' : 'icrs';
}

/** FK4-no-E B1950 ↔ ICRS, with the FK4 obstime of whichever side is FK4. */
function hubToHub(from: 'icrs' | 'fk4' | 'gal', to: 'icrs' | 'fk4' | 'gal', obstimeJ: number): Step[] {
  if (from === to) return [];
  const fk4ToIcrs = mul(transpose(ICRS_TO_FK5), fk4NoEB1950ToFk5J2000(obstimeJ));
  const galToIcrs = mul(transpose(ICRS_TO_FK5), transpose(GAL_FROM_FK5));
  const forward: Record<string, Mat3> = {
    'fk4>icrs': fk4ToIcrs,
    'gal>icrs': galToIcrs,
    'fk4>gal': GAL_FROM_FK4,
  };
  const key = `${from}>${to}`;
  if (forward[key]) return [{ m: forward[key] }];
  return [{ m: transpose(forward[`${to}>${from}`]) }];
}

/** A compiled conversion between two frames, reusable for many points. */
export class FrameConversion {
  private readonly steps: Step[];
  readonly identity: boolean;

  constructor(readonly from: CelestialFrame, readonly to: CelestialFrame) {
    const fk4Side = isFk4(from) ? from : isFk4(to) ? to : undefined;
    const obstimeJ = fk4Side?.obstime ?? besselianToJulian(equinoxOf(fk4Side ?? { system: 'fk4' }));
    // The same frame both ways is the identity exactly (through the hub it is a matrix times
    // its transpose, 1e-16 off, and would cost a rotation per point).
    const same = from.system === to.system && equinoxOf(from) === equinoxOf(to) && (!isFk4(from) || from.obstime === to.obstime);
    const raw = same ? [] : [...toHub(from), ...hubToHub(hubOf(from), hubOf(to), obstimeJ), ...invert(toHub(to))];
    // Fold consecutive matrices into one.
    const steps: Step[] = [];
    for (const s of raw) {
      const last = steps[steps.length - 1];
      if ('m' in s && last && 'm' in last) steps[steps.length - 1] = { m: mul(s.m, last.m) };
      else steps.push(s);
    }
    this.steps = steps;
    this.identity = steps.length === 0 || (steps.length === 1 && 'm' in steps[0] && steps[0].m.every((v, i) => v === IDENTITY[i]));
  }

  /**
   * The conversion as one row-major rotation of unit vectors: null for the identity,
   * undefined where it is more than a rotation (FK4's E-terms).
   */
  get rotation(): Float64Array | null | undefined {
    if (this.identity) return null;
    const [only] = this.steps;
    return this.steps.length === 1 && 'm' in only ? Float64Array.from(only.m) : undefined;
  }

  /**
   * Convert n points; outputs may alias inputs. Longitudes in [0, 360), degrees.
   */
  convertMany(lon: Float64Array, lat: Float64Array, outLon: Float64Array, outLat: Float64Array, n = lon.length): void {
    const v = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      const lo = lon[i] * D2R;
      const la = lat[i] * D2R;
      if (this.identity || !Number.isFinite(lo) || !Number.isFinite(la)) {
        outLon[i] = Number.isFinite(la) ? normLon(lon[i]) : NaN;
        outLat[i] = Number.isFinite(lo) ? lat[i] : NaN;
        continue;
      }
      const cl = Math.cos(la);
      v[0] = cl * Math.cos(lo);
      v[1] = cl * Math.sin(lo);
      v[2] = Math.sin(la);
      for (const s of this.steps) {
        if ('m' in s) {
          const m = s.m;
          const x = m[0] * v[0] + m[1] * v[1] + m[2] * v[2];
          const y = m[3] * v[0] + m[4] * v[1] + m[5] * v[2];
          const z = m[6] * v[0] + m[7] * v[1] + m[8] * v[2];
          v[0] = x;
          v[1] = y;
          v[2] = z;
        } else if ('removeE' in s) removeETerms(v, s.removeE);
        else addETerms(v, s.addE);
      }
      outLon[i] = normLon(Math.atan2(v[1], v[0]) * R2D);
      outLat[i] = Math.atan2(v[2], Math.hypot(v[0], v[1])) * R2D;
    }
  }
}

/** Convert one position between frames; degrees, longitude in [0, 360). */
export function convertSky(lon: number, lat: number, from: CelestialFrame, to: CelestialFrame): [number, number] {
  const a = Float64Array.of(lon);
  const b = Float64Array.of(lat);
  new FrameConversion(from, to).convertMany(a, b, a, b, 1);
  return [a[0], b[0]];
}

/**
 * Convert many positions between frames (the conversion is compiled once).
 * `out` may be the input arrays.
 */
export function convertSkyMany(
  lon: Float64Array,
  lat: Float64Array,
  from: CelestialFrame,
  to: CelestialFrame,
  out?: { lon: Float64Array; lat: Float64Array },
): { lon: Float64Array; lat: Float64Array } {
  const o = out ?? { lon: new Float64Array(lon.length), lat: new Float64Array(lat.length) };
  new FrameConversion(from, to).convertMany(lon, lat, o.lon, o.lat, lon.length);
  return o;
}

/**
 * Parse a frame name: `icrs`, `fk5`, `fk4`, `fk4-no-e`, `galactic`, `ecliptic`, `supergalactic`,
 * optionally followed by an equinox (`fk5 J2000`, `fk4(B1950)`, `fk5:J2010.5`, `ecliptic j2000`).
 * `equatorial`/`eq`/`j2000` mean FK5 J2000, `b1950` FK4 B1950, `gal` galactic.
 * @throws MosaicError E_WCS_FRAME for an unknown name or a malformed equinox.
 */
export function parseFrame(text: string): CelestialFrame {
  const m = /^\s*([a-z0-9-]+?)(?:[\s:(,]+([jb]?)(\d+(?:\.\d*)?)\)?)?\s*$/i.exec(text);
  if (!m) throw new MosaicError('E_WCS_FRAME', `Expected a frame (icrs, fk5, fk4, galactic, ecliptic, supergalactic) but received "${text}"`);
  const name = m[1].toLowerCase();
  const alias: Record<string, CelestialFrame> = {
    icrs: { system: 'icrs' },
    fk5: { system: 'fk5' },
    j2000: { system: 'fk5', equinox: 2000 },
    equatorial: { system: 'fk5' },
    eq: { system: 'fk5' },
    fk4: { system: 'fk4' },
    b1950: { system: 'fk4', equinox: 1950 },
    'fk4-no-e': { system: 'fk4-no-e' },
    fk4noeterms: { system: 'fk4-no-e' },
    galactic: { system: 'galactic' },
    gal: { system: 'galactic' },
    ecliptic: { system: 'ecliptic' },
    ecl: { system: 'ecliptic' },
    supergalactic: { system: 'supergalactic' },
    sgal: { system: 'supergalactic' },
  };
  const base = alias[name];
  if (!base) throw new MosaicError('E_WCS_FRAME', `Expected a frame (icrs, fk5, fk4, galactic, ecliptic, supergalactic) but received "${text}"`);
  if (m[3] === undefined) return { ...base };
  if (base.system === 'icrs' || base.system === 'galactic' || base.system === 'supergalactic') {
    throw new MosaicError('E_WCS_FRAME', `frame ${base.system} takes no equinox but received "${text}"`);
  }
  let year = Number(m[3]);
  const letter = m[2].toLowerCase();
  const fk4 = base.system === 'fk4' || base.system === 'fk4-no-e';
  if (fk4 && letter === 'j') year = julianToBesselian(year);
  if (!fk4 && letter === 'b') year = besselianToJulian(year);
  return { ...base, equinox: year };
}

function julianToBesselian(j: number): number {
  const jd = 2451545 + (j - 2000) * 365.25;
  return 1900 + (jd - 2415020.31352) / 365.242198781;
}

/** Short name, e.g. `fk5(J2000)`, `galactic`. */
export function formatFrame(f: CelestialFrame): string {
  if (f.system === 'fk5' || f.system === 'ecliptic') return `${f.system}(J${equinoxOf(f)})`;
  if (isFk4(f)) return `${f.system}(B${equinoxOf(f)})`;
  return f.system;
}

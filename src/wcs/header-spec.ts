/**
 * Reading the celestial WCS of a FITS header into plain data (a `WcsSpec`): which two axes are
 * celestial, the linear part, projection parameters, distortions and the frame.
 *
 * References: Greisen & Calabretta 2002 (Paper I: CRPIX/PC/CDELT/CD, alternate descriptions,
 * CROTA2 as a legacy form); Calabretta & Greisen 2002 (Paper II: CTYPE forms, LONPOLE/LATPOLE,
 * PVi_m, RADESYS/EQUINOX defaults §3.1). Precedence: CDi_j wins over PCi_j/CDELTi (note: wcslib
 * prefers PC when both are present; no header we know of has both); CROTA2 applies only when
 * neither PC nor CD is present; PC defaults to the identity. A DSS plate solution (PLTRAH,
 * AMDX…) is used instead of CTYPE/CD when both are present, as wcslib does.
 */
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { readDss, hasDss, type DssPlate } from './distortions/dss.js';
import type { Mat2 } from './distortions/linear.js';
import { readSip, type SipCoefficients } from './distortions/sip.js';
import { readTnx, type TnxSurface } from './distortions/tnx.js';
import { readTpv, type TpvCoefficients } from './distortions/tpv.js';
import type { CelestialFrame } from './frames.js';
import { cosd, sind } from './trig.js';

/** Everything needed to build a `Wcs`, read from a header. */
export interface WcsSpec {
  /** NAXISn values (empty when the header has no NAXIS). */
  naxis: number[];
  /** 1-based world axis numbers of longitude and latitude (0 for a DSS plate solution). */
  lonAxis: number;
  latAxis: number;
  /** 1-based pixel axes the two celestial image coordinates (x, y) run along. */
  pixelAxes: [number, number];
  /** CTYPE of the longitude and latitude axes (synthesised for DSS). */
  ctype: [string, string];
  /** Projection code as written (`TAN`, `TPV`, `TNX`, …). */
  code: string;
  /** Code of the spherical projection actually used (`TPV`/`TNX`/DSS → `TAN`). */
  projection: string;
  crval: [number, number];
  /** Reference pixel along pixelAxes, 1-based. */
  crpix: [number, number];
  /** Rows: lon, lat world axes; columns: pixel axes x, y. Degrees per pixel. */
  cd: Mat2;
  lonpole?: number;
  latpole?: number;
  /** PV values of the latitude (pv) and longitude (pvLon) axis, by m; empty for TPV. */
  pv: Map<number, number>;
  pvLon: Map<number, number>;
  sip?: SipCoefficients;
  tpv?: TpvCoefficients;
  tnx?: { lng?: TnxSurface; lat?: TnxSurface };
  dss?: DssPlate;
  frame: CelestialFrame;
  /** Alternate description letter ('' for the primary). */
  alt: string;
  /** Non-fatal notes (e.g. TNX corrections ignored). */
  warnings: string[];
}

interface CtypeInfo {
  axis: number;
  text: string;
  kind: 'lon' | 'lat';
  /** Family key shared by the two members of a pair, e.g. `RA`, `G`, `xy`. */
  family: string;
  /** First four characters with dashes stripped: RA, DEC, GLON … */
  name: string;
  code: string;
  suffix: string;
}

function parseCtype(axis: number, text: string): CtypeInfo | undefined {
  const c = text.trim().toUpperCase();
  const head = c.slice(0, 4).replace(/-+$/, '');
  let kind: 'lon' | 'lat' | undefined;
  let family = '';
  let m: RegExpExecArray | null;
  if (head === 'RA') [kind, family] = ['lon', 'RA'];
  else if (head === 'DEC') [kind, family] = ['lat', 'RA'];
  else if ((m = /^([A-Z])LON$/.exec(head))) [kind, family] = ['lon', m[1]];
  else if ((m = /^([A-Z])LAT$/.exec(head))) [kind, family] = ['lat', m[1]];
  else if ((m = /^([A-Z]{2})LN$/.exec(head))) [kind, family] = ['lon', m[1]];
  else if ((m = /^([A-Z]{2})LT$/.exec(head))) [kind, family] = ['lat', m[1]];
  if (!kind) return undefined;
  const code = c.length > 4 ? c.slice(5, 8).replace(/-+$/, '') : '';
  return { axis, text: text.trim(), kind, family, name: head, code, suffix: c.slice(8) };
}

/** Numeric keyword or default; a present but non-numeric value is an error naming the keyword. */
function num(header: Header, key: string, dflt: number): number;
function num(header: Header, key: string, dflt?: undefined): number | undefined;
function num(header: Header, key: string, dflt?: number): number | undefined {
  if (!header.has(key)) return dflt;
  const v = header.number(key);
  if (v === undefined || !Number.isFinite(v)) {
    if (header.get(key) === null) return dflt;
    throw new MosaicError('E_WCS_KEYWORD', `${key} must be a number but is ${JSON.stringify(header.get(key))}`);
  }
  return v;
}

const KNOWN_CODES = new Set(
  'AZP SZP TAN STG SIN ARC ZPN ZEA AIR CYP CEA CAR MER SFL GLS PAR MOL AIT COP COE COD COO BON PCO TSC CSC QSC HPX XPH TPV TNX NCP'.split(' '),
);

/** Frame of an equatorial, ecliptic, galactic or supergalactic pair (Paper II §3.1). */
function readFrame(header: Header, family: string, alt: string): CelestialFrame {
  if (family === 'G') return { system: 'galactic' };
  if (family === 'S') return { system: 'supergalactic' };
  const equinox = num(header, `EQUINOX${alt}`) ?? (alt === '' ? num(header, 'EPOCH') : undefined);
  if (family === 'E') return { system: 'ecliptic', equinox: equinox ?? 2000 };
  let radesys = (header.string(`RADESYS${alt}`) ?? header.string(`RADECSYS${alt}`) ?? '').trim().toUpperCase();
  if (!radesys) radesys = equinox === undefined ? 'ICRS' : equinox < 1984 ? 'FK4' : 'FK5';
  switch (radesys) {
    case 'ICRS':
      return { system: 'icrs' };
    case 'FK5':
      return { system: 'fk5', equinox: equinox ?? 2000 };
    case 'FK4':
      return { system: 'fk4', equinox: equinox ?? 1950 };
    case 'FK4-NO-E':
      return { system: 'fk4-no-e', equinox: equinox ?? 1950 };
    default:
      // GAPPT and unknown systems: treat as FK5 of the given equinox (positions agree to the arcsecond).
      return { system: 'fk5', equinox: equinox ?? 2000 };
  }
}

/**
 * Read the celestial WCS of a header.
 * @throws MosaicError E_WCS_MISSING (no celestial axes), E_WCS_KEYWORD (missing or mismatched
 *   CTYPE pair, non-numeric values), E_WCS_PROJECTION (unknown code), E_WCS_SINGULAR.
 */
export function readWcsSpec(header: Header, alt = ''): WcsSpec {
  const a = alt.trim().toUpperCase();
  if (a !== '' && !/^[A-Z]$/.test(a)) throw new MosaicError('E_WCS_KEYWORD', `alternate WCS must be a letter A-Z but is "${alt}"`);
  const naxisN = header.int('NAXIS') ?? 0;
  const naxis: number[] = [];
  for (let i = 1; i <= naxisN; i++) naxis.push(header.int(`NAXIS${i}`) ?? 0);
  const nScan = Math.max(naxisN, header.int(`WCSAXES${a}`) ?? 0, 9);
  const ctypes: CtypeInfo[] = [];
  const present: Array<[number, string]> = [];
  for (let i = 1; i <= nScan; i++) {
    const t = header.string(`CTYPE${i}${a}`);
    if (t === undefined) continue;
    present.push([i, t]);
    const info = parseCtype(i, t);
    if (info) ctypes.push(info);
  }
  const warnings: string[] = [];
  // A DSS plate solution wins over a CTYPE/CD approximation written beside it, as in wcslib.
  if (a === '' && hasDss(header) && (ctypes.length === 0 || ctypes.some((c) => c.name === 'RA'))) return dssSpec(header, naxis);
  if (ctypes.length === 0) {
    if (present.length === 0) {
      throw new MosaicError('E_WCS_MISSING', `no celestial WCS: CTYPE1${a} and CTYPE2${a} are missing`);
    }
    throw new MosaicError(
      'E_WCS_MISSING',
      `no celestial WCS: no longitude/latitude axis among ${present.map(([i, t]) => `CTYPE${i}${a} = '${t}'`).join(', ')}`,
    );
  }
  const lons = ctypes.filter((c) => c.kind === 'lon');
  const lats = ctypes.filter((c) => c.kind === 'lat');
  if (lons.length > 1 || lats.length > 1) {
    const dup = lons.length > 1 ? lons : lats;
    throw new MosaicError('E_WCS_KEYWORD', `more than one celestial ${dup[0].kind} axis: ${dup.map((c) => `CTYPE${c.axis}${a} = '${c.text}'`).join(', ')}`);
  }
  const lon = lons[0];
  const lat = lats[0];
  if (!lon || !lat) {
    const have = (lon ?? lat)!;
    const missingKind = lon ? 'latitude' : 'longitude';
    const free = [1, 2, 3].find((i) => i !== have.axis && !present.some(([j]) => j === i));
    const other = present.find(([i]) => i !== have.axis);
    const where = free !== undefined && (other === undefined || free < other[0])
      ? `CTYPE${free}${a} is missing`
      : `CTYPE${other![0]}${a} = '${other![1]}' is not a celestial ${missingKind} axis`;
    throw new MosaicError('E_WCS_KEYWORD', `${where}: CTYPE${have.axis}${a} = '${have.text}' needs a matching ${missingKind} axis`);
  }
  if (lon.family !== lat.family) {
    throw new MosaicError(
      'E_WCS_KEYWORD',
      `CTYPE${lat.axis}${a} = '${lat.text}' does not pair with CTYPE${lon.axis}${a} = '${lon.text}' (mismatched celestial axes)`,
    );
  }
  if (lon.code !== lat.code) {
    throw new MosaicError(
      'E_WCS_KEYWORD',
      `CTYPE${lon.axis}${a} = '${lon.text}' and CTYPE${lat.axis}${a} = '${lat.text}' name different projections`,
    );
  }
  if (lon.code === '') {
    throw new MosaicError('E_WCS_PROJECTION', `CTYPE${lon.axis}${a} = '${lon.text}' has no projection code (expected e.g. '${lon.name.padEnd(4, '-')}-TAN')`);
  }
  if (!KNOWN_CODES.has(lon.code)) {
    throw new MosaicError('E_WCS_PROJECTION', `CTYPE${lon.axis}${a} = '${lon.text}': unknown projection code '${lon.code}'`);
  }
  const i = lon.axis;
  const j = lat.axis;
  const pixelAxes: [number, number] = i < j ? [i, j] : [j, i];
  const [p1, p2] = pixelAxes;
  const crpix: [number, number] = [num(header, `CRPIX${p1}${a}`, 0), num(header, `CRPIX${p2}${a}`, 0)];
  const crval: [number, number] = [num(header, `CRVAL${i}${a}`, 0), num(header, `CRVAL${j}${a}`, 0)];
  const cd = readLinear(header, i, j, p1, p2, a);

  // SCAMP's pre-2012 convention: TAN with polynomial PV terms on the longitude axis means TPV.
  // (wcslib rejects such headers; astropy converts some of them; we take the SCAMP reading.)
  const scampTpv = lon.code === 'TAN' && !header.has('A_ORDER') && header.keys().some((k) => {
    const m = new RegExp(`^PV${i}_(\\d+)${a}$`).exec(k);
    return m !== null && Number(m[1]) >= 5;
  });
  if (scampTpv) warnings.push(`CTYPE${i}${a} = '${lon.text}' with PV${i}_m polynomial terms: read as TPV (SCAMP convention)`);
  const isTpv = lon.code === 'TPV' || scampTpv;
  const pv = new Map<number, number>();
  const pvLon = new Map<number, number>();
  if (!isTpv) {
    for (const [axis, map] of [[j, pv], [i, pvLon]] as const) {
      const re = new RegExp(`^PV${axis}_(\\d+)${a}$`);
      for (const key of header.keys()) {
        const m = re.exec(key);
        if (m) map.set(Number(m[1]), num(header, key, 0));
      }
    }
  }
  const lonpole = num(header, `LONPOLE${a}`) ?? pvLon.get(3);
  const latpole = num(header, `LATPOLE${a}`) ?? pvLon.get(4);
  const code = lon.code;
  let projection = code;
  let tpv: TpvCoefficients | undefined;
  let tnx: { lng?: TnxSurface; lat?: TnxSurface } | undefined;
  if (isTpv) {
    tpv = readTpv(header, i, j, a);
    projection = 'TAN';
  } else if (code === 'NCP') {
    // NCP is SIN with PV2_1 = 0, PV2_2 = cot(CRVAL lat) (Paper II §5.1.5, as wcslib's wcsfix).
    if (crval[1] === 0) throw new MosaicError('E_WCS_KEYWORD', `CRVAL${j}${a} must not be 0 for the NCP projection`);
    projection = 'SIN';
    pv.set(1, 0);
    pv.set(2, cosd(crval[1]) / sind(crval[1]));
  } else if (code === 'TNX') {
    projection = 'TAN';
    tnx = readTnx(header, i, j);
  }
  const sip = readSip(header);
  return {
    naxis,
    lonAxis: i,
    latAxis: j,
    pixelAxes,
    ctype: [lon.text, lat.text],
    code,
    projection,
    crval,
    crpix,
    cd,
    lonpole,
    latpole,
    pv,
    pvLon,
    sip,
    tpv,
    tnx,
    frame: readFrame(header, lon.family, a),
    alt: a,
    warnings,
  };
}

/** The 2×2 CD matrix of the celestial axes from CD, PC/CDELT or CROTA2. */
function readLinear(header: Header, i: number, j: number, p1: number, p2: number, a: string): Mat2 {
  const rows = [i, j];
  const cols = [p1, p2];
  const cdKeys = rows.flatMap((r) => cols.map((c) => `CD${r}_${c}${a}`));
  const pcKeys = rows.flatMap((r) => cols.map((c) => `PC${r}_${c}${a}`));
  const hasCd = cdKeys.some((k) => header.has(k));
  const hasPc = pcKeys.some((k) => header.has(k));
  let m: [number, number, number, number];
  let what: string;
  if (hasCd) {
    m = cdKeys.map((k) => num(header, k, 0)) as [number, number, number, number];
    what = `CD matrix (${cdKeys.join(', ')})`;
  } else {
    const cdelt = rows.map((r) => num(header, `CDELT${r}${a}`, 1));
    for (let k = 0; k < 2; k++) {
      if (cdelt[k] === 0) throw new MosaicError('E_WCS_SINGULAR', `CDELT${rows[k]}${a} is 0: the pixel scale must be non-zero`);
    }
    let pc: [number, number, number, number];
    if (hasPc) {
      pc = rows.flatMap((r, ri) => cols.map((c, ci) => num(header, `PC${r}_${c}${a}`, ri === ci ? 1 : 0))) as [number, number, number, number];
      what = `PC matrix (${pcKeys.join(', ')})`;
    } else {
      // Legacy CROTAi (Paper II §6.1): the rotation of the latitude axis, else of the longitude axis.
      const crota = num(header, `CROTA${j}`) ?? num(header, `CROTA${i}`) ?? 0;
      const c = cosd(crota);
      const s = sind(crota);
      const ratio = cdelt[1] / cdelt[0];
      // Row i (lon) and column order follow the pixel axes; for the usual lon-first order
      // this is PC = [[cos, -sin·CDELTlat/CDELTlon], [sin·CDELTlon/CDELTlat, cos]].
      pc = i < j ? [c, -s * ratio, s / ratio, c] : [-s * ratio, c, c, s / ratio];
      what = 'CDELT/CROTA';
    }
    m = [cdelt[0] * pc[0], cdelt[0] * pc[1], cdelt[1] * pc[2], cdelt[1] * pc[3]];
  }
  const det = m[0] * m[3] - m[1] * m[2];
  if (!Number.isFinite(det) || det === 0) throw new MosaicError('E_WCS_SINGULAR', `the ${what} is singular (determinant 0)`);
  return m;
}

/** A DSS plate solution as a TAN projection about the plate centre with a pixel → (xi, eta) model. */
function dssSpec(header: Header, naxis: number[]): WcsSpec {
  const dss = readDss(header);
  const equinox = num(header, 'EQUINOX') ?? 2000;
  return {
    naxis,
    lonAxis: 0,
    latAxis: 0,
    pixelAxes: [1, 2],
    ctype: ['RA---TAN', 'DEC--TAN'],
    code: 'DSS',
    projection: 'TAN',
    crval: [dss.raDeg, dss.decDeg],
    crpix: [0, 0],
    cd: [1, 0, 0, 1],
    pv: new Map(),
    pvLon: new Map(),
    dss,
    frame: equinox < 1984 ? { system: 'fk4', equinox } : { system: 'fk5', equinox },
    alt: '',
    warnings: [],
  };
}

/**
 * The native (Rust) WCS against the TypeScript reference: every projection header of the
 * shared data, every projection configuration of data/fixtures/wcs/projections.json (non-default
 * PV and fiducial offsets), SIP, TPV and the 2MASS SIN images, on grids that include
 * off-projection points. Agreement: |a − b| ≤ 1e-12·max(1, |a|) (longitudes compared modulo
 * 360; pixels scaled by max(1, |x|, |x − CRPIX|)) and NaN at the same places. Two exceptions,
 * both where the answer itself is not unique to 1e-12: sky → pixel through an iterated SIP/TPV
 * inverse agrees to 2e-10 px (each path converges to 1e-10 px) and may fail in one path only
 * beyond 1e5 px from the image (where its absolute step tests are at rounding level), and at a native pole (or a CSC
 * face edge) the two paths may return different pixels of the same sky point. Also reports throughput (points per second, TS vs native).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFits } from '../../src/fits/read.js';
import type { Header } from '../../src/fits/header.js';
import { native } from '../../src/native/load.js';
import {
  mapPixels, mapPixelsAsync, nativePixToSky, nativePixToSkyAsync, nativeSkyToPix, nativeSupport, wcsDescriptor, wcsDescriptorFromHeader,
  WCS_DESCRIPTOR_VERSION,
} from '../../src/wcs/native.js';
import { Wcs } from '../../src/wcs/wcs.js';
import { describeShared, sharedDataDir, sharedPath } from '../helpers/shared.js';
import { headerFrom, headerFromText, lonDiff } from './helpers.js';
import { loadFixture } from './projections/fixture.js';

const REL = 1e-12;
/** Absolute pixel tolerance where an iterated distortion inverse is involved: twice its convergence (1e-10 px). */
const ITER_TOL = 2e-10;
/** Pixel distance beyond which an iterated inverse's convergence test is at rounding level. */
const FAR_PX = 1e5;

interface Mismatch {
  i: number;
  a: [number, number];
  b: [number, number];
}

/**
 * Compares two coordinate array pairs; `lonFirst` compares the first array modulo 360. For
 * pixel outputs pass `crpix`: x = CRPIX + Δ loses the relative precision of Δ to the addition,
 * so the scale of a pixel coordinate is max(1, |x|, |x − CRPIX|).
 */
function compare(
  a0: Float64Array, a1: Float64Array, b0: Float64Array, b1: Float64Array, lonFirst: boolean, crpix?: readonly [number, number],
  absTol = 0,
): { nanMismatch: Mismatch[]; valueMismatch: Mismatch[]; finite: number; maxRel: number; maxAbs: number } {
  const nanMismatch: Mismatch[] = [];
  const valueMismatch: Mismatch[] = [];
  let finite = 0;
  /** Largest scaled difference among the points that agree (mismatches are reported separately). */
  let maxRel = 0;
  let maxAbs = 0;
  for (let i = 0; i < a0.length; i++) {
    const an = Number.isNaN(a0[i]) || Number.isNaN(a1[i]);
    const bn = Number.isNaN(b0[i]) || Number.isNaN(b1[i]);
    const m = { i, a: [a0[i], a1[i]] as [number, number], b: [b0[i], b1[i]] as [number, number] };
    if (an !== bn) {
      nanMismatch.push(m);
      continue;
    }
    if (an) continue;
    finite++;
    const d0 = lonFirst ? Math.abs(lonDiff(a0[i], b0[i])) : Math.abs(a0[i] - b0[i]);
    const r0 = d0 / Math.max(1, Math.abs(a0[i]), crpix ? Math.abs(a0[i] - crpix[0]) : 0);
    const r1 = Math.abs(a1[i] - b1[i]) / Math.max(1, Math.abs(a1[i]), crpix ? Math.abs(a1[i] - crpix[1]) : 0);
    const r = Math.max(r0, r1);
    if (r > REL && Math.max(d0, Math.abs(a1[i] - b1[i])) > absTol) valueMismatch.push(m);
    else if (r > maxRel) maxRel = r;
    maxAbs = Math.max(maxAbs, d0, Math.abs(a1[i] - b1[i]));
  }
  return { nanMismatch, valueMismatch, finite, maxRel, maxAbs };
}

/**
 * True when two different pixel answers are the same sky point: at a native pole the native
 * longitude is arbitrary (any phi is right) and ulp-level trig differences pick different ones.
 */
function samePoint(wcs: Wcs, m: Mismatch): boolean {
  // CSC (like WCSLIB) rounds the face coordinates x/45° (|x/45°| < 8) to float, so the two pixels
  // of one face-edge point return to the sky about a float ulp apart (45° · 2^-21 ≈ 2.1e-5°;
  // measured 8.1e-6°).
  const tol = wcs.projectionCode === 'CSC' ? 5e-5 : 1e-9;
  const [l1, b1] = wcs.pixToSky(m.a[0], m.a[1]);
  const [l2, b2] = wcs.pixToSky(m.b[0], m.b[1]);
  return Math.abs(b1 - b2) < tol && Math.abs(lonDiff(l1, l2)) * Math.cos((b1 * Math.PI) / 180) < tol;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A pixel grid of n×n points spanning [lo, hi] on both axes plus `extra` random points. */
function pixelGrid(lo: number[], hi: number[], n: number, extra: number, seed: number): { x: Float64Array; y: Float64Array } {
  const r = rng(seed);
  const x = new Float64Array(n * n + extra);
  const y = new Float64Array(n * n + extra);
  let k = 0;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++, k++) {
      x[k] = lo[0] + ((hi[0] - lo[0]) * i) / (n - 1);
      y[k] = lo[1] + ((hi[1] - lo[1]) * j) / (n - 1);
    }
  for (; k < x.length; k++) {
    x[k] = lo[0] + (hi[0] - lo[0]) * r();
    y[k] = lo[1] + (hi[1] - lo[1]) * r();
  }
  return { x, y };
}

/** An all-sky grid: every 5° in lon and lat (poles and the ±180 meridian included) plus random points. */
function skyGrid(seed: number, extra = 2000): { lon: Float64Array; lat: Float64Array } {
  const lon: number[] = [];
  const lat: number[] = [];
  for (let b = -90; b <= 90; b += 5) for (let l = 0; l <= 360; l += 5) (lon.push(l), lat.push(b));
  const r = rng(seed);
  for (let k = 0; k < extra; k++) (lon.push(360 * r()), lat.push(180 * r() - 90));
  return { lon: Float64Array.from(lon), lat: Float64Array.from(lat) };
}

/** Points compared and the largest relative difference seen, per suite (logged for the report). */
const summary = { points: 0, maxRelSky: 0, maxRelPix: 0, maxAbsPixIter: 0, samePointCases: 0 };

/** Runs pix→sky and sky→pix both ways and asserts agreement; returns the counts for the summary. */
function checkAgreement(
  label: string, wcs: Wcs, pix: { x: Float64Array; y: Float64Array }, sky: { lon: Float64Array; lat: Float64Array },
  desc?: Float64Array,
) {
  if (!desc) expect(nativeSupport(wcs), label).toEqual({ ok: true });
  const src = desc ?? wcs;
  const ts = wcs.pixToSkyMany(pix.x, pix.y);
  const nv = nativePixToSky(src, pix.x, pix.y)!;
  const p2s = compare(ts.lon, ts.lat, nv.lon, nv.lat, true);
  const tsP = wcs.skyToPixMany(sky.lon, sky.lat);
  const nvP = nativeSkyToPix(src, sky.lon, sky.lat)!;
  // An iterated inverse (SIP, TPV) is converged to ~1e-10 px in each path (distortions/invert.ts).
  const iterTol = wcs.distortion === 'none' ? 0 : ITER_TOL;
  const s2p = compare(tsP.x, tsP.y, nvP.x, nvP.y, false, wcs.crpix, iterTol);
  // Also sky → pixel at the sky positions of the pixel grid (on-image points, distortion inverse).
  const tsR = wcs.skyToPixMany(ts.lon, ts.lat);
  const nvR = nativeSkyToPix(src, ts.lon, ts.lat)!;
  const rt = compare(tsR.x, tsR.y, nvR.x, nvR.y, false, wcs.crpix, iterTol);
  for (const c of [s2p, rt]) {
    const before = c.valueMismatch.length;
    c.valueMismatch = c.valueMismatch.filter((m) => !samePoint(wcs, m));
    summary.samePointCases += before - c.valueMismatch.length;
    // Beyond ~1e5 px the iteration's absolute step tests (1e-11, 1e-9 px) are at the rounding
    // level of the coordinates, so whether it "converged" is decided by rounding in either path.
    if (iterTol) c.nanMismatch = c.nanMismatch.filter((m) => Math.max(...[...m.a, ...m.b].filter(Number.isFinite).map(Math.abs)) < FAR_PX);
  }
  summary.points += p2s.finite + s2p.finite + rt.finite;
  summary.maxRelSky = Math.max(summary.maxRelSky, p2s.maxRel);
  if (wcs.distortion === 'none') summary.maxRelPix = Math.max(summary.maxRelPix, s2p.maxRel, rt.maxRel);
  else summary.maxAbsPixIter = Math.max(summary.maxAbsPixIter, rt.maxAbs);
  for (const [what, c] of [['pix→sky', p2s], ['sky→pix', s2p], ['sky→pix (image points)', rt]] as const) {
    expect(c.nanMismatch.slice(0, 3), `${label} ${what}: NaN in one path only`).toEqual([]);
    expect(c.valueMismatch.slice(0, 3), `${label} ${what}: values differ by more than ${REL} relative (max ${c.maxRel})`).toEqual([]);
  }
  return { p2s, s2p, rt };
}

describe.skipIf(!native)('native WCS: descriptor and support', () => {
  const tan = Wcs.fromHeader(
    headerFrom({ NAXIS: 2, NAXIS1: 100, NAXIS2: 100, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: 10, CRVAL2: 20, CRPIX1: 50, CRPIX2: 50, CDELT1: -0.01, CDELT2: 0.01 }),
  );

  it('writes a versioned descriptor with the linear part and resolved rotation', () => {
    const d = wcsDescriptor(tan);
    expect(d[0]).toBe(WCS_DESCRIPTOR_VERSION);
    expect(Array.from(d.subarray(3, 9), (v) => v + 0)).toEqual([50, 50, -0.01, 0, 0, 0.01]);
    expect(d[50]).toBe(0);
    expect(d.length).toBe(51);
    expect(wcsDescriptor(tan)).toBe(d); // cached
  });

  it('refuses a malformed descriptor with a RangeError naming it', () => {
    const d = Float64Array.from(wcsDescriptor(tan));
    d[0] = 99;
    const o = new Float64Array(1);
    expect(() => native!.wcsPixToSky(d, o, o.slice(), new Float64Array(1), new Float64Array(1))).toThrow(/desc: Invalid WCS descriptor: expected version 1/);
    expect(() => native!.wcsPixToSky(wcsDescriptor(tan), new Float64Array(2), new Float64Array(1), new Float64Array(2), new Float64Array(2))).toThrow(RangeError);
  });

  it.skipIf(!sharedDataDir)('says TNX and DSS need the header descriptor, and mapPixels falls back to TypeScript for them', async () => {
    const { hdus } = await readFits(sharedPath('singles', 'tnx.fits'));
    const tnx = Wcs.fromHeader(hdus[0].header);
    const s = nativeSupport(tnx);
    expect(s.ok).toBe(false);
    expect(nativePixToSky(tnx, new Float64Array(1), new Float64Array(1))).toBeUndefined();
    // mapPixels still works, through the TypeScript path.
    const m = mapPixels(tnx, tan, Float64Array.of(200), Float64Array.of(200));
    expect(m.x.length).toBe(1);
  });

  it('runs the async variant with the same results', async () => {
    const { x, y } = pixelGrid([-100, -100], [200, 200], 20, 0, 1);
    const a = nativePixToSky(tan, x, y)!;
    const b = (await nativePixToSkyAsync(tan, x, y))!;
    expect(Array.from(b.lon)).toEqual(Array.from(a.lon));
    expect(Array.from(b.lat)).toEqual(Array.from(a.lat));
  });
});

describe.skipIf(!native)('native WCS vs TypeScript: projection configurations (non-default PV, offsets)', () => {
  const cases = loadFixture().cases;
  it(`agrees on all ${cases.length} configurations`, () => {
    let built = 0;
    let points = 0;
    for (const [ci, c] of cases.entries()) {
      const h: Record<string, string | number> = {
        NAXIS: 2, NAXIS1: 400, NAXIS2: 200, CTYPE1: `RA---${c.code}`, CTYPE2: `DEC--${c.code}`,
        CRVAL1: 120, CRVAL2: c.code.startsWith('CO') ? 30 : 45, CRPIX1: 200.5, CRPIX2: 100.5, CDELT1: -1, CDELT2: 1,
      };
      for (const [m, v] of Object.entries(c.pv)) h[`PV2_${m}`] = v;
      if (c.offset) Object.assign(h, { PV1_0: 1, PV1_1: c.offset[0], PV1_2: c.offset[1] });
      const wcs = Wcs.tryFromHeader(headerFrom(h));
      if (!wcs) continue;
      built++;
      const pix = pixelGrid([-40, -40], [440, 240], 61, 1000, 10 + ci);
      const r = checkAgreement(`${c.code} ${JSON.stringify(c.pv)} ${c.offset ?? ''}`, wcs, pix, skyGrid(100 + ci));
      points += r.p2s.finite + r.s2p.finite;
    }
    expect(built).toBeGreaterThan(cases.length * 0.8);
    expect(points).toBeGreaterThan(100_000);
  }, 60_000);
});

/** FITS files whose WCS the native path must reproduce: path parts and HDU index. */
const FITS_CASES: Array<[string[], number]> = [
  [['singles', 'sipsample.fits'], 0],
  [['singles', 'astropy_sip-wcs_apogee.fits'], 0],
  [['singles', 'tpv.fits'], 0],
  [['singles', 'HorseHead.fits'], 0],
  [['singles', 'gc_msx_e.fits'], 0],
  [['singles', 'allsky_rosat.fits'], 0],
  [['singles', '1904-66_ZPN.fits'], 0],
  [['singles', 'l1448_13co.fits'], 0],
  [['2mass-j-orion-0.25deg', '2mass-atlas-001124n-j0850232.fits.gz'], 0],
];

describeShared('native WCS vs TypeScript: shared headers and images', () => {
  const headerFiles = (() => {
    try {
      return readdirSync(sharedPath('wcs-headers')).filter((f) => f.endsWith('.hdr')).sort();
    } catch {
      return [];
    }
  })();

  it.skipIf(!native)('agrees on every wcs-headers/*.hdr that builds a WCS', () => {
    let built = 0;
    for (const [k, f] of headerFiles.entries()) {
      const wcs = Wcs.tryFromHeader(headerFromText(readFileSync(sharedPath('wcs-headers', f), 'latin1')));
      if (!wcs) continue;
      built++;
      const nx = wcs.naxis[0] || 200;
      const ny = wcs.naxis[1] || 200;
      checkAgreement(f, wcs, pixelGrid([-0.5 * nx, -0.5 * ny], [1.5 * nx, 1.5 * ny], 81, 2000, 200 + k), skyGrid(300 + k));
    }
    expect(built).toBeGreaterThanOrEqual(30);
  }, 60_000);

  it.skipIf(!native)('agrees on SIP, TPV, DSS-with-TAN, CAR, AIT, ZPN, SFL and 2MASS SIN images', async () => {
    const headers: Array<[string, Header]> = [];
    for (const [parts, hdu] of FITS_CASES) headers.push([parts.join('/'), (await readFits(sharedPath(...parts))).hdus[hdu].header]);
    const decam = readdirSync(sharedPath('decam-tpv-stack')).filter((f) => f.endsWith('.fits')).sort()[0];
    headers.push([decam, (await readFits(sharedPath('decam-tpv-stack', decam))).hdus[1].header]);
    for (const [k, [name, header]] of headers.entries()) {
      const wcs = Wcs.fromHeader(header);
      if (name.includes('HorseHead')) {
        // The plate solution wins over TAN there (TS reads it as DSS): not native.
        expect(nativeSupport(wcs).ok).toBe(false);
        continue;
      }
      const [nx, ny] = [wcs.naxis[0], wcs.naxis[1]];
      // Image plus a margin of half its size each side: distortion polynomials far off the image.
      const pix = pixelGrid([-0.5 * nx, -0.5 * ny], [1.5 * nx, 1.5 * ny], 101, 3000, 400 + k);
      const sky = wcs.pixToSkyMany(pix.x, pix.y);
      const skyPts = skyGrid(500 + k, 0);
      const lon = Float64Array.from([...sky.lon, ...skyPts.lon]);
      const lat = Float64Array.from([...sky.lat, ...skyPts.lat]);
      checkAgreement(name, wcs, pix, { lon, lat });
    }
  }, 60_000);

  it.skipIf(!native)('agrees on TNX and DSS through the header descriptor', async () => {
    const files: string[][] = [
      ['singles', 'tnx.fits'], ['singles', 'HorseHead.fits'], ['singles', 'M6707HH.fits'], ['singles', 'dss.14.29.56-62.41.05.fits.gz'],
    ];
    const kinds: string[] = [];
    for (const [k, parts] of files.entries()) {
      const header = (await readFits(sharedPath(...parts))).hdus[0].header;
      const wcs = Wcs.fromHeader(header);
      kinds.push(wcs.distortion);
      const desc = wcsDescriptorFromHeader(header);
      const [nx, ny] = [wcs.naxis[0], wcs.naxis[1]];
      const pix = pixelGrid([-0.5 * nx, -0.5 * ny], [1.5 * nx, 1.5 * ny], 101, 3000, 600 + k);
      const sky = wcs.pixToSkyMany(pix.x, pix.y);
      checkAgreement(parts[1], wcs, pix, { lon: sky.lon, lat: sky.lat }, desc);
    }
    expect(kinds).toEqual(['tnx', 'dss', 'dss', 'dss']);
  }, 60_000);

  it.skipIf(!native)('maps pixels between images like the TypeScript path, with and without a frame rotation', async () => {
    const a = Wcs.fromHeader((await readFits(sharedPath('2mass-j-orion-0.25deg', '2mass-atlas-001124n-j0850232.fits.gz'))).hdus[0].header);
    const b = Wcs.fromHeader((await readFits(sharedPath('singles', 'sipsample.fits'))).hdus[0].header);
    const mosaic = Wcs.fromHeader(
      headerFrom({ NAXIS: 2, NAXIS1: 2230, NAXIS2: 2196, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: 83.830786, CRVAL2: -5.360054, CRPIX1: 1115.5, CRPIX2: 1098.5, CDELT1: -2.7777778e-4, CDELT2: 2.7777778e-4 }),
    );
    // ICRS → Galactic (J2000 pole and node); any rotation serves to compare the two paths.
    const rot = Float64Array.of(
      -0.0548755604162154, -0.873437090234885, -0.4838350155487132,
      0.4941094278755837, -0.4448296299600112, 0.7469822444972189,
      -0.8676661490190047, -0.1980763734312015, 0.4559837761750669,
    );
    const gal = Wcs.fromHeader(
      headerFrom({ NAXIS: 2, NAXIS1: 500, NAXIS2: 500, CTYPE1: 'GLON-CAR', CTYPE2: 'GLAT-CAR', CRVAL1: 209, CRVAL2: -19.4, CRPIX1: 250, CRPIX2: 250, CDELT1: -0.002, CDELT2: 0.002 }),
    );
    const m51 = Wcs.fromHeader(
      headerFrom({ NAXIS: 2, NAXIS1: 600, NAXIS2: 600, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: b.crval[0], CRVAL2: b.crval[1], CRPIX1: 300, CRPIX2: 300, CDELT1: -3e-4, CDELT2: 3e-4, CROTA2: 30 }),
    );
    const pix = pixelGrid([-50, -50], [562, 1074], 101, 1000, 7);
    for (const [from, to, r, label] of [[a, mosaic, undefined, '2MASS→TAN'], [b, m51, undefined, 'SIP→TAN'], [m51, b, undefined, 'TAN→SIP'], [a, gal, rot, '2MASS→GAL CAR']] as const) {
      const ts = mapPixels(from, to, pix.x, pix.y, { rotation: r, typescript: true });
      const nv = mapPixels(from, to, pix.x, pix.y, { rotation: r });
      const nv4 = mapPixels(from, to, pix.x, pix.y, { rotation: r, threads: 4 });
      const c = compare(ts.x, ts.y, nv.x, nv.y, false, to.crpix, to.distortion === 'none' ? 0 : ITER_TOL);
      expect(c.nanMismatch.slice(0, 3), label).toEqual([]);
      expect(c.valueMismatch.slice(0, 3), `${label} max ${c.maxRel}`).toEqual([]);
      expect(c.finite, label).toBeGreaterThan(0);
      expect(Array.from(nv4.x)).toEqual(Array.from(nv.x));
      const nvA = await mapPixelsAsync(from, to, pix.x, pix.y, { rotation: r, threads: 2 });
      expect(Array.from(nvA.y)).toEqual(Array.from(nv.y));
    }
  }, 60_000);

  it.skipIf(!native)('reports throughput (points per second), TypeScript vs native', async () => {
    const twoMass = Wcs.fromHeader((await readFits(sharedPath('2mass-j-orion-0.25deg', '2mass-atlas-001124n-j0850232.fits.gz'))).hdus[0].header);
    const sip = Wcs.fromHeader((await readFits(sharedPath('singles', 'sipsample.fits'))).hdus[0].header);
    const tpv = Wcs.fromHeader((await readFits(sharedPath('singles', 'tpv.fits'))).hdus[0].header);
    const zpn = Wcs.fromHeader(headerFromText(readFileSync(sharedPath('wcs-headers', '1904-66_ZPN.hdr'), 'latin1')));
    console.log(
      `native vs TS agreement so far: ${summary.points} finite point pairs, max relative difference ` +
        `sky ${summary.maxRelSky.toExponential(2)}, pixels (undistorted) ${summary.maxRelPix.toExponential(2)}; ` +
        `SIP/TPV iterated inverse on image points max |Δ| ${summary.maxAbsPixIter.toExponential(2)} px; ` +
        `${summary.samePointCases} native-pole/CSC-edge points answered with different pixels of the same sky point`,
    );
    const n = 1 << 16;
    const { x, y } = pixelGrid([1, 1], [512, 1024], 2, n - 4, 99);
    // The test machine is shared: take the best of 5 short runs of each (contention only slows).
    const rate = (f: () => void): number => {
      f(); // warm up
      let best = 0;
      for (let round = 0; round < 5; round++) {
        const t0 = performance.now();
        f();
        best = Math.max(best, n / ((performance.now() - t0) / 1000));
      }
      return best;
    };
    const rows: string[] = [];
    const fmt = (v: number) => `${(v / 1e6).toFixed(2)} M/s`;
    for (const [label, w] of [['SIN (2MASS)', twoMass], ['TAN-SIP', sip], ['TPV', tpv], ['ZPN', zpn]] as const) {
      const tsP = rate(() => w.pixToSkyMany(x, y));
      const nvP = rate(() => nativePixToSky(w, x, y));
      const sky = w.pixToSkyMany(x, y);
      const tsS = rate(() => w.skyToPixMany(sky.lon, sky.lat));
      const nvS = rate(() => nativeSkyToPix(w, sky.lon, sky.lat));
      rows.push(`${label.padEnd(12)} pix→sky TS ${fmt(tsP)} native ${fmt(nvP)} (×${(nvP / tsP).toFixed(1)}); sky→pix TS ${fmt(tsS)} native ${fmt(nvS)} (×${(nvS / tsS).toFixed(1)})`);
    }
    const tsM = rate(() => mapPixels(twoMass, sip, x, y, { typescript: true }));
    const nvM = rate(() => mapPixels(twoMass, sip, x, y));
    const nvM4 = rate(() => mapPixels(twoMass, sip, x, y, { threads: 4 }));
    rows.push(`mapPixels SIN→SIP TS ${fmt(tsM)} native ${fmt(nvM)} (×${(nvM / tsM).toFixed(1)}), 4 threads ${fmt(nvM4)}`);
    console.log(`WCS throughput, ${n} points per call:\n${rows.join('\n')}`);
    expect(nvM).toBeGreaterThan(0);
  }, 60_000);
});

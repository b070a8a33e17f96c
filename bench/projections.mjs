/**
 * Per-point timing of the projection kernels (both directions) and of the full WCS
 * pixel → sky → pixel chain, on a realistic field: points within ~1° of the reference point.
 *
 * Run: `npm run build && node bench/projections.mjs [--n 1000000] [--json] [--dist DIR]`.
 * It times the compiled ESM in dist/ (what bin/mosaic.js runs): under tsx the imports become
 * getters that V8 does not inline, which makes every kernel look 2–3× slower than it is.
 * Reports the median of several timed passes after a warm-up, in ns per point.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--n') + 1] ?? 0) || 1_000_000;
const asJson = args.includes('--json');
const distDir = resolve(args.includes('--dist') ? args[args.indexOf('--dist') + 1] : new URL('../dist', import.meta.url).pathname);
const { makeProjection } = await import(pathToFileURL(resolve(distDir, 'wcs/projections/index.js')).href);
const noPv = { pv: () => undefined, pvLon: () => undefined };

/**
 * Fastest of `passes` runs of fn over n points, in ns of this process's CPU time per point.
 * CPU time and the minimum, because a shared machine inflates wall time by whatever else runs.
 */
function time(fn, passes = 9) {
  fn();
  fn();
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1000) / n);
  }
  return best;
}

const CODES = ['TAN', 'SIN', 'ZEA', 'ARC', 'STG', 'CAR', 'AIT'];
// Points in raster order, as the corner mapping visits them: a square field 2° on a side
// (sqrt(n) × sqrt(n) grid) round the fiducial point, turned into native (phi, theta) by
// each projection's own inverse, so neighbouring points have neighbouring angles.
const side = Math.floor(Math.sqrt(n));
const gx = new Float64Array(n);
const gy = new Float64Array(n);
for (let i = 0; i < n; i++) {
  gx[i] = -1 + (2 * (i % side)) / side + 1e-7;
  gy[i] = -1 + (2 * Math.floor(i / side)) / side + 1e-7;
}
const x = new Float64Array(n);
const y = new Float64Array(n);
const p = new Float64Array(n);
const t = new Float64Array(n);
const rows = [];
for (const code of CODES) {
  const proj = makeProjection(code, noPv);
  const src = { phi: new Float64Array(n), theta: new Float64Array(n) };
  proj.toNative(gx, gy, src.phi, src.theta, n);
  const forwardNs = time(() => proj.fromNative(src.phi, src.theta, x, y, n));
  const inverseNs = time(() => proj.toNative(x, y, p, t, n));
  rows.push({ code, forwardNs, inverseNs });
}
// The full WCS chain per point, split into its parts: linear + projection + spherical rotation.
// Skipped when DIR holds only the projections (e.g. an older copy compiled for comparison).
const wcsRows = [];
const hasWcs = existsSync(resolve(distDir, 'wcs/wcs.js'));
const { Wcs } = hasWcs ? await import(pathToFileURL(resolve(distDir, 'wcs/wcs.js')).href) : {};
const { Header } = hasWcs ? await import(pathToFileURL(resolve(distDir, 'fits/header.js')).href) : {};
const sphere = hasWcs ? await import(pathToFileURL(resolve(distDir, 'wcs/sphere.js')).href) : {};
for (const code of hasWcs ? ['TAN', 'SIN'] : []) {
  const h = new Header();
  const cards = { NAXIS: 2, NAXIS1: 6000, NAXIS2: 6000, CTYPE1: `RA---${code}`, CTYPE2: `DEC--${code}`, CRVAL1: 275.196, CRVAL2: -16.171, CRPIX1: 3000.5, CRPIX2: 3000.5, CDELT1: -2.7778e-4, CDELT2: 2.7778e-4 };
  for (const [k, v] of Object.entries(cards)) h.set(k, v);
  const wcs = Wcs.fromHeader(h);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = 1 + (6000 * (i % side)) / side;
    py[i] = 1 + (6000 * Math.floor(i / side)) / side;
  }
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  const out = { lon, lat };
  const pixToSkyNs = time(() => wcs.pixToSkyMany(px, py, out));
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const skyToPixNs = time(() => wcs.skyToPixMany(lon, lat, { x: bx, y: by }));
  // The rotation alone, with the WCS's own Euler angles.
  const euler = wcs.euler;
  const rotNs = euler ? time(() => sphere.celestialToNative(euler, lon, lat, bx, by, n)) : NaN;
  const rotBackNs = euler ? time(() => sphere.nativeToCelestial(euler, bx, by, px, py, n)) : NaN;
  wcsRows.push({ code, pixToSkyNs, skyToPixNs, celestialToNativeNs: rotNs, nativeToCelestialNs: rotBackNs });
}
if (asJson) {
  process.stdout.write(JSON.stringify({ n, node: process.version, rows, wcsRows }) + '\n');
} else {
  console.log(`projection kernels, ${n} points, node ${process.version} (CPU ns/point, best of 9)`);
  console.log('code  sky→xy (fromNative)  xy→sky (toNative)');
  for (const r of rows) console.log(`${r.code.padEnd(5)} ${r.forwardNs.toFixed(1).padStart(12)} ${r.inverseNs.toFixed(1).padStart(18)}`);
  console.log('\nfull WCS (6000² px field, 1" pixels): pixToSky  skyToPix  | rotation alone: cel→native  native→cel');
  for (const r of wcsRows)
    console.log(`${r.code.padEnd(5)} ${r.pixToSkyNs.toFixed(1).padStart(20)} ${r.skyToPixNs.toFixed(1).padStart(9)}  | ${r.celestialToNativeNs.toFixed(1).padStart(26)} ${r.nativeToCelestialNs.toFixed(1).padStart(11)}`);
}

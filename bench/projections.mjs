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

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--n') + 1] ?? 0) || 1_000_000;
const asJson = args.includes('--json');
const distDir = resolve(args.includes('--dist') ? args[args.indexOf('--dist') + 1] : new URL('../dist', import.meta.url).pathname);
const { makeProjection } = await import(pathToFileURL(resolve(distDir, 'wcs/projections/index.js')).href);
const noPv = { pv: () => undefined, pvLon: () => undefined };

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
const rand = rng(42);
// Zenithal: native latitudes 88–90° (a 2° field round the pole); others: ±2° round (0, 0).
const zen = { phi: new Float64Array(n), theta: new Float64Array(n) };
const cyl = { phi: new Float64Array(n), theta: new Float64Array(n) };
for (let i = 0; i < n; i++) {
  zen.phi[i] = -180 + 360 * rand();
  zen.theta[i] = 88 + 2 * rand();
  cyl.phi[i] = -2 + 4 * rand();
  cyl.theta[i] = -2 + 4 * rand();
}
const x = new Float64Array(n);
const y = new Float64Array(n);
const p = new Float64Array(n);
const t = new Float64Array(n);
const rows = [];
for (const code of CODES) {
  const proj = makeProjection(code, noPv);
  const src = code === 'CAR' || code === 'AIT' ? cyl : zen;
  const forwardNs = time(() => proj.fromNative(src.phi, src.theta, x, y, n));
  const inverseNs = time(() => proj.toNative(x, y, p, t, n));
  rows.push({ code, forwardNs, inverseNs });
}
if (asJson) {
  process.stdout.write(JSON.stringify({ n, node: process.version, rows }) + '\n');
} else {
  console.log(`projection kernels, ${n} points, node ${process.version} (CPU ns/point, best of 9)`);
  console.log('code  sky→xy (fromNative)  xy→sky (toNative)');
  for (const r of rows) console.log(`${r.code.padEnd(5)} ${r.forwardNs.toFixed(1).padStart(12)} ${r.inverseNs.toFixed(1).padStart(18)}`);
}

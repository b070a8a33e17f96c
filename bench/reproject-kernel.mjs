/**
 * Micro-benchmark of the exact reprojection kernel (`reprojectExact`), native and
 * TypeScript, each against its clipping reference (the algorithm before the 2×2 fast
 * path) in the same run, so the speed-ups are ratios measured side by side.
 *
 * Run: `npm run build && node bench/reproject-kernel.mjs [--size 1024] [--json] [--dist DIR]`.
 * Times the compiled ESM in dist/ (see bench/projections.mjs for why not tsx) and the
 * addon in native/mosaic.node. One thread; reports the fastest of several passes of this
 * process's CPU time, in ns per output pixel, plus the largest difference of the fast path
 * from the reference (relative for values, absolute for coverages).
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(opt('--size', 1024));
const asJson = args.includes('--json');
const distDir = resolve(opt('--dist', new URL('../dist', import.meta.url).pathname));
const ts = await import(pathToFileURL(resolve(distDir, 'kernels/reproject-exact.js')).href);
let native;
try {
  native = createRequire(import.meta.url)(new URL('../native/mosaic.node', import.meta.url).pathname);
} catch {
  native = undefined;
}

/** Seeded mulberry32, as in test/kernels/random.ts. */
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

/** Output corners for x_in = s·R(θ)·(x_out, y_out) + (tx, ty), plus a gentle distortion. */
function corners(w, h, scale, theta, tx, ty) {
  const cx = new Float64Array((w + 1) * (h + 1));
  const cy = new Float64Array(cx.length);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  for (let j = 0; j <= h; j++) {
    for (let i = 0; i <= w; i++) {
      const x = i - 0.5;
      const y = j - 0.5;
      const bend = 1e-9 * (x * x + y * y); // up to ~0.2 % at the far corner
      cx[i + (w + 1) * j] = scale * (c * x - s * y) * (1 + bend) + tx;
      cy[i + (w + 1) * j] = scale * (s * x + c * y) * (1 + bend) + ty;
    }
  }
  return { cx, cy };
}

// Cases: the mosaic's common case (similar scales, small rotation), a larger rotation,
// and a magnification (output pixels smaller than input ones).
const CASES = [
  { name: 'scale 1, θ 0.01 rad', scale: 1, theta: 0.01 },
  { name: 'scale 1, θ 0.5 rad', scale: 1, theta: 0.5 },
  { name: 'scale 0.5, θ 0.2 rad', scale: 0.5, theta: 0.2 },
];

const srcW = Math.ceil(size * 1.1);
const srcH = srcW;
const r = rng(7);
const src = new Float32Array(srcW * srcH);
for (let i = 0; i < src.length; i++) src[i] = r() < 0.01 ? NaN : r() * 1000;

/** Fastest of `passes` CPU-time runs of fn, in ns per output pixel. */
function time(fn, n, passes = 5) {
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

/** Largest difference: relative for values, absolute for coverages (which may be tiny). */
function maxDiff(a, b, relative) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (Number.isNaN(a[i]) || a[i] === b[i]) continue;
    const d = Math.abs(a[i] - b[i]) / (relative ? Math.abs(b[i]) : 1);
    if (d > worst) worst = d;
  }
  return worst;
}

const diff = (x, y) => Math.max(maxDiff(x.value, y.value, true), maxDiff(x.coverage, y.coverage, false));

const rows = [];
for (const c of CASES) {
  const { cx, cy } = corners(size, size, c.scale, c.theta, srcW / 2 - (c.scale * size) / 2, srcH / 2 - (c.scale * size) / 2);
  const n = size * size;
  const out = () => ({ value: new Float64Array(n), coverage: new Float64Array(n) });
  const runTs = (fn) => {
    const o = out();
    return { o, ns: time(() => fn(src, srcW, srcH, cx, cy, size, 0, size, o.value, o.coverage), n, 3) };
  };
  const row = { case: c.name };
  const tsFast = runTs(ts.reprojectExactRowsTs);
  row.tsNs = tsFast.ns;
  if (ts.reprojectExactRowsReferenceTs) {
    const tsRef = runTs(ts.reprojectExactRowsReferenceTs);
    row.tsReferenceNs = tsRef.ns;
    row.tsMaxDiff = diff(tsFast.o, tsRef.o);
  }
  if (native) {
    const runNative = (fn) => {
      const o = out();
      return { o, ns: time(() => fn(src, srcW, srcH, cx, cy, size, size, o.value, o.coverage), n) };
    };
    const nFast = runNative(native.reprojectExact);
    row.nativeNs = nFast.ns;
    if (native.reprojectExactReference) {
      const nRef = runNative(native.reprojectExactReference);
      row.nativeReferenceNs = nRef.ns;
      row.nativeMaxDiff = diff(nFast.o, nRef.o);
    }
    row.nativeVsTsMaxDiff = diff(nFast.o, tsFast.o);
  }
  rows.push(row);
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), node ${process.version}`;
if (asJson) {
  console.log(JSON.stringify({ machine, size, rows }, null, 2));
} else {
  console.log(`reprojectExact, ${size}×${size} output from ${srcW}×${srcH} float32, 1 thread — ${machine}`);
  const f = (v) => (v === undefined ? '—' : v.toFixed(1));
  const ratio = (ref, fast) => (ref === undefined || fast === undefined ? '—' : `${(ref / fast).toFixed(2)}×`);
  const e = (v) => (v === undefined ? '—' : v.toExponential(1));
  console.log('case                  | native ref | native | speed-up | TS ref | TS    | speed-up | max diff: value rel., coverage abs. (native vs ref, TS vs ref, native vs TS)');
  for (const x of rows) {
    console.log(
      `${x.case.padEnd(21)} | ${f(x.nativeReferenceNs).padStart(10)} | ${f(x.nativeNs).padStart(6)} | ${ratio(x.nativeReferenceNs, x.nativeNs).padStart(8)} | ` +
        `${f(x.tsReferenceNs).padStart(6)} | ${f(x.tsNs).padStart(5)} | ${ratio(x.tsReferenceNs, x.tsNs).padStart(8)} | ` +
        `${e(x.nativeMaxDiff)}, ${e(x.tsMaxDiff)}, ${e(x.nativeVsTsMaxDiff)}`,
    );
  }
}

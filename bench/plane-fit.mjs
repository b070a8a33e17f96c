// Robust plane fit (mFitplane, 19 passes) on a 500×1000 difference-like image: time per fit.
// Run after `npm run build`: node bench/plane-fit.mjs [repeats]
import { cpus } from 'node:os';
import { fitDiffPlane } from '../dist/stages/fit-plane.js';

function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Plane + gaussian noise + 1 % unsubtracted stars; a slanted NaN edge as in a real overlap.
const [width, height] = [500, 1000];
const r = mulberry32(1);
const value = new Float64Array(width * height);
for (let j = 0; j < height; j++)
  for (let i = 0; i < width; i++) {
    const gauss = Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
    value[i + width * j] = i > 0.8 * width + 0.3 * j - 100 ? NaN : 0.5 + 1e-4 * i - 2e-4 * j + 0.05 * gauss + (r() < 0.01 ? 5 * r() : 0);
  }
const diff = { x0: 100, y0: 200, width, height, value };
const crpix = { crpix1: 900.5, crpix2: 1200.5 };

const repeats = Number(process.argv[2] ?? 20);
const first = fitDiffPlane(diff, crpix);
const t0 = performance.now();
for (let k = 0; k < repeats; k++) fitDiffPlane(diff, crpix);
const ms = (performance.now() - t0) / repeats;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} ×${cpus().length}, node ${process.version}`);
console.log(`fitDiffPlane ${width}×${height} (${first.npixel} pixels in the rms): ${ms.toFixed(1)} ms per fit, ${((ms * 1e6) / (width * height * 19)).toFixed(2)} ns per pixel-pass`);

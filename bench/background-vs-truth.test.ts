/**
 * Accuracy against a known truth, ours vs Montage: simulate a survey (`simulate`, which
 * injects one background plane per frame), run Montage's full chain (mImgtbl … mOverlaps,
 * mDiffExec, mFitExec, mBgModel, mBgExec, mAdd) and our `buildMosaic` on the same raw frames
 * with truth.hdr as the template, and measure both mosaics against truth.fits.
 *
 * Background matching fixes the frames' levels only up to one common level, so one constant
 * (the median of mosaic − truth) is removed from each mosaic separately. The statistics use
 * the pixels where both mosaics and the truth are finite, r = mosaic − truth − constant:
 * - median |r| per pixel (noise plus background error plus resampling error), and
 * - the 95th percentile over 64×64 blocks of |median r in the block|: the noise averages out
 *   of a block median, leaving the background error the matching left behind.
 *
 * Issue #5 asks for ours ≤ Montage's. Measured 2026-11-25 (standard, seed 1, σ = 2 DN), with the
 * damped solve (the default since then): median |r| ours 0.944 vs Montage 0.944 DN, block p95
 * ours 0.481 vs Montage 0.490 DN — passes, but as a tie: the damping reproduces what Montage's
 * 7500 plane sweeps leave of the weak mode. Before it, the exact least-squares solve gave 1.18
 * and 1.78 DN: a weakly constrained mode (per-column slopes, fixed only by the cross-strip
 * slopes of the narrow side overlaps, which are off by up to 7× their white-noise error) that
 * the exact solve fits to noise (with 100000 sweeps Montage's own answer is as bad).
 *
 * Background-only error over seeds 1–8 (correction planes vs the injected ones, frames
 * averaged on a 16-px grid, one constant removed: rms / 64-px block p95, DN),
 * Montage | exact LSQ | damped (default):
 *   seed 1 0.26/0.49 | 0.99/1.93 | 0.26/0.48   seed 2 0.54/0.86 | 0.51/0.78 | 0.54/0.89
 *   seed 3 1.57/3.27 | 1.56/3.20 | 1.57/3.27   seed 4 1.51/2.53 | 1.61/2.92 | 1.51/2.55
 *   seed 5 0.55/1.28 | 0.71/1.84 | 0.54/1.25   seed 6 0.56/1.37 | 1.36/2.92 | 0.54/1.31
 *   seed 7 0.25/0.57 | 0.68/1.58 | 0.25/0.55   seed 8 1.41/2.74 | 1.54/3.18 | 1.41/2.74
 * The damped solve is within ±0.06 DN of Montage everywhere (p95 ≤ Montage's on 5 of 8), so
 * "below Montage" holds for this seed by a hair, not robustly; seeds 3, 4, 8 are dominated by a
 * global tilt (the truth's mean frame slope, which no data fix). On the 91-frame M17 set the
 * corrections' rms error after one global plane is 0.48 DN damped, 0.50 Montage, 1.96 exact.
 * The optional empirical-Bayes slope prior (`slopePrior: 1`, undamped) gives 0.41/0.72,
 * 0.52/1.07, 1.53/3.02, 1.50/2.53, 0.57/1.38, 0.69/1.64, 0.19/0.37, 1.45/2.87 but moves the
 * 2MASS Orion corrections 3.8 DN from mBgModel's. Kept in bench/ (it runs Montage's chain):
 * `npx vitest run --config bench/vitest.config.ts`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../src/fits/read.js';
import type { FitsImage } from '../src/fits/types.js';
import type { Header } from '../src/fits/header.js';
import { buildMosaic } from '../src/pipeline/build.js';
import { simulate, type SimulateResult } from '../src/stages/simulate.js';
import { placementFromHeader } from '../src/stages/types.js';
import { missingMontageTools, montageTemplateChain } from './montage-template-chain.js';

/**
 * The simulated set: the `standard` preset (12 frames of 512×1024, ~10 s to build, Montage ~10 s
 * once, then cached). `small` (6 frames of 256×512) has 25-px side overlaps, too narrow to pin
 * the x slopes, so its block medians measure the fit noise more than the method.
 */
const SIM = { size: 'standard', seed: 1 } as const;
/** Side of the blocks whose medians measure the background error, pixels. */
const BLOCK = 64;

const scratch = mkdtempSync(join(tmpdir(), 'mosaic-truth-vs-montage-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Nearest-rank q-quantile (0…1) of the values (not modified). */
function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
}

/** Value of a mosaic at 0-based truth-grid pixel (x, y), placed on that grid by its CRPIX; NaN outside. */
function sampler(img: FitsImage, template: Header): (x: number, y: number) => number {
  const p = placementFromHeader(template, img.header);
  return (x, y) => {
    const i = x - p.x0;
    const j = y - p.y0;
    return i >= 0 && j >= 0 && i < p.width && j < p.height ? img.data[i + p.width * j] : NaN;
  };
}

/** Residual statistics of one mosaic against the truth (DN), see the file comment. */
interface Residual {
  offset: number;
  median: number;
  blockP95: number;
  blocks: number;
}

/**
 * Residuals of several mosaics against the truth over the pixels where all of them and the
 * truth are finite, one constant removed from each.
 */
function residuals(truth: FitsImage, mosaics: FitsImage[], template: Header): { pixels: number; stats: Residual[] } {
  const [W, H] = truth.shape;
  const at = mosaics.map((m) => sampler(m, template));
  const xs: number[] = [];
  const ys: number[] = [];
  const r: number[][] = mosaics.map(() => []);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const t = truth.data[x + W * y];
      if (!Number.isFinite(t)) continue;
      const v = at.map((f) => f(x, y));
      if (!v.every(Number.isFinite)) continue;
      xs.push(x);
      ys.push(y);
      v.forEach((m, k) => r[k].push(m - t));
    }
  const stats = r.map((res) => {
    const offset = quantile(res, 0.5);
    const blocks = new Map<number, number[]>();
    for (let i = 0; i < res.length; i++) {
      const key = Math.floor(xs[i] / BLOCK) * 1_000_000 + Math.floor(ys[i] / BLOCK);
      let list = blocks.get(key);
      if (!list) blocks.set(key, (list = []));
      list.push(res[i] - offset);
    }
    // Only blocks at least half covered: a sliver's median is noise, not background.
    const medians = [...blocks.values()].filter((b) => b.length >= (BLOCK * BLOCK) / 2).map((b) => Math.abs(quantile(b, 0.5)));
    return {
      offset,
      median: quantile(
        res.map((v) => Math.abs(v - offset)),
        0.5,
      ),
      blockP95: quantile(medians, 0.95),
      blocks: medians.length,
    };
  });
  return { pixels: xs.length, stats };
}

const describeMontage =
  missingMontageTools.length === 0
    ? describe
    : (name: string, fn: () => void) =>
        describe.skip(`${name} (skipped: Montage binaries ${missingMontageTools.join(', ')} (Debian package montage) are not on PATH)`, fn);

describeMontage(`background-matched mosaic vs truth, ours and Montage's (simulate ${SIM.size}, seed ${SIM.seed})`, () => {
  let sim: SimulateResult;
  let noiseSigma: number;
  let ours: Residual;
  let montage: Residual;
  let pixels: number;

  beforeAll(async () => {
    const dir = join(scratch, 'sim');
    sim = await simulate({ dir, size: SIM.size, seed: SIM.seed });
    noiseSigma = (JSON.parse(readFileSync(sim.truthJson, 'utf8')) as { noiseSigma: number }).noiseSigma;
    const templatePath = join(dir, 'truth.hdr');
    const chain = montageTemplateChain(join(dir, 'raw'), templatePath, `${SIM.size}-seed${SIM.seed}`);
    const out = join(scratch, 'ours.fits');
    const r = await buildMosaic({ inputs: sim.files, output: out, template: templatePath, threads: 2 });
    expect(r.background).toBe(true);
    expect(r.used).toBe(sim.files.length);
    const truth = await readImage(sim.truthFile!);
    const res = residuals(truth, [await readImage(out), await readImage(chain.mosaic)], sim.truthHeader);
    [ours, montage] = res.stats;
    pixels = res.pixels;
    const f = (v: number) => v.toFixed(3);
    console.log(
      `truth vs mosaic over ${pixels} common pixels (noise σ ${noiseSigma} DN; ${ours.blocks} blocks of ${BLOCK}×${BLOCK}):\n` +
        `  ours    offset ${f(ours.offset)}  median |r| ${f(ours.median)}  block-median p95 ${f(ours.blockP95)} DN\n` +
        `  Montage offset ${f(montage.offset)}  median |r| ${f(montage.median)}  block-median p95 ${f(montage.blockP95)} DN`,
    );
  }, 600_000);

  it('compares most of the truth grid', () => {
    expect(pixels).toBeGreaterThan(0.5 * sim.naxis1 * sim.naxis2);
    expect(ours.blocks).toBeGreaterThanOrEqual(10);
  });

  it('our per-pixel median |residual| is no larger than Montage’s', () => {
    expect(ours.median).toBeLessThanOrEqual(montage.median);
  });

  it('our 64×64 block-median p95 (the background error) is no larger than Montage’s', () => {
    expect(ours.blockP95).toBeLessThanOrEqual(montage.blockP95);
  });

  it('our residual is noise-limited (median |r| ≤ σ, block-median p95 ≤ σ/2)', () => {
    expect(ours.median).toBeLessThanOrEqual(noiseSigma);
    expect(ours.blockP95).toBeLessThanOrEqual(noiseSigma / 2);
  });
});

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/fits/read.js';
import { readTemplate } from '../../src/tables/template.js';
import { Random } from '../../src/sim/random.js';
import { addStars, erf } from '../../src/sim/sky.js';
import { imgtbl } from '../../src/stages/imgtbl.js';
import { simulate, type SimulateResult } from '../../src/stages/simulate.js';
import { Wcs } from '../../src/wcs/wcs.js';

describe('Random', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
  });
  it('gives normal deviates with mean 0 and σ 1 (n = 20000, 4σ bounds)', () => {
    const r = new Random(7);
    let s = 0, s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });
});

describe('star rendering', () => {
  it('erf matches known values to 2e-7', () => {
    expect(Math.abs(erf(0.5) - 0.5204998778130465)).toBeLessThan(2e-7);
    expect(Math.abs(erf(-1.5) + 0.9661051464753108)).toBeLessThan(2e-7);
  });
  it('conserves the flux of a star well inside the image', () => {
    const img = new Float64Array(64 * 64);
    addStars(img, 64, 64, [30.3], [33.8], [1000], 1.2);
    const sum = img.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - 1000)).toBeLessThan(1e-3);
    // Peak at the pixel containing (30.3, 33.8): 0-based (29, 33).
    let best = 0;
    for (let i = 1; i < img.length; i++) if (img[i] > img[best]) best = i;
    expect([best % 64, Math.floor(best / 64)]).toEqual([29, 33]);
  });
});

describe('simulate (small preset)', () => {
  let dirA: string, dirB: string, dirC: string;
  let sim: SimulateResult;
  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'sim-'));
    dirA = join(base, 'a');
    dirB = join(base, 'b');
    dirC = join(base, 'c');
    sim = await simulate({ dir: dirA, size: 'small', seed: 5 });
    await simulate({ dir: dirB, size: 'small', seed: 5 });
    await simulate({ dir: dirC, size: 'small', seed: 6, skipTruthImage: true });
  }, 120_000);
  afterAll(async () => {
    await rm(join(dirA, '..'), { recursive: true, force: true });
  });

  const hash = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

  it('is deterministic: the same seed writes identical files, another seed different ones', async () => {
    const names = (await readdir(join(dirA, 'raw'))).sort();
    expect(names).toHaveLength(6);
    for (const n of names) expect(await hash(join(dirB, 'raw', n))).toBe(await hash(join(dirA, 'raw', n)));
    for (const n of ['truth.fits', 'truth.hdr', 'truth.json']) expect(await hash(join(dirB, n))).toBe(await hash(join(dirA, n)));
    expect(await hash(join(dirC, 'raw', names[0]))).not.toBe(await hash(join(dirA, 'raw', names[0])));
  });

  it('records the injected planes in truth.json', async () => {
    const truth = JSON.parse(await readFile(join(dirA, 'truth.json'), 'utf8'));
    expect(truth.seed).toBe(5);
    expect(truth.frames).toHaveLength(6);
    for (const f of truth.frames) {
      expect(Number.isFinite(f.plane.a) && Number.isFinite(f.plane.b) && Number.isFinite(f.plane.c)).toBe(true);
      expect(Math.abs(f.crota2)).toBeLessThanOrEqual(0.03);
    }
    // The planes differ between frames (a background-matching problem to solve).
    expect(new Set(truth.frames.map((f: { plane: { c: number } }) => f.plane.c.toFixed(6))).size).toBe(6);
  });

  it('frames have 2MASS-like NaN edges and scattered NaNs, and finite data elsewhere', async () => {
    const img = await readImage(sim.files[0]);
    const [w, h] = img.shape;
    expect([w, h]).toEqual([256, 512]);
    for (let j = 0; j < h; j += 37) {
      for (const i of [0, 1, 2, w - 3, w - 2, w - 1]) expect(Number.isNaN(img.data[j * w + i])).toBe(true);
      expect(Number.isFinite(img.data[j * w + 3]) || Number.isNaN(img.data[j * w + 3])).toBe(true);
    }
    let nanInside = 0;
    for (let j = 0; j < h; j++) for (let i = 3; i < w - 3; i++) if (Number.isNaN(img.data[j * w + i])) nanInside++;
    expect(nanInside).toBeGreaterThan(0);
    expect(nanInside).toBeLessThan(50);
  });

  it('frames overlap their neighbours by about 10 % and lie inside the truth grid', async () => {
    const res = await imgtbl(join(dirA, 'raw'));
    expect(res).toMatchObject({ count: 6, badwcs: 0 });
    const truthHdr = await readTemplate(join(dirA, 'truth.hdr'));
    const tw = Wcs.fromHeader(truthHdr);
    const n1 = truthHdr.int('NAXIS1')!, n2 = truthHdr.int('NAXIS2')!;
    // Each frame's corners in mosaic pixels: its box, for overlap measurement.
    const boxes = res.rows.map((r) => {
      const ks = ['1', '2', '3', '4'];
      const p = tw.skyToPixMany(Float64Array.from(ks.map((k) => r[`ra${k}`] as number)), Float64Array.from(ks.map((k) => r[`dec${k}`] as number)));
      for (let i = 0; i < 4; i++) {
        expect(p.x[i]).toBeGreaterThan(0.5 - 1e-3);
        expect(p.x[i]).toBeLessThan(n1 + 0.5 + 1e-3);
        expect(p.y[i]).toBeGreaterThan(0.5 - 1e-3);
        expect(p.y[i]).toBeLessThan(n2 + 0.5 + 1e-3);
      }
      return { x0: Math.min(...p.x), x1: Math.max(...p.x), y0: Math.min(...p.y), y1: Math.max(...p.y) };
    });
    let pairs = 0;
    for (let a = 0; a < boxes.length; a++)
      for (let b = a + 1; b < boxes.length; b++) {
        const ox = Math.min(boxes[a].x1, boxes[b].x1) - Math.max(boxes[a].x0, boxes[b].x0);
        const oy = Math.min(boxes[a].y1, boxes[b].y1) - Math.max(boxes[a].y0, boxes[b].y0);
        if (ox > 0 && oy > 0) {
          pairs++;
          // Neighbours share ~10 % of a side (25.6 px of 256, 51.2 of 512), with the stagger and rotation as slack.
          const frac = Math.min(ox / 256, oy / 512);
          expect(frac).toBeGreaterThan(0.05);
          expect(frac).toBeLessThan(0.2);
        }
      }
    expect(pairs).toBeGreaterThanOrEqual(7); // 3 columns × 2 rows: 3 vertical + 4 side neighbours at least
  });

  it('a frame minus its plane agrees with the truth sampled at the same sky positions', async () => {
    const truth = JSON.parse(await readFile(join(dirA, 'truth.json'), 'utf8'));
    const img = await readImage(sim.files[2]);
    const t = await readImage(sim.truthFile!);
    const fw = Wcs.fromHeader(img.header), tw = Wcs.fromHeader(sim.truthHeader);
    const crpix1 = sim.truthHeader.number('CRPIX1')!, crpix2 = sim.truthHeader.number('CRPIX2')!;
    const { a, b, c } = truth.frames[2].plane;
    const [w, h] = img.shape;
    const diffs: number[] = [];
    for (let j = 20; j < h - 20; j += 7)
      for (let i = 10; i < w - 10; i += 7) {
        const v = img.data[j * w + i];
        if (!Number.isFinite(v)) continue;
        const [ra, dec] = fw.pixToSky(i + 1, j + 1);
        const [X, Y] = tw.skyToPix(ra, dec);
        const tv = t.data[(Math.round(Y) - 1) * t.shape[0] + (Math.round(X) - 1)];
        diffs.push(v - (a * (X - 1 - crpix1) + b * (Y - 1 - crpix2) + c) - tv);
      }
    diffs.sort((p, q) => p - q);
    const median = diffs[diffs.length >> 1];
    // Noise σ = 2 DN; nearest-pixel sampling of stars adds outliers that the median ignores.
    expect(Math.abs(median)).toBeLessThan(0.5);
  });
});

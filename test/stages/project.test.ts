import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { readImage } from '../../src/fits/read.js';
import { readTemplate } from '../../src/tables/template.js';
import { project } from '../../src/stages/project.js';
import { describeShared, sharedPath } from '../helpers/shared.js';

function tanHeader(w: number, h: number, crpix1: number, crpix2: number): Header {
  const t = new Header();
  t.set('NAXIS', 2).set('NAXIS1', w).set('NAXIS2', h).set('CTYPE1', 'RA---TAN').set('CTYPE2', 'DEC--TAN');
  t.setFloat('CRVAL1', 30).setFloat('CRVAL2', -10).setFloat('CRPIX1', crpix1).setFloat('CRPIX2', crpix2);
  t.setFloat('CDELT1', -1 / 3600).setFloat('CDELT2', 1 / 3600).set('EQUINOX', 2000);
  return t;
}

function image(w: number, h: number, seed = 1): Float64Array {
  const d = new Float64Array(w * h);
  let s = seed;
  for (let i = 0; i < d.length; i++) {
    s = (s * 16807) % 2147483647;
    d[i] = 100 + (s / 2147483647) * 50;
  }
  return d;
}

describe('project invariants', () => {
  it('identity reprojection returns the input', () => {
    const hdr = tanHeader(40, 30, 20.5, 15.5);
    const data = image(40, 30);
    const p = project({ header: hdr, shape: [40, 30], data, bitpix: -64 }, hdr);
    expect([p.x0, p.y0, p.width, p.height]).toEqual([0, 0, 40, 30]);
    let maxRel = 0;
    for (let i = 0; i < data.length; i++) maxRel = Math.max(maxRel, Math.abs(p.value[i] - data[i]) / data[i]);
    expect(maxRel).toBeLessThan(1e-9);
  });

  it('a sub-pixel shift conserves total flux to 1e-6', () => {
    const src = tanHeader(40, 30, 20.5, 15.5);
    const data = image(40, 30, 7);
    const out = tanHeader(60, 50, 30.5 + 0.37, 25.5 - 0.21);
    const p = project({ header: src, shape: [40, 30], data, bitpix: -64 }, out);
    let fluxIn = 0;
    for (const v of data) fluxIn += v;
    let fluxOut = 0;
    let areaPix = 0;
    const pixSr = (Math.PI / 180 / 3600) ** 2;
    for (let i = 0; i < p.value.length; i++) if (p.area[i] > 0) {
      fluxOut += p.value[i] * p.area[i];
      areaPix += p.area[i];
    }
    // Σ value·area in units of the (nearly uniform) pixel solid angle.
    expect(Math.abs(fluxOut / pixSr - fluxIn) / fluxIn).toBeLessThan(1e-4); // TAN pixel areas vary ~1e-5 over the field
    expect(Math.abs(fluxOut / areaPix - fluxIn / data.length) / (fluxIn / data.length)).toBeLessThan(1e-6);
  });
});

const hasMontage = existsSync('/usr/bin/mProject');
const cache = join(tmpdir(), 'mosaic-test-mproject');

(hasMontage ? describeShared : describe.skip)('project vs Montage mProject (exact) on 2MASS Orion' + (hasMontage ? '' : ' (skipped: Montage mProject absent)'), () => {
  for (const frame of ['0850232', '0860032']) {
    it(`matches mProject for j${frame}`, async () => {
      mkdirSync(cache, { recursive: true });
      const tpl = sharedPath('2mass-j-orion-0.25deg', 'montage-reference', 'template.hdr');
      const gz = sharedPath('2mass-j-orion-0.25deg', `2mass-atlas-001124n-j${frame}.fits.gz`);
      const raw = join(cache, `j${frame}.fits`);
      const ref = join(cache, `p${frame}.fits`);
      if (!existsSync(ref)) {
        writeFileSync(raw, gunzipSync(readFileSync(gz)));
        execFileSync('mProject', [raw, ref, tpl]);
      }
      const t = await readTemplate(tpl);
      const p = project(await readImage(gz), t);
      const r = await readImage(ref);
      const ra = await readImage(ref.replace('.fits', '_area.fits'));
      const rx0 = Math.round(t.number('CRPIX1')! - r.header.number('CRPIX1')!);
      const ry0 = Math.round(t.number('CRPIX2')! - r.header.number('CRPIX2')!);
      const [rw, rh] = r.shape;
      const finite = Array.from(r.data).filter(Number.isFinite).sort((a, b) => a - b);
      const sky = finite[finite.length >> 1];
      const rel: number[] = [];
      const arel: number[] = [];
      let footprintDiff = 0;
      for (let y = 0; y < rh; y++)
        for (let x = 0; x < rw; x++) {
          const X = rx0 + x - p.x0;
          const Y = ry0 + y - p.y0;
          const inside = X >= 0 && Y >= 0 && X < p.width && Y < p.height;
          const o = inside ? p.value[Y * p.width + X] : NaN;
          const m = r.data[y * rw + x];
          if (Number.isFinite(o) !== Number.isFinite(m)) footprintDiff++;
          else if (Number.isFinite(m)) {
            rel.push(Math.abs(o - m) / Math.max(Math.abs(m), sky));
            arel.push(Math.abs(p.area[Y * p.width + X] - ra.data[y * rw + x]) / ra.data[y * rw + x]);
          }
        }
      rel.sort((a, b) => a - b);
      arel.sort((a, b) => a - b);
      const q = (a: number[], f: number) => a[Math.floor(f * (a.length - 1))];
      expect(q(rel, 0.5)).toBeLessThan(1e-4);
      expect(q(rel, 0.99)).toBeLessThan(1e-3);
      expect(q(arel, 0.5)).toBeLessThan(1e-3);
      expect(footprintDiff / rel.length).toBeLessThan(0.002);
    }, 120_000);
  }
});

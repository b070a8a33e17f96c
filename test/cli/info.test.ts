import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFits, type BuilderCard } from '../helpers/fits-builder.js';
import { runCli } from '../helpers/run-cli.js';

const wcsCards = (ctype1: string, cd: number[]): BuilderCard[] => [
  ['CTYPE1', ctype1],
  ['CTYPE2', 'DEC--TAN'],
  ['CRPIX1', 2.5],
  ['CRPIX2', 2.5],
  ['CRVAL1', 83.8],
  ['CRVAL2', -5.4],
  ['CD1_1', cd[0]],
  ['CD1_2', cd[1]],
  ['CD2_1', cd[2]],
  ['CD2_2', cd[3]],
];

describe('mosaic info --json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-info-'));
  const write = (name: string, cards: BuilderCard[]) => {
    const data = Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? NaN : i));
    writeFileSync(join(dir, name), buildFits([{ bitpix: -32, shape: [4, 4], data, cards }]));
    return join(dir, name);
  };

  it('reports shape, counts and sums, and a celestial WCS only when it really builds', async () => {
    const good = write('good.fits', wcsCards('RA---TAN', [-2.8e-4, 0, 0, 2.8e-4]));
    const unknown = write('xyz.fits', wcsCards('RA---XYZ', [-2.8e-4, 0, 0, 2.8e-4]));
    const singular = write('singular.fits', wcsCards('RA---TAN', [1e-4, 1e-4, 1e-4, 1e-4]));
    const parse = async (f: string) => {
      const r = await runCli('info', ['--json', f]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { hdus: Array<{ shape: number[]; celestial: boolean; stats: Record<string, number> }> };
    };
    const g = await parse(good);
    expect(g.hdus[0].shape).toEqual([4, 4]);
    expect(g.hdus[0].stats).toEqual({ finite: 15, nan: 1, min: 0, max: 15, sum: 120 - 5 });
    expect(g.hdus[0].celestial).toBe(true);
    expect((await parse(unknown)).hdus[0].celestial).toBe(false);
    expect((await parse(singular)).hdus[0].celestial).toBe(false);
  });
});

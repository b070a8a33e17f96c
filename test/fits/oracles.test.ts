/**
 * Files written by writeFits pass `fitsverify -q` with 0 errors and read back identically in
 * astropy (/usr/bin/python3). Each part skips when its tool is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFits, type WriteBitpix } from '../../src/fits/write.js';
import { convertFits } from '../../src/fits/convert.js';
import { Header } from '../../src/fits/header.js';
import { seededRandom } from '../helpers/fits-builder.js';
import { sharedDataDir } from '../helpers/shared.js';

const hasFitsverify = spawnSync('fitsverify', ['-h'], { encoding: 'utf8' }).error === undefined;
const python = '/usr/bin/python3';
const hasAstropy = existsSync(python) && spawnSync(python, ['-c', 'import astropy'], { encoding: 'utf8' }).status === 0;

let dir: string;
const written: Array<{ path: string; data: Float64Array; bitpix: WriteBitpix }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-oracle-'));
  const rand = seededRandom(99);
  const header = new Header()
    .set('OBJECT', "O'Neil field", 'a quote')
    .set('LONGNOTE', 'a very long string value '.repeat(6))
    .set('ESO DET CHIP GAIN', 1.25)
    .set('CTYPE1', 'RA---TAN')
    .set('CTYPE2', 'DEC--TAN')
    .setFloat('CRPIX1', 16)
    .setFloat('CRPIX2', 9)
    .setFloat('CRVAL1', 83.81866)
    .setFloat('CRVAL2', -5.38968)
    .setFloat('CDELT1', -2.7777778e-4)
    .setFloat('CDELT2', 2.7777778e-4)
    .addComment('written by the oracle test');
  const cases: Array<[WriteBitpix, number, number, (i: number) => number]> = [
    [-32, 1, 0, (i) => (i % 13 === 0 ? NaN : Math.fround(rand() * 1000 - 500))],
    [-64, 1, 0, (i) => (i % 13 === 0 ? NaN : rand() * 1e-3)],
    [8, 1, 0, (i) => (i % 13 === 0 ? NaN : Math.floor(rand() * 200))],
    [16, 1, 32768, (i) => (i % 13 === 0 ? NaN : Math.floor(rand() * 65536))],
    [16, 0.5, 100, (i) => 100 + 0.5 * Math.floor(rand() * 1000)],
    [32, 1, 0, (i) => (i % 13 === 0 ? NaN : Math.floor(rand() * 4e9 - 2e9))],
    [64, 1, 0, (i) => Math.floor(rand() * 2 ** 40)],
  ];
  for (const [bitpix, bscale, bzero, f] of cases) {
    const data = Float64Array.from({ length: 31 * 17 }, (_, i) => f(i));
    const path = join(dir, `w${bitpix}_${bscale}_${bzero}.fits`);
    await writeFits(path, { header, data, shape: [31, 17] }, { bitpix, bscale, bzero });
    written.push({ path, data, bitpix });
  }
  if (sharedDataDir) {
    const out = join(dir, 'converted-comp.fits');
    await convertFits(join(sharedDataDir, 'singles/astropy_comp_tilecompressed.fits'), out);
    written.push({ path: out, data: new Float64Array(0), bitpix: 16 });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasFitsverify)('fitsverify accepts writeFits output (skipped when fitsverify is absent)', () => {
  it('0 errors, 0 warnings for every BITPIX', () => {
    for (const { path } of written) {
      const r = spawnSync('fitsverify', ['-q', path], { encoding: 'utf8' });
      expect(r.stdout.trim(), `${path}\n${spawnSync('fitsverify', [path], { encoding: 'utf8' }).stdout}`).toMatch(/^verification OK/);
    }
  });
});

describe.skipIf(!hasAstropy)('astropy reads writeFits output back identically (skipped without /usr/bin/python3 + astropy)', () => {
  it('same values, NaN where NaN, header cards kept', () => {
    const script = `
import sys, json, numpy as np
from astropy.io import fits
out = []
for p in sys.argv[1:]:
    with fits.open(p, uint=False) as h:  # uint=True would ignore BLANK for unsigned 16-bit
        d = np.asarray(h[0].data, dtype=np.float64).ravel()
        out.append({"data": [None if not np.isfinite(v) else float(v) for v in d], "object": h[0].header.get("OBJECT"),
                     "long": h[0].header.get("LONGNOTE"), "gain": h[0].header.get("HIERARCH ESO DET CHIP GAIN")})
print(json.dumps(out))`;
    const paths = written.filter((w) => w.data.length).map((w) => w.path);
    const res = JSON.parse(execFileSync(python, ['-c', script, ...paths], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Array<{
      data: Array<number | null>;
      object: string;
      long: string;
      gain: number;
    }>;
    res.forEach((r, k) => {
      const want = written[k].data;
      const expected = Array.from(want, (v) => (Number.isFinite(v) ? (written[k].bitpix === -32 ? Math.fround(v) : v) : null));
      expect(r.data).toEqual(expected);
      expect(r.object).toBe("O'Neil field");
      expect(r.long).toBe('a very long string value '.repeat(6).trimEnd());
      expect(r.gain).toBe(1.25);
    });
  });
});

/** `mosaic pix2sky` / `mosaic sky2pix` and the text helpers behind them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { pixToSkyLines, skyToPixLines, formatCoord } from '../../src/wcs/lines.js';
import { Wcs } from '../../src/wcs/wcs.js';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { SMALL_TAN_TEMPLATE } from '../helpers/templates.js';
import { headerFrom } from './helpers.js';

async function run(argv: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([stdin]), isTTY: false });
  return { code, out, err };
}

const template = SMALL_TAN_TEMPLATE;

describe('text helpers', () => {
  const w = Wcs.fromHeader(headerFrom({ CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN', CRVAL1: 10, CRVAL2: 20, CRPIX1: 1, CRPIX2: 1, CDELT1: -1, CDELT2: 1 }));
  it('prints 15 significant digits and nan off the projection', () => {
    expect(pixToSkyLines('1 1\n# comment\n\n1000 1\n', w)).toBe('10 20\nnan nan\n');
    expect(formatCoord(1 / 3)).toBe('0.333333333333333');
    expect(formatCoord(-5.4)).toBe('-5.4');
  });
  it('converts frames on the way in and out', () => {
    const gal = pixToSkyLines('1 1', w, { system: 'galactic' });
    const [l, b] = gal.trim().split(' ').map(Number);
    const back = skyToPixLines(`${l} ${b}`, w, { system: 'galactic' }).trim().split(' ').map(Number);
    expect(back[0]).toBeCloseTo(1, 8);
    expect(back[1]).toBeCloseTo(1, 8);
  });
  it('names the bad line', () => {
    expect(() => pixToSkyLines('1 2\n3 x\n', w)).toThrowError(/line 2: expected two numbers "x y" but received "3 x"/);
  });
});

describe('mosaic pix2sky / sky2pix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-wcs-'));
  const hdr = join(dir, 'region.hdr');
  writeFileSync(hdr, template);

  it('reads a .hdr template and round-trips through sky2pix', async () => {
    const a = await run(['pix2sky', hdr], '50.5 50.5\n1 1\n');
    expect(a.code).toBe(0);
    const first = a.out.trim().split('\n')[0].split(' ').map(Number);
    expect(first[0]).toBeCloseTo(83.8, 12);
    expect(first[1]).toBeCloseTo(-5.4, 12);
    const b = await run(['sky2pix', hdr], a.out);
    const px = b.out.trim().split('\n').map((l) => l.split(' ').map(Number));
    expect(px[1][0]).toBeCloseTo(1, 9);
    expect(px[1][1]).toBeCloseTo(1, 9);
  });

  it('prints one JSON object with --json, null off the projection', async () => {
    const a = await run(['pix2sky', '--json', hdr], '50.5 50.5\n');
    expect(a.code).toBe(0);
    const sky = (JSON.parse(a.out) as { file: string; sky: number[][] }).sky;
    expect(sky[0][0]).toBeCloseTo(83.8, 12);
    expect(sky[0][1]).toBeCloseTo(-5.4, 12);
    // The antipode of the reference point is not on a TAN projection.
    const b = await run(['sky2pix', '--json', hdr], '83.8 -5.4\n263.8 5.4\n');
    const j = JSON.parse(b.out) as { file: string; pixels: Array<[number | null, number | null]> };
    expect(j.file).toBe(hdr);
    expect(j.pixels[0][0]).toBeCloseTo(50.5, 9);
    expect(j.pixels[1]).toEqual([null, null]);
  });

  it('rejects an unknown frame with exit code 1 and the E_WCS_FRAME code', async () => {
    const r = await run(['pix2sky', '--frame', 'altaz', hdr], '1 1\n');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/E_WCS_FRAME/);
  });
});

describeShared('mosaic pix2sky on real files', () => {
  it('finds the celestial HDU of an MEF and matches the library', async () => {
    const file = sharedPath('singles', 'fermi_counts.fits.gz');
    const r = await run(['pix2sky', '--frame', 'galactic', file], '1 1\n201 101\n');
    expect(r.code).toBe(0);
    const [l, b] = r.out.trim().split('\n')[1].split(' ').map(Number);
    expect(Number.isFinite(l) && Number.isFinite(b)).toBe(true);
  });
});

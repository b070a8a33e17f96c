import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectImages } from '../../src/pipeline/build.js';
import { buildFits, type BuilderCard } from '../helpers/fits-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-collect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tan: BuilderCard[] = [
  ['CTYPE1', 'RA---TAN'],
  ['CTYPE2', 'DEC--TAN'],
  ['CRVAL1', 83.8],
  ['CRVAL2', -5.4],
  ['CRPIX1', 8.5],
  ['CRPIX2', 8.5],
  ['CDELT1', -0.0003],
  ['CDELT2', 0.0003],
];
const image = { shape: [16, 16], data: new Float32Array(256).fill(1), cards: tan };

describe('collectImages (build inputs)', () => {
  it("does not count an MEF's empty primary as a skipped input, but does count a file without images", async () => {
    writeFileSync(join(dir, 'mef.fits'), buildFits([{}, image]));
    writeFileSync(join(dir, 'empty.fits'), buildFits([{}]));
    const r = await collectImages([dir]);
    expect(r.images.map((im) => [im.fname, im.hdu])).toEqual([['mef.fits', 1]]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/^empty\.fits: E_FITS_NO_IMAGE/);
  });
});

import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { MosaicError } from '../../src/errors.js';
import { histogram, parseMViewerArgs, view } from '../../src/stages/view.js';
import { parseHistogramFile } from '../../src/viewer/histogram-file.js';
import { buildFits, seededRandom } from '../helpers/fits-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-view-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WCS: [string, string | number][] = [
  ['CTYPE1', 'RA---TAN'], ['CTYPE2', 'DEC--TAN'], ['CRVAL1', 10], ['CRVAL2', 20],
  ['CRPIX1', 8], ['CRPIX2', 6], ['CDELT1', -0.001], ['CDELT2', 0.001],
];

/** 16×12 image: bottom FITS row (y=1) bright (1000), the rest a seeded ramp with noise and one NaN. */
function writeTestImage(name: string, seed = 1, nx = 16, ny = 12): string {
  const rnd = seededRandom(seed);
  const data = Array.from({ length: nx * ny }, (_, i) => (i < nx ? 1000 : 10 * (i % nx) + 20 * rnd()));
  data[nx * 5 + 3] = NaN;
  const path = join(dir, name);
  writeFileSync(path, buildFits([{ bitpix: -32, shape: [nx, ny], data, cards: WCS }]));
  return path;
}

async function rawPng(path: string) {
  const meta = await sharp(path).metadata();
  const { data, info } = await sharp(path).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { meta, data, info };
}

const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('view', () => {
  const img = writeTestImage('img.fits');

  it('writes a one-channel gray PNG of the right size, north up (FITS row 1 at the bottom)', async () => {
    const out = join(dir, 'gray.png');
    const r = await view({ gray: { file: img, stretch: 'linear', min: 'min', max: 'max' }, output: out });
    expect(r).toMatchObject({ type: 'grayscale', width: 16, height: 12, format: 'png' });
    const { meta, data } = await rawPng(out);
    expect(meta).toMatchObject({ format: 'png', width: 16, height: 12, channels: 1 });
    // Bottom picture row is the bright FITS row 1; top row is the faint ramp.
    expect(Array.from(data.subarray(11 * 16, 12 * 16)).every((v) => v === 255)).toBe(true);
    expect(Math.max(...data.subarray(0, 16))).toBeLessThan(50);
  });

  it('with noflip puts FITS row 1 at the top', async () => {
    const out = join(dir, 'noflip.png');
    await view({ gray: { file: img, stretch: 'linear', min: 'min', max: 'max' }, output: out, noflip: true });
    const { data } = await rawPng(out);
    expect(Array.from(data.subarray(0, 16)).every((v) => v === 255)).toBe(true);
  });

  it('writes pseudo-colour and RGB PNGs with three channels', async () => {
    const ct = join(dir, 'ct.png');
    expect((await view({ gray: { file: img }, output: ct, ct: 4 })).type).toBe('pseudocolor');
    expect((await sharp(ct).metadata()).channels).toBe(3);
    const [r, g, b] = [1, 2, 3].map((s) => writeTestImage(`c${s}.fits`, s));
    const out = join(dir, 'rgb.png');
    const res = await view({ red: { file: r }, green: { file: g, stretch: 'linear' }, blue: { file: b, stretch: 'asinh' }, output: out });
    expect(res).toMatchObject({ type: 'color', width: 16, height: 12 });
    expect(res.channels.map((c) => c.stretch)).toEqual(['gaussian-log', 'linear', 'asinh']);
    expect(await sharp(out).metadata()).toMatchObject({ channels: 3, width: 16, height: 12 });
  });

  it('rejects RGB images of different sizes, naming the files, and writes nothing', async () => {
    const a = writeTestImage('big.fits', 1, 16, 12);
    const b = writeTestImage('small.fits', 2, 8, 12);
    const out = join(dir, 'bad-rgb.png');
    await expect(view({ red: { file: a }, green: { file: b }, blue: { file: a }, output: out })).rejects.toThrow(/small\.fits \(8x12\)/);
    expect(readdirSync(dir)).not.toContain('bad-rgb.png');
  });

  it('writes JPEG with the requested quality, and downscales', async () => {
    const lo = join(dir, 'q10.jpg');
    const hi = join(dir, 'q95.jpg');
    await view({ gray: { file: img }, output: lo, quality: 10, ct: 2 });
    await view({ gray: { file: img }, output: hi, quality: 95, ct: 2 });
    expect((await sharp(hi).metadata()).format).toBe('jpeg');
    expect(readFileSync(hi).length).toBeGreaterThan(readFileSync(lo).length);
    const small = join(dir, 'small.png');
    const r = await view({ gray: { file: img }, output: small, width: 8 });
    expect(r).toMatchObject({ width: 8, height: 6 });
    expect(await sharp(small).metadata()).toMatchObject({ width: 8, height: 6, channels: 1 });
  });

  it('fails clearly on a NaN-only image, an unknown stretch or a bad range, leaving no file', async () => {
    const nan = join(dir, 'nan.fits');
    writeFileSync(nan, buildFits([{ bitpix: -32, shape: [4, 4], data: new Array(16).fill(NaN), cards: WCS }]));
    const out = join(dir, 'never.png');
    await expect(view({ gray: { file: nan }, output: out })).rejects.toMatchObject({ code: 'E_ARGUMENT', file: nan });
    await expect(view({ gray: { file: img, stretch: 'sqrt' as never }, output: out })).rejects.toThrow(/for stretch but received "sqrt"/);
    await expect(view({ gray: { file: img, min: '5q' }, output: out })).rejects.toThrow(/display min "5q"/);
    await expect(view({ gray: { file: img }, output: join(dir, 'no-such-dir', 'x.png') })).rejects.toBeInstanceOf(MosaicError);
    expect(readdirSync(dir)).not.toContain('never.png');
    expect(leftovers()).toEqual([]);
  });
});

describe('parseMViewerArgs', () => {
  it('gives the same options as the friendly form', () => {
    expect(parseMViewerArgs(['-ct', '1', '-gray', 'm17.fits', '-1s', 'max', 'gaussian-log', '-out', 'm17.png'])).toEqual({
      ct: 1,
      gray: { file: 'm17.fits', min: '-1s', max: 'max', stretch: 'gaussian-log' },
      output: 'm17.png',
      format: 'png',
    });
  });
  it('reads Montage stretch words, RGB, -noflip, -jpeg and -histfile', () => {
    const o = parseMViewerArgs([
      '-noflip', '-red', 'r.fits', '0', '99%', 'log', '-green', 'g.fits', '1%', 'max', '3',
      '-blue', 'b.fits', 'min', 'max', 'asinh', '5s', '-jpeg', 'x.jpg',
    ]);
    expect(o.noflip).toBe(true);
    expect(o.red).toEqual({ file: 'r.fits', min: '0', max: '99%', stretch: 'log' });
    expect(o.green).toEqual({ file: 'g.fits', min: '1%', max: 'max', stretch: 'power', logPower: 3 });
    expect(o.blue).toEqual({ file: 'b.fits', min: 'min', max: 'max', stretch: 'asinh', beta: '5s' });
    expect(o).toMatchObject({ output: 'x.jpg', format: 'jpeg' });
    expect(parseMViewerArgs(['-gray', 'a.fits', 'min', 'max', 'gaussian', '-out', 'a.png']).gray!.stretch).toBe('gaussian');
    expect(parseMViewerArgs(['-gray', 'a.fits', 'min', 'max', '-out', 'a.png']).gray!.stretch).toBe('linear');
    expect(parseMViewerArgs(['-gray', 'a.fits', '-histfile', 'a.hist', '-out', 'a.png']).gray).toEqual({ file: 'a.fits', histogramFile: 'a.hist' });
  });
  it('reports usage errors', () => {
    expect(() => parseMViewerArgs(['-gray', 'a.fits', 'min'])).toThrow(/Too few arguments following -gray/);
    expect(() => parseMViewerArgs(['-gray', 'a.fits', 'min', 'max'])).toThrow(/No PNG output file/);
    expect(() => parseMViewerArgs(['-ct', '12', '-out', 'a.png'])).toThrow(/between 0 and 11/);
    expect(() => parseMViewerArgs(['-grid', 'equ', '-out', 'a.png'])).toThrow(/Unsupported mViewer argument "-grid"/);
  });
});

describe('histogram (mHistogram)', () => {
  it('saves a stretch that redraws the image identically', async () => {
    const img = writeTestImage('h.fits', 5, 40, 30);
    const hist = join(dir, 'h.hist');
    const { stretch } = await histogram({ file: img, output: hist, stretch: 'gaussian-log', min: '-1s', max: 'max' });
    const text = readFileSync(hist, 'utf8');
    expect(text.split('\n').filter((l) => /^\d+ \S+ \d+ \S+ \S+$/.test(l))).toHaveLength(200_000);
    const saved = parseHistogramFile(text, hist);
    expect(saved.stretch.min).toBe(stretch.min);
    expect(Array.from(saved.stretch.lookup!)).toEqual(Array.from(stretch.lookup!));
    const direct = join(dir, 'direct.png');
    const reused = join(dir, 'reused.png');
    await view({ gray: { file: img, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: direct });
    await view({ gray: { file: img, histogramFile: hist }, output: reused });
    expect((await rawPng(reused)).data.equals((await rawPng(direct)).data)).toBe(true);
  });
  it('round-trips power and asinh stretches', async () => {
    const img = writeTestImage('h2.fits', 6);
    for (const [stretchName, extra] of [['power', { logPower: 2 }], ['asinh', { beta: '3' }]] as const) {
      const hist = join(dir, `${stretchName}.hist`);
      const { stretch } = await histogram({ file: img, output: hist, stretch: stretchName, min: '1%', max: '99%', ...extra });
      const saved = parseHistogramFile(readFileSync(hist, 'utf8')).stretch;
      expect(saved).toMatchObject({ montageType: stretch.montageType, min: stretch.min, max: stretch.max, logPower: stretch.logPower, beta: stretch.beta });
    }
  });
  it('rejects a file that is not a histogram file', () => {
    expect(() => parseHistogramFile('hello\n', 'x.hist')).toThrow(/not a histogram file/);
  });
});

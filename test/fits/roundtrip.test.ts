import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFits, readImage, readImageRows } from '../../src/fits/read.js';
import { createFitsWriter, writeFits, type WriteBitpix } from '../../src/fits/write.js';
import { convertFits } from '../../src/fits/convert.js';
import { describeFits } from '../../src/fits/describe.js';
import { Header } from '../../src/fits/header.js';
import { MosaicError } from '../../src/errors.js';
import { buildFits, gzip, seededRandom } from '../helpers/fits-builder.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-fits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Same values, NaN equal to NaN. */
function expectSame(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && a[i] !== b[i]) expect([i, a[i]]).toEqual([i, b[i]]);
}

async function expectCode(p: Promise<unknown>, code: string, file?: string): Promise<MosaicError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MosaicError);
  expect((err as MosaicError).code).toBe(code);
  if (file) expect((err as MosaicError).file).toBe(file);
  return err as MosaicError;
}

const rand = seededRandom(42);
const nx = 13;
const ny = 7;

describe('writeFits → readImage round trips', () => {
  const cases: Array<{ name: string; bitpix: WriteBitpix; bscale?: number; bzero?: number; values: (i: number) => number; type: string }> = [
    { name: 'float32 with NaN', bitpix: -32, values: (i) => (i % 11 === 3 ? NaN : Math.fround((rand() - 0.5) * 1e6)), type: 'Float32Array' },
    { name: 'float64 with NaN', bitpix: -64, values: (i) => (i % 11 === 3 ? NaN : (rand() - 0.5) * 1e300), type: 'Float64Array' },
    { name: 'uint8 + BLANK', bitpix: 8, values: (i) => (i % 9 === 0 ? NaN : Math.floor(rand() * 255)), type: 'Float32Array' },
    { name: 'int16 + BLANK', bitpix: 16, values: (i) => (i % 9 === 0 ? NaN : Math.floor(rand() * 65535) - 32767), type: 'Float32Array' },
    { name: 'unsigned 16 via BZERO', bitpix: 16, bzero: 32768, values: (i) => (i === 5 ? NaN : i === 6 ? 0 : i === 7 ? 65535 : Math.floor(rand() * 65536)), type: 'Float32Array' },
    { name: 'scaled int16', bitpix: 16, bscale: 0.0458, bzero: 1500, values: (i) => 1500 + 0.0458 * (Math.floor(rand() * 60000) - 30000), type: 'Float64Array' },
    { name: 'int32 + BLANK', bitpix: 32, values: (i) => (i % 9 === 0 ? NaN : Math.floor(rand() * 4e9) - 2e9), type: 'Float64Array' },
    { name: 'unsigned 32 via BZERO', bitpix: 32, bzero: 2147483648, values: () => Math.floor(rand() * 4294967295), type: 'Float64Array' },
    { name: 'int64', bitpix: 64, values: (i) => (i % 9 === 0 ? NaN : Math.floor((rand() - 0.5) * 2 ** 52) * 2), type: 'Float64Array' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const data = new Float64Array(nx * ny).map((_, i) => c.values(i));
      const header = new Header().set('OBJECT', c.name).setFloat('CRVAL1', 83.81866);
      const path = join(dir, `${c.name.replace(/\W+/g, '_')}.fits`);
      await writeFits(path, { header, data, shape: [nx, ny] }, { bitpix: c.bitpix, bscale: c.bscale, bzero: c.bzero });
      expect(statSync(path).size % 2880).toBe(0);
      const back = await readImage(path);
      expect(back.bitpix).toBe(c.bitpix);
      expect(back.shape).toEqual([nx, ny]);
      expect(back.data.constructor.name).toBe(c.type);
      const want = c.bitpix === -32 ? Float32Array.from(data) : c.bscale ? data.map((v) => Math.round((v - c.bzero!) / c.bscale!) * c.bscale! + c.bzero!) : data;
      expectSame(back.data, want);
      expect(back.header.get('OBJECT')).toBe(c.name);
      expect(back.header.get('CRVAL1')).toBe(83.81866);
      expect(back.header.keys().slice(0, 5)).toEqual(['SIMPLE', 'BITPIX', 'NAXIS', 'NAXIS1', 'NAXIS2']);
      // BLANK is written only when the data hold NaN.
      expect(back.header.has('BLANK')).toBe(c.bitpix > 0 && data.some(Number.isNaN));
      // Write again from what was read: bit-identical file.
      const again = join(dir, `again_${c.name.replace(/\W+/g, '_')}.fits`);
      await writeFits(again, back, { bitpix: c.bitpix });
      expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
    });
  }

  it('writes and reads 1-D, 3-D and 4-D images', async () => {
    for (const shape of [[17], [5, 4, 3], [3, 2, 2, 2]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5);
      const path = join(dir, `nd${shape.length}.fits`);
      await writeFits(path, { data, shape });
      const back = await readImage(path);
      expect(back.shape).toEqual(shape);
      expectSame(back.data, data);
    }
  });

  it('gzip files are detected by magic bytes even when named .fits', async () => {
    const data = [1, 2, 3, NaN, 5, 6];
    const path = join(dir, 'gz-named-plain.fits');
    writeFileSync(path, gzip(buildFits([{ bitpix: -32, shape: [3, 2], data }])));
    const back = await readImage(path);
    expectSame(back.data, data);
    expect((await readFits(path)).gzip).toBe(true);
  });

  it('default HDU is the first image with data; hdu selects others', async () => {
    const path = join(dir, 'mef.fits');
    writeFileSync(path, buildFits([{ shape: [] }, { bitpix: 16, shape: [2, 2], data: [1, 2, 3, 4] }, { bitpix: -64, shape: [1, 2], data: [9, 8] }]));
    const f = await readFits(path);
    expect(f.hdus.map((h) => [h.index, h.type, h.shape.join('x')])).toEqual([
      [0, 'image', ''],
      [1, 'image', '2x2'],
      [2, 'image', '1x2'],
    ]);
    expect(Array.from((await readImage(path)).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from((await readImage(path, { hdu: 2 })).data)).toEqual([9, 8]);
    await expectCode(readImage(path, { hdu: 3 }), 'E_FITS_HDU', path);
    await expectCode(readImage(path, { hdu: 0 }), 'E_FITS_NO_IMAGE', path);
    const d = await describeFits(path);
    expect(d.hdus[0]).toEqual({ index: 0, type: 'image' });
    expect(d.hdus[1]).toEqual({ index: 1, bitpix: 16, shape: [2, 2], celestial: false, stats: { finite: 4, nan: 0, min: 1, max: 4, sum: 10 } });
  });

  it('readImageRows returns the same values as readImage', async () => {
    const data = Float64Array.from({ length: 9 * 11 }, (_, i) => (i % 7 === 0 ? NaN : i * 3 - 50));
    const path = join(dir, 'rows.fits');
    await writeFits(path, { data, shape: [9, 11] }, { bitpix: 32 });
    for (const [y0, rows] of [
      [0, 1],
      [3, 4],
      [10, 1],
      [0, 11],
    ]) {
      const band = await readImageRows(path, { y0, rows });
      expect([band.y0, band.rows]).toEqual([y0, rows]);
      expectSame(band.data, data.subarray(y0 * 9, (y0 + rows) * 9));
    }
    await expectCode(readImageRows(path, { y0: 10, rows: 2 }), 'E_ARGUMENT', path);
  });

  it('convertFits keeps the header and BITPIX/scaling by default', async () => {
    const src = join(dir, 'conv-src.fits');
    writeFileSync(
      src,
      buildFits([{ shape: [] }, { bitpix: 16, shape: [2, 2], data: [-32768, 0, 1, 32767], cards: [['BZERO', 32768], ['BLANK', 1], ['CTYPE1', 'RA---TAN'], ['CTYPE2', 'DEC--TAN'], ['EXTNAME', 'SCI']] }]),
    );
    const out = join(dir, 'conv-out.fits');
    await convertFits(src, out);
    const back = await readImage(out);
    expect(back.bitpix).toBe(16);
    expect(Array.from(back.data)).toEqual([0, 32768, NaN, 65535]);
    expect(back.header.get('EXTNAME')).toBe('SCI');
    expect(back.header.has('XTENSION')).toBe(false);
    expect(back.header.has('PCOUNT')).toBe(false);
    expect((await describeFits(out)).hdus[0]).toMatchObject({ celestial: true, stats: { finite: 3, nan: 1, min: 0, max: 65535, sum: 98303 } });
  });
});

describe('streaming writer', () => {
  it('writes an image in row bands and pads the end', async () => {
    const path = join(dir, 'stream.fits');
    const w = createFitsWriter(path, new Header().set('OBJECT', 'bands'), [5, 6], { bitpix: -32 });
    expect(existsSync(path)).toBe(false);
    w.writeRows(Float32Array.from({ length: 10 }, (_, i) => i));
    w.writeRows(Float32Array.from({ length: 20 }, (_, i) => i + 10));
    w.close();
    const back = await readImage(path);
    expectSame(back.data, Float32Array.from({ length: 30 }, (_, i) => i));
    expect(statSync(path).size).toBe(2 * 2880);
  });

  it('abort and incomplete close leave nothing behind', () => {
    const path = join(dir, 'aborted.fits');
    const w = createFitsWriter(path, undefined, [4, 4], { bitpix: 16 });
    w.writeRows([1, 2, 3, 4]);
    w.abort();
    const w2 = createFitsWriter(path, undefined, [4, 4], { bitpix: 16 });
    w2.writeRows([1, 2, 3, 4]);
    expect(() => w2.close()).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    const w3 = createFitsWriter(path, undefined, [4, 4], { bitpix: 16 });
    expect(() => w3.writeRows([1, 2, NaN, 4])).toThrow(expect.objectContaining({ code: 'E_ARGUMENT', file: path }));
    expect(readdirSync(dir).filter((f) => f.includes('aborted'))).toEqual([]);
  });
});

describe('errors are MosaicErrors naming the file', () => {
  it('missing file, folder, non-FITS, empty', async () => {
    await expectCode(readImage(join(dir, 'nope.fits')), 'E_FILE_NOT_FOUND', join(dir, 'nope.fits'));
    await expectCode(readFits(dir), 'E_FILE_READ', dir);
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'just some text\n'.repeat(300));
    await expectCode(readFits(txt), 'E_NOT_FITS', txt);
    const empty = join(dir, 'empty.fits');
    writeFileSync(empty, '');
    await expectCode(readFits(empty), 'E_NOT_FITS', empty);
  });

  it('truncated data unit: "data unit ends at byte N of M"', async () => {
    const full = buildFits([{ bitpix: -32, shape: [100, 100], data: new Float32Array(10000) }]);
    const path = join(dir, 'trunc.fits');
    writeFileSync(path, full.subarray(0, 20000));
    const err = await expectCode(readImage(path), 'E_FITS_TRUNCATED', path);
    expect(err.toString()).toBe(`E_FITS_TRUNCATED: ${path}: data unit ends at byte 20000 of 42880`);
    writeFileSync(path, full.subarray(0, 1000));
    await expectCode(readFits(path), 'E_FITS_TRUNCATED', path);
  });

  it('corrupt gzip', async () => {
    const gz = gzip(buildFits([{ bitpix: -32, shape: [10, 10], data: new Float32Array(100) }]));
    const path = join(dir, 'bad.fits.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 10));
    await expectCode(readImage(path), 'E_GZIP_CORRUPT', path);
  });

  it('unsupported BITPIX', async () => {
    const path = join(dir, 'bitpix.fits');
    writeFileSync(path, buildFits([{ bitpix: 8, shape: [2], data: [1, 2], noMandatory: true, cards: [['SIMPLE', true], ['BITPIX', 12], ['NAXIS', 1], ['NAXIS1', 2]] }]));
    await expectCode(readImage(path), 'E_FITS_BITPIX', path);
  });

  it('unwritable output and values that do not fit leave no file', async () => {
    const img = { data: new Float32Array([1, 2]), shape: [2] };
    await expectCode(writeFits(join(dir, 'no-such-dir', 'x.fits'), img), 'E_FILE_WRITE');
    const ro = join(dir, 'readonly');
    rmSync(ro, { recursive: true, force: true });
    mkdtempSync(ro);
    const roDir = readdirSync(dir).find((f) => f.startsWith('readonly'))!;
    chmodSync(join(dir, roDir), 0o500);
    if (process.getuid?.() !== 0) await expectCode(writeFits(join(dir, roDir, 'x.fits'), img), 'E_FILE_WRITE');
    const path = join(dir, 'range.fits');
    await expectCode(writeFits(path, { data: new Float32Array([1, 70000]), shape: [2] }, { bitpix: 16 }), 'E_ARGUMENT', path);
    expect(readdirSync(dir).filter((f) => f.includes('range'))).toEqual([]);
    await expectCode(writeFits(path, { data: new Float32Array([1]), shape: [2] }), 'E_ARGUMENT', path);
  });
});

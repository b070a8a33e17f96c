import { describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { add, montageMedian, mosaicBox, nominalPixelArea } from '../../src/stages/add.js';
import type { ProjectedImage } from '../../src/stages/types.js';

const CDELT = 1 / 3600;
const PIX_SR = (CDELT * Math.PI / 180) ** 2;

function template(w = 10, h = 8): Header {
  const t = new Header();
  t.set('NAXIS', 2).set('NAXIS1', w).set('NAXIS2', h).set('CTYPE1', 'RA---TAN').set('CTYPE2', 'DEC--TAN');
  t.setFloat('CRVAL1', 10).setFloat('CRVAL2', 20).setFloat('CRPIX1', 5.5).setFloat('CRPIX2', 4.5);
  t.setFloat('CDELT1', -CDELT).setFloat('CDELT2', CDELT);
  return t;
}

function img(x0: number, y0: number, width: number, height: number, v: number | ((x: number, y: number) => number), areaFrac = 1): ProjectedImage {
  const value = new Float64Array(width * height);
  const area = new Float64Array(width * height).fill(areaFrac * PIX_SR);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) value[y * width + x] = typeof v === 'number' ? v : v(x0 + x, y0 + y);
  return { x0, y0, width, height, value, area };
}

describe('add (mAdd)', () => {
  it('mean is area-weighted and area adds up', async () => {
    const m = await add([img(0, 0, 4, 3, 10, 1), img(2, 1, 4, 3, 20, 0.25)], template());
    // Shrunk to the union 6×4 at (0,0).
    expect([m.x0, m.y0, m.width, m.height]).toEqual([0, 0, 6, 4]);
    const at = (x: number, y: number) => y * m.width + x;
    expect(m.value[at(0, 0)]).toBe(10);
    expect(m.value[at(3, 1)]).toBeCloseTo((10 * 1 + 20 * 0.25) / 1.25, 12);
    expect(m.area[at(3, 1)]).toBeCloseTo(1.25 * PIX_SR, 25);
    expect(m.value[at(5, 0)]).toBeNaN();
    expect(m.area[at(5, 0)]).toBe(0);
    expect(m.images).toBe(2);
    expect(m.header.number('CRPIX1')).toBe(5.5);
    expect(m.header.int('NAXIS1')).toBe(6);
  });

  it('moves CRPIX when shrinking and keeps the template size with exactSize (-e)', async () => {
    const shrunk = await add([img(3, 2, 2, 2, 1)], template());
    expect([shrunk.x0, shrunk.y0, shrunk.width, shrunk.height]).toEqual([3, 2, 2, 2]);
    expect(shrunk.header.number('CRPIX1')).toBe(2.5);
    expect(shrunk.header.number('CRPIX2')).toBe(2.5);
    const exact = await add([img(3, 2, 2, 2, 1)], template(), { exactSize: true });
    expect([exact.width, exact.height]).toEqual([10, 8]);
    expect(exact.value[2 * 10 + 3]).toBe(1);
    expect(exact.value[0]).toBeNaN();
  });

  it('mosaicBox shrinks only axes where the union is smaller than the template', () => {
    expect(mosaicBox(template(), [{ x0: -2, y0: 1, width: 14, height: 3 }])).toEqual({ x0: 0, y0: 1, width: 10, height: 3 });
  });

  it('median follows mAdd: odd → middle, two → lower, even → mean of middle pair, thin slivers ignored', async () => {
    expect(montageMedian(Float64Array.of(3, 1, 2), 3)).toBe(2);
    expect(montageMedian(Float64Array.of(5, 1), 2)).toBe(1);
    expect(montageMedian(Float64Array.of(4, 1, 3, 2), 4)).toBe(2.5);
    const m = await add([img(0, 0, 2, 2, 5), img(0, 0, 2, 2, 1), img(0, 0, 2, 2, 100, 0.4), img(0, 0, 2, 2, 3)], template(), {
      combine: 'median',
    });
    // The 0.4-coverage image is below mAdd's 0.5 × nominal area and is left out.
    expect(m.value[0]).toBe(3);
    expect(m.area[0]).toBeCloseTo(3 * PIX_SR, 25);
  });

  it('count counts contributions with area and a finite value', async () => {
    const a = img(0, 0, 3, 1, 1);
    a.value[2] = NaN;
    const m = await add([a, img(1, 0, 2, 1, -4)], template(), { combine: 'count' });
    expect(Array.from(m.value)).toEqual([1, 2, 1]);
  });

  it('subtracts background planes in mosaic coordinates and accepts async iterables', async () => {
    const t = template();
    const plane = { a: 0.5, b: -0.25, c: 3 };
    const bg = (x: number, y: number) => plane.a * (x - 5.5) + plane.b * (y - 4.5) + plane.c;
    async function* gen() {
      yield img(0, 0, 10, 8, (x, y) => 7 + bg(x, y));
    }
    const m = await add(gen(), t, { correction: () => plane });
    for (const v of m.value) expect(v).toBeCloseTo(7, 12);
  });

  it('computes the nominal pixel area from CDELT or CD', () => {
    expect(nominalPixelArea(template())).toBeCloseTo(PIX_SR, 25);
    const cd = new Header().setFloat('CD1_1', -CDELT).setFloat('CD2_2', CDELT).setFloat('CD1_2', 0).setFloat('CD2_1', 0);
    expect(nominalPixelArea(cd)).toBeCloseTo(PIX_SR, 25);
  });

  it('fails with E_NO_INPUT for no images', async () => {
    await expect(add([], template())).rejects.toMatchObject({ code: 'E_NO_INPUT' });
  });
});

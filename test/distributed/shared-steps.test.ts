import { describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { Coadder } from '../../src/stages/add.js';
import { applyCorrection } from '../../src/pipeline/shared-steps.js';
import type { ProjectedImage } from '../../src/stages/types.js';

/** Seeded linear congruential generator in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function template(): Header {
  const h = new Header();
  h.set('NAXIS', 2).set('NAXIS1', 40).set('NAXIS2', 30);
  h.setFloat('CRPIX1', 20.5).setFloat('CRPIX2', 15.25).setFloat('CDELT1', -0.001).setFloat('CDELT2', 0.001);
  return h;
}

function image(rand: () => number, x0: number, y0: number, cntr: number): ProjectedImage {
  const width = 25;
  const height = 18;
  const value = new Float64Array(width * height).map(() => (rand() < 0.05 ? NaN : 1000 * rand() - 300));
  const area = new Float64Array(width * height).map(() => (rand() < 0.05 ? 0 : 1e-9 * rand()));
  return { x0, y0, width, height, value, area, cntr };
}

describe('applyCorrection', () => {
  it('coadding corrected images equals the Coadder correction hook bit for bit', () => {
    const rand = lcg(42);
    const t = template();
    const imgs = [image(rand, 0, 0, 0), image(rand, 12, 9, 1), image(rand, 15, 12, 2)];
    const planes = new Map(imgs.map((im) => [im.cntr!, { a: (rand() - 0.5) * 0.3, b: (rand() - 0.5) * 0.3, c: 100 * rand() }]));
    const hooked = new Coadder(t, { correction: (im) => planes.get(im.cntr!) });
    for (const im of imgs) hooked.accumulate(im);
    const crpix = { crpix1: 20.5, crpix2: 15.25 };
    // Corrected images coadded in two row bands, as the distributed coadd tiles do.
    const bands = [[0, 13], [13, 30]].map(([a, b]) => {
      const c = new Coadder(t, { rows: [a, b] });
      for (const im of imgs) c.accumulate(applyCorrection(im, planes.get(im.cntr!)!, crpix));
      return c.finish();
    });
    const whole = hooked.finish();
    const joined = { value: Float64Array.from([...bands[0].value, ...bands[1].value]), area: Float64Array.from([...bands[0].area, ...bands[1].area]) };
    expect(Buffer.from(joined.value.buffer).equals(Buffer.from(whole.value.buffer))).toBe(true);
    expect(Buffer.from(joined.area.buffer).equals(Buffer.from(whole.area.buffer))).toBe(true);
    expect(whole.value.some((v) => Number.isFinite(v))).toBe(true);
  });

  it('leaves the input untouched and skipped pixels as they were', () => {
    const img = { x0: 2, y0: 3, width: 2, height: 1, value: Float64Array.of(10, NaN), area: Float64Array.of(1, 1) };
    const out = applyCorrection(img, { a: 1, b: 0, c: 0.5 }, { crpix1: 0, crpix2: 0 });
    expect(Array.from(out.value)).toEqual([10 - (2 + 0.5), NaN]);
    expect(Array.from(img.value)).toEqual([10, NaN]);
  });
});

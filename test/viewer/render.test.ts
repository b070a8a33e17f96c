import { describe, expect, it } from 'vitest';
import { MosaicError } from '../../src/errors.js';
import { Header } from '../../src/fits/header.js';
import type { FitsImage } from '../../src/fits/types.js';
import { computeHistogram } from '../../src/viewer/histogram.js';
import { displayFlips } from '../../src/viewer/orientation.js';
import { downscale, renderGray, renderRgb, type Layer } from '../../src/viewer/render.js';
import { resolveStretch } from '../../src/viewer/stretch.js';

function header(cards: Record<string, number | string>): Header {
  const h = new Header();
  for (const [k, v] of Object.entries(cards)) h.set(k, v);
  return h;
}
const NORTH_UP = { CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CDELT1: -0.001, CDELT2: 0.001 };

function image(nx: number, ny: number, values: number[], cards: Record<string, number | string> = NORTH_UP): FitsImage {
  return { header: header(cards), shape: [nx, ny], data: Float32Array.from(values), bitpix: -32 };
}
function layer(img: FitsImage, min = '0', max = '255', name?: string): Layer {
  return { image: img, stretch: resolveStretch({ name: 'linear', min, max }, computeHistogram(img.data)), name };
}

describe('displayFlips (mViewer orientation)', () => {
  it('north-up east-left: FITS row 1 at the bottom, columns in order', () => {
    expect(displayFlips(header(NORTH_UP))).toEqual({ flipX: false, flipY: true });
  });
  it('-noflip draws FITS row 1 at the top', () => {
    expect(displayFlips(header(NORTH_UP), true)).toEqual({ flipX: false, flipY: false });
  });
  it('positive CDELT1 (east right) mirrors x', () => {
    expect(displayFlips(header({ ...NORTH_UP, CDELT1: 0.001 }))).toEqual({ flipX: true, flipY: true });
  });
  it('CROTA2 = 180 turns the picture', () => {
    expect(displayFlips(header({ ...NORTH_UP, CROTA2: 180 }))).toEqual({ flipX: true, flipY: false });
  });
  it('CD matrices: standard, mirrored and rotated by 180°', () => {
    const cd = (a: number, b: number, c: number, d: number) => header({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CD1_1: a, CD1_2: b, CD2_1: c, CD2_2: d });
    expect(displayFlips(cd(-1e-3, 0, 0, 1e-3))).toEqual({ flipX: false, flipY: true });
    expect(displayFlips(cd(1e-3, 0, 0, 1e-3))).toEqual({ flipX: true, flipY: true });
    expect(displayFlips(cd(1e-3, 0, 0, -1e-3))).toEqual({ flipX: true, flipY: false });
  });
  it('no WCS: row 1 at the bottom', () => {
    expect(displayFlips(new Header())).toEqual({ flipX: false, flipY: true });
  });
});

describe('renderGray', () => {
  // 2×3 image, FITS rows y=1..3 bottom to top: values 10·y + x.
  const img = image(2, 3, [11, 12, 21, 22, 31, 32]);
  it('puts FITS row 1 at the bottom of the picture (north up)', () => {
    const r = renderGray(layer(img));
    expect(r).toMatchObject({ width: 2, height: 3, channels: 1 });
    expect(Array.from(r.pixels)).toEqual([31, 32, 21, 22, 11, 12]);
  });
  it('with noflip puts FITS row 1 at the top', () => {
    expect(Array.from(renderGray(layer(img), 0, { noflip: true }).pixels)).toEqual([11, 12, 21, 22, 31, 32]);
  });
  it('rounds levels half up like mViewer and clips', () => {
    const r = renderGray(layer(image(4, 1, [0, 1, 2, 3]), '0', '6'), 0);
    // levels 0, 42.5, 85, 127.5 → 0, 43, 85, 128
    expect(Array.from(r.pixels)).toEqual([0, 43, 85, 128]);
  });
  it('blank pixels take the blank level through the colour table', () => {
    const im = image(2, 1, [NaN, 255]);
    expect(Array.from(renderGray(layer(im), 0).pixels)).toEqual([0, 255]);
    expect(Array.from(renderGray(layer(im), 1).pixels)).toEqual([255, 0]);
    expect(Array.from(renderGray(layer(im), 0, { blankLevel: 128 }).pixels)).toEqual([128, 255]);
  });
  it('pseudo-colour tables give three channels', () => {
    const r = renderGray(layer(image(1, 1, [255])), 8);
    expect(r.channels).toBe(3);
    expect(Array.from(r.pixels)).toEqual([255, 0, 0]);
  });
});

describe('renderRgb', () => {
  it('stacks three stretched images, truncating levels like mViewer', () => {
    const r = renderRgb(layer(image(2, 1, [100.9, 0])), layer(image(2, 1, [50, 0])), layer(image(2, 1, [NaN, 0])));
    expect(Array.from(r.pixels)).toEqual([100, 50, 0, 0, 0, 0]);
  });
  it('rejects different sizes naming the files', () => {
    const a = layer(image(2, 1, [1, 2]), '0', '255', 'r.fits');
    const b = layer(image(1, 2, [1, 2]), '0', '255', 'g.fits');
    expect(() => renderRgb(a, b, a)).toThrow(MosaicError);
    expect(() => renderRgb(a, b, a)).toThrow('RGB images must have the same size: r.fits (2x1), g.fits (1x2), r.fits (2x1)');
  });
});

describe('downscale', () => {
  it('area-averages and keeps the aspect ratio', () => {
    const px = Uint8Array.from([0, 100, 200, 100, 0, 100, 200, 100]); // 4×2
    const r = downscale({ width: 4, height: 2, channels: 1, pixels: px }, 2);
    expect(r).toMatchObject({ width: 2, height: 1 });
    expect(Array.from(r.pixels)).toEqual([50, 150]);
  });
  it('handles non-integer ratios and never enlarges', () => {
    const px = Uint8Array.from([0, 90, 180]);
    expect(Array.from(downscale({ width: 3, height: 1, channels: 1, pixels: px }, 2).pixels)).toEqual([30, 150]);
    expect(downscale({ width: 3, height: 1, channels: 1, pixels: px }, 10).width).toBe(3);
    expect(() => downscale({ width: 3, height: 1, channels: 1, pixels: px }, 0)).toThrow(/positive integer for width/);
  });
});

/**
 * The streamed coadd's window sizing: `windowBands` replays the window's policy (a band made
 * when an image first reaches it, at most one written before each image is folded) on the
 * footprints, so that its band arrays can be made (and faulted in) before the first fold.
 */
import { describe, expect, it } from 'vitest';
import { windowBands } from '../../src/pipeline/stream-coadd.js';

const fp = (y0: number, height: number) => ({ footprint: { x0: 0, y0, width: 10, height } });

describe('windowBands', () => {
  it('counts the bands alive at once, one band written per image', () => {
    // Bands of 5 rows: the first image reaches bands 0–1, the second writes band 0 and reaches
    // 1–2, the third writes only band 1 (one per image) and reaches 4–5 while 2 is still held.
    expect(windowBands([fp(0, 10), fp(5, 10), fp(20, 10)], { x0: 0, y0: 0, width: 10, height: 30 }, 5)).toBe(3);
  });

  it('follows the box offset and clips footprints to it', () => {
    expect(windowBands([fp(100, 7)], { x0: 0, y0: 100, width: 10, height: 7 }, 4)).toBe(2);
    expect(windowBands([fp(95, 20)], { x0: 0, y0: 100, width: 10, height: 8 }, 4)).toBe(2);
  });

  it('a single-band mosaic needs one band', () => {
    expect(windowBands([fp(0, 3), fp(1, 2)], { x0: 0, y0: 0, width: 10, height: 3 }, 64)).toBe(1);
  });
});

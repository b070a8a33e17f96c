import { describe, expect, it } from 'vitest';
import { COLOUR_TABLE_COUNT, colourTable, isGrayTable } from '../../src/viewer/colour-tables.js';

const rgb = (ct: number, k: number) => Array.from(colourTable(ct).subarray(3 * k, 3 * k + 3));

describe('colour tables', () => {
  it('has 12 tables of 256 RGB entries', () => {
    for (let ct = 0; ct < COLOUR_TABLE_COUNT; ct++) expect(colourTable(ct)).toHaveLength(768);
  });
  it('0 is gray, 1 reversed gray; only these are gray', () => {
    for (let k = 0; k < 256; k++) {
      expect(rgb(0, k)).toEqual([k, k, k]);
      expect(rgb(1, k)).toEqual([255 - k, 255 - k, 255 - k]);
    }
    expect([...Array(12).keys()].filter(isGrayTable)).toEqual([0, 1]);
  });
  it('8, 9, 10 are pure red, green, blue ramps', () => {
    expect(rgb(8, 200)).toEqual([200, 0, 0]);
    expect(rgb(9, 200)).toEqual([0, 200, 0]);
    expect(rgb(10, 200)).toEqual([0, 0, 200]);
  });
  it('piecewise tables hit their anchors and use truncated integer slopes between them', () => {
    // Table 2 red: anchors (0,0) (17,98): slope trunc(98/17) = 5, so level 16 is 80, level 17 is 98.
    expect(rgb(2, 16)[0]).toBe(80);
    expect(rgb(2, 17)[0]).toBe(98);
    // …and a segment can stop short of its end anchor: green (238,192)→(255,255) has slope 3, so 243 at 255.
    expect(rgb(2, 255)).toEqual([255, 243, 255]);
    // Table 3 at its anchor 130: (150, 255, 0).
    expect(rgb(3, 130)).toEqual([150, 255, 0]);
    // Table 4 at anchor 119: (20, 255, 30).
    expect(rgb(4, 119)).toEqual([20, 255, 30]);
    // Table 7 at anchor 136: (224, 224, 255).
    expect(rgb(7, 136)).toEqual([224, 224, 255]);
  });
  it('table 11 starts black although its first anchor is blue', () => {
    expect(rgb(11, 0)).toEqual([0, 0, 0]);
    expect(rgb(11, 1)[2]).toBeGreaterThan(200);
  });
  it('rejects numbers outside 0–11', () => {
    expect(() => colourTable(12)).toThrow('Expected integer 0-11 for colour table but received 12');
    expect(() => colourTable(1.5)).toThrow(/colour table/);
  });
});

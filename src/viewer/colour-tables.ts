/**
 * Montage's pseudo-colour tables, `mViewer -ct 0…11`.
 *
 * Reference: Montage 6.0 `montageViewer.c` (`mViewer_createColorTable`) and the
 * mViewer documentation's colour-table images (`man/mViewer/images/ct0.png`…`ct11.png`).
 * Each table is a few (level, red, green, blue) anchors joined by straight segments.
 * mViewer computes each segment's slope with integer division (truncated toward zero),
 * so a segment may fall short of its end anchor before the next one starts; we keep
 * that, because the point is to match mViewer's pictures. 0 is gray, 1 reversed gray,
 * 8/9/10 pure red/green/blue ramps.
 */
import { MosaicError } from '../errors.js';

/** Valid `-ct` numbers. */
export const COLOUR_TABLE_COUNT = 12;

interface Anchors {
  level: readonly number[];
  red: readonly number[];
  green: readonly number[];
  blue: readonly number[];
}

const TWO = [0, 255];
const SIXTEEN = [0, 17, 34, 51, 68, 85, 102, 119, 136, 153, 170, 187, 204, 221, 238, 255];
const THIRTEEN = [0, 25, 40, 55, 70, 90, 110, 130, 150, 175, 200, 225, 255];
const TWELVE = [0, 23, 46, 70, 93, 116, 139, 162, 185, 209, 232, 255];

const ANCHORS: readonly Anchors[] = [
  /* 0 gray */ { level: TWO, red: [0, 255], green: [0, 255], blue: [0, 255] },
  /* 1 reversed gray */ { level: TWO, red: [255, 0], green: [255, 0], blue: [255, 0] },
  /* 2 */ {
    level: SIXTEEN,
    red: [0, 98, 180, 255, 246, 220, 181, 88, 0, 0, 0, 0, 0, 85, 170, 255],
    green: [0, 0, 0, 0, 88, 181, 220, 245, 255, 235, 180, 98, 0, 128, 192, 255],
    blue: [0, 180, 98, 0, 0, 0, 0, 0, 0, 98, 180, 235, 255, 255, 255, 255],
  },
  /* 3 */ {
    level: THIRTEEN,
    red: [0, 0, 0, 0, 0, 0, 0, 150, 225, 255, 255, 196, 255],
    green: [0, 0, 0, 125, 196, 226, 255, 255, 225, 150, 0, 0, 255],
    blue: [0, 150, 255, 225, 196, 125, 0, 0, 0, 0, 0, 196, 255],
  },
  /* 4 */ {
    level: SIXTEEN,
    red: [0, 0, 0, 0, 0, 0, 0, 20, 135, 210, 240, 255, 240, 255, 255, 255],
    green: [0, 0, 20, 63, 112, 162, 210, 255, 240, 205, 135, 20, 0, 85, 170, 255],
    blue: [0, 95, 175, 250, 255, 175, 90, 30, 0, 0, 0, 0, 0, 85, 170, 255],
  },
  /* 5 */ {
    level: SIXTEEN,
    red: [255, 255, 255, 240, 255, 240, 210, 135, 20, 0, 0, 0, 0, 0, 0, 0],
    green: [255, 170, 85, 0, 20, 135, 205, 240, 255, 210, 162, 112, 63, 20, 0, 0],
    blue: [255, 170, 85, 0, 0, 0, 0, 0, 30, 90, 175, 255, 250, 175, 95, 0],
  },
  /* 6 */ {
    level: SIXTEEN,
    red: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 210, 240, 240, 255],
    green: [0, 0, 0, 10, 20, 41, 63, 83, 112, 137, 162, 255, 205, 135, 0, 255],
    blue: [0, 47, 95, 140, 175, 212, 250, 252, 255, 212, 175, 30, 0, 0, 0, 255],
  },
  /* 7 */ {
    level: SIXTEEN,
    red: [255, 255, 255, 255, 255, 255, 255, 255, 224, 192, 160, 128, 96, 64, 32, 0],
    green: [0, 32, 64, 96, 128, 160, 192, 224, 224, 192, 160, 128, 96, 64, 32, 0],
    blue: [0, 32, 64, 96, 128, 160, 192, 224, 255, 255, 255, 255, 255, 255, 255, 255],
  },
  /* 8 red */ { level: TWO, red: [0, 255], green: [0, 0], blue: [0, 0] },
  /* 9 green */ { level: TWO, red: [0, 0], green: [0, 255], blue: [0, 0] },
  /* 10 blue */ { level: TWO, red: [0, 0], green: [0, 0], blue: [0, 255] },
  /* 11 */ {
    level: TWELVE,
    red: [0, 0, 0, 20, 135, 210, 240, 255, 240, 255, 255, 255],
    green: [0, 85, 170, 255, 240, 205, 135, 20, 0, 85, 170, 255],
    blue: [255, 175, 90, 30, 0, 0, 0, 0, 0, 85, 170, 255],
  },
];

/** Fill one channel of a 256×3 table from its anchors (mViewer's segment rule). */
function fillChannel(table: Uint8Array, channel: number, level: readonly number[], value: readonly number[]): void {
  for (let j = 1; j < level.length; j++) {
    const slope = Math.trunc((value[j] - value[j - 1]) / (level[j] - level[j - 1]));
    for (let i = level[j - 1]; i <= level[j]; i++) {
      const v = slope * (i - level[j - 1]) + value[j - 1];
      table[3 * i + channel] = Math.min(255, Math.max(0, v));
    }
  }
}

const cache = new Map<number, Uint8Array>();

/**
 * Montage colour table `ct` as 256 RGB triples: entry k is bytes 3k, 3k+1, 3k+2.
 * The returned array is shared; do not modify it.
 * @throws MosaicError E_ARGUMENT unless 0 ≤ ct ≤ 11 (integer).
 */
export function colourTable(ct: number): Uint8Array {
  if (!Number.isInteger(ct) || ct < 0 || ct >= COLOUR_TABLE_COUNT)
    throw new MosaicError('E_ARGUMENT', `Expected integer 0-11 for colour table but received ${ct}`, { stage: 'view' });
  let table = cache.get(ct);
  if (!table) {
    const a = ANCHORS[ct];
    table = new Uint8Array(256 * 3);
    fillChannel(table, 0, a.level, a.red);
    fillChannel(table, 1, a.level, a.green);
    fillChannel(table, 2, a.level, a.blue);
    if (ct === 11) table.fill(0, 0, 3); // mViewer forces level 0 to black in table 11
    cache.set(ct, table);
  }
  return table;
}

/** True when every entry of the table has red = green = blue (its pictures are grayscale). */
export function isGrayTable(ct: number): boolean {
  const t = colourTable(ct);
  for (let k = 0; k < 256; k++) if (t[3 * k] !== t[3 * k + 1] || t[3 * k] !== t[3 * k + 2]) return false;
  return true;
}

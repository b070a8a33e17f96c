/**
 * Generated bad inputs for the CLI's end-to-end error tests (test/cli/bad-input.test.ts):
 * three small overlapping good images plus one file per kind of breakage, all in a fresh
 * temporary folder. Bytes are built with test/helpers/fits-builder.ts, independent of src/fits.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFits, gzip, seededRandom, type BuilderCard } from '../helpers/fits-builder.js';

/** Image side in pixels (small, so every command runs in well under a second). */
export const SIDE = 48;

/** TAN WCS cards of a SIDE×SIDE image centred at (raDeg, decDeg), 2″ pixels. */
export function wcsCards(raDeg: number, decDeg: number, ctype1 = 'RA---TAN', ctype2 = 'DEC--TAN'): BuilderCard[] {
  return [
    ['CTYPE1', ctype1],
    ['CTYPE2', ctype2],
    ['EQUINOX', 2000],
    ['CRVAL1', raDeg],
    ['CRVAL2', decDeg],
    ['CRPIX1', (SIDE + 1) / 2],
    ['CRPIX2', (SIDE + 1) / 2],
    ['CDELT1', -2 / 3600],
    ['CDELT2', 2 / 3600],
  ];
}

/** A float32 SIDE×SIDE image: a seeded noisy sky of level ~100. */
export function goodImage(raDeg: number, decDeg: number, seed: number, extra: BuilderCard[] = []): Buffer {
  const rnd = seededRandom(seed);
  const data = Float32Array.from({ length: SIDE * SIDE }, () => 100 + 10 * rnd());
  return buildFits([{ bitpix: -32, shape: [SIDE, SIDE], data, cards: [...wcsCards(raDeg, decDeg), ...extra] }]);
}

/** Paths of every generated input, all under `root`. */
export interface BadInputs {
  root: string;
  /** Folder of three good, mutually overlapping images g1..g3.fits. */
  goodDir: string;
  good: string[];
  /** Folder with g1, g2 good and a truncated g3 (the batch case). */
  mixedDir: string;
  emptyDir: string;
  missing: string;
  /** A directory named like a FITS file. */
  dirFits: string;
  textFits: string;
  /** Cut inside the header (no END card). */
  truncHeader: string;
  /** Full header, half the data unit. */
  truncData: string;
  /** gzip magic followed by garbage. */
  corruptGz: string;
  noWcs: string;
  unknownProjection: string;
  singularCd: string;
  /** IPAC table without fname or corner columns. */
  badTable: string;
  /** A file that is not an IPAC table at all. */
  garbageTable: string;
  emptyHdr: string;
  garbageHdr: string;
  /** A .hdr with a celestial WCS but an unknown projection. */
  xyzHdr: string;
  /** A path whose parent folder does not exist. */
  noParentOut: string;
  /** An existing directory, where an output file is expected. */
  dirOut: string;
}

/** Write every bad input into a fresh temporary folder. */
export function makeBadInputs(): BadInputs {
  const root = mkdtempSync(join(tmpdir(), 'mosaic-bad-'));
  const p = (...parts: string[]) => join(root, ...parts);
  const centres: Array<[number, number]> = [
    [83.8, -5.4],
    [83.8 + 0.012, -5.4],
    [83.8 + 0.006, -5.4 + 0.012],
  ];
  const goods = centres.map(([ra, dec], i) => goodImage(ra, dec, 11 + i));

  const goodDir = p('good');
  mkdirSync(goodDir);
  const good = goods.map((b, i) => {
    const f = join(goodDir, `g${i + 1}.fits`);
    writeFileSync(f, b);
    return f;
  });

  const mixedDir = p('mixed');
  mkdirSync(mixedDir);
  writeFileSync(join(mixedDir, 'g1.fits'), goods[0]);
  writeFileSync(join(mixedDir, 'g2.fits'), goods[1]);
  writeFileSync(join(mixedDir, 'g3.fits'), goods[2].subarray(0, 2880 + 1000));

  const emptyDir = p('empty');
  mkdirSync(emptyDir);
  const dirFits = p('folder.fits');
  mkdirSync(dirFits);
  const dirOut = p('out-is-a-dir.fits');
  mkdirSync(dirOut);

  const inputs = p('inputs');
  mkdirSync(inputs);
  const i = (name: string) => join(inputs, name);
  writeFileSync(i('text.fits'), 'This is not a FITS file, just some text.\n'.repeat(10));
  writeFileSync(i('trunc-header.fits'), goods[0].subarray(0, 1000));
  writeFileSync(i('trunc-data.fits'), goods[0].subarray(0, 2880 + (SIDE * SIDE * 4) / 2));
  const garbage = Buffer.from(Array.from({ length: 4000 }, (_, k) => (k * 7919 + 13) & 0xff));
  writeFileSync(i('corrupt.fits.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), garbage]));
  // A gzip that is valid for a while and then stops (truncated download).
  writeFileSync(i('truncated.fits.gz'), gzip(goods[0]).subarray(0, 300));
  const rnd = seededRandom(5);
  const plain = Float32Array.from({ length: SIDE * SIDE }, () => rnd());
  writeFileSync(i('nowcs.fits'), buildFits([{ bitpix: -32, shape: [SIDE, SIDE], data: plain }]));
  writeFileSync(
    i('xyz.fits'),
    buildFits([{ bitpix: -32, shape: [SIDE, SIDE], data: plain, cards: wcsCards(83.8, -5.4, 'RA---XYZ', 'DEC--XYZ') }]),
  );
  const singular: BuilderCard[] = [
    ...wcsCards(83.8, -5.4).filter((c) => typeof c === 'string' || !c[0].startsWith('CDELT')),
    ['CD1_1', 1e-4],
    ['CD1_2', 2e-4],
    ['CD2_1', 1e-4],
    ['CD2_2', 2e-4],
  ];
  writeFileSync(i('singular.fits'), buildFits([{ bitpix: -32, shape: [SIDE, SIDE], data: plain, cards: singular }]));

  writeFileSync(i('bad.tbl'), '|  cntr |   foo   |\n|  int  |  double |\n      0       1.5\n      1       2.5\n');
  writeFileSync(i('garbage.tbl'), Buffer.from(Array.from({ length: 600 }, (_, k) => (k * 31 + 7) & 0xff)));
  writeFileSync(i('empty.hdr'), '');
  writeFileSync(i('garbage.hdr'), 'this is not a header\n\u0000\u0001\u0002 random words = = =\n');
  writeFileSync(
    i('xyz.hdr'),
    [
      'SIMPLE  = T',
      'BITPIX  = -64',
      'NAXIS   = 2',
      'NAXIS1  = 100',
      'NAXIS2  = 100',
      "CTYPE1  = 'RA---XYZ'",
      "CTYPE2  = 'DEC--XYZ'",
      'CRVAL1  = 83.8',
      'CRVAL2  = -5.4',
      'CRPIX1  = 50.5',
      'CRPIX2  = 50.5',
      'CDELT1  = -0.0005',
      'CDELT2  = 0.0005',
      'END',
    ].join('\n') + '\n',
  );

  return {
    root,
    goodDir,
    good,
    mixedDir,
    emptyDir,
    missing: p('does-not-exist.fits'),
    dirFits,
    textFits: i('text.fits'),
    truncHeader: i('trunc-header.fits'),
    truncData: i('trunc-data.fits'),
    corruptGz: i('corrupt.fits.gz'),
    noWcs: i('nowcs.fits'),
    unknownProjection: i('xyz.fits'),
    singularCd: i('singular.fits'),
    badTable: i('bad.tbl'),
    garbageTable: i('garbage.tbl'),
    emptyHdr: i('empty.hdr'),
    garbageHdr: i('garbage.hdr'),
    xyzHdr: i('xyz.hdr'),
    noParentOut: p('no-such-dir', 'out.fits'),
    dirOut,
  };
}

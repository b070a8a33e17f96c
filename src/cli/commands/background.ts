/**
 * `mosaic background [-n] IN.fits OUT.fits A B C` and `mosaic background -t IN.fits OUT.fits
 * IMAGES.tbl CORRECTIONS.tbl` (mBackground): subtract the plane A·x + B·y + C (x, y pixel
 * offsets from CRPIX) from one projected image, writing OUT.fits and OUT_area.fits. In table
 * mode the plane is the correction of the IMAGES.tbl row whose fname is IN (or has IN's file
 * name); a row without a correction gets none, as Montage.
 */
import { basename } from 'node:path';
import { MosaicError } from '../../errors.js';
import { findColumn, readIpacTable } from '../../tables/ipac.js';
import { correctionsFromTable } from '../../stages/bg-model.js';
import { backgroundFile, type BackgroundPlane } from '../../stages/background.js';
import { areaFileName } from '../../fits/area-pair.js';
import type { Command } from '../command.js';
import { checkOutputFile } from '../preflight.js';

async function planeFromTables(input: string, images: string, corrections: string): Promise<BackgroundPlane> {
  const table = await readIpacTable(images, 'background');
  const cntr = findColumn(table, 'cntr', { required: true, file: images })!;
  const fname = findColumn(table, 'fname', { required: true, file: images })!;
  const row =
    table.rows.find((r) => String(r[fname]) === input) ?? table.rows.find((r) => basename(String(r[fname])) === basename(input));
  if (!row) throw new MosaicError('E_ARGUMENT', `no row of the image table has fname ${input}`, { stage: 'background', file: images });
  const planes = correctionsFromTable(await readIpacTable(corrections, 'background'), corrections);
  return planes.get(Number(row[cntr])) ?? { a: 0, b: 0, c: 0 };
}

export const backgroundCommand: Command = {
  name: 'background',
  module: 'mBackground',
  summary: 'Subtract a background plane from one projected image',
  options: [
    { name: 'table', short: 't', type: 'boolean', help: 'Take the plane from IMAGES.tbl + CORRECTIONS.tbl instead of A B C' },
    { name: 'no-areas', short: 'n', type: 'boolean', help: 'No area image is read or written' },
  ],
  positionals: [
    { name: 'in', help: 'Projected image (its area image is IN_area.fits)' },
    { name: 'out', help: 'Output image (its area image is OUT_area.fits)' },
    { name: 'plane', help: 'A B C (plane coefficients), or with -t: IMAGES.tbl CORRECTIONS.tbl', variadic: true },
  ],
  async run(args) {
    const t0 = performance.now();
    const { in: input, out } = args.positionals as Record<string, string>;
    const rest = args.positionals.plane as string[];
    let plane: BackgroundPlane;
    if (args.options.table) {
      if (rest.length !== 2) throw new MosaicError('E_USAGE', `Expected IMAGES.tbl CORRECTIONS.tbl after OUT with -t but received ${rest.length} arguments`, { stage: 'background' });
      plane = await planeFromTables(input, rest[0], rest[1]);
    } else {
      const abc = rest.map(Number);
      if (rest.length !== 3 || !abc.every(Number.isFinite))
        throw new MosaicError('E_USAGE', `Expected three numbers A B C after OUT but received "${rest.join(' ')}"`, { stage: 'background' });
      plane = { a: abc[0], b: abc[1], c: abc[2] };
    }
    // backgroundFile writes OUT then its area image: check both can be written first.
    checkOutputFile(out, 'background');
    if (!args.options.noAreas) checkOutputFile(areaFileName(out), 'background');
    await backgroundFile(input, out, plane, { noAreas: Boolean(args.options.noAreas) });
    return { time: Math.round((performance.now() - t0) / 100) / 10 };
  },
};

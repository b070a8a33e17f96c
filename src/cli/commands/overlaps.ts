/** `mosaic overlaps IMAGES.tbl DIFFS.tbl` (mOverlaps): the overlapping pairs of an image table. */
import { readIpacTable, writeIpacTable } from '../../tables/ipac.js';
import { diffsTable, overlaps } from '../../stages/overlaps.js';
import type { Command } from '../command.js';

export const overlapsCommand: Command = {
  name: 'overlaps',
  module: 'mOverlaps',
  summary: 'List the overlapping image pairs of an image table (diffs.tbl)',
  options: [],
  positionals: [
    { name: 'images', help: 'Image table of the projected images (mImgtbl output)' },
    { name: 'diffs', help: 'Table of overlapping pairs to write' },
  ],
  async run(args) {
    const { images, diffs } = args.positionals as Record<string, string>;
    const pairs = overlaps(await readIpacTable(images, 'overlaps'), images);
    await writeIpacTable(diffs, diffsTable(pairs), 'overlaps');
    return { count: pairs.length };
  },
};

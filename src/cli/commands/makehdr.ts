/** `mosaic makehdr [-n] [-p CDELT] [-e PAD] [--system equ|gal|ecl] IMAGES.tbl TEMPLATE.hdr` (Montage's mMakeHdr). */
import { asMosaicError } from '../../errors.js';
import { readIpacTable } from '../../tables/ipac.js';
import { writeTemplate } from '../../tables/template.js';
import { defaultImageDirs, makeHeader, type MakeHdrSystem } from '../../stages/make-hdr.js';
import type { Command } from '../command.js';

export const makehdrCommand: Command = {
  name: 'makehdr',
  module: 'mMakeHdr',
  summary: 'Make the smallest TAN header template covering the images of a table',
  description:
    'Footprints come from each image file’s own WCS (distortions included) when the file is found ' +
    '(in --image-dir, the table’s folder, or the working folder), else from the table’s corner columns.',
  options: [
    { name: 'north-up', short: 'n', type: 'boolean', help: 'North-aligned header (default: best-fit rotation)' },
    { name: 'pixel-scale', short: 'p', type: 'number', min: 0, arg: 'CDELT', help: 'Pixel scale in degrees (default: the finest input scale)' },
    { name: 'pad', short: 'e', type: 'integer', min: 0, arg: 'PIXELS', help: 'Extra pixels on every side', default: 0 },
    { name: 'system', type: 'enum', values: ['equ', 'gal', 'ecl'], default: 'equ', help: 'Output coordinate system' },
    { name: 'equinox', type: 'number', default: 2000, help: 'Equinox of equ/ecl output (years)' },
    { name: 'image-dir', arg: 'DIR', type: 'string', help: 'Folder the table’s fname entries are relative to' },
    { name: 'table-only', type: 'boolean', help: 'Use only the table’s columns, as Montage does' },
  ],
  positionals: [
    { name: 'images', help: 'Image table (from mosaic imgtbl or mImgtbl)' },
    { name: 'template', help: 'Header template to write' },
  ],
  async run(args) {
    const tablePath = args.positionals.images as string;
    const table = await readIpacTable(tablePath, 'makehdr');
    const o = args.options;
    const cdelt = o.pixelScale as number | undefined;
    // Problems with the table's content (no rows, missing columns) name the table.
    const r = await makeHeader(table, {
      northUp: Boolean(o.northUp),
      cdeltDeg: cdelt && cdelt > 0 ? cdelt : undefined,
      padPixels: o.pad as number,
      system: o.system as MakeHdrSystem,
      equinox: o.equinox as number,
      imageDir: defaultImageDirs(tablePath, o.imageDir as string | undefined),
      tableOnly: Boolean(o.tableOnly),
    }).catch((err: unknown) => Promise.reject(asMosaicError(err, { stage: 'makehdr', file: tablePath })));
    await writeTemplate(args.positionals.template as string, r.header, 'makehdr');
    const f6 = (v: number) => Number(v.toFixed(6));
    const c = r.corners;
    return {
      count: r.count,
      ncube: 0,
      naxis1: r.naxis1,
      naxis2: r.naxis2,
      clon: f6(r.clon),
      clat: f6(r.clat),
      lonsize: f6(r.lonsize),
      latsize: f6(r.latsize),
      posang: f6(r.posang),
      lon1: f6(c[0].lon), lat1: f6(c[0].lat),
      lon2: f6(c[1].lon), lat2: f6(c[1].lat),
      lon3: f6(c[2].lon), lat3: f6(c[2].lat),
      lon4: f6(c[3].lon), lat4: f6(c[3].lat),
    };
  },
};

/** `mosaic convert IN OUT [--hdu N] [--bitpix B]`: one image HDU → a new primary image, header preserved. */
import { convertFits } from '../../fits/convert.js';
import type { WriteBitpix } from '../../fits/write.js';
import type { Command } from '../command.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'Copy one image HDU (plain, gzip or tile-compressed) to a standard FITS file',
  options: [
    { name: 'hdu', type: 'integer', min: 0, arg: 'N', help: 'HDU to read (default: the first image with data)' },
    { name: 'bitpix', type: 'enum', values: ['8', '16', '32', '64', '-32', '-64'], arg: 'B', help: 'Output BITPIX (default: as the input)' },
  ],
  positionals: [
    { name: 'in', help: 'Input FITS file' },
    { name: 'out', help: 'Output FITS file (written atomically)' },
  ],
  async run(args) {
    const { hdu, bitpix } = args.options as { hdu?: number; bitpix?: string };
    await convertFits(args.positionals.in as string, args.positionals.out as string, {
      hdu,
      bitpix: bitpix === undefined ? undefined : (Number(bitpix) as WriteBitpix),
    });
    return { out: args.positionals.out as string };
  },
};

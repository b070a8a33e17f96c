/** `mosaic info FILE [--json]`: HDUs, shapes, WCS presence and pixel statistics of a FITS file. */
import { describeFits, type ImageHduDescription } from '../../fits/describe.js';
import { Wcs } from '../../wcs/wcs.js';
import type { Command } from '../command.js';

function isImage(h: object): h is ImageHduDescription {
  return 'stats' in h;
}

export const infoCommand: Command = {
  name: 'info',
  summary: 'Describe the HDUs of FITS files: shape, BITPIX, celestial WCS, pixel statistics',
  options: [],
  positionals: [{ name: 'files', help: 'FITS files (.fits, .fits.gz, tile-compressed)', variadic: true }],
  async run(args, ctx) {
    const files = args.positionals.files as string[];
    const out = [];
    // A WCS counts only when it really builds (valid projection, invertible matrix).
    const isCelestial = (h: Parameters<typeof Wcs.tryFromHeader>[0]) => Wcs.tryFromHeader(h) !== undefined;
    for (const file of files) out.push(await describeFits(file, { isCelestial }));
    if (ctx.json) {
      ctx.stdout.write((out.length === 1 ? JSON.stringify(out[0]) : JSON.stringify(out)) + '\n');
      return;
    }
    for (const d of out) {
      ctx.stdout.write(`${d.file}\n`);
      for (const h of d.hdus) {
        if (!isImage(h)) {
          ctx.stdout.write(`  HDU ${h.index}: ${h.type}\n`);
          continue;
        }
        const s = h.stats;
        ctx.stdout.write(
          `  HDU ${h.index}: image BITPIX ${h.bitpix} [${h.shape.join(' x ')}]${h.celestial ? ' celestial WCS' : ''}\n` +
            `    finite ${s.finite}, NaN ${s.nan}, min ${s.min}, max ${s.max}, sum ${s.sum}\n`,
        );
      }
    }
  },
};

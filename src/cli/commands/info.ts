/** `mosaic info FILE [--json]`: HDUs, shapes, WCS presence and pixel statistics of a FITS file. */
import { describeFits, type ImageHduDescription } from '../../fits/describe.js';
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
    for (const file of files) out.push(await describeFits(file));
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

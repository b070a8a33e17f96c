/**
 * `mosaic pix2sky FILE [--hdu N] [--frame F]` and `mosaic sky2pix …`: convert coordinate pairs
 * read from stdin, one `x y` (1-based pixels) or `lon lat` (degrees) per line, with the WCS of a
 * FITS file or a `.hdr` template (one card per line, Montage style). Like wcslib's `wcsware -x`.
 * Columns after the first two (catalogue names, magnitudes) are carried through unchanged after the
 * converted pair, so a catalogue can be piped through; with `--json` they are the `extra` strings.
 */
import { MosaicError } from '../../errors.js';
import { readFits } from '../../fits/read.js';
import { compressedImageHeader } from '../../fits/read.js';
import type { Header } from '../../fits/header.js';
import { readTemplate } from '../../tables/template.js';
import { parseFrame } from '../../wcs/frames.js';
import { formatCoord, formatPairs, pixToSkyPairs, skyToPixPairs } from '../../wcs/lines.js';
import { Wcs } from '../../wcs/wcs.js';
import type { Command, CommandContext, OptionSpec, ParsedArgs } from '../command.js';

const OPTIONS: OptionSpec[] = [
  { name: 'hdu', type: 'integer', min: 0, arg: 'N', help: 'HDU index (default: the first HDU with a celestial WCS)' },
  {
    name: 'frame',
    type: 'string',
    arg: 'FRAME',
    help: 'Sky frame of the coordinates: icrs, fk5, fk4, galactic, ecliptic, supergalactic, optionally with an equinox (fk4 B1950); default: the file’s own',
  },
];

/** The WCS of a FITS file (the given HDU, or the first celestial one) or of a header template. */
export async function wcsOfFile(file: string, hdu: number | undefined, stage: string): Promise<Wcs> {
  if (/\.(hdr|txt)$/i.test(file)) return Wcs.fromHeader(await readTemplate(file, stage), { file });
  const fits = await readFits(file);
  const headerOf = (i: number): Header => {
    const h = fits.hdus[i];
    return h.type === 'compressed-image' ? compressedImageHeader(h) : h.header;
  };
  if (hdu !== undefined) {
    if (hdu >= fits.hdus.length) throw new MosaicError('E_FITS_HDU', `no HDU ${hdu} (the file has ${fits.hdus.length})`, { stage, file });
    return Wcs.fromHeader(headerOf(hdu), { file });
  }
  for (let i = 0; i < fits.hdus.length; i++) {
    const w = Wcs.tryFromHeader(headerOf(i), { file });
    if (w) return w;
  }
  // No HDU has a usable WCS: report the primary's problem.
  return Wcs.fromHeader(headerOf(0), { file });
}

async function readStdin(ctx: CommandContext): Promise<string> {
  let s = '';
  for await (const chunk of ctx.stdin) s += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return s;
}

async function runConvert(args: ParsedArgs, ctx: CommandContext, direction: 'pix2sky' | 'sky2pix'): Promise<void> {
  const file = args.positionals.file as string;
  const wcs = await wcsOfFile(file, args.options.hdu as number | undefined, direction);
  const frameText = args.options.frame as string | undefined;
  const frame = frameText ? parseFrame(frameText) : undefined;
  const text = await readStdin(ctx);
  const pairs = direction === 'pix2sky' ? pixToSkyPairs(text, wcs, frame) : skyToPixPairs(text, wcs, frame);
  if (!ctx.json) {
    ctx.stdout.write(formatPairs(pairs));
    return;
  }
  // One JSON object: the converted pairs (the text's 15 digits), null where off the projection,
  // and each line's extra columns as written ('' where there were none).
  const json = (x: number) => (Number.isFinite(x) ? Number(formatCoord(x)) : null);
  const points = Array.from(pairs.u, (u, i) => [json(u), json(pairs.v[i])]);
  ctx.stdout.write(JSON.stringify({ file, [direction === 'pix2sky' ? 'sky' : 'pixels']: points, extra: pairs.rest }) + '\n');
}

export const pix2skyCommand: Command = {
  name: 'pix2sky',
  summary: 'Convert 1-based pixel coordinates (x y per line on stdin) to sky coordinates',
  description:
    'Prints "lon lat" in degrees with 15 significant digits, "nan nan" off the projection.\n' +
    'Columns after "x y" (a name, a magnitude …) follow the converted pair unchanged: "x y NAME" → "lon lat NAME";\n' +
    'with --json they are the "extra" strings, one per point. Blank lines and # or \\ comment lines are skipped.',
  options: OPTIONS,
  positionals: [{ name: 'file', help: 'FITS file or .hdr header template' }],
  run: (args, ctx) => runConvert(args, ctx, 'pix2sky'),
};

export const sky2pixCommand: Command = {
  name: 'sky2pix',
  summary: 'Convert sky coordinates (lon lat in degrees per line on stdin) to 1-based pixel coordinates',
  description:
    'Prints "x y" with 15 significant digits, "nan nan" where the position is not on the projection.\n' +
    'Columns after "lon lat" (a name, a magnitude …) follow the converted pair unchanged: "lon lat NAME" → "x y NAME";\n' +
    'with --json they are the "extra" strings, one per point. Blank lines and # or \\ comment lines are skipped.',
  options: OPTIONS,
  positionals: [{ name: 'file', help: 'FITS file or .hdr header template' }],
  run: (args, ctx) => runConvert(args, ctx, 'sky2pix'),
};

/**
 * `mosaic view IN.fits -o OUT.png [--stretch S --min A --max B --ct N --width W --quality Q]`
 * or `mosaic view --rgb R.fits G.fits B.fits -o OUT.png …` (mViewer without overlays).
 * Montage's own syntax is accepted too: `mosaic view -ct 1 -gray m17.fits -1s max gaussian-log -out m17.png`.
 */
import { parseMViewerArgs, view, type ViewChannel, type ViewOptions } from '../../stages/view.js';
import { STRETCH_NAMES, type StretchName } from '../../viewer/stretch.js';
import { MosaicError } from '../../errors.js';
import type { Command } from '../command.js';
import { checkOutputFile } from '../preflight.js';

/** mViewer-only flags: their presence selects Montage's syntax. */
const MVIEWER_FLAGS = new Set(['-gray', '-grey', '-red', '-green', '-blue', '-histfile', '-noflip', '-saturate', '-png', '-jpeg', '-jpg', '-out', '-ct']);
/** Flags of the command runner itself, passed through in either syntax. */
const RUNNER_FLAGS = new Set(['--json', '--quiet', '-q']);

export const viewCommand: Command = {
  name: 'view',
  module: 'mViewer',
  summary: 'Draw a FITS image (or three as RGB) to PNG or JPEG with a display stretch',
  description:
    'Ranges: a data value (1234.5), a percentile (99.5%), sigmas from the median (-1s), min, max or med, with an optional\n' +
    'offset (max-100). Stretches as in mViewer; results match Montage mViewer pixel for pixel.\n' +
    "Montage syntax also works: view -ct 1 -gray IN.fits -1s max gaussian-log -out OUT.png",
  options: [
    { name: 'out', short: 'o', type: 'string', arg: 'FILE', help: 'Output .png or .jpg' },
    { name: 'stretch', short: 's', type: 'enum', values: STRETCH_NAMES, default: 'gaussian-log', help: 'Display stretch' },
    { name: 'min', type: 'string', arg: 'RANGE', default: '-1s', help: 'Display minimum' },
    { name: 'max', type: 'string', arg: 'RANGE', default: 'max', help: 'Display maximum' },
    { name: 'log-power', type: 'integer', min: 0, help: 'Number of log applications for --stretch power' },
    { name: 'beta', type: 'string', arg: 'RANGE', help: 'Asinh softening (default 2s)' },
    { name: 'ct', type: 'integer', min: 0, max: 11, default: 0, help: 'Montage colour table (0 gray, 1 reversed gray, 2-11 colour)' },
    { name: 'rgb', type: 'list', arg: 'R G B', help: 'Red, green and blue FITS files instead of IN' },
    { name: 'histfile', type: 'string', arg: 'FILE', help: 'Use a stretch saved by `mosaic histogram` / mHistogram' },
    { name: 'width', short: 'w', type: 'integer', min: 1, help: 'Downscale to this width (area average)' },
    { name: 'quality', type: 'integer', min: 1, max: 100, default: 85, help: 'JPEG quality' },
    { name: 'noflip', type: 'boolean', help: 'FITS row 1 at the top (default: north up)' },
    { name: 'blank-level', type: 'integer', min: 0, max: 255, help: 'Display level of blank pixels (default 0)' },
    // Carries Montage-syntax options from preparse to run; not for users.
    { name: 'mviewer-options', type: 'string', arg: 'JSON', help: 'options parsed from mViewer syntax', hidden: true },
  ],
  positionals: [{ name: 'input', help: 'FITS image (omit with --rgb)', required: false }],
  preparse(argv) {
    if (!argv.some((a) => MVIEWER_FLAGS.has(a))) {
      // `--rgb R G B` → `--rgb R,G,B` for the list parser.
      const i = argv.indexOf('--rgb');
      if (i >= 0 && argv.length >= i + 4 && !argv[i + 1].includes(',')) return [...argv.slice(0, i + 1), argv.slice(i + 1, i + 4).join(','), ...argv.slice(i + 4)];
      return argv;
    }
    const options = parseMViewerArgs(argv.filter((a) => !RUNNER_FLAGS.has(a)));
    return ['--mviewer-options', JSON.stringify(options), ...argv.filter((a) => RUNNER_FLAGS.has(a))];
  },
  async run(args) {
    const o = args.options;
    let options: ViewOptions;
    if (typeof o.mviewerOptions === 'string') {
      options = JSON.parse(o.mviewerOptions) as ViewOptions;
    } else {
      const input = args.positionals.input as string | undefined;
      const rgb = o.rgb as string[] | undefined;
      if (rgb && rgb.length !== 3) throw new MosaicError('E_USAGE', `Expected three files for --rgb but received ${rgb.length}`, { stage: 'view' });
      if (rgb && input) throw new MosaicError('E_USAGE', 'Give either IN or --rgb R G B, not both', { stage: 'view' });
      if (!rgb && !input) throw new MosaicError('E_USAGE', 'Missing argument INPUT', { stage: 'view' });
      if (!o.out) throw new MosaicError('E_USAGE', 'Missing option --out', { stage: 'view' });
      const channel = (file: string): ViewChannel => ({
        file,
        stretch: o.stretch as StretchName,
        min: o.min as string,
        max: o.max as string,
        ...(o.logPower !== undefined && { logPower: o.logPower as number }),
        ...(o.beta !== undefined && { beta: o.beta as string }),
        ...(o.histfile !== undefined && { histogramFile: o.histfile as string }),
      });
      options = {
        output: o.out as string,
        ct: o.ct as number,
        quality: o.quality as number,
        ...(o.width !== undefined && { width: o.width as number }),
        ...(o.noflip !== undefined && { noflip: o.noflip as boolean }),
        ...(o.blankLevel !== undefined && { blankLevel: o.blankLevel as number }),
        ...(rgb ? { red: channel(rgb[0]), green: channel(rgb[1]), blue: channel(rgb[2]) } : { gray: channel(input!) }),
      };
    }
    checkOutputFile(options.output, 'view'); // where it cannot be written at all, say so before anything else
    const r = await view(options);
    const c = r.channels[0];
    return {
      type: r.type,
      width: r.width,
      height: r.height,
      min: c.min,
      minpercent: c.minPercent,
      max: c.max,
      maxpercent: c.maxPercent,
      datamin: c.dataMin,
      datamax: c.dataMax,
      colortable: r.type === 'color' ? undefined : (options.ct ?? 0),
      out: r.output,
    };
  },
};

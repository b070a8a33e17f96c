/**
 * `mosaic view IN.fits -o OUT.png [--stretch S --min A --max B --ct N --width W --quality Q]`
 * or `mosaic view --rgb R.fits G.fits B.fits -o OUT.png …` (mViewer without overlays).
 * Montage's own syntax is accepted too: `mosaic view -ct 1 -gray m17.fits -1s max gaussian-log -out m17.png`.
 * A histogram file (`--histfile H`, mViewer's `-gray FILE -histfile H`) replaces the range and stretch,
 * as in mViewer; giving both is an E_ARGUMENT error rather than a silently ignored option.
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
/** mViewer flags that start a channel: `-gray FILE (MIN MAX [STRETCH [BETA]] | -histfile H)`. */
const MVIEWER_CHANNEL_FLAGS = new Set(['-gray', '-grey', '-red', '-green', '-blue']);
/** Our options that a histogram file replaces, by the key the parser gives them. */
const STRETCH_OPTIONS = [
  ['stretch', '--stretch'],
  ['min', '--min'],
  ['max', '--max'],
  ['logPower', '--log-power'],
  ['beta', '--beta'],
] as const;
/** Defaults applied when no histogram file is given (the stage's own defaults, repeated for --help). */
const DEFAULT_STRETCH = { stretch: 'gaussian-log', min: '-1s', max: 'max' } as const;
/** An mViewer range token (`0`, `-1s`, `99.5%`, `max`, `med+10`), as the mViewer parser tells one. */
const MVIEWER_RANGE = /^[+-]?\s*(\d|\.\d|min|max|med)/;

function histfileConflict(given: readonly string[], histfile: string): MosaicError {
  return new MosaicError(
    'E_ARGUMENT',
    `${histfile} conflicts with ${given.join(', ')}: the histogram file fixes the display range and stretch; give one or the other`,
    { stage: 'view' },
  );
}

/**
 * In mViewer syntax `-histfile H` takes the place of `MIN MAX [STRETCH]` right after `-gray FILE`
 * (or -red/-green/-blue); a range next to it, or one of our stretch options, would be ignored.
 * @throws MosaicError E_ARGUMENT naming the conflicting arguments.
 */
function checkMViewerHistfile(argv: readonly string[]): void {
  argv.forEach((a, j) => {
    if (a !== '-histfile') return;
    const ours = argv.filter((t) => /^(-s|--(stretch|min|max|log-power|beta))(=|$)/.test(t)).map((t) => t.split('=')[0]);
    if (ours.length) throw histfileConflict(ours, '-histfile');
    const channel = argv[j - 2];
    if (channel !== undefined && MVIEWER_CHANNEL_FLAGS.has(channel)) {
      const after = argv[j + 2];
      if (after !== undefined && MVIEWER_RANGE.test(after))
        throw histfileConflict([`the range "${after}" after ${channel} ${argv[j - 1]} -histfile ${argv[j + 1]}`], '-histfile');
      return;
    }
    // `-gray FILE MIN MAX … -histfile H`: a range was given before it.
    for (let k = j - 1; k >= 0; k--) {
      if (!MVIEWER_CHANNEL_FLAGS.has(argv[k])) continue;
      const range = argv.slice(k + 2, j).filter((t) => MVIEWER_RANGE.test(t));
      if (range.length) throw histfileConflict([`MIN MAX (${range.join(' ')}) after ${argv[k]} ${argv[k + 1]}`], '-histfile');
      break;
    }
  });
}

export const viewCommand: Command = {
  name: 'view',
  module: 'mViewer',
  summary: 'Draw a FITS image (or three as RGB) to PNG or JPEG with a display stretch',
  description:
    'Ranges: a data value (1234.5), a percentile (99.5%), sigmas from the median (-1s), min, max or med, with an optional\n' +
    'offset (max-100). Stretches as in mViewer; results match Montage mViewer pixel for pixel.\n' +
    '--histfile replaces --stretch, --min, --max, --log-power and --beta (giving both is an error).\n' +
    "Montage syntax also works: view -ct 1 -gray IN.fits -1s max gaussian-log -out OUT.png\n" +
    '  or, with a saved histogram: view -gray IN.fits -histfile H -out OUT.png',
  options: [
    { name: 'out', short: 'o', type: 'string', arg: 'FILE', help: 'Output .png or .jpg' },
    // No schema defaults here: run() must tell an explicit --stretch/--min/--max from none (--histfile).
    { name: 'stretch', short: 's', type: 'enum', values: STRETCH_NAMES, help: `Display stretch (default: ${DEFAULT_STRETCH.stretch})` },
    { name: 'min', type: 'string', arg: 'RANGE', help: `Display minimum (default: ${DEFAULT_STRETCH.min})` },
    { name: 'max', type: 'string', arg: 'RANGE', help: `Display maximum (default: ${DEFAULT_STRETCH.max})` },
    { name: 'log-power', type: 'integer', min: 0, help: 'Number of log applications for --stretch power' },
    { name: 'beta', type: 'string', arg: 'RANGE', help: 'Asinh softening (default 2s)' },
    { name: 'ct', type: 'integer', min: 0, max: 11, default: 0, help: 'Montage colour table (0 gray, 1 reversed gray, 2-11 colour)' },
    { name: 'rgb', type: 'list', arg: 'R G B', help: 'Red, green and blue FITS files instead of IN' },
    { name: 'histfile', type: 'string', arg: 'FILE', help: 'Use a stretch saved by `mosaic histogram` / mHistogram instead of --stretch, --min, --max' },
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
    checkMViewerHistfile(argv);
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
      const histfile = o.histfile as string | undefined;
      if (histfile !== undefined) {
        const given = STRETCH_OPTIONS.filter(([key]) => o[key] !== undefined).map(([, flag]) => flag);
        if (given.length) throw histfileConflict(given, '--histfile');
      }
      const channel = (file: string): ViewChannel =>
        histfile !== undefined
          ? { file, histogramFile: histfile }
          : {
              file,
              stretch: (o.stretch as StretchName | undefined) ?? DEFAULT_STRETCH.stretch,
              min: (o.min as string | undefined) ?? DEFAULT_STRETCH.min,
              max: (o.max as string | undefined) ?? DEFAULT_STRETCH.max,
              ...(o.logPower !== undefined && { logPower: o.logPower as number }),
              ...(o.beta !== undefined && { beta: o.beta as string }),
            };
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

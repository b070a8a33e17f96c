/**
 * `mosaic histogram IN.fits -o OUT.hist [--stretch S --min A --max B]` (mHistogram): save a
 * stretch in Montage's histogram-file format, to draw other images with `view --histfile`.
 * Montage syntax also works: `mosaic histogram -file IN.fits -1s max gaussian-log -out OUT.hist`.
 */
import { histogram } from '../../stages/view.js';
import { valuePercentile } from '../../viewer/histogram.js';
import { STRETCH_NAMES, type StretchName } from '../../viewer/stretch.js';
import { MosaicError } from '../../errors.js';
import type { Command } from '../command.js';

export const histogramCommand: Command = {
  name: 'histogram',
  module: 'mHistogram',
  summary: 'Compute a display stretch from one image and save it for view --histfile',
  options: [
    { name: 'out', short: 'o', type: 'string', arg: 'FILE', help: 'Output histogram file' },
    { name: 'stretch', short: 's', type: 'enum', values: STRETCH_NAMES, default: 'gaussian-log', help: 'Display stretch' },
    { name: 'min', type: 'string', arg: 'RANGE', default: '-1s', help: 'Display minimum (value, N%, Ns, min, max, med)' },
    { name: 'max', type: 'string', arg: 'RANGE', default: 'max', help: 'Display maximum' },
    { name: 'log-power', type: 'integer', min: 0, help: 'Number of log applications for --stretch power' },
    { name: 'beta', type: 'string', arg: 'RANGE', help: 'Asinh softening (default 2s)' },
  ],
  positionals: [{ name: 'input', help: 'FITS image' }],
  preparse(argv) {
    // mHistogram: -file IN MIN MAX [STRETCH [BETA]] -out OUT
    const f = argv.indexOf('-file');
    if (f < 0) return argv;
    const rest = argv.filter((_, i) => i < f || i > f + 3);
    const [input, min, max] = argv.slice(f + 1, f + 4);
    if (max === undefined) throw new MosaicError('E_USAGE', 'Too few arguments following -file', { stage: 'histogram' });
    const out: string[] = [input, '--min', min, '--max', max];
    let stretch = 'linear';
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      if (a === '-out') out.push('--out', rest[++i] ?? '');
      else if (a.startsWith('g')) stretch = a.length > 1 && /[gl]$/.test(a) ? 'gaussian-log' : 'gaussian';
      else if (a.startsWith('a')) {
        stretch = 'asinh';
        if (rest[i + 1] !== undefined && rest[i + 1] !== '-out') out.push('--beta', rest[++i]);
      } else if (/^\d+$/.test(a)) {
        stretch = 'power';
        out.push('--log-power', a);
      } else if (a === 'log' || a === 'loglog') stretch = a;
      else if (a.startsWith('lin')) stretch = 'linear';
      else out.push(a);
    }
    out.push('--stretch', stretch);
    return out;
  },
  async run(args) {
    const o = args.options;
    if (!o.out) throw new MosaicError('E_USAGE', 'Missing option --out', { stage: 'histogram' });
    const { stretch, histogram: h } = await histogram({
      file: args.positionals.input as string,
      output: o.out as string,
      stretch: o.stretch as StretchName,
      min: o.min as string,
      max: o.max as string,
      ...(o.logPower !== undefined && { logPower: o.logPower as number }),
      ...(o.beta !== undefined && { beta: o.beta as string }),
    });
    return {
      min: stretch.min,
      minpercent: valuePercentile(h, stretch.min),
      max: stretch.max,
      maxpercent: valuePercentile(h, stretch.max),
      datamin: h.min,
      datamax: h.max,
    };
  },
};

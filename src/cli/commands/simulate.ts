/** `mosaic simulate DIR [--images N] [--seed S] [--size small|standard|m17] [--projection TAN|SIN]`. */
import { simulate } from '../../stages/simulate.js';
import type { SurveySize } from '../../sim/survey.js';
import type { Command } from '../command.js';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Write a synthetic 2MASS-like image set with its truth mosaic and injected backgrounds',
  description:
    'Presets: small = 6 frames of 256x512, standard = 12 frames of 512x1024, m17 = 91 frames of 512x1024 (~6100x6900 mosaic). ' +
    'Writes sim_NNN.fits, truth.hdr, truth.fits and truth.json (the injected planes, Montage convention). Same seed, same files.',
  options: [
    { name: 'images', type: 'integer', min: 1, max: 10000, arg: 'N', help: 'Number of frames (default: the preset’s)' },
    { name: 'seed', type: 'integer', default: 1, arg: 'S', help: 'Random seed' },
    { name: 'size', type: 'enum', values: ['small', 'standard', 'm17'], default: 'standard', help: 'Survey preset' },
    { name: 'projection', type: 'enum', values: ['TAN', 'SIN'], default: 'TAN', help: 'Projection of the frames' },
    { name: 'noise', type: 'number', min: 0, default: 2, arg: 'SIGMA', help: 'Gaussian noise sigma (DN)' },
    { name: 'no-truth-image', type: 'boolean', help: 'Skip truth.fits (large for m17)' },
  ],
  positionals: [{ name: 'dir', help: 'Output folder (created if missing)' }],
  async run(args) {
    const o = args.options;
    const r = await simulate({
      dir: args.positionals.dir as string,
      images: o.images as number | undefined,
      seed: o.seed as number,
      size: o.size as SurveySize,
      projection: o.projection as 'TAN' | 'SIN',
      noiseSigma: o.noise as number,
      skipTruthImage: Boolean(o.noTruthImage),
    });
    return { count: r.files.length, naxis1: r.naxis1, naxis2: r.naxis2, truth: r.truthFile };
  },
};

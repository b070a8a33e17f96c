/** `mosaic project [-X] IN.fits OUT.fits TEMPLATE.hdr` (mProject): writes OUT.fits and OUT_area.fits (BITPIX −64). */
import { rm } from 'node:fs/promises';
import { readImage } from '../../fits/read.js';
import { writeFits } from '../../fits/write.js';
import { readMosaicTemplate } from '../preflight.js';
import { project, PROJECT_METHODS, type ProjectMethod } from '../../stages/project.js';
import { projectedHeader } from '../../stages/types.js';
import { areaFileName } from '../../fits/area-pair.js';
import type { Command } from '../command.js';

export const projectCommand: Command = {
  name: 'project',
  module: 'mProject',
  summary: 'Reproject one image onto a mosaic template (flux-conserving), with its area image',
  options: [
    { name: 'method', type: 'enum', values: PROJECT_METHODS, default: 'exact', help: 'exact overlap (mProject) or an interpolation' },
    { name: 'hdu', short: 'h', type: 'integer', min: 0, arg: 'N', help: 'Input HDU (0 = primary); default the first image' },
    { name: 'expand', short: 'X', type: 'boolean', help: 'Keep the whole input even outside the template (mProject -X)' },
  ],
  positionals: [
    { name: 'in', help: 'Input FITS image' },
    { name: 'out', help: 'Output FITS (its area image is OUT_area.fits)' },
    { name: 'template', help: 'Mosaic header template (.hdr)' },
  ],
  async run(args) {
    const t0 = performance.now();
    const [input, out, tpl] = [args.positionals.in, args.positionals.out, args.positionals.template] as string[];
    const template = await readMosaicTemplate(tpl, 'project');
    const hdu = args.options.hdu as number | undefined;
    const image = await readImage(input, hdu === undefined ? {} : { hdu });
    const p = project(image, template, { method: args.options.method as ProjectMethod, expand: Boolean(args.options.expand), source: input });
    const header = projectedHeader(template, p);
    await writeFits(out, { header, data: p.value, shape: [p.width, p.height] }, { bitpix: -64 });
    try {
      await writeFits(areaFileName(out), { header, data: p.area, shape: [p.width, p.height] }, { bitpix: -64 });
    } catch (err) {
      await rm(out, { force: true }); // an image without its area image is not a usable output
      throw err;
    }
    return { time: Math.round((performance.now() - t0) / 100) / 10 };
  },
};

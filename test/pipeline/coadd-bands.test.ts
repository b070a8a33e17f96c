import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Header } from '../../src/fits/header.js';
import { readImage } from '../../src/fits/read.js';
import { buildMosaic, projectedFileName, writeMosaicPlane, type BuildResult } from '../../src/pipeline/build.js';
import { areaFileName } from '../../src/fits/area-pair.js';
import { coaddInBands, type CoaddSource } from '../../src/pipeline/coadd-bands.js';
import { add, type BackgroundPlane, type CombineMethod } from '../../src/stages/add.js';
import { readProjectedFile } from '../../src/stages/diff.js';
import { simulate } from '../../src/stages/simulate.js';
import { projectedHeader } from '../../src/stages/types.js';
import { buildLayout, referenceCoadd } from '../helpers/build-layout.js';

const scratch = mkdtempSync(join(tmpdir(), 'mosaic-bands-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const same = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));

/** The whole-template coadd (stages/add.ts in memory), written as build writes a mosaic. */
async function unbanded(sources: CoaddSource[], template: Header, out: string, combine: CombineMethod, planes?: Map<number, BackgroundPlane>, exactSize = false) {
  const images = await Promise.all(sources.map(async (s) => ({ ...(await readProjectedFile(s.value, template)), cntr: s.cntr })));
  const m = await add(images, template, { combine, exactSize, correction: planes ? (img) => planes.get(img.cntr!) : undefined });
  writeMosaicPlane(out, m.header, m.width, m.height, m.value);
  writeMosaicPlane(areaFileName(out), m.header, m.width, m.height, m.area);
  return m;
}

describe('coadd in row bands', () => {
  let template: Header;
  let built: BuildResult;
  let sources: CoaddSource[];
  let planes: Map<number, BackgroundPlane>;
  beforeAll(async () => {
    const dir = join(scratch, 'sim');
    const sim = await simulate({ dir, size: 'small', seed: 11, images: 6, skipTruthImage: true });
    template = sim.truthHeader;
    const work = join(dir, 'work');
    built = await buildMosaic({ inputs: [join(dir, 'raw')], output: join(scratch, 'build.fits'), template, workdir: work, threads: 2 });
    // Image-table order (build's own order is checked against it below).
    sources = built.corrections!.map((c) => {
      const value = join(work, 'projected', projectedFileName(c.fname, 0).value);
      return { value, area: areaFileName(value), ...c.box, cntr: c.id };
    });
    planes = new Map(built.corrections!.map((c) => [c.id, c]));
  }, 600_000);

  it('build (pool, sliding window) equals the whole-template coadd of its projected images byte for byte', async () => {
    expect(built.used).toBe(6);
    expect(built.pairs).toBeGreaterThan(0);
    // Planes that are all zero would not test the correction hook.
    expect([...planes.values()].some((p) => p.c !== 0)).toBe(true);
    const layout = await buildLayout(join(scratch, 'sim', 'raw'), template);
    expect(built.mosaic).toMatchObject(layout.box);
    const byCntr = new Map(sources.map((s) => [s.cntr, s]));
    const images = await Promise.all(layout.order.map(async (cntr) => ({ ...(await readProjectedFile(byCntr.get(cntr)!.value, template)), cntr })));
    const m = referenceCoadd(images, template, layout.box, 'mean', planes);
    const ref = join(scratch, 'whole.fits');
    const header = projectedHeader(template, layout.box);
    writeMosaicPlane(ref, header, layout.box.width, layout.box.height, m.value);
    writeMosaicPlane(areaFileName(ref), header, layout.box.width, layout.box.height, m.area);
    expect(same(join(scratch, 'build.fits'), ref)).toBe(true);
    expect(same(join(scratch, 'build_area.fits'), areaFileName(ref))).toBe(true);
  });

  for (const combine of ['mean', 'count', 'median'] as const) {
    it(`${combine}: bands of any height give the unbanded mosaic byte for byte (with corrections and the uncorrected copy)`, async () => {
      const ref = join(scratch, `whole-${combine}.fits`);
      const plainRef = join(scratch, `whole-plain-${combine}.fits`);
      const m = await unbanded(sources, template, ref, combine, planes);
      await unbanded(sources, template, plainRef, combine);
      const W = template.int('NAXIS1')!;
      for (const rows of [1, 7, 1000]) {
        const out = join(scratch, `bands-${combine}-${rows}.fits`);
        const plain = join(scratch, `bands-plain-${combine}-${rows}.fits`);
        const r = await coaddInBands(template, sources, { value: out, area: areaFileName(out), uncorrected: plain }, { combine, correction: (img) => planes.get(img.cntr!), bandPixels: rows * W });
        expect(r).toMatchObject({ x0: m.x0, y0: m.y0, width: m.width, height: m.height, images: 6 });
        expect(same(out, ref)).toBe(true);
        expect(same(areaFileName(out), areaFileName(ref))).toBe(true);
        expect(same(plain, plainRef)).toBe(true);
      }
    }, 120_000);
  }

  it('keeps the template size with exactSize (mAdd -e), NaN and zero area outside the images', async () => {
    const ref = join(scratch, 'whole-exact.fits');
    await unbanded(sources, template, ref, 'mean', undefined, true);
    const out = join(scratch, 'bands-exact.fits');
    const r = await coaddInBands(template, sources, { value: out, area: areaFileName(out) }, { exactSize: true, bandPixels: 50 * template.int('NAXIS1')! });
    expect([r.width, r.height]).toEqual([template.int('NAXIS1'), template.int('NAXIS2')]);
    expect(same(out, ref)).toBe(true);
    expect(same(areaFileName(out), areaFileName(ref))).toBe(true);
  });

  it('gives NaN rows, like the whole-template coadd, where an image reaches past the template', async () => {
    // One image placed 5 rows above the template: only its rows inside are summed.
    const shifted = [{ ...sources[0], y0: -5 }];
    const images = await Promise.all(shifted.map(async (s) => ({ ...(await readProjectedFile(s.value, template)), y0: s.y0, cntr: s.cntr })));
    const m = await add(images, template);
    expect(m.y0).toBe(-5);
    const ref = join(scratch, 'whole-outside.fits');
    writeMosaicPlane(ref, m.header, m.width, m.height, m.value);
    writeMosaicPlane(areaFileName(ref), m.header, m.width, m.height, m.area);
    const out = join(scratch, 'bands-outside.fits');
    await coaddInBands(template, shifted, { value: out, area: areaFileName(out) }, { bandPixels: 3 * template.int('NAXIS1')! });
    expect(same(out, ref)).toBe(true);
    expect(same(areaFileName(out), areaFileName(ref))).toBe(true);
    const top = await readImage(out);
    expect(Number.isNaN(top.data[Math.floor(m.width / 2)])).toBe(true);
  });

  it('fails with E_NO_INPUT for no images', async () => {
    await expect(coaddInBands(template, [], { value: join(scratch, 'none.fits'), area: join(scratch, 'none_area.fits') })).rejects.toMatchObject({ code: 'E_NO_INPUT' });
  });
});

/**
 * Our `view` against the real Montage mViewer (Debian `montage` 6.0): for every stretch
 * and range form, on one 2MASS frame and on a two-frame mosaic built with Montage's own
 * mProjExec + mAdd, the 8-bit outputs must agree to mean |Δ| ≤ 1 DN and 99th percentile
 * ≤ 3 DN, with the same size, channel count and orientation. (Measured: identical, 0 DN.)
 * Skips with a message when mViewer or the shared data are absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMViewerArgs, view } from '../../src/stages/view.js';
import { sharedDataDir, sharedPath } from '../helpers/shared.js';

const hasTool = (name: string) => spawnSync(name, [], { stdio: 'ignore' }).error === undefined;
const haveMViewer = hasTool('mViewer');
const haveMosaicTools = ['mImgtbl', 'mMakeHdr', 'mProjExec', 'mAdd'].every(hasTool);
const skipReason = !sharedDataDir ? '../shared/data is absent' : !haveMViewer ? 'mViewer (Debian montage) is not installed' : '';
const suite = skipReason ? describe.skip : describe;

const FRAMES = ['2mass-atlas-001124n-j0850232.fits.gz', '2mass-atlas-001124n-j0860032.fits.gz'];

/** Stretch and range forms compared, as mViewer arguments after `-gray FILE`. */
const GRAY_CASES: string[][] = [
  ['-1s', 'max', 'gaussian-log'],
  ['-1s', 'max', 'gaussian'],
  ['0.5%', '99%', 'gaussian'],
  ['min', 'max', 'linear'],
  ['2%', '99.5%', 'linear'],
  ['100', '2000', 'linear'],
  ['min', 'max', 'log'],
  ['-2s', '10s', 'log'],
  ['min', 'max', 'loglog'],
  ['med', 'max-100', '3'],
  ['min', 'max', 'asinh', '2s'],
  ['1%', '99.9%', 'asinh', '5'],
];

interface Diff {
  mean: number;
  p99: number;
  max: number;
}

async function compare(args: string[], dir: string): Promise<Diff> {
  const theirs = join(dir, 'mviewer.png');
  const ours = join(dir, 'ours.png');
  const status = execFileSync('mViewer', [...args, '-out', theirs]).toString();
  expect(status).toContain('stat="OK"');
  await view(parseMViewerArgs([...args, '-out', ours]));
  const [mt, mo] = await Promise.all([sharp(theirs).metadata(), sharp(ours).metadata()]);
  expect({ w: mo.width, h: mo.height, c: mo.channels }).toEqual({ w: mt.width, h: mt.height, c: mt.channels });
  const [a, b] = await Promise.all([theirs, ours].map((f) => sharp(f).raw().toBuffer()));
  expect(b.length).toBe(a.length);
  const hist = new Float64Array(256);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    hist[d]++;
    sum += d;
  }
  let seen = 0;
  let p99 = 0;
  while ((seen += hist[p99]) < 0.99 * a.length) p99++;
  let max = 255;
  while (max > 0 && hist[max] === 0) max--;
  return { mean: sum / a.length, p99, max };
}

suite(`against Montage mViewer${skipReason ? ` (skipped: ${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let dir = '';
  let frame = '';
  let mosaic: string | undefined;
  const report: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-mviewer-'));
    const raw = join(dir, 'raw');
    mkdirSync(raw);
    for (const f of FRAMES) writeFileSync(join(raw, f.replace(/\.gz$/, '')), gunzipSync(readFileSync(sharedPath('2mass-j-orion-0.25deg', f))));
    frame = join(raw, FRAMES[0].replace(/\.gz$/, ''));
    if (haveMosaicTools) {
      const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir }).toString();
      run('mImgtbl', ['raw', 'raw.tbl']);
      run('mMakeHdr', ['raw.tbl', 'region.hdr']);
      mkdirSync(join(dir, 'proj'));
      run('mProjExec', ['-p', 'raw', 'raw.tbl', 'region.hdr', 'proj', 'stats.tbl']);
      run('mImgtbl', ['proj', 'proj.tbl']);
      if (run('mAdd', ['-p', 'proj', 'proj.tbl', 'region.hdr', 'mosaic.fits']).includes('stat="OK"')) mosaic = join(dir, 'mosaic.fits');
    }
  }, 120_000);

  afterAll(() => {
    if (report.length) console.log(`mViewer vs view, |Δ| in DN:\n${report.join('\n')}`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const check = async (label: string, args: string[]) => {
    const d = await compare(args, dir);
    report.push(`${label.padEnd(44)} mean ${d.mean.toFixed(4)}  p99 ${d.p99}  max ${d.max}`);
    expect(d.mean).toBeLessThanOrEqual(1);
    expect(d.p99).toBeLessThanOrEqual(3);
  };

  it.each(GRAY_CASES)('2MASS frame, gray %s %s %s', async (...c) => {
    await check(`frame  ${c.join(' ')}`, ['-gray', frame, ...c]);
  });

  it.each(GRAY_CASES)('mAdd mosaic, gray %s %s %s', async (...c) => {
    if (!mosaic) return console.log('mosaic comparison skipped: mImgtbl/mMakeHdr/mProjExec/mAdd not available');
    await check(`mosaic ${c.join(' ')}`, ['-gray', mosaic, ...c]);
  });

  it.each(Array.from({ length: 12 }, (_, ct) => [ct]))('colour table -ct %d', async (ct) => {
    await check(`frame  -ct ${ct} gaussian-log`, ['-ct', String(ct), '-gray', frame, '-1s', 'max', 'gaussian-log']);
  });

  it('-noflip', async () => {
    await check('frame  -noflip', ['-noflip', '-gray', frame, '-1s', 'max', 'gaussian-log']);
  });

  it('mViewer reads our histogram files (its reader shifts the lookup by one level, so ≤ 1 DN)', async () => {
    const { histogram } = await import('../../src/stages/view.js');
    const hist = join(dir, 'ours.hist');
    await histogram({ file: frame, output: hist, stretch: 'gaussian-log', min: '-1s', max: 'max' });
    const d = await compare(['-gray', frame, '-histfile', hist], dir);
    report.push(`${'frame  -histfile (ours, read by mViewer)'.padEnd(44)} mean ${d.mean.toFixed(4)}  p99 ${d.p99}  max ${d.max}`);
    expect(d.max).toBeLessThanOrEqual(1);
  });

  it('RGB composite with a different stretch per channel', async () => {
    await check('frame  RGB gaussian-log/log/asinh', [
      '-red', frame, '-1s', 'max', 'gaussian-log', '-green', frame, 'min', 'max', 'log', '-blue', frame, '1%', '99%', 'asinh', '2s',
    ]);
    await check('frame  RGB linear/loglog/gaussian', [
      '-red', frame, 'min', 'max', 'linear', '-green', frame, '-2s', '5s', 'loglog', '-blue', frame, '1%', '99%', 'gaussian',
    ]);
  });
});

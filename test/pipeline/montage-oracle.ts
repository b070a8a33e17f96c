/**
 * Montage reference mosaics for the build tests, made once and cached under
 * `$TMPDIR/mosaic-test-mproject/<set>/` (the folder the project test caches mProject in).
 *
 * - `montageExactPlain(set)`: mProject (exact, one call per image) + mAdd, no background
 *   matching → `exact/mosaic.fits`.
 * - `montageChain(set)`: the full chain exactly as the end of shared/data/README.md gives it
 *   (mProjExec -q … mOverlaps, mDiffExec, mFitExec, mBgModel, mBgExec, mAdd) → `chain/mosaic.fits`.
 *
 * Each result is built in a scratch folder and renamed into place, so an interrupted run
 * never leaves a half-made cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sharedPath } from '../helpers/shared.js';

/** Whether Montage's command-line tools are on PATH. */
export const hasMontage = spawnSync('mProject', [], { encoding: 'utf8' }).error === undefined;

const cacheRoot = join(tmpdir(), 'mosaic-test-mproject');

function cached(set: string, kind: string, make: (work: string) => void): string {
  const final = join(cacheRoot, set, kind);
  if (existsSync(join(final, 'mosaic.fits'))) return final;
  mkdirSync(join(cacheRoot, set), { recursive: true });
  const work = mkdtempSync(join(cacheRoot, set, `${kind}.tmp-`));
  make(work);
  rmSync(final, { recursive: true, force: true });
  renameSync(work, final);
  return final;
}

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Folder holding `mosaic.fits` (+ `_area`) made by exact mProject + mAdd on the set's images and template. */
export function montageExactPlain(set: string): string {
  return cached(set, 'exact', (work) => {
    const setDir = sharedPath(set);
    const tpl = join(setDir, 'montage-reference', 'template.hdr');
    mkdirSync(join(work, 'raw'));
    mkdirSync(join(work, 'proj'));
    for (const f of readdirSync(setDir).filter((n) => n.endsWith('.fits.gz'))) {
      const raw = join(work, 'raw', f.replace(/\.gz$/, ''));
      writeFileSync(raw, gunzipSync(readFileSync(join(setDir, f))));
      run('mProject', [raw, join(work, 'proj', `p_${f.replace(/\.gz$/, '')}`), tpl], work);
    }
    run('mImgtbl', ['proj', 'pimages.tbl'], work);
    run('mAdd', ['-p', 'proj', 'pimages.tbl', tpl, 'mosaic.fits'], work);
  });
}

/** Folder holding `mosaic.fits` (background-matched) and `corrections.tbl` from Montage's full chain. */
export function montageChain(set: string): string {
  return cached(set, 'chain', (work) => {
    const setDir = sharedPath(set);
    run('mImgtbl', ['.', join(work, 'images.tbl')], setDir);
    run('mMakeHdr', ['images.tbl', 'template.hdr'], work);
    for (const d of ['proj', 'diff', 'corr']) mkdirSync(join(work, d));
    run('mProjExec', ['-q', '-p', setDir, 'images.tbl', 'template.hdr', 'proj', 'stats.tbl'], work);
    run('mImgtbl', ['.', '../pimages.tbl'], join(work, 'proj'));
    run('mOverlaps', ['pimages.tbl', 'diffs.tbl'], work);
    run('mDiffExec', ['-p', 'proj', 'diffs.tbl', 'template.hdr', 'diff'], work);
    run('mFitExec', ['diffs.tbl', 'fits.tbl', 'diff'], work);
    run('mBgModel', ['pimages.tbl', 'fits.tbl', 'corrections.tbl'], work);
    run('mBgExec', ['-p', 'proj', 'pimages.tbl', 'corrections.tbl', 'corr'], work);
    run('mAdd', ['-p', 'corr', 'pimages.tbl', 'template.hdr', 'mosaic.fits'], work);
    // The intermediates are large and not needed by the tests.
    for (const d of ['proj', 'diff', 'corr']) rmSync(join(work, d), { recursive: true, force: true });
  });
}

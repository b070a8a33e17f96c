/**
 * Montage's full background-matching chain on a folder of frames with a given template
 * (for simulated sets, whose truth.hdr is the template), cached under os.tmpdir():
 * mImgtbl → mProjExec → mImgtbl → mOverlaps → mDiffExec → mFitExec → mBgModel → mBgExec → mAdd,
 * the command sequence at the end of ../shared/data/README.md with mMakeHdr replaced by the
 * given template. The cache key is the caller's label plus a hash of the frames and the
 * template, so a changed simulator never reuses a stale run. mProjExec runs without -q (quick-look
 * interpolation), so its projections are mProjectPP's, which equal ours for these TAN frames.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMontage } from '../test/helpers/montage-chain.js';

/** Version of the cache layout; bump to invalidate old caches. */
const CACHE_VERSION = 2;

/** The Montage binaries the chain runs. */
const TOOLS = ['mImgtbl', 'mProjExec', 'mOverlaps', 'mDiffExec', 'mFitExec', 'mBgModel', 'mBgExec', 'mAdd'];

/** Names of the chain's Montage binaries that are not on PATH (empty when all are). */
export const missingMontageTools: string[] = TOOLS.filter((m) => spawnSync(m, [], { stdio: 'ignore' }).error !== undefined);

/** Files of one cached run (absolute paths). */
export interface MontageTemplateChain {
  dir: string;
  /** mAdd's background-matched mosaic (its grid may be trimmed: place it by CRPIX). */
  mosaic: string;
  corrections: string;
  /** Status lines of every step. */
  log: string;
}

function build(rawDir: string, template: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  copyFileSync(template, join(dir, 'template.hdr'));
  for (const d of ['proj', 'diff', 'corr']) mkdirSync(join(dir, d));
  const log = [
    runMontage('mImgtbl', [rawDir, 'images.tbl'], dir),
    runMontage('mProjExec', ['-p', rawDir, 'images.tbl', 'template.hdr', 'proj', 'stats.tbl'], dir),
    runMontage('mImgtbl', ['.', '../pimages.tbl'], join(dir, 'proj')),
    runMontage('mOverlaps', ['pimages.tbl', 'diffs.tbl'], dir),
    runMontage('mDiffExec', ['-p', 'proj', 'diffs.tbl', 'template.hdr', 'diff'], dir),
    runMontage('mFitExec', ['diffs.tbl', 'fits.tbl', 'diff'], dir),
    runMontage('mBgModel', ['pimages.tbl', 'fits.tbl', 'corrections.tbl'], dir),
    runMontage('mBgExec', ['-p', 'proj', 'pimages.tbl', 'corrections.tbl', 'corr'], dir),
    runMontage('mAdd', ['-p', 'corr', 'pimages.tbl', 'template.hdr', 'mosaic.fits'], dir),
  ];
  // The intermediates are large and not needed afterwards.
  for (const d of ['proj', 'diff', 'corr']) rmSync(join(dir, d), { recursive: true, force: true });
  writeFileSync(join(dir, 'log.txt'), log.join(''));
}

/**
 * The cached Montage run on the FITS files of `rawDir` (absolute) with `template` (a Montage
 * .hdr file), building it when absent. `label` names the cache folder (e.g. `small-seed11`).
 * Call only when {@link missingMontageTools} is empty. Throws with Montage's output when a step fails.
 */
export function montageTemplateChain(rawDir: string, template: string, label: string): MontageTemplateChain {
  const hash = createHash('sha256');
  hash.update(readFileSync(template));
  for (const f of readdirSync(rawDir).filter((n) => /\.fits?$/.test(n)).sort()) hash.update(f).update(readFileSync(join(rawDir, f)));
  const root = join(tmpdir(), `mosaic-montage-template-chain-v${CACHE_VERSION}`);
  const dir = join(root, `${label}-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(dir, 'mosaic.fits'))) {
    const work = `${dir}.tmp-${process.pid}`;
    try {
      rmSync(work, { recursive: true, force: true });
      build(rawDir, template, work);
      rmSync(dir, { recursive: true, force: true });
      renameSync(work, dir);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return {
    dir,
    mosaic: join(dir, 'mosaic.fits'),
    corrections: join(dir, 'corrections.tbl'),
    log: readFileSync(join(dir, 'log.txt'), 'utf8'),
  };
}

/**
 * Montage's own background-matching chain on a shared 2MASS set, run once and cached under
 * os.tmpdir() (keyed by set name) so that test files and reruns share it:
 * mImgtbl → mMakeHdr → mProjExec → mImgtbl → mOverlaps → mDiffExec → mFitExec → mBgModel → mBgExec,
 * the commands of ../shared/data/README.md. The inputs are gunzipped copies (Montage would
 * otherwise name its projected files after the .gz names).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe } from 'vitest';
import { sharedDataDir, sharedPath } from './shared.js';

/** Version of the cache layout; bump to invalidate old caches. */
const CACHE_VERSION = 1;

/** True when Debian's Montage binaries are on PATH. */
export const hasMontage = ['mImgtbl', 'mProjExec', 'mDiffExec', 'mFitExec', 'mBgModel', 'mBgExec'].every(
  (m) => spawnSync(m, [], { stdio: 'ignore' }).error === undefined,
);

/** Paths of one cached Montage run (all absolute). */
export interface MontageChain {
  dir: string;
  template: string;
  /** mImgtbl of the projected images. */
  pimages: string;
  proj: string;
  diffs: string;
  diff: string;
  fits: string;
  corrections: string;
  corr: string;
  /** Status lines of every step. */
  log: string;
}

/** Run one Montage binary in `cwd`; throws with its output unless it exits 0 with `stat="OK"`. */
export function runMontage(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !out.includes('stat="OK"')) throw new Error(`${cmd} ${args.join(' ')} failed: ${out}`);
  return out;
}

function build(set: string, dir: string): void {
  mkdirSync(join(dir, 'raw'), { recursive: true });
  for (const f of readdirSync(sharedPath(set)).filter((n) => n.endsWith('.fits.gz')))
    writeFileSync(join(dir, 'raw', f.slice(0, -3)), gunzipSync(readFileSync(sharedPath(set, f))));
  for (const d of ['proj', 'diff', 'corr']) mkdirSync(join(dir, d));
  const log = [
    runMontage('mImgtbl', ['raw', 'images.tbl'], dir),
    runMontage('mMakeHdr', ['images.tbl', 'template.hdr'], dir),
    runMontage('mProjExec', ['-q', '-p', 'raw', 'images.tbl', 'template.hdr', 'proj', 'stats.tbl'], dir),
    runMontage('mImgtbl', ['.', '../pimages.tbl'], join(dir, 'proj')),
    runMontage('mOverlaps', ['pimages.tbl', 'diffs.tbl'], dir),
    runMontage('mDiffExec', ['-p', 'proj', 'diffs.tbl', 'template.hdr', 'diff'], dir),
    runMontage('mFitExec', ['diffs.tbl', 'fits.tbl', 'diff'], dir),
    runMontage('mBgModel', ['pimages.tbl', 'fits.tbl', 'corrections.tbl'], dir),
    runMontage('mBgExec', ['-p', 'proj', 'pimages.tbl', 'corrections.tbl', 'corr'], dir),
  ];
  rmSync(join(dir, 'raw'), { recursive: true });
  writeFileSync(join(dir, 'log.txt'), log.join(''));
}

/**
 * The cached Montage run for `set` (a folder of ../shared/data), building it when absent
 * (about a minute). Safe when several test files ask at once: one builds, the others wait.
 * Call only when `hasMontage` and the shared data are present.
 */
export async function montageChain(set: string): Promise<MontageChain> {
  const root = join(tmpdir(), `mosaic-montage-chain-v${CACHE_VERSION}`);
  const dir = join(root, set);
  const lock = `${dir}.lock`;
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  while (!existsSync(dir)) {
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds it; a lock older than 10 minutes is from a dead run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* the lock vanished meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    const work = `${dir}.tmp-${process.pid}`;
    try {
      rmSync(work, { recursive: true, force: true });
      build(set, work);
      renameSync(work, dir);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(lock, { recursive: true, force: true });
    }
  }
  const p = (f: string) => join(dir, f);
  return {
    dir,
    template: p('template.hdr'),
    pimages: p('pimages.tbl'),
    proj: p('proj'),
    diffs: p('diffs.tbl'),
    diff: p('diff'),
    fits: p('fits.tbl'),
    corrections: p('corrections.tbl'),
    corr: p('corr'),
    log: readFileSync(p('log.txt'), 'utf8'),
  };
}

/** The two overlapping 2MASS sets with Montage references. */
export const BACKGROUND_SETS = ['2mass-j-orion-0.25deg', '2mass-j-orion-east-2nights'] as const;

/**
 * `describe` when both the shared data and Montage are present, otherwise `describe.skip`
 * with the reason in its name.
 */
export function describeMontage(name: string, fn: () => void): void {
  if (!sharedDataDir) describe.skip(`${name} (skipped: ../shared/data is absent)`, fn);
  else if (!hasMontage) describe.skip(`${name} (skipped: Montage binaries (Debian package montage) are not on PATH)`, fn);
  else describe(name, fn);
}

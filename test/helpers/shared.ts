/**
 * Access to the real test data in `../shared/data` (relative to the repo root). Tests that
 * need it use `describeShared`, which skips (with the reason in its name) when it is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of `../shared/data`, or undefined when that folder is absent. */
export const sharedDataDir: string | undefined = (() => {
  const dir = resolve(repoRoot, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
})();

/**
 * `describe` when the shared data are present, otherwise a skipped suite with the reason in its
 * name. Its body is not run then: it may list the data's files while collecting its tests.
 */
export const describeShared = ((name: string, fn: () => void) =>
  sharedDataDir
    ? describe(name, fn)
    : describe.skip(`${name} (skipped: ../shared/data is absent)`, () => it.skip('needs ../shared/data', () => undefined))) as (
  name: string,
  fn: () => void,
) => void;

/** Absolute path of a file in the shared data (call only inside `describeShared`). */
export function sharedPath(...parts: string[]): string {
  if (!sharedDataDir) throw new Error('../shared/data is absent');
  return resolve(sharedDataDir, ...parts);
}

/** The repository root (absolute). */
export const repoDir = repoRoot;

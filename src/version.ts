/** Package version, read once from package.json (works from src/ and dist/). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'mosaic') return candidate;
    } catch {
      /* keep walking up */
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json of mosaic not found');
    dir = parent;
  }
}

/** Root folder of the installed package. */
export const PACKAGE_ROOT = dirname(findPackageJson(dirname(fileURLToPath(import.meta.url))));

export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

#!/usr/bin/env node
// Builds the native addon (crates/mosaic-node) with cargo and copies it to native/mosaic.node.
// Never fails the install: without cargo, or when the build fails, it prints one line and
// exits 0 — mosaic then runs on its TypeScript kernels. `--verbose` shows cargo's output.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const verbose = process.argv.includes('--verbose');

function fallback(reason) {
  console.log(`mosaic: native addon not built (${reason}); using TypeScript kernels`);
  process.exit(0);
}

if (process.env.MOSAIC_SKIP_NATIVE_BUILD) fallback('MOSAIC_SKIP_NATIVE_BUILD is set');
if (!existsSync(join(root, 'crates', 'mosaic-node', 'Cargo.toml'))) fallback('crates/ not found');

const cargo = process.env.CARGO ?? 'cargo';
const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) fallback('cargo not found');

const build = spawnSync(cargo, ['build', '--release', '--offline', '-p', 'mosaic-node'], {
  cwd: root,
  stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
if (build.error || build.status !== 0) {
  const lastLine = (build.stderr ?? '').trim().split('\n').filter((l) => l.includes('error')).pop();
  fallback(`cargo build failed${lastLine ? `: ${lastLine.trim()}` : ''}`);
}

const libName = { darwin: 'libmosaic_node.dylib', win32: 'mosaic_node.dll' }[process.platform] ?? 'libmosaic_node.so';
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const built = join(targetDir, 'release', libName);
if (!existsSync(built)) fallback(`${built} missing after build`);
const dest = join(root, 'native', 'mosaic.node');
mkdirSync(dirname(dest), { recursive: true });
// Copy then rename: processes that have the old addon mapped keep a valid file.
const tmp = `${dest}.${process.pid}.tmp`;
copyFileSync(built, tmp);
renameSync(tmp, dest);
if (verbose) console.log(`mosaic: native addon built: ${dest}`);

#!/usr/bin/env node
// Runs the Rust tests (`cargo test --offline --workspace`) when cargo exists; otherwise
// prints one skip line and exits 0. Extra arguments are passed on to cargo test.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cargo = process.env.CARGO ?? 'cargo';
const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('mosaic: cargo not found; skipping Rust tests');
  process.exit(0);
}
const run = spawnSync(cargo, ['test', '--offline', '--workspace', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);

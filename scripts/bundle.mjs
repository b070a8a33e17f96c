#!/usr/bin/env node
// Bundles the compiled CLI and its two thread entry points (after tsc has written dist/) into
// one file each: dist/mosaic-cli.js, dist/mosaic-pool-worker.js, dist/mosaic-file-worker.js.
// Loading a hundred ES modules through Node's loader took ~70 ms in the main thread and ~50 ms
// in each pool thread, all before the first pixel (M17 build, 2 cores: 2.71 → 2.51 s, CPU
// −0.3 s). The library export (dist/index.js) stays unbundled. bin/mosaic.js runs the bundle
// when it is at least as new as dist/cli/main.js, and dist/ otherwise; without esbuild this
// prints one line and removes any stale bundle.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const bundles = { 'mosaic-cli': 'cli/main.js', 'mosaic-pool-worker': 'pipeline/worker.js', 'mosaic-file-worker': 'distributed/worker.js' };
const outputs = Object.keys(bundles).flatMap((name) => [`${name}.js`, `${name}.js.map`]);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  for (const f of outputs) rmSync(join(dist, f), { force: true });
  console.log('mosaic: esbuild not found, CLI not bundled (it runs from dist/ modules, ~0.1 s slower to start)');
  process.exit(0);
}
for (const entry of Object.values(bundles))
  if (!existsSync(join(dist, entry))) throw new Error(`scripts/bundle.mjs: dist/${entry} is missing; run tsc first`);

await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(bundles).map(([name, entry]) => [name, join(dist, entry)])),
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // sharp has its own native parts and is loaded only for PNG/JPEG output.
  external: ['sharp'],
  // Where each bundled caller finds its thread's bundle (util/start-thread.ts).
  define: {
    MOSAIC_POOL_WORKER_BUNDLE: JSON.stringify('./mosaic-pool-worker.js'),
    MOSAIC_FILE_WORKER_BUNDLE: JSON.stringify('./mosaic-file-worker.js'),
  },
  logLevel: 'warning',
});

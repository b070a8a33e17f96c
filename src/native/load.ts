/**
 * Loads the native addon `native/mosaic.node` (built by scripts/build-native.mjs) from
 * the package root, found by walking up to package.json, so it works from `src/`
 * (vitest, tsx) and from `dist/` alike.
 *
 * `MOSAIC_BACKEND` chooses: unset → native when present, else TypeScript with one
 * warning on stderr; `typescript` → TypeScript, silently; `native` → a missing or broken
 * addon makes importing this module throw `MosaicError` `E_NATIVE`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { MosaicError } from '../errors.js';
import { PACKAGE_ROOT } from '../version.js';
import type { NativeBinding } from './types.js';

export type { NativeBinding, NativeImageStats, Samples } from './types.js';

/** Where the built addon lives. */
export const NATIVE_ADDON_PATH = join(PACKAGE_ROOT, 'native', 'mosaic.node');

const FUNCTIONS: readonly (keyof NativeBinding)[] = [
  'reprojectExact', 'reprojectExactAsync', 'resample', 'resampleAsync', 'coaddAccumulate',
  'coaddAccumulateAsync', 'coaddFinish', 'imageStats', 'imageStatsAsync', 'histogram',
  'histogramAsync', 'medianStack', 'medianStackAsync', 'version',
  'wcsPixToSky', 'wcsPixToSkyAsync', 'wcsSkyToPix', 'wcsSkyToPixAsync', 'wcsMapPixels', 'wcsMapPixelsAsync',
];

interface LoadResult {
  binding?: NativeBinding;
  reason?: string;
}

function tryLoad(): LoadResult {
  const mode = process.env.MOSAIC_BACKEND;
  if (mode === 'typescript') return { reason: 'MOSAIC_BACKEND=typescript' };
  let binding: NativeBinding;
  try {
    binding = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeBinding;
    const missing = FUNCTIONS.filter((f) => typeof binding[f] !== 'function');
    if (missing.length > 0) throw new Error(`addon lacks ${missing.join(', ')} (stale build?)`);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND'
      ? `${NATIVE_ADDON_PATH} not found`
      : (err as Error).message.split('\n')[0];
    if (mode === 'native') {
      throw new MosaicError('E_NATIVE', `MOSAIC_BACKEND=native but the native addon cannot be loaded: ${reason}`, { cause: err });
    }
    // Say it once per process: worker threads load this module too.
    if (isMainThread) process.stderr.write(`mosaic: native addon unavailable (${reason}); using TypeScript kernels (slower). Run \`npm run build:native\`.\n`);
    return { reason };
  }
  return { binding };
}

const loaded = tryLoad();

/** The native binding, or undefined when the TypeScript kernels are in use. */
export const native: NativeBinding | undefined = loaded.binding;

/** Which kernels run: `native` (Rust addon) or `typescript` (the reference twins). */
export function backend(): 'native' | 'typescript' {
  return native ? 'native' : 'typescript';
}

/** Why the native addon is not in use (undefined when it is). */
export function fallbackReason(): string | undefined {
  return loaded.reason;
}

/**
 * Starting a worker thread on one of the package's thread entry points, wherever the calling
 * module runs from:
 * - compiled, in dist/: `<name>.js` beside the caller;
 * - bundled (the CLI, scripts/bundle.mjs): the entry's own bundle, `bundle`, beside the
 *   caller's bundle — one file to load instead of a hundred modules, which saves each thread
 *   ~50 ms of start-up;
 * - under vitest/tsx (the caller is `.ts`): `<name>.ts` through a tiny bootstrap that registers
 *   tsx's loader in the thread first, since `--import tsx` in a Worker's execArgv is not
 *   honoured by Node 20.
 */
import { Worker } from 'node:worker_threads';

/**
 * @param callerUrl the calling module's `import.meta.url`
 * @param name the entry point's module name beside the caller (without extension)
 * @param bundle the entry's bundle relative to the caller, when the caller is bundled
 */
export function startThread(callerUrl: string, name: string, bundle: string | undefined): Worker {
  if (bundle !== undefined) return new Worker(new URL(bundle, callerUrl));
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl));
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * Diagnostics for long runs: with MOSAIC_DEBUG_MEMORY set, one stderr line per pass with the
 * time since start, the memory in use and the peak RSS so far.
 */

/** Log the memory after `pass` (nothing unless MOSAIC_DEBUG_MEMORY is set). */
export function logMemory(pass: string): void {
  if (!process.env.MOSAIC_DEBUG_MEMORY) return;
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stderr.write(
    `${(performance.now() / 1000).toFixed(2)} s: memory after ${pass}: rss ${mib(m.rss)} MiB (peak ${mib(peak)}), heap ${mib(m.heapUsed)}, external ${mib(m.external)}, arrayBuffers ${mib(m.arrayBuffers)} MiB\n`,
  );
}

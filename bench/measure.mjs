// Run a command and measure wall time, CPU time and peak RSS with GNU time
// (children included: GNU time reports the waited-for process tree's max RSS of the largest process).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasGnuTime = existsSync('/usr/bin/time');

/**
 * @param {string[]} argv command and arguments
 * @param {{cwd?: string, env?: object}} opts
 * @returns {{wall: number, cpu: number, rssMiB: number, status: number, stdout: string, stderr: string}}
 */
export function measure(argv, opts = {}) {
  const out = join(tmpdir(), `mosaic-bench-${process.pid}-${Math.random().toString(36).slice(2)}.time`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, ...argv], {
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const wallNs = Number(process.hrtime.bigint() - t0);
  let cpu = NaN;
  let rssMiB = NaN;
  if (existsSync(out)) {
    const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
    const [, user, sys, rssKiB] = last.split(/\s+/).map(Number);
    cpu = user + sys;
    rssMiB = rssKiB / 1024;
    rmSync(out, { force: true });
  }
  return { wall: wallNs / 1e9, cpu, rssMiB, status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Several measured steps as one: wall and CPU add up, peak RSS is the largest step's. */
export function combine(steps) {
  return {
    wall: steps.reduce((s, x) => s + x.wall, 0),
    cpu: steps.reduce((s, x) => s + x.cpu, 0),
    rssMiB: Math.max(...steps.map((x) => x.rssMiB)),
    status: steps.find((x) => x.status !== 0)?.status ?? 0,
  };
}

/**
 * The distributed stages in-process on a small simulated survey: sharded runs equal the serial
 * build byte for byte, tasks are skipped when done, stale when their inputs change, failures
 * stop the barrier and a rerun redoes only what failed; Slurm scripts and their chain.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStage } from '../../src/distributed/execute.js';
import { makePlan, readPlan, writePlan } from '../../src/distributed/plan.js';
import { STAGES } from '../../src/distributed/run-dir.js';
import { submitSlurm } from '../../src/distributed/slurm.js';
import { stageReport } from '../../src/distributed/tasks.js';
import { buildMosaic } from '../../src/pipeline/build.js';
import { simulate } from '../../src/stages/simulate.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-dist-test-'));
const raw = join(work, 'sim', 'raw');
const hdr = join(work, 'sim', 'truth.hdr');
const serial = join(work, 'serial.fits');

async function planRun(name: string): Promise<string> {
  const run = join(work, name);
  const { plan, table } = await makePlan({ inputs: [raw], template: hdr, tileRows: 100 });
  await writePlan(run, plan, table);
  return run;
}

/** Run every stage, parallel ones as `shards` shards in reverse order (any order must do); background and coadd on 2 threads. */
async function runAll(run: string, shards: number): Promise<void> {
  for (const stage of STAGES) {
    const parallel = !['bgmodel', 'assemble'].includes(stage);
    const threads = stage === 'background' || stage === 'coadd' ? 2 : 1;
    for (let i = (parallel ? shards : 1) - 1; i >= 0; i--) await runStage(run, stage, { shard: { index: i, count: parallel ? shards : 1 }, threads });
  }
}

const bytes = (p: string) => readFileSync(p);

beforeAll(async () => {
  await simulate({ dir: join(work, 'sim'), size: 'small', seed: 3 });
  const r = await buildMosaic({ inputs: [raw], output: serial, template: hdr, threads: 1 });
  expect(r.background).toBe(true);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('distributed run', () => {
  it('plans deterministically, with pairs and row tiles', async () => {
    const a = await makePlan({ inputs: [raw], template: hdr, tileRows: 100 });
    const b = await makePlan({ inputs: [raw], template: hdr, tileRows: 100 });
    expect(JSON.stringify(a.plan)).toBe(JSON.stringify(b.plan));
    expect(a.plan.images.map((im) => im.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(a.plan.images[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.plan.pairs.length).toBe(9);
    expect(a.plan.tiles.map((t) => t.rows)).toContainEqual([1000, 1050]);
  });

  it('gives a mosaic byte-identical to mosaic build with 3 shards, and skips done tasks on a rerun', async () => {
    const run = await planRun('run3');
    await runAll(run, 3);
    expect(bytes(join(run, 'mosaic.fits')).equals(bytes(serial))).toBe(true);
    expect(bytes(join(run, 'mosaic_area.fits')).equals(bytes(join(work, 'serial_area.fits')))).toBe(true);
    const plan = await readPlan(run);
    for (const s of STAGES) expect(stageReport(run, plan, s).done.length).toBe(stageReport(run, plan, s).total);
    const again = await runStage(run, 'coadd', { shard: { index: 1, count: 2 }, threads: 1 });
    expect(again).toMatchObject({ tasks: 5, ran: 0, skipped: 5, failed: 0 });
    // A changed engine version (or input hash, or parameter) makes every task stale.
    expect(stageReport(run, { ...plan, engine: 'other' }, 'project').stale).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stageReport(run, { ...plan, params: { ...plan.params, combine: 'median' } }, 'coadd').stale.length).toBe(11);
    expect(stageReport(run, { ...plan, params: { ...plan.params, combine: 'median' } }, 'background').stale).toEqual([]);
    // Everything is done: Slurm submits nothing.
    expect(await submitSlurm(run, { shards: 3, sbatch: () => '1' })).toEqual([]);
    // A tile lost and failing again in a worker thread, then redone alone.
    rmSync(join(run, 'tiles', '000004.done.json'));
    await expect(runStage(run, 'coadd', { threads: 2, env: { MOSAIC_FAIL_TASK: 'coadd:4' } })).rejects.toThrow('1 of 11 tasks failed in shard 0/1: coadd:4');
    expect(await runStage(run, 'coadd', { threads: 2 })).toMatchObject({ ran: 1, skipped: 10, failed: 0 });
    expect(bytes(join(run, 'tiles', '000004.fits')).length).toBeGreaterThan(0);
  }, 180_000);

  it('stops at a failed task and reruns only it', async () => {
    const run = await planRun('fail');
    await expect(runStage(run, 'project', { threads: 1, env: { MOSAIC_FAIL_TASK: 'project:3' } })).rejects.toThrow(
      '1 of 6 tasks failed in shard 0/1: project:3',
    );
    const plan = await readPlan(run);
    expect(stageReport(run, plan, 'project')).toMatchObject({ done: [0, 1, 2, 4, 5], missing: [3], stale: [] });
    await expect(runStage(run, 'difffit', { threads: 1 })).rejects.toThrow('stage project is not complete (1 missing, 0 stale: project:3)');
    expect(await runStage(run, 'project', { threads: 1 })).toMatchObject({ tasks: 6, ran: 1, skipped: 5 });
  }, 60_000);

  it('writes chained Slurm job arrays sized by the tasks of each stage', async () => {
    const run = await planRun('slurm');
    const calls: string[][] = [];
    let next = 100;
    const jobs = await submitSlurm(run, { shards: 4, partition: 'batch', sbatchArgs: ['--time=1:00:00'], sbatch: (a) => (calls.push(a), `${next++};cluster\n`) });
    expect(jobs.map((j) => [j.stage, j.array, j.jobId])).toEqual([
      ['project', 4, '100'],
      ['difffit', 4, '101'],
      ['bgmodel', 1, '102'],
      ['background', 4, '103'],
      ['coadd', 4, '104'],
      ['assemble', 1, '105'],
    ]);
    expect(calls[0].slice(0, -1)).toEqual(['--parsable', '--kill-on-invalid-dep=yes']);
    expect(calls[3]).toContain('--dependency=afterok:102');
    const script = readFileSync(jobs[0].script, 'utf8');
    expect(script).toContain('#SBATCH --array=0-3\n');
    expect(script).toContain('#SBATCH --partition=batch\n#SBATCH --time=1:00:00\n');
    expect(script).toMatch(/run project --run \S+ --shard auto\n$/);
    expect(readFileSync(jobs[2].script, 'utf8')).not.toContain('--array');
    const wide = await submitSlurm(run, { shards: 1000, dryRun: true });
    expect(wide.map((j) => j.array)).toEqual([6, 9, 1, 6, 11, 1]);
    await expect(submitSlurm(run, { shards: 1001, dryRun: true })).rejects.toThrow("Expected integer in 1…1000 for shards (Slurm's default MaxArraySize is 1001) but received 1001");
  });
});

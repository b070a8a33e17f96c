/** `mosaic status --run RUN/`: one line per stage with its done, missing and stale tasks. */
import { readPlan } from '../../distributed/plan.js';
import { STAGES } from '../../distributed/run-dir.js';
import { planKeys, stageReport } from '../../distributed/tasks.js';
import type { Command } from '../command.js';
import { RUN_OPTION, requireRun } from './plan.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Summarise a planned run: tasks done, missing and stale per stage',
  options: [RUN_OPTION],
  positionals: [],
  async run(args, ctx) {
    const run = requireRun(args.options, 'status');
    const plan = await readPlan(run);
    const keys = planKeys(plan);
    const reports = STAGES.map((s) => stageReport(run, plan, s, keys));
    if (!ctx.json)
      for (const r of reports)
        ctx.stdout.write(`${r.stage.padEnd(11)} ${String(r.done.length).padStart(6)}/${String(r.total).padEnd(6)} done  ${r.missing.length} missing  ${r.stale.length} stale\n`);
    const next = reports.find((r) => r.done.length < r.total);
    return {
      images: plan.images.length,
      complete: !next,
      next: next?.stage,
      ...Object.fromEntries(reports.map((r) => [r.stage, `${r.done.length}/${r.total}`])),
    };
  },
};

/** `mosaic check STAGE --run RUN/`: the barrier between stages; exits non-zero listing missing or stale tasks. */
import { readPlan } from '../../distributed/plan.js';
import { STAGES } from '../../distributed/run-dir.js';
import { checkStageName, formatTaskList, stageReport } from '../../distributed/tasks.js';
import { MosaicError, type Command } from '../command.js';
import { RUN_OPTION, requireRun } from './plan.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check that every task of a stage is done (exit 1 and list the missing or stale ones otherwise)',
  options: [RUN_OPTION],
  positionals: [{ name: 'stage', help: STAGES.join('|') }],
  async run(args) {
    const run = requireRun(args.options, 'check');
    const stage = checkStageName(args.positionals.stage as string);
    const r = stageReport(run, await readPlan(run), stage);
    if (r.missing.length || r.stale.length) {
      const parts = [];
      if (r.missing.length) parts.push(`missing ${formatTaskList(stage, r.missing, 50)}`);
      if (r.stale.length) parts.push(`stale ${formatTaskList(stage, r.stale, 50)}`);
      throw new MosaicError('E_RUN', `${stage}: ${r.done.length} of ${r.total} tasks done; ${parts.join('; ')}`, { stage: 'check', file: run });
    }
    return { stage, tasks: r.total, done: r.done.length };
  },
};

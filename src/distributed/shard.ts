/**
 * Shards: which of a stage's tasks one process runs. A task list is split round-robin
 * (task id mod N), so task ids never depend on the number of shards and any shard count
 * covers every task exactly once.
 *
 * `--shard auto` reads the launcher's environment (first match wins):
 * Open MPI (`OMPI_COMM_WORLD_RANK/SIZE`), PMI (`PMI_RANK/SIZE`, MPICH/Hydra and Intel MPI),
 * Slurm job arrays (`SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`),
 * Slurm steps (`SLURM_PROCID/SLURM_NTASKS`); with none of them, the single shard 0/1.
 */
import { MosaicError } from '../errors.js';

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
  /** Where it came from: `argument`, `openmpi`, `pmi`, `slurm-array`, `slurm-step` or `default`. */
  source: string;
}

/** Environment variables as `process.env` gives them. */
export type Env = Record<string, string | undefined>;

function envInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new MosaicError('E_ARGUMENT', `Expected non-negative integer for ${name} but received "${raw}"`, { stage: 'shard' });
  return n;
}

function checked(index: number, count: number, source: string): Shard {
  if (!(count >= 1) || !(index >= 0) || index >= count)
    throw new MosaicError('E_ARGUMENT', `Expected shard index in 0…${count - 1} but received ${index} (from ${source})`, { stage: 'shard' });
  return { index, count, source };
}

/** The shard the launcher gave this process, or 0/1 when no launcher variable is set. */
export function shardFromEnv(env: Env): Shard {
  const pairs: Array<[string, string, string]> = [
    ['OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE', 'openmpi'],
    ['PMI_RANK', 'PMI_SIZE', 'pmi'],
  ];
  for (const [rank, size, source] of pairs) {
    const r = envInt(env, rank);
    const s = envInt(env, size);
    if (r !== undefined && s !== undefined) return checked(r, s, source);
  }
  const arrayId = envInt(env, 'SLURM_ARRAY_TASK_ID');
  const arrayCount = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (arrayId !== undefined && arrayCount !== undefined) return checked(arrayId - (envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0), arrayCount, 'slurm-array');
  const procId = envInt(env, 'SLURM_PROCID');
  const nTasks = envInt(env, 'SLURM_NTASKS');
  if (procId !== undefined && nTasks !== undefined) return checked(procId, nTasks, 'slurm-step');
  return { index: 0, count: 1, source: 'default' };
}

/**
 * Parse `--shard`: `i/N` (0 ≤ i < N) or `auto` (see {@link shardFromEnv}).
 * @throws MosaicError E_USAGE for any other text.
 * @example parseShard('2/8') // → { index: 2, count: 8, source: 'argument' }
 */
export function parseShard(text: string, env: Env = process.env): Shard {
  if (text === 'auto') return shardFromEnv(env);
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2]))
    throw new MosaicError('E_USAGE', `Expected i/N with 0 <= i < N, or auto, for --shard but received "${text}"`, { stage: 'run' });
  return { index: Number(m[1]), count: Number(m[2]), source: 'argument' };
}

/** The ids of `0 … taskCount − 1` that belong to `shard` (id mod count = index), ascending. */
export function shardTaskIds(taskCount: number, shard: Pick<Shard, 'index' | 'count'>): number[] {
  const ids: number[] = [];
  for (let id = shard.index; id < taskCount; id += shard.count) ids.push(id);
  return ids;
}

import { describe, expect, it } from 'vitest';
import { parseShard, shardFromEnv, shardTaskIds } from '../../src/distributed/shard.js';

describe('shards', () => {
  it.each([
    [{ OMPI_COMM_WORLD_RANK: '2', OMPI_COMM_WORLD_SIZE: '3', SLURM_PROCID: '0', SLURM_NTASKS: '1' }, 2, 3, 'openmpi'],
    [{ PMI_RANK: '1', PMI_SIZE: '4' }, 1, 4, 'pmi'],
    [{ SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '5', SLURM_PROCID: '0', SLURM_NTASKS: '1' }, 2, 5, 'slurm-array'],
    [{ SLURM_PROCID: '7', SLURM_NTASKS: '8' }, 7, 8, 'slurm-step'],
    [{}, 0, 1, 'default'],
  ])('reads the launcher environment %#', (env, index, count, source) => {
    expect(shardFromEnv(env)).toEqual({ index, count, source });
  });

  it('rejects impossible launcher values', () => {
    expect(() => shardFromEnv({ PMI_RANK: '4', PMI_SIZE: '4' })).toThrow('Expected shard index in 0…3 but received 4 (from pmi)');
    expect(() => shardFromEnv({ OMPI_COMM_WORLD_RANK: 'x', OMPI_COMM_WORLD_SIZE: '2' })).toThrow('Expected non-negative integer for OMPI_COMM_WORLD_RANK but received "x"');
  });

  it('parses i/N and auto', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8, source: 'argument' });
    expect(parseShard('auto', { PMI_RANK: '0', PMI_SIZE: '2' })).toMatchObject({ index: 0, count: 2 });
    for (const bad of ['3/3', '1', '-1/2', 'a/b', '0/0'])
      expect(() => parseShard(bad)).toThrow(`Expected i/N with 0 <= i < N, or auto, for --shard but received "${bad}"`);
  });

  it('covers every task exactly once for any shard count, with ids independent of it', () => {
    for (const n of [1, 2, 3, 7, 40]) {
      const all = Array.from({ length: n }, (_, i) => shardTaskIds(23, { index: i, count: n })).flat();
      expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    }
    expect(shardTaskIds(2, { index: 3, count: 5 })).toEqual([]);
  });
});

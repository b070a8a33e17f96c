/** CLI argument handling of `mosaic build` (the pipeline itself is tested in test/pipeline). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { describeShared, sharedPath } from '../helpers/shared.js';

describeShared('mosaic build arguments', () => {
  it('hints at -o when the last argument is a missing .fits file (build DIR OUT.fits)', async () => {
    const r = await runCli('build', [sharedPath('decam-tpv-stack'), 'no-such-mosaic.fits', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_FILE_NOT_FOUND');
    expect(r.stderr).toContain('name the mosaic with -o OUT.fits');
  });

  it('keeps the plain message for a missing input that is not last', async () => {
    const r = await runCli('build', ['no-such-input.fits', sharedPath('decam-tpv-stack'), '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no-such-input.fits');
    expect(r.stderr).not.toContain('-o OUT.fits');
  });
});

describeShared('mosaic build --memory-cache', () => {
  it('gives the same mosaic from the in-memory cache (default) and from scratch files (--memory-cache 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-cli-cache-'));
    const input = sharedPath('2mass-j-orion-0.25deg');
    const a = await runCli('build', [input, '-o', join(dir, 'mem.fits'), '--no-bg', '-q']);
    const b = await runCli('build', [input, '-o', join(dir, 'disk.fits'), '--no-bg', '-q', '--memory-cache', '0']);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'disk.fits')).equals(readFileSync(join(dir, 'mem.fits')))).toBe(true);
    const bad = await runCli('build', [input, '-o', join(dir, 'x.fits'), '--memory-cache', '-5']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('memory-cache');
  }, 120_000);
});

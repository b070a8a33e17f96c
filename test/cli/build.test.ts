/** CLI argument handling of `mosaic build` (the pipeline itself is tested in test/pipeline). */
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

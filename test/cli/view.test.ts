/** CLI argument checks of `mosaic view` (the rendering itself is tested in test/stages). */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFits, seededRandom } from '../helpers/fits-builder.js';
import { runCli } from '../helpers/run-cli.js';
import { outputFormat } from '../../src/stages/view.js';

describe('mosaic view arguments', () => {
  it('names the missing input before the missing --out', async () => {
    const r = await runCli('view', []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Missing argument INPUT');
  });

  it('asks for --out once the input is given', async () => {
    const r = await runCli('view', ['in.fits']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Missing option --out');
  });

  it('picks the format from the extension and refuses unknown ones', () => {
    expect(outputFormat({ output: 'm.PNG' })).toBe('png');
    expect(outputFormat({ output: 'm.jpeg' })).toBe('jpeg');
    expect(() => outputFormat({ output: 'm.gif' })).toThrow('Expected an output ending in .png, .jpg or .jpeg but received ".gif"');
  });
});

describe('mosaic view --histfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-view-hist-'));
  const image = join(dir, 'in.fits');
  const hist = join(dir, 'in.hist');
  const random = seededRandom(7);
  writeFileSync(image, buildFits([{ shape: [16, 12], data: Array.from({ length: 16 * 12 }, () => 100 + 50 * random()) }]));

  beforeAll(async () => {
    const r = await runCli('histogram', [image, '-o', hist]);
    if (r.code !== 0) throw new Error(`mosaic histogram failed: ${r.stderr}`);
  });

  it('draws with the histogram file alone, in both syntaxes', async () => {
    const ours = await runCli('view', [image, '-o', join(dir, 'ours.png'), '--histfile', hist]);
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    const montage = await runCli('view', ['-gray', image, '-histfile', hist, '-out', join(dir, 'montage.png')]);
    expect(montage.stderr).toBe('');
    expect(montage.code).toBe(0);
    expect(readFileSync(join(dir, 'montage.png')).equals(readFileSync(join(dir, 'ours.png')))).toBe(true);
  });

  it('refuses an explicit --stretch, --min or --max next to --histfile, naming them', async () => {
    const r = await runCli('view', [image, '-o', join(dir, 'x.png'), '--histfile', hist, '--stretch', 'linear', '--max=99%']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'E_ARGUMENT: --histfile conflicts with --stretch, --max: the histogram file fixes the display range and stretch; give one or the other',
    );
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
    const min = await runCli('view', [image, '-o', join(dir, 'x.png'), '--histfile', hist, '--min', '0', '--json']);
    expect(JSON.parse(min.stdout)).toMatchObject({ stat: 'ERROR', code: 'E_ARGUMENT' });
    expect(JSON.parse(min.stdout).message).toContain('--histfile conflicts with --min');
  });

  it('refuses a range next to mViewer -histfile, before or after it', async () => {
    const after = await runCli('view', ['-gray', image, '-histfile', hist, '0', '200', 'linear', '-out', join(dir, 'x.png')]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/E_ARGUMENT: -histfile conflicts with the range "0" after -gray .*in\.fits -histfile/);
    const before = await runCli('view', ['-gray', image, '0', '200', '-histfile', hist, '-out', join(dir, 'x.png')]);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('E_ARGUMENT: -histfile conflicts with MIN MAX (0 200) after -gray');
    const mixed = await runCli('view', ['-gray', image, '-histfile', hist, '-out', join(dir, 'x.png'), '--stretch', 'log']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('E_ARGUMENT: -histfile conflicts with --stretch');
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('still applies the defaults when neither is given', async () => {
    const r = await runCli('view', [image, '-o', join(dir, 'default.png'), '--json']);
    expect(r.code).toBe(0);
    const explicit = await runCli('view', [image, '-o', join(dir, 'explicit.png'), '--stretch', 'gaussian-log', '--min', '-1s', '--max', 'max', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ...JSON.parse(explicit.stdout), out: join(dir, 'default.png') });
    expect(readFileSync(join(dir, 'default.png')).equals(readFileSync(join(dir, 'explicit.png')))).toBe(true);
  });
});

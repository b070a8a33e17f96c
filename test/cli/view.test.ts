/** CLI argument checks of `mosaic view` (the rendering itself is tested in test/stages). */
import { describe, expect, it } from 'vitest';
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

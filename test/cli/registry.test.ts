import { describe, expect, it } from 'vitest';
import { COMMAND_LOADERS, loadCommand, loadCommands } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';
import { PassThrough } from 'node:stream';

describe('command registry', () => {
  it('loads each command under the name it is listed by, once each', async () => {
    const commands = await loadCommands();
    expect(commands.map((c) => c.name)).toEqual(COMMAND_LOADERS.map((c) => c.name));
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
    expect(await loadCommand('no-such-command')).toBeUndefined();
  });

  it('lists every command in the top help', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const code = await main(['--help'], { stdout: out, stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false });
    expect(code).toBe(0);
    for (const { name } of COMMAND_LOADERS) expect(text).toContain(`  ${name} `);
  });
});

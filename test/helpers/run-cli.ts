/** Run one `mosaic` command in-process, capturing its output (no build of dist/ needed). */
import { PassThrough, Readable } from 'node:stream';
import { runCommand } from '../../src/cli/command.js';
import { loadCommand } from '../../src/cli/commands/index.js';

/** Exit code and the text written to stdout and stderr. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `mosaic <name> ...argv`, in-process, with `stdin` as its standard input (default: a stream that never ends). Throws when no command has that name. */
export async function runCli(name: string, argv: string[], stdin?: string): Promise<CliResult> {
  const cmd = await loadCommand(name);
  if (!cmd) throw new Error(`no command ${name}`);
  const collect = () => {
    const s = new PassThrough();
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    return { s, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const code = await runCommand(cmd, argv, { stdout: out.s, stderr: err.s, stdin: stdin === undefined ? new PassThrough() : Readable.from([stdin]), isTTY: false });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

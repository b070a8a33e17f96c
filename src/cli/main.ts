/** `mosaic` entry point: dispatches to one command per Montage stage, plus build, info, demo. */
import { loadCommand, loadCommands } from './commands/index.js';
import type { Command } from './command.js';
import { runCommand, type CommandIO } from './command.js';
import { VERSION } from '../version.js';

function topHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8) + 2;
  return [
    `mosaic ${VERSION}: astronomical image mosaicking (the Montage pipeline, in TypeScript and Rust)`,
    '',
    'Usage: mosaic <command> [options] [arguments]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}${c.module ? ` (${c.module})` : ''}`),
    '',
    "Run 'mosaic <command> --help' for a command's arguments and options.",
  ].join('\n');
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topHelp(await loadCommands()) + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    io.stderr.write(`mosaic: unknown command "${name}". Run 'mosaic --help' for the list.\n`);
    return 2;
  }
  return runCommand(cmd, rest, io);
}

/** Process entry (bin/mosaic.js). */
export async function cli(): Promise<void> {
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: Boolean(process.stderr.isTTY),
  });
  process.exitCode = code;
}

/**
 * The shape of a CLI command and the runner that gives every command the same
 * behaviour: schema-driven parsing and help, Montage's `[struct stat=…]` status
 * line (or one JSON object with `--json`), and exit codes.
 */
import { MosaicError, asMosaicError } from '../errors.js';
import { formatHelp, parseArgs, type OptionSpec, type ParsedArgs, type PositionalSpec } from './options.js';

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stderr is a terminal (progress bars); false → plain progress lines. */
  isTTY: boolean;
}

export interface CommandContext extends CommandIO {
  json: boolean;
  quiet: boolean;
  /** Write an informational line to stderr unless --quiet. */
  log(message: string): void;
}

/** Fields of the status line, in order. Values print as Montage does: strings quoted, numbers bare. */
export type StatusFields = Record<string, string | number | boolean | undefined>;

export interface Command {
  name: string;
  summary: string;
  description?: string;
  /** Montage module named in the status line, e.g. `mImgtbl`. */
  module?: string;
  options: OptionSpec[];
  positionals: PositionalSpec[];
  /**
   * Commands whose output is data on stdout (info, pix2sky) print no status line;
   * stage commands return their status fields.
   */
  run(args: ParsedArgs, ctx: CommandContext): Promise<StatusFields | void>;
  /** Optional pre-parser for foreign argument syntaxes (mViewer's `-gray FILE MIN MAX`). */
  preparse?(argv: string[]): string[];
}

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'json', type: 'boolean', help: 'Print one JSON object instead of the status line' },
  { name: 'quiet', short: 'q', type: 'boolean', help: 'No progress or informational output' },
];

function formatStatusValue(v: string | number | boolean): string {
  if (typeof v === 'string') return `"${v.replace(/"/g, '\\"')}"`;
  if (typeof v === 'boolean') return v ? '1' : '0';
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(10)).toString();
}

/** `[struct stat="OK", module="mImgtbl", count=10]` */
export function formatStatusLine(stat: 'OK' | 'ERROR' | 'WARNING', fields: StatusFields): string {
  const parts = [`stat="${stat}"`];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${formatStatusValue(v)}`);
  return `[struct ${parts.join(', ')}]`;
}

export function commandHelp(cmd: Command): string {
  return formatHelp(cmd.name, cmd.summary, [...cmd.options, ...COMMON_OPTIONS], cmd.positionals, cmd.description);
}

/** Run one command with argv (after the command name). Returns the process exit code. */
export async function runCommand(cmd: Command, argv: string[], io: CommandIO): Promise<number> {
  // `-h` means help unless the command gives it another meaning (project -h HDU, as mProject).
  const hTaken = cmd.options.some((o) => o.short === 'h');
  if (argv.includes('--help') || (!hTaken && argv.includes('-h'))) {
    io.stdout.write(commandHelp(cmd) + '\n');
    return 0;
  }
  const wantsJson = argv.includes('--json');
  try {
    const args = parseArgs(cmd.preparse ? cmd.preparse(argv) : argv, [...cmd.options, ...COMMON_OPTIONS], cmd.positionals, cmd.name);
    const ctx: CommandContext = {
      ...io,
      json: Boolean(args.options.json),
      quiet: Boolean(args.options.quiet),
      log: (m) => {
        if (!args.options.quiet) io.stderr.write(m + '\n');
      },
    };
    const status = await cmd.run(args, ctx);
    if (status) {
      const fields = { module: cmd.module, ...status };
      io.stdout.write(ctx.json ? JSON.stringify({ stat: 'OK', ...fields }) + '\n' : formatStatusLine('OK', fields) + '\n');
    }
    return 0;
  } catch (err) {
    const e = asMosaicError(err, { stage: cmd.name });
    if (wantsJson) {
      io.stdout.write(JSON.stringify({ stat: 'ERROR', module: cmd.module, ...e.toJSON(), msg: e.toString() }) + '\n');
    } else {
      io.stdout.write(formatStatusLine('ERROR', { msg: e.toString() }) + '\n');
      io.stderr.write(`mosaic ${cmd.name}: ${e.toString()}\n`);
      if (e.code === 'E_USAGE') io.stderr.write(`Run 'mosaic ${cmd.name} --help' for usage.\n`);
      if (e.code === 'E_INTERNAL' && process.env.MOSAIC_DEBUG) io.stderr.write(`${(err as Error).stack}\n`);
    }
    return e.code === 'E_USAGE' ? 2 : 1;
  }
}

export type { OptionSpec, PositionalSpec, ParsedArgs };
export { MosaicError };

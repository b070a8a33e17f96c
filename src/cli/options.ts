/**
 * One options schema per command drives parsing, validation and `--help`.
 *
 * Messages follow one format, e.g.
 * `Expected positive integer for --threads but received "1.5"`.
 */
import { MosaicError } from '../errors.js';

export type OptionType = 'boolean' | 'string' | 'number' | 'integer' | 'enum' | 'list';

export interface OptionSpec {
  /** Long name without dashes, camelCase in the parsed result (`work-dir` → `workDir`). */
  name: string;
  /** Single-letter (or Montage-style short word) alias used with one dash: `-p`, `-n`. */
  short?: string;
  type: OptionType;
  /** Allowed values for `enum`. */
  values?: readonly string[];
  default?: string | number | boolean;
  min?: number;
  max?: number;
  /** Placeholder in help, e.g. `DIR`. */
  arg?: string;
  help: string;
  /** Internal plumbing between `preparse` and `run`: parsed, but not shown in help. */
  hidden?: boolean;
}

export interface PositionalSpec {
  name: string;
  help: string;
  /** Defaults to true. */
  required?: boolean;
  /** Collects all remaining positionals (only the last one). */
  variadic?: boolean;
}

export interface ParsedArgs {
  positionals: Record<string, string | string[] | undefined>;
  options: Record<string, unknown>;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function usage(message: string, command: string): MosaicError {
  return new MosaicError('E_USAGE', message, { stage: command });
}

function convert(spec: OptionSpec, raw: string, command: string): unknown {
  const flag = `--${spec.name}`;
  switch (spec.type) {
    case 'string':
      return raw;
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'enum':
      if (!spec.values!.includes(raw))
        throw usage(`Expected one of ${spec.values!.join(', ')} for ${flag} but received "${raw}"`, command);
      return raw;
    case 'number':
    case 'integer': {
      const n = Number(raw);
      const kind = spec.type === 'integer' ? 'integer' : 'number';
      if (raw.trim() === '' || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n)))
        throw usage(`Expected ${kind} for ${flag} but received "${raw}"`, command);
      if (spec.min !== undefined && n < spec.min)
        throw usage(`Expected ${kind} >= ${spec.min} for ${flag} but received "${raw}"`, command);
      if (spec.max !== undefined && n > spec.max)
        throw usage(`Expected ${kind} <= ${spec.max} for ${flag} but received "${raw}"`, command);
      return n;
    }
    case 'boolean':
      if (/^(true|yes|1)$/i.test(raw)) return true;
      if (/^(false|no|0)$/i.test(raw)) return false;
      throw usage(`Expected boolean for ${flag} but received "${raw}"`, command);
  }
}

/**
 * Parse argv against a schema. Accepts `--name value`, `--name=value`, `-s value`,
 * `--no-flag` for booleans, and `--` to end options. Negative numbers are values, not flags.
 */
export function parseArgs(
  argv: readonly string[],
  options: readonly OptionSpec[],
  positionals: readonly PositionalSpec[],
  command: string,
): ParsedArgs {
  const byLong = new Map(options.map((o) => [o.name, o]));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short!, o]));
  const values: Record<string, unknown> = {};
  const rest: string[] = [];
  let onlyPositionals = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || !arg.startsWith('-') || arg === '-' || /^-\d|^-\.\d/.test(arg)) {
      rest.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: OptionSpec | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byLong.get(name);
      if (!spec && name.startsWith('no-')) {
        const negated = byLong.get(name.slice(3));
        if (negated?.type === 'boolean' && inline === undefined) {
          values[camel(negated.name)] = false;
          continue;
        }
      }
    } else {
      name = arg.slice(1);
      spec = byShort.get(name);
    }
    if (!spec) throw usage(`Unknown option ${arg}`, command);
    const key = camel(spec.name);
    if (spec.type === 'boolean') {
      values[key] = inline === undefined ? true : convert(spec, inline, command);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw usage(`Expected a value for --${spec.name}`, command);
    const v = convert(spec, raw, command);
    values[key] = spec.type === 'list' && Array.isArray(values[key]) ? [...(values[key] as string[]), ...(v as string[])] : v;
  }

  for (const o of options) {
    const key = camel(o.name);
    if (values[key] === undefined && o.default !== undefined) values[key] = o.type === 'list' ? String(o.default).split(',') : o.default;
  }

  const pos: Record<string, string | string[] | undefined> = {};
  let k = 0;
  for (const p of positionals) {
    if (p.variadic) {
      pos[camel(p.name)] = rest.slice(k);
      if (p.required !== false && rest.length <= k) throw usage(`Missing argument ${p.name.toUpperCase()}`, command);
      k = rest.length;
      break;
    }
    if (k >= rest.length) {
      if (p.required !== false) throw usage(`Missing argument ${p.name.toUpperCase()}`, command);
      continue;
    }
    pos[camel(p.name)] = rest[k++];
  }
  if (k < rest.length) throw usage(`Unexpected argument "${rest[k]}"`, command);
  return { positionals: pos, options: values };
}

/** Help text generated from the same schema that parses. */
export function formatHelp(
  command: string,
  summary: string,
  options: readonly OptionSpec[],
  positionals: readonly PositionalSpec[],
  description?: string,
): string {
  const pos = positionals.map((p) => {
    const n = p.name.toUpperCase() + (p.variadic ? '…' : '');
    return p.required === false ? `[${n}]` : n;
  });
  const lines = [`Usage: mosaic ${command} [options] ${pos.join(' ')}`.trimEnd(), '', summary];
  if (description) lines.push('', description);
  if (positionals.length) {
    lines.push('', 'Arguments:');
    for (const p of positionals) lines.push(`  ${p.name.toUpperCase().padEnd(22)} ${p.help}`);
  }
  lines.push('', 'Options:');
  const helpShort = options.some((o) => o.short === 'h') ? undefined : 'h';
  const all: OptionSpec[] = [...options, { name: 'help', short: helpShort, type: 'boolean', help: 'Show this help' }];
  for (const o of all) {
    if (o.hidden) continue;
    const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` ${o.arg ?? (o.type === 'enum' ? o.values!.join('|') : o.type.toUpperCase())}`}`;
    const def = o.default !== undefined ? ` (default: ${o.default})` : '';
    lines.push(`  ${flag.padEnd(30)} ${o.help}${def}`);
  }
  return lines.join('\n');
}

import { describe, expect, it } from 'vitest';
import { parseArgs, formatHelp, type OptionSpec, type PositionalSpec } from '../../src/cli/options.js';
import { formatStatusLine } from '../../src/cli/command.js';
import { runCli } from '../helpers/run-cli.js';

const options: OptionSpec[] = [
  { name: 'threads', type: 'integer', min: 1, help: 'Worker threads' },
  { name: 'north-up', short: 'n', type: 'boolean', help: 'North up' },
  { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Raw dir' },
  { name: 'combine', type: 'enum', values: ['mean', 'median', 'count'], default: 'mean', help: 'Combine' },
  { name: 'bg', type: 'boolean', default: true, help: 'Background matching' },
];
const positionals: PositionalSpec[] = [
  { name: 'table', help: 'Image table' },
  { name: 'inputs', help: 'More', variadic: true, required: false },
];

describe('options schema', () => {
  it('parses long, short, inline, negated and defaulted options', () => {
    const r = parseArgs(['-n', 'images.tbl', '--threads=2', '-p', 'raw', 'a', 'b', '--no-bg'], options, positionals, 'x');
    expect(r.options).toEqual({ northUp: true, threads: 2, path: 'raw', combine: 'mean', bg: false });
    expect(r.positionals).toEqual({ table: 'images.tbl', inputs: ['a', 'b'] });
  });

  it('treats negative numbers as values', () => {
    const r = parseArgs(['t', '-1.5'], options, positionals, 'x');
    expect(r.positionals.inputs).toEqual(['-1.5']);
  });

  it('validates with one message format', () => {
    expect(() => parseArgs(['t', '--threads', '1.5'], options, positionals, 'x')).toThrow('Expected integer for --threads but received "1.5"');
    expect(() => parseArgs(['t', '--threads', '0'], options, positionals, 'x')).toThrow('Expected integer >= 1 for --threads but received "0"');
    expect(() => parseArgs(['t', '--combine', 'sum'], options, positionals, 'x')).toThrow(
      'Expected one of mean, median, count for --combine but received "sum"',
    );
    expect(() => parseArgs([], options, positionals, 'x')).toThrow('Missing argument TABLE');
    expect(() => parseArgs(['t', '--bogus'], options, positionals, 'x')).toThrow('Unknown option --bogus');
  });

  it('generates help from the same schema', () => {
    const help = formatHelp('demo', 'Summary', options, positionals);
    expect(help).toContain('Usage: mosaic demo [options] TABLE [INPUTS…]');
    expect(help).toContain('-p, --path DIR');
    expect(help).toContain('--combine mean|median|count');
    expect(help).toContain('(default: mean)');
  });

  it('lets a command own -h (project -h HDU, as mProject) and keeps --help', async () => {
    const help = formatHelp('project', 'S', [{ name: 'hdu', short: 'h', type: 'integer', help: 'HDU' }], []);
    expect(help).toContain('-h, --hdu INTEGER');
    expect(help).not.toContain('-h, --help');
    // Before the fix, -h printed the help and exited 0 instead of reading the HDU.
    const r = await runCli('project', ['-h', '1', '/nonexistent/in.fits', '/tmp/out.fits', '/nonexistent/t.hdr']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('Usage:');
    expect((await runCli('project', ['--help'])).stdout).toContain('Usage: mosaic project');
    expect((await runCli('add', ['-h'])).stdout).toContain('Usage: mosaic add');
  });

  it('formats Montage status lines', () => {
    expect(formatStatusLine('OK', { module: 'mImgtbl', count: 10, badfits: 0 })).toBe('[struct stat="OK", module="mImgtbl", count=10, badfits=0]');
    expect(formatStatusLine('ERROR', { msg: 'E_X: "a" bad' })).toBe('[struct stat="ERROR", msg="E_X: \\"a\\" bad"]');
  });
});

/** `mosaic add` (mAdd) argument and input checks; the coadd itself is tested in test/stages and test/pipeline. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const HEADER = [
  'SIMPLE  = T',
  'BITPIX  = -64',
  'NAXIS   = 2',
  'NAXIS1  = 20',
  'NAXIS2  = 20',
  "CTYPE1  = 'RA---TAN'",
  "CTYPE2  = 'DEC--TAN'",
  'EQUINOX = 2000.0',
  'CRVAL1  = 83.8',
  'CRVAL2  = -5.4',
  'CRPIX1  = 10.5',
  'CRPIX2  = 10.5',
  'CDELT1  = -0.001',
  'CDELT2  = 0.001',
  'END',
].join('\n');

/** A work folder with images.tbl listing `p_a.fits` (absent), a template, and an empty `projected/`. */
function setup(): { dir: string; table: string; hdr: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-add-cli-'));
  const table = join(dir, 'images.tbl');
  writeFileSync(table, '|cntr|fname       |\n|int |char        |\n 0    p_a.fits     \n');
  const hdr = join(dir, 'm.hdr');
  writeFileSync(hdr, HEADER);
  mkdirSync(join(dir, 'projected'));
  return { dir, table, hdr, out: join(dir, 'm.fits') };
}

describe('mosaic add: an image of the table not found', () => {
  it('hints that the names are read relative to -p DIR, here the default "."', async () => {
    const { table, hdr, out } = setup();
    const r = await runCli('add', [table, hdr, out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`E_FILE_NOT_FOUND: p_a.fits: not found (file names in ${table} are read relative to -p DIR, here '.')`);
    expect(existsSync(out)).toBe(false);
  });

  it('names the -p folder that was given, and keeps the error code with --json', async () => {
    const { dir, table, hdr, out } = setup();
    const projected = join(dir, 'projected');
    const r = await runCli('add', ['-p', projected, table, hdr, out, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { stat: string; code: string; file: string; message: string };
    expect(j).toMatchObject({ stat: 'ERROR', code: 'E_FILE_NOT_FOUND', file: join(projected, 'p_a.fits') });
    expect(j.message).toBe(`not found (file names in ${table} are read relative to -p DIR, here '${projected}')`);
  });
});

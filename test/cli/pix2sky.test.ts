/**
 * `mosaic pix2sky` / `mosaic sky2pix` reading a catalogue: columns after the coordinate pair
 * are carried through unchanged (the conversion itself is tested in test/wcs/cli.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { SMALL_TAN_TEMPLATE } from '../helpers/templates.js';

const template = join(mkdtempSync(join(tmpdir(), 'mosaic-pix2sky-')), 'm.hdr');
writeFileSync(template, SMALL_TAN_TEMPLATE);

const lines = (text: string) => text.trimEnd().split('\n');

describe('mosaic pix2sky / sky2pix with extra columns', () => {
  it('appends the columns after the pair unchanged, line by line', async () => {
    const input = '50.5 50.5 star-1  12.3\n# header comment\n1 1\n100,100,far corner,  "NGC 1976"\n';
    const r = await runCli('pix2sky', [template], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    const [lon, lat, ...rest] = out[0].split(' ');
    expect(Number(lon)).toBeCloseTo(83.8, 10);
    expect(Number(lat)).toBeCloseTo(-5.4, 10);
    expect(rest.join(' ')).toBe('star-1  12.3');
    expect(out[1]).toMatch(/^\S+ \S+$/); // two columns in, two out
    expect(out[2]).toMatch(/^\S+ \S+ far corner,  "NGC 1976"$/);
  });

  it('round-trips a catalogue through sky2pix and back, extra columns intact', async () => {
    const input = '10.25 20.75 a 1\n99 3 b 2\n';
    const sky = await runCli('pix2sky', [template], input);
    const pix = await runCli('sky2pix', [template], sky.stdout);
    expect(pix.code).toBe(0);
    const back = lines(pix.stdout).map((l) => l.split(' '));
    lines(input).forEach((l, i) => {
      const [x, y, ...rest] = l.split(' ');
      expect(Number(back[i][0])).toBeCloseTo(Number(x), 8);
      expect(Number(back[i][1])).toBeCloseTo(Number(y), 8);
      expect(back[i].slice(2)).toEqual(rest);
    });
  });

  it('gives the extra columns with --json as "extra", aligned with the points', async () => {
    const r = await runCli('pix2sky', [template, '--json'], '50.5 50.5 star-1 12.3\n1 1\n');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { sky: (number | null)[][]; extra: string[] };
    expect(j.sky[0][0]).toBeCloseTo(83.8, 10);
    expect(j.sky[0][1]).toBeCloseTo(-5.4, 10);
    expect(j.sky).toHaveLength(2);
    expect(j.extra).toEqual(['star-1 12.3', '']);
    const s = await runCli('sky2pix', [template, '--json'], '83.8 -5.4 centre\n');
    const p = JSON.parse(s.stdout) as { pixels: number[][]; extra: string[] };
    expect(p.pixels[0][0]).toBeCloseTo(50.5, 8);
    expect(p.pixels[0][1]).toBeCloseTo(50.5, 8);
    expect(p.extra).toEqual(['centre']);
  });

  it('still names the line of a malformed pair', async () => {
    const r = await runCli('sky2pix', [template], '83.8 -5.4 ok\n83.8 x star\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_ARGUMENT: line 2: expected two numbers "lon lat" but received "83.8 x star"');
  });
});

/**
 * End-to-end bad-input behaviour of the compiled CLI (`node bin/mosaic.js`, spawned with a
 * timeout): every bad input gets `[struct stat="ERROR", msg="E_…: FILE: …"]` on stdout and a
 * non-zero exit, with no stack trace, no hang, no output file and no leftover temporary file;
 * in a batch, one corrupt image is reported and counted while the others go through.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoDir } from '../helpers/shared.js';
import { makeBadInputs, type BadInputs } from './bad-input-fixtures.js';

const BIN = join(repoDir, 'bin', 'mosaic.js');
const DIST = join(repoDir, 'dist', 'cli', 'main.js');
/** Per-command wall-clock limit: these inputs are tiny, so anything slower is a hang. */
const TIMEOUT_MS = 30_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** `node bin/mosaic.js ...args` in `cwd`, killed after TIMEOUT_MS. */
function mosaic(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOSAIC_DEBUG: '', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, timedOut });
    });
  });
}

/** Every hidden temporary file (`.name.PID.HEX.tmp`) under `dir`, relative to it. */
function leftoverTemporaries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^\..+\.tmp$/.test(e.name)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$|node:internal|^\w*Error: /m;

/** The checks every failing command must pass. */
function expectCleanFailure(
  r: Run,
  expected: { code: string; file: string; outputs?: string[]; root: string; exit?: number },
): void {
  expect(r.timedOut, 'finished within its timeout').toBe(false);
  expect(r.code, `exit code (stdout: ${r.stdout}, stderr: ${r.stderr})`).toBe(expected.exit ?? 1);
  const status = r.stdout.split('\n').find((l) => l.startsWith('[struct stat="ERROR"'));
  expect(status, `status line in ${JSON.stringify(r.stdout)}`).toBeDefined();
  expect(status).toMatch(new RegExp(`msg="${expected.code}: `));
  expect(status, 'names the file').toContain(expected.file);
  expect(r.stderr).toContain(`${expected.code}: `);
  expect(r.stderr, 'no stack trace').not.toMatch(STACK);
  for (const o of expected.outputs ?? []) expect(existsSync(o), `no output ${o}`).toBe(false);
  expect(leftoverTemporaries(expected.root), 'no leftover temporary files').toEqual([]);
}

/** `key=value` of a status line, as a number. */
function statusField(stdout: string, key: string): number {
  const m = new RegExp(`[ ,]${key}=(-?[\\d.]+)`).exec(stdout);
  return m ? Number(m[1]) : NaN;
}

const haveDist = existsSync(DIST);
const EMPTY_ROWS = join('inputs', 'empty-rows.tbl');
const describeCli = haveDist
  ? describe
  : (name: string, fn: () => void) => describe.skip(`${name} (skipped: dist/ is missing; run npm run build)`, fn);

describeCli('CLI bad-input behaviour (end to end)', () => {
  // Made while collecting, as the case table below needs the paths (small, under the OS temp dir).
  const b: BadInputs = makeBadInputs();
  const root = b.root;
  /** Outputs of a good run of the stages, as inputs for the later stages. */
  const ok = {
    images: 'images.tbl',
    region: 'region.hdr',
    proj: 'proj',
    pimages: 'pimages.tbl',
    diffs: 'diffs.tbl',
    diffdir: 'diffdir',
    fits: 'fits.tbl',
    corrections: 'corrections.tbl',
    mosaic: 'mosaic.fits',
  };
  const out = (name: string) => join(root, 'out', name);
  const run = (...args: string[]) => mosaic(root, args);

  beforeAll(async () => {
    mkdirSync(join(root, 'out'));
    const good = async (...args: string[]) => {
      const r = await run(...args);
      if (r.code !== 0) throw new Error(`setup step mosaic ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
    };
    await good('imgtbl', 'good', ok.images);
    await good('makehdr', ok.images, ok.region);
    await good('projexec', '-p', 'good', ok.images, ok.region, ok.proj, 'stats.tbl');
    await good('imgtbl', ok.proj, ok.pimages);
    await good('overlaps', ok.pimages, ok.diffs);
    await good('diffexec', '-p', ok.proj, ok.diffs, ok.region, ok.diffdir);
    await good('fitexec', ok.diffs, ok.fits, ok.diffdir);
    await good('bgmodel', ok.pimages, ok.fits, ok.corrections);
    await good('add', '-p', ok.proj, ok.pimages, ok.region, ok.mosaic);
    // An image table with its header lines and no rows.
    const header = readFileSync(join(root, ok.images), 'utf8').split('\n').filter((l) => /^[|\\]/.test(l));
    writeFileSync(join(root, EMPTY_ROWS), header.join('\n') + '\n');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  // One row per (command, bad input): arguments relative to the temp root, the expected code,
  // the file the message must name, and the outputs that must not appear.
  interface Case {
    name: string;
    args: (b: BadInputs) => string[];
    code: string;
    file: (b: BadInputs) => string;
    outputs?: string[];
  }
  /** Input-file breakages, each applied to every command that reads one FITS image. */
  const badImages: Array<{ label: string; path: (b: BadInputs) => string; code: string }> = [
    { label: 'a missing file', path: (x) => x.missing, code: 'E_FILE_NOT_FOUND' },
    { label: 'a directory', path: (x) => x.dirFits, code: 'E_FILE_READ' },
    { label: 'a text file named .fits', path: (x) => x.textFits, code: 'E_NOT_FITS' },
    { label: 'a truncated header', path: (x) => x.truncHeader, code: 'E_FITS_TRUNCATED' },
    { label: 'a truncated data unit', path: (x) => x.truncData, code: 'E_FITS_TRUNCATED' },
    { label: 'a corrupt gzip', path: (x) => x.corruptGz, code: 'E_GZIP_CORRUPT' },
  ];
  const wcsBreakages: Array<{ label: string; path: (b: BadInputs) => string; code: string }> = [
    { label: 'no WCS', path: (x) => x.noWcs, code: 'E_WCS_MISSING' },
    { label: 'an unknown projection RA---XYZ', path: (x) => x.unknownProjection, code: 'E_WCS_PROJECTION' },
    { label: 'a singular CD matrix', path: (x) => x.singularCd, code: 'E_WCS_SINGULAR' },
  ];

  const cases: Case[] = [];
  for (const bad of badImages) {
    cases.push(
      { name: `info: ${bad.label}`, args: (x) => ['info', bad.path(x)], code: bad.code, file: bad.path },
      { name: `convert: ${bad.label}`, args: (x) => ['convert', bad.path(x), out('convert.fits')], code: bad.code, file: bad.path, outputs: [out('convert.fits')] },
      { name: `view: ${bad.label}`, args: (x) => ['view', bad.path(x), '-o', out('view.png')], code: bad.code, file: bad.path, outputs: [out('view.png')] },
      { name: `histogram: ${bad.label}`, args: (x) => ['histogram', bad.path(x), '-o', out('h.hist')], code: bad.code, file: bad.path, outputs: [out('h.hist')] },
      { name: `pix2sky: ${bad.label}`, args: (x) => ['pix2sky', bad.path(x)], code: bad.code, file: bad.path },
      { name: `background: ${bad.label}`, args: (x) => ['background', bad.path(x), out('bg.fits'), '0', '0', '1'], code: bad.code, file: bad.path, outputs: [out('bg.fits'), out('bg_area.fits')] },
    );
  }
  for (const bad of [...badImages, ...wcsBreakages]) {
    cases.push({
      name: `project: ${bad.label}`,
      args: (x) => ['project', bad.path(x), out('p.fits'), ok.region],
      code: bad.code,
      file: bad.path,
      outputs: [out('p.fits'), out('p_area.fits')],
    });
  }
  for (const bad of wcsBreakages) {
    cases.push({ name: `sky2pix: ${bad.label}`, args: (x) => ['sky2pix', bad.path(x)], code: bad.code, file: bad.path });
  }

  // Header templates, for every command that takes one.
  const badTemplates: Array<{ label: string; path: (b: BadInputs) => string; code: string }> = [
    { label: 'a missing template', path: (x) => join(x.root, 'missing.hdr'), code: 'E_FILE_NOT_FOUND' },
    { label: 'an empty template', path: (x) => x.emptyHdr, code: 'E_TEMPLATE' },
    { label: 'a garbage template', path: (x) => x.garbageHdr, code: 'E_TEMPLATE' },
    { label: 'a template with an unknown projection', path: (x) => x.xyzHdr, code: 'E_WCS_PROJECTION' },
  ];
  for (const t of badTemplates) {
    cases.push(
      { name: `project: ${t.label}`, args: (x) => ['project', x.good[0], out('p.fits'), t.path(x)], code: t.code, file: t.path, outputs: [out('p.fits')] },
      { name: `projexec: ${t.label}`, args: (x) => ['projexec', '-p', 'good', ok.images, t.path(x), out('pdir'), out('s.tbl')], code: t.code, file: t.path, outputs: [out('s.tbl'), out('pdir')] },
      { name: `add: ${t.label}`, args: (x) => ['add', '-p', ok.proj, ok.pimages, t.path(x), out('a.fits')], code: t.code, file: t.path, outputs: [out('a.fits')] },
      { name: `diffexec: ${t.label}`, args: (x) => ['diffexec', '-p', ok.proj, ok.diffs, t.path(x), out('ddir')], code: t.code, file: t.path, outputs: [out('ddir')] },
      { name: `build --template: ${t.label}`, args: (x) => ['build', 'good', '--template', t.path(x), '-o', out('b.fits')], code: t.code, file: t.path, outputs: [out('b.fits')] },
      { name: `pix2sky: ${t.label}`, args: (x) => ['pix2sky', t.path(x)], code: t.code, file: t.path },
    );
  }

  // IPAC tables: missing columns, not a table at all, missing.
  const tableUsers: Array<{ cmd: string; args: (tbl: string) => string[]; outputs: string[] }> = [
    { cmd: 'makehdr', args: (t) => ['makehdr', t, out('m.hdr')], outputs: [out('m.hdr')] },
    { cmd: 'projexec', args: (t) => ['projexec', '-p', 'good', t, ok.region, out('pdir'), out('s.tbl')], outputs: [out('s.tbl'), out('pdir')] },
    { cmd: 'overlaps', args: (t) => ['overlaps', t, out('d.tbl')], outputs: [out('d.tbl')] },
    { cmd: 'diffexec', args: (t) => ['diffexec', '-p', ok.proj, t, ok.region, out('ddir')], outputs: [out('ddir')] },
    { cmd: 'fitexec', args: (t) => ['fitexec', t, out('f.tbl'), ok.diffdir], outputs: [out('f.tbl')] },
    { cmd: 'bgmodel (fits table)', args: (t) => ['bgmodel', ok.pimages, t, out('c.tbl')], outputs: [out('c.tbl')] },
    { cmd: 'bgexec', args: (t) => ['bgexec', '-p', ok.proj, t, ok.corrections, out('cdir')], outputs: [out('cdir')] },
    { cmd: 'bgexec (corrections)', args: (t) => ['bgexec', '-p', ok.proj, ok.pimages, t, out('cdir')], outputs: [out('cdir')] },
    { cmd: 'add', args: (t) => ['add', '-p', ok.proj, t, ok.region, out('a.fits')], outputs: [out('a.fits')] },
    { cmd: 'background -t', args: (t) => ['background', '-t', join(ok.proj, 'hdu0_g1.fits'), out('bg.fits'), t, ok.corrections], outputs: [out('bg.fits')] },
  ];
  const badTables: Array<{ label: string; path: (b: BadInputs) => string; code: string }> = [
    { label: 'a table with missing columns', path: (x) => x.badTable, code: 'E_TABLE_COLUMN' },
    { label: 'a garbage table', path: (x) => x.garbageTable, code: 'E_TABLE' },
    { label: 'a missing table', path: (x) => join(x.root, 'missing.tbl'), code: 'E_FILE_NOT_FOUND' },
  ];
  for (const u of tableUsers)
    for (const t of badTables)
      cases.push({ name: `${u.cmd}: ${t.label}`, args: (x) => u.args(t.path(x)), code: t.code, file: t.path, outputs: u.outputs });

  // Unwritable outputs: a folder that does not exist, a directory in the way.
  const writers: Array<{ cmd: string; args: (o: string) => string[] }> = [
    { cmd: 'convert', args: (o) => ['convert', b.good[0], o] },
    { cmd: 'imgtbl', args: (o) => ['imgtbl', 'good', o] },
    { cmd: 'makehdr', args: (o) => ['makehdr', ok.images, o] },
    { cmd: 'project', args: (o) => ['project', b.good[0], o, ok.region] },
    { cmd: 'projexec (stats table)', args: (o) => ['projexec', '-p', 'good', ok.images, ok.region, out('pdir-w'), o] },
    { cmd: 'overlaps', args: (o) => ['overlaps', ok.pimages, o] },
    { cmd: 'fitexec', args: (o) => ['fitexec', ok.diffs, o, ok.diffdir] },
    { cmd: 'bgmodel', args: (o) => ['bgmodel', ok.pimages, ok.fits, o] },
    { cmd: 'background', args: (o) => ['background', join(ok.proj, 'hdu0_g1.fits'), o, '0', '0', '1'] },
    { cmd: 'add', args: (o) => ['add', '-p', ok.proj, ok.pimages, ok.region, o] },
    { cmd: 'build', args: (o) => ['build', 'good', '-o', o] },
    { cmd: 'build --png', args: (o) => ['build', 'good', '-o', out('b-png.fits'), '--png', o] },
    { cmd: 'view', args: (o) => ['view', ok.mosaic, '-o', o] },
    { cmd: 'histogram', args: (o) => ['histogram', ok.mosaic, '-o', o] },
  ];
  for (const w of writers) {
    cases.push(
      { name: `${w.cmd}: output folder does not exist`, args: (x) => w.args(x.noParentOut), code: 'E_FILE_WRITE', file: (x) => x.noParentOut, outputs: [out('pdir-w'), out('b-png.fits')] },
      { name: `${w.cmd}: output is a directory`, args: (x) => w.args(x.dirOut), code: 'E_FILE_WRITE', file: (x) => x.dirOut, outputs: [out('pdir-w'), out('b-png.fits')] },
    );
  }
  // Output folders where a file is in the way.
  for (const [cmd, args] of [
    ['projexec', ['projexec', '-p', 'good', ok.images, ok.region, ok.diffs, out('s2.tbl')]],
    ['diffexec', ['diffexec', '-p', ok.proj, ok.diffs, ok.region, ok.diffs]],
    ['bgexec', ['bgexec', '-p', ok.proj, ok.pimages, ok.corrections, ok.diffs]],
  ] as Array<[string, string[]]>) {
    cases.push({ name: `${cmd}: output folder is a file`, args: () => args, code: 'E_FILE_WRITE', file: () => ok.diffs, outputs: [out('s2.tbl')] });
  }
  // Empty input folders.
  cases.push(
    { name: 'imgtbl: empty directory', args: (x) => ['imgtbl', x.emptyDir, out('e.tbl')], code: 'E_EMPTY_DIR', file: (x) => x.emptyDir, outputs: [out('e.tbl')] },
    { name: 'build: empty directory', args: (x) => ['build', x.emptyDir, '-o', out('e.fits')], code: 'E_EMPTY_DIR', file: (x) => x.emptyDir, outputs: [out('e.fits')] },
    { name: 'imgtbl: missing directory', args: (x) => ['imgtbl', join(x.root, 'nodir'), out('e.tbl')], code: 'E_FILE_NOT_FOUND', file: (x) => join(x.root, 'nodir'), outputs: [out('e.tbl')] },
    { name: 'makehdr: a table with no rows', args: () => ['makehdr', EMPTY_ROWS, out('m.hdr')], code: 'E_NO_INPUT', file: () => EMPTY_ROWS, outputs: [out('m.hdr')] },
    { name: 'add: a table with no rows', args: () => ['add', EMPTY_ROWS, ok.region, out('a.fits')], code: 'E_NO_INPUT', file: () => EMPTY_ROWS, outputs: [out('a.fits')] },
  );

  // Concurrent (vitest's maxConcurrency, 5 by default): every case fails before writing anything,
  // so they cannot disturb each other's checks.
  it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await run(...c.args(b));
    expectCleanFailure(r, { code: c.code, file: c.file(b), outputs: c.outputs, root });
  });

  it('refuses to replace a FIFO (or device) given as the output, instead of renaming over it', async (ctx) => {
    const fifo = join(root, 'out', 'fifo.fits');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return ctx.skip('mkfifo is not available');
    for (const args of [
      ['convert', b.good[0], fifo],
      ['imgtbl', 'good', fifo],
      ['project', b.good[0], fifo, ok.region],
    ]) {
      const r = await run(...args);
      expectCleanFailure(r, { code: 'E_FILE_WRITE', file: fifo, root });
      expect(r.stdout).toContain('not a regular file');
    }
    const st = spawnSync('test', ['-p', fifo]);
    expect(st.status, 'the FIFO is still a FIFO').toBe(0);
    rmSync(fifo);
  });

  it('reports a read-only output folder (non-root only: root ignores permissions)', async (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip('running as root, which bypasses chmod 555');
    const ro = join(root, 'out', 'readonly');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      const r = await run('convert', b.good[0], join(ro, 'x.fits'));
      expectCleanFailure(r, { code: 'E_FILE_WRITE', file: join(ro, 'x.fits'), outputs: [join(ro, 'x.fits')], root });
    } finally {
      chmodSync(ro, 0o755);
    }
  });

  describe('disk full (a 200 KiB tmpfs)', () => {
    let mnt: string | undefined;
    let whyNot = '';
    beforeAll(() => {
      const dir = mkdtempSync(join(tmpdir(), 'mosaic-full-'));
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', dir], { encoding: 'utf8' });
      if (m.status === 0) mnt = dir;
      else {
        whyNot = `mount -t tmpfs is not permitted here (${(m.stderr || String(m.error)).trim()})`;
        rmSync(dir, { recursive: true, force: true });
      }
    });
    afterAll(() => {
      if (!mnt) return;
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    });
    /** Fill the tmpfs until `free` bytes are left (roughly: tmpfs counts whole pages). */
    const fillTo = (free: number) => {
      rmSync(join(mnt!, 'filler'), { force: true });
      writeFileSync(join(mnt!, 'filler'), Buffer.alloc(200 * 1024 - free));
    };
    const fsFiles = () => readdirSync(mnt!).filter((n) => n !== 'filler');

    it('convert of an image larger than the free space: E_DISK_FULL, nothing left behind', async (ctx) => {
      if (!mnt) return ctx.skip(whyNot);
      fillTo(8 * 1024);
      const r = await run('convert', b.good[0], join(mnt, 'c.fits'));
      expectCleanFailure(r, { code: 'E_DISK_FULL', file: join(mnt, 'c.fits'), root });
      expect(fsFiles()).toEqual([]);
    });

    it('build whose area image does not fit: E_DISK_FULL and no mosaic without its area', async (ctx) => {
      if (!mnt) return ctx.skip(whyNot);
      fillTo(64 * 1024); // the 70×70 float64 mosaic (43 200 bytes) fits, its area image does not
      const r = await run('build', 'good', '-o', join(mnt, 'b.fits'), '-q');
      expectCleanFailure(r, { code: 'E_DISK_FULL', file: join(mnt, 'b_area.fits'), root });
      expect(fsFiles()).toEqual([]);
    });

    it('project and add whose area image does not fit: no value image left alone', async (ctx) => {
      if (!mnt) return ctx.skip(whyNot);
      fillTo(32 * 1024); // p.fits (23 040 bytes) fits, p_area.fits does not
      const p = await run('project', b.good[0], join(mnt, 'p.fits'), ok.region);
      expect(p.code).toBe(1);
      expect(p.stdout).toMatch(/E_DISK_FULL: .*p(_area)?\.fits/);
      expect(fsFiles()).toEqual([]);
      fillTo(64 * 1024); // a.fits (43 200 bytes) fits, a_area.fits does not
      const a = await run('add', '-p', ok.proj, ok.pimages, ok.region, join(mnt, 'a.fits'));
      expect(a.code).toBe(1);
      expect(a.stdout).toMatch(/E_DISK_FULL: .*a(_area)?\.fits/);
      expect(fsFiles()).toEqual([]);
      expect(leftoverTemporaries(root)).toEqual([]);
    });
  });

  describe('a batch with one corrupt image of three', () => {
    it('imgtbl lists the two good images and counts the bad one in badfits', async () => {
      const r = await run('imgtbl', b.mixedDir, out('mixed.tbl'));
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(0);
      expect(statusField(r.stdout, 'count')).toBe(2);
      expect(statusField(r.stdout, 'badfits')).toBe(1);
      expect(r.stderr).toMatch(/g3\.fits.*E_FITS_TRUNCATED: .*g3\.fits: data unit ends at byte \d+ of \d+/);
      expect(r.stderr).not.toMatch(STACK);
      const rows = readFileSync(out('mixed.tbl'), 'utf8').split('\n').filter((l) => /^\s+\d/.test(l));
      expect(rows.map((l) => /g\d\.fits/.exec(l)?.[0])).toEqual(['g1.fits', 'g2.fits']);
    });

    it('imgtbl counts images without a usable WCS in badwcs, each reason with its code', async () => {
      const r = await run('imgtbl', join(root, 'inputs'), out('inputs.tbl'));
      expect(r.code).toBe(0);
      expect(statusField(r.stdout, 'badwcs')).toBe(3);
      expect(r.stderr).toMatch(/nowcs\.fits hdu 0: E_WCS_MISSING: /);
      expect(r.stderr).toMatch(/xyz\.fits hdu 0: E_WCS_PROJECTION: .*XYZ/);
      expect(r.stderr).toMatch(/singular\.fits hdu 0: E_WCS_SINGULAR: /);
      expect(r.stderr).not.toMatch(STACK);
    });

    it('projexec projects the good images, and records and counts the failure', async () => {
      const names = ['g1.fits', 'g2.fits', 'g3.fits'];
      const tbl = readFileSync(join(root, ok.images), 'utf8');
      expect(names.every((n) => tbl.includes(n))).toBe(true);
      const r = await run('projexec', '-p', b.mixedDir, ok.images, ok.region, out('pmixed'), out('pmixed.tbl'));
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(0);
      expect(statusField(r.stdout, 'count')).toBe(3);
      expect(statusField(r.stdout, 'failed')).toBe(1);
      expect(r.stderr).toMatch(/E_FITS_TRUNCATED: .*g3\.fits/);
      expect(r.stderr).not.toMatch(STACK);
      expect(readdirSync(out('pmixed')).sort()).toEqual(['hdu0_g1.fits', 'hdu0_g1_area.fits', 'hdu0_g2.fits', 'hdu0_g2_area.fits']);
      const stats = readFileSync(out('pmixed.tbl'), 'utf8');
      expect(stats).toMatch(/g3\.fits\s+.*data unit ends/);
      expect(leftoverTemporaries(root)).toEqual([]);
    });

    it('build makes the mosaic from the good images and counts the skipped one', async () => {
      const r = await run('build', b.mixedDir, '-o', out('bmixed.fits'));
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(0);
      expect(statusField(r.stdout, 'skipped')).toBe(1);
      expect(statusField(r.stdout, 'used')).toBe(2);
      expect(r.stderr).toMatch(/E_FITS_TRUNCATED: .*g3\.fits/);
      expect(r.stderr).not.toMatch(STACK);
      expect(existsSync(out('bmixed.fits'))).toBe(true);
      expect(existsSync(out('bmixed_area.fits'))).toBe(true);
    });

    it('diffexec and bgexec go on past a corrupt projected image and count it', async () => {
      const pbad = join(root, 'pbad');
      mkdirSync(pbad);
      for (const n of readdirSync(join(root, ok.proj))) writeFileSync(join(pbad, n), readFileSync(join(root, ok.proj, n)));
      writeFileSync(join(pbad, 'hdu0_g2.fits'), readFileSync(b.truncData));
      const d = await run('diffexec', '-p', pbad, ok.diffs, ok.region, out('dbad'));
      expect(d.code).toBe(0);
      expect(statusField(d.stdout, 'count')).toBe(3);
      expect(statusField(d.stdout, 'failed')).toBe(2); // both pairs with image 1
      expect(d.stderr).toMatch(/E_FITS_TRUNCATED: .*hdu0_g2\.fits/);
      const e = await run('bgexec', '-p', pbad, ok.pimages, ok.corrections, out('cbad'));
      expect(e.code).toBe(0);
      expect(statusField(e.stdout, 'failed')).toBe(1);
      expect(readdirSync(out('cbad')).sort()).toEqual(['hdu0_g1.fits', 'hdu0_g1_area.fits', 'hdu0_g3.fits', 'hdu0_g3_area.fits']);
      expect(leftoverTemporaries(root)).toEqual([]);
    });
  });
});

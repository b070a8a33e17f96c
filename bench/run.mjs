// Benchmark: mosaic against Montage (Debian montage 6) on a simulated 2MASS-like survey.
//
//   npm run bench -- [--size small|m17] [--skip-montage] [--threads N] [--keep] [--no-build] [--work DIR] [--sim DIR]
//
// --sim DIR reuses a set written earlier by `mosaic simulate` (its frames in DIR/raw) instead of simulating.
//
// Steps (each under GNU time: wall, CPU = user + sys, peak RSS of the largest process):
//  1. `mosaic simulate --size SIZE` writes the raw frames;
//  2. Montage's fast chain: mImgtbl, mMakeHdr, mProjExec (mProjectPP for these TAN frames), mAdd;
//  3. Montage's exact path: mProject on the first EXACT_SAMPLE frames, extrapolated linearly to all;
//  4. Montage's full background chain: the fast chain's projections, then mImgtbl, mOverlaps,
//     mDiffExec, mFitExec, mBgModel, mBgExec, mAdd;
//  5. `mosaic build --no-bg` and `mosaic build` on the same frames with mMakeHdr's template, twice
//     each: once after Montage's fast chain, once after its full chain (the ratios use the mean);
//  6. accuracy: median relative difference of our mosaics against Montage's, pixel by pixel.
// Each chain (and each of our runs) starts after `sync`, so none pays for the previous one's
// write-back; the steps within a chain run back to back, as a user would run them.
// Results go to bench/results/<date>-<size>.json and a markdown table on stdout.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { combine, hasGnuTime, measure } from './measure.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MOSAIC = join(ROOT, 'bin', 'mosaic.js');
const EXACT_SAMPLE = 3;

function parseArgs(argv) {
  const o = { size: 'small', skipMontage: false, threads: undefined, keep: false, build: true, work: undefined, sim: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') o.size = argv[++i];
    else if (a === '--skip-montage') o.skipMontage = true;
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else if (a === '--no-build') o.build = false;
    else if (a === '--work') o.work = resolve(argv[++i]);
    else if (a === '--sim') o.sim = resolve(argv[++i]);
    else throw new Error(`unknown option ${a} (expected --size small|m17, --skip-montage, --threads N, --keep, --no-build, --work DIR, --sim DIR)`);
  }
  if (!['small', 'standard', 'm17'].includes(o.size)) throw new Error(`Expected small|standard|m17 for --size but received ${o.size}`);
  return o;
}

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/**
 * Flush every dirty page to disk before a chain starts, outside the timing: without it a
 * chain pays for the write-back of the one before (Montage's chains leave GBs in the page
 * cache). Steps inside a chain are not separated: their write-back is part of the chain.
 */
function settle() {
  spawnSync('sync');
}

/** Run a measured step; throw with its stderr when it fails. */
function step(name, argv, opts = {}) {
  log(`${name}: ${argv.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`);
  const r = measure(argv, opts);
  // opts.okStatusLine: a step that printed its OK status line before a crash at exit counts (reported).
  const crashedAfterOk = opts.okStatusLine && r.status !== 0 && /stat="OK"/.test(r.stdout);
  if (crashedAfterOk) log(`  WARNING: ${name} exited with status ${r.status} after reporting OK; its output is used`);
  if ((r.status !== 0 && !crashedAfterOk) || /stat="ERROR"/.test(r.stdout)) {
    throw new Error(`${name} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
  log(`  ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.rssMiB.toFixed(0)} MiB`);
  return { name, wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB, stdout: r.stdout, ...(crashedAfterOk ? { exitStatus: r.status } : {}) };
}

function version(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    return 'absent';
  }
}

function machineInfo() {
  const doctor = JSON.parse(execFileSync('node', [MOSAIC, 'doctor', '--json'], { encoding: 'utf8' }));
  const montage = spawnSync('mAdd', [], { encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    rustc: version('rustc', ['--version']),
    backend: doctor.backend,
    montage: montage.error ? 'absent' : 'Debian montage 6 (mAdd present)',
  };
}

/**
 * Pixel-wise comparison of two mosaics on the same template (aligned by CRPIX: mAdd trims
 * blank edges), over pixels finite in both: the median and 99th percentile of
 * |ours − theirs| / |theirs|, and — for background-matched mosaics, whose level is only
 * defined up to a constant and whose pixels can be near 0 — the median offset, the median
 * |ours − theirs − offset| relative to the median |theirs|, and the 95th percentile over
 * 64×64 blocks (of their grid, blocks at least half covered) of |median(ours − theirs) − offset|,
 * in DN: issue #5's measure of large-scale background agreement.
 */
async function compareMosaics(oursPath, theirsPath) {
  const { readImage } = await import(pathToFileURL(join(ROOT, 'dist', 'fits', 'read.js')).href);
  const a = await readImage(oursPath);
  const b = await readImage(theirsPath);
  const [aw, ah] = a.shape;
  const [bw, bh] = b.shape;
  const dx = Math.round(a.header.number('CRPIX1') - b.header.number('CRPIX1'));
  const dy = Math.round(a.header.number('CRPIX2') - b.header.number('CRPIX2'));
  const rel = [];
  const diff = [];
  const mag = [];
  const BLOCK = 64;
  const nbx = Math.ceil(bw / BLOCK);
  const blocks = new Map();
  for (let y = 0; y < bh; y++) {
    const ya = y + dy;
    if (ya < 0 || ya >= ah) continue;
    for (let x = 0; x < bw; x++) {
      const xa = x + dx;
      if (xa < 0 || xa >= aw) continue;
      const u = a.data[xa + aw * ya];
      const v = b.data[x + bw * y];
      if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
      diff.push(u - v);
      mag.push(Math.abs(v));
      const key = Math.floor(x / BLOCK) + nbx * Math.floor(y / BLOCK);
      if (!blocks.has(key)) blocks.set(key, []);
      blocks.get(key).push(u - v);
      if (v !== 0) rel.push(Math.abs(u - v) / Math.abs(v));
    }
  }
  if (diff.length === 0) return { pixels: 0 };
  const sorted = (xs) => Float64Array.from(xs).sort();
  const r = sorted(rel);
  const d = sorted(diff);
  const offset = d[d.length >> 1];
  const resid = sorted(diff.map((x) => Math.abs(x - offset)));
  const m = sorted(mag);
  const blockDev = [];
  for (const vals of blocks.values()) {
    if (vals.length < (BLOCK * BLOCK) / 2) continue;
    const s = sorted(vals);
    blockDev.push(Math.abs(s[s.length >> 1] - offset));
  }
  const bd = sorted(blockDev);
  return {
    blockMedianP95: bd.length ? bd[Math.floor(0.95 * (bd.length - 1))] : NaN,
    pixels: diff.length,
    medianRel: r[r.length >> 1],
    p99Rel: r[Math.floor(r.length * 0.99)],
    medianOffset: offset,
    medianResidualRel: resid[resid.length >> 1] / m[m.length >> 1],
  };
}

function fitsFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /\.fits?$/i.test(f))
    .sort();
}

function fmt(x, d = 2) {
  return Number.isFinite(x) ? x.toFixed(d) : '–';
}

function table(rows) {
  const lines = ['| step | wall s | CPU s | peak RSS MiB |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.rssMiB, 0)} |`);
  return lines.join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!hasGnuTime) throw new Error('GNU time (/usr/bin/time) is required: apt-get install time');
  if (o.build) {
    log('npm run build (bin/mosaic.js runs the compiled dist/)');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const machine = machineInfo();
  const work = o.work ?? join(tmpdir(), `mosaic-bench-${o.size}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const raw = join(o.sim ?? join(work, 'sim'), 'raw');
  const result = { date: new Date().toISOString(), size: o.size, machine, work, steps: {} };
  const threads = o.threads ? ['--threads', String(o.threads)] : [];

  if (!o.sim) {
    result.steps.simulate = step('mosaic simulate', ['node', MOSAIC, 'simulate', '--size', o.size, '--no-truth-image', join(work, 'sim')], { okStatusLine: true });
  }
  const frames = fitsFiles(raw);
  result.frames = frames.length;

  // Montage: fast chain (mProjExec picks mProjectPP for TAN-like frames).
  const mf = join(work, 'montage');
  mkdirSync(join(mf, 'proj'), { recursive: true });
  let template = join(work, 'template.hdr');
  const montage = {};
  // Ours, on the same frames and template, twice each: the two rounds run between Montage's
  // steps (this VM's speed drifts over minutes), and the ratios use the mean of the two.
  const ourArgs = (extra, out) => ['node', MOSAIC, 'build', ...extra, '-q', ...threads, '--template', template, '-o', join(work, out), raw];
  const runs = { noBg: [], full: [] };
  // Each run writes new files, as Montage's steps do: the previous run's outputs are removed
  // first, outside the timing (replacing them would add freeing 0.6 GB of blocks to the run).
  const fresh = (out) => {
    for (const f of [out, out.replace(/\.fits$/, '_area.fits')]) rmSync(join(work, f), { force: true });
    settle();
  };
  const ourRound = () => {
    const k = runs.noBg.length + 1;
    fresh('ours-nobg.fits');
    runs.noBg.push(step(`mosaic build --no-bg (run ${k})`, ourArgs(['--no-bg'], 'ours-nobg.fits')));
    fresh('ours-bg.fits');
    runs.full.push(step(`mosaic build (run ${k})`, ourArgs([], 'ours-bg.fits')));
  };
  if (!o.skipMontage) {
    settle();
    montage.imgtbl = step('mImgtbl', ['mImgtbl', raw, join(mf, 'images.tbl')]);
    montage.makehdr = step('mMakeHdr', ['mMakeHdr', join(mf, 'images.tbl'), template]);
    montage.projexec = step('mProjExec (mProjectPP)', ['mProjExec', '-p', raw, join(mf, 'images.tbl'), template, join(mf, 'proj'), join(mf, 'stats.tbl')]);
    // Run inside proj/ so the table's file names are relative: given an absolute folder, mImgtbl
    // writes absolute names, and mAdd -p corr/ would then silently read proj/ instead.
    montage.pimgtbl = step('mImgtbl (projected)', ['mImgtbl', '.', '../pimages.tbl'], { cwd: join(mf, 'proj') });
    montage.addFast = step('mAdd', ['mAdd', '-p', join(mf, 'proj'), join(mf, 'pimages.tbl'), template, join(mf, 'mosaic-nobg.fits')]);
    ourRound();
    // Exact path: mProject on a sample, extrapolated.
    mkdirSync(join(mf, 'exact'), { recursive: true });
    settle();
    const sample = frames.slice(0, EXACT_SAMPLE).map((f) =>
      step(`mProject ${f}`, ['mProject', join(raw, f), join(mf, 'exact', f), template]),
    );
    const per = combine(sample);
    const k = frames.length / sample.length;
    montage.projectExact = { name: `mProject × ${frames.length} (extrapolated from ${sample.length})`, wall: per.wall * k, cpu: per.cpu * k, rssMiB: per.rssMiB };
    // Full background chain on the fast chain's projections.
    for (const d of ['diff', 'corr']) mkdirSync(join(mf, d), { recursive: true });
    settle();
    montage.overlaps = step('mOverlaps', ['mOverlaps', join(mf, 'pimages.tbl'), join(mf, 'diffs.tbl')]);
    montage.diffexec = step('mDiffExec', ['mDiffExec', '-p', join(mf, 'proj'), join(mf, 'diffs.tbl'), template, join(mf, 'diff')]);
    montage.fitexec = step('mFitExec', ['mFitExec', join(mf, 'diffs.tbl'), join(mf, 'fits.tbl'), join(mf, 'diff')]);
    montage.bgmodel = step('mBgModel', ['mBgModel', join(mf, 'pimages.tbl'), join(mf, 'fits.tbl'), join(mf, 'corrections.tbl')]);
    montage.bgexec = step('mBgExec', ['mBgExec', '-p', join(mf, 'proj'), join(mf, 'pimages.tbl'), join(mf, 'corrections.tbl'), join(mf, 'corr')]);
    montage.addFull = step('mAdd (corrected)', ['mAdd', '-p', join(mf, 'corr'), join(mf, 'pimages.tbl'), template, join(mf, 'mosaic-bg.fits')]);
    ourRound();
  } else {
    // Without Montage, our own makehdr writes the template both builds share.
    step('mosaic imgtbl', ['node', MOSAIC, 'imgtbl', '-q', '-o', join(work, 'images.tbl'), raw]);
    step('mosaic makehdr', ['node', MOSAIC, 'makehdr', '-q', join(work, 'images.tbl'), template]);
    ourRound();
    ourRound();
  }
  result.montage = montage;

  const ours = {};
  const mean = (name, rs) => ({ name, wall: (rs[0].wall + rs[1].wall) / 2, cpu: (rs[0].cpu + rs[1].cpu) / 2, rssMiB: Math.max(rs[0].rssMiB, rs[1].rssMiB), runs: rs.map(({ wall, cpu, rssMiB }) => ({ wall, cpu, rssMiB })) });
  ours.noBg = mean('mosaic build --no-bg (mean of 2)', runs.noBg);
  ours.full = mean('mosaic build (mean of 2)', runs.full);
  result.ours = ours;

  const chains = {};
  if (!o.skipMontage) {
    const fast = combine([montage.imgtbl, montage.makehdr, montage.projexec, montage.pimgtbl, montage.addFast]);
    const exact = combine([montage.imgtbl, montage.makehdr, montage.projectExact, montage.pimgtbl, montage.addFast]);
    const full = combine([montage.imgtbl, montage.makehdr, montage.projexec, montage.pimgtbl, montage.overlaps, montage.diffexec, montage.fitexec, montage.bgmodel, montage.bgexec, montage.addFull]);
    chains.fast = { ...fast, name: 'Montage fast chain (mImgtbl, mMakeHdr, mProjExec/mProjectPP, mAdd)' };
    chains.exact = { ...exact, name: 'Montage exact chain (mProject, extrapolated)' };
    chains.full = { ...full, name: 'Montage full chain (… mOverlaps, mDiffExec, mFitExec, mBgModel, mBgExec, mAdd)' };
    result.ratios = {
      noBgVsFastWall: fast.wall / ours.noBg.wall,
      noBgVsFastCpu: fast.cpu / ours.noBg.cpu,
      noBgVsExactWall: exact.wall / ours.noBg.wall,
      fullVsFullWall: full.wall / ours.full.wall,
      fullVsFullCpu: full.cpu / ours.full.cpu,
      oursPeakRssMiB: Math.max(ours.noBg.rssMiB, ours.full.rssMiB),
      montageLargestStageRssMiB: full.rssMiB,
    };
    result.accuracy = {
      noBgVsMontageFast: await compareMosaics(join(work, 'ours-nobg.fits'), join(mf, 'mosaic-nobg.fits')),
      bgVsMontageFull: await compareMosaics(join(work, 'ours-bg.fits'), join(mf, 'mosaic-bg.fits')),
    };
  }
  result.chains = chains;

  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${result.date.slice(0, 10)}-${o.size}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

  const m = machine;
  const md = [];
  md.push(`### mosaic vs Montage — ${o.size} (${frames.length} frames), ${result.date.slice(0, 10)}`);
  md.push('');
  md.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB; node ${m.node}; ${m.rustc}; backend ${m.backend}; ${m.montage}.`);
  md.push('');
  md.push(table([...Object.values(result.steps), ...Object.values(montage), ...Object.values(chains), ...runs.noBg, ...runs.full, ours.noBg, ours.full]));
  if (result.ratios) {
    const r = result.ratios;
    md.push('');
    md.push(`- build --no-bg vs Montage fast chain: **${fmt(r.noBgVsFastWall, 1)}×** wall, ${fmt(r.noBgVsFastCpu, 1)}× CPU (vs the exact mProject chain: ${fmt(r.noBgVsExactWall, 1)}× wall)`);
    md.push(`- full build vs Montage full chain: **${fmt(r.fullVsFullWall, 1)}×** wall, ${fmt(r.fullVsFullCpu, 1)}× CPU`);
    md.push(`- peak RSS: ours ${fmt(r.oursPeakRssMiB, 0)} MiB, Montage's largest stage ${fmt(r.montageLargestStageRssMiB, 0)} MiB`);
    const a = result.accuracy;
    const e = (x) => (Number.isFinite(x) ? x.toExponential(2) : '–');
    md.push(`- accuracy, no background matching: median |ours − Montage| / |Montage| = ${e(a.noBgVsMontageFast.medianRel)} (p99 ${e(a.noBgVsMontageFast.p99Rel)}) over ${a.noBgVsMontageFast.pixels} pixels`);
    md.push(`- accuracy, background matched: median offset ours − Montage = ${fmt(a.bgVsMontageFull.medianOffset, 3)} DN (the level is defined up to a constant); 64×64 block medians after the offset within ${fmt(a.bgVsMontageFull.blockMedianP95, 3)} DN at the 95th percentile`);
  }
  md.push('');
  md.push(`Results: ${file}`);
  process.stdout.write(md.join('\n') + '\n');
  if (!o.keep) rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});

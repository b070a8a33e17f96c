/**
 * Global background model: one correction plane per image from the planes fitted to the
 * pairwise difference images, solved all at once.
 *
 * Montage's mBgModel (Caltech-IPAC/Montage `MontageLib/BgModel/montageBgModel.c`, v6.0)
 * relaxes the corrections by Jacobi sweeps: every image in turn solves for the plane that
 * best matches all its neighbours' fitted difference planes integrated over the overlaps
 * (as they stand at the start of the sweep), takes half of it, and then all fits are
 * updated; 2500 level-only sweeps come first, then 7500 sweeps of full planes. That
 * iteration converges towards the least-squares problem that is solved here directly:
 *
 *   minimise  Σ_pairs w_k Σ_{pixels of overlap k} [ (P_plus − P_minus)(x, y) − F_k(x, y) ]²
 *
 * over the planes P_i(x, y) = a_i·x + b_i·y + c_i, where F_k is the plane fitted to
 * plus − minus. The inner sum only needs the pixel moments of the overlap (n, Σx, Σy, Σx²,
 * Σxy, Σy²), so setting up is O(images + pairs). Weights: by default w_k = 1, Montage's
 * choice (every overlap pixel counts once, so a sliver has little weight); optionally the
 * inverse variance 1 / (rms_k² + floor²).
 *
 * Gauge: adding one plane to every image of a connected group changes no difference, and
 * the data say nothing about it; but it tilts the whole mosaic, so it is fixed exactly
 * where Montage's relaxation leaves it. With D_i the moment matrix of all of image i's
 * overlaps, each level sweep conserves Σ_i n_i·c_i (= 0, the start) and each plane sweep
 * conserves Σ_i D_i·P_i (its steps are D_i⁻¹ times residuals that sum to zero over the
 * images). So Montage ends at the level-only solution L with Σ n_i·c_i = 0, then at the
 * plane solution P with Σ_i D_i·P_i = Σ_i D_i·L_i, per connected group. The same two
 * solves are done here, which makes the result independent of image order and of the pixel
 * origin (Σ_i D_i·P_i pairs every global plane with P through integrals over the overlaps).
 * Undamped, on the 2MASS sets this reproduces Montage's corrections.tbl to 0.02 DN over every
 * image (damped, the default, to 0.04 DN; see below).
 * Images with no usable pair get a zero correction.
 *
 * Damping (default on, `sweeps`). Montage's 7500 plane sweeps do not converge every mode: in a
 * wide mosaic with narrow side overlaps, the per-column slopes are fixed only by the noisy
 * cross-strip slopes of those strips, and the sweeps leave that weak mode near its start (the
 * levels solution). On simulated surveys, against the known truth, that is much better than
 * converging: 91-frame M17 set, corrections' rms error after one global plane 0.48 DN damped
 * vs 1.96 DN exact (Montage 0.50); 12-frame sets, seeds 1–8, block-median p95 within ±0.06 DN
 * of Montage's where the exact solve is up to 1.6 DN worse. So the plane solve is damped as
 * `sweeps` relaxation steps would damp it, in closed form: a few passes of
 * (A + μD)·x = b + μD·x_prev from the levels solution (see DAMPING_PASSES), each a direct
 * solve; modes the overlaps pin down come out as the least-squares answer (2MASS Orion: within
 * 0.04 DN of mBgModel's corrections.tbl). `sweeps: Infinity` gives the exact least squares.
 *
 * Optional slope prior (`slopePrior`, off by default). Narrow overlaps (e.g. 45-px side strips
 * between columns of frames) fix the level difference of two images well but the slope across
 * the strip poorly, and their fitted cross slopes carry errors well above the white-noise
 * formal error (edge effects, correlated noise: on simulated 512×1024 frames up to 7σ). A
 * chain of such strips leaves a weak mode (per-column x slopes, a kink that grows along the
 * chain) that the exact solve fits to those errors; Montage's 10000 sweeps stop before that
 * mode converges (on simulated data its answer gets worse with more sweeps: 0.49 DN block error
 * at 10000, 1.9 DN at 100000). The prior is the random-effects (empirical-Bayes) form of
 * "frames' background slopes are independent draws": it adds ρ·Σ_i |s_i − s̄|² (s_i = (a_i, b_i),
 * s̄ their group mean, so no global plane is penalised and the gauge is unchanged) with
 * ρ = σ̂₀² / σ̂_p², where σ̂₀² is the variance of unit weight of the unregularised solution
 * (weighted misfit over the overlaps per degree of freedom: 3·pairs − 3·(images − groups)) and
 * σ̂_p² the per-image slope variance, half the mean square of the fitted slope differences
 * along each overlap's long axis (the well-determined ones). Noise-free data have no misfit, so
 * ρ = 0 and the recovery stays exact.
 *
 * Coordinates: x, y are whatever the fits use; for Montage tables they are mosaic pixel
 * offsets x = (0-based mosaic column) − CRPIX1, y = (0-based mosaic row) − CRPIX2 of the
 * mosaic header, the convention mFitplane, mBgModel and mBackground share. Internally the
 * solve is done in centred, scaled coordinates for conditioning.
 */
import { MosaicError } from '../errors.js';
import { choleskyFactor, choleskySolveFactored, conjugateGradient, invertSmall } from './linear-solve.js';
import type { PointMoments } from './plane-fit.js';

/** A plane a·x + b·y + c. */
export interface Plane {
  a: number;
  b: number;
  c: number;
}

/** One overlap: the plane fitted to image[plus] − image[minus] over a region given by its pixel moments. */
export interface PairConstraint extends Plane {
  /** Index (0-based, into the image list of the solve) of the image that was added. */
  plus: number;
  /** Index of the image that was subtracted. */
  minus: number;
  /** rms of the difference about its fitted plane (data units); non-finite marks a failed fit. */
  rms: number;
  /** Pixel moments of the overlap region in the same x, y as the plane. */
  moments: PointMoments;
}

/** Options of {@link solveBackgroundModel}. */
export interface BackgroundModelOptions {
  /** Solve for levels only (a = b = 0 for every image), as `mBgModel -l`. Default false. */
  levelOnly?: boolean;
  /** Pairs with fewer pixels are ignored. Default 3 (1 with levelOnly). */
  minPixels?: number;
  /**
   * Weight of each overlap pixel: `area` (1, as Montage) or `inverse-variance`
   * (1 / (rms² + floor²) of its pair). Default `area`.
   */
  weighting?: 'area' | 'inverse-variance';
  /** With `inverse-variance`: the rms floor as a fraction of the median rms of the usable pairs. Default 0.1. */
  rmsFloorFraction?: number;
  /**
   * Strength of the optional slope prior relative to its empirical-Bayes value (see the module
   * comment): 0 is off, 1 the rule.
   * Default 0 (off: on real 2MASS data it moves the corrections by up to 3.8 DN from mBgModel's).
   */
  slopePrior?: number;
  /**
   * Damp the plane solve as this many of Montage's relaxation half-steps would, starting from
   * the levels solution (see the module comment): modes the overlaps determine come out as the
   * least-squares solution, weakly determined ones stay near the levels solution. Default
   * {@link MONTAGE_PLANE_SWEEPS}; `Infinity`: the exact least-squares planes.
   */
  sweeps?: number;
  /** `dense` (Cholesky), `cg` (preconditioned conjugate gradient) or `auto` (dense up to 600 unknowns). Default `auto`. */
  method?: 'auto' | 'dense' | 'cg';
}

/** Result of {@link solveBackgroundModel}. */
export interface BackgroundModel {
  /** Correction plane per image, to be subtracted from it (mBackground). Same order as the input. */
  planes: Plane[];
  /** Connected group of each image (images without a usable pair get their own group). */
  group: number[];
  /** Per pair: whether it entered the solve. */
  used: boolean[];
  /** Per pair: the weight it got per pixel (0 when unused). */
  weight: number[];
  /** Per used pair: rms over its overlap of F_k − (P_plus − P_minus), data units (NaN when unused). */
  residual: number[];
  method: 'dense' | 'cg';
  /** CG iterations (0 for dense). */
  iterations: number;
  /** Weight ρ of the slope prior per image (pixels²; 0 without it), see the module comment. */
  slopePriorWeight: number;
}

interface Scaled {
  k: 1 | 3;
  /** k×k moment matrix of φ (row-major). */
  M: Float64Array;
  /** Right-hand side G·f: moments of φ times the fitted plane. */
  g: Float64Array;
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Moments in u = (x − x0)/s, v = (y − y0)/s. */
function scaleMoments(m: PointMoments, x0: number, y0: number, s: number): PointMoments {
  return {
    n: m.n,
    sx: (m.sx - m.n * x0) / s,
    sy: (m.sy - m.n * y0) / s,
    sxx: (m.sxx - 2 * x0 * m.sx + m.n * x0 * x0) / (s * s),
    sxy: (m.sxy - x0 * m.sy - y0 * m.sx + m.n * x0 * y0) / (s * s),
    syy: (m.syy - 2 * y0 * m.sy + m.n * y0 * y0) / (s * s),
  };
}

function pairSystem(m: PointMoments, f: Plane, levelOnly: boolean): Scaled {
  // f is already in scaled coordinates.
  if (levelOnly) {
    return { k: 1, M: Float64Array.of(m.n), g: Float64Array.of(f.a * m.sx + f.b * m.sy + f.c * m.n) };
  }
  const M = Float64Array.of(m.sxx, m.sxy, m.sx, m.sxy, m.syy, m.sy, m.sx, m.sy, m.n);
  const g = new Float64Array(3);
  for (let i = 0; i < 3; i++) g[i] = M[i * 3] * f.a + M[i * 3 + 1] * f.b + M[i * 3 + 2] * f.c;
  return { k: 3, M, g };
}

/**
 * Solve for every image's correction plane. `nImages` images are indexed 0..nImages−1 in
 * the pairs. Pairs that cannot be used (failed fit: non-finite plane or rms; too few pixels;
 * plus = minus; index out of range) are skipped and reported in `used`, never fatal.
 *
 * @throws MosaicError `E_ARGUMENT` when nImages is not a non-negative integer.
 * @example
 *   const { planes } = solveBackgroundModel(2, [{ plus: 0, minus: 1, a: 0, b: 0, c: 5, rms: 1, moments }]);
 *   // planes[0].c ≈ 2.5, planes[1].c ≈ -2.5
 */
export function solveBackgroundModel(nImages: number, pairs: readonly PairConstraint[], options: BackgroundModelOptions = {}): BackgroundModel {
  if (!Number.isInteger(nImages) || nImages < 0)
    throw new MosaicError('E_ARGUMENT', `Expected non-negative integer for nImages but received ${nImages}`, { stage: 'bgmodel' });
  const levelOnly = options.levelOnly ?? false;
  const k = levelOnly ? 1 : 3;
  const minPixels = options.minPixels ?? (levelOnly ? 1 : 3);
  const used = pairs.map(
    (p) =>
      Number.isInteger(p.plus) &&
      Number.isInteger(p.minus) &&
      p.plus !== p.minus &&
      p.plus >= 0 &&
      p.minus >= 0 &&
      p.plus < nImages &&
      p.minus < nImages &&
      [p.a, p.b, p.c, p.rms, p.moments.n, p.moments.sx, p.moments.sy, p.moments.sxx, p.moments.sxy, p.moments.syy].every(Number.isFinite) &&
      p.moments.n >= minPixels,
  );
  const usable = pairs.filter((_, i) => used[i]);

  // Weights per pixel.
  const medRms = median(usable.map((p) => p.rms));
  const floor = medRms > 0 ? (options.rmsFloorFraction ?? 0.1) * medRms : 1;
  const inverseVariance = options.weighting === 'inverse-variance';
  const weight = pairs.map((p, i) => (!used[i] ? 0 : inverseVariance ? 1 / (p.rms * p.rms + floor * floor) : 1));

  // Centre and scale coordinates for conditioning.
  let wn = 0;
  let x0 = 0;
  let y0 = 0;
  for (const p of usable) {
    wn += p.moments.n;
    x0 += p.moments.sx;
    y0 += p.moments.sy;
  }
  x0 = wn > 0 ? x0 / wn : 0;
  y0 = wn > 0 ? y0 / wn : 0;
  let spread = 0;
  for (const p of usable) {
    const m = p.moments;
    spread = Math.max(spread, Math.sqrt(Math.max(0, (m.sxx - 2 * x0 * m.sx + m.n * x0 * x0) / m.n)), Math.sqrt(Math.max(0, (m.syy - 2 * y0 * m.sy + m.n * y0 * y0) / m.n)));
  }
  const s = spread > 0 ? spread : 1;

  // Connected groups (union-find over used pairs).
  const parent = Array.from({ length: nImages }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const p of usable) parent[find(p.plus)] = find(p.minus);
  const roots = new Map<number, number>();
  const group = Array.from({ length: nImages }, (_, i) => {
    const r = find(i);
    if (!roots.has(r)) roots.set(r, roots.size);
    return roots.get(r)!;
  });
  const nGroups = roots.size;

  // The pairs in scaled coordinates.
  const scaled = pairs.flatMap((p, idx) =>
    used[idx] ? [{ plus: p.plus, minus: p.minus, w: weight[idx], m: scaleMoments(p.moments, x0, y0, s), f: { a: p.a * s, b: p.b * s, c: p.c + p.a * x0 + p.b * y0 } }] : [],
  );
  const method = options.method === 'dense' || options.method === 'cg' ? options.method : nImages * k <= 600 ? 'dense' : 'cg';
  let iterations = 0;

  // Montage's level sweeps: the level-only solution with Σ n_i·c_i = 0 per group.
  const level = solveNormalEquations(nImages, scaled.map((q) => ({ ...q, ...pairSystem(q.m, q.f, true) })), 1, method);
  iterations += level.iterations;
  const levels = level.x;
  const nSum = new Float64Array(nGroups);
  const ncSum = new Float64Array(nGroups);
  for (let i = 0; i < nImages; i++) {
    nSum[group[i]] += level.diag[i];
    ncSum[group[i]] += level.diag[i] * levels[i];
  }
  for (let i = 0; i < nImages; i++) if (nSum[group[i]] > 0) levels[i] -= ncSum[group[i]] / nSum[group[i]];

  let x = levels;
  let rhoScaled = 0;
  if (!levelOnly) {
    // Montage's plane sweeps: the full solution with Σ_i D_i·P_i = Σ_i D_i·L_i per group.
    const systems = scaled.map((q) => ({ ...q, ...pairSystem(q.m, q.f, false) }));
    // The optional slope prior's weight comes from the undamped least-squares misfit (module comment).
    const strength = options.slopePrior ?? 0;
    if (strength > 0) {
      const plain = solveNormalEquations(nImages, systems, 3, method);
      iterations += plain.iterations;
      rhoScaled = strength * slopePriorWeight(scaled, plain.x, nImages - nGroups);
    }
    const prior = rhoScaled > 0 ? { rho: rhoScaled, group, nGroups } : undefined;
    // Montage-equivalent damping: what `sweeps` relaxation half-steps from the levels solution
    // leave of each mode (module comment): 0 sweeps keeps the levels solution, Infinity gives
    // the exact least-squares planes.
    const sweeps = options.sweeps ?? MONTAGE_PLANE_SWEEPS;
    if (!(sweeps >= 0)) throw new MosaicError('E_ARGUMENT', `Expected a number >= 0 for sweeps but received ${sweeps}`, { stage: 'bgmodel' });
    // μ per pass: m passes of (1 + λ/μ)⁻¹ ≈ exp(−mλ/μ) = exp(−λ·sweeps/2), Montage's (1 − λ/2)^sweeps.
    const mu = sweeps > 0 ? (2 * DAMPING_PASSES) / sweeps : 1e12;
    const factor = {};
    let full = solveNormalEquations(nImages, systems, 3, method, prior, Number.isFinite(sweeps) ? { mu, target: planesFromLevels(levels) } : undefined, factor);
    iterations += full.iterations;
    for (let pass = 1; Number.isFinite(sweeps) && pass < DAMPING_PASSES; pass++) {
      full = solveNormalEquations(nImages, systems, 3, method, prior, { mu, target: full.x }, factor);
      iterations += full.iterations;
    }
    x = full.x;
    const dSum = new Float64Array(nGroups * 9);
    const rhs = new Float64Array(nGroups * 3);
    for (let i = 0; i < nImages; i++) {
      const D = full.diag.subarray(i * 9, i * 9 + 9);
      const g = group[i];
      for (let r = 0; r < 3; r++) {
        rhs[g * 3 + r] += D[r * 3 + 2] * levels[i];
        for (let c = 0; c < 3; c++) {
          dSum[g * 9 + r * 3 + c] += D[r * 3 + c];
          rhs[g * 3 + r] -= D[r * 3 + c] * x[i * 3 + c];
        }
      }
    }
    // Shift per group; a group whose overlaps cannot define a plane (D singular) gets a zero mean plane instead.
    const shift = new Float64Array(nGroups * 3);
    const count = new Float64Array(nGroups);
    for (let i = 0; i < nImages; i++) count[group[i]]++;
    for (let g = 0; g < nGroups; g++) {
      const inv = dSum.slice(g * 9, g * 9 + 9);
      if (invertSmall(inv, 3) && inv.every(Number.isFinite))
        for (let r = 0; r < 3; r++) shift[g * 3 + r] = inv[r * 3] * rhs[g * 3] + inv[r * 3 + 1] * rhs[g * 3 + 1] + inv[r * 3 + 2] * rhs[g * 3 + 2];
      else for (let i = 0; i < nImages; i++) if (group[i] === g) for (let r = 0; r < 3; r++) shift[g * 3 + r] -= x[i * 3 + r] / count[g];
    }
    for (let i = 0; i < nImages; i++) for (let r = 0; r < 3; r++) x[i * 3 + r] += shift[group[i] * 3 + r];
  }

  // Back to the caller's coordinates: a·x + b·y + c = a'·u + b'·v + c'.
  const planes: Plane[] = [];
  for (let i = 0; i < nImages; i++) {
    const [au, bv, c] = levelOnly ? [0, 0, x[i]] : [x[i * 3], x[i * 3 + 1], x[i * 3 + 2]];
    const a = au / s;
    const b = bv / s;
    planes.push({ a, b, c: c - a * x0 - b * y0 });
  }
  const residual = pairs.map((p, idx) => (used[idx] ? planeRmsOver(p, planes[p.plus], planes[p.minus]) : NaN));
  return { planes, group, used, weight, residual, method, iterations, slopePriorWeight: rhoScaled * s * s };
}

/** mBgModel's default: 10 000 iterations, of which the first 2500 fit levels only. */
export const MONTAGE_PLANE_SWEEPS = 7500;

/**
 * Passes of the iterated damping: each pass solves (A + μD)x = b + μD·x_prev, so a mode of
 * D⁻¹A with eigenvalue λ keeps (1 + λ/μ)^−passes of its start; with μ = 2·passes/sweeps that
 * approaches Montage's exp(−λ·sweeps/2) as passes grow. 8 reproduces mBgModel on 2MASS Orion
 * to 0.04 DN (1 pass: 0.5 DN, since a single Tikhonov step still damps well-determined modes).
 */
const DAMPING_PASSES = 8;

/** The planes (0, 0, L_i) of a levels solution, as the 3-per-image vector the plane solve uses. */
function planesFromLevels(levels: Float64Array): Float64Array {
  const t = new Float64Array(levels.length * 3);
  for (let i = 0; i < levels.length; i++) t[i * 3 + 2] = levels[i];
  return t;
}

/** One pair's contribution to the normal equations: its k×k moment matrix and weight. */
interface PairSystem {
  plus: number;
  minus: number;
  w: number;
  M: Float64Array;
  g: Float64Array;
}

/**
 * Solve the normal equations of the pairs for k parameters per image (1: level, 3: plane),
 * without fixing the gauge (one free plane per connected group; the caller fixes it).
 * Returns the solution, the per-image diagonal blocks D_i (k×k, the weighted moments of all
 * of image i's overlaps) and the CG iteration count.
 */
function solveNormalEquations(
  nImages: number,
  systems: readonly PairSystem[],
  k: number,
  method: 'dense' | 'cg',
  prior: { rho: number; group: readonly number[]; nGroups: number } = { rho: 0, group: [], nGroups: 0 },
  damp?: { mu: number; target: Float64Array },
  factor?: { L?: Float64Array },
): { x: Float64Array; diag: Float64Array; iterations: number } {
  const N = nImages * k;
  const rhs = new Float64Array(N);
  const diag = new Float64Array(nImages * k * k);
  for (const { plus, minus, M, g, w } of systems) {
    for (let i = 0; i < k; i++) {
      rhs[plus * k + i] += w * g[i];
      rhs[minus * k + i] -= w * g[i];
    }
    for (let i = 0; i < k * k; i++) {
      diag[plus * k * k + i] += w * M[i];
      diag[minus * k * k + i] += w * M[i];
    }
  }
  // Tiny ridge: makes the semi-definite system (one free plane per group) definite without
  // moving the solution measurably; the gauge is fixed exactly afterwards.
  // Per image, relative to its own block, so that groups with very different weights are all regularised.
  const ridge = new Float64Array(N);
  for (let i = 0; i < nImages; i++) {
    let m = 0;
    for (let j = 0; j < k; j++) m = Math.max(m, diag[i * k * k + j * k + j]);
    for (let j = 0; j < k; j++) ridge[i * k + j] = m > 0 ? m * 1e-11 : 1;
  }

  // Damping: μ·D_i (x_i − t_i) added per image, D_i its own diagonal block (see the module comment).
  const mu = damp && damp.mu > 0 ? damp.mu : 0;
  if (mu > 0)
    for (let i = 0; i < nImages; i++)
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) rhs[i * k + r] += mu * diag[i * k * k + r * k + c] * damp!.target[i * k + c];
  const usePrior = k === 3 && prior.rho > 0;
  const count = new Float64Array(prior.nGroups);
  for (let i = 0; i < nImages && usePrior; i++) count[prior.group[i]]++;
  /** y = A0·v (the un-ridged normal matrix plus the slope prior), O(pairs + images). */
  const applyA0 = (v: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (const { plus, minus, M, w } of systems)
      for (let r = 0; r < k; r++) {
        let t = 0;
        for (let c = 0; c < k; c++) t += M[r * k + c] * (v[plus * k + c] - v[minus * k + c]);
        out[plus * k + r] += w * t;
        out[minus * k + r] -= w * t;
      }
    if (mu > 0)
      for (let i = 0; i < nImages; i++)
        for (let r = 0; r < k; r++) {
          let t = 0;
          for (let c = 0; c < k; c++) t += diag[i * k * k + r * k + c] * v[i * k + c];
          out[i * k + r] += mu * t;
        }
    if (usePrior) {
      // ρ·(s_i − mean of the slopes of i's group), for each slope component.
      const sum = new Float64Array(prior.nGroups * 2);
      for (let i = 0; i < nImages; i++) for (let j = 0; j < 2; j++) sum[prior.group[i] * 2 + j] += v[i * k + j];
      for (let i = 0; i < nImages; i++)
        for (let j = 0; j < 2; j++) out[i * k + j] += prior.rho * (v[i * k + j] - sum[prior.group[i] * 2 + j] / count[prior.group[i]]);
    }
  };
  let solveRidged: (b: Float64Array) => Float64Array;
  let iterations = 0;
  if (method === 'dense') {
    const A = new Float64Array(N * N);
    for (let i = 0; i < nImages; i++)
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) A[(i * k + r) * N + i * k + c] = (1 + mu) * diag[i * k * k + r * k + c];
    for (const { plus, minus, M, w } of systems)
      for (let r = 0; r < k; r++)
        for (let c = 0; c < k; c++) {
          A[(plus * k + r) * N + minus * k + c] -= w * M[r * k + c];
          A[(minus * k + r) * N + plus * k + c] -= w * M[r * k + c];
        }
    if (usePrior)
      for (let i = 0; i < nImages; i++)
        for (let l = 0; l < nImages; l++) {
          if (prior.group[i] !== prior.group[l]) continue;
          const g = prior.rho * ((i === l ? 1 : 0) - 1 / count[prior.group[i]]);
          for (let j = 0; j < 2; j++) A[(i * k + j) * N + l * k + j] += g;
        }
    for (let i = 0; i < N; i++) A[i * N + i] += ridge[i];
    // One factorisation for the solve and its refinement steps (and, through `factor`, for
    // every damping pass: their matrix is the same).
    const L = factor?.L ?? choleskyFactor(A, N);
    if (factor) factor.L = L;
    if (!L) throw new MosaicError('E_INTERNAL', 'background model matrix is not positive definite', { stage: 'bgmodel' });
    solveRidged = (b) => choleskySolveFactored(L, b, N);
  } else {
    const apply = (v: Float64Array, out: Float64Array) => {
      applyA0(v, out);
      for (let i = 0; i < N; i++) out[i] += ridge[i] * v[i];
    };
    const inv = diag.map((d) => (1 + mu) * d);
    for (let i = 0; i < nImages; i++) {
      const blk = inv.subarray(i * k * k, (i + 1) * k * k);
      for (let j = 0; j < k; j++) blk[j * k + j] += ridge[i * k + j] + (usePrior && j < 2 ? prior.rho : 0);
      if (!invertSmall(blk, k)) for (let j = 0; j < k * k; j++) blk[j] = j % (k + 1) === 0 ? 1 / ridge[i * k] : 0;
    }
    const precondition = (r: Float64Array, z: Float64Array) => {
      for (let i = 0; i < nImages; i++)
        for (let a = 0; a < k; a++) {
          let t = 0;
          for (let b = 0; b < k; b++) t += inv[i * k * k + a * k + b] * r[i * k + b];
          z[i * k + a] = t;
        }
    };
    solveRidged = (b) => {
      const res = conjugateGradient(apply, b, precondition, { tolerance: 1e-13 });
      iterations += res.iterations;
      return res.x;
    };
  }
  // Solve with the ridge, then refine against the un-ridged matrix so the ridge leaves no bias.
  const x = solveRidged(rhs);
  const Ax = new Float64Array(N);
  for (let step = 0; step < 3; step++) {
    applyA0(x, Ax);
    const r = rhs.map((v, i) => v - Ax[i]);
    const dx = solveRidged(r);
    for (let i = 0; i < N; i++) x[i] += dx[i];
  }
  return { x, diag, iterations };
}

/** rms over a pair's overlap of F − (P_plus − P_minus), from its moments. */
function planeRmsOver(p: PairConstraint, plus: Plane, minus: Plane): number {
  const da = p.a - (plus.a - minus.a);
  const db = p.b - (plus.b - minus.b);
  const dc = p.c - (plus.c - minus.c);
  const m = p.moments;
  const sq = da * da * m.sxx + db * db * m.syy + dc * dc * m.n + 2 * da * db * m.sxy + 2 * da * dc * m.sx + 2 * db * dc * m.sy;
  return Math.sqrt(Math.max(0, sq / m.n));
}

/**
 * ρ of the slope prior (in the solve's scaled coordinates; see the module comment): the
 * variance of unit weight of the unregularised solution `x` (weighted squared misfit of the
 * pairs over their overlaps, per degree of freedom) over the variance of per-image slopes,
 * estimated as half the mean square of the fitted slope differences along each overlap's long
 * axis. 0 when there is no redundancy (dof ≤ 0), no misfit (noise-free data) or no slope spread.
 */
function slopePriorWeight(pairs: ReadonlyArray<{ plus: number; minus: number; w: number; m: PointMoments; f: Plane }>, x: Float64Array, freeImages: number): number {
  const dof = 3 * pairs.length - 3 * freeImages;
  if (dof <= 0) return 0;
  let misfit = 0;
  let d2 = 0;
  for (const { plus, minus, w, m, f } of pairs) {
    const r = { a: f.a - (x[plus * 3] - x[minus * 3]), b: f.b - (x[plus * 3 + 1] - x[minus * 3 + 1]), c: f.c - (x[plus * 3 + 2] - x[minus * 3 + 2]) };
    misfit += w * planeSquareOver(r, m);
    const vxx = m.sxx / m.n - (m.sx / m.n) ** 2;
    const vyy = m.syy / m.n - (m.sy / m.n) ** 2;
    const vxy = m.sxy / m.n - (m.sx / m.n) * (m.sy / m.n);
    // Long axis: the eigenvector of the larger eigenvalue of the overlap's 2×2 covariance.
    const t = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
    const along = f.a * Math.cos(t) + f.b * Math.sin(t);
    d2 += along * along;
  }
  const sigmaP2 = d2 / pairs.length / 2;
  const rho = misfit / dof / sigmaP2;
  return Number.isFinite(rho) && rho > 0 ? rho : 0;
}

/** Σ over a region (given by its pixel moments) of the square of the plane p. */
function planeSquareOver(p: Plane, m: PointMoments): number {
  return Math.max(0, p.a * p.a * m.sxx + p.b * p.b * m.syy + p.c * p.c * m.n + 2 * p.a * p.b * m.sxy + 2 * p.a * p.c * m.sx + 2 * p.b * p.c * m.sy);
}

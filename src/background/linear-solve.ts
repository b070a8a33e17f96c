/**
 * Linear algebra for the global background solve: a dense Cholesky factorisation for small
 * systems and a block-Jacobi preconditioned conjugate-gradient solver for large sparse ones
 * (Golub & Van Loan, "Matrix Computations", §4.2 and §11.5). Both work on symmetric
 * positive-definite systems; callers add a tiny ridge to make semi-definite ones definite.
 */

/** The Cholesky factor L (row-major, lower triangle) of a dense SPD matrix, or undefined when it is not positive definite. */
export function choleskyFactor(A: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solve L·Lᵀ·x = b with a factor from {@link choleskyFactor} (one factorisation serves many right-hand sides). */
export function choleskySolveFactored(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Result of {@link conjugateGradient}. */
export interface CgResult {
  x: Float64Array;
  iterations: number;
  /** ‖b − A·x‖ / ‖b‖ at the end. */
  relativeResidual: number;
}

/**
 * Preconditioned conjugate gradient for an SPD operator given as a mat-vec product.
 * `precondition(r, z)` writes z = M⁻¹·r. Stops when ‖r‖ ≤ tolerance·‖b‖ or after maxIterations.
 */
export function conjugateGradient(
  apply: (x: Float64Array, out: Float64Array) => void,
  b: Float64Array,
  precondition: (r: Float64Array, z: Float64Array) => void,
  options: { tolerance?: number; maxIterations?: number } = {},
): CgResult {
  const n = b.length;
  const tol = options.tolerance ?? 1e-12;
  const maxIt = options.maxIterations ?? Math.max(100, 10 * n);
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const z = new Float64Array(n);
  const Ap = new Float64Array(n);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, e) => s + e * e, 0));
  const bnorm = norm(b);
  if (bnorm === 0) return { x, iterations: 0, relativeResidual: 0 };
  precondition(r, z);
  const p = Float64Array.from(z);
  let rz = r.reduce((s, e, i) => s + e * z[i], 0);
  let it = 0;
  for (; it < maxIt; it++) {
    if (norm(r) <= tol * bnorm) break;
    apply(p, Ap);
    const pAp = p.reduce((s, e, i) => s + e * Ap[i], 0);
    if (!(pAp > 0)) break;
    const alpha = rz / pAp;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
    }
    precondition(r, z);
    const rzNew = r.reduce((s, e, i) => s + e * z[i], 0);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return { x, iterations: it, relativeResidual: norm(r) / bnorm };
}

/** Invert a small dense SPD block (k×k, row-major) in place via Gauss-Jordan; returns false if singular. */
export function invertSmall(m: Float64Array, k: number): boolean {
  const a = Array.from({ length: k }, (_, i) => [...m.subarray(i * k, i * k + k), ...Array.from({ length: k }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) piv = i;
    if (a[piv][c] === 0) return false;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * k; j++) a[c][j] /= d;
    for (let i = 0; i < k; i++) {
      if (i === c) continue;
      const f = a[i][c];
      for (let j = 0; j < 2 * k; j++) a[i][j] -= f * a[c][j];
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i * k + j] = a[i][k + j];
  return true;
}

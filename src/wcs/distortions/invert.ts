/**
 * Inverse of a pixel → intermediate model by iteration: a fixed-matrix (chord) iteration from
 * the model's closed-form guess, switching to the finite-difference Jacobian at the current
 * point (refreshed every 8 steps) when the chord iteration is slow. Converges to better than 1e-10 pixel for the smooth, nearly
 * linear maps of SIP, TPV and DSS; gives NaN when it diverges.
 */
import type { PlaneModel } from './types.js';

/** Stop when a step is smaller than this, pixels. */
const STEP_TOL = 1e-11;
/** Accept a stalled iteration whose last step is below this, pixels. */
const ACCEPT_TOL = 1e-9;
/** Chord steps with the reference Jacobian before switching to the local one. */
const LOCAL_AFTER = 3;
const MAX_ITER = 50;

/**
 * Scratch state for {@link invertPlane}; make one per thread of work and reuse it
 * (no allocation per point).
 */
export class PlaneInverter {
  private readonly f = new Float64Array(2);
  private readonly local = new Float64Array(4);
  /** Inverse Jacobian of the model at the reference point (pixels per degree), row-major. */
  private readonly jinv: Float64Array;

  constructor(readonly model: PlaneModel, reference: readonly [number, number]) {
    this.jinv = new Float64Array(4);
    this.localInverseJacobian(reference[0], reference[1], this.jinv);
  }

  private localInverseJacobian(px: number, py: number, out: Float64Array): boolean {
    const h = 1e-3;
    const f = this.f;
    const m = this.model;
    m.forward(px + h, py, f);
    const ax = f[0];
    const ay = f[1];
    m.forward(px - h, py, f);
    const a = (ax - f[0]) / (2 * h);
    const c = (ay - f[1]) / (2 * h);
    m.forward(px, py + h, f);
    const bx = f[0];
    const by = f[1];
    m.forward(px, py - h, f);
    const b = (bx - f[0]) / (2 * h);
    const d = (by - f[1]) / (2 * h);
    const det = a * d - b * c;
    if (!Number.isFinite(det) || det === 0) return false;
    out[0] = d / det;
    out[1] = -b / det;
    out[2] = -c / det;
    out[3] = a / det;
    return true;
  }

  /** Intermediate (x, y) in degrees → 1-based pixel in out[0], out[1] (NaN when it fails). */
  invert(x: number, y: number, out: Float64Array): void {
    const m = this.model;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      out[0] = out[1] = NaN;
      return;
    }
    m.guess(x, y, out);
    if (m.exactInverse) return;
    const f = this.f;
    let px = out[0];
    let py = out[1];
    let j = this.jinv;
    let converged = false;
    let lastStep = Infinity;
    for (let it = 0; it < MAX_ITER; it++) {
      if (it === LOCAL_AFTER || (it > LOCAL_AFTER && (it - LOCAL_AFTER) % 8 === 0)) {
        // Slow chord iteration (the reference Jacobian is far from this point's): switch to the
        // Jacobian here, refreshed every few steps (a Newton–chord method). Depends only on this
        // point, so results do not depend on the order points are processed in.
        if (!this.localInverseJacobian(px, py, this.local)) break;
        j = this.local;
      }
      m.forward(px, py, f);
      const rx = x - f[0];
      const ry = y - f[1];
      const dx = j[0] * rx + j[1] * ry;
      const dy = j[2] * rx + j[3] * ry;
      px += dx;
      py += dy;
      if (!Number.isFinite(px) || !Number.isFinite(py)) break;
      lastStep = Math.max(Math.abs(dx), Math.abs(dy));
      if (Math.abs(dx) < STEP_TOL && Math.abs(dy) < STEP_TOL) {
        converged = true;
        break;
      }
    }
    // Rounding can stall the last steps just above STEP_TOL; accept a tiny residual step.
    const ok = converged || lastStep < ACCEPT_TOL;
    out[0] = ok ? px : NaN;
    out[1] = ok ? py : NaN;
  }
}

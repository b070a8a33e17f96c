//! Argument checking and the job for the robust plane fit's passes
//! (`mosaic_core::plane_fit`). Synchronous only: one fit is a few milliseconds and runs
//! inside a worker's per-overlap loop.

use crate::js::*;
use crate::sys::*;
use crate::task::{Outcome, Prepared};
use mosaic_core::plane_fit::{gather_points, plane_fit_passes_in, PlaneFitOptions, PlaneFitOutcome};
use std::cell::RefCell;

const F64: &[napi_typedarray_type] = &[FLOAT64_ARRAY];
const I32: &[napi_typedarray_type] = &[INT32_ARRAY];

/// Length of `planeFitPasses`'s `out` (layout in src/kernels/plane-fit.ts, `PLANE_FIT_OUT`).
const OUT_LEN: usize = 17;

/// Largest scratch (values) kept between calls: 2 × 2^21 points, 32 MiB per thread.
const KEEP_SCRATCH: usize = 1 << 22;

thread_local! {
    /// Residual buffers reused by the fits on this thread (fitplane runs thousands of them per
    /// worker): a fresh allocation of this size costs its page faults on every call.
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// A boolean argument, or a TypeError naming it.
unsafe fn arg_bool(env: napi_env, v: napi_value, name: &str) -> JsResult<bool> {
    if type_of(env, v) != NAPI_BOOLEAN {
        return Err(JsError::Type(format!("Expected boolean for {name} but received {}", describe(env, v))));
    }
    let mut b = false;
    check(napi_get_value_bool(env, v, &mut b), "napi_get_value_bool")?;
    Ok(b)
}

/// `planeFitPasses(px, py, pz, levelOnly, iterations, clip, out)`: `out` (17 numbers) =
/// status (0 fitted, 1 no point, 2 collinear), collinear count, a, b, c, rms, npixel,
/// moments n, sx, sy, sxx, sxy, syy, then xmin, xmax, ymin, ymax.
pub unsafe fn passes(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let px = arg_typed(env, a[0], "px", F64)?;
    let py = arg_typed(env, a[1], "py", F64)?;
    let pz = arg_typed(env, a[2], "pz", F64)?;
    let level_only = arg_bool(env, a[3], "levelOnly")?;
    let iterations = arg_size(env, a[4], "iterations", 0)?;
    let clip = arg_number(env, a[5], "clip", "number")?;
    if clip.is_nan() {
        return Err(JsError::Range(format!("Expected number for clip but received {}", describe(env, a[5]))));
    }
    let out = arg_typed(env, a[6], "out", F64)?;
    px.expect_len("px", pz.len, "pz.length")?;
    py.expect_len("py", pz.len, "pz.length")?;
    out.expect_len("out", OUT_LEN, "")?;
    check_disjoint(&[("out", &out)], &[("px", &px), ("py", &py), ("pz", &pz), ("out", &out)])?;
    let (rx, ry, rz, ro) = (px.raw::<f64>(), py.raw::<f64>(), pz.raw::<f64>(), out.raw::<f64>());
    let opts = PlaneFitOptions { level_only, iterations, clip };
    let job = move || {
        let (x, y, z, o) = unsafe { (rx.slice(), ry.slice(), rz.slice(), ro.slice_mut()) };
        o.fill(0.0);
        let outcome = SCRATCH.with(|cell| {
            let mut scratch = cell.take();
            let r = plane_fit_passes_in(x, y, z, &opts, &mut scratch);
            if scratch.capacity() <= KEEP_SCRATCH {
                cell.replace(scratch);
            }
            r
        });
        match outcome.map_err(|e| e.to_string())? {
            PlaneFitOutcome::NoPoints => o[0] = 1.0,
            PlaneFitOutcome::Collinear { count } => {
                o[0] = 2.0;
                o[1] = count as f64;
            }
            PlaneFitOutcome::Fitted(f) => {
                let m = f.moments;
                o[2..].copy_from_slice(&[
                    f.a, f.b, f.c, f.rms, f.npixel as f64, m.n as f64, m.sx, m.sy, m.sxx, m.sxy, m.syy, f.xmin, f.xmax, f.ymin, f.ymax,
                ]);
            }
        }
        Ok(Outcome::Undefined)
    };
    Ok(Prepared { job: Box::new(job), keep: vec![px.value, py.value, pz.value, out.value] })
}

/// `gatherPoints(value, width, height, xOrigin, yOrigin, xs, ys, zs, rowLo, rowHi)` → number of
/// points (see `mosaic_core::plane_fit::gather_points`).
pub unsafe fn gather(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let value = arg_typed(env, a[0], "value", F64)?;
    let width = arg_size(env, a[1], "width", 0)?;
    let height = arg_size(env, a[2], "height", 0)?;
    let x_origin = arg_number(env, a[3], "xOrigin", "number")?;
    let y_origin = arg_number(env, a[4], "yOrigin", "number")?;
    let xs = arg_typed(env, a[5], "xs", F64)?;
    let ys = arg_typed(env, a[6], "ys", F64)?;
    let zs = arg_typed(env, a[7], "zs", F64)?;
    let row_lo = arg_typed(env, a[8], "rowLo", I32)?;
    let row_hi = arg_typed(env, a[9], "rowHi", I32)?;
    let outs = [("xs", &xs), ("ys", &ys), ("zs", &zs), ("rowLo", &row_lo), ("rowHi", &row_hi)];
    let mut all = outs.to_vec();
    all.push(("value", &value));
    check_disjoint(&outs, &all)?;
    let (v, rx, ry, rz, rl, rh) = (value.raw::<f64>(), xs.raw::<f64>(), ys.raw::<f64>(), zs.raw::<f64>(), row_lo.raw::<i32>(), row_hi.raw::<i32>());
    let job = move || {
        let (v, x, y, z, l, h) = unsafe { (v.slice(), rx.slice_mut(), ry.slice_mut(), rz.slice_mut(), rl.slice_mut(), rh.slice_mut()) };
        let n = gather_points(v, width, height, (x_origin, y_origin), x, y, z, l, h).map_err(|e| e.to_string())?;
        Ok(Outcome::Number(n as f64))
    };
    Ok(Prepared { job: Box::new(job), keep: vec![value.value, xs.value, ys.value, zs.value, row_lo.value, row_hi.value] })
}

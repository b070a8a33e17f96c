//! Argument checking and jobs for `project`'s helper kernels (`mosaic_core::corner_fill`,
//! `mosaic_core::area_crop`): the corner-grid fill and the crop with area. Synchronous only:
//! they are short and run between the WCS batches and the reprojection kernel.

use crate::js::*;
use crate::sys::*;
use crate::task::{Outcome, Prepared};
use mosaic_core::area_crop::{covered_bounds, crop_with_area, SolidAngles};
use mosaic_core::corner_fill::fill_corner_cells;

const F64: &[napi_typedarray_type] = &[FLOAT64_ARRAY];
const I32: &[napi_typedarray_type] = &[INT32_ARRAY];
const U8: &[napi_typedarray_type] = &[UINT8_ARRAY];

fn keep(ts: &[&Typed]) -> Vec<napi_value> {
    ts.iter().map(|t| t.value).collect()
}

/// `fillCornerCells(cells, cw, ch, x, y, state)`
pub unsafe fn fill_cells(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let cells = arg_typed(env, a[0], "cells", I32)?;
    let cw = arg_size(env, a[1], "cw", 1)?;
    let ch = arg_size(env, a[2], "ch", 1)?;
    let x = arg_typed(env, a[3], "x", F64)?;
    let y = arg_typed(env, a[4], "y", F64)?;
    let state = arg_typed(env, a[5], "state", U8)?;
    let n = format!("{cw}*{ch}");
    x.expect_len("x", cw * ch, &n)?;
    y.expect_len("y", cw * ch, &n)?;
    state.expect_len("state", cw * ch, &n)?;
    let all = [("cells", &cells), ("x", &x), ("y", &y), ("state", &state)];
    check_disjoint(&[("x", &x), ("y", &y)], &all)?;
    let (rc, rx, ry, rs) = (cells.raw::<i32>(), x.raw::<f64>(), y.raw::<f64>(), state.raw::<u8>());
    let job = move || {
        let (c, x, y, s) = unsafe { (rc.slice(), rx.slice_mut(), ry.slice_mut(), rs.slice()) };
        fill_corner_cells(c, cw, ch, x, y, s).map(|_| Outcome::Undefined).map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&cells, &x, &y, &state]) })
}

/// `coveredBounds(value, coverage, width, height, out)`: `out` = [i0, i1, j0, j1], i1 = −1 when none.
pub unsafe fn bounds(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let value = arg_typed(env, a[0], "value", F64)?;
    let coverage = arg_typed(env, a[1], "coverage", F64)?;
    let w = arg_size(env, a[2], "width", 1)?;
    let h = arg_size(env, a[3], "height", 1)?;
    let out = arg_typed(env, a[4], "out", I32)?;
    let n = format!("{w}*{h}");
    value.expect_len("value", w * h, &n)?;
    coverage.expect_len("coverage", w * h, &n)?;
    out.expect_len("out", 4, "")?;
    check_disjoint(&[("out", &out)], &[("value", &value), ("coverage", &coverage), ("out", &out)])?;
    let (rv, rc, ro) = (value.raw::<f64>(), coverage.raw::<f64>(), out.raw::<i32>());
    let job = move || {
        let (v, c, o) = unsafe { (rv.slice(), rc.slice(), ro.slice_mut()) };
        let b = covered_bounds(v, c, w, h).map_err(|e| e.to_string())?;
        o.copy_from_slice(&match b {
            Some((i0, i1, j0, j1)) => [i0 as i32, i1 as i32, j0 as i32, j1 as i32],
            None => [w as i32, -1, h as i32, -1],
        });
        Ok(Outcome::Undefined)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&value, &coverage, &out]) })
}

/// `cropWithArea(value, coverage, boxWidth, boxHeight, i0, j0, width, height, omega, linesX | null,
/// linesY | null, outValue, outArea)`: Ω per box pixel when the lines are null.
pub unsafe fn crop(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let value = arg_typed(env, a[0], "value", F64)?;
    let coverage = arg_typed(env, a[1], "coverage", F64)?;
    let bw = arg_size(env, a[2], "boxWidth", 1)?;
    let bh = arg_size(env, a[3], "boxHeight", 1)?;
    let i0 = arg_size(env, a[4], "i0", 0)?;
    let j0 = arg_size(env, a[5], "j0", 0)?;
    let w = arg_size(env, a[6], "width", 1)?;
    let h = arg_size(env, a[7], "height", 1)?;
    let omega = arg_typed(env, a[8], "omega", F64)?;
    let lines = if is_undefined(env, a[9]) {
        None
    } else {
        Some((arg_typed(env, a[9], "linesX", I32)?, arg_typed(env, a[10], "linesY", I32)?))
    };
    let out_v = arg_typed(env, a[11], "outValue", F64)?;
    let out_a = arg_typed(env, a[12], "outArea", F64)?;
    let n = format!("{bw}*{bh}");
    value.expect_len("value", bw * bh, &n)?;
    coverage.expect_len("coverage", bw * bh, &n)?;
    let m = format!("{w}*{h}");
    out_v.expect_len("outValue", w * h, &m)?;
    out_a.expect_len("outArea", w * h, &m)?;
    let mut all = vec![("value", &value), ("coverage", &coverage), ("omega", &omega), ("outValue", &out_v), ("outArea", &out_a)];
    if let Some((lx, ly)) = &lines {
        all.push(("linesX", lx));
        all.push(("linesY", ly));
    }
    check_disjoint(&[("outValue", &out_v), ("outArea", &out_a)], &all)?;
    let mut kept = keep(&[&value, &coverage, &omega, &out_v, &out_a]);
    let raw_lines = lines.map(|(lx, ly)| {
        kept.push(lx.value);
        kept.push(ly.value);
        (lx.raw::<i32>(), ly.raw::<i32>())
    });
    let (rv, rc, ro, rov, roa) = (value.raw::<f64>(), coverage.raw::<f64>(), omega.raw::<f64>(), out_v.raw::<f64>(), out_a.raw::<f64>());
    let job = move || {
        let (v, c, o, ov, oa) = unsafe { (rv.slice(), rc.slice(), ro.slice(), rov.slice_mut(), roa.slice_mut()) };
        let source = match raw_lines {
            Some((lx, ly)) => SolidAngles::Grid { samples: o, lines_x: unsafe { lx.slice() }, lines_y: unsafe { ly.slice() } },
            None => SolidAngles::Full(o),
        };
        crop_with_area(v, c, bw, bh, (i0, j0, w, h), &source, ov, oa).map(|_| Outcome::Undefined).map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: kept })
}

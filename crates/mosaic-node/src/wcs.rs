//! Argument checking and jobs for the WCS transforms (`mosaic_core::wcs`). A WCS arrives as
//! its flat Float64Array descriptor (layout in `mosaic_core::wcs::descriptor`, produced by
//! `src/wcs/native.ts`); it is parsed and compiled on the JS thread, so a bad descriptor
//! throws synchronously, and the job only touches memory.

use crate::js::*;
use crate::sys::*;
use crate::task::{Outcome, Prepared};
use mosaic_core::corner_grid::map_corner_grid;
use mosaic_core::solid_angle::pixel_solid_angles;
use mosaic_core::wcs::{descriptor, map_pixels, Wcs};

const F64: &[napi_typedarray_type] = &[FLOAT64_ARRAY];
const U8: &[napi_typedarray_type] = &[UINT8_ARRAY];
const I32: &[napi_typedarray_type] = &[INT32_ARRAY];

/// An optional row-major 3×3 frame rotation (undefined or null: none), copied.
unsafe fn arg_rotation(env: napi_env, v: napi_value) -> JsResult<Option<[f64; 9]>> {
    if is_undefined(env, v) {
        return Ok(None);
    }
    let r = arg_typed(env, v, "rot", F64)?;
    r.expect_len("rot", 9, "3*3")?;
    let mut m = [0.0; 9];
    m.copy_from_slice(r.raw::<f64>().slice());
    if m.iter().any(|v| !v.is_finite()) {
        return Err(JsError::Range("Expected finite values for rot but received a non-finite value".into()));
    }
    Ok(Some(m))
}

unsafe fn arg_wcs(env: napi_env, v: napi_value, name: &str) -> JsResult<(Wcs, Typed)> {
    let t = arg_typed(env, v, name, F64)?;
    let d = t.raw::<f64>();
    let params = descriptor::parse(d.slice()).map_err(|e| JsError::Range(format!("{name}: {e}")))?;
    let wcs = Wcs::new(&params).map_err(|e| JsError::Error(format!("{name}: {e}")))?;
    Ok((wcs, t))
}

/// Four coordinate arrays of one length, outputs disjoint from everything.
unsafe fn arg_coords(env: napi_env, a: &[napi_value], names: [&str; 4]) -> JsResult<[Typed; 4]> {
    let t = [
        arg_typed(env, a[0], names[0], F64)?,
        arg_typed(env, a[1], names[1], F64)?,
        arg_typed(env, a[2], names[2], F64)?,
        arg_typed(env, a[3], names[3], F64)?,
    ];
    let len_expr = format!("{}.length", names[0]);
    for k in 1..4 {
        t[k].expect_len(names[k], t[0].len, &len_expr)?;
    }
    let all: Vec<(&str, &Typed)> = names.iter().copied().zip(t.iter()).collect();
    check_disjoint(&all[2..], &all)?;
    Ok(t)
}

fn keep(ts: &[&Typed]) -> Vec<napi_value> {
    ts.iter().map(|t| t.value).collect()
}

/// `wcsPixToSky(desc, x, y, lon, lat)`: 1-based pixels → degrees, NaN off the projection.
pub unsafe fn pix_to_sky(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let (wcs, d) = arg_wcs(env, a[0], "desc")?;
    let [x, y, lon, lat] = arg_coords(env, &a[1..5], ["x", "y", "lon", "lat"])?;
    let (rx, ry, rl, rb) = (x.raw::<f64>(), y.raw::<f64>(), lon.raw::<f64>(), lat.raw::<f64>());
    let job = move || {
        let (x, y, l, b) = unsafe { (rx.slice(), ry.slice(), rl.slice_mut(), rb.slice_mut()) };
        wcs.pix_to_sky(x, y, l, b).map(|_| Outcome::Undefined).map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&d, &x, &y, &lon, &lat]) })
}

/// `wcsSkyToPix(desc, lon, lat, x, y)`: degrees → 1-based pixels, NaN off the projection.
pub unsafe fn sky_to_pix(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let (wcs, d) = arg_wcs(env, a[0], "desc")?;
    let [lon, lat, x, y] = arg_coords(env, &a[1..5], ["lon", "lat", "x", "y"])?;
    let (rl, rb, rx, ry) = (lon.raw::<f64>(), lat.raw::<f64>(), x.raw::<f64>(), y.raw::<f64>());
    let job = move || {
        let (l, b, x, y) = unsafe { (rl.slice(), rb.slice(), rx.slice_mut(), ry.slice_mut()) };
        wcs.sky_to_pix(l, b, x, y).map(|_| Outcome::Undefined).map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&d, &lon, &lat, &x, &y]) })
}

/// `wcsMapPixels(descFrom, descTo, rot3x3 | null, x, y, outX, outY, threads?)`: pixels of one
/// image → pixels of another (1-based), with an optional row-major frame rotation.
pub unsafe fn map(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let (from, df) = arg_wcs(env, a[0], "descFrom")?;
    let (to, dt) = arg_wcs(env, a[1], "descTo")?;
    let rot = arg_rotation(env, a[2])?;
    let mut kept = vec![df.value, dt.value];
    let [x, y, ox, oy] = arg_coords(env, &a[3..7], ["x", "y", "outX", "outY"])?;
    let threads = if is_undefined(env, a[7]) { 1 } else { arg_size(env, a[7], "threads", 1)? };
    kept.extend(keep(&[&x, &y, &ox, &oy]));
    let (rx, ry, rox, roy) = (x.raw::<f64>(), y.raw::<f64>(), ox.raw::<f64>(), oy.raw::<f64>());
    let job = move || {
        let (x, y, ox, oy) = unsafe { (rx.slice(), ry.slice(), rox.slice_mut(), roy.slice_mut()) };
        map_pixels(&from, &to, rot.as_ref(), x, y, ox, oy, threads)
            .map(|_| Outcome::Undefined)
            .map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: kept })
}

/// `wcsCornerGrid(descTemplate, descInput, rot | null, x0, y0, cw, ch, step, tol, x, y, state)`
/// → corners mapped exactly: `project`'s checked corner grid (`mosaic_core::corner_grid`).
pub unsafe fn corner_grid(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let (template, dt) = arg_wcs(env, a[0], "descTemplate")?;
    let (input, di) = arg_wcs(env, a[1], "descInput")?;
    let rot = arg_rotation(env, a[2])?;
    let x0 = arg_number(env, a[3], "x0", "a number")?;
    let y0 = arg_number(env, a[4], "y0", "a number")?;
    let cw = arg_size(env, a[5], "cw", 1)?;
    let ch = arg_size(env, a[6], "ch", 1)?;
    let step = arg_size(env, a[7], "step", 2)?;
    let tol = arg_number(env, a[8], "tol", "a positive number")?;
    if !(tol > 0.0) {
        return Err(JsError::Range(format!("Expected a positive number for tol but received {tol}")));
    }
    let x = arg_typed(env, a[9], "x", F64)?;
    let y = arg_typed(env, a[10], "y", F64)?;
    let state = arg_typed(env, a[11], "state", U8)?;
    let n = format!("{cw}*{ch}");
    x.expect_len("x", cw * ch, &n)?;
    y.expect_len("y", cw * ch, &n)?;
    state.expect_len("state", cw * ch, &n)?;
    let all = [("x", &x), ("y", &y), ("state", &state), ("descTemplate", &dt), ("descInput", &di)];
    check_disjoint(&all[..3], &all)?;
    let (rx, ry, rs) = (x.raw::<f64>(), y.raw::<f64>(), state.raw::<u8>());
    let job = move || {
        let (x, y, s) = unsafe { (rx.slice_mut(), ry.slice_mut(), rs.slice_mut()) };
        map_corner_grid(&template, &input, rot.as_ref(), x0, y0, cw, ch, step, tol, x, y, s)
            .map(|n| Outcome::Number(n as f64))
            .map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&dt, &di, &x, &y, &state]) })
}

/// `wcsPixelSolidAngles(desc, x0, y0, pixels, out)`: solid angles (sr) of the template pixels
/// `(x0 + i, y0 + j)` for the (i, j) pairs in `pixels` (Int32Array) into `out`.
pub unsafe fn solid_angles(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let (wcs, d) = arg_wcs(env, a[0], "desc")?;
    let x0 = arg_number(env, a[1], "x0", "a number")?;
    let y0 = arg_number(env, a[2], "y0", "a number")?;
    let pixels = arg_typed(env, a[3], "pixels", I32)?;
    let out = arg_typed(env, a[4], "out", F64)?;
    out.expect_len("out", pixels.len / 2, "pixels.length / 2")?;
    let all = [("out", &out), ("pixels", &pixels), ("desc", &d)];
    check_disjoint(&all[..1], &all)?;
    let (rp, ro) = (pixels.raw::<i32>(), out.raw::<f64>());
    let job = move || {
        let (p, o) = unsafe { (rp.slice(), ro.slice_mut()) };
        pixel_solid_angles(&wcs, x0, y0, p, o).map(|_| Outcome::Undefined).map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&d, &pixels, &out]) })
}

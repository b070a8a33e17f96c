//! Argument checking for each kernel and the job that runs it. Each `fn(env, argv)`
//! validates everything on the JS thread and returns a [`Prepared`] job that only
//! touches memory (so it may run on a pool thread).

use crate::js::*;
use crate::sys::*;
use crate::task::{Outcome, Prepared};
use mosaic_core::ResampleMethod;

const SAMPLE: &[napi_typedarray_type] = &[FLOAT32_ARRAY, FLOAT64_ARRAY];
const F64: &[napi_typedarray_type] = &[FLOAT64_ARRAY];
const U8: &[napi_typedarray_type] = &[UINT8_ARRAY];
const COUNT: &[napi_typedarray_type] = &[UINT32_ARRAY, FLOAT32_ARRAY];

/// A Float32Array or Float64Array input.
enum Samples {
    F32(RawSlice<f32>),
    F64(RawSlice<f64>),
}

fn samples(t: &Typed) -> Samples {
    if t.kind == FLOAT32_ARRAY {
        Samples::F32(t.raw())
    } else {
        Samples::F64(t.raw())
    }
}

/// Runs `$body` with `$v` bound to the input as `&[f32]` or `&[f64]`.
macro_rules! with_samples {
    ($s:expr, |$v:ident| $body:expr) => {
        match $s {
            Samples::F32(r) => {
                let $v = unsafe { r.slice() };
                $body
            }
            Samples::F64(r) => {
                let $v = unsafe { r.slice() };
                $body
            }
        }
    };
}

fn core_err(e: mosaic_core::KernelError) -> String {
    e.to_string()
}

fn keep(ts: &[&Typed]) -> Vec<napi_value> {
    ts.iter().map(|t| t.value).collect()
}

/// `reprojectExact(src, srcWidth, srcHeight, cornerX, cornerY, outWidth, outHeight,
/// value, coverage, rowStart?, rowEnd?, threads?)`
pub unsafe fn reproject_exact(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    reproject_exact_with(env, a, false)
}

/// `reprojectExactReference(...)`: same arguments as `reprojectExact`, computed by the
/// general clipping path for every pixel (one thread). For tests and benchmarks.
pub unsafe fn reproject_exact_reference(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    reproject_exact_with(env, a, true)
}

unsafe fn reproject_exact_with(env: napi_env, a: &[napi_value], reference: bool) -> JsResult<Prepared> {
    let src = arg_typed(env, a[0], "src", SAMPLE)?;
    let src_w = arg_size(env, a[1], "srcWidth", 1)?;
    let src_h = arg_size(env, a[2], "srcHeight", 1)?;
    src.expect_len("src", src_w * src_h, &format!("{src_w}*{src_h}"))?;
    let cx = arg_typed(env, a[3], "cornerX", F64)?;
    let cy = arg_typed(env, a[4], "cornerY", F64)?;
    let out_w = arg_size(env, a[5], "outWidth", 1)?;
    let out_h = arg_size(env, a[6], "outHeight", 1)?;
    let corners = format!("{}*{}", out_w + 1, out_h + 1);
    cx.expect_len("cornerX", (out_w + 1) * (out_h + 1), &corners)?;
    cy.expect_len("cornerY", (out_w + 1) * (out_h + 1), &corners)?;
    let value = arg_typed(env, a[7], "value", F64)?;
    let coverage = arg_typed(env, a[8], "coverage", F64)?;
    let y0 = if is_undefined(env, a[9]) { 0 } else { arg_size(env, a[9], "rowStart", 0)? };
    let y1 = if is_undefined(env, a[10]) { out_h } else { arg_size(env, a[10], "rowEnd", 0)? };
    if y1 > out_h || y0 > y1 {
        return Err(JsError::Range(format!(
            "Expected 0 <= rowStart <= rowEnd <= {out_h} for rows but received {y0}..{y1}"
        )));
    }
    let threads = if is_undefined(env, a[11]) { 1 } else { arg_size(env, a[11], "threads", 1)? };
    let n_out = out_w * (y1 - y0);
    let out_expr = format!("{out_w}*{}", y1 - y0);
    value.expect_len("value", n_out, &out_expr)?;
    coverage.expect_len("coverage", n_out, &out_expr)?;
    let all = [("src", &src), ("cornerX", &cx), ("cornerY", &cy), ("value", &value), ("coverage", &coverage)];
    check_disjoint(&[("value", &value), ("coverage", &coverage)], &all)?;

    let (s, rx, ry, rv, rc) = (samples(&src), cx.raw::<f64>(), cy.raw::<f64>(), value.raw::<f64>(), coverage.raw::<f64>());
    let job = move || {
        let (x, y, v, c) = unsafe { (rx.slice(), ry.slice(), rv.slice_mut(), rc.slice_mut()) };
        with_samples!(s, |src| if reference {
            mosaic_core::reproject::reproject_exact_rows_reference(src, src_w, src_h, x, y, out_w, out_h, y0, y1, v, c)
        } else {
            mosaic_core::reproject::reproject_exact_rows_parallel(src, src_w, src_h, x, y, out_w, out_h, y0, y1, v, c, threads)
        })
        .map(|_| Outcome::Undefined)
        .map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&src, &cx, &cy, &value, &coverage]) })
}

/// `resample(src, srcWidth, srcHeight, x, y, method, out)`
pub unsafe fn resample(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let src = arg_typed(env, a[0], "src", SAMPLE)?;
    let src_w = arg_size(env, a[1], "srcWidth", 1)?;
    let src_h = arg_size(env, a[2], "srcHeight", 1)?;
    src.expect_len("src", src_w * src_h, &format!("{src_w}*{src_h}"))?;
    let x = arg_typed(env, a[3], "x", F64)?;
    let y = arg_typed(env, a[4], "y", F64)?;
    y.expect_len("y", x.len, "x.length")?;
    let method = match arg_choice(env, a[5], "method", &["nearest", "bilinear", "lanczos3"])? {
        0 => ResampleMethod::Nearest,
        1 => ResampleMethod::Bilinear,
        _ => ResampleMethod::Lanczos3,
    };
    let out = arg_typed(env, a[6], "out", F64)?;
    out.expect_len("out", x.len, "x.length")?;
    check_disjoint(&[("out", &out)], &[("src", &src), ("x", &x), ("y", &y), ("out", &out)])?;

    let (s, rx, ry, ro) = (samples(&src), x.raw::<f64>(), y.raw::<f64>(), out.raw::<f64>());
    let job = move || {
        let (x, y, o) = unsafe { (rx.slice(), ry.slice(), ro.slice_mut()) };
        with_samples!(s, |src| mosaic_core::resample(src, src_w, src_h, x, y, method, o))
            .map(|_| Outcome::Undefined)
            .map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&src, &x, &y, &out]) })
}

/// `coaddAccumulate(sumVW, sumW, count, mosaicWidth, tileValue, tileWeight, tileWidth,
/// tileHeight, x0, y0)`
pub unsafe fn coadd_accumulate(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let svw = arg_typed(env, a[0], "sumVW", F64)?;
    let sw = arg_typed(env, a[1], "sumW", F64)?;
    // Optional (null): the mean needs no counts.
    let count = if type_of(env, a[2]) == NAPI_NULL { None } else { Some(arg_typed(env, a[2], "count", COUNT)?) };
    let mosaic_w = arg_size(env, a[3], "mosaicWidth", 1)?;
    if svw.len % mosaic_w != 0 {
        return Err(JsError::Range(format!(
            "Expected Float64Array of length mosaicWidth*mosaicHeight for sumVW but received Float64Array of length {} (mosaicWidth {mosaic_w})",
            svw.len
        )));
    }
    let mosaic_h = svw.len / mosaic_w;
    let m_expr = format!("{mosaic_w}*{mosaic_h}");
    sw.expect_len("sumW", svw.len, &m_expr)?;
    if let Some(c) = &count {
        c.expect_len("count", svw.len, &m_expr)?;
    }
    let tv = arg_typed(env, a[4], "tileValue", SAMPLE)?;
    let tw = arg_typed(env, a[5], "tileWeight", SAMPLE)?;
    let tile_w = arg_size(env, a[6], "tileWidth", 1)?;
    let tile_h = arg_size(env, a[7], "tileHeight", 1)?;
    let t_expr = format!("{tile_w}*{tile_h}");
    tv.expect_len("tileValue", tile_w * tile_h, &t_expr)?;
    tw.expect_len("tileWeight", tile_w * tile_h, &t_expr)?;
    let x0 = arg_int(env, a[8], "x0")?;
    let y0 = arg_int(env, a[9], "y0")?;
    // Optional plane: [a, b, c, crpix1, crpix2, originX, originY].
    let plane = if a.len() > 10 && !is_undefined(env, a[10]) && type_of(env, a[10]) != NAPI_NULL {
        let p = arg_typed(env, a[10], "plane", F64)?;
        p.expect_len("plane", 7, "")?;
        let v = p.raw::<f64>().slice();
        if v[5].fract() != 0.0 || v[6].fract() != 0.0 {
            return Err(JsError::Range("Expected integer plane origins (plane[5], plane[6])".into()));
        }
        Some(mosaic_core::coadd::PlaneCorrection { a: v[0], b: v[1], c: v[2], crpix1: v[3], crpix2: v[4], origin_x: v[5] as i64, origin_y: v[6] as i64 })
    } else {
        None
    };
    let mut all = vec![("sumVW", &svw), ("sumW", &sw), ("tileValue", &tv), ("tileWeight", &tw)];
    let mut outs = vec![("sumVW", &svw), ("sumW", &sw)];
    if let Some(c) = &count {
        all.push(("count", c));
        outs.push(("count", c));
    }
    check_disjoint(&outs, &all)?;

    let (rvw, rw, vals, wts) = (svw.raw::<f64>(), sw.raw::<f64>(), samples(&tv), samples(&tw));
    let count_raw = count.as_ref().map(|c| (c.kind == UINT32_ARRAY, c.raw::<u32>(), c.raw::<f32>()));
    let mut kept = vec![&svw, &sw, &tv, &tw];
    if let Some(c) = &count {
        kept.push(c);
    }
    let keep_values = keep(&kept);
    let job = move || {
        let (svw, sw) = unsafe { (rvw.slice_mut(), rw.slice_mut()) };
        with_samples!(vals, |v| with_samples!(wts, |w| match &count_raw {
            Some((true, n, _)) => {
                let n = unsafe { n.slice_mut() };
                mosaic_core::coadd_accumulate(svw, sw, Some(n), mosaic_w, v, w, tile_w, tile_h, x0, y0, plane.as_ref())
            }
            Some((false, _, n)) => {
                let n = unsafe { n.slice_mut() };
                mosaic_core::coadd_accumulate(svw, sw, Some(n), mosaic_w, v, w, tile_w, tile_h, x0, y0, plane.as_ref())
            }
            None => mosaic_core::coadd_accumulate::<_, _, u32>(svw, sw, None, mosaic_w, v, w, tile_w, tile_h, x0, y0, plane.as_ref()),
        }))
        .map(|_| Outcome::Undefined)
        .map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep_values })
}

/// `coaddFinishRowsBigEndian(sumVW, sumW, stride, x0, width, rows, outValue, outArea, threshold, clear)`
pub unsafe fn coadd_finish_rows_be(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let svw = arg_typed(env, a[0], "sumVW", F64)?;
    let sw = arg_typed(env, a[1], "sumW", F64)?;
    sw.expect_len("sumW", svw.len, "sumVW.length")?;
    let stride = arg_size(env, a[2], "stride", 1)?;
    let x0 = arg_size(env, a[3], "x0", 0)?;
    let width = arg_size(env, a[4], "width", 1)?;
    let rows = arg_size(env, a[5], "rows", 0)?;
    if x0 + width > stride || rows * stride > svw.len {
        return Err(JsError::Range(format!("Expected rows inside the sums ({} values, stride {stride}) but received {rows} rows of {width} from column {x0}", svw.len)));
    }
    let ov = arg_typed(env, a[6], "outValue", U8)?;
    let oa = arg_typed(env, a[7], "outArea", U8)?;
    let m = format!("8*{width}*{rows}");
    ov.expect_len("outValue", 8 * width * rows, &m)?;
    oa.expect_len("outArea", 8 * width * rows, &m)?;
    let threshold = arg_number(env, a[8], "threshold", "number")?;
    let clear = type_of(env, a[9]) == NAPI_BOOLEAN && {
        let mut b = false;
        check(napi_get_value_bool(env, a[9], &mut b), "napi_get_value_bool")?;
        b
    };
    let all = [("sumVW", &svw), ("sumW", &sw), ("outValue", &ov), ("outArea", &oa)];
    check_disjoint(&all, &all)?;
    let (rvw, rw, rov, roa) = (svw.raw::<f64>(), sw.raw::<f64>(), ov.raw::<u8>(), oa.raw::<u8>());
    let job = move || {
        let (vw, w, v, ar) = unsafe { (rvw.slice_mut(), rw.slice_mut(), rov.slice_mut(), roa.slice_mut()) };
        mosaic_core::coadd::coadd_finish_rows_be(vw, w, (stride, x0, width, rows), v, ar, threshold, clear).map(|_| Outcome::Undefined).map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&svw, &sw, &ov, &oa]) })
}

/// `coaddFinish(sumVW, sumW, out, threshold)`
pub unsafe fn coadd_finish(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let svw = arg_typed(env, a[0], "sumVW", F64)?;
    let sw = arg_typed(env, a[1], "sumW", F64)?;
    sw.expect_len("sumW", svw.len, "sumVW.length")?;
    let out = arg_typed(env, a[2], "out", F64)?;
    out.expect_len("out", svw.len, "sumVW.length")?;
    let threshold = arg_number(env, a[3], "threshold", "number")?;
    check_disjoint(&[("out", &out)], &[("sumVW", &svw), ("sumW", &sw), ("out", &out)])?;
    let (rvw, rw, ro) = (svw.raw::<f64>(), sw.raw::<f64>(), out.raw::<f64>());
    let job = move || {
        let (vw, w, o) = unsafe { (rvw.slice(), rw.slice(), ro.slice_mut()) };
        mosaic_core::coadd_finish(vw, w, o, threshold).map(|_| Outcome::Undefined).map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&svw, &sw, &out]) })
}

/// `imageStats(data)` → `{ finite, nan, min, max, sum }`
pub unsafe fn image_stats(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let data = arg_typed(env, a[0], "data", SAMPLE)?;
    let s = samples(&data);
    let job = move || Ok(Outcome::Stats(with_samples!(s, |d| mosaic_core::image_stats(d))));
    Ok(Prepared { job: Box::new(job), keep: keep(&[&data]) })
}

/// `histogram(data, min, max, nbins)` → Float64Array of counts
pub unsafe fn histogram(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let data = arg_typed(env, a[0], "data", SAMPLE)?;
    let min = arg_number(env, a[1], "min", "finite number")?;
    let max = arg_number(env, a[2], "max", "finite number")?;
    if !min.is_finite() || !max.is_finite() || !(min < max) {
        return Err(JsError::Range(format!("Expected finite min < max for range but received {min}..{max}")));
    }
    let nbins = arg_size(env, a[3], "nbins", 1)?;
    let s = samples(&data);
    let job = move || {
        with_samples!(s, |d| mosaic_core::histogram(d, min, max, nbins)).map(Outcome::Histogram).map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&data]) })
}

/// `medianStack(values, nImages, nPixels, out)`
pub unsafe fn median_stack(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let values = arg_typed(env, a[0], "values", F64)?;
    let n_images = arg_size(env, a[1], "nImages", 1)?;
    let n_pixels = arg_size(env, a[2], "nPixels", 0)?;
    values.expect_len("values", n_images * n_pixels, &format!("{n_images}*{n_pixels}"))?;
    let out = arg_typed(env, a[3], "out", F64)?;
    out.expect_len("out", n_pixels, "")?;
    check_disjoint(&[("out", &out)], &[("values", &values), ("out", &out)])?;
    let (rv, ro) = (values.raw::<f64>(), out.raw::<f64>());
    let job = move || {
        let (v, o) = unsafe { (rv.slice(), ro.slice_mut()) };
        mosaic_core::median_stack(v, n_images, n_pixels, o).map(|_| Outcome::Undefined).map_err(core_err)
    };
    Ok(Prepared { job: Box::new(job), keep: keep(&[&values, &out]) })
}

//! Argument checking and the job for mDiff's pixel work (`mosaic_core::diff`). Synchronous:
//! one difference is a millisecond or so and runs inside a worker's per-pair task.

use crate::js::*;
use crate::sys::*;
use crate::task::{Outcome, Prepared};
use mosaic_core::diff::{diff_images, DiffOptions, Placed};
use std::cell::RefCell;

const F64: &[napi_typedarray_type] = &[FLOAT64_ARRAY];

thread_local! {
    /// The uncropped difference, reused by the pairs on this thread.
    static WORK: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// `diffImages(plusValue, plusArea, minusValue, minusArea, geometry, outValue, outArea, info)`:
/// `geometry` = [plus x0, y0, width, height, minus x0, y0, width, height, box xa, ya, w, h,
/// factor, tolerance, noAreas (0/1)]; `info` (6) receives [found (0/1), i0, j0, width, height, npixel].
pub unsafe fn diff(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let names = ["plusValue", "plusArea", "minusValue", "minusArea", "geometry", "outValue", "outArea", "info"];
    let mut t = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        t.push(arg_typed(env, a[k], name, F64)?);
    }
    t[4].expect_len("geometry", 15, "")?;
    t[7].expect_len("info", 6, "")?;
    let g = t[4].raw::<f64>().slice().to_vec();
    let int = |x: f64, name: &str| -> JsResult<i64> {
        if x.fract() == 0.0 && x.abs() < 9e15 {
            Ok(x as i64)
        } else {
            Err(JsError::Range(format!("Expected an integer for geometry {name} but received {x}")))
        }
    };
    let size = |x: f64, name: &str| -> JsResult<usize> {
        let v = int(x, name)?;
        usize::try_from(v).map_err(|_| JsError::Range(format!("Expected a size for geometry {name} but received {x}")))
    };
    let (px0, py0, pw, ph) = (int(g[0], "plus x0")?, int(g[1], "plus y0")?, size(g[2], "plus width")?, size(g[3], "plus height")?);
    let (mx0, my0, mw, mh) = (int(g[4], "minus x0")?, int(g[5], "minus y0")?, size(g[6], "minus width")?, size(g[7], "minus height")?);
    let (xa, ya, w, h) = (int(g[8], "xa")?, int(g[9], "ya")?, size(g[10], "w")?, size(g[11], "h")?);
    let opts = DiffOptions { factor: g[12], tolerance: g[13], no_areas: g[14] != 0.0 };
    t[0].expect_len("plusValue", pw * ph, &format!("{pw}*{ph}"))?;
    t[1].expect_len("plusArea", pw * ph, &format!("{pw}*{ph}"))?;
    t[2].expect_len("minusValue", mw * mh, &format!("{mw}*{mh}"))?;
    t[3].expect_len("minusArea", mw * mh, &format!("{mw}*{mh}"))?;
    if t[5].len < w * h || t[6].len < w * h {
        return Err(JsError::Range(format!("Expected outValue and outArea of at least {w}*{h} values")));
    }
    let all: Vec<(&str, &Typed)> = names.iter().copied().zip(t.iter()).collect();
    check_disjoint(&[("outValue", &t[5]), ("outArea", &t[6]), ("info", &t[7])], &all)?;
    let raws: Vec<_> = t.iter().map(|x| x.raw::<f64>()).collect();
    let keep_values: Vec<napi_value> = t.iter().map(|x| x.value).collect();
    let job = move || {
        let s = |k: usize| unsafe { raws[k].slice() };
        let plus = Placed { value: s(0), area: s(1), x0: px0, y0: py0, width: pw, height: ph };
        let minus = Placed { value: s(2), area: s(3), x0: mx0, y0: my0, width: mw, height: mh };
        let (ov, oa, info) = unsafe { (raws[5].slice_mut(), raws[6].slice_mut(), raws[7].slice_mut()) };
        let crop = WORK.with(|cell| {
            let mut work = cell.take();
            let r = diff_images(&plus, &minus, (xa, ya, w, h), &opts, ov, oa, &mut work);
            cell.replace(work);
            r
        });
        match crop.map_err(|e| e.to_string())? {
            None => info.copy_from_slice(&[0.0; 6]),
            Some(c) => info.copy_from_slice(&[1.0, c.i0 as f64, c.j0 as f64, c.width as f64, c.height as f64, c.npixel as f64]),
        }
        Ok(Outcome::Undefined)
    };
    Ok(Prepared { job: Box::new(job), keep: keep_values })
}

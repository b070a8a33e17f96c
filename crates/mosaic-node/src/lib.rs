//! mosaic-node: the Node-API binding of mosaic-core, written by hand against the C API
//! (no napi-rs, no external crates). It validates arguments, views typed arrays without
//! copying, and calls the kernels — nothing else.
//!
//! Every kernel is exported twice: `name(...)` runs on the JS thread, `nameAsync(...)`
//! runs on the libuv pool and returns a promise (outputs are written in place; the typed
//! arrays passed in are kept alive until the promise settles and must not be touched
//! meanwhile). Registration is context-aware (no global state), so the addon loads in
//! worker threads.

mod js;
mod diff;
mod kernels;
mod memory;
mod plane_fit;
mod project;
mod sys;
mod task;
mod wcs;

use js::{export, JsResult};
use sys::{napi_callback_info, napi_env, napi_value};

macro_rules! exports {
    ($( $js:literal => $prep:path, $mode:ident; )*) => {
        unsafe fn register(env: napi_env, exports: napi_value) -> JsResult<()> {
            $(
                {
                    unsafe extern "C" fn cb(env: napi_env, info: napi_callback_info) -> napi_value {
                        unsafe fn body(env: napi_env, argv: &[napi_value]) -> JsResult<napi_value> {
                            let prepared = $prep(env, argv)?;
                            exports!(@run $mode, env, $js, prepared)
                        }
                        js::call(env, info, body)
                    }
                    export(env, exports, $js, cb)?;
                }
            )*
            export(env, exports, "version", version)?;
            Ok(())
        }
    };
    (@run sync, $env:ident, $js:literal, $p:ident) => { task::run_sync($env, $p) };
    (@run async, $env:ident, $js:literal, $p:ident) => { task::run_async($env, $js, $p) };
}

exports! {
    "reprojectExact" => kernels::reproject_exact, sync;
    "reprojectExactAsync" => kernels::reproject_exact, async;
    "reprojectExactReference" => kernels::reproject_exact_reference, sync;
    "resample" => kernels::resample, sync;
    "resampleAsync" => kernels::resample, async;
    "coaddAccumulate" => kernels::coadd_accumulate, sync;
    "coaddAccumulateAsync" => kernels::coadd_accumulate, async;
    "coaddFinish" => kernels::coadd_finish, sync;
    "coaddFinishRowsBigEndian" => kernels::coadd_finish_rows_be, sync;
    "imageStats" => kernels::image_stats, sync;
    "imageStatsAsync" => kernels::image_stats, async;
    "histogram" => kernels::histogram, sync;
    "histogramAsync" => kernels::histogram, async;
    "medianStack" => kernels::median_stack, sync;
    "medianStackAsync" => kernels::median_stack, async;
    "wcsPixToSky" => wcs::pix_to_sky, sync;
    "wcsPixToSkyAsync" => wcs::pix_to_sky, async;
    "wcsSkyToPix" => wcs::sky_to_pix, sync;
    "wcsSkyToPixAsync" => wcs::sky_to_pix, async;
    "wcsMapPixels" => wcs::map, sync;
    "wcsMapPixelsAsync" => wcs::map, async;
    "wcsCornerGrid" => wcs::corner_grid, sync;
    "wcsPixelSolidAngles" => wcs::solid_angles, sync;
    "fillCornerCells" => project::fill_cells, sync;
    "coveredBounds" => project::bounds, sync;
    "cropWithArea" => project::crop, sync;
    "planeFitPasses" => plane_fit::passes, sync;
    "gatherPoints" => plane_fit::gather, sync;
    "alignmentOffset" => memory::alignment_offset, sync;
    "swapBytes" => memory::swap_bytes, sync;
    "diffImages" => diff::diff, sync;
}

/// `version()` → `{ version, backend, target }`.
unsafe extern "C" fn version(env: napi_env, info: napi_callback_info) -> napi_value {
    unsafe fn body(env: napi_env, _argv: &[napi_value]) -> JsResult<napi_value> {
        let target = format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS);
        js::object(
            env,
            &[
                ("version", js::string(env, mosaic_core::VERSION)?),
                ("backend", js::string(env, "native")?),
                ("target", js::string(env, &target)?),
            ],
        )
    }
    js::call(env, info, body)
}

/// Module entry point (Node-API context-aware registration).
///
/// # Safety
/// Called by Node with a valid `env` and `exports`.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    let ok = std::panic::catch_unwind(|| register(env, exports));
    match ok {
        Ok(Ok(())) => {}
        Ok(Err(e)) => js::throw(env, &e),
        Err(p) => js::throw(env, &js::JsError::Error(js::panic_message(p.as_ref()))),
    }
    exports
}

/// The Node-API version this addon targets.
#[no_mangle]
pub extern "C" fn node_api_module_get_api_version_v1() -> i32 {
    8
}

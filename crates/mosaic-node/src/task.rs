//! Kernel jobs and how they run: synchronously on the JS thread, or as Node-API async
//! work on the libuv pool with a promise. Async work keeps a reference to every typed
//! array it reads or writes until it completes, so the memory stays alive.

use crate::js::*;
use crate::sys::*;
use mosaic_core::ImageStats;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::null_mut;

/// What a kernel hands back to JavaScript.
pub enum Outcome {
    Undefined,
    Number(f64),
    Stats(ImageStats),
    Histogram(Vec<u64>),
}

/// A validated kernel call, ready to run on any thread.
pub type Job = Box<dyn FnOnce() -> Result<Outcome, String> + Send>;

/// A job plus the JS values it borrows.
pub struct Prepared {
    pub job: Job,
    pub keep: Vec<napi_value>,
}

unsafe fn to_js(env: napi_env, outcome: Outcome) -> JsResult<napi_value> {
    match outcome {
        Outcome::Undefined => undefined(env),
        Outcome::Number(x) => number(env, x),
        Outcome::Stats(s) => object(
            env,
            &[
                ("finite", number(env, s.finite as f64)?),
                ("nan", number(env, s.nan as f64)?),
                ("min", number(env, s.min)?),
                ("max", number(env, s.max)?),
                ("sum", number(env, s.sum)?),
            ],
        ),
        Outcome::Histogram(bins) => {
            let as_f64: Vec<f64> = bins.iter().map(|&b| b as f64).collect();
            float64_array(env, &as_f64)
        }
    }
}

fn run_caught(job: Job) -> Result<Outcome, String> {
    catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|p| Err(panic_message(p.as_ref())))
}

/// Runs the job now, on the calling (JS) thread.
pub unsafe fn run_sync(env: napi_env, p: Prepared) -> JsResult<napi_value> {
    match run_caught(p.job) {
        Ok(o) => to_js(env, o),
        Err(m) => Err(JsError::Error(m)),
    }
}

struct Task {
    work: napi_async_work,
    deferred: napi_deferred,
    refs: Vec<napi_ref>,
    job: Option<Job>,
    result: Option<Result<Outcome, String>>,
}

/// Queues the job as async work and returns its promise.
pub unsafe fn run_async(env: napi_env, name: &str, p: Prepared) -> JsResult<napi_value> {
    let mut deferred = null_mut();
    let mut promise = null_mut();
    check(napi_create_promise(env, &mut deferred, &mut promise), "napi_create_promise")?;
    let mut task = Box::new(Task { work: null_mut(), deferred, refs: Vec::new(), job: Some(p.job), result: None });
    for v in p.keep {
        let mut r = null_mut();
        check(napi_create_reference(env, v, 1, &mut r), "napi_create_reference")?;
        task.refs.push(r);
    }
    let resource_name = string(env, name)?;
    let raw = Box::into_raw(task);
    let mut work = null_mut();
    let created = napi_create_async_work(env, null_mut(), resource_name, execute, complete, raw.cast(), &mut work);
    if created != NAPI_OK {
        let task = Box::from_raw(raw);
        release(env, &task);
        return Err(JsError::Error(format!("Node-API call napi_create_async_work failed with status {created}")));
    }
    (*raw).work = work;
    let queued = napi_queue_async_work(env, work);
    if queued != NAPI_OK {
        let task = Box::from_raw(raw);
        release(env, &task);
        napi_delete_async_work(env, work);
        return Err(JsError::Error(format!("Node-API call napi_queue_async_work failed with status {queued}")));
    }
    Ok(promise)
}

unsafe fn release(env: napi_env, task: &Task) {
    for &r in &task.refs {
        napi_delete_reference(env, r);
    }
}

/// Runs on a libuv pool thread: must not touch `env`.
unsafe extern "C" fn execute(_env: napi_env, data: *mut c_void) {
    let task = &mut *(data as *mut Task);
    if let Some(job) = task.job.take() {
        task.result = Some(run_caught(job));
    }
}

/// Runs on the JS thread after `execute`: settles the promise and frees everything.
unsafe extern "C" fn complete(env: napi_env, _status: napi_status, data: *mut c_void) {
    let task = Box::from_raw(data as *mut Task);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        release(env, &task);
        let settled = match task.result {
            Some(Ok(o)) => to_js(env, o).map(Ok),
            Some(Err(m)) => Ok(Err(m)),
            None => Ok(Err("mosaic native work was cancelled".to_string())),
        };
        match settled {
            Ok(Ok(v)) => {
                napi_resolve_deferred(env, task.deferred, v);
            }
            Ok(Err(m)) | Err(JsError::Error(m) | JsError::Type(m) | JsError::Range(m)) => {
                let mut err = null_mut();
                if let Ok(msg) = string(env, &m) {
                    napi_create_error(env, null_mut(), msg, &mut err);
                }
                napi_reject_deferred(env, task.deferred, err);
            }
        }
        napi_delete_async_work(env, task.work);
    }));
}

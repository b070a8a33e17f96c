//! Small safe-ish layer over the raw Node-API calls: argument checking with one message
//! format (after sharp: `Expected positive integer for width but received 1.5 of type
//! number`), typed-array views, value creation, and the panic-catching call wrapper.

use crate::sys::*;
use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{null, null_mut};

/// A JavaScript exception to throw (or a promise rejection).
#[derive(Debug)]
pub enum JsError {
    Type(String),
    Range(String),
    Error(String),
}

pub type JsResult<T> = Result<T, JsError>;

/// Turns a failing Node-API status into an `Error`.
pub fn check(status: napi_status, what: &str) -> JsResult<()> {
    if status == NAPI_OK {
        Ok(())
    } else {
        Err(JsError::Error(format!("Node-API call {what} failed with status {status}")))
    }
}

fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// Throws `e` unless an exception is already pending.
pub unsafe fn throw(env: napi_env, e: &JsError) {
    let mut pending = false;
    napi_is_exception_pending(env, &mut pending);
    if pending {
        return;
    }
    match e {
        JsError::Type(m) => napi_throw_type_error(env, null(), cstring(m).as_ptr()),
        JsError::Range(m) => napi_throw_range_error(env, null(), cstring(m).as_ptr()),
        JsError::Error(m) => napi_throw_error(env, null(), cstring(m).as_ptr()),
    };
}

/// Text of a caught panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("mosaic native kernel panicked: {what}")
}

/// Maximum arguments any export takes.
const MAX_ARGS: usize = 16;

/// Body of every exported function: reads the arguments (missing ones are `undefined`),
/// runs `f` with panics caught, and throws its error.
pub unsafe fn call(
    env: napi_env,
    info: napi_callback_info,
    f: unsafe fn(napi_env, &[napi_value]) -> JsResult<napi_value>,
) -> napi_value {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut argc = MAX_ARGS;
        let mut argv = [null_mut(); MAX_ARGS];
        check(napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), null_mut(), null_mut()), "napi_get_cb_info")?;
        f(env, &argv)
    }));
    match result {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            throw(env, &e);
            null_mut()
        }
        Err(payload) => {
            throw(env, &JsError::Error(panic_message(payload.as_ref())));
            null_mut()
        }
    }
}

pub unsafe fn type_of(env: napi_env, v: napi_value) -> napi_valuetype {
    let mut t = NAPI_UNDEFINED;
    napi_typeof(env, v, &mut t);
    t
}

fn type_name(t: napi_valuetype) -> &'static str {
    match t {
        NAPI_UNDEFINED => "undefined",
        NAPI_NULL => "object",
        NAPI_BOOLEAN => "boolean",
        NAPI_NUMBER => "number",
        NAPI_STRING => "string",
        NAPI_SYMBOL => "symbol",
        NAPI_FUNCTION => "function",
        NAPI_BIGINT => "bigint",
        _ => "object",
    }
}

pub fn typed_name(kind: napi_typedarray_type) -> &'static str {
    match kind {
        INT8_ARRAY => "Int8Array",
        UINT8_ARRAY => "Uint8Array",
        UINT8_CLAMPED_ARRAY => "Uint8ClampedArray",
        INT16_ARRAY => "Int16Array",
        UINT16_ARRAY => "Uint16Array",
        INT32_ARRAY => "Int32Array",
        UINT32_ARRAY => "Uint32Array",
        FLOAT32_ARRAY => "Float32Array",
        FLOAT64_ARRAY => "Float64Array",
        BIGINT64_ARRAY => "BigInt64Array",
        BIGUINT64_ARRAY => "BigUint64Array",
        _ => "TypedArray",
    }
}

/// JavaScript's rendering of a number (integers without a fraction).
fn js_number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        (if v > 0.0 { "Infinity" } else { "-Infinity" }).into()
    } else if v == v.trunc() && v.abs() < 1e21 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `1.5 of type number`, `abc of type string`, `Int16Array of length 12`, …
pub unsafe fn describe(env: napi_env, v: napi_value) -> String {
    let t = type_of(env, v);
    match t {
        NAPI_NUMBER => {
            let mut d = 0.0;
            napi_get_value_double(env, v, &mut d);
            format!("{} of type number", js_number(d))
        }
        NAPI_STRING => format!("{} of type string", get_string(env, v).unwrap_or_default()),
        NAPI_BOOLEAN => {
            let mut b = false;
            napi_get_value_bool(env, v, &mut b);
            format!("{b} of type boolean")
        }
        NAPI_UNDEFINED => "undefined of type undefined".into(),
        NAPI_NULL => "null of type object".into(),
        NAPI_OBJECT => {
            let mut is_typed = false;
            napi_is_typedarray(env, v, &mut is_typed);
            if is_typed {
                let t = typed_info(env, v).ok();
                t.map(|t| format!("{} of length {}", typed_name(t.kind), t.len)).unwrap_or_else(|| "TypedArray".into())
            } else {
                "object of type object".into()
            }
        }
        other => format!("value of type {}", type_name(other)),
    }
}

unsafe fn get_string(env: napi_env, v: napi_value) -> JsResult<String> {
    let mut len = 0usize;
    check(napi_get_value_string_utf8(env, v, null_mut(), 0, &mut len), "napi_get_value_string_utf8")?;
    let mut buf = vec![0u8; len + 1];
    check(napi_get_value_string_utf8(env, v, buf.as_mut_ptr().cast(), len + 1, &mut len), "napi_get_value_string_utf8")?;
    buf.truncate(len);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn is_undefined(env: napi_env, v: napi_value) -> bool {
    v.is_null() || unsafe { matches!(type_of(env, v), NAPI_UNDEFINED | NAPI_NULL) }
}

/// A number argument, or a TypeError naming the argument.
pub unsafe fn arg_number(env: napi_env, v: napi_value, name: &str, expected: &str) -> JsResult<f64> {
    if type_of(env, v) != NAPI_NUMBER {
        return Err(JsError::Type(format!("Expected {expected} for {name} but received {}", describe(env, v))));
    }
    let mut d = 0.0;
    check(napi_get_value_double(env, v, &mut d), "napi_get_value_double")?;
    Ok(d)
}

/// An integer in `[min, 2^31)` (sizes, counts, indices).
pub unsafe fn arg_size(env: napi_env, v: napi_value, name: &str, min: usize) -> JsResult<usize> {
    let expected = if min >= 1 { "positive integer" } else { "non-negative integer" };
    let d = arg_number(env, v, name, expected)?;
    if d.trunc() != d || d < min as f64 || d >= 2147483648.0 {
        return Err(JsError::Range(format!("Expected {expected} for {name} but received {}", describe(env, v))));
    }
    Ok(d as usize)
}

/// A (possibly negative) integer offset.
pub unsafe fn arg_int(env: napi_env, v: napi_value, name: &str) -> JsResult<i64> {
    let d = arg_number(env, v, name, "integer")?;
    if d.trunc() != d || d.abs() >= 2147483648.0 {
        return Err(JsError::Range(format!("Expected integer for {name} but received {}", describe(env, v))));
    }
    Ok(d as i64)
}

/// A string argument that must be one of `choices`.
pub unsafe fn arg_choice(env: napi_env, v: napi_value, name: &str, choices: &[&str]) -> JsResult<usize> {
    let expected = format!("one of {}", choices.join(", "));
    if type_of(env, v) != NAPI_STRING {
        return Err(JsError::Type(format!("Expected {expected} for {name} but received {}", describe(env, v))));
    }
    let s = get_string(env, v)?;
    choices
        .iter()
        .position(|c| *c == s)
        .ok_or_else(|| JsError::Range(format!("Expected {expected} for {name} but received {}", describe(env, v))))
}

/// A typed array argument: its kind, element count and data pointer.
#[derive(Clone, Copy)]
pub struct Typed {
    pub value: napi_value,
    pub kind: napi_typedarray_type,
    pub len: usize,
    pub data: *mut c_void,
}

unsafe fn typed_info(env: napi_env, v: napi_value) -> JsResult<Typed> {
    let mut kind = 0;
    let mut len = 0usize;
    let mut data: *mut c_void = null_mut();
    let mut offset = 0usize;
    let mut buffer: napi_value = null_mut();
    check(
        napi_get_typedarray_info(env, v, &mut kind, &mut len, &mut data, &mut buffer, &mut offset),
        "napi_get_typedarray_info",
    )?;
    Ok(Typed { value: v, kind, len, data })
}

fn kinds_text(allowed: &[napi_typedarray_type]) -> String {
    allowed.iter().map(|&k| typed_name(k)).collect::<Vec<_>>().join(" or ")
}

/// A typed array of one of the `allowed` kinds, else a TypeError.
pub unsafe fn arg_typed(env: napi_env, v: napi_value, name: &str, allowed: &[napi_typedarray_type]) -> JsResult<Typed> {
    let mut is_typed = false;
    if !v.is_null() {
        check(napi_is_typedarray(env, v, &mut is_typed), "napi_is_typedarray")?;
    }
    let t = if is_typed { Some(typed_info(env, v)?) } else { None };
    match t {
        Some(t) if allowed.contains(&t.kind) => Ok(t),
        _ => Err(JsError::Type(format!("Expected {} for {name} but received {}", kinds_text(allowed), describe(env, v)))),
    }
}

impl Typed {
    /// RangeError unless the array has `expected` elements; `expr` is how the length was
    /// derived (e.g. `1025*1025`).
    pub fn expect_len(&self, name: &str, expected: usize, expr: &str) -> JsResult<()> {
        if self.len == expected {
            return Ok(());
        }
        let k = typed_name(self.kind);
        let expr = if expr.is_empty() { expected.to_string() } else { expr.to_string() };
        Err(JsError::Range(format!("Expected {k} of length {expr} for {name} but received {k} of length {}", self.len)))
    }

    fn bytes(&self) -> (usize, usize) {
        let size = match self.kind {
            FLOAT64_ARRAY | BIGINT64_ARRAY | BIGUINT64_ARRAY => 8,
            FLOAT32_ARRAY | INT32_ARRAY | UINT32_ARRAY => 4,
            INT16_ARRAY | UINT16_ARRAY => 2,
            _ => 1,
        };
        let start = self.data as usize;
        (start, start + self.len * size)
    }

    /// A raw view (valid while the typed array is alive and not detached).
    pub fn raw<T>(&self) -> RawSlice<T> {
        RawSlice { ptr: self.data.cast(), len: self.len }
    }
}

/// Error unless every output's memory is disjoint from every other array argument's,
/// so a `&mut` slice never aliases another slice.
pub fn check_disjoint(outputs: &[(&str, &Typed)], all: &[(&str, &Typed)]) -> JsResult<()> {
    for (oname, o) in outputs {
        let (a0, a1) = o.bytes();
        for (name, t) in all {
            if name == oname || a0 == a1 {
                continue;
            }
            let (b0, b1) = t.bytes();
            if b0 < a1 && a0 < b1 {
                return Err(JsError::Error(format!("Expected {oname} not to share memory with {name}")));
            }
        }
    }
    Ok(())
}

/// A pointer + length that may cross to a worker thread. The owner (async work) keeps the
/// backing typed array referenced until the work completes.
pub struct RawSlice<T> {
    ptr: *mut T,
    len: usize,
}

unsafe impl<T> Send for RawSlice<T> {}

impl<T> RawSlice<T> {
    fn base(&self) -> *mut T {
        if self.ptr.is_null() || self.len == 0 {
            std::ptr::NonNull::dangling().as_ptr()
        } else {
            self.ptr
        }
    }
    /// # Safety
    /// The backing memory must be alive and not mutated elsewhere for `'a`.
    pub unsafe fn slice<'a>(&self) -> &'a [T] {
        std::slice::from_raw_parts(self.base(), self.len)
    }
    /// # Safety
    /// The backing memory must be alive and not aliased elsewhere for `'a`.
    pub unsafe fn slice_mut<'a>(&self) -> &'a mut [T] {
        std::slice::from_raw_parts_mut(self.base(), self.len)
    }
}

pub unsafe fn undefined(env: napi_env) -> JsResult<napi_value> {
    let mut v = null_mut();
    check(napi_get_undefined(env, &mut v), "napi_get_undefined")?;
    Ok(v)
}

pub unsafe fn number(env: napi_env, d: f64) -> JsResult<napi_value> {
    let mut v = null_mut();
    check(napi_create_double(env, d, &mut v), "napi_create_double")?;
    Ok(v)
}

pub unsafe fn string(env: napi_env, s: &str) -> JsResult<napi_value> {
    let mut v = null_mut();
    check(napi_create_string_utf8(env, s.as_ptr().cast(), s.len(), &mut v), "napi_create_string_utf8")?;
    Ok(v)
}

/// A plain object from `(name, value)` pairs.
pub unsafe fn object(env: napi_env, fields: &[(&str, napi_value)]) -> JsResult<napi_value> {
    let mut obj = null_mut();
    check(napi_create_object(env, &mut obj), "napi_create_object")?;
    for (name, v) in fields {
        check(napi_set_named_property(env, obj, cstring(name).as_ptr(), *v), "napi_set_named_property")?;
    }
    Ok(obj)
}

/// A new Float64Array holding `values`.
pub unsafe fn float64_array(env: napi_env, values: &[f64]) -> JsResult<napi_value> {
    let mut data: *mut c_void = null_mut();
    let mut buffer = null_mut();
    check(napi_create_arraybuffer(env, values.len() * 8, &mut data, &mut buffer), "napi_create_arraybuffer")?;
    if !values.is_empty() {
        std::ptr::copy_nonoverlapping(values.as_ptr(), data.cast::<f64>(), values.len());
    }
    let mut arr = null_mut();
    check(napi_create_typedarray(env, FLOAT64_ARRAY, values.len(), buffer, 0, &mut arr), "napi_create_typedarray")?;
    Ok(arr)
}

/// Adds `name` as a function on `exports`.
pub unsafe fn export(env: napi_env, exports: napi_value, name: &str, cb: napi_callback) -> JsResult<()> {
    let mut f = null_mut();
    let cname = cstring(name);
    check(napi_create_function(env, cname.as_ptr(), NAPI_AUTO_LENGTH, cb, null_mut(), &mut f), "napi_create_function")?;
    check(napi_set_named_property(env, exports, cname.as_ptr(), f), "napi_set_named_property")
}

//! Byte-level helpers for the FITS I/O:
//! - `alignmentOffset(bytes, align)`: how many bytes into a typed array its memory reaches an
//!   `align`-byte boundary. JavaScript cannot see addresses, and O_DIRECT file writes need
//!   buffers aligned to the device's block size (src/util/direct-write.ts carves them out of a
//!   slightly larger array; array buffers never move).
//! - `swapBytes(bytes, size)`: big-endian pixels to the machine's order in place
//!   (mosaic_core::byte_swap; src/fits/pixels.ts).

use crate::js::*;
use crate::sys::*;
use crate::task::{Outcome, Prepared};

const U8: &[napi_typedarray_type] = &[UINT8_ARRAY];

/// `alignmentOffset(bytes, align)` → number in `0..align`.
pub unsafe fn alignment_offset(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let bytes = arg_typed(env, a[0], "bytes", U8)?;
    let align = arg_size(env, a[1], "align", 1)?;
    if !align.is_power_of_two() {
        return Err(JsError::Range(format!("Expected a power of two for align but received {align}")));
    }
    let address = bytes.data as usize;
    let skip = (align - address % align) % align;
    Ok(Prepared { job: Box::new(move || Ok(Outcome::Number(skip as f64))), keep: vec![bytes.value] })
}

/// `swapBytes(bytes, size)`: reverses each `size`-byte element of `bytes` in place.
pub unsafe fn swap_bytes(env: napi_env, a: &[napi_value]) -> JsResult<Prepared> {
    let bytes = arg_typed(env, a[0], "bytes", U8)?;
    let size = arg_size(env, a[1], "size", 2)?;
    let raw = bytes.raw::<u8>();
    let job = move || {
        let data = unsafe { raw.slice_mut() };
        mosaic_core::byte_swap::swap_bytes(data, size).map(|_| Outcome::Undefined).map_err(|e| e.to_string())
    };
    Ok(Prepared { job: Box::new(job), keep: vec![bytes.value] })
}

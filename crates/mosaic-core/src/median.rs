//! Per-pixel median of a stack of images (mAdd `-a median`), ignoring blank samples.
//!
//! Reference: Montage mAdd's median mode. Even counts give the mean of the two middle
//! values, computed as `0.5 * (a + b)` in both this and the TypeScript twin.

use crate::error::{check_len, KernelError};

/// `out[p]` = median of the finite `values[img * n_pixels + p]` over `img < n_images`,
/// NaN when none is finite.
///
/// Errors: [`KernelError::Length`] when `values.len() != n_images * n_pixels` or
/// `out.len() != n_pixels`.
pub fn median_stack(values: &[f64], n_images: usize, n_pixels: usize, out: &mut [f64]) -> Result<(), KernelError> {
    check_len("values", n_images * n_pixels, values.len())?;
    check_len("out", n_pixels, out.len())?;
    let mut buf: Vec<f64> = Vec::with_capacity(n_images);
    for (p, o) in out.iter_mut().enumerate() {
        buf.clear();
        buf.extend((0..n_images).map(|img| values[img * n_pixels + p]).filter(|v| v.is_finite()));
        *o = median_of(&mut buf);
    }
    Ok(())
}

/// Median of finite values (sorts `buf` in place); NaN for an empty slice.
fn median_of(buf: &mut [f64]) -> f64 {
    let n = buf.len();
    if n == 0 {
        return f64::NAN;
    }
    buf.sort_unstable_by(|a, b| a.total_cmp(b));
    if n % 2 == 1 {
        buf[n / 2]
    } else {
        0.5 * (buf[n / 2 - 1] + buf[n / 2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_even_and_blank() {
        // 3 images x 3 pixels.
        let v = [1.0, f64::NAN, f64::NAN, 5.0, 2.0, f64::NAN, 3.0, 4.0, f64::NAN];
        let mut out = [0.0; 3];
        median_stack(&v, 3, 3, &mut out).unwrap();
        assert_eq!(out[0], 3.0);
        assert_eq!(out[1], 3.0);
        assert!(out[2].is_nan());
    }
}

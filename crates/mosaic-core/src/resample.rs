//! Interpolating resampling at arbitrary input positions (for previews and quick looks;
//! science reprojection uses [`crate::reproject`]).
//!
//! Positions are input 0-based pixel coordinates; the image footprint is
//! `[-0.5, w - 0.5] × [-0.5, h - 0.5]` and positions outside it (or NaN) give NaN.
//! Non-finite input samples are blank: nearest and bilinear return NaN when a blank
//! sample carries non-zero weight; Lanczos-3 renormalises over the finite taps.
//! Neighbours beyond the edge are clamped to the edge pixel (nearest, bilinear) or
//! dropped (Lanczos-3).
//!
//! Reference: Burger & Burge, "Principles of Digital Image Processing" vol. 3, ch. 10
//! (interpolation kernels); Lanczos window a = 3 as in SWarp's LANCZOS3.

use crate::error::{check_len, KernelError};
use crate::sample::Sample;

/// Interpolation kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResampleMethod {
    Nearest,
    Bilinear,
    Lanczos3,
}

/// Samples `src` (`src_w * src_h`, row-major) at positions `(x[n], y[n])` into `out[n]`.
///
/// Errors: [`KernelError::Length`] when `src`, `y` or `out` lengths do not match.
#[allow(clippy::too_many_arguments)]
pub fn resample<T: Sample>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    x: &[f64],
    y: &[f64],
    method: ResampleMethod,
    out: &mut [f64],
) -> Result<(), KernelError> {
    check_len("src", src_w * src_h, src.len())?;
    check_len("y", x.len(), y.len())?;
    check_len("out", x.len(), out.len())?;
    let (wf, hf) = (src_w as f64, src_h as f64);
    for n in 0..x.len() {
        let (px, py) = (x[n], y[n]);
        out[n] = if px >= -0.5 && px <= wf - 0.5 && py >= -0.5 && py <= hf - 0.5 {
            match method {
                ResampleMethod::Nearest => nearest(src, src_w, src_h, px, py),
                ResampleMethod::Bilinear => bilinear(src, src_w, src_h, px, py),
                ResampleMethod::Lanczos3 => lanczos3(src, src_w, src_h, px, py),
            }
        } else {
            f64::NAN
        };
    }
    Ok(())
}

#[inline(always)]
fn clamp_index(k: f64, n: usize) -> usize {
    k.max(0.0).min(n as f64 - 1.0) as usize
}

#[inline(always)]
fn blank_to_nan(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        f64::NAN
    }
}

fn nearest<T: Sample>(src: &[T], w: usize, h: usize, x: f64, y: f64) -> f64 {
    let k = clamp_index((x + 0.5).floor(), w);
    let l = clamp_index((y + 0.5).floor(), h);
    blank_to_nan(src[k + w * l].to_f64())
}

fn bilinear<T: Sample>(src: &[T], w: usize, h: usize, x: f64, y: f64) -> f64 {
    let xf = x.floor();
    let yf = y.floor();
    let fx = x - xf;
    let fy = y - yf;
    let (k0, k1) = (clamp_index(xf, w), clamp_index(xf + 1.0, w));
    let (l0, l1) = (clamp_index(yf, h), clamp_index(yf + 1.0, h));
    let taps = [
        (k0, l0, (1.0 - fx) * (1.0 - fy)),
        (k1, l0, fx * (1.0 - fy)),
        (k0, l1, (1.0 - fx) * fy),
        (k1, l1, fx * fy),
    ];
    let mut sum = 0.0;
    for (k, l, wt) in taps {
        if wt != 0.0 {
            let v = src[k + w * l].to_f64();
            if !v.is_finite() {
                return f64::NAN;
            }
            sum += wt * v;
        }
    }
    sum
}

/// Lanczos-3 weight at offset `d` (exactly 1 at 0 and exactly 0 at other integers).
#[inline]
pub fn lanczos3_weight(d: f64) -> f64 {
    if d == 0.0 {
        return 1.0;
    }
    if d <= -3.0 || d >= 3.0 || d == d.round() {
        return 0.0;
    }
    let pd = std::f64::consts::PI * d;
    (3.0 * (pd).sin() * (pd / 3.0).sin()) / (pd * pd)
}

fn lanczos3<T: Sample>(src: &[T], w: usize, h: usize, x: f64, y: f64) -> f64 {
    let xf = x.floor();
    let yf = y.floor();
    let mut wx = [0.0; 6];
    let mut wy = [0.0; 6];
    for t in 0..6 {
        let off = t as f64 - 2.0;
        wx[t] = lanczos3_weight(x - (xf + off));
        wy[t] = lanczos3_weight(y - (yf + off));
    }
    let mut sum_v = 0.0;
    let mut sum_w = 0.0;
    for (ty, &wyt) in wy.iter().enumerate() {
        let l = yf + ty as f64 - 2.0;
        if wyt == 0.0 || l < 0.0 || l > h as f64 - 1.0 {
            continue;
        }
        let row = l as usize * w;
        for (tx, &wxt) in wx.iter().enumerate() {
            let k = xf + tx as f64 - 2.0;
            if wxt == 0.0 || k < 0.0 || k > w as f64 - 1.0 {
                continue;
            }
            let v = src[row + k as usize].to_f64();
            if v.is_finite() {
                let wt = wxt * wyt;
                sum_v += wt * v;
                sum_w += wt;
            }
        }
    }
    if sum_w.abs() > 1e-12 {
        sum_v / sum_w
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_positions_return_samples() {
        let src: Vec<f32> = (0..20).map(|k| k as f32 * 1.5).collect();
        let xs = [0.0, 3.0, 4.0];
        let ys = [0.0, 2.0, 3.0];
        for m in [ResampleMethod::Nearest, ResampleMethod::Bilinear, ResampleMethod::Lanczos3] {
            let mut out = [0.0; 3];
            resample(&src, 5, 4, &xs, &ys, m, &mut out).unwrap();
            assert_eq!(out, [0.0, 19.5, 28.5], "{m:?}");
        }
    }

    #[test]
    fn bilinear_midpoint_and_nan() {
        let src = [0.0, 2.0, 4.0, f64::NAN];
        let mut out = [0.0; 3];
        resample(&src, 2, 2, &[0.5, 0.5, 5.0], &[0.0, 0.5, 0.0], ResampleMethod::Bilinear, &mut out).unwrap();
        assert_eq!(out[0], 1.0);
        assert!(out[1].is_nan());
        assert!(out[2].is_nan());
    }

    #[test]
    fn lanczos_reproduces_constants() {
        let src = vec![3.25f64; 100];
        let mut out = [0.0; 2];
        resample(&src, 10, 10, &[4.3, 0.1], &[5.7, 9.2], ResampleMethod::Lanczos3, &mut out).unwrap();
        for v in out {
            assert!((v - 3.25).abs() < 1e-12, "{v}");
        }
    }
}

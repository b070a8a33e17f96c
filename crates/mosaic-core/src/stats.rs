//! Image statistics and histograms (for headers, stretches and the viewer).
//!
//! The sum is Neumaier-compensated (Neumaier 1974, "Rundungsfehleranalyse einiger
//! Verfahren zur Summation endlicher Summen", ZAMM 54) so it does not depend on image
//! size; the TypeScript twin `src/kernels/stats.ts` runs the same recurrence and the
//! two agree bit for bit.

use crate::error::KernelError;
use crate::sample::Sample;

/// Summary of one image. `nan` counts blank (non-finite: NaN or ±Inf) samples;
/// `min`, `max` are NaN and `sum` is 0 when no sample is finite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageStats {
    pub finite: u64,
    pub nan: u64,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
}

/// Counts, extremes and the compensated sum of the finite samples of `data`.
pub fn image_stats<T: Sample>(data: &[T]) -> ImageStats {
    let mut finite = 0u64;
    let mut min = f64::INFINITY;
    let mut max = f64::NEG_INFINITY;
    let mut sum = 0.0f64;
    let mut comp = 0.0f64;
    for &s in data {
        let v = s.to_f64();
        if !v.is_finite() {
            continue;
        }
        finite += 1;
        if v < min {
            min = v;
        }
        if v > max {
            max = v;
        }
        let t = sum + v;
        if sum.abs() >= v.abs() {
            comp += (sum - t) + v;
        } else {
            comp += (v - t) + sum;
        }
        sum = t;
    }
    if finite == 0 {
        min = f64::NAN;
        max = f64::NAN;
    }
    ImageStats { finite, nan: data.len() as u64 - finite, min, max, sum: sum + comp }
}

/// Histogram of the finite samples in `[min, max]` over `nbins` equal bins; samples equal
/// to `max` go to the last bin, others outside the range are ignored.
///
/// Bin of `v`: `floor((v - min) * (nbins / (max - min)))`, clamped to `nbins - 1`.
///
/// Errors: [`KernelError::Argument`] when `nbins == 0` or `min < max` fails or either is
/// not finite.
pub fn histogram<T: Sample>(data: &[T], min: f64, max: f64, nbins: usize) -> Result<Vec<u64>, KernelError> {
    if nbins == 0 {
        return Err(KernelError::Argument { name: "nbins", reason: "must be at least 1" });
    }
    if !(min.is_finite() && max.is_finite() && min < max) {
        return Err(KernelError::Argument { name: "range", reason: "need finite min < max" });
    }
    let mut bins = vec![0u64; nbins];
    let scale = nbins as f64 / (max - min);
    let last = (nbins - 1) as f64;
    for &s in data {
        let v = s.to_f64();
        if v >= min && v <= max {
            let b = ((v - min) * scale).floor().min(last);
            bins[b as usize] += 1;
        }
    }
    Ok(bins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_mixed_data() {
        let s = image_stats(&[1.0f32, f32::NAN, -2.0, f32::INFINITY, 4.0]);
        assert_eq!(s, ImageStats { finite: 3, nan: 2, min: -2.0, max: 4.0, sum: 3.0 });
        let e = image_stats::<f64>(&[]);
        assert!(e.min.is_nan() && e.sum == 0.0 && e.finite == 0);
    }

    #[test]
    fn compensated_sum_is_exact_where_naive_is_not() {
        let data = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(image_stats(&data).sum, 2.0);
    }

    #[test]
    fn histogram_edges() {
        let h = histogram(&[0.0f64, 0.5, 0.99, 1.0, 2.0, f64::NAN, -0.1], 0.0, 1.0, 2).unwrap();
        assert_eq!(h, vec![1, 3]);
        assert!(histogram(&[0.0f64], 1.0, 1.0, 2).is_err());
    }
}

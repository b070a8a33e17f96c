//! Weighted-mean coaddition (mAdd's default `mean` method): accumulate Σ value·weight and
//! Σ weight per mosaic pixel tile by tile, then divide.
//!
//! Reference: Montage mAdd (Berriman et al. 2004) — area-weighted mean of the projected
//! images, the weights being the `_area` images written by mProject.

use crate::error::{check_len, KernelError};
use crate::sample::{Counter, Sample};

/// A background plane subtracted from a tile as it is added (mBgExec inside the coadd): at tile
/// pixel `(i, j)` the value is `v − (a·(X − crpix1) + (b·(Y − crpix2) + c))` with
/// `X = origin_x + i`, `Y = origin_y + j` its 0-based indices on the template grid (the
/// sums may hold just a band of it: `origin_y` need not equal `y0`).
#[derive(Clone, Copy, Debug)]
pub struct PlaneCorrection {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub crpix1: f64,
    pub crpix2: f64,
    pub origin_x: i64,
    pub origin_y: i64,
}

avx2_twin! {
    /// Adds one tile into the running sums.
    ///
    /// * `sum_vw`, `sum_w`, `count`: mosaic-sized accumulators (`mosaic_w` wide, same length).
    /// * `tile_value`, `tile_weight`: `tile_w * tile_h`, row-major; tile pixel `(i, j)` lands on
    ///   mosaic pixel `(x0 + i, y0 + j)`; `x0`, `y0` may be negative, parts outside are dropped.
    /// * Only pixels with a finite value and a finite weight > 0 contribute; `count` is
    ///   incremented once per contribution. With `plane`, the plane is subtracted from each value
    ///   first (the TypeScript `Coadder`'s arithmetic, operation for operation).
    ///
    /// Errors: [`KernelError::Length`] / [`KernelError::Argument`] for inconsistent shapes.
    pub fn coadd_accumulate<V: Sample, W: Sample, C: Counter>(
        sum_vw: &mut [f64],
        sum_w: &mut [f64],
        count: Option<&mut [C]>,
        mosaic_w: usize,
        tile_value: &[V],
        tile_weight: &[W],
        tile_w: usize,
        tile_h: usize,
        x0: i64,
        y0: i64,
        plane: Option<&PlaneCorrection>,
    ) -> Result<(), KernelError> => coadd_accumulate_body
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn coadd_accumulate_body<V: Sample, W: Sample, C: Counter>(
    sum_vw: &mut [f64],
    sum_w: &mut [f64],
    mut count: Option<&mut [C]>,
    mosaic_w: usize,
    tile_value: &[V],
    tile_weight: &[W],
    tile_w: usize,
    tile_h: usize,
    x0: i64,
    y0: i64,
    plane: Option<&PlaneCorrection>,
) -> Result<(), KernelError> {
    if mosaic_w == 0 || sum_vw.len() % mosaic_w != 0 {
        return Err(KernelError::Argument { name: "mosaicWidth", reason: "must divide the accumulator length" });
    }
    check_len("sumW", sum_vw.len(), sum_w.len())?;
    if let Some(c) = count.as_deref() {
        check_len("count", sum_vw.len(), c.len())?;
    }
    check_len("tileValue", tile_w * tile_h, tile_value.len())?;
    check_len("tileWeight", tile_w * tile_h, tile_weight.len())?;
    let mosaic_h = (sum_vw.len() / mosaic_w) as i64;
    let mw = mosaic_w as i64;
    // Tile columns/rows that land inside the mosaic.
    let i_lo = (-x0).max(0);
    let i_hi = (mw - x0).min(tile_w as i64);
    let j_lo = (-y0).max(0);
    let j_hi = (mosaic_h - y0).min(tile_h as i64);
    if i_hi <= i_lo {
        return Ok(());
    }
    let n = (i_hi - i_lo) as usize;
    // The plane's x term per column, the same for every row: x − CRPIX1 of each mosaic column.
    let dx: Vec<f64> = match plane {
        Some(p) => (0..n as i64).map(|i| (p.origin_x + i_lo + i) as f64 - p.crpix1).collect(),
        None => Vec::new(),
    };
    for j in j_lo..j_hi {
        let t0 = (j as usize) * tile_w + i_lo as usize;
        let m0 = ((y0 + j) * mw + x0 + i_lo) as usize;
        let (tv, tw) = (&tile_value[t0..t0 + n], &tile_weight[t0..t0 + n]);
        let (svw, sw) = (&mut sum_vw[m0..m0 + n], &mut sum_w[m0..m0 + n]);
        let plane_row = plane.map(|p| (p.a, p.b * ((p.origin_y + j) as f64 - p.crpix2) + p.c));
        match count.as_deref_mut() {
            None => add_row(tv, tw, svw, sw, plane_row.map(|(a, by)| (a, by, &dx[..n])), |_| ()),
            Some(c) => {
                let c = &mut c[m0..m0 + n];
                add_row(tv, tw, svw, sw, plane_row.map(|(a, by)| (a, by, &dx[..n])), |i| c[i].increment());
            }
        }
    }
    Ok(())
}

/// Turns the sums into the mean: `out = sum_vw / sum_w`, NaN where `sum_w <= threshold`.
pub fn coadd_finish(sum_vw: &[f64], sum_w: &[f64], out: &mut [f64], threshold: f64) -> Result<(), KernelError> {
    check_len("sumW", sum_vw.len(), sum_w.len())?;
    check_len("out", sum_vw.len(), out.len())?;
    for ((o, &vw), &w) in out.iter_mut().zip(sum_vw).zip(sum_w) {
        *o = if w > threshold { vw / w } else { f64::NAN };
    }
    Ok(())
}

/// One row of [`coadd_accumulate`]: with `plane = (a, by, dx)` each value first loses
/// `a·dx[i] + by`; `counted(i)` for each pixel that contributes. Written so that, compiled for
/// AVX2, the loops vectorize.
#[inline(always)]
fn add_row<V: Sample, W: Sample>(tv: &[V], tw: &[W], svw: &mut [f64], sw: &mut [f64], plane: Option<(f64, f64, &[f64])>, mut counted: impl FnMut(usize)) {
    let n = svw.len();
    let (tv, tw, sw) = (&tv[..n], &tw[..n], &mut sw[..n]);
    // Adding +0.0 leaves the sums' bits unchanged (they are never -0.0), so this branch-free
    // form equals skipping the pixel.
    let mut add = |i: usize, v: f64, wt: f64| {
        let ok = v.is_finite() & wt.is_finite() & (wt > 0.0);
        svw[i] += if ok { v * wt } else { 0.0 };
        sw[i] += if ok { wt } else { 0.0 };
        if ok {
            counted(i);
        }
    };
    match plane {
        None => {
            for i in 0..n {
                add(i, tv[i].to_f64(), tw[i].to_f64());
            }
        }
        Some((a, by, dx)) => {
            let dx = &dx[..n];
            for i in 0..n {
                add(i, tv[i].to_f64() - (a * dx[i] + by), tw[i].to_f64());
            }
        }
    }
}

/// [`coadd_finish`] for `rows` rows of `width` sums from column `x0` of sums `stride` wide,
/// written as big-endian bytes (BITPIX −64 pixels, ready for a FITS file): the mean into
/// `out_value`, the summed weight (the area) into `out_area`; with `clear`, the sums read are
/// zeroed, ready for the next band.
///
/// Errors: [`KernelError::Length`] / [`KernelError::Argument`] for inconsistent shapes.
#[allow(clippy::too_many_arguments)]
pub fn coadd_finish_rows_be(
    sum_vw: &mut [f64],
    sum_w: &mut [f64],
    (stride, x0, width, rows): (usize, usize, usize, usize),
    out_value: &mut [u8],
    out_area: &mut [u8],
    threshold: f64,
    clear: bool,
) -> Result<(), KernelError> {
    check_len("sumW", sum_vw.len(), sum_w.len())?;
    if x0 + width > stride || rows * stride > sum_vw.len() {
        return Err(KernelError::Argument { name: "rows", reason: "outside the sums" });
    }
    check_len("outValue", 8 * width * rows, out_value.len())?;
    check_len("outArea", 8 * width * rows, out_area.len())?;
    for j in 0..rows {
        let at = j * stride + x0;
        let (vw, w) = (&mut sum_vw[at..at + width], &mut sum_w[at..at + width]);
        let (ov, oa) = (&mut out_value[8 * width * j..8 * width * (j + 1)], &mut out_area[8 * width * j..8 * width * (j + 1)]);
        #[allow(unused_mut)]
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked); the slices have the lengths it asserts.
            done = unsafe { finish_row_be_avx2(vw, w, ov, oa, threshold, clear) };
        }
        for i in done..width {
            let v = if w[i] > threshold { vw[i] / w[i] } else { f64::NAN };
            ov[8 * i..8 * i + 8].copy_from_slice(&v.to_be_bytes());
            oa[8 * i..8 * i + 8].copy_from_slice(&w[i].to_be_bytes());
        }
        if clear {
            vw[done..].fill(0.0);
            w[done..].fill(0.0);
        }
    }
    Ok(())
}

/// Pixels `0..n − n % 4` of one row of [`coadd_finish_rows_be`], four at a time (the same
/// division and select, the bytes reversed by a shuffle); returns how many.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn finish_row_be_avx2(vw: &mut [f64], w: &mut [f64], ov: &mut [u8], oa: &mut [u8], threshold: f64, clear: bool) -> usize {
    use std::arch::x86_64::*;
    let n = w.len();
    assert!(vw.len() == n && ov.len() == 8 * n && oa.len() == 8 * n);
    // Byte order reversed within each 8-byte lane (the shuffle works per 128-bit half).
    let swap = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    let (thr, nan, zero) = (_mm256_set1_pd(threshold), _mm256_set1_pd(f64::NAN), _mm256_setzero_pd());
    let end = n - n % 4;
    let mut i = 0;
    while i < end {
        let (s, a) = (_mm256_loadu_pd(vw.as_ptr().add(i)), _mm256_loadu_pd(w.as_ptr().add(i)));
        let v = _mm256_blendv_pd(nan, _mm256_div_pd(s, a), _mm256_cmp_pd::<_CMP_GT_OQ>(a, thr));
        _mm256_storeu_si256(ov.as_mut_ptr().add(8 * i).cast(), _mm256_shuffle_epi8(_mm256_castpd_si256(v), swap));
        _mm256_storeu_si256(oa.as_mut_ptr().add(8 * i).cast(), _mm256_shuffle_epi8(_mm256_castpd_si256(a), swap));
        if clear {
            _mm256_storeu_pd(vw.as_mut_ptr().add(i), zero);
            _mm256_storeu_pd(w.as_mut_ptr().add(i), zero);
        }
        i += 4;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipped_tile_and_mean() {
        let mut svw = vec![0.0; 6];
        let mut sw = vec![0.0; 6];
        let mut n = vec![0u32; 6];
        // 3x2 mosaic; 2x2 tile at (-1, 1): only its right column lands, on (0, 1).
        coadd_accumulate(&mut svw, &mut sw, Some(&mut n), 3, &[1.0f32, 2.0, 3.0, 4.0], &[1.0f64; 4], 2, 2, -1, 1, None).unwrap();
        assert_eq!(sw, vec![0.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(svw[3], 2.0);
        coadd_accumulate(&mut svw, &mut sw, Some(&mut n), 3, &[4.0f64, f64::NAN], &[3.0f32, 1.0], 2, 1, 0, 1, None).unwrap();
        assert_eq!(n, vec![0, 0, 0, 2, 0, 0]);
        let mut out = vec![0.0; 6];
        coadd_finish(&svw, &sw, &mut out, 0.0).unwrap();
        assert_eq!(out[3], 3.5);
        assert!(out[0].is_nan() && out[4].is_nan());
    }
}

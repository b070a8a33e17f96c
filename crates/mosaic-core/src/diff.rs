//! mDiff's pixel work: the difference of two projected images over a box of the mosaic grid
//! (Caltech-IPAC/Montage `MontageLib/Diff/montageDiff.c`), cropped to its valid pixels.
//!
//! Where both values are finite and both areas positive: `diff = 2·(v₁·a₁ − f·v₂·a₂)/(a₁ + a₂)`,
//! `area = a₁ + a₂`; pixels whose summed area is more than `tolerance` (relative) away from
//! `ā₁ + ā₂` are dropped (ā₁ over the box's pixels where `plus` is valid, ā₂ where both are), as
//! Montage does for partly covered edge pixels. TypeScript twin: `diffImagesTs` in
//! `src/stages/diff.ts`, the same operations in the same order (bit-identical).

use crate::error::{check_len, KernelError};

/// A projected image placed on the mosaic grid (0-based column and row of its first pixel).
pub struct Placed<'a> {
    pub value: &'a [f64],
    pub area: &'a [f64],
    pub x0: i64,
    pub y0: i64,
    pub width: usize,
    pub height: usize,
}

/// The difference's crop: its box inside the differenced box and its valid pixel count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiffCrop {
    pub i0: usize,
    pub j0: usize,
    pub width: usize,
    pub height: usize,
    pub npixel: usize,
}

/// Options of [`diff_images`].
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions {
    /// Factor applied to the minus image (mDiff's `factor`; 1).
    pub factor: f64,
    /// Relative area tolerance (Montage: 0.333).
    pub tolerance: f64,
    /// Every area counts as 1 (mDiff -n).
    pub no_areas: bool,
}

avx2_twin! {
    /// Differences `plus − minus` over the box `[xa, xa + w) × [ya, ya + h)` of the mosaic grid
    /// (which both images must contain), writing the crop to its valid pixels into the first
    /// `width · height` values of `out_value`, `out_area` (NaN / 0 where not valid); `work` is
    /// scratch of any size. Returns `None` when no pixel is valid in both.
    ///
    /// Errors: [`KernelError::Length`] / [`KernelError::Argument`] for inconsistent shapes.
    pub fn diff_images(
        plus: &Placed,
        minus: &Placed,
        arg2: (i64, i64, usize, usize),
        opts: &DiffOptions,
        out_value: &mut [f64],
        out_area: &mut [f64],
        work: &mut Vec<f64>,
    ) -> Result<Option<DiffCrop>, KernelError> => diff_images_body
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn diff_images_body(
    plus: &Placed,
    minus: &Placed,
    (xa, ya, w, h): (i64, i64, usize, usize),
    opts: &DiffOptions,
    out_value: &mut [f64],
    out_area: &mut [f64],
    work: &mut Vec<f64>,
) -> Result<Option<DiffCrop>, KernelError> {
    for p in [plus, minus] {
        check_len("value", p.width * p.height, p.value.len())?;
        check_len("area", p.width * p.height, p.area.len())?;
        let inside = xa >= p.x0 && ya >= p.y0 && xa + w as i64 <= p.x0 + p.width as i64 && ya + h as i64 <= p.y0 + p.height as i64;
        if !inside {
            return Err(KernelError::Argument { name: "box", reason: "must lie inside both images" });
        }
    }
    check_len("outValue", w * h, out_value.len().min(w * h))?;
    check_len("outArea", w * h, out_area.len().min(w * h))?;
    work.clear();
    work.resize(2 * w * h, 0.0);
    let (v, ar) = work.split_at_mut(w * h);
    let (mut s1, mut n1, mut s2, mut n2) = (0.0, 0usize, 0.0, 0usize);
    for j in 0..h {
        let r1 = (ya + j as i64 - plus.y0) as usize * plus.width + (xa - plus.x0) as usize;
        let r2 = (ya + j as i64 - minus.y0) as usize * minus.width + (xa - minus.x0) as usize;
        for i in 0..w {
            let o = i + w * j;
            v[o] = f64::NAN;
            ar[o] = 0.0;
            let a1 = if opts.no_areas { 1.0 } else { plus.area[r1 + i] };
            let v1 = plus.value[r1 + i];
            if !(a1 > 0.0) || v1.is_nan() {
                continue;
            }
            s1 += a1;
            n1 += 1;
            let a2 = if opts.no_areas { 1.0 } else { minus.area[r2 + i] };
            let v2 = minus.value[r2 + i];
            if !(a2 > 0.0) || v2.is_nan() {
                continue;
            }
            v[o] = v1 * a1 - opts.factor * v2 * a2;
            ar[o] = a1 + a2;
            s2 += a2;
            n2 += 1;
        }
    }
    if n2 == 0 {
        return Ok(None);
    }
    let area_mean = s1 / n1 as f64 + s2 / n2 as f64;
    let (mut bx0, mut bx1, mut by0, mut by1) = (w, 0usize, h, 0usize);
    let mut any = false;
    for j in 0..h {
        for i in 0..w {
            let o = i + w * j;
            if !(ar[o] > 0.0) || (ar[o] - area_mean).abs() / area_mean > opts.tolerance {
                v[o] = f64::NAN;
                ar[o] = 0.0;
                continue;
            }
            v[o] = (2.0 * v[o]) / ar[o];
            bx0 = bx0.min(i);
            bx1 = bx1.max(i);
            by0 = by0.min(j);
            by1 = by1.max(j);
            any = true;
        }
    }
    if !any {
        return Ok(None);
    }
    let (cw, ch) = (bx1 - bx0 + 1, by1 - by0 + 1);
    if out_value.len() < cw * ch || out_area.len() < cw * ch {
        return Err(KernelError::Argument { name: "out", reason: "too short for the crop" });
    }
    let mut npixel = 0;
    for j in 0..ch {
        let src = bx0 + w * (by0 + j);
        out_value[cw * j..cw * (j + 1)].copy_from_slice(&v[src..src + cw]);
        out_area[cw * j..cw * (j + 1)].copy_from_slice(&ar[src..src + cw]);
        npixel += ar[src..src + cw].iter().filter(|&&a| a > 0.0).count();
    }
    Ok(Some(DiffCrop { i0: bx0, j0: by0, width: cw, height: ch, npixel }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_and_crops() {
        // plus: 3×2 at (0, 0), minus: 3×2 at (1, 0); common box columns 1..3.
        let pv = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mv = [0.5, 1.0, 9.0, f64::NAN, 2.0, 9.0];
        let ones = [1.0; 6];
        let plus = Placed { value: &pv, area: &ones, x0: 0, y0: 0, width: 3, height: 2 };
        let minus = Placed { value: &mv, area: &ones, x0: 1, y0: 0, width: 3, height: 2 };
        let (mut ov, mut oa, mut work) = (vec![0.0; 4], vec![0.0; 4], Vec::new());
        let opts = DiffOptions { factor: 1.0, tolerance: 0.333, no_areas: false };
        let c = diff_images(&plus, &minus, (1, 0, 2, 2), &opts, &mut ov, &mut oa, &mut work).unwrap().unwrap();
        assert_eq!(c, DiffCrop { i0: 0, j0: 0, width: 2, height: 2, npixel: 3 });
        assert_eq!(&ov[..2], &[1.5, 2.0]);
        assert!(ov[2].is_nan());
        assert_eq!(ov[3], 4.0);
        assert_eq!(&oa, &[2.0, 2.0, 0.0, 2.0]);
    }
}

//! The last step of `project` (src/stages/project.ts): crop the reprojected box to its
//! covered pixels and turn coverage into area, `area = coverage × Ω`, where the pixel solid
//! angle Ω is interpolated bilinearly from a coarse grid of exact samples (or given per
//! pixel). Fused so that no box-sized Ω array is made. TypeScript twin:
//! `src/kernels/area-crop.ts`; same operations in the same order, bit-identical results.
//!
//! Reference: Montage mProject (Berriman et al. 2004), whose `_area` image is the overlap
//! area in steradians and whose output is shrink-wrapped to the non-blank pixels.

use crate::error::{check_len, KernelError};

avx2_twin! {
    /// Bounds of the pixels with `coverage > 0` and a finite value in a `width × height` box:
    /// `Some((i0, i1, j0, j1))`, inclusive, or `None` when there is none.
    pub fn covered_bounds(value: &[f64], coverage: &[f64], width: usize, height: usize) -> Result<Option<(usize, usize, usize, usize)>, KernelError> => covered_bounds_body
}

#[inline(always)]
fn covered_bounds_body(value: &[f64], coverage: &[f64], width: usize, height: usize) -> Result<Option<(usize, usize, usize, usize)>, KernelError> {
    check_len("value", width * height, value.len())?;
    check_len("coverage", width * height, coverage.len())?;
    let (mut i0, mut i1, mut j0, mut j1) = (usize::MAX, 0usize, usize::MAX, 0usize);
    for j in 0..height {
        let row = j * width;
        let (v, c) = (&value[row..row + width], &coverage[row..row + width]);
        let covered = |i: usize| c[i] > 0.0 && v[i].is_finite();
        // In from both ends: the box hugs the footprint, so each scan stops within a few pixels.
        let Some(first) = (0..width).find(|&i| covered(i)) else { continue };
        let last = (first..width).rev().find(|&i| covered(i)).unwrap_or(first);
        i0 = i0.min(first);
        i1 = i1.max(last);
        j0 = j0.min(j);
        j1 = j;
    }
    Ok(if i0 == usize::MAX { None } else { Some((i0, i1, j0, j1)) })
}

/// For each index `from..from + n`: the sample lines below and above it and the fraction
/// between them (`lines` ascending, starting at 0, ending at the last index of the axis).
fn axis_weights(lines: &[i32], from: usize, n: usize) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
    let (mut lo, mut hi, mut t) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let last = lines.len() - 1;
    let mut a = 0usize;
    for i in from..from + n {
        while a + 1 < last && lines[a + 1] as usize <= i {
            a += 1;
        }
        let b = (a + 1).min(last);
        lo.push(a as u32);
        hi.push(b as u32);
        t.push(if b == a { 0.0 } else { (i as f64 - lines[a] as f64) / (lines[b] as f64 - lines[a] as f64) });
    }
    (lo, hi, t)
}

/// The pixel solid angles (sr) of a box: exact samples on a grid, or one per pixel.
pub enum SolidAngles<'a> {
    /// `samples[a + lines_x.len()·b]` is Ω of box pixel `(lines_x[a], lines_y[b])`; bilinear in between.
    Grid { samples: &'a [f64], lines_x: &'a [i32], lines_y: &'a [i32] },
    /// Ω of every box pixel, `box_width × box_height`, row-major.
    Full(&'a [f64]),
}

avx2_twin! {
    /// Copies the crop `(i0, j0, width, height)` of a `box_width`-wide box into `out_value`
    /// and `out_area` (`width × height`): covered pixels (coverage > 0, finite value) get
    /// their value and `coverage × Ω`; the others NaN and 0.
    ///
    /// Errors: [`KernelError`] for inconsistent lengths or a crop outside the box.
    pub fn crop_with_area(
        value: &[f64],
        coverage: &[f64],
        box_width: usize,
        box_height: usize,
        crop: (usize, usize, usize, usize),
        omega: &SolidAngles,
        out_value: &mut [f64],
        out_area: &mut [f64],
    ) -> Result<(), KernelError> => crop_with_area_body
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn crop_with_area_body(
    value: &[f64],
    coverage: &[f64],
    box_width: usize,
    box_height: usize,
    (i0, j0, width, height): (usize, usize, usize, usize),
    omega: &SolidAngles,
    out_value: &mut [f64],
    out_area: &mut [f64],
) -> Result<(), KernelError> {
    check_len("value", box_width * box_height, value.len())?;
    check_len("coverage", box_width * box_height, coverage.len())?;
    check_len("outValue", width * height, out_value.len())?;
    check_len("outArea", width * height, out_area.len())?;
    if i0 + width > box_width || j0 + height > box_height {
        return Err(KernelError::Argument { name: "crop", reason: "outside the box" });
    }
    let grid = match *omega {
        SolidAngles::Full(all) => {
            check_len("solidAngle", box_width * box_height, all.len())?;
            None
        }
        SolidAngles::Grid { samples, lines_x, lines_y } => {
            check_len("samples", lines_x.len() * lines_y.len(), samples.len())?;
            let ok = |l: &[i32], n: usize| !l.is_empty() && l[0] == 0 && l[l.len() - 1] as usize == n - 1 && l.windows(2).all(|w| w[0] < w[1]);
            if !ok(lines_x, box_width) || !ok(lines_y, box_height) {
                return Err(KernelError::Argument { name: "lines", reason: "must ascend from 0 to the last pixel of the box" });
            }
            Some((samples, lines_x.len(), axis_weights(lines_x, i0, width), axis_weights(lines_y, j0, height)))
        }
    };
    // Ω along one output row: the bilinear interpolant of the grid samples, as the blend of
    // the two sample lines around the row, each interpolated along x once (rows between the
    // same two lines share them: the same operations, so the same bits as per pixel), or the
    // full array's row. Then a branch-free pass over the pixels.
    let mut omega_row = vec![0.0; width];
    let mut lines = [(usize::MAX, vec![0.0; width]), (usize::MAX, vec![0.0; width])];
    for j in 0..height {
        let src = (j + j0) * box_width + i0;
        let dst = j * width;
        match (&grid, omega) {
            (Some((s, nx, (xlo, xhi, xt), (ylo, yhi, yt))), _) => {
                let (b0, b1) = (ylo[j] as usize, yhi[j] as usize);
                let interpolate = |b: usize, line: &mut (usize, Vec<f64>)| {
                    let row = &s[b * nx..(b + 1) * nx];
                    line.0 = b;
                    for (i, o) in line.1.iter_mut().enumerate() {
                        let (a0, a1, u) = (xlo[i] as usize, xhi[i] as usize, xt[i]);
                        *o = row[a0] + u * (row[a1] - row[a0]);
                    }
                };
                // The upper line of the rows above is usually this row's lower one.
                if lines[0].0 != b0 {
                    if lines[1].0 == b0 {
                        lines.swap(0, 1);
                    } else {
                        interpolate(b0, &mut lines[0]);
                    }
                }
                if lines[1].0 != b1 {
                    interpolate(b1, &mut lines[1]);
                }
                let v = yt[j];
                let (lower, upper) = (&lines[0].1[..width], &lines[1].1[..width]);
                for ((o, &lo), &up) in omega_row.iter_mut().zip(lower).zip(upper) {
                    *o = lo + v * (up - lo);
                }
            }
            (None, SolidAngles::Full(all)) => omega_row.copy_from_slice(&all[src..src + width]),
            (None, _) => unreachable!(),
        }
        let (c_row, v_row) = (&coverage[src..src + width], &value[src..src + width]);
        let (ov, oa) = (&mut out_value[dst..dst + width], &mut out_area[dst..dst + width]);
        // All five of one length: no bounds checks, so the loop vectorizes.
        let omega_row = &omega_row[..width];
        for i in 0..width {
            let (c, v) = (c_row[i], v_row[i]);
            let ok = (c > 0.0) & v.is_finite();
            ov[i] = if ok { v } else { f64::NAN };
            oa[i] = if ok { c * omega_row[i] } else { 0.0 };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_crop() {
        let (w, h) = (5usize, 4usize);
        let mut value = vec![f64::NAN; w * h];
        let mut coverage = vec![0.0; w * h];
        for &(i, j) in &[(1usize, 1usize), (3, 2)] {
            value[i + w * j] = (i + 10 * j) as f64;
            coverage[i + w * j] = 0.5;
        }
        coverage[4] = 1.0; // covered but NaN: blank
        assert_eq!(covered_bounds(&value, &coverage, w, h).unwrap(), Some((1, 3, 1, 2)));
        // Ω = 1 + i + 2j sampled at lines {0, 2, 4} × {0, 3}: bilinear is exact for it.
        let (lx, ly) = ([0, 2, 4], [0, 3]);
        let samples: Vec<f64> = ly.iter().flat_map(|&j| lx.iter().map(move |&i| (1 + i + 2 * j) as f64)).collect();
        let grid = SolidAngles::Grid { samples: &samples, lines_x: &lx, lines_y: &ly };
        let (mut ov, mut oa) = (vec![0.0; 6], vec![0.0; 6]);
        crop_with_area(&value, &coverage, w, h, (1, 1, 3, 2), &grid, &mut ov, &mut oa).unwrap();
        assert_eq!(ov[0], 11.0);
        assert_eq!(oa[0], 0.5 * 4.0);
        assert_eq!(ov[5], 23.0);
        assert_eq!(oa[5], 0.5 * 8.0);
        assert!(ov[1].is_nan() && oa[1] == 0.0);
        let full: Vec<f64> = (0..w * h).map(|k| (1 + k % w + 2 * (k / w)) as f64).collect();
        let (mut fv, mut fa) = (vec![0.0; 6], vec![0.0; 6]);
        crop_with_area(&value, &coverage, w, h, (1, 1, 3, 2), &SolidAngles::Full(&full), &mut fv, &mut fa).unwrap();
        assert_eq!(fa, oa);
        assert_eq!(covered_bounds(&[f64::NAN; 4], &[1.0; 4], 2, 2).unwrap(), None);
    }
}

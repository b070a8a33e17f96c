//! Exact, flux-conserving reprojection by polygon clipping (the core of mProject).
//!
//! Each output pixel is the quadrilateral of its four corners mapped into input pixel
//! space, and its overlap with every input pixel square is computed exactly. Then
//! `value = Σ src·overlap / Σ overlap` over finite input pixels and
//! `coverage = Σ overlap / area(quad)`.
//!
//! Two ways to get the overlaps, which agree to rounding (~1e-15 relative):
//! * fast path, for convex quads whose bounding box touches at most 2×2 input pixels
//!   (nearly every pixel when the scales are similar): the quad is moved so that the two
//!   cut lines `x = k + 0.5`, `y = l + 0.5` are the axes, and the four overlaps are
//!   shoelace sums of its edges cut at the axes ([`crate::quadrants`]);
//! * general path (the reference, [`reproject_exact_rows_reference`] uses it for every
//!   pixel): the quad is cut along the input pixel grid, first into row strips (lines
//!   `y = l + 0.5`), then each strip into cells (lines `x = k + 0.5`), so every cut is a
//!   single pass and the pieces of one quad tile it exactly.
//!
//! References: Montage mProject (Berriman et al. 2004, "Montage: a grid-enabled image
//! mosaic service") — same flux-conserving weighting, done there on the sphere; astropy
//! reproject `reproject_exact` (spherical polygon intersection). Here the corners already
//! carry the projection, so planar clipping in input pixel space is exact for the quad.
//!
//! Numerics: each quad is translated next to the origin (its first touched input pixel, or
//! the crossing of its two cut lines) before any area is computed; cut positions are then
//! small half-integers and the shoelace sums lose no precision to large pixel coordinates.
//! The TypeScript twin (`src/kernels/reproject-exact.ts`) performs the same operations in
//! the same order, so the two agree bit for bit.

use crate::clip::{split, Axis, Poly};
use crate::error::{check_len, KernelError};
use crate::quadrants::{is_convex, quadrant_areas};
use crate::regular::{finish_regular, CornerLine, RowParts, Source, DONE};
use crate::sample::Sample;

/// Reprojects `src` onto the whole output grid. See [`reproject_exact_rows`].
#[allow(clippy::too_many_arguments)]
pub fn reproject_exact<T: Sample>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    corner_x: &[f64],
    corner_y: &[f64],
    out_w: usize,
    out_h: usize,
    value: &mut [f64],
    coverage: &mut [f64],
) -> Result<(), KernelError> {
    reproject_exact_rows(src, src_w, src_h, corner_x, corner_y, out_w, out_h, 0, out_h, value, coverage)
}

/// Reprojects `src` onto output rows `y0..y1` only (a band), so callers can split work.
///
/// * `src`: `src_w * src_h` samples, row-major; non-finite samples are blank.
/// * `corner_x`, `corner_y`: `(out_w + 1) * (out_h + 1)` positions in input 0-based pixel
///   coordinates; entry `i + (out_w + 1) * j` is the output corner at output position
///   `(i - 0.5, j - 0.5)`. Non-finite corners make the pixels that use them blank.
/// * `value`, `coverage`: `out_w * (y1 - y0)` outputs; row `y0` of the output is row 0 here.
///   `value` is NaN where nothing finite overlaps; `coverage` is in `[0, 1]`.
///
/// Errors: [`KernelError::Length`] for mismatched slice lengths, [`KernelError::Argument`]
/// when `y0 > y1` or `y1 > out_h`.
#[allow(clippy::too_many_arguments)]
pub fn reproject_exact_rows<T: Sample>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    corner_x: &[f64],
    corner_y: &[f64],
    out_w: usize,
    out_h: usize,
    y0: usize,
    y1: usize,
    value: &mut [f64],
    coverage: &mut [f64],
) -> Result<(), KernelError> {
    rows_with::<T, true>(src, src_w, src_h, corner_x, corner_y, out_w, out_h, y0, y1, value, coverage)
}

/// [`reproject_exact_rows`] computed by the general clipping path for every pixel: the
/// plain reference that the fast path must reproduce (to ~1e-15 relative), kept for
/// tests and benchmarks. Same arguments, results and errors; several times slower.
#[allow(clippy::too_many_arguments)]
pub fn reproject_exact_rows_reference<T: Sample>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    corner_x: &[f64],
    corner_y: &[f64],
    out_w: usize,
    out_h: usize,
    y0: usize,
    y1: usize,
    value: &mut [f64],
    coverage: &mut [f64],
) -> Result<(), KernelError> {
    rows_with::<T, false>(src, src_w, src_h, corner_x, corner_y, out_w, out_h, y0, y1, value, coverage)
}

/// The row loop of both entry points; `FAST` selects the 2×2 fast path where it applies.
#[allow(clippy::too_many_arguments)]
fn rows_with<T: Sample, const FAST: bool>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    corner_x: &[f64],
    corner_y: &[f64],
    out_w: usize,
    out_h: usize,
    y0: usize,
    y1: usize,
    value: &mut [f64],
    coverage: &mut [f64],
) -> Result<(), KernelError> {
    check_len("src", src_w * src_h, src.len())?;
    let n_corners = (out_w + 1) * (out_h + 1);
    check_len("cornerX", n_corners, corner_x.len())?;
    check_len("cornerY", n_corners, corner_y.len())?;
    if y0 > y1 || y1 > out_h {
        return Err(KernelError::Argument { name: "rows", reason: "need 0 <= y0 <= y1 <= outHeight" });
    }
    let n_out = out_w * (y1 - y0);
    check_len("value", n_out, value.len())?;
    check_len("coverage", n_out, coverage.len())?;
    if n_out == 0 {
        return Ok(());
    }

    let mut scratch = Scratch::default();
    let stride = out_w + 1;
    // Slices of exactly `stride` corners, so that indexing `i` and `i + 1` for `i < out_w`
    // needs no bounds checks in the pixel loop.
    let line = |j: usize| (&corner_x[stride * j..][..stride], &corner_y[stride * j..][..stride]);
    // Per-corner floors and per-edge reciprocals, shared by the pixels around each corner.
    let (mut top, mut bottom) = (CornerLine::default(), CornerLine::default());
    let mut parts = RowParts::default();
    let image = Source { src, w: src_w, h: src_h };
    if FAST {
        let (x, y) = line(y0);
        bottom.fill(x, y);
    }
    let rows = value.chunks_exact_mut(out_w).zip(coverage.chunks_exact_mut(out_w));
    for (j, (value_row, coverage_row)) in (y0..y1).zip(rows) {
        // Corners of this row of pixels: the top and bottom lines of the corner grid.
        let ((top_x, top_y), (bottom_x, bottom_y)) = (line(j), line(j + 1));
        let (value_row, coverage_row) = (&mut value_row[..out_w], &mut coverage_row[..out_w]);
        if FAST {
            std::mem::swap(&mut top, &mut bottom);
            bottom.fill(bottom_x, bottom_y);
            parts.compute((top_x, top_y), (bottom_x, bottom_y), &top, &bottom, &image, value_row, coverage_row, out_w);
        }
        for i in 0..out_w {
            let code = if FAST { parts.code[i] } else { -1.0 };
            if code == DONE {
                continue;
            }
            let (v, c) = if code >= 0.0 {
                let a = [parts.a[0][i], parts.a[1][i], parts.a[2][i], parts.a[3][i]];
                finish_regular(&image, &a, code as u32, parts.k[i] as i64, parts.l[i] as i64)
            } else {
                let xs = [top_x[i], top_x[i + 1], bottom_x[i + 1], bottom_x[i]];
                let ys = [top_y[i], top_y[i + 1], bottom_y[i + 1], bottom_y[i]];
                match if FAST { block_2x2(&top, &bottom, i) } else { None } {
                    Some((k_lo, l_lo)) => pixel_overlap_2x2(src, src_w, src_h, &xs, &ys, k_lo, l_lo, &mut scratch),
                    None => pixel_overlap_clipped(src, src_w, src_h, &xs, &ys, &mut scratch),
                }
            };
            debug_assert!(!c.is_nan() && (0.0..=1.0).contains(&c));
            value_row[i] = v;
            coverage_row[i] = c;
        }
    }
    Ok(())
}

/// The input pixel `(k_lo, l_lo)` at the low corner of the 2×2 block that pixel `i`'s quad
/// touches, or `None` when it touches more (or has an unusable corner): the 2×2 path's test.
#[inline(always)]
fn block_2x2(top: &CornerLine, bottom: &CornerLine, i: usize) -> Option<(i64, i64)> {
    if top.ok[i] * top.ok[i + 1] * bottom.ok[i] * bottom.ok[i + 1] != 1.0 {
        return None;
    }
    let (k_lo, k_hi) = min_max4(top.k[i], top.k[i + 1], bottom.k[i + 1], bottom.k[i]);
    let (l_lo, l_hi) = min_max4(top.l[i], top.l[i + 1], bottom.l[i + 1], bottom.l[i]);
    (k_hi - k_lo <= 1.0 && l_hi - l_lo <= 1.0).then_some((k_lo as i64, l_lo as i64))
}

/// Smallest and largest of four (finite) values.
#[inline(always)]
fn min_max4(a: f64, b: f64, c: f64, d: f64) -> (f64, f64) {
    (a.min(b).min(c.min(d)), a.max(b).max(c.max(d)))
}

/// Like [`reproject_exact`] but splits the output rows into `threads` bands computed on
/// scoped threads. The result is bit-identical to the serial one (each pixel is computed
/// independently with the same operations).
#[allow(clippy::too_many_arguments)]
pub fn reproject_exact_parallel<T: Sample>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    corner_x: &[f64],
    corner_y: &[f64],
    out_w: usize,
    out_h: usize,
    value: &mut [f64],
    coverage: &mut [f64],
    threads: usize,
) -> Result<(), KernelError> {
    reproject_exact_rows_parallel(src, src_w, src_h, corner_x, corner_y, out_w, out_h, 0, out_h, value, coverage, threads)
}

/// [`reproject_exact_rows`] on `threads` scoped threads, each taking a band of rows.
#[allow(clippy::too_many_arguments)]
pub fn reproject_exact_rows_parallel<T: Sample>(
    src: &[T],
    src_w: usize,
    src_h: usize,
    corner_x: &[f64],
    corner_y: &[f64],
    out_w: usize,
    out_h: usize,
    y0: usize,
    y1: usize,
    value: &mut [f64],
    coverage: &mut [f64],
    threads: usize,
) -> Result<(), KernelError> {
    let rows = y1.saturating_sub(y0);
    let threads = threads.clamp(1, rows.max(1));
    if threads == 1 || out_w == 0 {
        return reproject_exact_rows(src, src_w, src_h, corner_x, corner_y, out_w, out_h, y0, y1, value, coverage);
    }
    check_len("value", out_w * rows, value.len())?;
    check_len("coverage", out_w * rows, coverage.len())?;
    let band = rows.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = value
            .chunks_mut(band * out_w)
            .zip(coverage.chunks_mut(band * out_w))
            .enumerate()
            .map(|(b, (v, c))| {
                let b0 = y0 + b * band;
                let b1 = b0 + v.len() / out_w;
                scope.spawn(move || {
                    reproject_exact_rows(src, src_w, src_h, corner_x, corner_y, out_w, out_h, b0, b1, v, c)
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// Reusable polygon buffers (hoisted out of the pixel loop).
#[derive(Default)]
struct Scratch {
    rest: Poly,
    strip: Poly,
    above: Poly,
    cell: Poly,
    crest: Poly,
}

fn copy_poly(dst: &mut Poly, src: &Poly) {
    dst.n = src.n;
    dst.x[..src.n].copy_from_slice(&src.x[..src.n]);
    dst.y[..src.n].copy_from_slice(&src.y[..src.n]);
}

const BLANK: (f64, f64) = (f64::NAN, 0.0);

/// Value and coverage of one output pixel whose corners (in input pixel coordinates, in
/// order around the quad, finite) are `xs`, `ys` and lie in input pixels `k_lo..=k_lo + 1`,
/// `l_lo..=l_lo + 1`: the fast path, or [`pixel_overlap_clipped`] for a non-convex quad.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn pixel_overlap_2x2<T: Sample>(
    src: &[T],
    w: usize,
    h: usize,
    xs: &[f64; 4],
    ys: &[f64; 4],
    k_lo: i64,
    l_lo: i64,
    s: &mut Scratch,
) -> (f64, f64) {
    // Local frame: the cut lines x = k_lo + 0.5 and y = l_lo + 0.5 are the axes, so the
    // four quadrants are the input pixels (k_lo, l_lo), (k_lo + 1, l_lo), (k_lo, l_lo + 1)
    // and (k_lo + 1, l_lo + 1). A quad inside one column or row never crosses the other axis.
    let (ox, oy) = (k_lo as f64 + 0.5, l_lo as f64 + 0.5);
    let lx = [xs[0] - ox, xs[1] - ox, xs[2] - ox, xs[3] - ox];
    let ly = [ys[0] - oy, ys[1] - oy, ys[2] - oy, ys[3] - oy];
    if !is_convex(&lx, &ly) {
        return pixel_overlap_clipped(src, w, h, xs, ys, s);
    }
    let twice = quadrant_areas(&lx, &ly);
    let total = twice[0] + twice[1] + twice[2] + twice[3];
    if total == 0.0 {
        return BLANK;
    }
    // Orient so that the quad's own area is positive; a part whose area rounds to <= 0
    // does not count (as in the general path), nor does a blank input pixel.
    let sign = if total > 0.0 { 1.0 } else { -1.0 };
    let (wi, hi) = (w as i64, h as i64);
    let mut sum_v = 0.0;
    let mut sum_a = 0.0;
    let mut add = |area: f64, v: f64| {
        // Adding +0.0 leaves the sums' bits unchanged (they are never -0.0), so this
        // branch-free form equals skipping the pixel.
        let ok = (area > 0.0) & v.is_finite();
        sum_v += if ok { v * area } else { 0.0 };
        sum_a += if ok { area } else { 0.0 };
    };
    if k_lo >= 0 && l_lo >= 0 && k_lo + 1 < wi && l_lo + 1 < hi {
        // The whole 2×2 block is inside the image (the common case).
        let at = l_lo as usize * w + k_lo as usize;
        let (low, high) = (&src[at..at + 2], &src[at + w..at + w + 2]);
        add(twice[0] * sign, low[0].to_f64());
        add(twice[1] * sign, low[1].to_f64());
        add(twice[2] * sign, high[0].to_f64());
        add(twice[3] * sign, high[1].to_f64());
    } else {
        for (q, &t) in twice.iter().enumerate() {
            let (k, l) = (k_lo + (q & 1) as i64, l_lo + (q >> 1) as i64);
            if k >= 0 && l >= 0 && k < wi && l < hi {
                add(t * sign, src[l as usize * w + k as usize].to_f64());
            }
        }
    }
    if sum_a > 0.0 {
        // Twice the areas throughout: the factor cancels exactly in both ratios.
        (sum_v / sum_a, (sum_a / (total * sign)).min(1.0))
    } else {
        BLANK
    }
}


/// Value and coverage of one output pixel by the general path: the quad cut along the
/// input pixel grid into strips and cells (any size, any shape).
#[inline(never)]
fn pixel_overlap_clipped<T: Sample>(src: &[T], w: usize, h: usize, xs: &[f64; 4], ys: &[f64; 4], s: &mut Scratch) -> (f64, f64) {
    if !(xs.iter().chain(ys.iter()).all(|v| v.is_finite())) {
        return BLANK;
    }
    let min_x = xs[0].min(xs[1]).min(xs[2]).min(xs[3]);
    let max_x = xs[0].max(xs[1]).max(xs[2]).max(xs[3]);
    let min_y = ys[0].min(ys[1]).min(ys[2]).min(ys[3]);
    let max_y = ys[0].max(ys[1]).max(ys[2]).max(ys[3]);
    // Input pixels whose squares the bounding box touches, before clamping to the image.
    let k_lo = (min_x + 0.5).floor();
    let k_hi = (max_x + 0.5).floor();
    let l_lo = (min_y + 0.5).floor();
    let l_hi = (max_y + 0.5).floor();

    // Local frame: input pixel (k_lo, l_lo) is centred on the origin.
    let quad = &mut s.rest;
    quad.clear();
    for c in 0..4 {
        quad.push(xs[c] - k_lo, ys[c] - l_lo);
    }
    let quad_area = quad.signed_area().abs();
    if !(quad_area > 0.0) {
        return BLANK;
    }
    let (wf, hf) = (w as f64, h as f64);
    if k_hi < 0.0 || l_hi < 0.0 || k_lo > wf - 1.0 || l_lo > hf - 1.0 {
        return BLANK;
    }
    let k_first = k_lo.max(0.0);
    let k_last = k_hi.min(wf - 1.0);
    let l_first = l_lo.max(0.0);
    let l_last = l_hi.min(hf - 1.0);

    let mut sum_v = 0.0;
    let mut sum_a = 0.0;
    if l_first > l_lo {
        split(&s.rest, Axis::Y, (l_first - l_lo) - 0.5, &mut s.strip, &mut s.above);
        copy_poly(&mut s.rest, &s.above);
    }
    let mut l = l_first;
    while l <= l_last {
        let strip: &Poly = if l < l_hi {
            split(&s.rest, Axis::Y, (l - l_lo) + 0.5, &mut s.strip, &mut s.above);
            copy_poly(&mut s.rest, &s.above);
            &s.strip
        } else {
            &s.rest
        };
        if strip.n >= 3 {
            let row = l as usize * w;
            copy_poly(&mut s.crest, strip);
            if k_first > k_lo {
                split(&s.crest, Axis::X, (k_first - k_lo) - 0.5, &mut s.cell, &mut s.above);
                copy_poly(&mut s.crest, &s.above);
            }
            let mut k = k_first;
            while k <= k_last {
                let cell: &Poly = if k < k_hi {
                    split(&s.crest, Axis::X, (k - k_lo) + 0.5, &mut s.cell, &mut s.above);
                    copy_poly(&mut s.crest, &s.above);
                    &s.cell
                } else {
                    &s.crest
                };
                let area = cell.signed_area().abs();
                let v = src[row + k as usize].to_f64();
                if area > 0.0 && v.is_finite() {
                    sum_v += v * area;
                    sum_a += area;
                }
                k += 1.0;
            }
        }
        l += 1.0;
    }
    if sum_a > 0.0 {
        (sum_v / sum_a, (sum_a / quad_area).min(1.0))
    } else {
        BLANK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Corners of an output grid related to the input by `x_in = a*x_out + b*y_out + tx`, etc.
    fn affine_corners(out_w: usize, out_h: usize, m: [f64; 6]) -> (Vec<f64>, Vec<f64>) {
        let mut cx = Vec::new();
        let mut cy = Vec::new();
        for j in 0..=out_h {
            for i in 0..=out_w {
                let (x, y) = (i as f64 - 0.5, j as f64 - 0.5);
                cx.push(m[0] * x + m[1] * y + m[2]);
                cy.push(m[3] * x + m[4] * y + m[5]);
            }
        }
        (cx, cy)
    }

    #[test]
    fn identity_returns_input() {
        let (w, h) = (7, 5);
        let src: Vec<f64> = (0..w * h).map(|k| (k as f64 * 0.37).sin()).collect();
        let (cx, cy) = affine_corners(w, h, [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
        let mut v = vec![0.0; w * h];
        let mut c = vec![0.0; w * h];
        reproject_exact(&src, w, h, &cx, &cy, w, h, &mut v, &mut c).unwrap();
        assert_eq!(v, src);
        assert!(c.iter().all(|&c| c == 1.0));
    }

    #[test]
    fn half_pixel_shift_averages_neighbours() {
        let src = [1.0f32, 3.0, 5.0];
        let (cx, cy) = affine_corners(2, 1, [1.0, 0.0, 0.5, 0.0, 1.0, 0.0]);
        let mut v = vec![0.0; 2];
        let mut c = vec![0.0; 2];
        reproject_exact(&src, 3, 1, &cx, &cy, 2, 1, &mut v, &mut c).unwrap();
        assert_eq!(v, vec![2.0, 4.0]);
        assert_eq!(c, vec![1.0, 1.0]);
    }

    #[test]
    fn partial_coverage_at_edge_and_nan_skipped() {
        let src = [f64::NAN, 2.0];
        // One output pixel covering input x in [-0.25, 0.75] ∪ …: shift by 0.75 left of pixel 1.
        let (cx, cy) = affine_corners(1, 1, [1.0, 0.0, 0.25, 0.0, 1.0, 0.0]);
        let mut v = vec![0.0; 1];
        let mut c = vec![0.0; 1];
        reproject_exact(&src, 2, 1, &cx, &cy, 1, 1, &mut v, &mut c).unwrap();
        assert_eq!(v[0], 2.0);
        assert_eq!(c[0], 0.25);
    }

    #[test]
    fn rejects_bad_lengths() {
        let mut v = vec![0.0; 1];
        let mut c = vec![0.0; 1];
        let err = reproject_exact(&[1.0f64], 1, 1, &[0.0; 3], &[0.0; 4], 1, 1, &mut v, &mut c).unwrap_err();
        assert_eq!(err, KernelError::Length { name: "cornerX", expected: 4, actual: 3 });
    }
}

//! The fit/clip passes of the robust plane fit z ≈ a·x + b·y + c (Montage's mFitplane,
//! Caltech-IPAC/Montage `MontageLib/Fitplane/montageFitplane.c`): an ordinary least-squares
//! fit, then refits on the points within `clip`·rms of the previous fit, where rms is measured
//! over the points within `clip`·(previous rms) of the fit.
//!
//! TypeScript twin: `src/kernels/plane-fit.ts`, bit-identical: every sum runs over four lanes
//! (point i in lane i % 4, combined as (l0 + l1) + (l2 + l3), so AVX2 runs four points per
//! instruction) with the same IEEE operations (no FMA), and the 2×2 solve is the n = 2 case of
//! `solveSmall` in `src/background/plane-fit.ts` (partial pivoting, same arithmetic).
//! The caller (src/background/plane-fit.ts) drops NaN values beforehand.

use crate::error::{check_len, KernelError};

/// Options of [`plane_fit_passes`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneFitOptions {
    /// Fit only the level c (a = b = 0), as `mFitplane -l`.
    pub level_only: bool,
    /// Maximum number of fit/clip passes (Montage: 20).
    pub iterations: usize,
    /// Points farther than `clip`·rms from the fit are left out of the next pass (Montage: 2).
    pub clip: f64,
}

/// Sums over the points the last fit used (the data of its normal equations).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PointMoments {
    pub n: usize,
    pub sx: f64,
    pub sy: f64,
    pub sxx: f64,
    pub sxy: f64,
    pub syy: f64,
}

/// The fitted plane, the rms of its residuals and the points behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneFit {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    /// rms of the residuals within `clip`·(previous rms) of the final plane.
    pub rms: f64,
    /// Number of points counted in `rms`.
    pub npixel: usize,
    /// Moments of the points used in the last fit (all zero when no pass ran).
    pub moments: PointMoments,
    /// Extent of the points used in the last fit (infinite when none qualifies).
    pub xmin: f64,
    pub xmax: f64,
    pub ymin: f64,
    pub ymax: f64,
}

/// How [`plane_fit_passes`] ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlaneFitOutcome {
    Fitted(PlaneFit),
    /// No point to fit (empty input).
    NoPoints,
    /// The `count` points of a pass do not determine a plane (fewer than 3, or collinear).
    Collinear { count: usize },
}

/// The kept-point test `!(dz > limit)` (a NaN residual is kept) as a bit mask, so the sweeps
/// need no branch on the scattered clipped points: a masked value is the value or +0.0.
/// On x86-64 the mask comes from SSE2 intrinsics, which LLVM cannot turn back into a
/// (mispredicted) branch as it does with a plain select.
#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)]
mod keep {
    use std::arch::x86_64::{__m128d, _mm_and_pd, _mm_cmpngt_sd, _mm_cvtsd_f64, _mm_movemask_pd, _mm_set_sd};

    #[derive(Clone, Copy)]
    pub struct Mask(__m128d);

    #[inline(always)]
    pub fn mask(dz: f64, limit: f64) -> Mask {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        Mask(unsafe { _mm_cmpngt_sd(_mm_set_sd(dz), _mm_set_sd(limit)) })
    }

    #[inline(always)]
    pub fn apply(v: f64, m: Mask) -> f64 {
        // SAFETY: as above.
        unsafe { _mm_cvtsd_f64(_mm_and_pd(_mm_set_sd(v), m.0)) }
    }

    #[inline(always)]
    pub fn count(m: Mask) -> usize {
        // SAFETY: as above.
        unsafe { (_mm_movemask_pd(m.0) & 1) as usize }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod keep {
    #[derive(Clone, Copy)]
    pub struct Mask(u64);

    #[inline(always)]
    pub fn mask(dz: f64, limit: f64) -> Mask {
        Mask(((dz > limit) as u64).wrapping_sub(1))
    }

    #[inline(always)]
    pub fn apply(v: f64, m: Mask) -> f64 {
        f64::from_bits(v.to_bits() & m.0)
    }

    #[inline(always)]
    pub fn count(m: Mask) -> usize {
        (m.0 & 1) as usize
    }
}

/// Extent of all points, or of those with |resid[i]| ≤ limit (a NaN residual counts as kept,
/// as in the fit loop's test).
fn kept_extent(px: &[f64], py: &[f64], resid: &[f64], all: bool, limit: f64) -> [f64; 4] {
    let (mut xmin, mut xmax, mut ymin, mut ymax) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..px.len() {
        if !all && resid[i].abs() > limit {
            continue;
        }
        let (xi, yi) = (px[i], py[i]);
        if xi < xmin {
            xmin = xi;
        }
        if xi > xmax {
            xmax = xi;
        }
        if yi < ymin {
            ymin = yi;
        }
        if yi > ymax {
            ymax = yi;
        }
    }
    [xmin, xmax, ymin, ymax]
}

/// Lanes of the sums: point `i` adds into lane `i % LANES`, and the lanes combine as
/// `(l0 + l1) + (l2 + l3)` — one order for the scalar loop, the AVX2 lanes and the TypeScript
/// twin, so all three give the same bits.
const LANES: usize = 4;

/// The sums of one fit pass over the kept points.
#[derive(Default, Clone, Copy)]
struct FitSums {
    cnt: usize,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
    syy: f64,
    sz: f64,
    sxz: f64,
    syz: f64,
}

#[inline(always)]
fn combine(l: &[f64; LANES]) -> f64 {
    (l[0] + l[1]) + (l[2] + l[3])
}

/// Per-lane partial sums of a fit pass: x, y, xx, xy, yy, z, xz, yz, and the count (as f64).
type FitLanes = [[f64; LANES]; 9];

/// Adds point `i` (kept when `!(|resid[i]| > test)`) into its lane.
#[inline(always)]
fn fit_point(l: &mut FitLanes, i: usize, (x, y, z, r): (f64, f64, f64, f64), test: f64) {
    // Branch-free (the clipped points are scattered, so a branch mispredicts): a clipped point
    // adds +0.0 to every sum, which leaves it unchanged — a sum that starts at +0.0 is never
    // −0.0 — so the sums are those of the kept points alone, bit for bit.
    let m = keep::mask(r.abs(), test);
    let (xi, yi, zi) = (keep::apply(x, m), keep::apply(y, m), keep::apply(z, m));
    let k = i % LANES;
    let terms = [xi, yi, xi * xi, xi * yi, yi * yi, zi, xi * zi, yi * zi, keep::count(m) as f64];
    for (s, t) in l.iter_mut().zip(terms) {
        s[k] += t;
    }
}

/// The sums of a fit pass over the points kept by `test` (see [`LANES`]).
fn fit_sums(px: &[f64], py: &[f64], pz: &[f64], resid: &[f64], test: f64) -> FitSums {
    let n = pz.len();
    let (px, py, resid) = (&px[..n], &py[..n], &resid[..n]);
    let mut l: FitLanes = [[0.0; LANES]; 9];
    #[allow(unused_mut)]
    let mut start = 0;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked); the slices hold n points.
            start = unsafe { avx2::fit_lanes(px, py, pz, resid, test, &mut l) };
        }
    }
    for i in start..n {
        fit_point(&mut l, i, (px[i], py[i], pz[i], resid[i]), test);
    }
    FitSums {
        cnt: combine(&l[8]) as usize,
        sx: combine(&l[0]),
        sy: combine(&l[1]),
        sxx: combine(&l[2]),
        sxy: combine(&l[3]),
        syy: combine(&l[4]),
        sz: combine(&l[5]),
        sxz: combine(&l[6]),
        syz: combine(&l[7]),
    }
}

/// Residuals of the plane `(a, b, c)` into `resid`, and the sum of squares and count of those
/// with `!(|r| > test)` (see [`LANES`]).
fn residual_sums(px: &[f64], py: &[f64], pz: &[f64], (a, b, c): (f64, f64, f64), resid: &mut [f64], test: f64) -> (f64, usize) {
    let n = pz.len();
    let (px, py, resid) = (&px[..n], &py[..n], &mut resid[..n]);
    let mut l = [[0.0f64; LANES]; 2];
    #[allow(unused_mut)]
    let mut start = 0;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked); the slices hold n points.
            start = unsafe { avx2::residual_lanes(px, py, pz, (a, b, c), resid, test, &mut l) };
        }
    }
    for i in start..n {
        let r = pz[i] - (a * px[i] + b * py[i] + c);
        resid[i] = r;
        let dz = r.abs();
        let m = keep::mask(dz, test);
        l[0][i % LANES] += keep::apply(dz * dz, m);
        l[1][i % LANES] += keep::count(m) as f64;
    }
    (combine(&l[0]), combine(&l[1]) as usize)
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! The AVX2 lanes of `fit_sums` and `residual_sums`: four points per instruction, point i
    //! in lane i % 4, the same IEEE operations as the scalar loop.
    use super::{FitLanes, LANES};
    use std::arch::x86_64::*;

    /// Four values of `v` from `i` on. Safety: `i + 4 <= v.len()`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn at(v: &[f64], i: usize) -> __m256d {
        debug_assert!(i + 4 <= v.len());
        _mm256_loadu_pd(v.as_ptr().add(i))
    }

    /// Adds the lanes `v` into `l`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store_lanes(l: &mut [f64; LANES], v: __m256d) {
        let mut t = [0.0; LANES];
        // SAFETY: `t` holds four values.
        unsafe { _mm256_storeu_pd(t.as_mut_ptr(), v) };
        *l = t;
    }

    /// `fit_sums` for points `0..n − n % 4` (into the still empty lanes `l`); returns how many.
    ///
    /// # Safety
    /// The CPU must support AVX2; the slices hold at least `pz.len()` points.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn fit_lanes(px: &[f64], py: &[f64], pz: &[f64], resid: &[f64], test: f64, l: &mut FitLanes) -> usize {
        let n = pz.len();
        assert!(px.len() >= n && py.len() >= n && resid.len() >= n);
        let end = n - n % LANES;
        let (t, sign, one) = (_mm256_set1_pd(test), _mm256_set1_pd(-0.0), _mm256_set1_pd(1.0));
        let mut acc = [_mm256_setzero_pd(); 9];
        let mut i = 0;
        while i < end {
            // !(|r| > test): true for a NaN residual, as the scalar mask.
            let m = _mm256_cmp_pd::<_CMP_NGT_UQ>(_mm256_andnot_pd(sign, at(resid, i)), t);
            let (x, y, z) = (_mm256_and_pd(at(px, i), m), _mm256_and_pd(at(py, i), m), _mm256_and_pd(at(pz, i), m));
            let terms = [
                x,
                y,
                _mm256_mul_pd(x, x),
                _mm256_mul_pd(x, y),
                _mm256_mul_pd(y, y),
                z,
                _mm256_mul_pd(x, z),
                _mm256_mul_pd(y, z),
                _mm256_and_pd(one, m),
            ];
            for (a, v) in acc.iter_mut().zip(terms) {
                *a = _mm256_add_pd(*a, v);
            }
            i += LANES;
        }
        for (s, a) in l.iter_mut().zip(acc) {
            store_lanes(s, a);
        }
        end
    }

    /// `residual_sums` for points `0..n − n % 4` (into the still empty lanes `l`); returns how many.
    ///
    /// # Safety
    /// As [`fit_lanes`].
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn residual_lanes(px: &[f64], py: &[f64], pz: &[f64], (a, b, c): (f64, f64, f64), resid: &mut [f64], test: f64, l: &mut [[f64; LANES]; 2]) -> usize {
        let n = pz.len();
        assert!(px.len() >= n && py.len() >= n && resid.len() >= n);
        let end = n - n % LANES;
        let (va, vb, vc) = (_mm256_set1_pd(a), _mm256_set1_pd(b), _mm256_set1_pd(c));
        let (t, sign, one) = (_mm256_set1_pd(test), _mm256_set1_pd(-0.0), _mm256_set1_pd(1.0));
        let (mut szz, mut cnt) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let mut i = 0;
        while i < end {
            // r = z − ((a·x + b·y) + c), as the scalar `a * x + b * y + c`.
            let plane = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(va, at(px, i)), _mm256_mul_pd(vb, at(py, i))), vc);
            let r = _mm256_sub_pd(at(pz, i), plane);
            _mm256_storeu_pd(resid.as_mut_ptr().add(i), r);
            let dz = _mm256_andnot_pd(sign, r);
            let m = _mm256_cmp_pd::<_CMP_NGT_UQ>(dz, t);
            szz = _mm256_add_pd(szz, _mm256_and_pd(_mm256_mul_pd(dz, dz), m));
            cnt = _mm256_add_pd(cnt, _mm256_and_pd(one, m));
            i += LANES;
        }
        store_lanes(&mut l[0], szz);
        store_lanes(&mut l[1], cnt);
        end
    }
}

/// Solves [[m00, m01], [m01, m11]]·p = r by Gaussian elimination with partial pivoting:
/// the n = 2 case of the TypeScript `solveSmall`, operation for operation. None when singular
/// to working precision (or when a coefficient is NaN, as `Math.max` propagates NaN there).
fn solve2(m00: f64, m01: f64, m11: f64, r0: f64, r1: f64) -> Option<(f64, f64)> {
    let abs = [m00.abs(), m01.abs(), m01.abs(), m11.abs()];
    if abs.iter().any(|v| v.is_nan()) {
        return None;
    }
    let scale = abs.iter().fold(f64::NEG_INFINITY, |s, &v| if v > s { v } else { s });
    // `!(scale > 0)` in the twin; NaN is excluded above.
    if scale <= 0.0 {
        return None;
    }
    let tiny = 1e-14 * scale;
    // Rows [m, r]; swap when the second row's first coefficient is larger.
    let (mut u, mut v) = ([m00, m01, r0], [m01, m11, r1]);
    if v[0].abs() > u[0].abs() {
        std::mem::swap(&mut u, &mut v);
    }
    if u[0].abs() <= tiny {
        return None;
    }
    let f = v[0] / u[0];
    v[1] -= f * u[1];
    v[2] -= f * u[2];
    if v[1].abs() <= tiny {
        return None;
    }
    let p1 = v[2] / v[1];
    let p0 = (u[2] - u[1] * p1) / u[0];
    Some((p0, p1))
}

/// Runs the fit/clip passes over the points (px[i], py[i], pz[i]) (no NaN z expected: the
/// caller drops them). Stops early at an exact fit (rms ≤ 1e-12 of the plane's range over the
/// fitted points) and at a fixed point (same plane and rms as the pass before), as the TS twin.
/// Allocates its two residual buffers; see [`plane_fit_passes_in`] to reuse them.
///
/// # Errors
/// [`KernelError::Length`] when the slices differ in length; [`KernelError::Argument`] for a NaN `clip`.
pub fn plane_fit_passes(px: &[f64], py: &[f64], pz: &[f64], opts: &PlaneFitOptions) -> Result<PlaneFitOutcome, KernelError> {
    plane_fit_passes_in(px, py, pz, opts, &mut Vec::new())
}

avx2_twin! {
    /// The points a plane fit of an image takes (mFitplane reads a difference image row by row):
    /// each non-NaN pixel of the `width × height` image `value` as `x = i − x_origin`,
    /// `y = j − y_origin`, `z = value`, in row-major order, into the first entries of `xs`, `ys`,
    /// `zs`; and each row's first and last such column in `row_lo[j]`, `row_hi[j]` (`lo > hi`
    /// when the row has none). Returns the number of points. TypeScript twin:
    /// `gatherPointsTs` in `src/kernels/plane-fit.ts`, bit-identical.
    ///
    /// # Errors
    /// [`KernelError::Length`] when `value` is not `width × height` or an output is too short.
    pub fn gather_points(
        value: &[f64],
        width: usize,
        height: usize,
        arg3: (f64, f64),
        xs: &mut [f64],
        ys: &mut [f64],
        zs: &mut [f64],
        row_lo: &mut [i32],
        row_hi: &mut [i32],
    ) -> Result<usize, KernelError> => gather_points_body
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn gather_points_body(
    value: &[f64],
    width: usize,
    height: usize,
    (x_origin, y_origin): (f64, f64),
    xs: &mut [f64],
    ys: &mut [f64],
    zs: &mut [f64],
    row_lo: &mut [i32],
    row_hi: &mut [i32],
) -> Result<usize, KernelError> {
    let n = width * height;
    check_len("value", n, value.len())?;
    for (name, len) in [("xs", xs.len()), ("ys", ys.len()), ("zs", zs.len())] {
        if len < n {
            return Err(KernelError::Length { name, expected: n, actual: len });
        }
    }
    check_len("rowLo", height, row_lo.len())?;
    check_len("rowHi", height, row_hi.len())?;
    let mut k = 0;
    for j in 0..height {
        let row = &value[j * width..(j + 1) * width];
        let y = j as f64 - y_origin;
        let (mut lo, mut hi) = (width as i32, -1i32);
        for (i, &v) in row.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            xs[k] = i as f64 - x_origin;
            ys[k] = y;
            zs[k] = v;
            k += 1;
            if lo == width as i32 {
                lo = i as i32;
            }
            hi = i as i32;
        }
        row_lo[j] = lo;
        row_hi[j] = hi;
    }
    Ok(k)
}

/// [`plane_fit_passes`] with caller-owned scratch space (grown to 2·n values; its contents on
/// entry do not matter), so repeated fits reuse one allocation and its mapped pages.
///
/// # Errors
/// As [`plane_fit_passes`].
pub fn plane_fit_passes_in(
    px: &[f64],
    py: &[f64],
    pz: &[f64],
    opts: &PlaneFitOptions,
    scratch: &mut Vec<f64>,
) -> Result<PlaneFitOutcome, KernelError> {
    let n = pz.len();
    check_len("px", n, px.len())?;
    check_len("py", n, py.len())?;
    if opts.clip.is_nan() {
        return Err(KernelError::Argument { name: "clip", reason: "NaN" });
    }
    let clip = opts.clip;
    let all = kept_extent(px, py, px, true, 0.0);
    // Residuals of the current plane, and of the plane the last fit's points were chosen by.
    // Neither buffer is read before it is written: the first pass keeps every point whatever
    // its stale residual (the test is against +∞), and only a clipping fit's selection is replayed.
    if scratch.len() < 2 * n {
        scratch.resize(2 * n, 0.0);
    }
    let (first_half, second_half) = scratch[..2 * n].split_at_mut(n);
    let (mut resid, mut kept_by) = (first_half, second_half);
    let (mut a, mut b, mut c, mut rms, mut npixel) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0usize);
    let mut m = PointMoments::default();
    let (mut kept_all, mut kept_limit) = (true, 0.0f64);
    let (mut pa, mut pb, mut pc, mut prms) = (f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    for it in 0..opts.iterations {
        let clipping = rms > 0.0;
        let limit = clip * rms;
        // Not clipping is the test against +∞ (never true, even for a NaN residual).
        let test = if clipping { limit } else { f64::INFINITY };
        let FitSums { cnt, sx, sy, sxx, sxy, syy, sz, sxz, syz } = fit_sums(px, py, pz, resid, test);
        if cnt == 0 {
            if it == 0 {
                return Ok(PlaneFitOutcome::NoPoints);
            }
            break;
        }
        let cf = cnt as f64;
        if opts.level_only {
            a = 0.0;
            b = 0.0;
            c = sz / cf;
        } else {
            let mx = sx / cf;
            let my = sy / cf;
            let cxx = sxx - sx * mx;
            let cxy = sxy - sx * my;
            let cyy = syy - sy * my;
            let cxz = sxz - sx * (sz / cf);
            let cyz = syz - sy * (sz / cf);
            match solve2(cxx, cxy, cyy, cxz, cyz) {
                Some((pa_, pb_)) => {
                    a = pa_;
                    b = pb_;
                }
                None => return Ok(PlaneFitOutcome::Collinear { count: cnt }),
            }
            c = sz / cf - a * mx - b * my;
        }
        m = PointMoments { n: cnt, sx, sy, sxx, sxy, syy };
        kept_all = !clipping;
        kept_limit = limit;
        std::mem::swap(&mut resid, &mut kept_by);
        let rms_limit = clip * rms;
        let rms_test = if it == 0 { f64::INFINITY } else { rms_limit };
        let (szz, rcnt) = residual_sums(px, py, pz, (a, b, c), resid, rms_test);
        if rcnt == 0 {
            break;
        }
        rms = (szz / rcnt as f64).sqrt();
        npixel = rcnt;
        // Exact fit: the extent of all points bounds the fitted points' extent from above.
        let level = (sz / cf).abs();
        if rms <= 1e-12 * (level + a.abs() * (all[1] - all[0]) + b.abs() * (all[3] - all[2]) + 1e-300) {
            let bx = kept_extent(px, py, kept_by, kept_all, kept_limit);
            if rms <= 1e-12 * (level + a.abs() * (bx[1] - bx[0]).abs() + b.abs() * (bx[3] - bx[2]).abs() + 1e-300) {
                break;
            }
        }
        if it > 0 && a == pa && b == pb && c == pc && rms == prms {
            break;
        }
        (pa, pb, pc, prms) = (a, b, c, rms);
    }
    let [xmin, xmax, ymin, ymax] = kept_extent(px, py, kept_by, kept_all, kept_limit);
    Ok(PlaneFitOutcome::Fitted(PlaneFit { a, b, c, rms, npixel, moments: m, xmin, xmax, ymin, ymax }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: PlaneFitOptions = PlaneFitOptions { level_only: false, iterations: 20, clip: 2.0 };

    /// Seeded generator (xorshift64*), uniform in [0, 1).
    fn rng(mut s: u64) -> impl FnMut() -> f64 {
        move || {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            (s.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn fitted(o: PlaneFitOutcome) -> PlaneFit {
        match o {
            PlaneFitOutcome::Fitted(f) => f,
            other => panic!("expected a fit, got {other:?}"),
        }
    }

    #[test]
    fn gathers_the_non_nan_pixels_in_row_order() {
        let v = [1.0, f64::NAN, 3.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN, 8.0, f64::INFINITY];
        let (mut xs, mut ys, mut zs) = ([0.0; 9], [0.0; 9], [0.0; 9]);
        let (mut lo, mut hi) = ([0i32; 3], [0i32; 3]);
        let n = gather_points(&v, 3, 3, (1.5, 10.0), &mut xs, &mut ys, &mut zs, &mut lo, &mut hi).unwrap();
        assert_eq!(n, 4);
        assert_eq!(&xs[..4], &[-1.5, 0.5, -0.5, 0.5]);
        assert_eq!(&ys[..4], &[-10.0, -10.0, -8.0, -8.0]);
        assert_eq!(&zs[..4], &[1.0, 3.0, 8.0, f64::INFINITY]);
        assert_eq!((lo, hi), ([0, 3, 1], [2, -1, 2]));
        assert!(gather_points(&v, 3, 3, (0.0, 0.0), &mut xs[..8], &mut ys, &mut zs, &mut lo, &mut hi).is_err());
    }

    #[test]
    fn recovers_a_plane_under_noise_and_outliers() {
        let mut r = rng(7);
        let (mut px, mut py, mut pz) = (Vec::new(), Vec::new(), Vec::new());
        for j in 0..40 {
            for i in 0..200 {
                let (x, y) = (i as f64 - 100.5, j as f64 + 20.0);
                let g = (-2.0 * (r() + 1e-300).ln()).sqrt() * (std::f64::consts::TAU * r()).cos();
                let outlier = if r() < 0.02 { 100.0 + 50.0 * r() } else { 0.0 };
                px.push(x);
                py.push(y);
                pz.push(3.0 + 0.01 * x - 0.02 * y + 0.5 * g + outlier);
            }
        }
        let f = fitted(plane_fit_passes(&px, &py, &pz, &OPTS).unwrap());
        assert!((f.a - 0.01).abs() < 1e-3 && (f.b + 0.02).abs() < 3e-3, "{f:?}");
        assert!((f.c - 3.0).abs() < 0.1, "{f:?}");
        // Repeated clipping at 2·rms shrinks the kept core of the gaussian (rms < σ = 0.5);
        // the outliers (2 %) are gone either way.
        assert!(f.rms > 0.1 && f.rms < 0.5, "{f:?}");
        assert!(f.moments.n < px.len() * 97 / 100 && f.moments.n > px.len() / 4, "{f:?}");
        assert!(f.xmin >= -100.5 && f.xmax <= 98.5);
    }

    #[test]
    fn exact_plane_stops_with_every_point() {
        let (mut px, mut py, mut pz) = (Vec::new(), Vec::new(), Vec::new());
        for j in 0..10 {
            for i in 0..10 {
                px.push(i as f64);
                py.push(j as f64);
                pz.push(1.0 + 0.5 * i as f64 - 0.25 * j as f64);
            }
        }
        let f = fitted(plane_fit_passes(&px, &py, &pz, &OPTS).unwrap());
        assert_eq!(f.moments.n, 100);
        assert!((f.a - 0.5).abs() < 1e-14 && (f.b + 0.25).abs() < 1e-14 && (f.c - 1.0).abs() < 1e-13);
        assert_eq!([f.xmin, f.xmax, f.ymin, f.ymax], [0.0, 9.0, 0.0, 9.0]);
    }

    #[test]
    fn level_only_is_the_clipped_mean() {
        let pz = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0];
        let px = [0.0; 10];
        let f = fitted(plane_fit_passes(&px, &px, &pz, &PlaneFitOptions { level_only: true, ..OPTS }).unwrap());
        assert_eq!((f.a, f.b), (0.0, 0.0));
        // Pass 1: mean 1.4, rms 1.2; pass 2 keeps |r| ≤ 2.4 → the nine ones, an exact fit.
        assert_eq!(f.c, 1.0);
        assert_eq!((f.moments.n, f.rms, f.npixel), (9, 0.0, 9));
    }

    #[test]
    fn reports_empty_and_collinear_input() {
        assert_eq!(plane_fit_passes(&[], &[], &[], &OPTS).unwrap(), PlaneFitOutcome::NoPoints);
        let o = plane_fit_passes(&[1.0, 2.0, 3.0], &[1.0, 1.0, 1.0], &[0.0, 1.0, 2.0], &OPTS).unwrap();
        assert_eq!(o, PlaneFitOutcome::Collinear { count: 3 });
        assert!(plane_fit_passes(&[1.0], &[1.0, 2.0], &[1.0], &OPTS).is_err());
    }

    #[test]
    fn stale_scratch_changes_nothing() {
        let mut r = rng(3);
        let n = 3000;
        let px: Vec<f64> = (0..n).map(|k| (k % 100) as f64).collect();
        let py: Vec<f64> = (0..n).map(|k| (k / 100) as f64).collect();
        let pz: Vec<f64> = (0..n).map(|_| r() + if r() < 0.05 { 10.0 } else { 0.0 }).collect();
        let fresh = plane_fit_passes(&px, &py, &pz, &OPTS).unwrap();
        for stale in [f64::NAN, 0.0, -1e300, f64::INFINITY] {
            let mut scratch = vec![stale; 2 * n + 7];
            assert_eq!(plane_fit_passes_in(&px, &py, &pz, &OPTS, &mut scratch).unwrap(), fresh);
        }
    }

    #[test]
    fn solve2_matches_hand_elimination() {
        // [[1, 2], [2, 1]]·p = [3, 3] → p = (1, 1), pivoting on the second row.
        assert_eq!(solve2(1.0, 2.0, 1.0, 3.0, 3.0), Some((1.0, 1.0)));
        assert_eq!(solve2(1.0, 1.0, 1.0, 1.0, 2.0), None);
        assert_eq!(solve2(f64::NAN, 1.0, 1.0, 1.0, 1.0), None);
        assert_eq!(solve2(0.0, 0.0, 0.0, 1.0, 1.0), None);
    }
}

//! The fastest path of exact reprojection: "regular" quads, a row of pixels at a time in SIMD
//! lanes (AVX2 where the CPU has it; this file's scalar code is the reference and the tail).
//!
//! When input and output pixels have similar sizes and orientations, nearly every output
//! pixel's quad (in input pixel coordinates) straddles one corner of the input grid: with the
//! cut lines `x = k + 0.5`, `y = l + 0.5` moved onto the axes, its four corners lie one in each
//! quadrant, so each edge crosses exactly one axis. Then the quad's part in the quadrant of
//! corner `c` is the polygon `P_in, c, P_out, O` (the crossings on the edges into and out of
//! `c`, and the origin), whose doubled area is `P_in × c + c × P_out` — the terms with `O`
//! vanish. That is four crossing points and eight two-term cross products per pixel, with no
//! branch: the shape of the case is fixed, only which quadrant holds which corner varies, and
//! that travels as a code. A corner on an axis, two corners in one quadrant, or an edge crossing
//! both axes makes the pixel irregular (`code = −1`); `reproject.rs` then takes its general
//! 2×2 path or clips. Exact up to rounding (~1e-16 of the pixel area).
//!
//! The AVX2 lanes also load the four input pixels (the 2×2 block, two rows of two) and finish
//! the pixel (value and coverage) when all four pixels of a lane group are regular and inside
//! the image (`code = DONE`).
//! The reciprocals `1 / (px − qx)`, `1 / (py − qy)` of each edge do not depend on the origin,
//! so they are computed once per edge of the corner grid and shared by the two pixels on
//! either side of it.
//!
//! Reference: the shoelace / Green's-theorem area (Braden, "The surveyor's area formula",
//! College Math. J. 17(4), 1986). The AVX2 lanes perform the same IEEE operations in the same
//! order as the scalar code (no fused multiply-add; blends for selects; ordered comparisons),
//! so both give the same bits, and so does the TypeScript twin (`regularParts` in
//! `src/kernels/reproject-exact.ts`).

use crate::sample::Sample;

/// `code` of a pixel the SIMD lanes finished (value and coverage written).
pub(crate) const DONE: f64 = -2.0;

/// Largest magnitude of a usable corner coordinate (the floors are exact below it).
const USABLE: f64 = 1e15;

/// One line of the corner grid, reduced for the fast paths.
#[derive(Default)]
pub(crate) struct CornerLine {
    /// `floor(x + 0.5)`, `floor(y + 0.5)`: the input pixel column and row of each corner
    /// (exact small integers; 0 for an unusable corner).
    pub k: Vec<f64>,
    pub l: Vec<f64>,
    /// 1 where both coordinates are finite and below 1e15 in magnitude, else 0.
    pub ok: Vec<f64>,
    /// `1 / (x[i] − x[i + 1])`, `1 / (y[i] − y[i + 1])`: the reciprocals of the line's edges.
    pub rx: Vec<f64>,
    pub ry: Vec<f64>,
}

impl CornerLine {
    /// Reduces the corners `(xs[i], ys[i])` of one grid line.
    pub fn fill(&mut self, xs: &[f64], ys: &[f64]) {
        let n = xs.len();
        for v in [&mut self.k, &mut self.l, &mut self.ok, &mut self.rx, &mut self.ry] {
            v.resize(n, 0.0);
        }
        #[allow(unused_mut)]
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked).
                done = unsafe { avx2::fill_line(self, xs, ys) };
            }
        }
        for i in done..n {
            let (x, y) = (xs[i], ys[i]);
            let ok = (x.abs() < USABLE) & (y.abs() < USABLE);
            let (x, y) = (sel(ok, x, 0.0), sel(ok, y, 0.0));
            self.ok[i] = sel(ok, 1.0, 0.0);
            self.k[i] = floor(x + 0.5);
            self.l[i] = floor(y + 0.5);
        }
        let edges = n.saturating_sub(1);
        reciprocals(&xs[..n], &xs[n.min(1)..], &mut self.rx[..edges]);
        reciprocals(&ys[..n], &ys[n.min(1)..], &mut self.ry[..edges]);
    }
}

/// A row's fast-path results, per pixel: doubled areas of the quad's parts at its corners 0…3
/// (top-left, top-right, bottom-right, bottom-left), the low corner `(k, l)` of its 2×2 block,
/// and the quadrant code `q0 + 4·q1 + 16·q2 + 64·q3` (quadrant `q = [x > 0] + 2·[y > 0]` of
/// each corner) — or −1 where the quad is not regular, or [`DONE`].
#[derive(Default)]
pub(crate) struct RowParts {
    pub a: [Vec<f64>; 4],
    pub k: Vec<f64>,
    pub l: Vec<f64>,
    pub code: Vec<f64>,
    /// `1 / (top − bottom)` of the row's vertical edges.
    rxv: Vec<f64>,
    ryv: Vec<f64>,
}

/// The image the row reads and the outputs it may finish.
pub(crate) struct Source<'a, T> {
    pub src: &'a [T],
    pub w: usize,
    pub h: usize,
}

impl RowParts {
    /// Computes the `n` pixels between corner lines `top` (`tx`, `ty`) and `bottom`; groups of
    /// four regular pixels inside the image are finished straight into `value`, `coverage`.
    #[allow(clippy::too_many_arguments)]
    pub fn compute<T: Sample>(
        &mut self,
        (tx, ty): (&[f64], &[f64]),
        (bx, by): (&[f64], &[f64]),
        top: &CornerLine,
        bottom: &CornerLine,
        image: &Source<T>,
        value: &mut [f64],
        coverage: &mut [f64],
        n: usize,
    ) {
        for v in self.a.iter_mut().chain([&mut self.k, &mut self.l, &mut self.code]) {
            v.resize(n, 0.0);
        }
        self.rxv.resize(n + 1, 0.0);
        self.ryv.resize(n + 1, 0.0);
        let (tx, ty, bx, by) = (&tx[..n + 1], &ty[..n + 1], &bx[..n + 1], &by[..n + 1]);
        reciprocals(tx, bx, &mut self.rxv[..n + 1]);
        reciprocals(ty, by, &mut self.ryv[..n + 1]);
        #[allow(unused_mut)]
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        {
            // The lanes index the image with i32.
            if std::arch::is_x86_feature_detected!("avx2") && image.w * image.h < i32::MAX as usize / 2 {
                // SAFETY: the CPU supports AVX2 (checked); lengths are checked inside.
                done = unsafe { avx2::row(self, (tx, ty), (bx, by), top, bottom, image, value, coverage, n) };
            }
        }
        for i in done..n {
            let p = regular_pixel(i, (tx, ty), (bx, by), top, bottom, &self.rxv, &self.ryv);
            for c in 0..4 {
                self.a[c][i] = p.a[c];
            }
            self.k[i] = p.k;
            self.l[i] = p.l;
            self.code[i] = p.code;
        }
    }
}

/// `out[i] = 1 / (a[i] − b[i])` for every `i < out.len()` (`a`, `b` at least as long): the
/// edges' reciprocals, four at a time where the CPU has AVX2 (division rounds the same in
/// every lane).
fn reciprocals(a: &[f64], b: &[f64], out: &mut [f64]) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    #[allow(unused_mut)]
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked); the three slices hold n values.
            done = unsafe { avx2::reciprocals(a, b, out) };
        }
    }
    for i in done..n {
        out[i] = 1.0 / (a[i] - b[i]);
    }
}

/// `x.floor()` for `|x| < 2^52`, by truncation: no library call, which `floor` costs on
/// baseline x86-64 (no SSE4.1 `roundsd`); the same value as the lanes' `vroundpd`.
#[inline(always)]
fn floor(x: f64) -> f64 {
    debug_assert!(x.abs() < 4_503_599_627_370_496.0);
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

#[inline(always)]
fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

#[inline(always)]
fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// `a` if `c`, else `b` (a blend in the SIMD lanes).
#[inline(always)]
fn sel(c: bool, a: f64, b: f64) -> f64 {
    if c {
        a
    } else {
        b
    }
}

/// What [`regular_pixel`] finds for one pixel.
struct Regular {
    a: [f64; 4],
    k: f64,
    l: f64,
    code: f64,
}

/// The scalar reference of the lanes: pixel `i` of the row.
#[inline(always)]
fn regular_pixel(i: usize, (tx, ty): (&[f64], &[f64]), (bx, by): (&[f64], &[f64]), top: &CornerLine, bottom: &CornerLine, rxv: &[f64], ryv: &[f64]) -> Regular {
    let (tk, tl, tok, bk, bl, bok) = (&top.k, &top.l, &top.ok, &bottom.k, &bottom.l, &bottom.ok);
    let ok = ((tok[i] * tok[i + 1]) * bok[i + 1]) * bok[i];
    let k_lo = min(min(tk[i], tk[i + 1]), min(bk[i + 1], bk[i]));
    let k_hi = max(max(tk[i], tk[i + 1]), max(bk[i + 1], bk[i]));
    let l_lo = min(min(tl[i], tl[i + 1]), min(bl[i + 1], bl[i]));
    let l_hi = max(max(tl[i], tl[i + 1]), max(bl[i + 1], bl[i]));
    let block = (ok > 0.5) & (k_hi - k_lo <= 1.0) & (l_hi - l_lo <= 1.0);
    let (ox, oy) = (k_lo + 0.5, l_lo + 0.5);
    let xs = [tx[i] - ox, tx[i + 1] - ox, bx[i + 1] - ox, bx[i] - ox];
    let ys = [ty[i] - oy, ty[i + 1] - oy, by[i + 1] - oy, by[i] - oy];
    // Edges c → c + 1: the top line, the right side, the bottom line and the left side (the
    // last two reversed: a reversed edge's reciprocal is the negated one, exactly).
    let rx = [top.rx[i], rxv[i + 1], -bottom.rx[i], -rxv[i]];
    let ry = [top.ry[i], ryv[i + 1], -bottom.ry[i], -ryv[i]];
    let px = [xs[0] > 0.0, xs[1] > 0.0, xs[2] > 0.0, xs[3] > 0.0];
    let py = [ys[0] > 0.0, ys[1] > 0.0, ys[2] > 0.0, ys[3] > 0.0];
    let nx = [xs[0] < 0.0, xs[1] < 0.0, xs[2] < 0.0, xs[3] < 0.0];
    let ny = [ys[0] < 0.0, ys[1] < 0.0, ys[2] < 0.0, ys[3] < 0.0];
    let mut regular = block;
    let mut out_piece = [0.0; 4];
    let mut in_piece = [0.0; 4];
    for c in 0..4 {
        let d = (c + 1) & 3;
        // Off both axes, opposite corners in opposite quadrants, each edge across one axis.
        regular &= (px[c] | nx[c]) & (py[c] | ny[c]);
        if c < 2 {
            regular &= (px[c] != px[c + 2]) & (py[c] != py[c + 2]);
        }
        let cross_y = px[c] != px[d];
        let cross_x = py[c] != py[d];
        regular &= cross_y != cross_x;
        let (dx, dy) = (xs[d] - xs[c], ys[d] - ys[c]);
        let yc = ys[c] + (xs[c] * rx[c]) * dy;
        let xc = xs[c] + (ys[c] * ry[c]) * dx;
        let cx = sel(cross_y, 0.0, xc);
        let cy = sel(cross_y, yc, 0.0);
        out_piece[c] = xs[c] * cy - ys[c] * cx;
        in_piece[d] = cx * ys[d] - cy * xs[d];
    }
    let q = |c: usize| sel(px[c], 1.0, 0.0) + sel(py[c], 2.0, 0.0);
    let code = ((q(0) + 4.0 * q(1)) + 16.0 * q(2)) + 64.0 * q(3);
    Regular {
        a: [in_piece[0] + out_piece[0], in_piece[1] + out_piece[1], in_piece[2] + out_piece[2], in_piece[3] + out_piece[3]],
        k: k_lo,
        l: l_lo,
        code: sel(regular, code, -1.0),
    }
}

/// Value and coverage of a regular pixel from the doubled areas of its parts at corners 0…3,
/// their quadrant code and the low corner of its 2×2 block of input pixels (the scalar twin
/// of the lanes' finish).
#[inline(always)]
pub(crate) fn finish_regular<T: Sample>(image: &Source<T>, parts: &[f64; 4], code: u32, k_lo: i64, l_lo: i64) -> (f64, f64) {
    let (w, wi, hi) = (image.w, image.w as i64, image.h as i64);
    // The four input pixels of the block, quadrant by quadrant (NaN outside the image).
    let mut v = [f64::NAN; 4];
    for (q, vq) in v.iter_mut().enumerate() {
        let (k, l) = (k_lo + (q & 1) as i64, l_lo + (q >> 1) as i64);
        if k >= 0 && l >= 0 && k < wi && l < hi {
            *vq = image.src[l as usize * w + k as usize].to_f64();
        }
    }
    let total = ((parts[0] + parts[1]) + parts[2]) + parts[3];
    let sign = sel(total > 0.0, 1.0, -1.0);
    let mut sum_v = 0.0;
    let mut sum_a = 0.0;
    for (c, &part) in parts.iter().enumerate() {
        let area = part * sign;
        let value = v[((code >> (2 * c)) & 3) as usize];
        // Adding +0.0 leaves the sums' bits unchanged, so this branch-free form equals skipping.
        let ok = (area > 0.0) & (value - value == 0.0);
        sum_v += sel(ok, value * area, 0.0);
        sum_a += sel(ok, area, 0.0);
    }
    let covered = sum_a > 0.0;
    let cover = sum_a / (total * sign);
    (sel(covered, sum_v / sum_a, f64::NAN), sel(covered, min(cover, 1.0), 0.0))
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! The AVX2 lanes of `regular_pixel`, `finish_regular` and `CornerLine::fill`, operation
    //! for operation.
    use super::{CornerLine, RowParts, Source, DONE, USABLE};
    use crate::sample::Sample;
    use std::arch::x86_64::*;

    // Every helper is compiled with AVX2 and inlined into the entry points, which have it too.
    macro_rules! lanes {
        ($($name:ident($($a:ident),*) => $e:expr;)*) => {
            $(
                #[inline]
                #[target_feature(enable = "avx2")]
                fn $name($($a: __m256d),*) -> __m256d {
                    $e
                }
            )*
        };
    }
    lanes! {
        add(a, b) => _mm256_add_pd(a, b);
        sub(a, b) => _mm256_sub_pd(a, b);
        mul(a, b) => _mm256_mul_pd(a, b);
        div(a, b) => _mm256_div_pd(a, b);
        gt(a, b) => _mm256_cmp_pd::<_CMP_GT_OQ>(a, b);
        lt(a, b) => _mm256_cmp_pd::<_CMP_LT_OQ>(a, b);
        le(a, b) => _mm256_cmp_pd::<_CMP_LE_OQ>(a, b);
        ge(a, b) => _mm256_cmp_pd::<_CMP_GE_OQ>(a, b);
        eq(a, b) => _mm256_cmp_pd::<_CMP_EQ_OQ>(a, b);
        and(a, b) => _mm256_and_pd(a, b);
        or(a, b) => _mm256_or_pd(a, b);
        xor(a, b) => _mm256_xor_pd(a, b);
        // `a` where `m`, else `b`.
        sel(m, a, b) => _mm256_blendv_pd(b, a, m);
        min(a, b) => sel(lt(a, b), a, b);
        max(a, b) => sel(gt(a, b), a, b);
        neg(a) => _mm256_xor_pd(a, _mm256_set1_pd(-0.0));
        abs(a) => _mm256_andnot_pd(_mm256_set1_pd(-0.0), a);
        floor(a) => _mm256_round_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(a);
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn splat(v: f64) -> __m256d {
        _mm256_set1_pd(v)
    }

    /// Four values of `v` from `i` on.
    ///
    /// # Safety
    /// `i + 4 <= v.len()`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn at(v: &[f64], i: usize) -> __m256d {
        debug_assert!(i + 4 <= v.len());
        _mm256_loadu_pd(v.as_ptr().add(i))
    }

    /// # Safety
    /// `i + 4 <= v.len()`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn put(v: &mut [f64], i: usize, x: __m256d) {
        debug_assert!(i + 4 <= v.len());
        _mm256_storeu_pd(v.as_mut_ptr().add(i), x)
    }

    /// The 2×2 block of input pixels at each of four lane indices `idx` (row-major, `w`
    /// wide): `[P00, P10, P01, P11]`, `Pxy` at `idx + x + y·w`, widened to f64: from two loads
    /// per lane (each a row's pair) and shuffles, rather than four gathers, whose latency the
    /// lanes otherwise wait on (AMD cores gather slowly).
    ///
    /// # Safety
    /// `idx + w + 1` must be inside `src` for every lane.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn block_pixels<T: Sample>(src: &[T], idx: __m128i, w: usize) -> [__m256d; 4] {
        let mut k = [0i32; 4];
        _mm_storeu_si128(k.as_mut_ptr().cast(), idx);
        if T::IS_F32 {
            let p = src.as_ptr() as *const f32;
            // Two neighbouring f32 as one u64 (unaligned).
            let pair = |at: usize| std::ptr::read_unaligned(p.add(at) as *const i64);
            let rows = [0, w].map(|dy| {
                let v = _mm256_setr_epi64x(pair(k[0] as usize + dy), pair(k[1] as usize + dy), pair(k[2] as usize + dy), pair(k[3] as usize + dy));
                // [x0 y0 x1 y1 x2 y2 x3 y3] → [x0 x1 x2 x3 | y0 y1 y2 y3] (left, right pixel of each lane).
                _mm256_permutevar8x32_ps(_mm256_castsi256_ps(v), _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7))
            });
            let wide = |v: __m256, hi: bool| _mm256_cvtps_pd(if hi { _mm256_extractf128_ps::<1>(v) } else { _mm256_castps256_ps128(v) });
            [wide(rows[0], false), wide(rows[0], true), wide(rows[1], false), wide(rows[1], true)]
        } else {
            let p = src.as_ptr() as *const f64;
            let pair = |at: usize| _mm_loadu_pd(p.add(at));
            let rows = [0, w].map(|dy| {
                let (l0, l1, l2, l3) = (pair(k[0] as usize + dy), pair(k[1] as usize + dy), pair(k[2] as usize + dy), pair(k[3] as usize + dy));
                // [x0 y0 x1 y1], [x2 y2 x3 y3] → [x0 x2 x1 x3], [y0 y2 y1 y3] → lanes in order.
                let (v01, v23) = (_mm256_set_m128d(l1, l0), _mm256_set_m128d(l3, l2));
                let order = |v: __m256d| _mm256_permute4x64_pd::<0b11_01_10_00>(v);
                (order(_mm256_unpacklo_pd(v01, v23)), order(_mm256_unpackhi_pd(v01, v23)))
            });
            [rows[0].0, rows[0].1, rows[1].0, rows[1].1]
        }
    }

    /// `super::reciprocals` for `0..n − n % 4`; returns how many.
    ///
    /// # Safety
    /// The CPU must support AVX2; `a`, `b` hold at least `out.len()` values.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn reciprocals(a: &[f64], b: &[f64], out: &mut [f64]) -> usize {
        let n = out.len();
        assert!(a.len() >= n && b.len() >= n);
        let one = splat(1.0);
        let end = n - n % 4;
        let mut i = 0;
        while i < end {
            put(out, i, div(one, sub(at(a, i), at(b, i))));
            i += 4;
        }
        end
    }

    /// `CornerLine::fill`'s floors for corners `0..n − n % 4` (the reciprocals are the scalar
    /// loop's); returns how many.
    ///
    /// # Safety
    /// The CPU must support AVX2; the line's arrays hold `xs.len()` values.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn fill_line(line: &mut CornerLine, xs: &[f64], ys: &[f64]) -> usize {
        let n = xs.len();
        assert!(ys.len() == n && line.k.len() == n && line.l.len() == n && line.ok.len() == n);
        let (zero, half, one, usable) = (splat(0.0), splat(0.5), splat(1.0), splat(USABLE));
        let end = n - n % 4;
        let mut i = 0;
        while i < end {
            let (x, y) = (at(xs, i), at(ys, i));
            let ok = and(lt(abs(x), usable), lt(abs(y), usable));
            let (x, y) = (sel(ok, x, zero), sel(ok, y, zero));
            put(&mut line.ok, i, sel(ok, one, zero));
            put(&mut line.k, i, floor(add(x, half)));
            put(&mut line.l, i, floor(add(y, half)));
            i += 4;
        }
        end
    }

    /// `RowParts::compute`'s lanes for pixels `0..n − n % 4`; returns how many.
    ///
    /// # Safety
    /// The CPU must support AVX2; `p`'s arrays hold `n` (`rxv`, `ryv`: `n + 1`) values, the
    /// lines and corner slices `n + 1`, `value` and `coverage` `n`; `image.w · image.h` fits i32.
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn row<T: Sample>(
        p: &mut RowParts,
        (tx, ty): (&[f64], &[f64]),
        (bx, by): (&[f64], &[f64]),
        top: &CornerLine,
        bottom: &CornerLine,
        image: &Source<T>,
        value: &mut [f64],
        coverage: &mut [f64],
        n: usize,
    ) -> usize {
        for v in [tx, ty, bx, by, &top.k, &top.l, &top.ok, &bottom.k, &bottom.l, &bottom.ok, &p.rxv, &p.ryv] {
            assert!(v.len() > n);
        }
        for v in [&top.rx, &top.ry, &bottom.rx, &bottom.ry, &p.a[0], &p.a[1], &p.a[2], &p.a[3], &p.k, &p.l, &p.code] {
            assert!(v.len() >= n);
        }
        assert!(value.len() >= n && coverage.len() >= n && image.src.len() >= image.w * image.h);
        let (zero, half, one, two) = (splat(0.0), splat(0.5), splat(1.0), splat(2.0));
        let (width, wm1, hm1) = (splat(image.w as f64), splat(image.w as f64 - 1.0), splat(image.h as f64 - 1.0));
        let end = n - n % 4;
        let mut i = 0;
        while i < end {
            let ok = mul(mul(mul(at(&top.ok, i), at(&top.ok, i + 1)), at(&bottom.ok, i + 1)), at(&bottom.ok, i));
            let (tk0, tk1, bk1, bk0) = (at(&top.k, i), at(&top.k, i + 1), at(&bottom.k, i + 1), at(&bottom.k, i));
            let (tl0, tl1, bl1, bl0) = (at(&top.l, i), at(&top.l, i + 1), at(&bottom.l, i + 1), at(&bottom.l, i));
            let k_lo = min(min(tk0, tk1), min(bk1, bk0));
            let k_hi = max(max(tk0, tk1), max(bk1, bk0));
            let l_lo = min(min(tl0, tl1), min(bl1, bl0));
            let l_hi = max(max(tl0, tl1), max(bl1, bl0));
            let block = and(and(gt(ok, half), le(sub(k_hi, k_lo), one)), le(sub(l_hi, l_lo), one));
            let (ox, oy) = (add(k_lo, half), add(l_lo, half));
            let xs = [sub(at(tx, i), ox), sub(at(tx, i + 1), ox), sub(at(bx, i + 1), ox), sub(at(bx, i), ox)];
            let ys = [sub(at(ty, i), oy), sub(at(ty, i + 1), oy), sub(at(by, i + 1), oy), sub(at(by, i), oy)];
            let rx = [at(&top.rx, i), at(&p.rxv, i + 1), neg(at(&bottom.rx, i)), neg(at(&p.rxv, i))];
            let ry = [at(&top.ry, i), at(&p.ryv, i + 1), neg(at(&bottom.ry, i)), neg(at(&p.ryv, i))];
            let px = [gt(xs[0], zero), gt(xs[1], zero), gt(xs[2], zero), gt(xs[3], zero)];
            let py = [gt(ys[0], zero), gt(ys[1], zero), gt(ys[2], zero), gt(ys[3], zero)];
            let nx = [lt(xs[0], zero), lt(xs[1], zero), lt(xs[2], zero), lt(xs[3], zero)];
            let ny = [lt(ys[0], zero), lt(ys[1], zero), lt(ys[2], zero), lt(ys[3], zero)];
            let mut regular = block;
            let mut out_piece = [zero; 4];
            let mut in_piece = [zero; 4];
            for c in 0..4 {
                let d = (c + 1) & 3;
                regular = and(regular, and(or(px[c], nx[c]), or(py[c], ny[c])));
                if c < 2 {
                    regular = and(regular, and(xor(px[c], px[c + 2]), xor(py[c], py[c + 2])));
                }
                let cross_y = xor(px[c], px[d]);
                let cross_x = xor(py[c], py[d]);
                regular = and(regular, xor(cross_y, cross_x));
                let (dx, dy) = (sub(xs[d], xs[c]), sub(ys[d], ys[c]));
                let yc = add(ys[c], mul(mul(xs[c], rx[c]), dy));
                let xc = add(xs[c], mul(mul(ys[c], ry[c]), dx));
                let cx = sel(cross_y, zero, xc);
                let cy = sel(cross_y, yc, zero);
                out_piece[c] = sub(mul(xs[c], cy), mul(ys[c], cx));
                in_piece[d] = sub(mul(cx, ys[d]), mul(cy, xs[d]));
            }
            let a = [add(in_piece[0], out_piece[0]), add(in_piece[1], out_piece[1]), add(in_piece[2], out_piece[2]), add(in_piece[3], out_piece[3])];
            // Inside the image: the whole 2×2 block.
            let inside = and(and(ge(k_lo, zero), ge(l_lo, zero)), and(lt(k_lo, wm1), lt(l_lo, hm1)));
            if _mm256_movemask_pd(and(regular, inside)) == 0b1111 {
                // Gather each corner's input pixel and finish (finish_regular, lane-wise).
                let base = add(mul(l_lo, width), k_lo);
                let total = add(add(add(a[0], a[1]), a[2]), a[3]);
                let sign = sel(gt(total, zero), one, neg(one));
                let (mut sum_v, mut sum_a) = (zero, zero);
                // The four pixels of each lane's block (P[dx + 2·dy] at base + dx + dy·width).
                let block = block_pixels(image.src, _mm256_cvtpd_epi32(base), image.w);
                for c in 0..4 {
                    let v = sel(py[c], sel(px[c], block[3], block[2]), sel(px[c], block[1], block[0]));
                    let area = mul(a[c], sign);
                    let take = and(gt(area, zero), eq(sub(v, v), zero));
                    sum_v = add(sum_v, sel(take, mul(v, area), zero));
                    sum_a = add(sum_a, sel(take, area, zero));
                }
                let covered = gt(sum_a, zero);
                let cover = div(sum_a, mul(total, sign));
                put(value, i, sel(covered, div(sum_v, sum_a), splat(f64::NAN)));
                put(coverage, i, sel(covered, min(cover, one), zero));
                put(&mut p.code, i, splat(DONE));
            } else {
                let q = |c: usize| add(sel(px[c], one, zero), sel(py[c], two, zero));
                let code = add(add(add(q(0), mul(splat(4.0), q(1))), mul(splat(16.0), q(2))), mul(splat(64.0), q(3)));
                for c in 0..4 {
                    put(&mut p.a[c], i, a[c]);
                }
                put(&mut p.k, i, k_lo);
                put(&mut p.l, i, l_lo);
                put(&mut p.code, i, sel(regular, code, splat(-1.0)));
            }
            i += 4;
        }
        end
    }
}

//! Invariants of the exact reprojection: flux conservation under shift and rotation,
//! serial == parallel bit for bit, f32 == f64 input, coverage bounds, fast path == the
//! clipping reference.

use mosaic_core::{reproject_exact, reproject_exact_parallel, reproject_exact_rows, reproject_exact_rows_reference};

/// Small seeded generator (xorshift64*), so the tests need no crates.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Output corners for `x_in = s·R(θ)·(x_out, y_out) + (tx, ty)`.
fn corners(out_w: usize, out_h: usize, scale: f64, theta: f64, tx: f64, ty: f64) -> (Vec<f64>, Vec<f64>) {
    let (c, s) = (theta.cos(), theta.sin());
    let mut cx = Vec::with_capacity((out_w + 1) * (out_h + 1));
    let mut cy = Vec::with_capacity((out_w + 1) * (out_h + 1));
    for j in 0..=out_h {
        for i in 0..=out_w {
            let (x, y) = (i as f64 - 0.5, j as f64 - 0.5);
            cx.push(scale * (c * x - s * y) + tx);
            cy.push(scale * (s * x + c * y) + ty);
        }
    }
    (cx, cy)
}

fn quad_area(cx: &[f64], cy: &[f64], out_w: usize, i: usize, j: usize) -> f64 {
    let s = out_w + 1;
    let idx = [i + s * j, i + 1 + s * j, i + 1 + s * (j + 1), i + s * (j + 1)];
    let mut a = 0.0;
    for k in 0..4 {
        let (p, q) = (idx[k], idx[(k + 1) % 4]);
        a += cx[p] * cy[q] - cx[q] * cy[p];
    }
    (0.5 * a).abs()
}

fn flux(value: &[f64], cov: &[f64], cx: &[f64], cy: &[f64], out_w: usize, out_h: usize) -> f64 {
    let mut total = 0.0;
    for j in 0..out_h {
        for i in 0..out_w {
            let k = i + out_w * j;
            if cov[k] > 0.0 {
                total += value[k] * cov[k] * quad_area(cx, cy, out_w, i, j);
            }
        }
    }
    total
}

fn check_conservation(scale: f64, theta: f64, tx: f64, ty: f64) {
    let (w, h) = (23, 17);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let src: Vec<f64> = (0..w * h).map(|_| rng.next() * 100.0 - 20.0).collect();
    let expected: f64 = src.iter().sum();
    // An output grid generous enough to cover the whole input.
    let (ow, oh) = (60, 60);
    let (cx, cy) = corners(ow, oh, scale, theta, tx, ty);
    let mut v = vec![0.0; ow * oh];
    let mut c = vec![0.0; ow * oh];
    reproject_exact(&src, w, h, &cx, &cy, ow, oh, &mut v, &mut c).unwrap();
    let got = flux(&v, &c, &cx, &cy, ow, oh);
    assert!(((got - expected) / expected).abs() < 1e-12, "scale {scale} θ {theta}: {got} vs {expected}");
    assert!(c.iter().all(|&c| (0.0..=1.0).contains(&c)));
}

#[test]
fn flux_conserved_under_subpixel_shift() {
    check_conservation(1.0, 0.0, -10.3, -12.7);
}

#[test]
fn flux_conserved_under_rotation_and_scale() {
    check_conservation(1.0, 0.37, -5.0, -20.0);
    check_conservation(0.6, -0.2, -8.0, -5.0);
    check_conservation(1.7, 1.1, 20.0, -40.0);
}

#[test]
fn parallel_equals_serial_and_f32_equals_f64() {
    let (w, h) = (40, 30);
    let mut rng = Rng(42);
    let src32: Vec<f32> = (0..w * h).map(|_| if rng.next() < 0.05 { f32::NAN } else { rng.next() as f32 }).collect();
    let src64: Vec<f64> = src32.iter().map(|&v| v as f64).collect();
    let (ow, oh) = (37, 29);
    let (cx, cy) = corners(ow, oh, 1.05, 0.1, 1.3, -0.8);
    let run = |threads: usize, wide: bool| {
        let mut v = vec![0.0; ow * oh];
        let mut c = vec![0.0; ow * oh];
        if wide {
            reproject_exact_parallel(&src64, w, h, &cx, &cy, ow, oh, &mut v, &mut c, threads).unwrap();
        } else {
            reproject_exact_parallel(&src32, w, h, &cx, &cy, ow, oh, &mut v, &mut c, threads).unwrap();
        }
        (v, c)
    };
    let (v1, c1) = run(1, false);
    for (threads, wide) in [(3, false), (4, true), (1, true)] {
        let (v, c) = run(threads, wide);
        assert!(v.iter().zip(&v1).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(c, c1);
    }
}

#[test]
fn nan_corner_blanks_its_pixels() {
    let src = vec![1.0f64; 9];
    let (mut cx, cy) = corners(3, 3, 1.0, 0.0, 0.0, 0.0);
    cx[0] = f64::NAN;
    let mut v = vec![0.0; 9];
    let mut c = vec![0.0; 9];
    reproject_exact(&src, 3, 3, &cx, &cy, 3, 3, &mut v, &mut c).unwrap();
    assert!(v[0].is_nan() && c[0] == 0.0);
    assert_eq!(&v[1..], &[1.0; 8]);
}

/// Checks that the fast path (`reproject_exact_rows`) reproduces the clipping reference:
/// same blanks, values within 1e-12 of the data scale, coverages within 1e-12.
fn check_fast_equals_reference(src: &[f64], w: usize, h: usize, cx: &[f64], cy: &[f64], ow: usize, oh: usize) {
    let run = |reference: bool| {
        let mut v = vec![0.0; ow * oh];
        let mut c = vec![0.0; ow * oh];
        if reference {
            reproject_exact_rows_reference(src, w, h, cx, cy, ow, oh, 0, oh, &mut v, &mut c).unwrap();
        } else {
            reproject_exact_rows(src, w, h, cx, cy, ow, oh, 0, oh, &mut v, &mut c).unwrap();
        }
        (v, c)
    };
    let (v_fast, c_fast) = run(false);
    let (v_ref, c_ref) = run(true);
    let scale = src.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    for k in 0..ow * oh {
        assert_eq!(v_fast[k].is_nan(), v_ref[k].is_nan(), "pixel {k}: {} vs {}", v_fast[k], v_ref[k]);
        if !v_ref[k].is_nan() {
            assert!((v_fast[k] - v_ref[k]).abs() <= 1e-12 * scale, "pixel {k}: {} vs {}", v_fast[k], v_ref[k]);
        }
        assert!((c_fast[k] - c_ref[k]).abs() <= 1e-12, "pixel {k}: coverage {} vs {}", c_fast[k], c_ref[k]);
    }
}

#[test]
fn fast_path_equals_reference() {
    let (w, h) = (41, 33);
    let mut rng = Rng(7);
    let src: Vec<f64> = (0..w * h).map(|_| if rng.next() < 0.03 { f64::NAN } else { rng.next() * 100.0 - 20.0 }).collect();
    // Similar scales (fast path nearly everywhere), exact alignment (corners on the cut
    // lines), magnification, shrinking and a large rotation (both paths), all running off
    // the image edges.
    for (scale, theta, tx, ty) in [
        (1.0, 0.01, -3.3, 2.7),
        (1.0, 0.0, -2.0, 3.0),
        (1.0, 0.0, 0.5, -0.5),
        (0.45, 0.2, 1.1, -0.6),
        (1.6, -0.3, -4.0, -2.0),
        (1.0, 0.7, 10.0, -12.0),
    ] {
        let (ow, oh) = (48, 40);
        let (mut cx, mut cy) = corners(ow, oh, scale, theta, tx, ty);
        // Jitter some corners so that quads are irregular, a few of them concave or
        // self-intersecting (those take the general path), and blank one corner.
        for k in (0..cx.len()).step_by(5) {
            cx[k] += (rng.next() - 0.5) * 0.6;
            cy[k] += (rng.next() - 0.5) * 0.6;
        }
        cx[200] = f64::NAN;
        check_fast_equals_reference(&src, w, h, &cx, &cy, ow, oh);
    }
}

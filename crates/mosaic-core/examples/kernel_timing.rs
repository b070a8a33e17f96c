//! Times the exact reprojection kernel on a rotated grid: `cargo run --release --example kernel_timing`.
use mosaic_core::{reproject_exact_rows, reproject_exact_rows_reference};
use std::time::Instant;

fn main() {
    let (w, h) = (1127usize, 1127usize);
    let src: Vec<f32> = (0..w * h).map(|k| ((k * 7919) % 1000) as f32).collect();
    let (ow, oh) = (1024usize, 1024usize);
    let cases: &[(f64, f64)] = if std::env::var_os("ONE_CASE").is_some() { &[(1.0, 0.01)] } else { &[(1.0, 0.01), (1.0, 0.5), (0.5, 0.2)] };
    for &(scale, theta) in cases {
        let (c, s) = (theta.cos(), theta.sin());
        let mut cx = Vec::new();
        let mut cy = Vec::new();
        for j in 0..=oh {
            for i in 0..=ow {
                let (x, y) = (i as f64 - 0.5, j as f64 - 0.5);
                cx.push(scale * (c * x - s * y) + 40.3);
                cy.push(scale * (s * x + c * y) + 30.7);
            }
        }
        let mut v = vec![0.0; ow * oh];
        let mut cv = vec![0.0; ow * oh];
        let mut best = [f64::INFINITY; 2];
        let only_fast = std::env::var_os("FAST_ONLY").is_some();
        for _ in 0..5 {
            for (r, b) in best.iter_mut().enumerate().take(if only_fast { 1 } else { 2 }) {
                let t = Instant::now();
                if r == 0 {
                    reproject_exact_rows(&src, w, h, &cx, &cy, ow, oh, 0, oh, &mut v, &mut cv).unwrap();
                } else {
                    reproject_exact_rows_reference(&src, w, h, &cx, &cy, ow, oh, 0, oh, &mut v, &mut cv).unwrap();
                }
                *b = b.min(t.elapsed().as_secs_f64() * 1e9 / (ow * oh) as f64);
            }
        }
        println!("scale {scale} theta {theta}: fast {:.1} ns/px, reference {:.1} ns/px", best[0], best[1]);
    }
}

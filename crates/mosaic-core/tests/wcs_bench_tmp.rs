use mosaic_core::wcs::*;
#[test]
#[ignore]
fn bench() {
    let mut pv = PvParams::default();
    pv.pv[1] = None;
    let e = EulerAngles::new(83.8, 90.0 + 5.4, 180.0);
    let p = WcsParams { projection: "SIN".into(), pv, crpix: [256.0, 512.0], cd: [-2.7e-4, 0.0, 0.0, 2.7e-4], crval: [83.8, -5.4], euler: e, distortion: Distortion::None };
    let w = Wcs::new(&p).unwrap();
    let n = 1 << 19;
    let x: Vec<f64> = (0..n).map(|i| (i % 512) as f64 + 0.3).collect();
    let y: Vec<f64> = (0..n).map(|i| (i / 512) as f64 + 0.7).collect();
    let mut l = vec![0.0; n];
    let mut b = vec![0.0; n];
    let t = std::time::Instant::now();
    for _ in 0..5 { w.pix_to_sky(&x, &y, &mut l, &mut b).unwrap(); }
    let dt = t.elapsed().as_secs_f64() / 5.0;
    println!("pix_to_sky {:.1} ns/pt", dt / n as f64 * 1e9);
    let (mut px, mut py) = (vec![0.0; n], vec![0.0; n]);
    let t = std::time::Instant::now();
    for _ in 0..5 { w.sky_to_pix(&l, &b, &mut px, &mut py).unwrap(); }
    let dt = t.elapsed().as_secs_f64() / 5.0;
    println!("sky_to_pix {:.1} ns/pt  {} {}", dt / n as f64 * 1e9, px[1000], py[1000]);
}

//! Invariants of the Rust WCS (`mosaic_core::wcs`): round trips for every projection, exact
//! values at the reference point, NaN off the projection, SIP/TPV inverse round trips,
//! `map_pixels` identity and thread independence, and descriptor validation. Agreement with
//! the TypeScript reference is tested from the TS side (test/wcs/native.test.ts).

use mosaic_core::wcs::{
    descriptor, map_pixels, Distortion, DssPlate, EulerAngles, Poly2, PvParams, Sip, Tnx, TnxSurface, Tpv, Wcs,
    WcsError, WcsParams, PROJECTION_CODES,
};

/// PV values a projection needs to be valid (conics and BON require PV2_1; ZPN a polynomial).
fn pv_for(code: &str) -> PvParams {
    let mut p = PvParams::default();
    match code {
        "COP" | "COE" | "COD" | "COO" => {
            p.pv[1] = Some(45.0);
            p.pv[2] = Some(25.0);
        }
        "BON" => p.pv[1] = Some(45.0),
        "ZPN" => {
            p.pv[1] = Some(1.0);
            p.pv[3] = Some(-0.1);
        }
        "AZP" => {
            p.pv[1] = Some(2.0);
            p.pv[2] = Some(30.0);
        }
        "SZP" => {
            p.pv[1] = Some(2.0);
            p.pv[2] = Some(180.0);
            p.pv[3] = Some(60.0);
        }
        "SIN" => {
            p.pv[1] = Some(0.1);
            p.pv[2] = Some(-0.2);
        }
        _ => {}
    }
    p
}

/// A WCS whose native and celestial coordinates coincide (identity rotation), 1°/pixel.
fn identity_wcs(code: &str, pv: PvParams) -> Wcs {
    let params = WcsParams {
        projection: code.to_string(),
        pv,
        crpix: [0.0, 0.0],
        cd: [1.0, 0.0, 0.0, 1.0],
        crval: [0.0, 0.0],
        euler: EulerAngles::new(0.0, 0.0, 180.0),
        distortion: Distortion::None,
    };
    Wcs::new(&params).unwrap_or_else(|e| panic!("{code}: {e}"))
}

fn ang_dist(l1: f64, b1: f64, l2: f64, b2: f64) -> f64 {
    let (l1, b1, l2, b2) = (l1.to_radians(), b1.to_radians(), l2.to_radians(), b2.to_radians());
    let c = b1.sin() * b2.sin() + b1.cos() * b2.cos() * (l1 - l2).cos();
    let s = ((b2.cos() * (l1 - l2).sin()).powi(2)
        + (b1.cos() * b2.sin() - b1.sin() * b2.cos() * (l1 - l2).cos()).powi(2))
    .sqrt();
    s.atan2(c).to_degrees()
}

#[test]
fn every_projection_round_trips_sky_pixel_sky() {
    for code in PROJECTION_CODES {
        let w = identity_wcs(code, pv_for(code));
        // CSC is an approximation whose inverse is not exact (Paper II: ≈1e-3°, more near edges).
        let tol = if code == "CSC" { 2e-2 } else { 1e-9 };
        let mut ok = 0;
        for bi in -17..=17 {
            for li in 0..72 {
                let (lon, lat) = (li as f64 * 5.0 + 0.37, bi as f64 * 5.0 + 0.21);
                let (x, y) = w.sky_to_pix_one(lon, lat);
                if x.is_nan() {
                    assert!(y.is_nan(), "{code}: one NaN output");
                    continue;
                }
                let (l2, b2) = w.pix_to_sky_one(x, y);
                let d = ang_dist(lon, lat, l2, b2);
                assert!(d < tol, "{code}: ({lon}, {lat}) → ({x}, {y}) → ({l2}, {b2}), {d}°");
                ok += 1;
            }
        }
        assert!(ok > 300, "{code}: only {ok} points on the projection");
    }
}

#[test]
fn reference_pixel_maps_to_crval_and_back() {
    // TAN about (83.8, -5.4): native pole at CRVAL, LONPOLE 180.
    let p = WcsParams {
        projection: "TAN".into(),
        pv: PvParams::default(),
        crpix: [256.0, 512.0],
        cd: [-2.7777778e-4, 0.0, 0.0, 2.7777778e-4],
        crval: [83.8, -5.4],
        euler: EulerAngles::new(83.8, 95.4, 180.0),
        distortion: Distortion::None,
    };
    let w = Wcs::new(&p).unwrap();
    let (l, b) = w.pix_to_sky_one(256.0, 512.0);
    assert!((l - 83.8).abs() < 1e-12 && (b + 5.4).abs() < 1e-12, "{l} {b}");
    let (x, y) = w.sky_to_pix_one(83.8, -5.4);
    assert!((x - 256.0).abs() < 1e-9 && (y - 512.0).abs() < 1e-9, "{x} {y}");
    // East is left: a point 0.01° east (at fixed dec) has a smaller x.
    let (x2, _) = w.sky_to_pix_one(83.81, -5.4);
    assert!(x2 < x);
    // The antipodal hemisphere is not on a TAN projection.
    let (xa, ya) = w.sky_to_pix_one(263.8, 5.4);
    assert!(xa.is_nan() && ya.is_nan());
}

#[test]
fn off_projection_points_are_nan_pairs() {
    let sin = identity_wcs("SIN", PvParams::default());
    let (l, b) = sin.pix_to_sky_one(60.0, 60.0); // r > 180/π: off the orthographic disk
    assert!(l.is_nan() && b.is_nan());
    let ait = identity_wcs("AIT", PvParams::default());
    let (l, b) = ait.pix_to_sky_one(170.0, 80.0); // outside the Aitoff ellipse
    assert!(l.is_nan() && b.is_nan());
}

fn poly(order: usize, terms: &[(usize, usize, f64)]) -> Poly2 {
    let n = order + 1;
    let mut c = vec![0.0; n * n];
    for &(p, q, v) in terms {
        c[p * n + q] = v;
    }
    Poly2 { order, c }
}

fn distorted(dist: Distortion) -> Wcs {
    let p = WcsParams {
        projection: "TAN".into(),
        pv: PvParams::default(),
        crpix: [128.0, 128.0],
        cd: [-3.3e-4, 1e-5, 1e-5, 3.3e-4],
        crval: [202.48, 47.2],
        euler: EulerAngles::new(202.48, 42.8, 180.0),
        distortion: dist,
    };
    Wcs::new(&p).unwrap()
}

#[test]
fn sip_tpv_tnx_dss_inverses_round_trip_on_the_image() {
    let sip = Distortion::Sip(Sip {
        a: poly(3, &[(2, 0, 2e-5), (1, 1, -1e-5), (0, 2, 3e-6), (3, 0, -1e-8)]),
        b: poly(3, &[(2, 0, -4e-6), (1, 1, 2e-5), (0, 2, 1e-5), (0, 3, 2e-8)]),
        ap: None,
        bp: None,
    });
    let tpv = Distortion::Tpv(Tpv {
        lon: vec![(1, 1.0), (4, 2e-3), (5, -1e-3), (7, 0.03)],
        lat: vec![(1, 1.0), (4, 1e-3), (6, 2e-3), (9, -0.02)],
        max_power: 3,
    });
    let surface = |kind: u8, c: Vec<f64>| TnxSurface {
        kind,
        xorder: 3,
        yorder: 3,
        xterms: 2,
        xmin: -0.05,
        xmax: 0.05,
        ymin: -0.05,
        ymax: 0.05,
        coeff: c,
    };
    let tnx = Distortion::Tnx(Tnx {
        lng: Some(surface(1, vec![1e-5, 2e-5, -3e-5, 1e-5, 4e-6, 2e-6])),
        lat: Some(surface(2, vec![-1e-5, 1e-5, 2e-5, -2e-6, 3e-6, 1e-6])),
    });
    let mut amdx = [0.0; 13];
    let mut amdy = [0.0; 13];
    amdx[..4].copy_from_slice(&[67.2, 0.05, -120.0, 2e-4]);
    amdy[..4].copy_from_slice(&[67.2, -0.04, 90.0, -3e-4]);
    amdx[11] = -2e-5;
    amdy[11] = -2e-5;
    let dss = Distortion::Dss(DssPlate {
        ppo3: 177_500.0,
        ppo6: 177_500.0,
        x_pixel_size: 25.0,
        y_pixel_size: 25.0,
        cnpix1: 7000.0,
        cnpix2: 7000.0,
        amdx,
        amdy,
        centre: [128.5, 128.5],
    });
    for (name, d) in [("SIP", sip), ("TPV", tpv), ("TNX", tnx), ("DSS", dss)] {
        let w = distorted(d);
        for j in 0..=16 {
            for i in 0..=16 {
                let (x, y) = (i as f64 * 16.0 + 0.5, j as f64 * 16.0 + 0.5);
                let (l, b) = w.pix_to_sky_one(x, y);
                let (x2, y2) = w.sky_to_pix_one(l, b);
                assert!((x2 - x).abs() < 1e-9 && (y2 - y).abs() < 1e-9, "{name}: ({x}, {y}) → ({x2}, {y2})");
            }
        }
    }
}

#[test]
fn map_pixels_identity_and_thread_independence() {
    let w = distorted(Distortion::None);
    let n = 20_000;
    let x: Vec<f64> = (0..n).map(|i| (i % 200) as f64 * 1.3 - 10.0).collect();
    let y: Vec<f64> = (0..n).map(|i| (i / 200) as f64 * 2.7 - 10.0).collect();
    let (mut ox, mut oy) = (vec![0.0; n], vec![0.0; n]);
    map_pixels(&w, &w, None, &x, &y, &mut ox, &mut oy, 1).unwrap();
    for i in 0..n {
        assert!((ox[i] - x[i]).abs() < 1e-9 && (oy[i] - y[i]).abs() < 1e-9, "{i}");
    }
    // Through an identity rotation matrix: same answer to rounding.
    let id = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let (mut rx, mut ry) = (vec![0.0; n], vec![0.0; n]);
    map_pixels(&w, &w, Some(&id), &x, &y, &mut rx, &mut ry, 1).unwrap();
    for i in 0..n {
        assert!((rx[i] - x[i]).abs() < 1e-8 && (ry[i] - y[i]).abs() < 1e-8, "{i}");
    }
    // Other image: results do not depend on the thread count.
    let to = identity_wcs("CAR", PvParams::default());
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
    let (mut c, mut d) = (vec![0.0; n], vec![0.0; n]);
    map_pixels(&w, &to, None, &x, &y, &mut a, &mut b, 1).unwrap();
    map_pixels(&w, &to, None, &x, &y, &mut c, &mut d, 3).unwrap();
    assert_eq!(a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), c.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    assert_eq!(b.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), d.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    // Mismatched lengths are refused.
    let err = map_pixels(&w, &to, None, &x, &y[1..], &mut a, &mut b, 1).unwrap_err();
    assert!(matches!(err, WcsError::Length { .. }), "{err}");
}

fn tan_descriptor() -> Vec<f64> {
    let mut d = vec![f64::NAN; descriptor::HEADER_LEN];
    d[0] = 1.0;
    d[1] = PROJECTION_CODES.iter().position(|&c| c == "TAN").unwrap() as f64;
    d[2] = 0.0;
    d[3..5].copy_from_slice(&[50.0, 50.0]);
    d[5..9].copy_from_slice(&[-0.01, 0.0, 0.0, 0.01]);
    d[9..11].copy_from_slice(&[10.0, 20.0]);
    let e = EulerAngles::new(10.0, 70.0, 180.0);
    d[11..16].copy_from_slice(&[e.lon_pole, e.colat_pole, e.phi_pole, e.cos_colat, e.sin_colat]);
    d[16] = 20.0;
    d[50] = 0.0;
    d
}

#[test]
fn descriptor_parses_and_rejects_malformed_input() {
    let d = tan_descriptor();
    let p = descriptor::parse(&d).unwrap();
    assert_eq!(p.projection, "TAN");
    assert_eq!(p.crpix, [50.0, 50.0]);
    assert!(p.pv.pv.iter().all(Option::is_none));
    let w = Wcs::new(&p).unwrap();
    let (l, b) = w.pix_to_sky_one(50.0, 50.0);
    assert!((l - 10.0).abs() < 1e-12 && (b - 20.0).abs() < 1e-12);

    let mut bad = d.clone();
    bad[0] = 2.0;
    assert!(descriptor::parse(&bad).unwrap_err().to_string().contains("version"));
    let mut bad = d.clone();
    bad[1] = 99.0;
    assert!(descriptor::parse(&bad).unwrap_err().to_string().contains("projection index"));
    assert!(descriptor::parse(&d[..20]).is_err());
    // A SIP block that is shorter than it says.
    let mut bad = d.clone();
    bad[2] = 1.0;
    bad[50] = 3.0;
    bad.extend_from_slice(&[1.0, 0.0, 0.0]);
    assert!(descriptor::parse(&bad).unwrap_err().to_string().contains("truncated"));
    // A singular CD matrix is refused when compiling.
    let mut sing = descriptor::parse(&d).unwrap();
    sing.cd = [1.0, 2.0, 2.0, 4.0];
    assert_eq!(Wcs::new(&sing).unwrap_err(), WcsError::Singular);
}

#[test]
fn invalid_projection_parameters_are_refused() {
    let mut p = PvParams::default();
    assert!(matches!(mosaic_core::wcs::Projection::new("COP", &p), Err(WcsError::Keyword(_))));
    p.pv[1] = Some(-1.0);
    assert!(mosaic_core::wcs::Projection::new("AZP", &p).is_err());
    assert!(matches!(mosaic_core::wcs::Projection::new("XYZ", &PvParams::default()), Err(WcsError::Projection(_))));
}

#[test]
fn euler_from_fiducial_puts_crval_at_the_reference_pixel() {
    // By definition the reference pixel maps to CRVAL, whatever the projection and LONPOLE.
    let e = EulerAngles::from_fiducial(83.8, -5.4, 0.0, 90.0, None, None).unwrap();
    assert_eq!((e.lon_pole, e.colat_pole, e.phi_pole), (83.8, 95.4, 180.0));
    for code in PROJECTION_CODES {
        let pv = pv_for(code);
        let proj = mosaic_core::wcs::Projection::new(code, &pv).unwrap();
        for &(lon0, lat0) in &[(83.8, -5.4), (202.5, 47.2), (10.0, -75.0), (300.0, 30.0)] {
            for lonpole in [None, Some(170.0)] {
                let Ok(euler) = EulerAngles::from_fiducial(lon0, lat0, proj.phi0, proj.theta0, lonpole, None) else {
                    continue; // LONPOLE incompatible with this CRVAL for a non-zenithal projection
                };
                let p = WcsParams {
                    projection: code.to_string(),
                    pv: pv.clone(),
                    crpix: [100.0, 50.0],
                    cd: [-0.01, 0.0, 0.0, 0.01],
                    crval: [lon0, lat0],
                    euler,
                    distortion: Distortion::None,
                };
                let (l, b) = Wcs::new(&p).unwrap().pix_to_sky_one(100.0, 50.0);
                let d = ang_dist(l, b, lon0, lat0);
                let tol = if code == "CSC" { 1e-6 } else { 1e-9 };
                assert!(d < tol, "{code} CRVAL ({lon0}, {lat0}) LONPOLE {lonpole:?}: ({l}, {b}), {d}°");
            }
        }
    }
    assert!(EulerAngles::from_fiducial(0.0, 80.0, 0.0, 0.0, Some(90.0), None).is_err());
}

/// A TAN WCS at (lon, lat) with 1″ pixels rotated by `rot` degrees.
fn tan_wcs(lon: f64, lat: f64, crpix: [f64; 2], rot: f64) -> Wcs {
    let (s, c) = (rot.to_radians().sin(), rot.to_radians().cos());
    let scale = 1.0 / 3600.0;
    let params = WcsParams {
        projection: "TAN".to_string(),
        pv: PvParams::default(),
        crpix,
        cd: [-scale * c, scale * s, scale * s, scale * c],
        crval: [lon, lat],
        euler: EulerAngles::from_fiducial(lon, lat, 0.0, 90.0, None, None).unwrap(),
        distortion: Distortion::None,
    };
    Wcs::new(&params).unwrap()
}

#[test]
fn tan_to_tan_corner_grids_are_one_homography_to_rounding() {
    use mosaic_core::corner_grid::map_corner_grid;
    // A template and a frame 0.2° away, rotated by 7°: the corner grid takes the homography.
    let template = tan_wcs(275.2, -16.1, [3000.5, 3300.5], 0.0);
    let input = tan_wcs(275.35, -15.95, [256.5, 512.5], 7.0);
    let (x0, y0, cw, ch) = (2400.0, 2600.0, 601usize, 1101usize);
    let (mut x, mut y, mut s) = (vec![0.0; cw * ch], vec![0.0; cw * ch], vec![0u8; cw * ch]);
    let exact_count = map_corner_grid(&template, &input, None, x0, y0, cw, ch, 32, 1e-4, &mut x, &mut y, &mut s).unwrap();
    assert_eq!(exact_count, 13, "the homography path");
    // Arguments the checked grid refuses, the homography path refuses too.
    assert!(map_corner_grid(&template, &input, None, x0, y0, cw, ch, 1, 1e-4, &mut x, &mut y, &mut s).is_err());
    assert!(map_corner_grid(&template, &input, None, x0, y0, cw, ch, 32, 0.0, &mut x, &mut y, &mut s).is_err());
    let mut worst: f64 = 0.0;
    for j in (0..ch).step_by(7) {
        for i in (0..cw).step_by(5) {
            let (l, b) = template.pix_to_sky_one(x0 + i as f64 + 0.5, y0 + j as f64 + 0.5);
            let (px, py) = input.sky_to_pix_one(l, b);
            worst = worst.max((x[i + cw * j] - (px - 1.0)).abs()).max((y[i + cw * j] - (py - 1.0)).abs());
        }
    }
    assert!(worst < 1e-9, "worst corner off by {worst} px");
    eprintln!("homography corners: worst {worst:e} px");
    // A SIN frame is no homography of the TAN template: the checked grid, same tolerance.
    let params = WcsParams {
        projection: "SIN".to_string(),
        pv: PvParams::default(),
        crpix: [256.5, 512.5],
        cd: [-1.0 / 3600.0, 0.0, 0.0, 1.0 / 3600.0],
        crval: [275.35, -15.95],
        euler: EulerAngles::from_fiducial(275.35, -15.95, 0.0, 90.0, None, None).unwrap(),
        distortion: Distortion::None,
    };
    let sin = Wcs::new(&params).unwrap();
    let n = map_corner_grid(&template, &sin, None, x0, y0, cw, ch, 32, 1e-4, &mut x, &mut y, &mut s).unwrap();
    assert!(n > 13, "{n} exact corners: the checked grid");
}

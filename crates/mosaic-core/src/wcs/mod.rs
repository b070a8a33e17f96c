//! World coordinates: 1-based FITS pixels ↔ celestial (lon, lat) degrees, the Rust twin of the
//! TypeScript `Wcs` (`src/wcs/wcs.ts`), which is the reference: same formulas, same boundary and
//! NaN rules, same arithmetic order, so the two agree to rounding (tested to 1e-12 relative).
//!
//! Pipeline (Greisen & Calabretta 2002, Paper I; Calabretta & Greisen 2002, Paper II):
//! pixel → [SIP] → CD·(p − CRPIX) → [TPV] → intermediate (x, y) → projection → native
//! (phi, theta) → spherical rotation → (lon, lat), longitudes in [0, 360). The inverse runs
//! backwards, iterating where a distortion has no closed-form inverse. Off-projection → NaN.
//!
//! A WCS is described by a plain [`WcsParams`] (or its flat `f64` descriptor, see
//! [`descriptor`]); [`Wcs::new`] compiles it once for many points.

#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::manual_range_contains)] // NaN-aware comparisons are deliberate (mirror the TS).

pub mod conic;
pub mod cylindrical;
pub mod descriptor;
pub mod distortion;
pub mod healpix;
pub mod projection;
pub mod quad_cube;
pub mod sphere;
pub mod trig;
pub mod zenithal;

use std::fmt;

pub use distortion::{Distortion, DssPlate, Poly2, Sip, Tnx, TnxSurface, Tpv};
pub use projection::{Projection, PvParams, PROJECTION_CODES};
pub use sphere::EulerAngles;

use distortion::Plane;
use sphere::{celestial_to_native, native_to_celestial};
use trig::sph::norm_lon;
use trig::{D2R, R2D};

/// Why a WCS could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum WcsError {
    /// Unknown projection code.
    Projection(String),
    /// Invalid parameter (PV value, fiducial point), named in the message.
    Keyword(String),
    /// Singular CD matrix.
    Singular,
    /// Malformed flat descriptor.
    Descriptor(String),
    /// Slices of different lengths.
    Length { name: &'static str, expected: usize, actual: usize },
}

impl fmt::Display for WcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WcsError::Projection(m) | WcsError::Keyword(m) => f.write_str(m),
            WcsError::Singular => f.write_str("the CD matrix is singular (determinant 0)"),
            WcsError::Descriptor(m) => write!(f, "Invalid WCS descriptor: {m}"),
            WcsError::Length { name, expected, actual } => {
                write!(f, "Expected length {expected} for {name} but received length {actual}")
            }
        }
    }
}

impl std::error::Error for WcsError {}

/// Everything that defines a celestial WCS (the TS `Wcs` minus its header bookkeeping).
#[derive(Debug, Clone, PartialEq)]
pub struct WcsParams {
    /// Spherical projection code (`TAN`, `SIN`, …; TPV is `TAN` + [`Distortion::Tpv`]).
    pub projection: String,
    /// PV parameters of the projection.
    pub pv: PvParams,
    /// Reference pixel, 1-based.
    pub crpix: [f64; 2],
    /// Linear matrix, row-major, degrees per pixel (rows lon, lat; columns x, y).
    pub cd: [f64; 4],
    /// CRVAL (lon, lat), degrees (informational: the rotation is in `euler`).
    pub crval: [f64; 2],
    /// The resolved spherical rotation (CRVAL + LONPOLE/LATPOLE + fiducial point); build it with
    /// [`EulerAngles::from_fiducial`] (the descriptor carries the TypeScript-resolved angles).
    pub euler: EulerAngles,
    /// SIP, TPV or none.
    pub distortion: Distortion,
}

/// A compiled WCS, ready for many points. Immutable, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Wcs {
    proj: Projection,
    plane: Plane,
    euler: EulerAngles,
}

impl Wcs {
    /// Compiles `p`.
    ///
    /// # Errors
    /// Unknown projection, invalid PV values, singular CD.
    pub fn new(p: &WcsParams) -> Result<Self, WcsError> {
        let det = p.cd[0] * p.cd[3] - p.cd[1] * p.cd[2];
        if !det.is_finite() || det == 0.0 {
            return Err(WcsError::Singular);
        }
        Ok(Wcs {
            proj: Projection::new(&p.projection, &p.pv)?,
            plane: Plane::new(p.crpix, p.cd, p.distortion.clone()),
            euler: p.euler,
        })
    }

    /// Whether pixel → sky is a gnomonic (TAN) projection of a linear map, no distortion: then
    /// the map between two such WCSs is a homography (crate::homography).
    pub fn is_gnomonic(&self) -> bool {
        self.proj.is_gnomonic() && self.plane.is_linear()
    }

    /// The projection (for its fiducial point).
    pub fn projection(&self) -> &Projection {
        &self.proj
    }

    /// One pixel (x, y), 1-based → (lon, lat) degrees, lon in [0, 360); NaN pair off the projection.
    #[inline]
    pub fn pix_to_sky_one(&self, x: f64, y: f64) -> (f64, f64) {
        let (u, v) = self.plane.forward(x, y);
        let (phi, theta) = self.proj.to_native(u, v);
        let (l, b) = native_to_celestial(&self.euler, phi, theta);
        if l.is_nan() || b.is_nan() {
            (f64::NAN, f64::NAN)
        } else if !(0.0..360.0).contains(&l) {
            (norm_lon(l), b)
        } else {
            (l, b)
        }
    }

    /// One (lon, lat) degrees → pixel (x, y), 1-based; NaN pair when not on the projection.
    #[inline]
    pub fn sky_to_pix_one(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (phi, theta) = celestial_to_native(&self.euler, lon, lat);
        let (u, v) = self.proj.from_native(phi, theta);
        let (x, y) = self.plane.inverse(u, v);
        if x.is_nan() || y.is_nan() {
            (f64::NAN, f64::NAN)
        } else {
            (x, y)
        }
    }

    /// Vectorised pixel → sky; all four slices must have the same length.
    pub fn pix_to_sky(&self, x: &[f64], y: &[f64], lon: &mut [f64], lat: &mut [f64]) -> Result<(), WcsError> {
        check4(x, y, lon.len(), lat.len())?;
        for i in 0..x.len() {
            (lon[i], lat[i]) = self.pix_to_sky_one(x[i], y[i]);
        }
        Ok(())
    }

    /// Vectorised sky → pixel; all four slices must have the same length.
    pub fn sky_to_pix(&self, lon: &[f64], lat: &[f64], x: &mut [f64], y: &mut [f64]) -> Result<(), WcsError> {
        check4(lon, lat, x.len(), y.len())?;
        for i in 0..lon.len() {
            (x[i], y[i]) = self.sky_to_pix_one(lon[i], lat[i]);
        }
        Ok(())
    }
}

fn check4(a: &[f64], b: &[f64], c: usize, d: usize) -> Result<(), WcsError> {
    let n = a.len();
    for (name, actual) in [("second input", b.len()), ("first output", c), ("second output", d)] {
        if actual != n {
            return Err(WcsError::Length { name, expected: n, actual });
        }
    }
    Ok(())
}

/// Rotates (lon, lat) degrees by a row-major 3×3 matrix acting on unit vectors (a frame
/// change), as the TS `FrameConversion.convertMany` does for a pure-rotation conversion.
#[inline]
pub fn rotate_sky(m: &[f64; 9], lon: f64, lat: f64) -> (f64, f64) {
    let lo = lon * D2R;
    let la = lat * D2R;
    if !lo.is_finite() || !la.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let cl = la.cos();
    let v = [cl * lo.cos(), cl * lo.sin(), la.sin()];
    let x = m[0] * v[0] + m[1] * v[1] + m[2] * v[2];
    let y = m[3] * v[0] + m[4] * v[1] + m[5] * v[2];
    let z = m[6] * v[0] + m[7] * v[1] + m[8] * v[2];
    (norm_lon(y.atan2(x) * R2D), z.atan2(x.hypot(y)) * R2D)
}

/// Builds `params` and converts pixels → sky (see [`Wcs::pix_to_sky`]).
pub fn pix_to_sky(params: &WcsParams, x: &[f64], y: &[f64], lon: &mut [f64], lat: &mut [f64]) -> Result<(), WcsError> {
    Wcs::new(params)?.pix_to_sky(x, y, lon, lat)
}

/// Builds `params` and converts sky → pixels (see [`Wcs::sky_to_pix`]).
pub fn sky_to_pix(params: &WcsParams, lon: &[f64], lat: &[f64], x: &mut [f64], y: &mut [f64]) -> Result<(), WcsError> {
    Wcs::new(params)?.sky_to_pix(lon, lat, x, y)
}

/// Pixels of image `from` → pixels of image `to` (1-based), through the sky and an optional
/// frame rotation `rot` (row-major 3×3, from's frame → to's frame). NaN where either WCS has
/// no answer. The hot path of reprojection. `threads` ≥ 1 splits the points across scoped
/// threads (results do not depend on it).
#[allow(clippy::too_many_arguments)]
pub fn map_pixels(
    from: &Wcs,
    to: &Wcs,
    rot: Option<&[f64; 9]>,
    x: &[f64],
    y: &[f64],
    out_x: &mut [f64],
    out_y: &mut [f64],
    threads: usize,
) -> Result<(), WcsError> {
    check4(x, y, out_x.len(), out_y.len())?;
    let run = |x: &[f64], y: &[f64], ox: &mut [f64], oy: &mut [f64]| {
        for i in 0..x.len() {
            let (mut l, mut b) = from.pix_to_sky_one(x[i], y[i]);
            if let Some(m) = rot {
                (l, b) = rotate_sky(m, l, b);
            }
            (ox[i], oy[i]) = to.sky_to_pix_one(l, b);
        }
    };
    let n = x.len();
    let threads = threads.clamp(1, 64).min(n.div_ceil(4096).max(1));
    if threads == 1 {
        run(x, y, out_x, out_y);
        return Ok(());
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        for (((cx, cy), ox), oy) in
            x.chunks(chunk).zip(y.chunks(chunk)).zip(out_x.chunks_mut(chunk)).zip(out_y.chunks_mut(chunk))
        {
            s.spawn(move || run(cx, cy, ox, oy));
        }
    });
    Ok(())
}

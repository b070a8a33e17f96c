//! The flat `f64` descriptor of a WCS: how the TypeScript side (`src/wcs/native.ts`) hands a
//! `Wcs` to the native core without a parser. Layout, version 1 (absent values are NaN):
//!
//! | index | content |
//! |---|---|
//! | 0 | version (1) |
//! | 1 | projection: index into [`PROJECTION_CODES`] |
//! | 2 | distortion: 0 none, 1 SIP, 2 TPV, 3 TNX, 4 DSS |
//! | 3, 4 | CRPIX1, CRPIX2 (1-based) |
//! | 5–8 | CD1_1, CD1_2, CD2_1, CD2_2 (degrees/pixel; rows lon, lat) |
//! | 9, 10 | CRVAL lon, lat (degrees; informational) |
//! | 11–15 | Euler angles: lonPole, colatPole, phiPole, cosColat, sinColat |
//! | 16 | effective LATPOLE (informational) |
//! | 17–19 | PVj_0…PVj_2 of the longitude axis (NaN = absent) |
//! | 20–49 | PVi_0…PVi_29 of the latitude axis (NaN = absent) |
//! | 50 | L, the length of the distortion block that follows |
//! | 51… | SIP: for A, B, AP, BP: order (−1 = absent) then (order+1)² coefficients, `c[p*(order+1)+q]`; TPV: maxPower, nLon, (k, c)×nLon, nLat, (k, c)×nLat; TNX: for lngcor, latcor: 0 (absent) or 1 then type, xorder, yorder, xterms, xmin, xmax, ymin, ymax, nCoeff, coefficients; DSS: centre x, y, PPO3, PPO6, XPIXELSZ, YPIXELSZ, CNPIX1, CNPIX2, AMDX1…13, AMDY1…13 (the plate centre is CRVAL; CRPIX/CD are unused, CD = identity) |

use super::distortion::{Distortion, DssPlate, Poly2, Sip, Tnx, TnxSurface, Tpv, TNX_MAX_ORDER};
use super::projection::{PvParams, PROJECTION_CODES};
use super::sphere::EulerAngles;
use super::{WcsError, WcsParams};

/// Descriptor format version this build reads.
pub const DESCRIPTOR_VERSION: f64 = 1.0;
/// Length of the fixed part (before the distortion block).
pub const HEADER_LEN: usize = 51;

fn err(m: impl Into<String>) -> WcsError {
    WcsError::Descriptor(m.into())
}

fn opt(v: f64) -> Option<f64> {
    if v.is_nan() {
        None
    } else {
        Some(v)
    }
}

fn as_index(v: f64, what: &str, max: usize) -> Result<usize, WcsError> {
    if v >= 0.0 && v.fract() == 0.0 && v <= max as f64 {
        Ok(v as usize)
    } else {
        Err(err(format!("{what} must be an integer from 0 to {max} but is {v}")))
    }
}

struct Reader<'a> {
    d: &'a [f64],
    at: usize,
}

impl Reader<'_> {
    fn next(&mut self) -> Result<f64, WcsError> {
        let v = *self.d.get(self.at).ok_or_else(|| err("distortion block is truncated"))?;
        self.at += 1;
        Ok(v)
    }

    fn poly(&mut self) -> Result<Option<Poly2>, WcsError> {
        let order = self.next()?;
        if order == -1.0 {
            return Ok(None);
        }
        let order = as_index(order, "SIP order", 20)?;
        let n = (order + 1) * (order + 1);
        let c = (0..n).map(|_| self.next()).collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Poly2 { order, c }))
    }

    fn tnx_surface(&mut self) -> Result<Option<TnxSurface>, WcsError> {
        if as_index(self.next()?, "TNX surface flag", 1)? == 0 {
            return Ok(None);
        }
        let kind = as_index(self.next()?, "TNX surface type", 3)? as u8;
        if kind == 0 {
            return Err(err("TNX surface type must be 1, 2 or 3 but is 0"));
        }
        let xorder = as_index(self.next()?, "TNX xorder", TNX_MAX_ORDER)?;
        let yorder = as_index(self.next()?, "TNX yorder", TNX_MAX_ORDER)?;
        let xterms = as_index(self.next()?, "TNX xterms", 2)? as u8;
        if xorder == 0 || yorder == 0 {
            return Err(err("TNX orders must be positive"));
        }
        let (xmin, xmax, ymin, ymax) = (self.next()?, self.next()?, self.next()?, self.next()?);
        let n = as_index(self.next()?, "TNX coefficient count", TNX_MAX_ORDER * TNX_MAX_ORDER)?;
        let order = xorder.min(yorder);
        let need = match xterms {
            0 => xorder + yorder - 1,
            1 => xorder * yorder,
            _ => xorder * yorder - order * (order - 1) / 2,
        };
        if n < need {
            return Err(err(format!("TNX surface needs {need} coefficients but has {n}")));
        }
        let coeff = (0..n).map(|_| self.next()).collect::<Result<Vec<_>, _>>()?;
        Ok(Some(TnxSurface { kind, xorder, yorder, xterms, xmin, xmax, ymin, ymax, coeff }))
    }

    fn tpv_axis(&mut self) -> Result<Vec<(usize, f64)>, WcsError> {
        let n = as_index(self.next()?, "TPV term count", 40)?;
        (0..n).map(|_| Ok((as_index(self.next()?, "TPV term", 39)?, self.next()?))).collect()
    }
}

/// Parses a version-1 descriptor.
///
/// # Errors
/// [`WcsError::Descriptor`] naming the first bad field.
pub fn parse(d: &[f64]) -> Result<WcsParams, WcsError> {
    if d.len() < HEADER_LEN {
        return Err(err(format!("expected at least {HEADER_LEN} values but received {}", d.len())));
    }
    if d[0] != DESCRIPTOR_VERSION {
        return Err(err(format!("expected version {DESCRIPTOR_VERSION} but received {}", d[0])));
    }
    let code = PROJECTION_CODES[as_index(d[1], "projection index", PROJECTION_CODES.len() - 1)?];
    let mut pv = PvParams::default();
    for m in 0..3 {
        pv.pv_lon[m] = opt(d[17 + m]);
    }
    for m in 0..30 {
        pv.pv[m] = opt(d[20 + m]);
    }
    let len = as_index(d[50], "distortion block length", d.len() - HEADER_LEN)?;
    if HEADER_LEN + len != d.len() {
        return Err(err(format!("expected {} values but received {}", HEADER_LEN + len, d.len())));
    }
    let mut r = Reader { d: &d[..HEADER_LEN + len], at: HEADER_LEN };
    let distortion = match as_index(d[2], "distortion kind", 4)? {
        0 => Distortion::None,
        1 => {
            let a = r.poly()?.ok_or_else(|| err("SIP A is absent"))?;
            let b = r.poly()?.ok_or_else(|| err("SIP B is absent"))?;
            let ap = r.poly()?;
            let bp = r.poly()?;
            Distortion::Sip(Sip { a, b, ap, bp })
        }
        2 => {
            let max_power = as_index(r.next()?, "TPV max power", 7)?;
            let lon = r.tpv_axis()?;
            let lat = r.tpv_axis()?;
            Distortion::Tpv(Tpv { lon, lat, max_power })
        }
        3 => {
            let lng = r.tnx_surface()?;
            let lat = r.tnx_surface()?;
            Distortion::Tnx(Tnx { lng, lat })
        }
        _ => {
            let mut v = [0.0; 34];
            for slot in v.iter_mut() {
                *slot = r.next()?;
            }
            let mut amdx = [0.0; 13];
            let mut amdy = [0.0; 13];
            amdx.copy_from_slice(&v[8..21]);
            amdy.copy_from_slice(&v[21..34]);
            Distortion::Dss(DssPlate {
                centre: [v[0], v[1]],
                ppo3: v[2],
                ppo6: v[3],
                x_pixel_size: v[4],
                y_pixel_size: v[5],
                cnpix1: v[6],
                cnpix2: v[7],
                amdx,
                amdy,
            })
        }
    };
    if r.at != d.len() {
        return Err(err(format!("{} unread values after the distortion block", d.len() - r.at)));
    }
    for (i, v) in d[3..16].iter().enumerate() {
        if !v.is_finite() {
            return Err(err(format!("value {} must be finite but is {v}", i + 3)));
        }
    }
    Ok(WcsParams {
        projection: code.to_string(),
        pv,
        crpix: [d[3], d[4]],
        cd: [d[5], d[6], d[7], d[8]],
        crval: [d[9], d[10]],
        euler: EulerAngles { lon_pole: d[11], colat_pole: d[12], phi_pole: d[13], cos_colat: d[14], sin_colat: d[15] },
        distortion,
    })
}

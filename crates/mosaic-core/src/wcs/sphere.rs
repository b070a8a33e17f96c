//! The spherical rotation between native (phi, theta) and celestial (lon, lat), degrees.
//!
//! Reference: Calabretta & Greisen 2002 (Paper II) §2.3, eqs. (2)–(7); a port of our
//! TypeScript `src/wcs/sphere.ts` (which follows wcslib's sphx2s/sphs2x), same special cases
//! and the same arithmetic order so both agree to rounding.

use super::trig::sph::{acosd, asind, atan2d, cosd, fmod, multiple_of, sind};
use super::WcsError;

const TOL: f64 = 1e-10;

/// Euler angles of the rotation, as resolved from CRVAL/LONPOLE/LATPOLE (wcslib's `euler[5]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EulerAngles {
    /// Celestial longitude of the native pole, degrees.
    pub lon_pole: f64,
    /// 90° − celestial latitude of the native pole, degrees.
    pub colat_pole: f64,
    /// Native longitude of the celestial pole (the effective LONPOLE), degrees.
    pub phi_pole: f64,
    pub cos_colat: f64,
    pub sin_colat: f64,
}

impl EulerAngles {
    /// Angles from the celestial pole of the native system (cos/sin computed exactly as in TS).
    pub fn new(lon_pole: f64, colat_pole: f64, phi_pole: f64) -> Self {
        EulerAngles { lon_pole, colat_pole, phi_pole, cos_colat: cosd(colat_pole), sin_colat: sind(colat_pole) }
    }
}

fn wrap180(a: f64) -> f64 {
    if a > 180.0 {
        a - 360.0
    } else if a < -180.0 {
        a + 360.0
    } else {
        a
    }
}

impl EulerAngles {
    /// Resolves the rotation from the fiducial point (Paper II eqs. 8–10 and the LONPOLE/LATPOLE
    /// rules of §2.4), a port of the TS `eulerFromFiducial`: `lon0, lat0` = CRVAL, `phi0, theta0`
    /// = the projection's fiducial point, `lonpole`/`latpole` = the header values (None = default).
    ///
    /// # Errors
    /// [`WcsError::Keyword`] when CRVAL/LONPOLE/LATPOLE admit no rotation.
    pub fn from_fiducial(
        lon0: f64,
        lat0: f64,
        phi0: f64,
        theta0: f64,
        lonpole: Option<f64>,
        latpole: Option<f64>,
    ) -> Result<Self, WcsError> {
        let theta0 = if theta0.abs() > 90.0 {
            if theta0 > 0.0 {
                90.0
            } else {
                -90.0
            }
        } else {
            theta0
        };
        let phip = match lonpole {
            Some(v) if v != 999.0 => v,
            _ => wrap180((if lat0 < theta0 { 180.0 } else { 0.0 }) + phi0),
        };
        let mut latp = latpole.unwrap_or(90.0);
        let mut lngp;
        if theta0 == 90.0 {
            lngp = lon0;
            latp = lat0;
        } else {
            let (slat0, clat0) = (sind(lat0), cosd(lat0));
            let (sthe0, cthe0) = (sind(theta0), cosd(theta0));
            let sphip;
            let (mut u, mut v) = (0.0, 0.0);
            let mut only_latpole = false;
            if phip == phi0 {
                sphip = 0.0;
                u = theta0;
                v = 90.0 - lat0;
            } else {
                sphip = sind(phip - phi0);
                let cphip = cosd(phip - phi0);
                let x = cthe0 * cphip;
                let y = sthe0;
                let z = (x * x + y * y).sqrt();
                if z == 0.0 {
                    if slat0 != 0.0 {
                        return Err(WcsError::Keyword(
                            "CRVAL: latitude 0 is required when |LONPOLE - phi0| = 90 and theta0 = 0".into(),
                        ));
                    }
                    only_latpole = true;
                    latp = latp.clamp(-90.0, 90.0);
                } else {
                    let mut slz = slat0 / z;
                    if slz.abs() > 1.0 {
                        if slz.abs() - 1.0 < TOL {
                            slz = if slz > 0.0 { 1.0 } else { -1.0 };
                        } else {
                            return Err(WcsError::Keyword(format!(
                                "LONPOLE: |CRVAL latitude| must be <= {:.3} for LONPOLE {phip} and this projection",
                                asind(z)
                            )));
                        }
                    }
                    u = atan2d(y, x);
                    v = acosd(slz);
                }
            }
            if !only_latpole {
                let latp1 = wrap180(u + v);
                let latp2 = wrap180(u - v);
                latp = if (latp - latp1).abs() < (latp - latp2).abs() {
                    if latp1.abs() < 90.0 + TOL {
                        latp1
                    } else {
                        latp2
                    }
                } else if latp2.abs() < 90.0 + TOL {
                    latp2
                } else {
                    latp1
                };
                if latp.abs() < 90.0 + TOL {
                    latp = latp.clamp(-90.0, 90.0);
                }
            }
            let z = cosd(latp) * clat0;
            if z.abs() < TOL {
                lngp = if clat0.abs() < TOL {
                    lon0
                } else if latp > 0.0 {
                    lon0 + phip - phi0 - 180.0
                } else {
                    lon0 - phip + phi0
                };
            } else {
                let x = (sthe0 - sind(latp) * slat0) / z;
                let y = (sphip * cthe0) / clat0;
                lngp = lon0 - atan2d(y, x);
            }
            if lon0 >= 0.0 {
                if lngp < 0.0 {
                    lngp += 360.0;
                } else if lngp > 360.0 {
                    lngp -= 360.0;
                }
            } else if lngp > 0.0 {
                lngp -= 360.0;
            } else if lngp < -360.0 {
                lngp += 360.0;
            }
        }
        if latp.abs() > 90.0 + TOL {
            return Err(WcsError::Keyword(
                "LATPOLE: no valid celestial pole latitude for these CRVAL/LONPOLE values".into(),
            ));
        }
        Ok(EulerAngles::new(lngp, 90.0 - latp, phip))
    }
}

/// wcslib's output convention, before the final [0, 360) normalisation.
#[inline]
fn norm_cel_lon(mut lon: f64, r: f64) -> f64 {
    if r >= 0.0 {
        if lon < 0.0 {
            lon += 360.0;
        }
    } else if lon > 0.0 {
        lon -= 360.0;
    }
    if lon > 360.0 {
        lon -= 360.0;
    } else if lon < -360.0 {
        lon += 360.0;
    }
    lon
}

#[inline]
fn sign(z: f64) -> f64 {
    if z > 0.0 {
        1.0
    } else if z < 0.0 {
        -1.0
    } else {
        z
    }
}

/// Native (phi, theta) → celestial (lon, lat), degrees. NaN in, NaN out.
#[inline]
pub fn native_to_celestial(e: &EulerAngles, phi: f64, t: f64) -> (f64, f64) {
    if e.sin_colat == 0.0 {
        let flip = e.colat_pole != 0.0;
        let dlng = if flip { (e.lon_pole + e.phi_pole) % 360.0 } else { (e.lon_pole + 180.0 - e.phi_pole) % 360.0 };
        let lon = norm_cel_lon(if flip { dlng - phi } else { phi + dlng }, e.lon_pole);
        return (lon, if flip { -t } else { t });
    }
    let dphi = phi - e.phi_pole;
    let sinthe = sind(t);
    let costhe = cosd(t);
    let sinphi = sind(dphi);
    let cosphi = cosd(dphi);
    let mut x = sinthe * e.sin_colat - costhe * e.cos_colat * cosphi;
    if x.abs() < TOL {
        x = -cosd(t + e.colat_pole) + costhe * e.cos_colat * (1.0 - cosphi);
    }
    let y = -costhe * sinphi;
    let dlng = if x != 0.0 || y != 0.0 {
        atan2d(y, x)
    } else if e.colat_pole < 90.0 {
        dphi + 180.0
    } else {
        -dphi
    };
    let la = if multiple_of(dphi, 180.0) {
        let mut la = t + cosphi * e.colat_pole;
        if la > 90.0 {
            la = 180.0 - la;
        }
        if la < -90.0 {
            la = -180.0 - la;
        }
        la
    } else {
        let z = sinthe * e.cos_colat + costhe * e.sin_colat * cosphi;
        if z.abs() > 0.99 {
            sign(z) * acosd((x * x + y * y).sqrt())
        } else {
            asind(z)
        }
    };
    (norm_cel_lon(e.lon_pole + dlng, e.lon_pole), la)
}

/// Celestial (lon, lat) → native (phi, theta), degrees; phi in [-180, 180].
#[inline]
pub fn celestial_to_native(e: &EulerAngles, lon: f64, la: f64) -> (f64, f64) {
    if e.sin_colat == 0.0 {
        let flip = e.colat_pole != 0.0;
        let dphi = if flip { (e.phi_pole + e.lon_pole) % 360.0 } else { (e.phi_pole - 180.0 - e.lon_pole) % 360.0 };
        let mut p = if flip { (dphi - lon) % 360.0 } else { (lon + dphi) % 360.0 };
        if p > 180.0 {
            p -= 360.0;
        } else if p < -180.0 {
            p += 360.0;
        }
        return (p, if flip { -la } else { la });
    }
    let dlng = lon - e.lon_pole;
    let sinlat = sind(la);
    let coslat = cosd(la);
    let sinlng = sind(dlng);
    let coslng = cosd(dlng);
    let mut x = sinlat * e.sin_colat - coslat * e.cos_colat * coslng;
    if x.abs() < TOL {
        x = -cosd(la + e.colat_pole) + coslat * e.cos_colat * (1.0 - coslng);
    }
    let y = -coslat * sinlng;
    let dphi = if x != 0.0 || y != 0.0 {
        atan2d(y, x)
    } else if e.colat_pole < 90.0 {
        dlng - 180.0
    } else {
        -dlng
    };
    let mut p = fmod(e.phi_pole + dphi, 360.0);
    if p > 180.0 {
        p -= 360.0;
    } else if p < -180.0 {
        p += 360.0;
    }
    let th = if multiple_of(dlng, 180.0) {
        let mut th = la + coslng * e.colat_pole;
        if th > 90.0 {
            th = 180.0 - th;
        }
        if th < -90.0 {
            th = -180.0 - th;
        }
        th
    } else {
        let z = sinlat * e.cos_colat + coslat * e.sin_colat * coslng;
        if z.abs() > 0.99 {
            sign(z) * acosd((x * x + y * y).sqrt())
        } else {
            asind(z)
        }
    };
    (p, th)
}

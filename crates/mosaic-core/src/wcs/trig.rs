//! Trigonometry in degrees, mirroring the two TypeScript helpers exactly:
//! the projection set (`src/wcs/projections/trig.ts`, WCSLIB's wcstrig.c conventions and the
//! prjbchk range check) and the sphere set (`src/wcs/trig.ts`, used by the rotation).

pub const D2R: f64 = std::f64::consts::PI / 180.0;
pub const R2D: f64 = 180.0 / std::f64::consts::PI;
const TRIG_TOL: f64 = 1e-10;

/// sin in degrees, exact at multiples of 90° (projection set). libm, like the TS `Math.sin`:
/// a polynomial sincos (faster) moved boundary decisions (AZP's divergence test on the 5° grid)
/// by an ulp relative to the TypeScript path, so exact parity wins over speed here.
#[inline]
pub fn sind(deg: f64) -> f64 {
    if deg == deg.trunc() && deg % 90.0 == 0.0 {
        return match ((deg / 90.0 - 0.5).floor().abs() as i64) % 4 {
            0 => 1.0,
            1 => 0.0,
            2 => -1.0,
            _ => 0.0,
        };
    }
    (deg * D2R).sin()
}

/// cos in degrees, exact at multiples of 90° (projection set).
#[inline]
pub fn cosd(deg: f64) -> f64 {
    if deg == deg.trunc() && deg % 90.0 == 0.0 {
        return match ((deg / 90.0 + 0.5).floor().abs() as i64) % 4 {
            0 => 1.0,
            1 => 0.0,
            2 => -1.0,
            _ => 0.0,
        };
    }
    (deg * D2R).cos()
}

/// tan in degrees, exact at multiples of 45°.
#[inline]
pub fn tand(deg: f64) -> f64 {
    if deg != deg.trunc() {
        return (deg * D2R).tan();
    }
    let r = deg % 360.0;
    if r == 0.0 || r.abs() == 180.0 {
        return 0.0;
    }
    if r == 45.0 || r == 225.0 {
        return 1.0;
    }
    if r == -135.0 || r == -315.0 {
        return -1.0;
    }
    (deg * D2R).tan()
}

/// asin in degrees; within 1e-10 beyond ±1 gives ±90, further gives NaN.
#[inline]
pub fn asind(v: f64) -> f64 {
    if v <= -1.0 {
        if v + 1.0 > -TRIG_TOL {
            return -90.0;
        }
    } else if v == 0.0 {
        return 0.0;
    } else if v >= 1.0 && v - 1.0 < TRIG_TOL {
        return 90.0;
    }
    v.asin() * R2D
}

/// acos in degrees; within 1e-10 beyond ±1 gives 0 or 180.
#[inline]
pub fn acosd(v: f64) -> f64 {
    if v >= 1.0 {
        if v - 1.0 < TRIG_TOL {
            return 0.0;
        }
    } else if v == 0.0 {
        return 90.0;
    } else if v <= -1.0 && v + 1.0 > -TRIG_TOL {
        return 180.0;
    }
    v.acos() * R2D
}

/// atan in degrees; exact at 0 and ±1.
#[inline]
pub fn atand(v: f64) -> f64 {
    if v == -1.0 {
        -45.0
    } else if v == 0.0 {
        0.0
    } else if v == 1.0 {
        45.0
    } else {
        v.atan() * R2D
    }
}

/// atan2 in degrees; exact on the axes.
#[inline]
pub fn atan2d(y: f64, x: f64) -> f64 {
    if y == 0.0 {
        return if x >= 0.0 { 0.0 } else { 180.0 };
    }
    if x == 0.0 {
        return if y > 0.0 { 90.0 } else { -90.0 };
    }
    y.atan2(x) * R2D
}

/// Both outputs NaN: the point is off the projection.
pub const OFF: (f64, f64) = (f64::NAN, f64::NAN);

/// WCSLIB's range check on a deprojected (phi, theta): clamp within `tol`, NaN beyond.
#[inline]
pub fn bound(mut phi: f64, mut theta: f64, tol: f64) -> (f64, f64) {
    if phi < -180.0 {
        if phi < -180.0 - tol {
            return OFF;
        }
        phi = -180.0;
    } else if phi > 180.0 {
        if phi > 180.0 + tol {
            return OFF;
        }
        phi = 180.0;
    }
    if theta < -90.0 {
        if theta < -90.0 - tol {
            return OFF;
        }
        theta = -90.0;
    } else if theta > 90.0 {
        if theta > 90.0 + tol {
            return OFF;
        }
        theta = 90.0;
    }
    (phi, theta)
}

/// The sphere set (`src/wcs/trig.ts`): sin/cos exact at multiples of 90°, clamped asin/acos.
pub mod sph {
    use super::{D2R, R2D};

    /// `v % m` (fmod) with a fast path for |v| < m, where it is v itself.
    #[inline]
    pub fn fmod(v: f64, m: f64) -> f64 {
        if v.abs() < m {
            v
        } else {
            v % m
        }
    }

    /// True when `deg % m == 0` (only integers can be multiples of an integer `m`).
    #[inline]
    pub fn multiple_of(deg: f64, m: f64) -> bool {
        deg == deg.trunc() && deg % m == 0.0
    }

    #[inline]
    pub fn sind(deg: f64) -> f64 {
        if multiple_of(deg, 90.0) {
            let q = (((deg / 90.0) % 4.0) + 4.0) % 4.0;
            return if q == 0.0 || q == 2.0 {
                0.0
            } else if q == 1.0 {
                1.0
            } else {
                -1.0
            };
        }
        (deg * D2R).sin()
    }

    #[inline]
    pub fn cosd(deg: f64) -> f64 {
        if multiple_of(deg, 90.0) {
            let q = (((deg / 90.0) % 4.0) + 4.0) % 4.0;
            return if q == 1.0 || q == 3.0 {
                0.0
            } else if q == 0.0 {
                1.0
            } else {
                -1.0
            };
        }
        (deg * D2R).cos()
    }

    #[inline]
    pub fn atan2d(y: f64, x: f64) -> f64 {
        y.atan2(x) * R2D
    }

    #[inline]
    pub fn asind(v: f64) -> f64 {
        if v >= 1.0 {
            90.0
        } else if v <= -1.0 {
            -90.0
        } else {
            v.asin() * R2D
        }
    }

    #[inline]
    pub fn acosd(v: f64) -> f64 {
        if v >= 1.0 {
            0.0
        } else if v <= -1.0 {
            180.0
        } else {
            v.acos() * R2D
        }
    }

    /// Longitude normalised to [0, 360); NaN stays NaN.
    #[inline]
    pub fn norm_lon(lon: f64) -> f64 {
        let mut l = lon % 360.0;
        if l < 0.0 {
            l += 360.0;
        }
        if l == 360.0 {
            0.0
        } else {
            l
        }
    }
}

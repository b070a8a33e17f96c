//! HEALPix projection: HPX.
//!
//! Reference: Calabretta & Roukema 2007, MNRAS 381, 865; a port of our TypeScript
//! `src/wcs/projections/healpix.ts` (WCSLIB prj.c boundary conventions).

use super::projection::{bad_pv, pv_or, PvParams};
use super::trig::*;
use super::WcsError;

/// HPX with PV2_1 = H (4), PV2_2 = K (3).
#[derive(Debug, Clone)]
pub struct Hpx {
    k: f64,
    h_odd: f64,
    k_odd: bool,
    sin_band: f64,
    y_scale: f64,
    w4: f64,
    y_band: f64,
    facet: f64,
    per_deg: f64,
    slim: f64,
    ylim: f64,
}

impl Hpx {
    pub fn new(p: &PvParams) -> Result<Self, WcsError> {
        let h = pv_or(p, 1, 4.0);
        let k = pv_or(p, 2, 3.0);
        if !(h > 0.0) {
            return Err(bad_pv("HPX", 1, "H must be positive"));
        }
        if !(k > 0.0) {
            return Err(bad_pv("HPX", 2, "K must be positive"));
        }
        let facet = 180.0 / h;
        let w4 = (k + 1.0) / 2.0;
        Ok(Hpx {
            k,
            h_odd: (h + 0.5).trunc() % 2.0,
            k_odd: (k + 0.5).trunc() % 2.0 != 0.0,
            sin_band: (k - 1.0) / k,
            y_scale: (90.0 * k) / h,
            w4,
            y_band: (90.0 * (k - 1.0)) / h,
            facet,
            per_deg: h / 360.0,
            slim: facet + 1e-12,
            ylim: facet * w4,
        })
    }

    pub fn to_native(&self, xraw: f64, yraw: f64, x0: f64, y0: f64) -> (f64, f64) {
        let facet = self.facet;
        let s = xraw + x0;
        let mut t = xraw - (-180.0 + (2.0 * ((xraw + 180.0) * self.per_deg).floor() + 1.0) * facet);
        let yr = yraw + y0;
        let absy = yr.abs();
        if absy <= self.y_band {
            return bound(s, asind(yr / self.y_scale), 1e-12);
        }
        if absy > self.ylim {
            return OFF;
        }
        let sigma = self.w4 - absy / facet;
        let (scale, mut th);
        if sigma == 0.0 {
            scale = 1e9;
            th = 90.0;
        } else {
            th = 1.0 - (sigma * sigma) / self.k;
            if th < -1.0 {
                return OFF;
            }
            scale = 1.0 / sigma;
            th = asind(th);
        }
        if yraw < 0.0 {
            th = -th;
        }
        if !self.k_odd && !(yraw > 0.0) {
            let h = (s / facet).floor() + self.h_odd;
            if is_odd(h) {
                t -= facet;
            } else {
                t += facet;
            }
        }
        let mut r = scale * t;
        if self.slim <= r.abs() {
            return OFF;
        }
        if r != 0.0 {
            r -= t;
        }
        bound(s + r, th, 1e-12)
    }

    pub fn from_native(&self, p: f64, th: f64, x0: f64, y0: f64) -> (f64, f64) {
        let facet = self.facet;
        let xi = p - x0;
        let sinthe = sind(th);
        let abssin = sinthe.abs();
        if abssin <= self.sin_band {
            return (xi, self.y_scale * sinthe - y0);
        }
        let mut t = p - (-180.0 + (2.0 * ((p + 180.0) * self.per_deg).floor() + 1.0) * facet);
        let sigma = (self.k * (1.0 - abssin)).sqrt();
        let mut eta = facet * (self.w4 - sigma);
        if th < 0.0 {
            eta = -eta;
        }
        if !self.k_odd && !(th > 0.0) {
            let h = ((xi + x0) / facet).floor() + self.h_odd;
            if is_odd(h) {
                t -= facet;
            } else {
                t += facet;
            }
        }
        let mut xo = xi + t * (sigma - 1.0);
        if 180.0 < xo {
            xo = 360.0 - xo;
        }
        (xo, eta - y0)
    }
}

/// JS truthiness of `h % 2` (NaN counts as false).
#[inline]
fn is_odd(h: f64) -> bool {
    let r = h % 2.0;
    r != 0.0 && !r.is_nan()
}

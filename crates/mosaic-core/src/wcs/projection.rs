//! The projection registry: a code plus PV parameters → a [`Projection`] with forward and
//! inverse per point, its fiducial point and the PVj_0 fiducial offset (Paper II §2.5, done
//! as WCSLIB's prjoff and our `src/wcs/projections/common.ts`).

use super::conic::{pco_from_native, pco_to_native, Bon, Conic};
use super::cylindrical::*;
use super::healpix::Hpx;
use super::quad_cube::*;
use super::zenithal::*;
use super::WcsError;

/// PV parameters: `pv[m]` = PVi_m of the latitude axis (m = 0…29), `pv_lon[m]` = PVj_m of the
/// longitude axis (m = 0…2); `None` when the card is absent (absent ≠ 0 for some projections).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PvParams {
    pub pv: [Option<f64>; 30],
    pub pv_lon: [Option<f64>; 3],
}

/// PVi_m of the latitude axis or a default.
pub(crate) fn pv_or(p: &PvParams, m: usize, def: f64) -> f64 {
    p.pv[m].unwrap_or(def)
}

pub(crate) fn bad_pv(code: &str, m: usize, why: &str) -> WcsError {
    WcsError::Keyword(format!("{code}: invalid PV2_{m}: {why}"))
}

/// Every projection code the Rust core implements (NCP is SIN with PV set by the reader;
/// TPV/TNX are TAN plus a distortion).
pub const PROJECTION_CODES: [&str; 28] = [
    "AZP", "SZP", "TAN", "STG", "SIN", "ARC", "ZPN", "ZEA", "AIR", "CYP", "CEA", "CAR", "MER", "SFL", "GLS", "PAR",
    "MOL", "AIT", "COP", "COE", "COD", "COO", "BON", "PCO", "TSC", "CSC", "QSC", "HPX",
];

#[derive(Debug, Clone)]
enum Kind {
    Azp(Azp),
    Szp(Szp),
    Tan,
    Stg,
    Sin(Sin),
    Arc,
    Zpn(Box<Zpn>),
    Zea,
    Air(Air),
    Cyp(Cyp),
    Cea(Cea),
    Car,
    Mer,
    Sfl,
    Par,
    Mol,
    Ait,
    Conic(Conic),
    Bon(Bon),
    Pco,
    Tsc,
    Csc,
    Qsc,
    Hpx(Hpx),
}

/// A spherical projection: intermediate (x, y) degrees ↔ native (phi, theta) degrees; NaN pairs
/// off the projection.
#[derive(Debug, Clone)]
pub struct Projection {
    kind: Kind,
    /// Native longitude and latitude of the fiducial point, degrees (after PVj_1/PVj_2).
    pub phi0: f64,
    pub theta0: f64,
    x0: f64,
    y0: f64,
}

impl Projection {
    /// Whether this is the gnomonic projection (TAN), a central projection onto a plane.
    pub fn is_gnomonic(&self) -> bool {
        matches!(self.kind, Kind::Tan)
    }

    /// Builds the projection of `code` (index into [`PROJECTION_CODES`] or name).
    ///
    /// # Errors
    /// [`WcsError::Projection`] for an unknown code, [`WcsError::Keyword`] for invalid PV values
    /// or a fiducial point off the projection.
    pub fn new(code: &str, p: &PvParams) -> Result<Self, WcsError> {
        let (kind, phi0, theta0) = match code {
            "AZP" => (Kind::Azp(Azp::new(p)?), 0.0, 90.0),
            "SZP" => (Kind::Szp(Szp::new(p)?), 0.0, 90.0),
            "TAN" => (Kind::Tan, 0.0, 90.0),
            "STG" => (Kind::Stg, 0.0, 90.0),
            "SIN" => (Kind::Sin(Sin::new(p)), 0.0, 90.0),
            "ARC" => (Kind::Arc, 0.0, 90.0),
            "ZPN" => (Kind::Zpn(Box::new(Zpn::new(p)?)), 0.0, 90.0),
            "ZEA" => (Kind::Zea, 0.0, 90.0),
            "AIR" => (Kind::Air(Air::new(p)?), 0.0, 90.0),
            "CYP" => (Kind::Cyp(Cyp::new(p)?), 0.0, 0.0),
            "CEA" => (Kind::Cea(Cea::new(p)?), 0.0, 0.0),
            "CAR" => (Kind::Car, 0.0, 0.0),
            "MER" => (Kind::Mer, 0.0, 0.0),
            "SFL" | "GLS" => (Kind::Sfl, 0.0, 0.0),
            "PAR" => (Kind::Par, 0.0, 0.0),
            "MOL" => (Kind::Mol, 0.0, 0.0),
            "AIT" => (Kind::Ait, 0.0, 0.0),
            "COP" | "COE" | "COD" | "COO" => {
                let c = Conic::new(code, p)?;
                let ta = c.theta_a;
                (Kind::Conic(c), 0.0, ta)
            }
            "BON" => {
                let t1 = p.pv[1].ok_or_else(|| bad_pv("BON", 1, "BON requires theta_1"))?;
                (if t1 == 0.0 { Kind::Sfl } else { Kind::Bon(Bon::new(t1)) }, 0.0, 0.0)
            }
            "PCO" => (Kind::Pco, 0.0, 0.0),
            "TSC" => (Kind::Tsc, 0.0, 0.0),
            "CSC" => (Kind::Csc, 0.0, 0.0),
            "QSC" => (Kind::Qsc, 0.0, 0.0),
            "HPX" => (Kind::Hpx(Hpx::new(p)?), 0.0, 0.0),
            _ => return Err(WcsError::Projection(format!("unknown projection code \"{code}\""))),
        };
        let mut proj = Projection {
            kind,
            phi0: p.pv_lon[1].unwrap_or(phi0),
            theta0: p.pv_lon[2].unwrap_or(theta0),
            x0: 0.0,
            y0: 0.0,
        };
        let offset = p.pv_lon[0].unwrap_or(0.0) != 0.0 && p.pv_lon[1].is_some() && p.pv_lon[2].is_some();
        if offset {
            let (x, y) = proj.from_native(proj.phi0, proj.theta0);
            if !x.is_finite() || !y.is_finite() {
                return Err(WcsError::Keyword(format!(
                    "{code}: fiducial point PV1_1={}, PV1_2={} is off the projection",
                    proj.phi0, proj.theta0
                )));
            }
            proj.x0 = x;
            proj.y0 = y;
        }
        Ok(proj)
    }

    /// (x, y) degrees → (phi, theta) degrees; NaN pair off the projection.
    #[inline]
    pub fn to_native(&self, x: f64, y: f64) -> (f64, f64) {
        let (x0, y0) = (self.x0, self.y0);
        match &self.kind {
            Kind::Azp(p) => p.to_native(x, y, x0, y0),
            Kind::Szp(p) => p.to_native(x, y, x0, y0),
            Kind::Tan => tan_to_native(x, y, x0, y0),
            Kind::Stg => stg_to_native(x, y, x0, y0),
            Kind::Sin(p) => p.to_native(x, y, x0, y0),
            Kind::Arc => arc_to_native(x, y, x0, y0),
            Kind::Zpn(p) => p.to_native(x, y, x0, y0),
            Kind::Zea => zea_to_native(x, y, x0, y0),
            Kind::Air(p) => p.to_native(x, y, x0, y0),
            Kind::Cyp(p) => p.to_native(x, y, x0, y0),
            Kind::Cea(p) => p.to_native(x, y, x0, y0),
            Kind::Car => car_to_native(x, y, x0, y0),
            Kind::Mer => mer_to_native(x, y, x0, y0),
            Kind::Sfl => sfl_to_native(x, y, x0, y0),
            Kind::Par => par_to_native(x, y, x0, y0),
            Kind::Mol => mol_to_native(x, y, x0, y0),
            Kind::Ait => ait_to_native(x, y, x0, y0),
            Kind::Conic(p) => p.to_native(x, y, x0, y0),
            Kind::Bon(p) => p.to_native(x, y, x0, y0),
            Kind::Pco => pco_to_native(x, y, x0, y0),
            Kind::Tsc => tsc_to_native(x, y, x0, y0),
            Kind::Csc => csc_to_native(x, y, x0, y0),
            Kind::Qsc => qsc_to_native(x, y, x0, y0),
            Kind::Hpx(p) => p.to_native(x, y, x0, y0),
        }
    }

    /// (phi, theta) degrees → (x, y) degrees; NaN pair off the projection.
    #[inline]
    pub fn from_native(&self, phi: f64, theta: f64) -> (f64, f64) {
        let (x0, y0) = (self.x0, self.y0);
        match &self.kind {
            Kind::Azp(p) => p.from_native(phi, theta, x0, y0),
            Kind::Szp(p) => p.from_native(phi, theta, x0, y0),
            Kind::Tan => tan_from_native(phi, theta, x0, y0),
            Kind::Stg => stg_from_native(phi, theta, x0, y0),
            Kind::Sin(p) => p.from_native(phi, theta, x0, y0),
            Kind::Arc => arc_from_native(phi, theta, x0, y0),
            Kind::Zpn(p) => p.from_native(phi, theta, x0, y0),
            Kind::Zea => zea_from_native(phi, theta, x0, y0),
            Kind::Air(p) => p.from_native(phi, theta, x0, y0),
            Kind::Cyp(p) => p.from_native(phi, theta, x0, y0),
            Kind::Cea(p) => p.from_native(phi, theta, x0, y0),
            Kind::Car => car_from_native(phi, theta, x0, y0),
            Kind::Mer => mer_from_native(phi, theta, x0, y0),
            Kind::Sfl => sfl_from_native(phi, theta, x0, y0),
            Kind::Par => par_from_native(phi, theta, x0, y0),
            Kind::Mol => mol_from_native(phi, theta, x0, y0),
            Kind::Ait => ait_from_native(phi, theta, x0, y0),
            Kind::Conic(p) => p.from_native(phi, theta, x0, y0),
            Kind::Bon(p) => p.from_native(phi, theta, x0, y0),
            Kind::Pco => pco_from_native(phi, theta, x0, y0),
            Kind::Tsc => tsc_from_native(phi, theta, x0, y0),
            Kind::Csc => csc_from_native(phi, theta, x0, y0),
            Kind::Qsc => qsc_from_native(phi, theta, x0, y0),
            Kind::Hpx(p) => p.from_native(phi, theta, x0, y0),
        }
    }
}

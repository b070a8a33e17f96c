//! Solid angles of template pixels for `project`'s area images: the Rust twin of
//! `pixelSolidAngles` / `rowSolidAngles` in src/stages/project.ts (same formula, same order:
//! half the norm of the cross product of the quad's diagonals on the unit sphere, exact to
//! second order in the pixel size). The corners go through [`crate::wcs`], which agrees with
//! the TypeScript `Wcs` to ~1e-12.

use crate::error::{check_len, KernelError};
use crate::wcs::trig::D2R;
use crate::wcs::Wcs;

fn unit(lon: f64, lat: f64) -> [f64; 3] {
    let cl = (lat * D2R).cos();
    [cl * (lon * D2R).cos(), cl * (lon * D2R).sin(), (lat * D2R).sin()]
}

/// For each pair `(i, j)` in `pixels` (0-based in a box whose first pixel is template pixel
/// `(x0, y0)`, 0-based): the solid angle (sr) of that template pixel, into `out`; NaN where a
/// corner is off the projection.
///
/// Errors: [`KernelError::Length`] when `out` does not hold one value per pair.
pub fn pixel_solid_angles(template: &Wcs, x0: f64, y0: f64, pixels: &[i32], out: &mut [f64]) -> Result<(), KernelError> {
    if pixels.len() % 2 != 0 {
        return Err(KernelError::Argument { name: "pixels", reason: "length must be even (i, j pairs)" });
    }
    check_len("out", pixels.len() / 2, out.len())?;
    for (p, o) in pixels.chunks_exact(2).zip(out.iter_mut()) {
        // 1-based FITS position of the pixel's lower-left corner.
        let (x, y) = (x0 + p[0] as f64 + 0.5, y0 + p[1] as f64 + 0.5);
        let corner = |dx: f64, dy: f64| {
            let (l, b) = template.pix_to_sky_one(x + dx, y + dy);
            unit(l, b)
        };
        let (la, lb, ua, ub) = (corner(0.0, 0.0), corner(1.0, 0.0), corner(0.0, 1.0), corner(1.0, 1.0));
        // Diagonals: (i,j)→(i+1,j+1) and (i+1,j)→(i,j+1).
        let d1 = [ub[0] - la[0], ub[1] - la[1], ub[2] - la[2]];
        let d2 = [ua[0] - lb[0], ua[1] - lb[1], ua[2] - lb[2]];
        let cx = d1[1] * d2[2] - d1[2] * d2[1];
        let cy = d1[2] * d2[0] - d1[0] * d2[2];
        let cz = d1[0] * d2[1] - d1[1] * d2[0];
        *o = 0.5 * (cx * cx + cy * cy + cz * cz).sqrt();
    }
    Ok(())
}

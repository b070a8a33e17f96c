//! mosaic-core: the numeric kernels of the mosaic engine, in pure Rust.
//!
//! No Node-API, no I/O, no clock, no global state: slices and plain structs in,
//! `Result` out. Every kernel has a TypeScript twin in `src/kernels/` with the same
//! semantics and the same arithmetic order, so the two agree bit for bit where the
//! operations are the same IEEE ones (see each module for the exceptions).
//!
//! Pixel convention: input pixel `k` (0-based) covers `[k - 0.5, k + 0.5]` on its axis;
//! images are row-major, `data[x + width * y]`.

/// Defines `fn $name(args) -> R` that runs `$body` (an `#[inline(always)]` function of the same
/// arguments) compiled for AVX2 where the CPU has it, else for the baseline: LLVM then
/// vectorizes the body's loops four doubles wide. Results are the same bits either way: the
/// operations stay IEEE ones (Rust neither fuses multiply-adds nor reorders sums).
macro_rules! avx2_twin {
    ($(#[$m:meta])* $vis:vis fn $name:ident $(<$($g:ident: $b:path),*>)? ($($a:ident: $t:ty),* $(,)?) -> $r:ty => $body:ident) => {
        $(#[$m])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name $(<$($g: $b),*>)? ($($a: $t),*) -> $r {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            #[allow(clippy::too_many_arguments)]
            unsafe fn avx2 $(<$($g: $b),*>)? ($($a: $t),*) -> $r {
                $body $(::<$($g),*>)? ($($a),*)
            }
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked).
                return unsafe { avx2 $(::<$($g),*>)? ($($a),*) };
            }
            $body $(::<$($g),*>)? ($($a),*)
        }
    };
}

pub mod area_crop;
pub mod byte_swap;
pub mod clip;
pub mod coadd;
pub mod corner_grid;
pub mod diff;
pub mod corner_fill;
pub mod error;
pub mod homography;
pub mod median;
pub mod plane_fit;
pub mod quadrants;
mod regular;
mod simd;
pub mod reproject;
pub mod resample;
pub mod sample;
pub mod solid_angle;
pub mod stats;
pub mod wcs;

pub use coadd::{coadd_accumulate, coadd_finish};
pub use error::KernelError;
pub use median::median_stack;
pub use reproject::{
    reproject_exact, reproject_exact_parallel, reproject_exact_rows, reproject_exact_rows_parallel, reproject_exact_rows_reference,
};
pub use resample::{resample, ResampleMethod};
pub use sample::{Counter, Sample};
pub use stats::{histogram, image_stats, ImageStats};

/// Crate version (from Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

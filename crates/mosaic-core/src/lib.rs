//! mosaic-core: the numeric kernels of the mosaic engine, in pure Rust.
//!
//! No Node-API, no I/O, no clock, no global state: slices and plain structs in,
//! `Result` out. Every kernel has a TypeScript twin in `src/kernels/` with the same
//! semantics and the same arithmetic order, so the two agree bit for bit where the
//! operations are the same IEEE ones (see each module for the exceptions).
//!
//! Pixel convention: input pixel `k` (0-based) covers `[k - 0.5, k + 0.5]` on its axis;
//! images are row-major, `data[x + width * y]`.

pub mod area_crop;
pub mod clip;
pub mod coadd;
pub mod diff;
pub mod corner_fill;
pub mod error;
pub mod median;
pub mod plane_fit;
pub mod quadrants;
mod regular;
pub mod reproject;
pub mod resample;
pub mod sample;
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

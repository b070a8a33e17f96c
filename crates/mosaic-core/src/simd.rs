//! SIMD helpers shared by the kernels' x86-64 lanes.

/// Stores four f64 lanes at `p` with a plain `vmovupd`. A store of a blend between new values
/// and those loaded from the same address is what LLVM otherwise folds into a masked store
/// (`vmaskmovpd`), which AMD cores run about ten times slower; inline assembly is opaque to
/// that fold.
///
/// # Safety
/// `p` must be valid for writing 32 bytes; the CPU must support AVX.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx")]
pub(crate) unsafe fn store(p: *mut f64, v: std::arch::x86_64::__m256d) {
    // SAFETY: the caller guarantees 32 writable bytes at `p`.
    unsafe { std::arch::asm!("vmovupd [{p}], {v}", p = in(reg) p, v = in(ymm_reg) v, options(nostack, preserves_flags)) }
}

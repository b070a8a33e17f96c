//! Element types the kernels are generic over: input samples (f32 or f64, widened to
//! f64 exactly) and per-pixel contribution counters (u32 or f32).

/// A pixel sample that widens to f64 without rounding.
pub trait Sample: Copy + Send + Sync + 'static {
    /// Whether the type is f32 (else f64): lets SIMD code pick its gather at compile time.
    const IS_F32: bool;
    fn to_f64(self) -> f64;
}

impl Sample for f32 {
    const IS_F32: bool = true;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Sample for f64 {
    const IS_F32: bool = false;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}

/// A per-pixel counter of contributing images.
pub trait Counter: Copy + Send + 'static {
    fn increment(&mut self);
}

impl Counter for u32 {
    #[inline(always)]
    fn increment(&mut self) {
        *self = self.saturating_add(1);
    }
}

impl Counter for f32 {
    #[inline(always)]
    fn increment(&mut self) {
        *self += 1.0;
    }
}

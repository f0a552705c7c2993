//! Cache hints for the hash-table probes of the per-token loops: a table slot a later
//! token will read is requested a few tokens ahead, so that the misses of consecutive
//! tokens overlap instead of each stalling its token's probe loop.

/// Asks the CPU to bring the cache line of `x` into the caches (no effect on the
/// program's results; a no-op on other architectures).
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees and never faults; SSE is part of
    // every x86_64 CPU
    #[allow(unused_unsafe)]
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

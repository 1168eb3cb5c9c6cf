//! Gives memory freed after a big initial list back to the operating system.
//!
//! glibc keeps freed chunks in its per-thread arenas: after 100 000 pods were listed and
//! their objects dropped, tens of megabytes of list pages stayed resident although only
//! the compact rows were still in use.

/// Returns free heap pages to the OS (glibc only; elsewhere nothing to do).
#[allow(unsafe_code)]
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions; it only walks the allocator's free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

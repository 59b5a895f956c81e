//! Test-only helpers shared by the scratchnet crates (unpublished; used as a path
//! dev-dependency).
//!
//! [`CountingAllocator`] wraps the system allocator and counts, per thread, every allocation it
//! serves, so a test can check that a steady-state training step allocates nothing. Counting per
//! thread keeps the test harness's other threads out of the measurement.
//!
//! A test binary installs it once, then measures closures with [`allocations_in`]:
//!
//! ```
//! use scratchnet_test_support::{CountingAllocator, allocations_in};
//!
//! #[global_allocator]
//! static ALLOCATOR: CountingAllocator = CountingAllocator;
//!
//! fn main() {
//!     let count = allocations_in(|| drop(std::hint::black_box(vec![1u8, 2, 3])));
//!     assert_eq!(count, 1);
//!     let mut buffer = Vec::with_capacity(8);
//!     assert_eq!(allocations_in(|| buffer.extend_from_slice(&[1u8, 2, 3])), 0);
//! }
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// A global allocator that forwards to [`System`] and counts the allocations (`alloc`,
/// `alloc_zeroed`, `realloc`; not `dealloc`) of each thread. Counts are only kept in a binary
/// that installs it with `#[global_allocator]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

thread_local! {
    /// Allocations served to this thread so far.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Counts one allocation for the current thread.
fn note_allocation() {
    // `try_with`: the allocator may run while the thread-locals are being torn down.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The allocations made so far by the current thread through [`CountingAllocator`] (0 if it is
/// not the global allocator).
pub fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// The allocations `f` makes on the current thread through [`CountingAllocator`].
pub fn allocations_in(f: impl FnOnce()) -> usize {
    let before = allocations();
    f();
    allocations() - before
}

//! The counter sees the allocations of its own thread, and only those.

use scratchnet_test_support::{CountingAllocator, allocations, allocations_in};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[test]
fn counts_allocations_reallocations_and_nothing_else() {
    let mut values: Vec<u64> = Vec::new();
    let count = allocations_in(|| {
        values.push(1); // allocates
        values.reserve(64); // reallocates
        values.push(2); // fits
    });
    assert_eq!(count, 2);
    assert_eq!(allocations_in(|| drop(std::hint::black_box(values))), 0);
}

#[test]
fn other_threads_are_not_counted() {
    const WORKER_ALLOCATIONS: usize = 1000;
    let count = allocations_in(|| {
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for size in 1..=WORKER_ALLOCATIONS {
                    drop(std::hint::black_box(vec![0u8; size]));
                }
            });
        });
    });
    // Spawning allocates a little on this thread; the worker's thousand vectors are not here.
    assert!(count < WORKER_ALLOCATIONS, "{count}");
}

#[test]
fn the_count_only_grows() {
    let before = allocations();
    drop(std::hint::black_box(Box::new(7u32)));
    assert!(allocations() > before);
}

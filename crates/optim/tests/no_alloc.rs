//! After the first update (which creates the state), updates allocate nothing.
//!
//! Counts allocations made by the current thread through a wrapping global allocator; this
//! file holds a single test so no other test shares the allocator's counter.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use scratchnet_optim::{OPTIMIZER_NAMES, Optimizer, by_name};
use scratchnet_tensor::{Matrix, Param};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn steady_state_updates_do_not_allocate() {
    for name in OPTIMIZER_NAMES {
        let mut optimizer = by_name::<f32>(name, None).expect("valid name");
        let mut w = Matrix::<f32>::from_element(4, 3, 0.5);
        let mut b = Matrix::<f32>::from_element(1, 3, -0.5);
        let gw = Matrix::<f32>::from_element(4, 3, 0.1);
        let gb = Matrix::<f32>::from_element(1, 3, -0.2);
        let mut step = |optimizer: &mut dyn Optimizer<f32>| {
            let params = [
                Param {
                    name: "W1",
                    value: &mut w,
                    grad: &gw,
                },
                Param {
                    name: "b1",
                    value: &mut b,
                    grad: &gb,
                },
            ];
            optimizer.update(&mut params.into_iter());
        };

        let before_first = allocations();
        step(&mut optimizer);
        if name != "sgd" {
            // SGD has no state; the others allocate theirs now, and the counter must see it.
            assert!(
                allocations() > before_first,
                "{name}: state creation not counted"
            );
        }

        let before = allocations();
        for _ in 0..5 {
            step(&mut optimizer);
        }
        assert_eq!(
            allocations() - before,
            0,
            "{name} allocated in steady state"
        );
    }
}

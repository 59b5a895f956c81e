//! After the first update (which creates the state), updates allocate nothing.
//!
//! Counts allocations made by the current thread through a counting global allocator (from
//! `scratchnet-test-support`); the harness's other threads do not touch this thread's count.

use scratchnet_optim::{OPTIMIZER_NAMES, Optimizer, by_name};
use scratchnet_tensor::{Matrix, Param};
use scratchnet_test_support::{CountingAllocator, allocations};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

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

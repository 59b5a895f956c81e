//! The per-parameter state every stateful optimizer keeps, and the element loop that updates a
//! parameter together with its state.
//!
//! The book keeps one dict per state (`self.v`, `self.h`, `self.m`, …) keyed by parameter name
//! and fills it with `np.zeros_like(val)` on first use. [`State`] does the same for `SLOTS`
//! matrices per name at once, and [`State::apply`] runs an optimizer's formula element by
//! element, in place, so that no update allocates after a name's first one.

use std::collections::BTreeMap;

use scratchnet_tensor::{Float, Matrix, Param};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `SLOTS` state matrices per parameter name (Momentum's velocity: 1; Adam's `m` and `v`: 2),
/// each created as zeros of the parameter's shape the first time the name is seen.
///
/// Serialised as a map from parameter name to the list of its `SLOTS` matrices.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct State<T: Float, const SLOTS: usize> {
    by_name: BTreeMap<String, [Matrix<T>; SLOTS]>,
}

impl<T: Float, const SLOTS: usize> State<T, SLOTS> {
    /// Buffers kept per parameter, each the parameter's shape: what the optimizer costs in memory.
    pub(crate) const BUFFERS: usize = SLOTS;

    /// No state yet: every parameter starts from zeros.
    pub(crate) const fn new() -> Self {
        Self {
            by_name: BTreeMap::new(),
        }
    }

    /// The state matrices of parameter `name`, if it has been updated at least once.
    pub(crate) fn get(&self, name: &str) -> Option<&[Matrix<T>; SLOTS]> {
        self.by_name.get(name)
    }

    /// Forgets the state of every parameter.
    pub(crate) fn clear(&mut self) {
        self.by_name.clear();
    }

    /// Runs `step(p, g, state)` on every element `p` of every parameter, with `g` the matching
    /// gradient element and `state` the matching element of each of the parameter's state
    /// matrices (created as zeros if the name is new).
    ///
    /// # Panics
    ///
    /// If a gradient's shape differs from its parameter's, or a parameter's shape differs from
    /// the shape it had when its state was created.
    pub(crate) fn apply(
        &mut self,
        params: &mut dyn Iterator<Item = Param<'_, T>>,
        mut step: impl FnMut(&mut T, T, [&mut T; SLOTS]),
    ) {
        for param in params {
            check_gradient(&param);
            let slots = self.slots_for(param.name, param.value.shape());
            update_elements(param.value, param.grad, slots, &mut step);
        }
    }

    /// The state of parameter `name`, created as zeros of `shape` the first time the name is
    /// seen (the book's `np.zeros_like(val)`). Allocates only then.
    fn slots_for(&mut self, name: &str, shape: (usize, usize)) -> &mut [Matrix<T>; SLOTS] {
        // Not `entry()`: that would allocate the key on every call.
        if !self.by_name.contains_key(name) {
            let zeros = std::array::from_fn(|_| Matrix::zeros(shape.0, shape.1));
            self.by_name.insert(name.to_owned(), zeros);
        }
        let Some(slots) = self.by_name.get_mut(name) else {
            unreachable!("the state of {name:?} was inserted above");
        };
        for slot in slots.iter() {
            assert_eq!(
                slot.shape(),
                shape,
                "parameter {name:?} changed shape since its optimizer state was created"
            );
        }
        slots
    }
}

/// Runs `step(p, g)` on every element of every parameter: [`State::apply`] for an optimizer
/// that keeps no state (SGD).
///
/// # Panics
///
/// If a gradient's shape differs from its parameter's.
pub(crate) fn apply_stateless<T: Float>(
    params: &mut dyn Iterator<Item = Param<'_, T>>,
    mut step: impl FnMut(&mut T, T),
) {
    for param in params {
        check_gradient(&param);
        update_elements(param.value, param.grad, &mut [], |p, g, []| step(p, g));
    }
}

/// Panics unless the gradient has the parameter's shape.
fn check_gradient<T: Float>(param: &Param<'_, T>) {
    assert_eq!(
        param.grad.shape(),
        param.value.shape(),
        "gradient of parameter {:?} has the wrong shape",
        param.name
    );
}

/// Runs `step` on each element of `value` with the same element of `grad` and of each slot.
/// All shapes have been checked equal.
fn update_elements<T: Float, const SLOTS: usize>(
    value: &mut Matrix<T>,
    grad: &Matrix<T>,
    slots: &mut [Matrix<T>; SLOTS],
    mut step: impl FnMut(&mut T, T, [&mut T; SLOTS]),
) {
    // Slices of one length and a loop up to it: the compiler drops the bounds checks.
    let len = value.len();
    let value = &mut value.as_mut_slice()[..len];
    let grad = &grad.as_slice()[..len];
    let mut slots = slots.each_mut().map(|slot| &mut slot.as_mut_slice()[..len]);
    for index in 0..len {
        let state = slots.each_mut().map(|slot| &mut slot[index]);
        step(&mut value[index], grad[index], state);
    }
}

impl<T: Float, const SLOTS: usize> Serialize for State<T, SLOTS> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.by_name
                .iter()
                .map(|(name, slots)| (name, slots.as_slice())),
        )
    }
}

impl<'de, T: Float, const SLOTS: usize> Deserialize<'de> for State<T, SLOTS> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let lists = BTreeMap::<String, Vec<Matrix<T>>>::deserialize(deserializer)?;
        let by_name = lists
            .into_iter()
            .map(|(name, list)| {
                let len = list.len();
                let slots = <[Matrix<T>; SLOTS]>::try_from(list).map_err(|_| {
                    D::Error::invalid_length(len, &format!("a list of length {SLOTS}").as_str())
                })?;
                Ok((name, slots))
            })
            .collect::<Result<_, D::Error>>()?;
        Ok(Self { by_name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param<'a>(
        name: &'a str,
        value: &'a mut Matrix<f64>,
        grad: &'a Matrix<f64>,
    ) -> Param<'a, f64> {
        Param { name, value, grad }
    }

    #[test]
    fn slots_start_at_zero_and_persist_per_name() {
        let mut state = State::<f64, 2>::new();
        let mut value = Matrix::from_row_slice(1, 2, &[1.0, 2.0]);
        let grad = Matrix::from_row_slice(1, 2, &[0.5, -0.5]);
        for _ in 0..2 {
            let mut params = std::iter::once(param("W", &mut value, &grad));
            state.apply(&mut params, |p, g, [a, b]| {
                *a += g;
                *b += 1.0;
                *p += *a;
            });
        }
        let [a, b] = state.get("W").expect("state of W");
        assert_eq!(a.as_slice(), [1.0, -1.0]);
        assert_eq!(b.as_slice(), [2.0, 2.0]);
        assert_eq!(value.as_slice(), [2.5, 0.5]);
        assert!(state.get("b").is_none());
        state.clear();
        assert!(state.get("W").is_none());
    }

    #[test]
    fn serde_round_trip_and_wrong_slot_count() {
        let mut state = State::<f64, 2>::new();
        let mut value = Matrix::from_element(2, 1, 1.0);
        let grad = Matrix::from_element(2, 1, 3.0);
        let mut params = std::iter::once(param("W", &mut value, &grad));
        state.apply(&mut params, |_, g, [a, b]| (*a, *b) = (g, -g));
        let json = serde_json::to_string(&state).expect("serialise");
        let restored: State<f64, 2> = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(restored, state);
        let error = serde_json::from_str::<State<f64, 1>>(&json).expect_err("two slots, not one");
        assert!(error.to_string().contains("of length 1"), "{error}");
    }

    #[test]
    fn stateless_updates_every_element() {
        let mut value = Matrix::from_row_slice(1, 3, &[1.0, 2.0, 3.0]);
        let grad = Matrix::from_row_slice(1, 3, &[1.0, 1.0, -1.0]);
        apply_stateless(
            &mut std::iter::once(param("W", &mut value, &grad)),
            |p, g| {
                *p -= g;
            },
        );
        assert_eq!(value.as_slice(), [0.0, 1.0, 4.0]);
    }
}

//! The one list of optimizers (in `lib.rs`) and what it generates: [`AnyOptimizer`], its `From`
//! impls and dispatch, [`OPTIMIZER_NAMES`] and the lookup behind [`by_name`].
//!
//! [`AnyOptimizer`]: crate::AnyOptimizer
//! [`OPTIMIZER_NAMES`]: crate::OPTIMIZER_NAMES
//! [`by_name`]: crate::by_name

/// Generates everything that names all the optimizers from one list of `Variant(Type)` entries,
/// in the book's order. Each listed type must provide `NAME` (the variant's name in lowercase,
/// which is also its serde tag), `DEFAULT_LEARNING_RATE`, `STATE_BUFFERS`, `new(learning_rate)`, `validate()`
/// and `reset()`, and implement [`Optimizer`](crate::Optimizer); `T` is the scalar type.
macro_rules! optimizers {
    ($($(#[$variant_doc:meta])* $Variant:ident($Type:ty),)+) => {
        /// How many optimizers there are.
        const OPTIMIZER_COUNT: usize = [$(stringify!($Variant)),+].len();

        /// The names [`by_name`] accepts (case-insensitively), in the book's order.
        pub const OPTIMIZER_NAMES: [&str; OPTIMIZER_COUNT] = AnyOptimizer::<f64>::NAMES;

        /// All the optimizers behind one type, so a caller can choose one by name and still
        /// serialise it, state included. Serialised with the lowercase names of
        /// [`OPTIMIZER_NAMES`] as variant tags.
        #[derive(Clone, Debug, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "lowercase", bound = "T: ::scratchnet_tensor::Float")]
        pub enum AnyOptimizer<T: ::scratchnet_tensor::Float> {
            $($(#[$variant_doc])* $Variant($Type),)+
        }

        /// Which optimizer, without its state or hyperparameters: what a run configuration
        /// names. Parsed (case-insensitively) and printed as [`OPTIMIZER_NAMES`], serialised
        /// as that name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum OptimizerKind {
            $(
                #[doc = concat!("[`", stringify!($Variant), "`](crate::", stringify!($Variant), ").")]
                $Variant,
            )+
        }

        impl OptimizerKind {
            /// Every optimizer, in the book's order.
            pub const ALL: [Self; OPTIMIZER_COUNT] = [$(Self::$Variant),+];
        }

        impl<T: ::scratchnet_tensor::Float> AnyOptimizer<T> {
            /// Every optimizer's `NAME` (the same for every `T`).
            const NAMES: [&'static str; OPTIMIZER_COUNT] = [$(<$Type>::NAME),+];

            /// Every optimizer's `STATE_BUFFERS` (the same for every `T`).
            pub(crate) const STATE_BUFFERS: [usize; OPTIMIZER_COUNT] = [$(<$Type>::STATE_BUFFERS),+];

            /// Which optimizer this is.
            pub fn kind(&self) -> OptimizerKind {
                match self {
                    $(Self::$Variant(_) => OptimizerKind::$Variant,)+
                }
            }

            /// The optimizer's name, as in [`OPTIMIZER_NAMES`].
            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$Variant(_) => <$Type>::NAME,)+
                }
            }

            /// Checks every hyperparameter (useful after deserialising or editing the public
            /// fields).
            ///
            /// # Errors
            ///
            /// [`OptimError::InvalidHyperparameter`] naming the offending field.
            pub fn validate(&self) -> Result<(), $crate::OptimError> {
                match self {
                    $(Self::$Variant(optimizer) => optimizer.validate(),)+
                }
            }

            /// Forgets all per-parameter state (and Adam's iteration count), keeping the
            /// hyperparameters: the optimizer behaves as if newly created.
            pub fn reset(&mut self) {
                match self {
                    $(Self::$Variant(optimizer) => optimizer.reset(),)+
                }
            }

            /// The optimizer called `name` (ASCII case ignored) with the book's default
            /// hyperparameters, and `learning_rate` if given. Not validated.
            fn from_name(name: &str, learning_rate: Option<f64>) -> Result<Self, $crate::OptimError> {
                $(
                    if name.eq_ignore_ascii_case(<$Type>::NAME) {
                        let learning_rate =
                            learning_rate.unwrap_or(<$Type>::DEFAULT_LEARNING_RATE);
                        return Ok(Self::$Variant(<$Type>::new(learning_rate)));
                    }
                )+
                Err($crate::OptimError::UnknownOptimizer {
                    name: name.to_owned(),
                })
            }
        }

        impl<T: ::scratchnet_tensor::Float> $crate::Optimizer<T> for AnyOptimizer<T> {
            fn update(&mut self, params: &mut dyn Iterator<Item = ::scratchnet_tensor::Param<'_, T>>) {
                match self {
                    $(Self::$Variant(optimizer) => $crate::Optimizer::<T>::update(optimizer, params),)+
                }
            }

            fn learning_rate(&self) -> f64 {
                match self {
                    $(Self::$Variant(optimizer) => $crate::Optimizer::<T>::learning_rate(optimizer),)+
                }
            }
        }

        $(
            impl<T: ::scratchnet_tensor::Float> From<$Type> for AnyOptimizer<T> {
                fn from(optimizer: $Type) -> Self {
                    Self::$Variant(optimizer)
                }
            }
        )+
    };
}

pub(crate) use optimizers;

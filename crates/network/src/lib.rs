//! The book's `MultiLayerNetExtend` (*Deep Learning from Scratch*, ch. 6): a fully connected
//! network of any depth with ReLU or sigmoid, He/Xavier/fixed initialisation, L2 weight decay,
//! Dropout and BatchNormalization, plus save/load.
//!
//! ```
//! use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
//! use scratchnet_tensor::{Matrix, random};
//!
//! let mut config = NetworkConfig::new(2, vec![8], 2);
//! config.weight_decay_lambda = 0.01;
//! let mut net = MultiLayerNetExtend::<f32>::new(config, &mut random::seeded(42))?;
//! let x = Matrix::from_row_slice(4, 2, &[0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0]);
//! let labels = [1, 1, 0, 0];
//! for _ in 0..500 {
//!     net.gradient(&x, &labels);
//!     for param in net.params_mut() {
//!         // plain SGD, lr 0.5
//!         for (value, grad) in param.value.iter_mut().zip(param.grad.iter()) {
//!             *value -= 0.5 * grad;
//!         }
//!     }
//! }
//! assert_eq!(net.accuracy(&x, &labels), 1.0); // XOR learned
//!
//! let restored = MultiLayerNetExtend::<f32>::from_bytes(&net.to_bytes()?)?;
//! assert_eq!(restored.predict(&x), net.predict(&x));
//! # Ok::<(), scratchnet_network::NetworkError>(())
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod config;
mod error;
mod inference;
mod multi_layer_net_extend;
mod persist;

pub use config::{Activation, DropoutConfig, NetworkConfig, WeightInit};
pub use error::NetworkError;
pub use multi_layer_net_extend::MultiLayerNetExtend;
pub use persist::{FORMAT_VERSION, MAGIC};
pub use scratchnet_layers::{DropoutMode, Evaluation, Network};

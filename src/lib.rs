//! Convolutional networks written once, as a macro.
//!
//! ```
//! use cnn::cnn;
//!
//! cnn! {
//!     /// Example 1 of the tutorial, with 5x5 kernels.
//!     pub struct MyCnn<3, 32, 32> {
//!         conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
//!         relu1: ReLU,
//!         conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
//!         relu2: ReLU,
//!         flatten: Flatten,
//!         fc: Linear(1568, 10),
//!     }
//! }
//!
//! assert_eq!(MyCnn::OUTPUT_SHAPE, &[10]);
//! assert_eq!(MyCnn::PARAMS, 29_738);
//! ```
pub use cnn_macros::cnn;
pub use cnn_runtime::*;

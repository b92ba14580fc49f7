//! Time spent in each convolution, by geometry and kernel, for finding
//! which layers of a model are slow: compiled only with the `profile`
//! feature, and recording only between [`start`] and [`take`].
//!
//! ```
//! # #[cfg(feature = "profile")] {
//! use cnn_runtime::kernels::conv::timing;
//! timing::start();
//! // ... forward passes ...
//! for t in timing::take() {
//!     println!("{:?} {:?}: {} calls, {:?}", t.kernel, t.geometry, t.calls, t.time);
//! }
//! # }
//! ```

use super::{ConvGeometry, ConvKernel};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The convolutions of one geometry, kernel and batch size.
#[derive(Clone, Debug)]
pub struct Timing {
    /// The convolution's sizes.
    pub geometry: ConvGeometry,
    /// The kernel that ran it.
    pub kernel: ConvKernel,
    /// Images a call.
    pub batch: usize,
    /// Calls recorded.
    pub calls: u64,
    /// Their time in all.
    pub time: Duration,
}

static ON: AtomicBool = AtomicBool::new(false);
static TIMES: Mutex<Vec<Timing>> = Mutex::new(Vec::new());

/// Starts recording, from nothing.
pub fn start() {
    TIMES.lock().unwrap_or_else(|e| e.into_inner()).clear();
    ON.store(true, Ordering::Relaxed);
}

/// Stops recording and returns what was recorded, in the order each
/// geometry was first seen.
pub fn take() -> Vec<Timing> {
    ON.store(false, Ordering::Relaxed);
    std::mem::take(&mut *TIMES.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Times a convolution from its start to its drop, when recording.
pub(crate) struct Timer {
    started: Option<(Instant, ConvGeometry, ConvKernel, usize)>,
}

impl Timer {
    pub(crate) fn start(g: &ConvGeometry, kernel: ConvKernel, batch: usize) -> Timer {
        Timer {
            started: ON
                .load(Ordering::Relaxed)
                .then(|| (Instant::now(), *g, kernel, batch)),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let Some((t, geometry, kernel, batch)) = self.started else {
            return;
        };
        let time = t.elapsed();
        let mut times = TIMES.lock().unwrap_or_else(|e| e.into_inner());
        match times
            .iter_mut()
            .find(|e| e.geometry == geometry && e.kernel == kernel && e.batch == batch)
        {
            Some(e) => {
                e.calls += 1;
                e.time += time;
            }
            None => times.push(Timing {
                geometry,
                kernel,
                batch,
                calls: 1,
                time,
            }),
        }
    }
}

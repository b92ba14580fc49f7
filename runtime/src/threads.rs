//! How many threads a forward pass may use.
//!
//! One by default. The work is always cut into the same pieces, whatever the
//! count, so results are bitwise identical with 1 thread or 16.
//!
//! ```
//! cnn_runtime::set_threads(2);
//! assert_eq!(cnn_runtime::threads(), 2);
//! cnn_runtime::set_threads(1);
//! ```

use std::sync::{Arc, RwLock};

static POOL: RwLock<Option<(usize, Arc<rayon::ThreadPool>)>> = RwLock::new(None);

/// Sets the threads of every forward pass from now on (at least 1). With
/// more than one, the pieces of each layer run on a pool of that many.
pub fn set_threads(count: usize) {
    let count = count.max(1);
    let mut pool = POOL.write().unwrap_or_else(|e| e.into_inner());
    if count == 1 {
        *pool = None;
        return;
    }
    if pool.as_ref().is_some_and(|(n, _)| *n == count) {
        return;
    }
    // A pool that cannot start leaves the work on the calling thread.
    *pool = rayon::ThreadPoolBuilder::new()
        .num_threads(count)
        .thread_name(|i| format!("cnn-{i}"))
        .build()
        .ok()
        .map(|p| (count, Arc::new(p)));
}

/// The threads a forward pass uses.
pub fn threads() -> usize {
    POOL.read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map_or(1, |(n, _)| *n)
}

/// Multiply-adds below which a layer runs on the calling thread: handing
/// its pieces to the pool and waiting for them costs more than it saves.
pub(crate) const MIN_SHARED_WORK: usize = 1 << 22;

/// Runs `task(i)` for `i` in `0..count`, spread over the pool when there is
/// one, more than one task, and `work` (the multiply-adds of all the tasks)
/// to pay for it. The tasks are the same either way, so the results are.
pub(crate) fn for_each(count: usize, work: usize, task: impl Fn(usize) + Sync + Send) {
    let pool = if count > 1 && work >= MIN_SHARED_WORK {
        POOL.read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(_, p)| Arc::clone(p))
    } else {
        None
    };
    match pool {
        Some(pool) => pool.install(|| {
            use rayon::prelude::*;
            (0..count).into_par_iter().for_each(task);
        }),
        None => (0..count).for_each(task),
    }
}

//! Reused buffers: a forward pass in the steady state allocates nothing.
//!
//! Every thread keeps a few freed tensor buffers and one scratch buffer. A
//! [`Batch`](crate::Batch) that is dropped gives its buffer back here, and a
//! layer takes its output buffer from here, so after the first call the same
//! buffers go round.

use std::cell::RefCell;

/// The most freed buffers a thread keeps: enough for a model's every
/// distinct buffer size (DenseNet-121's concatenations grow by 32
/// channels 58 times, and each is copied for its BatchNorm: about 260
/// buffers), the smallest dropped first when full.
const KEEP: usize = 1024;

thread_local! {
    static FREE: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of exactly `len` values. Its contents are unspecified (left from
/// earlier use, or zero): the caller overwrites every value.
pub fn take(len: usize) -> Vec<f32> {
    let reused = FREE
        .try_with(|free| {
            let mut free = free.borrow_mut();
            // The smallest buffer that holds `len` values.
            let best = free
                .iter()
                .enumerate()
                .filter(|(_, v)| v.capacity() >= len)
                .min_by_key(|(_, v)| v.capacity())
                .map(|(i, _)| i);
            best.map(|i| free.swap_remove(i))
        })
        .ok()
        .flatten();
    match reused {
        Some(mut v) => {
            // Only the part never written before is zeroed.
            v.truncate(len);
            v.resize(len, 0.0);
            v
        }
        None => vec![0.0; len],
    }
}

/// Gives a buffer back for reuse.
pub fn give(v: Vec<f32>) {
    if v.capacity() == 0 {
        return;
    }
    let _ = FREE.try_with(|free| {
        if let Ok(mut free) = free.try_borrow_mut() {
            if free.len() >= KEEP {
                // Drop the smallest: large buffers are the costly ones.
                if let Some((i, _)) = free.iter().enumerate().min_by_key(|(_, v)| v.capacity()) {
                    if free[i].capacity() < v.capacity() {
                        free.swap_remove(i);
                    } else {
                        return;
                    }
                }
            }
            free.push(v);
        }
    });
}

/// Runs `f` with this thread's scratch buffer (grown by `f` as it needs).
pub fn with_scratch<R>(f: impl FnOnce(&mut Vec<f32>) -> R) -> R {
    let mut scratch = SCRATCH
        .try_with(|s| std::mem::take(&mut *s.borrow_mut()))
        .unwrap_or_default();
    let result = f(&mut scratch);
    let _ = SCRATCH.try_with(|s| *s.borrow_mut() = scratch);
    result
}

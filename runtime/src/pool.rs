//! Reused buffers: a forward pass in the steady state allocates nothing.
//!
//! Every thread keeps a few freed tensor buffers and one scratch buffer. A
//! [`Batch`](crate::Batch) that is dropped gives its buffer back here, and a
//! layer takes its output buffer from here, so after the first call the same
//! buffers go round.
//!
//! A [`Buffer`] remembers how much of its allocation holds values from
//! earlier use, so a buffer taken short and given back still serves a
//! longer request later without zeroing what it already held.
//!
//! A buffer's values start on a cache line (64 bytes), so that the
//! kernels' vector loads of a plane's rows, a packed block, a padded copy
//! do not straddle two lines where the allocator's 16-byte alignment
//! would put them (each such load costs two).

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// The most freed buffers a thread keeps: enough for a model's every
/// distinct buffer size (DenseNet-121's concatenations grow by 32
/// channels 58 times, and each is copied for its BatchNorm: about 260
/// buffers), the smallest dropped first when full.
const KEEP: usize = 1024;

thread_local! {
    /// Freed buffers, each with its length set to all it holds initialized.
    static FREE: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Values from the pool: a slice of `len` values whose contents are
/// unspecified (left from earlier use, or zero) until the caller writes
/// them. Give it back with [`give`].
///
/// ```
/// use cnn_runtime::pool;
/// let mut b = pool::take(4);
/// b.fill(1.5);
/// assert_eq!(&b[..], &[1.5; 4]);
/// pool::give(b);
/// ```
#[derive(Debug, Default)]
pub struct Buffer {
    /// The values are `data[start..]`.
    data: Vec<f32>,
    /// Where the values start: the allocation's first cache line for a
    /// buffer from the pool, 0 for one made from a `Vec`.
    start: usize,
    /// How many values of `data`'s allocation are initialized, from its
    /// start: `data.len()` or more (what an earlier, longer use wrote).
    /// `data` is private and never resized outside this module, so this
    /// stays true for as long as the buffer lives.
    init: usize,
}

impl Buffer {
    /// The values as a `Vec` (what lies past them is forgotten; those
    /// before a cache line's start are removed, moving the rest).
    pub fn into_vec(self) -> Vec<f32> {
        let Buffer {
            mut data, start, ..
        } = self;
        data.drain(..start);
        data
    }
}

/// A `Vec`'s values, as many initialized as it is long.
impl From<Vec<f32>> for Buffer {
    fn from(data: Vec<f32>) -> Self {
        let init = data.len();
        Buffer {
            data,
            start: 0,
            init,
        }
    }
}

impl Deref for Buffer {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.data[self.start..]
    }
}

impl DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.data[self.start..]
    }
}

/// Equal when the values are (whatever lies past them).
impl PartialEq for Buffer {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

/// Values a cache line holds.
const LINE: usize = 16;

/// Where in `data`'s allocation its first cache line starts, in values
/// (0 without one).
fn line_start(data: &Vec<f32>) -> usize {
    if data.capacity() == 0 {
        return 0;
    }
    data.as_ptr().align_offset(64).min(LINE - 1)
}

/// A buffer of exactly `len` values. Its contents are unspecified (left from
/// earlier use, or zero): the caller overwrites every value.
pub fn take(len: usize) -> Buffer {
    let mut buffer = reuse(len);
    if poisoned() {
        buffer.fill(f32::NAN);
    }
    buffer
}

/// [`take`], the values left as they are.
fn reuse(len: usize) -> Buffer {
    let reused = FREE
        .try_with(|free| {
            let mut free = free.borrow_mut();
            // The smallest buffer that holds `len` values from its first
            // cache line.
            let best = free
                .iter()
                .enumerate()
                .filter(|(_, v)| v.capacity() >= line_start(v) + len)
                .min_by_key(|(_, v)| v.capacity())
                .map(|(i, _)| i);
            best.map(|i| free.swap_remove(i))
        })
        .ok()
        .flatten();
    let mut data = reused.unwrap_or_else(|| match len {
        0 => Vec::new(),
        _ => Vec::with_capacity(len + LINE - 1),
    });
    let start = line_start(&data);
    // A free buffer is as long as it holds values: shortening it forgets
    // none of them (`init` keeps them), and only the part never written
    // before is zeroed.
    let init = data.len().max(start + len);
    data.truncate(start + len);
    data.resize(start + len, 0.0);
    Buffer { data, start, init }
}

/// `buffer` lengthened to `len` values, its own values kept first and the
/// rest unspecified, as [`take`]'s. It stays where it is when its
/// allocation has room (none is copied); otherwise it moves to a buffer
/// with room for twice `len`, so that a tensor grown again and again (a
/// DenseNet block's concatenations, each its input and 32 channels more)
/// is copied a few times rather than at every step.
pub(crate) fn grow(mut buffer: Buffer, len: usize) -> Buffer {
    let old = buffer.len();
    if len <= old {
        buffer.data.truncate(buffer.start + len);
        return buffer;
    }
    if buffer.data.capacity() >= buffer.start + len {
        let end = buffer.start + len;
        if buffer.init >= end {
            // SAFETY: the first `init` values of the allocation are
            // initialized (`Buffer`'s invariant) and `end <= init` lies
            // within its capacity.
            unsafe { buffer.data.set_len(end) };
        } else {
            buffer.data.resize(end, 0.0);
            buffer.init = end;
        }
    } else {
        let mut moved = reuse(2 * len);
        moved.data.truncate(moved.start + len);
        moved[..old].copy_from_slice(&buffer);
        give(buffer);
        buffer = moved;
    }
    if poisoned() {
        buffer[old..].fill(f32::NAN);
    }
    buffer
}

/// With `CNN_POOL_POISON` set, every buffer taken is filled with NaN: a
/// kernel that reads a value it took without writing it then shows in its
/// results (CI runs the model tests so).
fn poisoned() -> bool {
    static POISON: OnceLock<bool> = OnceLock::new();
    *POISON.get_or_init(|| std::env::var_os("CNN_POOL_POISON").is_some())
}

/// Gives a buffer back for reuse.
pub fn give(buffer: Buffer) {
    let Buffer { mut data, init, .. } = buffer;
    if data.capacity() == 0 {
        return;
    }
    // SAFETY: `init` values of the allocation are initialized (`Buffer`'s
    // invariant, within its capacity), and `f32` has no drop to skip.
    unsafe { data.set_len(init) };
    let _ = FREE.try_with(|free| {
        if let Ok(mut free) = free.try_borrow_mut() {
            if free.len() >= KEEP {
                // Drop the smallest: large buffers are the costly ones.
                if let Some((i, _)) = free.iter().enumerate().min_by_key(|(_, v)| v.capacity()) {
                    if free[i].capacity() < data.capacity() {
                        free.swap_remove(i);
                    } else {
                        return;
                    }
                }
            }
            free.push(data);
        }
    });
}

/// The values a kernel reads for a call: a copy it made into a buffer
/// from the pool, or its input as it is, where no copy would change it.
/// Give it back with [`Copied::give`].
#[derive(Debug)]
pub enum Copied<'a> {
    /// The kernel's copy.
    Copy(Buffer),
    /// The input, read where it lies.
    Input(&'a [f32]),
}

impl Copied<'_> {
    /// Gives a copy's buffer back to the pool.
    pub fn give(self) {
        if let Copied::Copy(buffer) = self {
            give(buffer);
        }
    }
}

impl Deref for Copied<'_> {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        match self {
            Copied::Copy(buffer) => buffer,
            Copied::Input(input) => input,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_taken_short_keeps_its_longer_values() {
        let mut b = reuse(8);
        b.copy_from_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        let at = b.as_ptr();
        give(b);
        let b = reuse(3);
        assert_eq!(b.as_ptr(), at);
        assert_eq!(&b[..], &[1.0, 2.0, 3.0]);
        give(b);
        // Back at full length without zeroing: the values written first.
        let b = reuse(8);
        assert_eq!(b.as_ptr(), at);
        assert_eq!(&b[..], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        give(b);
    }

    #[test]
    fn a_vec_s_spare_capacity_is_zeroed_when_taken() {
        let mut v = Vec::with_capacity(32);
        v.extend([9.0; 20]);
        let at = v.as_ptr();
        let start = line_start(&v);
        give(v.into());
        let b = reuse(16);
        // The values from the allocation's first cache line: the Vec's
        // from there, then zeros.
        assert_eq!(b.as_ptr(), at.wrapping_add(start));
        assert_eq!(b.as_ptr() as usize % 64, 0);
        // (All 16 are the Vec's where its allocation starts a line.)
        let kept = (20 - start).min(16);
        assert_eq!(&b[..kept], &vec![9.0; kept][..]);
        assert!(b[kept..].iter().all(|&x| x == 0.0));
        give(b);
    }

    #[test]
    fn buffers_start_on_a_cache_line_and_keep_their_values_as_a_vec() {
        for len in [1, 3, 16, 17, 1000] {
            let mut b = take(len);
            assert_eq!(b.len(), len);
            assert_eq!(b.as_ptr() as usize % 64, 0, "{len}");
            for (i, x) in b.iter_mut().enumerate() {
                *x = i as f32;
            }
            let v = b.into_vec();
            assert_eq!(v, (0..len).map(|i| i as f32).collect::<Vec<_>>());
        }
        assert!(take(0).is_empty());
    }

    #[test]
    fn a_grown_buffer_keeps_its_values_and_stays_put_while_it_has_room() {
        let mut b = take(3);
        b.copy_from_slice(&[1.0, 2.0, 3.0]);
        // Past its allocation: moved, with room for twice the length.
        let b = grow(b, 1000);
        assert_eq!(&b[..3], &[1.0, 2.0, 3.0]);
        assert_eq!(b.len(), 1000);
        assert_eq!(b.as_ptr() as usize % 64, 0);
        let at = b.as_ptr();
        let mut b = grow(b, 2000);
        assert_eq!(b.as_ptr(), at, "grown where it lies");
        assert_eq!(&b[..3], &[1.0, 2.0, 3.0]);
        assert_eq!(b.len(), 2000);
        b[1999] = 7.0;
        // Past its room again: moved, every value kept.
        let b = grow(b, 4001);
        assert_ne!(b.as_ptr(), at);
        assert_eq!(&b[..3], &[1.0, 2.0, 3.0]);
        assert_eq!(b[1999], 7.0);
        assert_eq!(b.len(), 4001);
        // Shortened: the first values.
        let b = grow(b, 2);
        assert_eq!(&b[..], &[1.0, 2.0]);
        give(b);
    }

    #[test]
    fn a_buffer_grown_past_what_it_held_is_zeroed_there() {
        let mut b = reuse(4);
        b.fill(2.0);
        give(b);
        let mut b = reuse(2);
        b.fill(3.0);
        give(b);
        let b = reuse(4);
        assert_eq!(&b[..], &[3.0, 3.0, 2.0, 2.0]);
        give(b);
    }
}

//! `nn.ChannelShuffle(groups)`: the channels, seen as `groups` rows of
//! `C / groups`, transposed (ShuffleNet's `channel_shuffle`): channel
//! `g * (C / groups) + i` of the input is channel `i * groups + g` of the
//! output.
//!
//! ```
//! use cnn_runtime::{Batch, ChannelShuffle};
//! let x = Batch::<4, 1, 1>::from_vec(1, vec![0.0, 1.0, 2.0, 3.0]).unwrap();
//! let y = ChannelShuffle::new(2).forward(x);
//! assert_eq!(y.as_slice(), &[0.0, 2.0, 1.0, 3.0]);
//! ```

use crate::module::Module;
use crate::tensor::Batch;

/// The shuffle of `groups` groups of channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelShuffle {
    /// The number of groups the channels are interleaved from.
    pub groups: usize,
}

impl ChannelShuffle {
    /// A shuffle of `groups` groups.
    pub fn new(groups: usize) -> Self {
        ChannelShuffle { groups }
    }

    /// Shuffles every image's channels.
    ///
    /// # Panics
    /// When `groups` is zero or does not divide `C` (the `cnn!` checker
    /// refuses such a model).
    pub fn forward<const C: usize, const H: usize, const W: usize>(
        &self,
        x: Batch<C, H, W>,
    ) -> Batch<C, H, W> {
        let groups = self.groups;
        assert!(
            groups > 0 && C.is_multiple_of(groups),
            "ChannelShuffle: {groups} groups do not divide {C} channels"
        );
        if groups == 1 || groups == C {
            return x;
        }
        let per = C / groups;
        let plane = H * W;
        let mut out = Batch::<C, H, W>::uninit(x.batch_size());
        for (src, dst) in x.images().zip(out.images_mut()) {
            for g in 0..groups {
                for i in 0..per {
                    let from = (g * per + i) * plane;
                    let to = (i * groups + g) * plane;
                    dst[to..to + plane].copy_from_slice(&src[from..from + plane]);
                }
            }
        }
        out
    }
}

impl Module for ChannelShuffle {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_definition_and_undoes_itself_with_the_other_grouping() {
        let x = Batch::<6, 1, 2>::from_vec(2, (0..24).map(|v| v as f32).collect()).unwrap();
        let y = ChannelShuffle::new(2).forward(x.clone());
        // Channels 0 1 2 | 3 4 5 -> 0 3 1 4 2 5, each a plane of two values.
        let order = [0, 3, 1, 4, 2, 5];
        for (n, image) in y.images().enumerate() {
            for (c, &from) in order.iter().enumerate() {
                let want: Vec<f32> = (0..2).map(|v| (n * 12 + from * 2 + v) as f32).collect();
                assert_eq!(&image[c * 2..c * 2 + 2], &want[..]);
            }
        }
        let back = ChannelShuffle::new(3).forward(y);
        assert_eq!(back.as_slice(), x.as_slice());
    }
}

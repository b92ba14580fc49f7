//! BatchNorm2d without running statistics.
use cnn::cnn;

cnn! {
    pub struct Net<3, 32, 32> {
        bn: BatchNorm2d(3, track_running_stats = False),
    }
}

fn main() {}

//! How a shared Winograd convolution is cut into tasks: blocks of tile
//! panels by blocks of output channel panels. Each task transforms the
//! inputs of its tile panels itself, so cutting the output channels finer
//! evens out the threads' work at the price of transforming again, and
//! where a layer has few tile panels that price decides the cut. (A layer
//! of fewer tile panels than threads is not cut here: its inputs are
//! transformed once, shared, before its output channels are shared out.)

/// What transforming one tile panel's inputs costs, in products of that
/// panel by one output channel panel (both scale with the input channels).
/// Measured with AVX-512, from the layer's time at one thread as the
/// output channels were cut in 1, 2 and 4 blocks: ResNet's 256->256 at
/// 14x14 with tiles of 2 (16 positions) about 8, its 128->128 at 28x28
/// with tiles of 4 (36 positions) about 10.
fn transform_cost(m: usize) -> usize {
    if m == 2 { 8 } else { 10 }
}

/// Output channel panels a task takes at least when channels are shared
/// out: with fewer, the fixed costs of a task (taking its buffers, the
/// transforms' set-up) outweigh what a second thread saves (the VGG's
/// 32-channel layers at batch 1 in three tasks of two panels: 0.94x on
/// two threads).
const MIN_TASK_KPANELS: usize = 8;

/// The cut of `panels` tile panels and `kpanels` output channel panels
/// (in blocks of `block`) over `threads` threads, for tiles of `m`:
/// `(tile panels a task, output channel panels a task)`.
///
/// With a panel or more for every task, each task takes one panel and
/// every output channel. With fewer (ResNet's 14x14 holds 2 panels with
/// AVX-512, its 28x28 2 with tiles of 4), the cut is the one whose busiest
/// thread has the least to do, tasks taken in order by whichever thread is
/// free; of equal ones, that of fewer panels a task, then of fewer blocks
/// of output channels. `tasks_per_thread` is how many tasks a thread
/// should have to choose from, when the work allows.
pub(super) fn cut(
    panels: usize,
    kpanels: usize,
    block: usize,
    m: usize,
    threads: usize,
    tasks_per_thread: usize,
) -> (usize, usize) {
    let (panels, kpanels, threads) = (panels.max(1), kpanels.max(1), threads.max(1));
    let enough = threads * tasks_per_thread;
    if panels >= enough {
        return (1, kpanels);
    }
    let transform = transform_cost(m);
    let most_kchunks = (kpanels / MIN_TASK_KPANELS).clamp(1, enough);
    let mut best = (usize::MAX, (1, kpanels));
    for per_chunk in 1..=panels {
        for kchunks in 1..=most_kchunks {
            let per_kchunk = kpanels.div_ceil(kchunks).next_multiple_of(block);
            let tasks = panels.div_ceil(per_chunk) * kpanels.div_ceil(per_kchunk);
            // Tasks as large as the largest, handed out in rounds: about
            // what the busiest thread does (exact where they are equal).
            let largest = per_chunk * (transform + per_kchunk.min(kpanels));
            let busiest = tasks.div_ceil(threads) * largest;
            if busiest < best.0 {
                best = (busiest, (per_chunk, per_kchunk.min(kpanels)));
            }
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_panels_take_a_task_each_with_every_channel() {
        assert_eq!(cut(49, 43, 2, 4, 2, 4), (1, 43));
        assert_eq!(cut(8, 11, 3, 4, 2, 4), (1, 11));
    }

    #[test]
    fn two_panels_on_two_threads_keep_every_channel() {
        // ResNet's 256->256 at 14x14 (tiles of 2) and 128->128 at 28x28
        // (tiles of 4): each thread one panel, the inputs transformed
        // once each, rather than eight tasks transforming them four times.
        assert_eq!(cut(2, 43, 2, 2, 2, 4), (1, 43));
        assert_eq!(cut(2, 22, 3, 4, 2, 4), (1, 22));
    }

    #[test]
    fn one_panel_is_shared_by_output_channels() {
        // ResNet's 256->256 at 14x14 with tiles of 4: one panel of 16.
        assert_eq!(cut(1, 43, 2, 4, 2, 4), (1, 22));
        // Four threads: four blocks.
        assert_eq!(cut(1, 43, 2, 4, 4, 4), (1, 12));
    }

    #[test]
    fn few_output_channels_are_not_cut() {
        // 32 channels (6 panels): the VGG's small layers.
        assert_eq!(cut(1, 6, 2, 2, 2, 4), (1, 6));
        assert_eq!(cut(3, 11, 3, 4, 2, 4), (1, 11));
    }

    #[test]
    fn one_thread_takes_the_whole_layer_as_few_tasks() {
        let (per_chunk, per_kchunk) = cut(2, 43, 2, 2, 1, 1);
        assert_eq!(per_kchunk, 43);
        assert!(per_chunk >= 1);
    }

    #[test]
    fn every_cut_covers_the_layer() {
        for panels in 1..12 {
            for kpanels in 1..60 {
                for threads in 1..5 {
                    let (p, k) = cut(panels, kpanels, 3, 4, threads, 4);
                    assert!(
                        (1..=panels.max(1)).contains(&p),
                        "{panels} {kpanels} {threads}"
                    );
                    assert!(k >= 1 && k <= kpanels.next_multiple_of(3));
                }
            }
        }
    }
}

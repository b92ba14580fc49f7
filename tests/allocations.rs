//! In the steady state a forward pass allocates nothing: every buffer comes
//! back from the pool; loading weights from a file far larger than the
//! model takes little beyond the model. Counted with a global allocator
//! that tallies calls and bytes.

#[path = "models/branchy.rs"]
mod branchy;
mod models;
#[path = "models/resnet18.rs"]
mod resnet18;
mod zoo;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use cnn::{AnyBatch, Model};
use models::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// Bytes allocated now, and the most at any moment since the last reset.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrink(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

thread_local! {
    /// Whether this thread's allocations count: only the test's own. The
    /// test harness's thread allocates now and then while a test runs.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to the system allocator unchanged; only
// counts them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        grow(layout.size());
        // SAFETY: the caller's promises pass straight through.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        shrink(layout.size());
        grow(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations of `runs` forward passes after two to warm up.
fn steady_state_allocations<M: Model>(batch: usize, runs: usize) -> usize {
    let model = M::init(3);
    let x = M::Input::from_vec(
        batch,
        vec![0.5; batch * M::INPUT_SHAPE.iter().product::<usize>()],
    )
    .unwrap();
    // Warm up with an output alive while the next is made, as in the loop.
    let mut out = model.forward(&x);
    std::hint::black_box(&out);
    out = model.forward(&x);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..runs {
        out = model.forward(&x);
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    drop(out);
    after - before
}

#[test]
fn forward_passes_allocate_nothing_once_warm() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The forward passes run on this thread (one thread: no pool).
    COUNTED.with(|c| c.set(true));
    {
        let net = SeedB::new(1);
        let x = cnn::Batch::<3, 32, 32>::zeros(2);
        let mut out = cnn::Batch::<10>::zeros(2);
        net.forward_into(&x, &mut out);
        net.forward_into(&x, &mut out);
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..10 {
            net.forward_into(&x, &mut out);
        }
        assert_eq!(
            ALLOCATIONS.load(Ordering::Relaxed) - before,
            0,
            "forward_into"
        );
    }
    // One test function: the counter is global to the process.
    assert_eq!(steady_state_allocations::<SeedA>(1, 20), 0, "seed_a");
    assert_eq!(
        steady_state_allocations::<SeedB>(4, 20),
        0,
        "seed_b batch 4"
    );
    assert_eq!(
        steady_state_allocations::<VggSmall>(1, 5),
        0,
        "vgg_small batch 1"
    );
    assert_eq!(steady_state_allocations::<VggSmall>(2, 5), 0, "vgg_small");
    assert_eq!(
        steady_state_allocations::<FeaturesExt>(2, 5),
        0,
        "features_ext"
    );
    assert_eq!(steady_state_allocations::<LeNet5>(3, 5), 0, "lenet5");
    assert_eq!(steady_state_allocations::<Quiz>(2, 3), 0, "quiz");
    assert_eq!(steady_state_allocations::<Gray200>(2, 3), 0, "gray200");
    assert_eq!(
        steady_state_allocations::<resnet18::ResNet18>(1, 2),
        0,
        "resnet18"
    );
    assert_eq!(
        steady_state_allocations::<zoo::MobileNetV3SmallTiny>(2, 5),
        0,
        "mobilenet_v3_small_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::EfficientNetB0Tiny>(2, 5),
        0,
        "efficientnet_b0_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::RegNetYTiny>(2, 5),
        0,
        "regnet_y_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::ShuffleNetV2Tiny>(2, 5),
        0,
        "shufflenet_v2_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::ConvNeXtTiny>(2, 5),
        0,
        "convnext_tiny_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::DenseNetTiny>(2, 5),
        0,
        "densenet_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::MobileNetV2Tiny>(2, 5),
        0,
        "mobilenet_v2_tiny"
    );
    assert_eq!(
        steady_state_allocations::<zoo::RegNetXTiny>(2, 5),
        0,
        "regnet_x_tiny"
    );
    assert_eq!(
        steady_state_allocations::<branchy::InceptionNet>(2, 5),
        0,
        "inception concatenation"
    );
    assert_eq!(
        steady_state_allocations::<branchy::DenseNet>(1, 5),
        0,
        "dense concatenation, batch 1"
    );
    // Batches that run a slice of images at a time.
    for (allocations, name) in [
        (steady_state_allocations::<SeedB>(64, 3), "seed_b batch 64"),
        (steady_state_allocations::<Gray200>(7, 2), "gray200 batch 7"),
        (
            steady_state_allocations::<zoo::DenseNetTiny>(40, 2),
            "densenet_tiny batch 40",
        ),
    ] {
        assert_eq!(allocations, 0, "{name}");
    }
    assert!(cnn::slices::slice_count(7, Gray200::INPUT_SHAPE, Gray200::LAYERS) > 1);
    assert!(
        cnn::slices::slice_count(
            40,
            zoo::DenseNetTiny::INPUT_SHAPE,
            zoo::DenseNetTiny::LAYERS
        ) > 1
    );
    assert!(cnn::slices::slice_count(64, SeedB::INPUT_SHAPE, SeedB::LAYERS) > 1);
}

/// The tests of this file run one at a time: the byte counts are global.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Heap bytes at the peak of `f`, above what was live before it.
fn peak_of(f: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - before
}

#[test]
fn loading_from_a_file_ten_times_the_model_takes_about_the_model() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let model = VggSmall::init(1);
    let model_bytes = VggSmall::PARAMS * 4;
    // The model's weights, and an unrelated tensor nine times as large
    // (an optimizer's state, say).
    let mut sd = model.state_dict();
    sd.insert(
        "optimizer.exp_avg",
        cnn::Tensor {
            shape: vec![9 * VggSmall::PARAMS],
            data: vec![0.5; 9 * VggSmall::PARAMS],
        },
    );
    let path = std::env::temp_dir().join(format!("cnn-peak-{}.safetensors", std::process::id()));
    sd.write(&path).unwrap();
    drop(sd);
    let file_bytes = std::fs::metadata(&path).unwrap().len() as usize;
    assert!(file_bytes > 10 * model_bytes);

    let mut loaded = VggSmall::init(2);
    let peak = peak_of(|| {
        let report = cnn::load_safetensors(&mut loaded, &path, cnn::Strictness::Lenient).unwrap();
        assert_eq!(report.unexpected, ["optimizer.exp_avg"]);
    });
    assert_eq!(loaded.state_dict(), model.state_dict());
    // Into a model already there: the header, a read buffer and a piece of
    // a tensor at a time.
    assert!(
        peak * 2 < model_bytes,
        "loading took {peak} bytes for a {model_bytes}-byte model"
    );
    // A new model from the file: what the model takes in memory (its
    // weights and what it derives from them), and under half that again.
    // (After one model was built: what a first one sets up once, the
    // thread pool say, is not the model's.)
    let own = peak_of(|| drop(VggSmall::init(3)));
    let fresh = peak_of(|| {
        let mut fresh = VggSmall::init(3);
        cnn::load_safetensors(&mut fresh, &path, cnn::Strictness::Lenient).unwrap();
    });
    assert!(
        fresh * 2 < own * 3,
        "a new model took {fresh} bytes at the peak, where the model takes {own}"
    );
    eprintln!(
        "file {file_bytes} bytes, weights {model_bytes} bytes: loading into a model peaks at {peak} bytes more; a new model from the file peaks at {fresh} bytes, {:.2}x the {own} bytes of a new model",
        fresh as f64 / own as f64
    );
    std::fs::remove_file(path).unwrap();
}

cnn::cnn! {
    /// A residual block whose main path is three layers long.
    block Deep(c) {
        residual {
            conv1: Conv2d(c, c, 3, padding = 1),
            act: SiLU,
            conv2: Conv2d(c, c, 3, padding = 1),
            norm: BatchNorm2d(c),
        },
        relu: ReLU,
    }

    /// A branching block: two paths joined along channels, then reduced.
    block Wide(c) {
        concat {
            left: Conv2d(c, c, 1),
            right: [Conv2d(c, c, 3, padding = 1), Tanh],
        },
        reduce: Conv2d(2 * c, c, 1),
    }

    /// Twenty-four results of one size, in a chain of residual and
    /// concatenating blocks: a pass needs a few of them at once.
    struct Chain<8, 32, 32> {
        blocks: [Deep(8); 4],
        wide: [Wide(8); 4],
    }
}

/// A result is given back to the pool as soon as the pass has no further
/// use for it, so that the next layers write into memory the pass has just
/// touched: a pass's buffers take a few results, not every result it
/// makes.
#[test]
fn a_pass_holds_only_the_results_it_still_needs() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    cnn::set_threads(1);
    let model = Chain::init(1);
    let x = cnn::Batch::<8, 32, 32>::from_vec(1, vec![0.25; 8 * 32 * 32]).unwrap();
    // Weights packed and scratch grown by a first pass on this thread.
    drop(model.forward(&x));
    // A new thread's pool is empty: what its pass allocates is what the
    // pass holds at once.
    let peak = std::thread::scope(|s| {
        s.spawn(|| peak_of(|| drop(model.forward(&x))))
            .join()
            .unwrap()
    });
    // A concatenation's two inputs and its output (twice as large), the
    // block's input, the kernels' scratch: under a dozen results (with
    // each kept to the end of the pass it is over thirty).
    let result = 8 * 32 * 32 * 4;
    assert!(
        peak <= 12 * result,
        "a pass of 24 results of {result} bytes held {peak} bytes at its peak"
    );
}

//! In the steady state a forward pass allocates nothing: every buffer comes
//! back from the pool. Counted with a global allocator that tallies calls.

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
        // SAFETY: the caller's promises pass straight through.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
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
}

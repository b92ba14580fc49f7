//! Heap memory, counted by a global allocator: for ResNet-18 at batch 1
//! the model's own weights, what the first forward pass adds (packed
//! weights, pooled activation buffers, scratch), and the peak of a later,
//! steady-state pass; then, for every benchmarked model (the fixture
//! models and torchvision's, full size included) at batch 1 and 2, the
//! allocations of warm forward passes, which should be none.
//!
//! ```text
//! cargo run --release -p cnn-bench --bin memory [-- --check]
//! ```
//!
//! With `--check` it exits with an error if a warm pass allocates.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use cnn::Model;
use cnn_bench::resnet18::ResNet18;
use cnn_bench::{EachModel, every_model, input};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters only observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let live = if new_size >= layout.size() {
                LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size()
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed)
                    - (layout.size() - new_size)
            };
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Allocations of warm forward passes, model by model.
struct WarmAllocations {
    /// (model, batch, allocations of two warm passes)
    found: Vec<(&'static str, usize, usize)>,
}

impl EachModel for WarmAllocations {
    fn model<M: Model>(&mut self, name: &'static str, _: [usize; 2]) {
        let model = M::init(1);
        for batch in [1, 2] {
            let x = input::<M>(batch);
            // Two passes to warm up, the second with the first's output
            // still alive, as a loop keeps it.
            let first = model.forward(&x);
            let mut out = model.forward(&x);
            drop(first);
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            for _ in 0..2 {
                out = model.forward(&x);
            }
            let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
            drop(std::hint::black_box(out));
            self.found.push((name, batch, allocations));
        }
    }
}

fn main() {
    cnn::set_threads(1);
    resnet18_memory();
    let mut warm = WarmAllocations { found: Vec::new() };
    every_model(&mut warm);
    println!("\nAllocations of two warm forward passes, 1 thread:");
    for (name, batch, allocations) in &warm.found {
        println!("  {name:>24} batch {batch}: {allocations}");
    }
    let allocating = warm.found.iter().filter(|f| f.2 > 0).count();
    if std::env::args().any(|a| a == "--check") && allocating > 0 {
        eprintln!("{allocating} cases allocate in warm forward passes");
        std::process::exit(1);
    }
}

fn resnet18_memory() {
    let x = input::<ResNet18>(1);
    let base = LIVE.load(Ordering::Relaxed);
    let net = ResNet18::init(1);
    let model = LIVE.load(Ordering::Relaxed) - base;
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    drop(std::hint::black_box(net.forward(&x)));
    let first_peak = PEAK.load(Ordering::Relaxed) - base;
    let after_first = LIVE.load(Ordering::Relaxed) - base;
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    drop(std::hint::black_box(net.forward(&x)));
    let steady_peak = PEAK.load(Ordering::Relaxed) - base;
    println!("ResNet-18, batch 1, 1 thread (heap bytes, the input excluded):");
    println!(
        "  model as loaded (weights, BatchNorm statistics): {}",
        mb(model)
    );
    println!(
        "  after the first pass (+ packed weights, pooled buffers): {}",
        mb(after_first)
    );
    println!("  peak during the first pass: {}", mb(first_peak));
    println!("  peak during a steady-state pass: {}", mb(steady_peak));
    println!(
        "  parameters: {} ({} as f32)",
        ResNet18::PARAMS,
        mb(ResNet18::PARAMS * 4)
    );
}

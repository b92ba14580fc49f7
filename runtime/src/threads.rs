//! How many threads a forward pass may use, and the helpers that share a
//! layer's pieces.
//!
//! One thread by default. Kernels may cut a layer into more pieces when
//! there are helpers, but each output is summed whole by one piece, in
//! the same order whatever the count, so results are bitwise identical
//! with 1 thread or 16.
//!
//! The thread that calls a layer works on its pieces itself, and helper
//! threads take pieces too as soon as they wake. A helper that wakes late
//! (waking a sleeping thread takes tens of microseconds, more in a virtual
//! machine) finds the pieces taken and the caller never waits for it to
//! start: sharing a layer can cost a little bookkeeping, never the wake-up.
//!
//! Where the helpers' cores are far from the caller's (on another core
//! complex, without a shared last-level cache), only large layers are
//! shared: every 50 ms the caller times a round trip to a helper (see
//! `Pool::measure`).
//!
//! ```
//! cnn_runtime::set_threads(2);
//! assert_eq!(cnn_runtime::threads(), 2);
//! cnn_runtime::set_threads(1);
//! ```

use std::cell::Cell;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock, TryLockError};
use std::time::{Duration, Instant};

use crate::kernels::epilogue::Out;

static POOL: RwLock<Option<Arc<Pool>>> = RwLock::new(None);

/// Sets the threads of every forward pass from now on (at least 1). With
/// more than one, the calling thread and `count - 1` helpers share the
/// pieces of each layer large enough to pay for it.
pub fn set_threads(count: usize) {
    let count = count.max(1);
    let mut pool = POOL.write().unwrap_or_else(|e| e.into_inner());
    if pool.as_ref().map_or(1, |p| p.threads) == count {
        return;
    }
    // The old helpers stop once the old pool is no longer in use.
    *pool = if count == 1 {
        None
    } else {
        Pool::start(count).map(Arc::new)
    };
}

/// The threads a forward pass uses.
pub fn threads() -> usize {
    POOL.read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map_or(1, |p| p.threads)
}

/// Multiply-adds below which a layer runs on the calling thread alone:
/// publishing its pieces, waiting for the last to finish and reading back
/// what the helper wrote in its cache cost more than a helper saves.
/// Measured on two threads at batch 1 (AMD Zen 4), 1M against 2M, best
/// and median of eight alternating runs: MnasNet 0.5 1.13-1.14x,
/// MobileNetV3-Small 1.16-1.22x, ShuffleNetV2 1.03x, the quiz model
/// 1.01-1.04x, MobileNetV2, EfficientNet-B0 and RegNetY-400MF 1.05-1.1x
/// (best of four); the fixture models and the small configurations
/// even. At 512K the small RegNetX and the quiz model ran 3-10% slower.
pub(crate) const MIN_SHARED_WORK: usize = 1 << 20;

/// Tasks a shared layer makes per thread at least, where its work
/// allows: the threads take tasks as they finish, and with fewer the last
/// task leaves the others idle longer (ResNet-50's 28x28 3x3 in 7 tasks
/// of tile panels: 1.4x on two threads).
pub(crate) const TASKS_PER_THREAD: usize = 4;

/// Tasks a shared layer makes at least, where its work allows.
pub(crate) fn min_tasks() -> usize {
    TASKS_PER_THREAD * threads()
}

/// Runs `task(range)` over `0..items` (planes to copy, say) cut as a
/// layer of `work` multiply-adds shares its work: in [`min_tasks`]
/// ranges where it is shared, one otherwise.
pub(crate) fn for_each_range(items: usize, work: usize, task: impl Fn(Range<usize>) + Sync) {
    let tasks = if shared(work) {
        min_tasks().min(items)
    } else {
        1
    };
    let per_task = items.div_ceil(tasks.max(1));
    for_each(tasks, work, |t| {
        task(t * per_task..((t + 1) * per_task).min(items))
    });
}

/// How many times [`MIN_SHARED_WORK`] a layer must do to be shared while
/// the helpers are [far](FAR): there, what one thread writes reaches the
/// other's cache several times slower, and layers that move much data
/// for their work lose more than a second thread saves them (MnasNet 0.5
/// and MobileNetV2 at batch 1 ran up to 1.4x slower on two threads than
/// on one on an AMD EPYC virtual machine whose two cores sat on different
/// core complexes), while ResNet-50's still gain.
const FAR_FACTOR: usize = 32;

/// Set while the last measurement found the helpers' cores far from the
/// caller's (see [`Pool::measure`]).
static FAR: AtomicBool = AtomicBool::new(false);

/// While above zero, the helpers count as near whatever [`Pool::measure`]
/// finds: tests of how kernels cut shared layers hold a [`NearForTests`],
/// so that the layers they give are shared on any machine.
#[cfg(test)]
static NEAR_FOR_TESTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts the helpers as near from [`NearForTests::hold`] until dropped
/// (on a failed assertion too).
#[cfg(test)]
pub(crate) struct NearForTests(());

#[cfg(test)]
impl NearForTests {
    pub(crate) fn hold() -> Self {
        NEAR_FOR_TESTS.fetch_add(1, Ordering::Relaxed);
        NearForTests(())
    }
}

#[cfg(test)]
impl Drop for NearForTests {
    fn drop(&mut self) {
        NEAR_FOR_TESTS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The work a layer must do to be shared now.
fn min_shared_work() -> usize {
    #[cfg(test)]
    if NEAR_FOR_TESTS.load(Ordering::Relaxed) > 0 {
        return MIN_SHARED_WORK;
    }
    least_shared_work(FAR.load(Ordering::Relaxed))
}

/// The work a layer must do to be shared with helpers near or `far`.
fn least_shared_work(far: bool) -> usize {
    if far {
        MIN_SHARED_WORK * FAR_FACTOR
    } else {
        MIN_SHARED_WORK
    }
}

/// Whether [`for_each`] would share `work` multiply-adds with helpers
/// (given tasks enough): a kernel then cuts its work finer, and otherwise
/// keeps the fewer, larger tasks one thread runs best.
pub(crate) fn shared(work: usize) -> bool {
    work >= min_shared_work() && !IS_HELPER.get() && threads() > 1
}

/// Runs `task(i)` for `i` in `0..count`, shared with the helpers when there
/// are any, more than one task, and `work` (the multiply-adds of all the
/// tasks) to pay for it. The tasks are the same either way, so the results
/// are.
pub(crate) fn for_each(count: usize, work: usize, task: impl Fn(usize) + Sync) {
    run_shared(count, work, min_shared_work(), task);
}

/// [`for_each`] for tasks that read and write nothing in common (the
/// slices of a batch, each through the whole model): shared as between
/// near cores even while the helpers are [far](FAR), since no task waits
/// for what another wrote (LeNet-5's four slices of 16 images, 27M
/// multiply-adds, ran on one thread of two whenever the helper was far).
pub(crate) fn for_each_apart(count: usize, work: usize, task: impl Fn(usize) + Sync) {
    run_shared(count, work, least_shared_work(false), task);
}

/// [`for_each`] with `least` multiply-adds the least work to share.
///
/// While the helpers are [far](FAR), work that near helpers would take is
/// shared all the same once a measurement is due: only a shared job wakes
/// the helpers and lets [`Pool::measure`] run, and without it a model of
/// no layer large enough for far helpers (EfficientNet-B0 and MNASNet at
/// batch 1) would stay on one thread for good after one slow measurement.
fn run_shared(count: usize, work: usize, least: usize, task: impl Fn(usize) + Sync) {
    let pool = if count > 1 && work >= least.min(MIN_SHARED_WORK) && !IS_HELPER.get() {
        POOL.read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(Arc::clone)
    } else {
        None
    };
    match pool {
        Some(pool) if work >= least || pool.measure_due() => pool.run(count, &task),
        _ => (0..count).for_each(task),
    }
}

/// Values of each piece of an element-wise pass: enough that a piece costs
/// far more than taking it.
const CHUNK: usize = 1 << 14;

/// Runs `f` over `x` in pieces of [`CHUNK`] values, shared as [`for_each`]
/// shares, `cost` being what one value is worth in multiply-adds. Each
/// value is computed alone, so the results do not depend on the sharing.
pub(crate) fn for_each_chunk(x: &mut [f32], cost: usize, f: impl Fn(&mut [f32]) + Sync) {
    let len = x.len();
    let out = Out::new(x);
    for_each(len.div_ceil(CHUNK), len * cost, |i| {
        let at = i * CHUNK;
        // SAFETY: values `at..at + CHUNK` (within `x`) are piece `i`'s
        // alone.
        f(unsafe { out.slice(at, CHUNK.min(len - at)) });
    });
}

thread_local! {
    /// Whether this thread is a helper: a task that shares work of its
    /// own runs it alone instead.
    static IS_HELPER: Cell<bool> = const { Cell::new(false) };
}

/// The pieces of one layer: the task and the next piece to take.
struct Job<'a> {
    task: &'a (dyn Fn(usize) + Sync),
    count: usize,
    next: AtomicUsize,
}

impl Job<'_> {
    /// Takes and runs pieces until none is left.
    fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.count {
                return;
            }
            (self.task)(i);
        }
    }
}

/// A job's address, shared with the helpers while it is open.
#[derive(Clone, Copy)]
struct JobRef(*const Job<'static>);

// SAFETY: a `Job` is `Sync` (its task is, and an atomic counter); the
// pointer is only read while the job is open, and the caller keeps the job
// alive until it has closed it and no helper is in it (`Pool::run`).
unsafe impl Send for JobRef {}

struct State {
    /// The open job, if any.
    job: Option<JobRef>,
    /// Helpers waiting on `wake`.
    sleeping: usize,
    /// A helper's task panicked.
    panicked: bool,
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Counts the jobs opened, so that a spinning helper sees a new one
    /// without taking the lock.
    opened: AtomicU64,
    /// Helpers inside the open job: changed under the lock (so that the
    /// caller waiting on `done` misses no change), read without it while
    /// the caller polls for the helpers' last pieces.
    active: AtomicUsize,
    wake: Condvar,
    done: Condvar,
    /// A number the caller writes and a polling helper copies back: the
    /// round trip times how far apart their cores are.
    echo: Echo,
}

/// [`Shared::echo`]'s two numbers, on a cache line of their own: a polling
/// helper reads `ping` often, and should not slow the caller's writes to
/// the rest.
#[repr(align(64))]
struct Echo {
    ping: AtomicU64,
    pong: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Pool {
    threads: usize,
    shared: Arc<Shared>,
    /// Held while a job runs: a second caller meanwhile runs its work alone.
    busy: Mutex<()>,
    /// When the pool started, and when [`Pool::measure`] last ran, in
    /// nanoseconds from then (0: never).
    born: Instant,
    measured: AtomicU64,
    /// What the last measurement found.
    far_before: AtomicBool,
}

/// How long a helper polls for the next job before it sleeps: longer than
/// the layers run alone between two shared ones take, so that a forward
/// pass finds its helpers awake from its second shared layer on.
const SPIN: Duration = Duration::from_millis(1);

/// Round trips [`Pool::measure`] times: the fastest counts.
const ROUND_TRIPS: usize = 8;
/// The fastest round trip above which the helpers are [far](FAR).
const FAR_ROUND_TRIP: Duration = Duration::from_nanos(200);
/// How long [`Pool::round_trip`] waits for an answer.
const NO_ANSWER: Duration = Duration::from_micros(20);
/// How often [`Pool::measure`] runs again.
const MEASURE_EVERY: Duration = Duration::from_millis(50);

impl Pool {
    /// `threads - 1` helpers, or `None` if none can start.
    fn start(threads: usize) -> Option<Pool> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                job: None,
                sleeping: 0,
                panicked: false,
                stop: false,
            }),
            opened: AtomicU64::new(0),
            active: AtomicUsize::new(0),
            wake: Condvar::new(),
            done: Condvar::new(),
            echo: Echo {
                ping: AtomicU64::new(0),
                pong: AtomicU64::new(0),
            },
        });
        let mut started = 0;
        for i in 1..threads {
            let s = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("cnn-{i}"))
                .spawn(move || helper(&s));
            started += usize::from(spawned.is_ok());
        }
        (started > 0).then(|| Pool {
            threads: started + 1,
            shared,
            busy: Mutex::new(()),
            born: Instant::now(),
            measured: AtomicU64::new(0),
            far_before: AtomicBool::new(false),
        })
    }

    /// Times a few round trips to a polling helper and sets [`FAR`] when
    /// the fastest takes longer than [`FAR_ROUND_TRIP`]: two cores that
    /// share their last-level cache answer in 70-190 ns, two on different
    /// core complexes (an AMD EPYC's) in 220-430 ns. A virtual machine's
    /// cores move between them while it runs, so this runs again every
    /// [`MEASURE_EVERY`]. A helper that does not answer (asleep, or not
    /// started yet) leaves [`FAR`] as it was.
    fn measure(&self) {
        let mut fastest = Duration::MAX;
        for _ in 0..ROUND_TRIPS {
            match self.round_trip() {
                Some(rt) => fastest = fastest.min(rt),
                None => return,
            }
        }
        // Far only when two measurements in a row say so: one slow
        // answer (the helper's core busy a moment) is no reason.
        let far = fastest > FAR_ROUND_TRIP;
        let before = self.far_before.swap(far, Ordering::Relaxed);
        FAR.store(far && before, Ordering::Relaxed);
    }

    /// One round trip to a polling helper, if one answers in time.
    fn round_trip(&self) -> Option<Duration> {
        let token = self.shared.echo.ping.load(Ordering::Relaxed) + 1;
        let start = Instant::now();
        self.shared.echo.ping.store(token, Ordering::Release);
        loop {
            // (The clock read once in a while: it takes longer than the
            // answer within a complex.)
            for _ in 0..64 {
                if self.shared.echo.pong.load(Ordering::Acquire) == token {
                    return Some(start.elapsed());
                }
            }
            if start.elapsed() > NO_ANSWER {
                return None;
            }
        }
    }

    /// Whether [`Pool::measure`] should run again.
    fn measure_due(&self) -> bool {
        let now = self.born.elapsed().as_nanos() as u64;
        let last = self.measured.load(Ordering::Relaxed);
        last == 0 || now.saturating_sub(last) > MEASURE_EVERY.as_nanos() as u64
    }

    fn run(&self, count: usize, task: &(dyn Fn(usize) + Sync)) {
        let _busy = match self.busy.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            // Another thread's forward pass has the helpers.
            Err(TryLockError::WouldBlock) => return (0..count).for_each(task),
        };
        let now = self.born.elapsed().as_nanos() as u64;
        // A sleeping helper would not answer: the caller would wait for
        // nothing. (This job wakes it; the next one measures.)
        if self.measure_due() && self.shared.lock().sleeping == 0 {
            self.measure();
            self.measured.store(now.max(1), Ordering::Relaxed);
        }
        let job = Job {
            task,
            count,
            next: AtomicUsize::new(0),
        };
        {
            let mut state = self.shared.lock();
            // SAFETY (of the lifetime's erasure): `Close` below removes the
            // job and waits until no helper is in it before `job` goes out
            // of scope, on return and on unwinding alike.
            let erased = (&job as *const Job<'_>).cast::<Job<'static>>();
            state.job = Some(JobRef(erased));
            state.panicked = false;
            self.shared.opened.fetch_add(1, Ordering::Release);
            if state.sleeping > 0 {
                self.shared.wake.notify_all();
            }
        }
        let close = Close(&self.shared);
        job.work();
        drop(close);
        if std::mem::take(&mut self.shared.lock().panicked) {
            panic!("a piece of a layer panicked on a helper thread");
        }
    }
}

/// Closes the open job when dropped and waits for the helpers inside it.
struct Close<'a>(&'a Shared);

impl Drop for Close<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.job = None;
        if self.0.active.load(Ordering::Acquire) > 0 {
            // A helper is finishing its last piece, a piece's time at most:
            // poll for it, as waking from the condition variable would take
            // tens of microseconds (a virtual machine's helper finishing a
            // 7 us piece kept its caller 17 us longer asleep).
            drop(state);
            let since = Instant::now();
            while self.0.active.load(Ordering::Acquire) > 0 && since.elapsed() < SPIN {
                for _ in 0..16 {
                    std::hint::spin_loop();
                }
            }
            state = self.0.lock();
        }
        while self.0.active.load(Ordering::Acquire) > 0 {
            state = self.0.done.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_all();
    }
}

/// A helper's life: wait for a job, take pieces of it, again.
fn helper(shared: &Shared) {
    IS_HELPER.set(true);
    let mut seen = 0;
    loop {
        // Poll a while for the next job, then sleep until one opens.
        let since = Instant::now();
        'poll: while shared.opened.load(Ordering::Acquire) == seen {
            for _ in 0..32 {
                for _ in 0..2 {
                    std::hint::spin_loop();
                }
                // Answer the caller's measurement at once.
                let ping = shared.echo.ping.load(Ordering::Acquire);
                if ping != shared.echo.pong.load(Ordering::Relaxed) {
                    shared.echo.pong.store(ping, Ordering::Release);
                }
            }
            if since.elapsed() > SPIN {
                break 'poll;
            }
        }
        let job = {
            let mut state = shared.lock();
            loop {
                if state.stop {
                    return;
                }
                let opened = shared.opened.load(Ordering::Acquire);
                if opened != seen {
                    seen = opened;
                    if let Some(job) = state.job {
                        shared.active.fetch_add(1, Ordering::Relaxed);
                        break job;
                    }
                }
                state.sleeping += 1;
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                state.sleeping -= 1;
            }
        };
        // SAFETY: the job is open and this helper is counted in `active`:
        // its caller keeps it alive until `active` is back to zero.
        let result = catch_unwind(AssertUnwindSafe(|| unsafe { &*job.0 }.work()));
        let mut state = shared.lock();
        state.panicked |= result.is_err();
        if shared.active.fetch_sub(1, Ordering::Release) == 1 {
            shared.done.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The tests run their own pools: other tests may set the global one.

    fn pool(threads: usize) -> Pool {
        Pool::start(threads).expect("helpers start")
    }

    /// Every piece runs exactly once, on the caller and the helpers, with
    /// two and four threads.
    #[test]
    fn every_piece_runs_once() {
        for threads in [2, 4] {
            let pool = pool(threads);
            for count in [0, 1, 2, 7, 100, 1000] {
                let runs: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
                pool.run(count, &|i| {
                    runs[i].fetch_add(1, Ordering::Relaxed);
                });
                assert!(runs.iter().all(|r| r.load(Ordering::Relaxed) == 1));
            }
        }
    }

    /// A helper takes part: pieces run off the calling thread when they
    /// are slow enough for it to wake.
    #[test]
    fn helpers_take_pieces() {
        let pool = pool(2);
        let caller = std::thread::current().id();
        let elsewhere = AtomicUsize::new(0);
        for _ in 0..50 {
            pool.run(64, &|_| {
                std::thread::sleep(Duration::from_micros(200));
                if std::thread::current().id() != caller {
                    elsewhere.fetch_add(1, Ordering::Relaxed);
                }
            });
            if elsewhere.load(Ordering::Relaxed) > 0 {
                break;
            }
        }
        assert!(elsewhere.load(Ordering::Relaxed) > 0);
    }

    /// The caller returns only once a helper's last piece has finished:
    /// one shorter than the caller's polling, and one that outlasts it
    /// (the caller then sleeps until the helper wakes it).
    #[test]
    fn the_caller_waits_for_the_helpers_last_piece() {
        let pool = pool(2);
        let caller = std::thread::current().id();
        for piece in [Duration::from_micros(300), 3 * SPIN] {
            let mut helped = false;
            for _ in 0..50 {
                let finished = AtomicUsize::new(0);
                let elsewhere = AtomicUsize::new(0);
                pool.run(2, &|_| {
                    if std::thread::current().id() == caller {
                        // Time for the helper to take the other piece.
                        std::thread::sleep(Duration::from_micros(200));
                    } else {
                        std::thread::sleep(piece);
                        elsewhere.fetch_add(1, Ordering::Relaxed);
                    }
                    finished.fetch_add(1, Ordering::Release);
                });
                assert_eq!(finished.load(Ordering::Acquire), 2);
                if elsewhere.load(Ordering::Relaxed) > 0 {
                    helped = true;
                    break;
                }
                std::thread::sleep(Duration::from_micros(100));
            }
            assert!(helped, "no piece ran on the helper");
        }
    }

    /// Work shared from inside a piece, and two callers at once: neither
    /// waits on the other, both finish, every piece runs.
    #[test]
    fn nested_and_concurrent_callers_finish() {
        let pool = pool(2);
        let total = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    pool.run(8, &|_| {
                        pool.run(4, &|_| {
                            total.fetch_add(1, Ordering::Relaxed);
                        });
                    });
                });
            }
        });
        assert_eq!(total.load(Ordering::Relaxed), 64);
    }

    /// A piece that panics on a helper reaches the caller as a panic, and
    /// the pool goes on working.
    #[test]
    fn a_helpers_panic_reaches_the_caller() {
        let pool = pool(2);
        let caller = std::thread::current().id();
        let caught = (0..50).any(|_| {
            catch_unwind(AssertUnwindSafe(|| {
                pool.run(64, &|_| {
                    std::thread::sleep(Duration::from_micros(100));
                    assert!(std::thread::current().id() == caller, "off the caller");
                });
            }))
            .is_err()
        });
        assert!(caught);
        let runs = AtomicUsize::new(0);
        pool.run(10, &|_| {
            runs.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(runs.load(Ordering::Relaxed), 10);
    }

    /// An element-wise pass over pieces covers every value once, the
    /// last piece short.
    #[test]
    fn every_chunk_is_visited_once() {
        let mut x = vec![0.0f32; 3 * CHUNK + 5];
        for_each_chunk(&mut x, MIN_SHARED_WORK, |part| {
            part.iter_mut().for_each(|v| *v += 1.0)
        });
        assert!(x.iter().all(|&v| v == 1.0));
    }

    #[test]
    fn a_polling_helper_answers_and_a_sleeping_one_does_not() {
        let pool = pool(2);
        // After a job it joins, the helper polls for the next for `SPIN`
        // (if it runs: other tests share the cores, hence the tries, for
        // as long as a loaded machine emulating another may need: 50 tries
        // were once not enough under qemu with two cores).
        let deadline = Instant::now() + Duration::from_secs(20);
        let answered =
            std::iter::from_fn(|| (Instant::now() < deadline).then_some(())).find_map(|()| {
                pool.run(8, &|_| std::thread::sleep(Duration::from_micros(500)));
                pool.round_trip()
            });
        // (Any answer counts: under emulation one can take longer than
        // `NO_ANSWER`, as the clock is read only now and then.)
        assert!(answered.is_some(), "a polling helper did not answer");
        // Past `SPIN` it sleeps, and the caller gives up waiting.
        std::thread::sleep(SPIN * 20);
        let start = Instant::now();
        assert_eq!(pool.round_trip(), None);
        assert!(start.elapsed() >= NO_ANSWER);
    }

    #[test]
    fn far_helpers_take_only_larger_layers() {
        assert_eq!(least_shared_work(false), MIN_SHARED_WORK);
        assert_eq!(least_shared_work(true), MIN_SHARED_WORK * FAR_FACTOR);
    }

    /// Whether `run`, given tasks of 200 us each, gets any of them taken
    /// off the calling thread while the helpers count as far, in up to 50
    /// tries, `before` called before each.
    fn shared_while_far(before: impl Fn(), run: impl Fn(&(dyn Fn(usize) + Sync))) -> bool {
        let caller = std::thread::current().id();
        let elsewhere = AtomicUsize::new(0);
        let task = |_: usize| {
            std::thread::sleep(Duration::from_micros(200));
            if std::thread::current().id() != caller {
                elsewhere.fetch_add(1, Ordering::Relaxed);
            }
        };
        for _ in 0..50 {
            // (Again each round: other tests set the count back to 1.)
            crate::set_threads(2);
            FAR.store(true, Ordering::Relaxed);
            before();
            run(&task);
            if elsewhere.load(Ordering::Relaxed) > 0 {
                break;
            }
        }
        FAR.store(false, Ordering::Relaxed);
        crate::set_threads(1);
        elsewhere.load(Ordering::Relaxed) > 0
    }

    /// Tasks that share nothing are shared even while the helpers are far:
    /// work below the far threshold runs partly off the calling thread.
    #[test]
    fn apart_tasks_are_shared_while_far() {
        assert!(shared_while_far(
            || measured(false),
            |task| for_each_apart(64, MIN_SHARED_WORK, task)
        ));
    }

    /// Marks the helpers as measured never (`due`) or just now.
    fn measured(due: bool) {
        if let Some(pool) = POOL.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let now = pool.born.elapsed().as_nanos() as u64;
            let at = if due { 0 } else { now.max(1) };
            pool.measured.store(at, Ordering::Relaxed);
        }
    }

    /// While far, work near helpers would take is shared once a
    /// measurement is due, so that the helpers wake to be measured again.
    #[test]
    fn far_helpers_are_measured_again() {
        assert!(MIN_SHARED_WORK < least_shared_work(true));
        assert!(shared_while_far(
            || measured(true),
            |task| for_each(64, MIN_SHARED_WORK, task)
        ));
    }

    /// Small work stays on the calling thread.
    #[test]
    fn small_work_is_not_shared() {
        let caller = std::thread::current().id();
        for_each(4, MIN_SHARED_WORK - 1, |_| {
            assert_eq!(std::thread::current().id(), caller);
        });
    }
}

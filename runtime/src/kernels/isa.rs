//! Which instruction set the kernels run on: what this CPU can run
//! (detected once), and which of those the kernels use (the best, unless
//! lowered by the `CNN_ISA` environment variable or [`Isa::set_active`]).
//!
//! Whether a geometry *should* use a kernel is a separate question, answered
//! by the convolution's rule table (`conv::choose`).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// An instruction set the kernels are compiled for, from the narrowest up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// Plain Rust, vectorised by the compiler for the target's baseline:
    /// runs everywhere (and is what wasm32 uses).
    Portable,
    /// NEON's 4-lane vectors, on every aarch64 CPU.
    Neon,
    /// AVX2 and FMA's 8-lane vectors.
    Avx2,
    /// AVX-512F's 16-lane vectors.
    Avx512,
}

/// Whether the CPU is Intel's: some kernel choices for AVX-512 differ
/// between Intel's cores, which run a 512-bit multiply-add whole (two a
/// cycle on a Xeon), and AMD's Zen 4, which runs it in two 256-bit halves,
/// so that its loads and stores weigh less against the arithmetic. Read
/// once.
pub fn intel() -> bool {
    static INTEL: OnceLock<bool> = OnceLock::new();
    *INTEL.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            // Leaf 0 holds the vendor's name in EBX, EDX, ECX.
            let r = std::arch::x86_64::__cpuid(0);
            let mut name = [0u8; 12];
            name[..4].copy_from_slice(&r.ebx.to_le_bytes());
            name[4..8].copy_from_slice(&r.edx.to_le_bytes());
            name[8..].copy_from_slice(&r.ecx.to_le_bytes());
            &name == b"GenuineIntel"
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// The error of [`Isa::set_active`] and of parsing a name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IsaError {
    #[error("unknown instruction set `{0}`: expected portable, neon, avx2 or avx512")]
    Unknown(String),
    #[error("this CPU cannot run {0:?} (it runs {1:?})")]
    Unsupported(Isa, Vec<Isa>),
}

impl std::str::FromStr for Isa {
    type Err = IsaError;

    /// `portable`, `neon`, `avx2` or `avx512`, in any case.
    fn from_str(name: &str) -> Result<Isa, IsaError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "portable" | "scalar" => Ok(Isa::Portable),
            "neon" => Ok(Isa::Neon),
            "avx2" => Ok(Isa::Avx2),
            "avx512" | "avx-512" | "avx512f" => Ok(Isa::Avx512),
            _ => Err(IsaError::Unknown(name.to_string())),
        }
    }
}

/// `ACTIVE`'s value before it is first read.
const UNSET: u8 = u8::MAX;
/// The instruction set the kernels use now, as `Isa as u8`.
static ACTIVE: AtomicU8 = AtomicU8::new(UNSET);

impl Isa {
    const ALL: [Isa; 4] = [Isa::Portable, Isa::Neon, Isa::Avx2, Isa::Avx512];

    /// Vector lanes of `f32`.
    pub fn lanes(self) -> usize {
        match self {
            Isa::Portable | Isa::Neon => 4,
            Isa::Avx2 => 8,
            Isa::Avx512 => 16,
        }
    }

    /// Whether this CPU can run `self`.
    pub fn runs(self) -> bool {
        Self::available().contains(&self)
    }

    /// Every instruction set this CPU can run, narrowest first (detected
    /// once). Tests run every kernel on each of them.
    pub fn available() -> &'static [Isa] {
        static AVAILABLE: OnceLock<Vec<Isa>> = OnceLock::new();
        AVAILABLE.get_or_init(|| Isa::ALL.into_iter().filter(|&i| i.detected()).collect())
    }

    fn detected(self) -> bool {
        match self {
            Isa::Portable => true,
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => {
                std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx2")
                    && std::is_x86_feature_detected!("fma")
            }
            #[allow(unreachable_patterns)] // every arm exists on no target
            _ => false,
        }
    }

    /// `self` if this CPU runs it, else the best it runs below `self`
    /// (what a kernel asked for `self` runs on).
    pub fn or_below(self) -> Isa {
        Self::available()
            .iter()
            .copied()
            .filter(|&i| i <= self)
            .max()
            .unwrap_or(Isa::Portable)
    }

    /// The best instruction set this CPU runs.
    pub fn best() -> Isa {
        *Self::available().last().unwrap_or(&Isa::Portable)
    }

    /// The instruction set the kernels use: the best this CPU runs, or the
    /// one `CNN_ISA` names (`portable`, `neon`, `avx2`, `avx512`) if the CPU
    /// runs it, or what [`Isa::set_active`] chose last. Read once, then
    /// cached.
    pub fn detect() -> Isa {
        match ACTIVE.load(Ordering::Relaxed) {
            UNSET => {
                let chosen = Self::from_env().unwrap_or_else(Isa::best);
                // Another thread may have chosen first; its choice stands.
                let _ = ACTIVE.compare_exchange(
                    UNSET,
                    chosen as u8,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
                Self::from_u8(ACTIVE.load(Ordering::Relaxed))
            }
            v => Self::from_u8(v),
        }
    }

    /// `CNN_ISA`, where set to an instruction set this CPU runs. A name it
    /// does not know, or one this CPU cannot run, is reported once on
    /// standard error and ignored: the kernels then use the best.
    fn from_env() -> Option<Isa> {
        let name = std::env::var("CNN_ISA").ok()?;
        match name.parse::<Isa>() {
            Ok(isa) if isa.runs() => Some(isa),
            Ok(isa) => {
                eprintln!(
                    "cnn: CNN_ISA={name}: {}",
                    IsaError::Unsupported(isa, Self::available().to_vec())
                );
                None
            }
            Err(e) => {
                eprintln!("cnn: CNN_ISA: {e}");
                None
            }
        }
    }

    /// Makes the kernels use `isa` from now on, process-wide (weights
    /// already packed keep the instruction set they were packed for).
    /// For comparing instruction sets, and for tests.
    ///
    /// # Errors
    /// [`IsaError::Unsupported`] when this CPU cannot run `isa`.
    ///
    /// ```
    /// use cnn_runtime::kernels::isa::Isa;
    /// let before = Isa::detect();
    /// Isa::set_active(Isa::Portable).unwrap();
    /// assert_eq!(Isa::detect(), Isa::Portable);
    /// Isa::set_active(before).unwrap();
    /// ```
    pub fn set_active(isa: Isa) -> Result<(), IsaError> {
        if !isa.runs() {
            return Err(IsaError::Unsupported(isa, Self::available().to_vec()));
        }
        ACTIVE.store(isa as u8, Ordering::Relaxed);
        Ok(())
    }

    fn from_u8(v: u8) -> Isa {
        Isa::ALL
            .into_iter()
            .find(|&i| i as u8 == v)
            .unwrap_or(Isa::Portable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendor read from the CPU is the one Linux reports.
    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn intel_is_the_vendor_linux_reports() {
        let info = std::fs::read_to_string("/proc/cpuinfo").expect("/proc/cpuinfo");
        let vendor = info
            .lines()
            .find_map(|l| l.strip_prefix("vendor_id"))
            .and_then(|l| l.split(':').nth(1))
            .map(str::trim)
            .expect("a vendor_id line");
        assert_eq!(intel(), vendor == "GenuineIntel", "vendor {vendor}");
    }

    #[test]
    fn names_parse_and_unknown_ones_are_errors() {
        assert_eq!("AVX2".parse::<Isa>(), Ok(Isa::Avx2));
        assert_eq!("avx512".parse::<Isa>(), Ok(Isa::Avx512));
        assert_eq!(" portable ".parse::<Isa>(), Ok(Isa::Portable));
        assert_eq!("neon".parse::<Isa>(), Ok(Isa::Neon));
        assert!(matches!("sse9".parse::<Isa>(), Err(IsaError::Unknown(_))));
    }

    #[test]
    fn portable_always_runs_and_the_list_is_ordered() {
        let all = Isa::available();
        assert_eq!(all.first(), Some(&Isa::Portable));
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(Isa::detect().runs());
        #[cfg(target_arch = "aarch64")]
        assert!(all.contains(&Isa::Neon));
        #[cfg(not(target_arch = "aarch64"))]
        assert!(!Isa::Neon.runs());
    }

    #[test]
    fn an_instruction_set_the_cpu_lacks_cannot_be_made_active() {
        let missing = Isa::ALL.into_iter().find(|i| !i.runs());
        if let Some(isa) = missing {
            assert!(matches!(
                Isa::set_active(isa),
                Err(IsaError::Unsupported(..))
            ));
        }
        // Some set is always missing: NEON and the x86 ones exclude each other.
        assert!(missing.is_some());
    }
}

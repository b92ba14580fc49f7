//! 2-d convolution: one interface (`kernel::Kernel`) over the kernels
//! below, a rule table that picks one per geometry and instruction set
//! ([`choose`]), and [`PackedConv`], which holds exactly one packed kernel.
//!
//! To add a kernel: a file implementing `Kernel` (or `RowKernel`, for one
//! that writes output rows and so pools band by band), a [`ConvKernel`]
//! name, a line in `Packed::pack` and the `each_kernel!` match, and its
//! rules in `choose.rs`; the shared reference tests then run it on every
//! instruction set the CPU runs.

pub mod choose;
pub mod depthwise;
pub mod depthwise_lanes;
pub mod direct;
pub mod flat;
pub mod geometry;
pub mod im2col;
mod kernel;
pub mod patch;
mod pooled;
pub mod reference;
#[cfg(feature = "profile")]
pub mod timing;
pub mod vector;
pub mod winograd;

#[cfg(test)]
mod tests;

pub use geometry::ConvGeometry;
pub use reference::conv2d_reference;

use depthwise::DepthwiseConv;
use depthwise_lanes::DepthwiseLanes;
use direct::DirectConv;
use flat::FlatConv;
use im2col::GemmConv;
use kernel::Kernel;
use patch::PatchConv;
use vector::VectorConv;
use winograd::Winograd;

use super::epilogue::Epilogue;
use super::isa::Isa;
use super::pool::PoolGeometry;

/// Weights (floats) from which a kernel prefetches them as it goes: 512
/// KiB, more than stays in a second-level cache (of 1 or 2 MiB) while the
/// rest of a model runs, so that they come from memory at every call.
pub(crate) const PREFETCH_FROM: usize = 128 * 1024;
/// Floats in a cache line.
pub(crate) const LINE: usize = 16;
/// What a depthwise multiply-add is worth to the sharing rule, in a dense
/// kernel's multiply-adds: each value read serves only the window's taps,
/// so a depthwise layer runs at a quarter of a dense one's rate or less,
/// and one under the rule's floor in multiply-adds is not in time
/// (MNASNet's 48 channels, 3x3 at 56x56: 1.35M multiply-adds, 137 us).
pub(crate) const DEPTHWISE_COST: usize = 4;

/// The kernels a convolution can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvKernel {
    /// The packed GEMM over the image's patches ([`im2col`]): any geometry,
    /// any CPU.
    Gemm,
    /// One input channel per group ([`depthwise`]), any CPU.
    Depthwise,
    /// One input channel per group, sixteen channels across the lanes
    /// ([`depthwise_lanes`]), any CPU: small planes.
    DepthwiseLanes,
    /// Pixels broadcast into blocks of two vectors of output channels
    /// ([`direct`]), any CPU.
    Direct,
    /// Vectors of pixels of flattened rows times broadcast weights
    /// ([`flat`]), any CPU: shallow layers.
    Flat,
    /// Winograd's F(2x2, 3x3) for 3x3 kernels at stride 1 ([`winograd`]),
    /// any CPU.
    Winograd,
    /// Winograd's F(4x4, 3x3) for 3x3 kernels at stride 1 ([`winograd`]),
    /// any CPU: fewer products than F(2x2, 3x3) on planes of many tiles.
    Winograd4,
    /// Windows that tile the input without overlap, with short patches:
    /// a weighted sum of the input's phase planes ([`patch`]), any CPU.
    Patch,
    /// One output pixel: a matrix-vector product per image ([`vector`]),
    /// any CPU: squeeze-and-excitation's 1x1 convolutions.
    Vector,
}

impl ConvKernel {
    /// Every kernel.
    pub const ALL: [ConvKernel; 9] = [
        ConvKernel::Gemm,
        ConvKernel::Depthwise,
        ConvKernel::DepthwiseLanes,
        ConvKernel::Direct,
        ConvKernel::Flat,
        ConvKernel::Winograd,
        ConvKernel::Winograd4,
        ConvKernel::Patch,
        ConvKernel::Vector,
    ];
}

/// One packed kernel.
#[derive(Clone, Debug)]
enum Packed {
    Gemm(GemmConv),
    Depthwise(DepthwiseConv),
    DepthwiseLanes(DepthwiseLanes),
    Direct(DirectConv),
    Flat(FlatConv),
    Winograd(Winograd),
    Winograd4(Winograd),
    Patch(PatchConv),
    Vector(VectorConv),
}

/// Runs `$body` with `$k` bound to the packed kernel, whichever it is: the
/// one place that lists them.
macro_rules! each_kernel {
    ($packed:expr, $k:ident => $body:expr) => {
        match $packed {
            Packed::Gemm($k) => $body,
            Packed::Depthwise($k) => $body,
            Packed::DepthwiseLanes($k) => $body,
            Packed::Direct($k) => $body,
            Packed::Flat($k) => $body,
            Packed::Winograd($k) => $body,
            Packed::Winograd4($k) => $body,
            Packed::Patch($k) => $body,
            Packed::Vector($k) => $body,
        }
    };
}

impl Packed {
    /// `kernel` packed for `isa`, where it takes `g` there.
    fn pack(kernel: ConvKernel, isa: Isa, g: &ConvGeometry, w: &[f32]) -> Option<Packed> {
        match kernel {
            ConvKernel::Gemm => GemmConv::pack(isa, g, w).map(Packed::Gemm),
            ConvKernel::Depthwise => DepthwiseConv::pack(isa, g, w).map(Packed::Depthwise),
            ConvKernel::DepthwiseLanes => {
                DepthwiseLanes::pack(isa, g, w).map(Packed::DepthwiseLanes)
            }
            ConvKernel::Direct => DirectConv::pack(isa, g, w).map(Packed::Direct),
            ConvKernel::Flat => FlatConv::pack(isa, g, w).map(Packed::Flat),
            ConvKernel::Winograd => Winograd::pack(isa, g, w).map(Packed::Winograd),
            // The same kernel with tiles of 4x4.
            ConvKernel::Winograd4 => Winograd::new(isa, g, w, 4).map(Packed::Winograd4),
            ConvKernel::Patch => PatchConv::pack(isa, g, w).map(Packed::Patch),
            ConvKernel::Vector => VectorConv::pack(isa, g, w).map(Packed::Vector),
        }
    }

    fn name(&self) -> ConvKernel {
        match self {
            Packed::Gemm(_) => ConvKernel::Gemm,
            Packed::Depthwise(_) => ConvKernel::Depthwise,
            Packed::DepthwiseLanes(_) => ConvKernel::DepthwiseLanes,
            Packed::Direct(_) => ConvKernel::Direct,
            Packed::Flat(_) => ConvKernel::Flat,
            Packed::Winograd(_) => ConvKernel::Winograd,
            Packed::Winograd4(_) => ConvKernel::Winograd4,
            Packed::Patch(_) => ConvKernel::Patch,
            Packed::Vector(_) => ConvKernel::Vector,
        }
    }
}

/// A convolution's weights packed for the kernel chosen for its geometry
/// and an instruction set.
#[derive(Clone, Debug)]
pub struct PackedConv {
    geometry: ConvGeometry,
    isa: Isa,
    kernel: Packed,
}

impl PackedConv {
    /// Packs `weight` (`[C_OUT, C_IN/G, KH, KW]`) for the active
    /// instruction set ([`Isa::detect`]).
    pub fn new(g: &ConvGeometry, weight: &[f32]) -> Self {
        Self::with_isa(Isa::detect(), g, weight)
    }

    /// Packs for `isa` (or the best below it this CPU runs), with the
    /// kernel the rule table picks.
    pub fn with_isa(isa: Isa, g: &ConvGeometry, weight: &[f32]) -> Self {
        let isa = isa.or_below();
        let kernel = choose::candidates(isa, g)
            .find_map(|k| Packed::pack(k, isa, g, weight))
            .unwrap_or_else(|| Packed::Gemm(GemmConv::new(isa, g, weight)));
        PackedConv {
            geometry: *g,
            isa,
            kernel,
        }
    }

    /// Packs for `isa` and `kernel`, or `None` where the kernel does not
    /// take the geometry or cannot run on `isa` (to compare kernels, and to
    /// test each).
    pub fn with_kernel(
        isa: Isa,
        g: &ConvGeometry,
        weight: &[f32],
        kernel: ConvKernel,
    ) -> Option<Self> {
        if !isa.runs() {
            return None;
        }
        Packed::pack(kernel, isa, g, weight).map(|kernel| PackedConv {
            geometry: *g,
            isa,
            kernel,
        })
    }

    /// The kernel this was packed for.
    pub fn kernel(&self) -> ConvKernel {
        self.kernel.name()
    }

    /// The instruction set this was packed for.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The geometry this was packed for.
    pub fn geometry(&self) -> &ConvGeometry {
        &self.geometry
    }
}

/// Convolves `batch` images: `input` is `batch x C_IN x H x W`, `output`
/// is `batch x C_OUT x OH x OW`, with `epilogue` (its residual laid out like
/// `output`) applied to every value.
///
/// # Panics
/// When a buffer is too short for `batch` images.
pub fn conv2d(
    g: &ConvGeometry,
    weight: &[f32],
    packed: &PackedConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    epilogue: &Epilogue,
) {
    assert!(
        input.len() >= batch * g.in_len() && output.len() >= batch * g.out_len(),
        "conv2d: a buffer is too short"
    );
    if let Some(r) = epilogue.residual {
        assert!(
            r.len() >= batch * g.out_len(),
            "conv2d: the residual is too short"
        );
    }
    if packed.geometry != *g {
        // Packed for other sizes (a layer called on another image size):
        // pack for these, once, here.
        let fresh = PackedConv::with_isa(packed.isa, g, weight);
        return conv2d(g, weight, &fresh, batch, input, output, epilogue);
    }
    if batch == 0 || g.out_len() == 0 {
        return;
    }
    #[cfg(feature = "profile")]
    let _timer = timing::Timer::start(g, packed.kernel(), batch);
    each_kernel!(&packed.kernel, k => k.conv2d(g, batch, input, output, epilogue));
}

/// Whether [`conv2d_max_pooled`] convolves `g`, packed as `packed`, and
/// pools `pool` in one pass (it gives the same values either way).
pub fn poolable(g: &ConvGeometry, packed: &PackedConv, pool: &PoolGeometry) -> bool {
    packed.geometry == *g && each_kernel!(&packed.kernel, k => k.pools(g, pool))
}

/// Convolves `batch` images as [`conv2d`] (without a residual) and max-pools
/// the result with `pooling` into `output` (`batch x C_OUT x POH x POW`):
/// in one pass band by band of output rows where [`poolable`] holds (each
/// band pooled while still in cache; Winograd's kernel pools each 2x2 tile
/// as it transforms it back), else the convolution then the pooling. The
/// values are those of the convolution and then the pooling.
///
/// # Panics
/// When `epilogue` has a residual, the pooling does not follow this
/// convolution, or a buffer is too short.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_max_pooled(
    g: &ConvGeometry,
    weight: &[f32],
    packed: &PackedConv,
    batch: usize,
    input: &[f32],
    output: &mut [f32],
    epilogue: &Epilogue,
    pooling: &PoolGeometry,
) {
    assert!(
        epilogue.residual.is_none() && pooling.channels == g.c_out && pooling.input == g.output,
        "conv2d_max_pooled: a pooling that does not follow this convolution"
    );
    let pooled_len = g.c_out * pooling.output[0] * pooling.output[1];
    assert!(
        input.len() >= batch * g.in_len() && output.len() >= batch * pooled_len,
        "conv2d_max_pooled: a buffer is too short"
    );
    if packed.geometry != *g {
        let fresh = PackedConv::with_isa(packed.isa, g, weight);
        return conv2d_max_pooled(g, weight, &fresh, batch, input, output, epilogue, pooling);
    }
    if batch == 0 || pooled_len == 0 {
        return;
    }
    #[cfg(feature = "profile")]
    let _timer = timing::Timer::start(g, packed.kernel(), batch);
    each_kernel!(&packed.kernel, k => k.conv2d_max_pooled(g, batch, input, output, epilogue, pooling));
}

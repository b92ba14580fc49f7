//! `nn.Conv2d`: 2-d convolution.
//!
//! Output size per axis: `OH = floor((H + PH + PH_END - DH*(KH-1) - 1) / SH) + 1`.
//! Weight `[C_OUT, C_IN/G, KH, KW]`, bias `[C_OUT]` (PyTorch's layout).
//!
//! ```
//! use cnn_runtime::{Batch, Conv2d, Init};
//! // Conv2d(3, 16, 5, stride=2, padding=1)
//! let conv: Conv2d<3, 16, 5, 5, 2, 2, 1, 1> = Conv2d::new(true, &mut Init::new(0));
//! let x = Batch::<3, 32, 32>::zeros(1);
//! let y: Batch<16, 15, 15> = conv.forward(&x);
//! assert_eq!(y.shape(), vec![1, 16, 15, 15]);
//! ```

use std::sync::OnceLock;

use crate::kernels::conv::{ConvGeometry, PackedConv, conv2d, conv2d_max_pooled, poolable};
use crate::kernels::epilogue::{Act, Epilogue};
use crate::kernels::pad::{PaddingMode, pad_planes};
use crate::kernels::pool::PoolGeometry;
use crate::layers::batch_norm2d::BatchNorm2d;
use crate::layers::max_pool2d::MaxPool2d;
use crate::module::{Init, Module, TensorKind, TensorMut, TensorRef};
use crate::pool;
use crate::tensor::Batch;

/// A 2-d convolution with every size a const generic:
///
/// - `C_IN`, `C_OUT`: input and output channels
/// - `KH`, `KW`: kernel height and width
/// - `SH`, `SW`: stride (default 1)
/// - `PH`, `PW`: padding before the first row and column (default 0)
/// - `DH`, `DW`: dilation (default 1)
/// - `G`: groups (default 1; `G == C_IN` is depthwise)
/// - `PH_END`, `PW_END`: padding after the last row and column (default: as
///   before; they differ only for PyTorch's `padding="same"` with an even
///   kernel)
#[derive(Clone, Debug)]
pub struct Conv2d<
    const C_IN: usize,
    const C_OUT: usize,
    const KH: usize,
    const KW: usize,
    const SH: usize = 1,
    const SW: usize = 1,
    const PH: usize = 0,
    const PW: usize = 0,
    const DH: usize = 1,
    const DW: usize = 1,
    const G: usize = 1,
    const PH_END: usize = PH,
    const PW_END: usize = PW,
> {
    weight: Vec<f32>,
    bias: Option<Vec<f32>>,
    padding_mode: PaddingMode,
    /// The weight packed for the GEMM, made on first use after any change.
    packed: OnceLock<PackedConv>,
}

impl<
    const C_IN: usize,
    const C_OUT: usize,
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const PH: usize,
    const PW: usize,
    const DH: usize,
    const DW: usize,
    const G: usize,
    const PH_END: usize,
    const PW_END: usize,
> Conv2d<C_IN, C_OUT, KH, KW, SH, SW, PH, PW, DH, DW, G, PH_END, PW_END>
{
    /// Values in the weight: `C_OUT * C_IN/G * KH * KW`. Checks the layer's
    /// own arguments at compile time.
    pub const WEIGHT_LEN: usize = {
        assert!(
            C_IN > 0 && C_OUT > 0 && KH > 0 && KW > 0,
            "Conv2d sizes must be at least 1"
        );
        assert!(
            SH > 0 && SW > 0 && DH > 0 && DW > 0,
            "Conv2d stride and dilation must be at least 1"
        );
        assert!(
            G > 0 && C_IN.is_multiple_of(G),
            "Conv2d: groups must divide in_channels"
        );
        assert!(
            C_OUT.is_multiple_of(G),
            "Conv2d: groups must divide out_channels"
        );
        C_OUT * (C_IN / G) * KH * KW
    };

    /// Whether a `H x W` input gives a `OH x OW` output (PyTorch's formula).
    /// Usable in constants: `const _: () = assert!(Conv::fits(32, 32, 15, 15));`
    pub const fn fits(h: usize, w: usize, oh: usize, ow: usize) -> bool {
        matches!(cnn_shape::conv_out(h, KH, SH, PH, PH_END, DH), Some(v) if v == oh)
            && matches!(cnn_shape::conv_out(w, KW, SW, PW, PW_END, DW), Some(v) if v == ow)
    }

    /// A convolution with PyTorch's default initialisation: weight and bias
    /// from `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`, `fan_in = C_IN/G*KH*KW`.
    pub fn new(bias: bool, init: &mut Init) -> Self {
        let mut conv = Self::zeros(bias);
        conv.reset_parameters(init);
        conv
    }

    /// A convolution whose weight and bias are zero.
    pub fn zeros(bias: bool) -> Self {
        Conv2d {
            weight: vec![0.0; Self::WEIGHT_LEN],
            bias: bias.then(|| vec![0.0; C_OUT]),
            padding_mode: PaddingMode::Zeros,
            packed: OnceLock::new(),
        }
    }

    /// Sets how the input is padded (PyTorch's `padding_mode`).
    pub fn with_padding_mode(mut self, mode: PaddingMode) -> Self {
        self.padding_mode = mode;
        self
    }

    /// How the input is padded (`padding_mode`).
    pub fn padding_mode(&self) -> PaddingMode {
        self.padding_mode
    }

    /// The weight, `[C_OUT, C_IN/G, KH, KW]` row-major.
    pub fn weight(&self) -> &[f32] {
        &self.weight
    }

    /// The weight, `[C_OUT, C_IN / groups, KH, KW]` row-major, to change in place (the packed copy is rebuilt on the next call).
    pub fn weight_mut(&mut self) -> &mut [f32] {
        self.packed.take();
        &mut self.weight
    }

    /// The bias, `[C_OUT]`, if the layer has one.
    pub fn bias(&self) -> Option<&[f32]> {
        self.bias.as_deref()
    }

    /// The bias, to change in place.
    pub fn bias_mut(&mut self) -> Option<&mut [f32]> {
        self.bias.as_deref_mut()
    }

    fn geometry<const H: usize, const W: usize, const OH: usize, const OW: usize>() -> ConvGeometry
    {
        ConvGeometry {
            c_in: C_IN,
            c_out: C_OUT,
            input: [H, W],
            output: [OH, OW],
            kernel: [KH, KW],
            stride: [SH, SW],
            pad: [PH, PW],
            dilation: [DH, DW],
            groups: G,
        }
    }

    /// Convolves a batch. `OH` and `OW` must be what PyTorch's formula gives
    /// for `H` and `W`; anything else fails to compile.
    pub fn forward<const H: usize, const W: usize, const OH: usize, const OW: usize>(
        &self,
        x: &Batch<C_IN, H, W>,
    ) -> Batch<C_OUT, OH, OW> {
        const {
            assert!(
                Self::fits(H, W, OH, OW),
                "Conv2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + PH + PH_END - DH*(KH-1) - 1) / SH + 1, likewise OW"
            )
        };
        self.run(x, None, Act::None, None)
    }

    /// Convolves a batch and, in the same pass over each output tile, applies
    /// `bn` (a BatchNorm2d that follows), adds `residual` and applies `act`:
    /// `act(bn(conv(x)) + residual)`. The cnn! macro uses this for
    /// Conv2d -> BatchNorm2d -> ReLU runs and for ResNet's adds.
    pub fn forward_fused<const H: usize, const W: usize, const OH: usize, const OW: usize>(
        &self,
        x: &Batch<C_IN, H, W>,
        bn: Option<&BatchNorm2d<C_OUT>>,
        act: Act,
        residual: Option<&Batch<C_OUT, OH, OW>>,
    ) -> Batch<C_OUT, OH, OW> {
        const {
            assert!(
                Self::fits(H, W, OH, OW),
                "Conv2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + PH + PH_END - DH*(KH-1) - 1) / SH + 1, likewise OW"
            )
        };
        self.run(x, bn, act, residual)
    }

    /// [`Conv2d::forward_fused`] into channels `AT..AT + C_OUT` of `out`:
    /// a concatenation's branch that ends in this convolution (Inception's,
    /// SqueezeNet's Fire, DenseNet's new features), its other channels left
    /// as they are. One image is written where it goes, its channels being
    /// one run of the concatenation's; a batch of more is convolved as
    /// [`Conv2d::forward_fused`] does and its images copied into place.
    ///
    /// ```
    /// use cnn_runtime::{Act, Batch, Conv2d, Init};
    /// let conv: Conv2d<1, 2, 1, 1> = Conv2d::new(false, &mut Init::new(0));
    /// let x = Batch::<1, 2, 2>::from_vec(1, vec![1.0, -2.0, 3.0, -4.0]).unwrap();
    /// let mut both = Batch::<3, 2, 2>::zeros(1);
    /// conv.forward_fused_into::<2, 2, 2, 2, 1, 3>(&x, None, Act::ReLU, &mut both);
    /// let alone: Batch<2, 2, 2> = conv.forward_fused(&x, None, Act::ReLU, None);
    /// assert_eq!(&both.as_slice()[..4], &[0.0; 4]);
    /// assert_eq!(&both.as_slice()[4..], alone.as_slice());
    /// ```
    pub fn forward_fused_into<
        const H: usize,
        const W: usize,
        const OH: usize,
        const OW: usize,
        const AT: usize,
        const CT: usize,
    >(
        &self,
        x: &Batch<C_IN, H, W>,
        bn: Option<&BatchNorm2d<C_OUT>>,
        act: Act,
        out: &mut Batch<CT, OH, OW>,
    ) {
        const {
            assert!(
                Self::fits(H, W, OH, OW),
                "Conv2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + PH + PH_END - DH*(KH-1) - 1) / SH + 1, likewise OW"
            );
            assert!(
                AT + C_OUT <= CT,
                "Conv2d::forward_fused_into: AT + C_OUT is more than the channels there are"
            );
        };
        assert_eq!(
            x.batch_size(),
            out.batch_size(),
            "Conv2d::forward_fused_into: the batches differ in size"
        );
        if x.batch_size() != 1 {
            let y = self.run::<H, W, OH, OW>(x, bn, act, None);
            out.write_channels::<AT, C_OUT>(&y);
            return;
        }
        let plane = OH * OW;
        let channels = &mut out.as_mut_slice()[AT * plane..(AT + C_OUT) * plane];
        self.run_into::<H, W, OH, OW>(x, bn, act, None, channels);
    }

    /// The weights packed for an `H x W` input (once).
    fn packed<const H: usize, const W: usize, const OH: usize, const OW: usize>(
        &self,
    ) -> &PackedConv {
        self.packed
            .get_or_init(|| PackedConv::new(&Self::geometry::<H, W, OH, OW>(), &self.weight))
    }

    /// Whether the kernels' own zero padding is the layer's (its mode, or
    /// no padding at all).
    fn pads_with_zeros(&self) -> bool {
        self.padding_mode == PaddingMode::Zeros || (PH, PW, PH_END, PW_END) == (0, 0, 0, 0)
    }

    /// Bias and BatchNorm as one scale and shift per channel (the scale
    /// empty without BatchNorm, the shift without either); give both back
    /// to the pool when done.
    fn scale_shift(&self, bn: Option<&BatchNorm2d<C_OUT>>) -> (pool::Buffer, pool::Buffer) {
        let mut scale = pool::take(if bn.is_some() { C_OUT } else { 0 });
        let mut shift = pool::take(if bn.is_some() || self.bias.is_some() {
            C_OUT
        } else {
            0
        });
        match bn {
            Some(bn) => {
                bn.scale_shift_into(&mut scale, &mut shift);
                if let Some(bias) = &self.bias {
                    for ((t, s), b) in shift.iter_mut().zip(scale.iter()).zip(bias) {
                        *t += s * b;
                    }
                }
            }
            None => {
                if let Some(bias) = &self.bias {
                    shift.copy_from_slice(bias);
                }
            }
        }
        (scale, shift)
    }

    /// Convolves a batch and max-pools the result: `pool(act(bn(conv(x))))`.
    /// Where the pooling windows sit side by side (kernel = stride, no
    /// padding) and the convolution runs on a kernel that writes output
    /// rows directly, both happen in one pass over bands of rows, and the
    /// convolution's whole output is never stored; otherwise one after the
    /// other. Either way the values are the same. The cnn! macro uses this
    /// for Conv2d [-> BatchNorm2d] [-> activation] -> MaxPool2d runs.
    #[allow(clippy::type_complexity)]
    pub fn forward_pooled<
        const H: usize,
        const W: usize,
        const OH: usize,
        const OW: usize,
        const POH: usize,
        const POW: usize,
        const PKH: usize,
        const PKW: usize,
        const PSH: usize,
        const PSW: usize,
        const PPH: usize,
        const PPW: usize,
        const PDH: usize,
        const PDW: usize,
        const PCEIL: bool,
    >(
        &self,
        x: &Batch<C_IN, H, W>,
        bn: Option<&BatchNorm2d<C_OUT>>,
        act: Act,
        pool: &MaxPool2d<PKH, PKW, PSH, PSW, PPH, PPW, PDH, PDW, PCEIL>,
    ) -> Batch<C_OUT, POH, POW> {
        const {
            assert!(
                Self::fits(H, W, OH, OW),
                "Conv2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + PH + PH_END - DH*(KH-1) - 1) / SH + 1, likewise OW"
            );
            assert!(
                MaxPool2d::<PKH, PKW, PSH, PSW, PPH, PPW, PDH, PDW, PCEIL>::fits(OH, OW, POH, POW),
                "MaxPool2d::forward: OH x OW is not the output size for an H x W input; PyTorch's is OH = (H + 2*PH - DH*(KH-1) - 1) / SH + 1 (rounded up with CEIL), likewise OW, and PH <= KH/2"
            );
        };
        let g = Self::geometry::<H, W, OH, OW>();
        let pooling = PoolGeometry {
            channels: C_OUT,
            input: [OH, OW],
            output: [POH, POW],
            kernel: [PKH, PKW],
            stride: [PSH, PSW],
            pad: [PPH, PPW],
            dilation: [PDH, PDW],
        };
        let packed = self.packed::<H, W, OH, OW>();
        if !(self.pads_with_zeros() && poolable(&g, packed, &pooling)) {
            return pool.forward(&self.run::<H, W, OH, OW>(x, bn, act, None));
        }
        let mut out = Batch::<C_OUT, POH, POW>::uninit(x.batch_size());
        let (scale, shift) = self.scale_shift(bn);
        let epilogue = epilogue(&scale, &shift, None, act);
        conv2d_max_pooled(
            &g,
            &self.weight,
            packed,
            x.batch_size(),
            x.as_slice(),
            out.as_mut_slice(),
            &epilogue,
            &pooling,
        );
        pool::give(scale);
        pool::give(shift);
        out
    }

    /// The convolution, once the sizes are checked.
    fn run<const H: usize, const W: usize, const OH: usize, const OW: usize>(
        &self,
        x: &Batch<C_IN, H, W>,
        bn: Option<&BatchNorm2d<C_OUT>>,
        act: Act,
        residual: Option<&Batch<C_OUT, OH, OW>>,
    ) -> Batch<C_OUT, OH, OW> {
        let batch = x.batch_size();
        if let Some(r) = residual {
            assert_eq!(
                r.batch_size(),
                batch,
                "Conv2d::forward_fused: the residual's batch differs"
            );
        }
        let mut out = Batch::<C_OUT, OH, OW>::uninit(batch);
        let residual = residual.map(Batch::as_slice);
        self.run_into::<H, W, OH, OW>(x, bn, act, residual, out.as_mut_slice());
        out
    }

    /// [`Conv2d::run`] into `out`, the batch's outputs one after another
    /// (a fresh batch, or one image's channels of a concatenation).
    fn run_into<const H: usize, const W: usize, const OH: usize, const OW: usize>(
        &self,
        x: &Batch<C_IN, H, W>,
        bn: Option<&BatchNorm2d<C_OUT>>,
        act: Act,
        residual: Option<&[f32]>,
        out: &mut [f32],
    ) {
        let batch = x.batch_size();
        let packed = self.packed::<H, W, OH, OW>();
        let (scale, shift) = self.scale_shift(bn);
        let epilogue = epilogue(&scale, &shift, residual, act);
        if self.pads_with_zeros() {
            let g = Self::geometry::<H, W, OH, OW>();
            conv2d(
                &g,
                &self.weight,
                packed,
                batch,
                x.as_slice(),
                out,
                &epilogue,
            );
        } else {
            // PyTorch pads explicitly, then convolves without padding.
            let (hp, wp) = (H + PH + PH_END, W + PW + PW_END);
            let mut padded = pool::take(C_IN * hp * wp);
            let mut g = Self::geometry::<H, W, OH, OW>();
            g.input = [hp, wp];
            g.pad = [0, 0];
            let out_len = Batch::<C_OUT, OH, OW>::IMAGE_LEN;
            for (b, image) in x.images().enumerate() {
                pad_planes(
                    self.padding_mode,
                    image,
                    C_IN,
                    [H, W],
                    [PH, PW],
                    [PH_END, PW_END],
                    &mut padded,
                );
                let ep = Epilogue {
                    residual: epilogue.residual.map(|r| &r[b * out_len..]),
                    ..epilogue
                };
                conv2d(
                    &g,
                    &self.weight,
                    packed,
                    1,
                    &padded,
                    &mut out[b * out_len..(b + 1) * out_len],
                    &ep,
                );
            }
            pool::give(padded);
        }
        pool::give(scale);
        pool::give(shift);
    }
}

impl<
    const C_IN: usize,
    const C_OUT: usize,
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const PH: usize,
    const PW: usize,
    const DH: usize,
    const DW: usize,
    const G: usize,
    const PH_END: usize,
    const PW_END: usize,
> Module for Conv2d<C_IN, C_OUT, KH, KW, SH, SW, PH, PW, DH, DW, G, PH_END, PW_END>
{
    fn tensors(&self) -> Vec<TensorRef<'_>> {
        let mut t = vec![TensorRef {
            name: "weight".into(),
            shape: vec![C_OUT, C_IN / G, KH, KW],
            kind: TensorKind::Parameter,
            data: &self.weight,
        }];
        if let Some(bias) = &self.bias {
            t.push(TensorRef {
                name: "bias".into(),
                shape: vec![C_OUT],
                kind: TensorKind::Parameter,
                data: bias,
            });
        }
        t
    }

    fn tensors_mut(&mut self) -> Vec<TensorMut<'_>> {
        // The packed copy is remade on the next forward pass.
        self.packed.take();
        let mut t = vec![TensorMut {
            name: "weight".into(),
            shape: vec![C_OUT, C_IN / G, KH, KW],
            kind: TensorKind::Parameter,
            data: &mut self.weight,
        }];
        if let Some(bias) = &mut self.bias {
            t.push(TensorMut {
                name: "bias".into(),
                shape: vec![C_OUT],
                kind: TensorKind::Parameter,
                data: bias,
            });
        }
        t
    }

    fn reset_parameters(&mut self, init: &mut Init) {
        self.packed.take();
        let fan_in = C_IN / G * KH * KW;
        init.fan_in_uniform(fan_in, &mut self.weight);
        if let Some(bias) = &mut self.bias {
            init.fan_in_uniform(fan_in, bias);
        }
    }
}

/// The epilogue of a convolution from [`Conv2d::scale_shift`]'s buffers
/// (each empty when the layer has none).
fn epilogue<'a>(
    scale: &'a [f32],
    shift: &'a [f32],
    residual: Option<&'a [f32]>,
    act: Act,
) -> Epilogue<'a> {
    Epilogue {
        scale: (!scale.is_empty()).then_some(scale),
        shift: (!shift.is_empty()).then_some(shift),
        residual,
        act,
    }
}

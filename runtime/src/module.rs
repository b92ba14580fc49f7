//! What every layer and model shares: its state_dict tensors, its
//! initialisation, and (for models) its shapes and forward pass.

use std::path::Path;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use crate::error::Result;
pub use cnn_core::summary::LayerInfo;

use crate::state_dict::{StateDict, Strictness};
use crate::tensor::AnyBatch;

/// Whether a state_dict tensor is trained (a parameter) or only tracked
/// (a buffer, like BatchNorm's running statistics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TensorKind {
    /// A trainable parameter (`weight`, `bias`).
    Parameter,
    /// A buffer (BatchNorm's running statistics).
    Buffer,
}

/// A read-only view of one state_dict tensor.
#[derive(Debug)]
pub struct TensorRef<'a> {
    /// The state_dict name: the suffix (`weight`) for a layer, the full name
    /// (`conv1.weight`) for a model.
    pub name: String,
    /// The tensor's shape, as PyTorch gives it.
    pub shape: Vec<usize>,
    /// Parameter or buffer.
    pub kind: TensorKind,
    /// The values, row-major.
    pub data: &'a [f32],
}

/// A mutable view of one state_dict tensor.
#[derive(Debug)]
pub struct TensorMut<'a> {
    /// The state_dict name.
    pub name: String,
    /// The tensor's shape, as PyTorch gives it.
    pub shape: Vec<usize>,
    /// Parameter or buffer.
    pub kind: TensorKind,
    /// The values, row-major, to load into.
    pub data: &'a mut [f32],
}

impl TensorRef<'_> {
    /// Prefixes the name with `prefix.`, for a layer inside a model.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        // A tensor named by its holder alone (a block's own parameter).
        self.name = if self.name.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.name)
        };
        self
    }
}

impl TensorMut<'_> {
    /// Prefixes the name with `prefix.`, for a layer inside a model.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        // A tensor named by its holder alone (a block's own parameter).
        self.name = if self.name.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.name)
        };
        self
    }
}

/// A layer or a model: something with state_dict tensors.
///
/// The `cnn!` macro implements it for every model, naming each tensor as
/// PyTorch's `state_dict()` does (`conv1.weight`, `bn1.running_var`).
pub trait Module {
    /// The state_dict tensors, in PyTorch's order.
    fn tensors(&self) -> Vec<TensorRef<'_>> {
        Vec::new()
    }

    /// The state_dict tensors, for loading into.
    fn tensors_mut(&mut self) -> Vec<TensorMut<'_>> {
        Vec::new()
    }

    /// Fills the parameters as PyTorch's `reset_parameters()` does.
    fn reset_parameters(&mut self, _init: &mut Init) {}

    /// Recomputes what is derived from the tensors (packed weights, folded
    /// constants). Called after the tensors change, e.g. after loading.
    fn refresh(&mut self) {}

    /// A copy of the tensors, by state_dict name.
    fn state_dict(&self) -> StateDict {
        StateDict::of(self)
    }

    /// Loads tensors by name, strictly: every tensor of the module must be
    /// there with its shape, and nothing else (`num_batches_tracked` aside).
    ///
    /// # Errors
    /// [`Error::StateDict`](crate::Error::StateDict) listing every missing,
    /// unexpected and wrongly shaped tensor; nothing is loaded then.
    fn load_state_dict(&mut self, sd: &StateDict) -> Result<()> {
        crate::state_dict::load_state_dict(self, sd, Strictness::Strict).map(|_| ())
    }

    /// Loads a safetensors file saved from PyTorch (`save_file(model.state_dict(), path)`),
    /// strictly, reading only the tensors the module takes.
    ///
    /// # Errors
    /// As [`load_safetensors`](crate::state_dict::load_safetensors).
    fn load_safetensors(&mut self, path: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        crate::state_dict::load_safetensors(self, path, Strictness::Strict).map(|_| ())
    }

    /// Loads a safetensors file with its names mapped and the strictness
    /// chosen by `options` (a `DataParallel` checkpoint with
    /// `LoadOptions::new().strip_prefix("module.")`). Returns what was
    /// missing or unexpected, which is empty unless lenient.
    ///
    /// # Errors
    /// As [`load_safetensors_with`](crate::state_dict::load_safetensors_with).
    fn load_safetensors_with(
        &mut self,
        path: impl AsRef<Path>,
        options: &crate::LoadOptions,
    ) -> Result<crate::StateDictMismatch>
    where
        Self: Sized,
    {
        crate::state_dict::load_safetensors_with(self, path, options)
    }

    /// Saves the tensors as a safetensors file PyTorch loads with
    /// `model.load_state_dict(load_file(path))`.
    ///
    /// # Errors
    /// As [`StateDict::write`].
    fn save_safetensors(&self, path: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        self.state_dict().write(path)
    }
}

/// A deterministic source of initial weights: the same seed gives the same
/// weights on every machine (ChaCha8).
pub struct Init {
    rng: ChaCha8Rng,
}

impl Init {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Init {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A uniform sample from `[0, 1)` with 24 random bits.
    pub fn unit(&mut self) -> f32 {
        (self.rng.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Fills `out` with samples from `U(-bound, bound)`.
    pub fn uniform(&mut self, bound: f32, out: &mut [f32]) {
        for v in out {
            *v = (self.unit() * 2.0 - 1.0) * bound;
        }
    }

    /// PyTorch's default for Conv2d and Linear: weight and bias from
    /// `U(-1/sqrt(fan_in), 1/sqrt(fan_in))` (what `kaiming_uniform_(a=sqrt(5))`
    /// amounts to).
    pub fn fan_in_uniform(&mut self, fan_in: usize, out: &mut [f32]) {
        let bound = if fan_in == 0 {
            0.0
        } else {
            1.0 / (fan_in as f32).sqrt()
        };
        self.uniform(bound, out);
    }
}

/// A model made by `cnn!`: its shapes, counts and forward pass.
pub trait Model: Module + Send + Sync + Sized {
    /// `Batch<C, H, W>` of the declared input size.
    type Input: AnyBatch;
    /// The batch type the model outputs.
    type Output: AnyBatch;
    /// The model's name.
    const NAME: &'static str;
    /// The declared per-image input shape.
    const INPUT_SHAPE: &'static [usize];
    /// The inferred per-image output shape.
    const OUTPUT_SHAPE: &'static [usize];
    /// Trainable parameters (PyTorch's count).
    const PARAMS: usize;
    /// Multiply-accumulates per image of the convolutions and linear layers.
    const MACS: usize;
    /// One row per layer.
    const LAYERS: &'static [LayerInfo];

    /// A model with PyTorch's default initialisation, deterministic for `seed`.
    fn init(seed: u64) -> Self;

    /// Runs the model on a batch.
    fn forward(&self, x: &Self::Input) -> Self::Output;

    /// The torchinfo-style table of the layers.
    fn summary() -> crate::Summary {
        crate::Summary::new(Self::NAME, Self::INPUT_SHAPE, Self::LAYERS)
    }
}

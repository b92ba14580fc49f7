//! A model's layer table, printed as torchinfo prints it.

use std::fmt;

/// One row of a model's layer table, as the `cnn!` macro records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    /// The state_dict prefix (`conv1`, `layer1.0.conv1`, or `3` when unnamed).
    pub name: &'static str,
    /// The PyTorch class name.
    pub kind: &'static str,
    /// The call as written, with inferred sizes filled in: `Linear(1568, 10)`.
    pub args: &'static str,
    /// The per-image output shape.
    pub output_shape: &'static [usize],
    /// Trainable parameters.
    pub params: usize,
    /// Values in buffers (BatchNorm's running statistics).
    pub buffers: usize,
    /// Multiply-accumulates per image (convolutions and linear layers).
    pub macs: usize,
    /// Mult-adds per image as torchinfo counts them (parameters times the
    /// positions they apply at; BatchNorm's once), from the checker.
    pub mult_adds: usize,
    /// Nesting depth: 1 for a model's own layers, more inside blocks.
    pub depth: usize,
}

/// A torchinfo-style summary of a model: one row per layer (a tree for
/// nested blocks) with its kind, output shape, parameters and mult-adds,
/// then the totals. The batch dimension shows as `N`.
///
/// Mult-adds follow torchinfo: a convolution's parameters times its output
/// positions, a linear layer's parameters times its rows, a BatchNorm's
/// parameters; other layers count none.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// The model's name.
    pub name: &'static str,
    /// The per-image input shape.
    pub input_shape: &'static [usize],
    /// One row per layer, in order.
    pub layers: &'static [LayerInfo],
}

/// `1,234,567`
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn shape(dims: &[usize]) -> String {
    let mut s = String::from("[N");
    for d in dims {
        s.push_str(&format!(", {d}"));
    }
    s.push(']');
    s
}

fn megabytes(values: usize) -> String {
    format!("{:.2}", values as f64 * 4.0 / 1e6)
}

impl Summary {
    /// The summary of model `name` with these layers.
    pub fn new(
        name: &'static str,
        input_shape: &'static [usize],
        layers: &'static [LayerInfo],
    ) -> Self {
        Summary {
            name,
            input_shape,
            layers,
        }
    }

    /// A layer's mult-adds per image, counted as torchinfo counts them.
    pub fn mult_adds(layer: &LayerInfo) -> usize {
        layer.mult_adds
    }

    /// The layers that hold others (blocks) are not counted twice.
    fn leaves(&self) -> impl Iterator<Item = (usize, &LayerInfo)> {
        self.layers.iter().enumerate().filter(|(i, l)| {
            self.layers
                .get(i + 1)
                .is_none_or(|next| next.depth <= l.depth)
        })
    }

    /// Trainable parameters in all.
    pub fn total_params(&self) -> usize {
        self.leaves()
            .map(|(_, l)| l.params)
            .fold(0, usize::saturating_add)
    }

    /// Values in buffers (BatchNorm's statistics) in all.
    pub fn total_buffers(&self) -> usize {
        self.leaves()
            .map(|(_, l)| l.buffers)
            .fold(0, usize::saturating_add)
    }

    /// Multiply-adds per image in all, as torchinfo counts them.
    pub fn total_mult_adds(&self) -> usize {
        self.leaves()
            .map(|(_, l)| Self::mult_adds(l))
            .fold(0, usize::saturating_add)
    }

    /// The tree prefix of row `i`: `├─`, `└─`, with `│` for open ancestors.
    fn prefix(&self, i: usize) -> String {
        let depth = self.layers[i].depth;
        // Whether the last row at each level up to `depth` has been reached.
        let is_last_at = |level: usize, from: usize| {
            self.layers[from + 1..]
                .iter()
                .take_while(|l| l.depth >= level)
                .all(|l| l.depth > level)
        };
        let mut prefix = String::new();
        for level in 1..depth {
            // The ancestor at `level` is the nearest earlier row with that depth.
            let ancestor = (0..i)
                .rev()
                .find(|&j| self.layers[j].depth == level)
                .unwrap_or(0);
            prefix.push_str(if is_last_at(level, ancestor) {
                "    "
            } else {
                "│   "
            });
        }
        prefix.push_str(if is_last_at(depth, i) {
            "└─"
        } else {
            "├─"
        });
        prefix
    }
}

/// A column added to the right of the summary's table: a header and one
/// cell for the input row and each layer row.
#[derive(Clone, Debug)]
pub struct Column {
    /// The column's heading.
    pub header: String,
    /// One cell per layer row.
    pub cells: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &[])
    }
}

impl Summary {
    /// The table with `extra` columns (right-aligned) after the standard ones.
    ///
    /// ```
    /// use cnn_core::{LayerInfo, Summary, summary::Column};
    /// static LAYERS: [LayerInfo; 1] = [LayerInfo {
    ///     name: "fc", kind: "Linear", args: "Linear(4, 2)", output_shape: &[2],
    ///     params: 10, buffers: 0, macs: 8, mult_adds: 10, depth: 1,
    /// }];
    /// let table = Summary::new("Net", &[4], &LAYERS).with_columns(&[Column {
    ///     header: "Note".into(),
    ///     cells: vec!["in".into(), "out".into()],
    /// }]);
    /// assert!(table.lines().nth(1).unwrap().ends_with("Mult-Adds   Note"));
    /// ```
    pub fn with_columns(&self, extra: &[Column]) -> String {
        struct Table<'a>(&'a Summary, &'a [Column]);
        impl fmt::Display for Table<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, self.1)
            }
        }
        Table(self, extra).to_string()
    }

    /// The table's header and rows as text cells (the input row first, then
    /// one per layer, names in a tree), with `extra` columns appended: what
    /// the table prints, for other layouts (a markdown table).
    pub fn cells(&self, extra: &[Column]) -> (Vec<String>, Vec<Vec<String>>) {
        let extra_cell = |row: usize| {
            extra
                .iter()
                .map(move |c| c.cells.get(row).cloned().unwrap_or_default())
        };
        let input_row: Vec<String> = [
            format!("{} (input)", self.name),
            String::new(),
            shape(self.input_shape),
            String::new(),
            String::new(),
        ]
        .into_iter()
        .chain(extra_cell(0))
        .collect();
        let layer_rows = (0..self.layers.len()).map(|i| {
            let l = &self.layers[i];
            let count = |n: usize| if n == 0 { "--".to_string() } else { grouped(n) };
            let leaf = self
                .layers
                .get(i + 1)
                .is_none_or(|next| next.depth <= l.depth);
            [
                format!(
                    "{}{}",
                    self.prefix(i),
                    l.name.rsplit('.').next().unwrap_or(l.name)
                ),
                l.kind.to_string(),
                shape(l.output_shape),
                count(l.params),
                if leaf {
                    count(Self::mult_adds(l))
                } else {
                    String::new()
                },
            ]
            .into_iter()
            .chain(extra_cell(i + 1))
            .collect::<Vec<String>>()
        });
        let rows: Vec<Vec<String>> = std::iter::once(input_row).chain(layer_rows).collect();
        let header: Vec<String> = ["Layer", "Kind", "Output Shape", "Param #", "Mult-Adds"]
            .into_iter()
            .map(String::from)
            .chain(extra.iter().map(|c| c.header.clone()))
            .collect();
        (header, rows)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, extra: &[Column]) -> fmt::Result {
        let (header, rows) = self.cells(extra);
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let columns = widths.len();
        let total_width = widths.iter().sum::<usize>() + (columns - 1) * 3;
        let rule = "=".repeat(total_width);
        let line = |f: &mut fmt::Formatter<'_>, cells: &[String]| -> fmt::Result {
            let mut text = String::new();
            for (k, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                let pad = w.saturating_sub(cell.chars().count());
                if k >= 3 {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.push_str(&" ".repeat(pad));
                }
                if k + 1 < columns {
                    text.push_str("   ");
                }
            }
            writeln!(f, "{}", text.trim_end())
        };
        writeln!(f, "{rule}")?;
        line(f, &header)?;
        writeln!(f, "{rule}")?;
        for row in &rows {
            line(f, row)?;
        }
        writeln!(f, "{rule}")?;
        let params = self.total_params();
        let buffers = self.total_buffers();
        writeln!(f, "Total params: {}", grouped(params))?;
        writeln!(f, "Trainable params: {}", grouped(params))?;
        writeln!(f, "Non-trainable params: 0")?;
        if buffers > 0 {
            writeln!(f, "Buffers (running statistics): {}", grouped(buffers))?;
        }
        writeln!(
            f,
            "Total mult-adds (M): {:.2}",
            self.total_mult_adds() as f64 / 1e6
        )?;
        writeln!(f, "{rule}")?;
        // Saturating: a summary can be built by hand, with any sizes.
        let count = |shape: &[usize]| shape.iter().fold(1, |a: usize, &d| a.saturating_mul(d));
        let input = count(self.input_shape);
        let activations = self
            .leaves()
            .map(|(_, l)| count(l.output_shape))
            .fold(0, usize::saturating_add);
        writeln!(f, "Input size per image (MB): {}", megabytes(input))?;
        writeln!(f, "Activations per image (MB): {}", megabytes(activations))?;
        writeln!(
            f,
            "Params size (MB): {}",
            megabytes(params.saturating_add(buffers))
        )?;
        writeln!(
            f,
            "Estimated total size for one image (MB): {}",
            megabytes(
                input
                    .saturating_add(activations)
                    .saturating_add(params)
                    .saturating_add(buffers)
            )
        )?;
        write!(f, "{rule}")
    }
}

//! `cargo cnn summary`: the table `Model::summary()` prints, from the
//! source, with each layer's receptive field and output stride.

use std::collections::{HashMap, VecDeque};
use std::io::Write;

use cnn_core::summary::Column;
use cnn_core::{LayerInfo, Summary};
use cnn_dsl::model::CheckedModel;
use serde_json::{Value, json};

use crate::field::{Field, fields};
use crate::{Failure, Outcome, SummaryFormat, write_out};

pub fn print(
    models: &[&CheckedModel],
    format: SummaryFormat,
    out: &mut impl Write,
) -> Result<Outcome, Failure> {
    let tables: Vec<Table> = models.iter().map(|m| Table::of(m)).collect();
    let text = match format {
        SummaryFormat::Text => {
            tables
                .iter()
                .map(Table::text)
                .collect::<Vec<_>>()
                .join("\n\n")
                + "\n"
        }
        SummaryFormat::Markdown => tables
            .iter()
            .map(Table::markdown)
            .collect::<Vec<_>>()
            .join("\n"),
        SummaryFormat::Json => {
            let all: Vec<Value> = tables.iter().map(Table::json).collect();
            serde_json::to_string_pretty(&json!({ "models": all })).unwrap_or_default() + "\n"
        }
    };
    write_out(out, &text)?;
    Ok(Outcome::Clean)
}

/// A model's summary and the field of each of its rows (`None` for rows
/// that hold other layers).
pub struct Table {
    pub summary: Summary,
    pub fields: Vec<Option<Field>>,
}

impl Table {
    pub fn of(model: &CheckedModel) -> Table {
        // The runtime's table takes the `'static` data the macro generates;
        // a command that prints and exits can leak its few rows.
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let dims = |shape: &cnn_dsl::shape::Shape| -> &'static [usize] {
            Box::leak(shape.concrete().unwrap_or_default().into_boxed_slice())
        };
        let layers: Vec<LayerInfo> = model
            .rows
            .iter()
            .map(|r| LayerInfo {
                name: leak(r.name.clone()),
                kind: leak(r.kind.clone()),
                args: leak(r.text.clone()),
                output_shape: dims(&r.output),
                params: r.params.unwrap_or(0),
                buffers: r.buffers,
                macs: r.macs.unwrap_or(0),
                mult_adds: r.mult_adds.unwrap_or(0),
                depth: r.depth,
            })
            .collect();
        let summary = Summary::new(
            leak(model.name.to_string()),
            dims(&model.input),
            Box::leak(layers.into_boxed_slice()),
        );
        // Each execution of a layer, matched to its row by name, in order.
        let mut runs: HashMap<&str, VecDeque<Field>> = HashMap::new();
        for (layer, field) in fields(model) {
            runs.entry(model.layers[layer].name.as_str())
                .or_default()
                .push_back(field);
        }
        let fields = model
            .rows
            .iter()
            .map(|r| {
                if r.leaf {
                    runs.get_mut(r.name.as_str()).and_then(VecDeque::pop_front)
                } else {
                    None
                }
            })
            .collect();
        Table { summary, fields }
    }

    /// The cells of a column for the input row and every layer row.
    fn column(&self, header: &str, cell: impl Fn(&Field) -> String) -> Column {
        let input = Field {
            size: Some([1, 1]),
            stride: [1, 1],
        };
        Column {
            header: header.into(),
            cells: std::iter::once(Some(input))
                .chain(self.fields.iter().copied())
                .map(|f| f.as_ref().map(&cell).unwrap_or_default())
                .collect(),
        }
    }

    /// Receptive field and stride, the columns added to the table.
    fn columns(&self) -> [Column; 2] {
        [
            self.column("Receptive Field", Field::size_text),
            self.column("Stride", Field::stride_text),
        ]
    }

    pub fn text(&self) -> String {
        self.summary.with_columns(&self.columns())
    }

    /// The text table's cells as a markdown table.
    pub fn markdown(&self) -> String {
        let s = &self.summary;
        let (header, rows) = s.cells(&self.columns());
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut md = format!("### {}\n\n", s.name);
        md.push_str(&line(&header));
        // Names and kinds left, numbers right.
        let align: Vec<String> = (0..header.len())
            .map(|k| if k < 3 { "---" } else { "--:" }.to_string())
            .collect();
        md.push_str(&line(&align));
        for row in &rows {
            md.push_str(&line(row));
        }
        md.push_str(&format!(
            "\nTotal params: {}; mult-adds per image: {:.2} M\n",
            cnn_dsl::shape::grouped(s.total_params()),
            s.total_mult_adds() as f64 / 1e6
        ));
        md
    }

    pub fn json(&self) -> Value {
        let s = &self.summary;
        let layers: Vec<Value> = s
            .layers
            .iter()
            .zip(&self.fields)
            .map(|(l, field)| {
                json!({
                    "name": l.name,
                    "kind": l.kind,
                    "call": l.args,
                    "depth": l.depth,
                    "output_shape": l.output_shape,
                    "params": l.params,
                    "buffers": l.buffers,
                    "mult_adds": field.map(|_| Summary::mult_adds(l)),
                    "receptive_field": field.map(|f| f.size.map_or(json!("all"), |size| json!(size))),
                    "output_stride": field.map(|f| f.stride),
                })
            })
            .collect();
        json!({
            "name": s.name,
            "input_shape": s.input_shape,
            "layers": layers,
            "total_params": s.total_params(),
            "total_buffers": s.total_buffers(),
            "total_mult_adds": s.total_mult_adds(),
        })
    }
}

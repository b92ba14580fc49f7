//! `cargo cnn draw`: the model as an SVG picture. Each layer's output is a
//! box whose width, height and depth show its width, height and channels
//! (log-scaled), labelled with the layer's name, shape and call; residual
//! adds and concatenations branch into columns side by side.
//!
//! The layout keeps text apart by construction: every label sits in its own
//! row of its own column, and columns never share horizontal space.

use std::fmt::Write as _;

use cnn_dsl::model::{CheckedModel, Op};
use cnn_dsl::spec::{LayerClass, LayerSpec};

/// Monospace text: every character has the same advance, 0.6 em in the
/// fonts named below (DejaVu Sans Mono: 0.602), so widths are known.
pub const FONT_SIZE: f64 = 12.0;
pub const CHAR_WIDTH: f64 = 7.3;
pub const LINE_HEIGHT: f64 = 16.0;
const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";
/// Vertical space between items, where the arrows run.
const GAP: f64 = 20.0;
/// Horizontal space between a split's columns.
const COLUMN_GAP: f64 = 28.0;
/// Between a box and its label.
const LABEL_GAP: f64 = 10.0;
/// Around the picture.
const MARGIN: f64 = 16.0;
const MERGE_RADIUS: f64 = 9.0;

/// One thing drawn in a column.
enum Item {
    Node(Node),
    /// Columns side by side, joined below by `merge`.
    Split {
        columns: Vec<Vec<Item>>,
        merge: Node,
    },
}

/// A tensor: the output of a layer, of the input, or of a merge.
struct Node {
    title: String,
    detail: String,
    dims: Vec<usize>,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Input,
    Conv,
    Pool,
    Norm,
    Activation,
    Linear,
    Other,
    Add,
    Concat,
}

impl Kind {
    /// The checker's class of a layer; a layer it could not read is drawn
    /// plainly.
    fn of(spec: Option<&LayerSpec>) -> Kind {
        match spec.map(LayerSpec::class) {
            Some(LayerClass::Conv) => Kind::Conv,
            Some(LayerClass::Pool) => Kind::Pool,
            Some(LayerClass::Norm) => Kind::Norm,
            Some(LayerClass::Activation) => Kind::Activation,
            Some(LayerClass::Linear) => Kind::Linear,
            Some(LayerClass::Other) | None => Kind::Other,
        }
    }

    /// Front, top and side colours.
    fn colors(self) -> [&'static str; 3] {
        match self {
            Kind::Input => ["#d9d9d9", "#ececec", "#bfbfbf"],
            Kind::Conv => ["#8fb8de", "#bcd6ee", "#6a9cc9"],
            Kind::Pool => ["#9fd59f", "#c9eac9", "#78bd78"],
            Kind::Norm => ["#c7c7e6", "#e0e0f3", "#a9a9d3"],
            Kind::Activation => ["#f6c48f", "#fbdcbb", "#e9a766"],
            Kind::Linear => ["#d6a6d6", "#ebcdeb", "#bf85bf"],
            Kind::Other | Kind::Add | Kind::Concat => ["#e6e6e6", "#f3f3f3", "#cccccc"],
        }
    }
}

/// Log-scaled side of a box for a size of `n` pixels or features.
fn side(n: usize) -> f64 {
    4.0 + 7.0 * (n.max(1) as f64).log2()
}

/// Log-scaled depth for `n` channels, drawn as a receding top and side.
fn depth(n: usize) -> f64 {
    2.0 + 2.5 * (n.max(1) as f64).log2()
}

impl Node {
    /// The box: front width and height, and the depth's offset (right, up).
    fn cuboid(&self) -> (f64, f64, f64, f64) {
        if matches!(self.kind, Kind::Add | Kind::Concat) {
            let d = 2.0 * MERGE_RADIUS;
            return (d, d, 0.0, 0.0);
        }
        match self.dims.as_slice() {
            [c, h, w] => {
                let d = depth(*c);
                (side(*w), side(*h), 0.8 * d, 0.5 * d)
            }
            // A vector: a flat bar as long as its features.
            dims => (side(dims.iter().product()), 6.0, 0.0, 0.0),
        }
    }

    fn box_size(&self) -> (f64, f64) {
        let (w, h, dx, dy) = self.cuboid();
        (w + dx, h + dy)
    }

    fn label_width(&self) -> f64 {
        self.title.chars().count().max(self.detail.chars().count()) as f64 * CHAR_WIDTH
    }

    fn label_height(&self) -> f64 {
        if self.detail.is_empty() {
            LINE_HEIGHT
        } else {
            2.0 * LINE_HEIGHT
        }
    }
}

/// The items of a model's program.
fn items(model: &CheckedModel) -> Vec<Item> {
    let input = model.input.concrete().unwrap_or_default();
    let mut list = vec![Item::Node(Node {
        title: format!("input  {}", shape_text(&input)),
        detail: String::new(),
        dims: input,
        kind: Kind::Input,
    })];
    list.extend(ops(model, &model.program));
    list
}

fn ops(model: &CheckedModel, ops: &[Op]) -> Vec<Item> {
    ops.iter()
        .map(|op| match op {
            Op::Layer { layer, output, .. } => {
                let l = &model.layers[*layer];
                let dims = output.concrete().unwrap_or_default();
                Item::Node(Node {
                    title: format!("{}  {}", l.name, shape_text(&dims)),
                    detail: l.text.clone(),
                    dims,
                    kind: Kind::of(l.spec.as_ref()),
                })
            }
            Op::Residual {
                main,
                shortcut,
                output,
                ..
            } => Item::Split {
                columns: vec![self::ops(model, main), self::ops(model, shortcut)],
                merge: merge("add", output.concrete().unwrap_or_default(), Kind::Add),
            },
            Op::Gate { branch, output, .. } => Item::Split {
                columns: vec![self::ops(model, branch), Vec::new()],
                merge: merge("multiply", output.concrete().unwrap_or_default(), Kind::Add),
            },
            Op::Concat {
                branches, output, ..
            } => Item::Split {
                columns: branches.iter().map(|(b, _)| self::ops(model, b)).collect(),
                merge: merge(
                    "concat",
                    output.concrete().unwrap_or_default(),
                    Kind::Concat,
                ),
            },
        })
        .collect()
}

fn merge(what: &str, dims: Vec<usize>, kind: Kind) -> Node {
    Node {
        title: format!("{what}  {}", shape_text(&dims)),
        detail: String::new(),
        dims,
        kind,
    }
}

fn shape_text(dims: &[usize]) -> String {
    cnn_dsl::shape::Shape::from_dims(dims).to_string()
}

/// A column's geometry: the width its boxes need (their axis is at half of
/// it), and its whole width and height.
struct Extent {
    box_width: f64,
    width: f64,
    height: f64,
}

/// An identity shortcut's column: only its arrow.
const EMPTY_COLUMN_WIDTH: f64 = 12.0;

fn column_extent(items: &[Item]) -> Extent {
    if items.is_empty() {
        return Extent {
            box_width: EMPTY_COLUMN_WIDTH,
            width: EMPTY_COLUMN_WIDTH,
            height: 0.0,
        };
    }
    let nodes = items.iter().flat_map(|item| match item {
        Item::Node(n) => Some(n),
        Item::Split { merge, .. } => Some(merge),
    });
    let box_width = nodes.map(|n| n.box_size().0).fold(0.0, f64::max);
    let mut width: f64 = 0.0;
    let mut height = 0.0;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            height += GAP;
        }
        let (w, h) = item_extent(item, box_width);
        width = width.max(w);
        height += h;
    }
    Extent {
        box_width,
        width,
        height,
    }
}

fn node_extent(node: &Node, box_width: f64) -> (f64, f64) {
    let (_, h) = node.box_size();
    (
        box_width + LABEL_GAP + node.label_width(),
        h.max(node.label_height()),
    )
}

fn item_extent(item: &Item, box_width: f64) -> (f64, f64) {
    match item {
        Item::Node(n) => node_extent(n, box_width),
        Item::Split { columns, merge } => {
            let extents: Vec<Extent> = columns.iter().map(|c| column_extent(c)).collect();
            let width = extents.iter().map(|e| e.width).sum::<f64>()
                + COLUMN_GAP * extents.len().saturating_sub(1) as f64;
            let height = extents.iter().map(|e| e.height).fold(0.0, f64::max);
            let (mw, mh) = node_extent(merge, box_width);
            (width.max(mw), GAP + height + GAP + mh)
        }
    }
}

/// A label's box on the picture, for the overlap check.
#[derive(Clone, Copy, Debug)]
pub struct TextBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The SVG being written.
struct Canvas {
    shapes: String,
    lines: String,
    texts: String,
    text_boxes: Vec<TextBox>,
}

impl Canvas {
    fn line(&mut self, points: &[(f64, f64)]) {
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            self.lines,
            r##"<polyline points="{}" fill="none" stroke="#555" stroke-width="1.2"/>"##,
            path.join(" ")
        );
    }

    fn arrow(&mut self, points: &[(f64, f64)]) {
        self.line(points);
        if let Some(&(x, y)) = points.last() {
            let _ = writeln!(
                self.lines,
                r##"<polygon points="{:.1},{:.1} {:.1},{:.1} {x:.1},{y:.1}" fill="#555"/>"##,
                x - 3.5,
                y - 6.0,
                x + 3.5,
                y - 6.0,
            );
        }
    }

    fn text(&mut self, x: f64, y: f64, text: &str, bold: bool, color: &str) {
        let weight = if bold { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            self.texts,
            r#"<text x="{x:.1}" y="{:.1}" fill="{color}"{weight}>{}</text>"#,
            y + FONT_SIZE - 2.0,
            escape(text)
        );
        self.text_boxes.push(TextBox {
            x,
            y,
            width: text.chars().count() as f64 * CHAR_WIDTH,
            height: LINE_HEIGHT,
        });
    }

    /// Draws `node` with its box centred on `axis`, its top at `y`; returns
    /// the top and bottom of the box, where arrows attach.
    fn node(&mut self, node: &Node, x: f64, axis: f64, box_width: f64, y: f64) -> (f64, f64) {
        let (_, height) = node_extent(node, box_width);
        let (w, h, dx, dy) = node.cuboid();
        let top = y + (height - (h + dy)) / 2.0;
        let left = axis - (w + dx) / 2.0;
        let [front, upper, right] = node.kind.colors();
        if matches!(node.kind, Kind::Add | Kind::Concat) {
            let (cx, cy) = (axis, top + MERGE_RADIUS);
            let _ = writeln!(
                self.shapes,
                r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{MERGE_RADIUS}" fill="{front}" stroke="#555"/>"##
            );
            let sign = if node.kind == Kind::Add {
                format!("M{:.1},{cy:.1}h10M{cx:.1},{:.1}v10", cx - 5.0, cy - 5.0)
            } else {
                format!(
                    "M{:.1},{:.1}v10M{:.1},{:.1}v10",
                    cx - 2.5,
                    cy - 5.0,
                    cx + 2.5,
                    cy - 5.0
                )
            };
            let _ = writeln!(
                self.shapes,
                r##"<path d="{sign}" stroke="#333" stroke-width="1.5"/>"##
            );
        } else {
            let (fx, fy) = (left, top + dy);
            let stroke = r##"stroke="#555" stroke-width="0.8""##;
            if dx > 0.0 {
                let _ = writeln!(
                    self.shapes,
                    r#"<polygon points="{fx:.1},{fy:.1} {:.1},{top:.1} {:.1},{top:.1} {:.1},{fy:.1}" fill="{upper}" {stroke}/>"#,
                    fx + dx,
                    fx + dx + w,
                    fx + w,
                );
                let _ = writeln!(
                    self.shapes,
                    r#"<polygon points="{:.1},{fy:.1} {:.1},{top:.1} {:.1},{:.1} {:.1},{:.1}" fill="{right}" {stroke}/>"#,
                    fx + w,
                    fx + w + dx,
                    fx + w + dx,
                    top + h,
                    fx + w,
                    fy + h,
                );
            }
            let _ = writeln!(
                self.shapes,
                r#"<rect x="{fx:.1}" y="{fy:.1}" width="{w:.1}" height="{h:.1}" fill="{front}" {stroke}/>"#
            );
        }
        let label_x = x + box_width + LABEL_GAP;
        let label_y = y + (height - node.label_height()) / 2.0;
        self.text(label_x, label_y, &node.title, true, "#222");
        if !node.detail.is_empty() {
            self.text(label_x, label_y + LINE_HEIGHT, &node.detail, false, "#666");
        }
        (top, top + h + dy)
    }

    /// Draws a column at `(x, y)`; returns the axis, and the first box's top
    /// and the last box's bottom (both `y` for an empty column).
    fn column(&mut self, items: &[Item], x: f64, y: f64) -> (f64, f64, f64) {
        let extent = column_extent(items);
        let axis = x + extent.box_width / 2.0;
        let mut y_now = y;
        let mut first_top = None;
        let mut last_bottom = y;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                y_now += GAP;
            }
            let (_, h) = item_extent(item, extent.box_width);
            match item {
                Item::Node(node) => {
                    let (top, bottom) = self.node(node, x, axis, extent.box_width, y_now);
                    if i > 0 {
                        self.arrow(&[(axis, last_bottom), (axis, top)]);
                    }
                    first_top.get_or_insert(top);
                    last_bottom = bottom;
                }
                Item::Split { columns, merge } => {
                    // The columns, side by side, below a gap for the fork.
                    let fork_y = y_now + GAP / 2.0;
                    let top_y = y_now + GAP;
                    let mut cx = x;
                    let mut ends = Vec::new();
                    let mut bottom_y: f64 = top_y;
                    for column in columns {
                        let e = column_extent(column);
                        let (caxis, ctop, cbottom) = self.column(column, cx, top_y);
                        ends.push((caxis, ctop, cbottom, column.is_empty()));
                        bottom_y = bottom_y.max(top_y + e.height);
                        cx += e.width + COLUMN_GAP;
                    }
                    let join_y = bottom_y + GAP / 2.0;
                    let merge_y = bottom_y + GAP;
                    let (mtop, mbottom) = self.node(merge, x, axis, extent.box_width, merge_y);
                    let from = if i > 0 { last_bottom } else { y_now };
                    for &(caxis, ctop, cbottom, empty) in &ends {
                        if empty {
                            self.line(&[
                                (axis, from),
                                (axis, fork_y),
                                (caxis, fork_y),
                                (caxis, join_y),
                                (axis, join_y),
                            ]);
                        } else {
                            self.arrow(&[
                                (axis, from),
                                (axis, fork_y),
                                (caxis, fork_y),
                                (caxis, ctop),
                            ]);
                            self.line(&[(caxis, cbottom), (caxis, join_y), (axis, join_y)]);
                        }
                    }
                    self.arrow(&[(axis, join_y), (axis, mtop)]);
                    first_top.get_or_insert(y_now);
                    last_bottom = mbottom;
                }
            }
            y_now += h;
        }
        (axis, first_top.unwrap_or(y), last_bottom)
    }
}

/// The picture and where its labels are.
pub struct Picture {
    pub svg: String,
    pub text_boxes: Vec<TextBox>,
}

/// `model` as an SVG document.
pub fn svg(model: &CheckedModel) -> String {
    picture(model).svg
}

pub fn picture(model: &CheckedModel) -> Picture {
    let items = items(model);
    let extent = column_extent(&items);
    let title = format!(
        "{}  ({} parameters)",
        model.name,
        cnn_dsl::shape::grouped(model.params.unwrap_or(0))
    );
    let title_height = LINE_HEIGHT + GAP;
    let mut canvas = Canvas {
        shapes: String::new(),
        lines: String::new(),
        texts: String::new(),
        text_boxes: Vec::new(),
    };
    canvas.text(MARGIN, MARGIN, &title, true, "#000");
    canvas.column(&items, MARGIN, MARGIN + title_height);
    let width = (extent.width).max(title.chars().count() as f64 * CHAR_WIDTH) + 2.0 * MARGIN;
    let height = extent.height + title_height + 2.0 * MARGIN;
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}" font-size="{FONT_SIZE}">
<rect width="100%" height="100%" fill="#fff"/>
{}{}{}</svg>
"##,
        canvas.lines, canvas.shapes, canvas.texts
    );
    Picture {
        svg,
        text_boxes: canvas.text_boxes,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

//! `cargo cnn draw`: the SVG renders, and its labels never overlap.

mod common;
use common::*;

use cargo_cnn::draw::{self, TextBox};
use cnn_dsl::model::CheckedModel;
use resvg::{tiny_skia, usvg};

fn model(path: &str, name: &str) -> CheckedModel {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    let cargo_cnn::find::Found::Invocations(found) = cargo_cnn::find::scan(&text) else {
        panic!("{path} parses");
    };
    found
        .into_iter()
        .flat_map(|a| a.models)
        .find(|m| m.name == name)
        .expect("the model")
}

fn overlap(a: &TextBox, b: &TextBox) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

fn assert_apart(boxes: &[TextBox]) {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn resnet18_renders_and_its_labels_do_not_overlap() {
    let resnet = model("tests/models/resnet18.rs", "ResNet18");
    let picture = draw::picture(&resnet);
    // A title, the input, 61 layer runs of two lines each (the stem's 4,
    // 6 in each of 8 blocks with its ReLU run twice, 2 downsamples of 3, and
    // the head's 3), and the 8 adds.
    assert_eq!(picture.text_boxes.len(), 1 + 1 + 2 * 61 + 8);
    assert_apart(&picture.text_boxes);

    // The same with the glyphs a renderer lays out, where fonts are installed.
    let mut options = usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    let tree = usvg::Tree::from_str(&picture.svg, &options).expect("valid SVG");
    let mut glyphs = Vec::new();
    collect_text(tree.root(), &mut glyphs);
    if options.fontdb.is_empty() {
        eprintln!("no system fonts: text bounds not measured");
    } else {
        assert_eq!(glyphs.len(), picture.text_boxes.len());
        assert_apart(&glyphs);
        // The layout's estimate holds each label's real width.
        for (real, estimate) in glyphs.iter().zip(&picture.text_boxes) {
            assert!(
                real.width <= estimate.width + 1.0,
                "{real:?} wider than {estimate:?}"
            );
        }
    }

    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("resnet18.png");
    pixmap.save_png(&png).unwrap();
    let drawn = pixmap.pixels().iter().filter(|p| p.red() < 200).count();
    let share = drawn as f64 / pixmap.pixels().len() as f64;
    assert!(
        share > 0.02,
        "only {share:.3} of the picture is drawn ({})",
        png.display()
    );
}

fn collect_text(group: &usvg::Group, out: &mut Vec<TextBox>) {
    for node in group.children() {
        match node {
            usvg::Node::Text(text) => {
                let r = text.abs_bounding_box();
                out.push(TextBox {
                    x: r.x() as f64,
                    y: r.y() as f64,
                    width: r.width() as f64,
                    height: r.height() as f64,
                });
            }
            usvg::Node::Group(g) => collect_text(g, out),
            _ => {}
        }
    }
}

#[test]
fn branches_of_a_concatenation_sit_side_by_side() {
    let text = "cnn::cnn! {
        struct Mixed<8, 16, 16> {
            mixed: concat {
                a: Conv2d(8, 4, 1),
                b: [Conv2d(8, 4, 1), Conv2d(4, 4, 3, padding = 1)],
                c: [MaxPool2d(3, stride = 1, padding = 1), Conv2d(8, 4, 1)],
            },
            relu: ReLU,
        }
    }";
    let cargo_cnn::find::Found::Invocations(found) = cargo_cnn::find::scan(text) else {
        panic!()
    };
    let picture = draw::picture(&found[0].models[0]);
    assert_apart(&picture.text_boxes);
    let x_of = |prefix: &str| {
        let at = picture
            .svg
            .find(&format!(">{prefix}"))
            .unwrap_or_else(|| panic!("{prefix}"));
        let tag = &picture.svg[picture.svg[..at].rfind("<text").unwrap()..at];
        let x = tag.split("x=\"").nth(1).unwrap().split('"').next().unwrap();
        x.parse::<f64>().unwrap()
    };
    let (a, b, c) = (x_of("mixed.a "), x_of("mixed.b.0 "), x_of("mixed.c.0 "));
    assert!(a < b && b < c, "{a} {b} {c}");
    assert_eq!(x_of("mixed.b.1 "), b);
    assert!(x_of("concat ") < b);
    insta::assert_snapshot!(picture.svg);
}

#[test]
fn the_command_writes_the_file_or_asks_which_model() {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("small.svg");
    let r = run(
        &fixture_crate(),
        &[
            "draw",
            "src/lib.rs",
            "--model",
            "Small",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg ") && svg.contains(">conv1  [16, 32, 32]</text>"));
    let r = run(&fixture_crate(), &["draw", "src/lib.rs"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: 2 models found (Small, Normed); choose one with --model\n"
    );
}

#[test]
fn the_readme_pictures_are_current() {
    for (source, picture) in [
        ("examples/tutorial.rs", "docs/tutorial5x5.svg"),
        ("tests/models/resnet18.rs", "docs/resnet18.svg"),
    ] {
        let r = run(&repo(), &["draw", source]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let committed = std::fs::read_to_string(repo().join(picture)).unwrap();
        assert!(
            r.stdout == committed,
            "{picture} is stale: cargo run -p cargo-cnn -- draw {source} -o {picture}"
        );
    }
}

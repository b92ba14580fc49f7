//! What the importer refuses, and how: every node it cannot express is
//! named with its operator and why; broken files are errors, never panics.

use cnn_onnx::proto::{self, AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto};
use cnn_onnx::{Error, ImportOptions, import};
use prost::Message;

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(proto::attribute_proto::AttributeType::Ints as i32),
        ints: v.to_vec(),
        ..Default::default()
    }
}

fn node(
    op: &str,
    name: &str,
    inputs: &[&str],
    output: &str,
    attrs: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        name: Some(name.into()),
        op_type: Some(op.into()),
        attribute: attrs,
        ..Default::default()
    }
}

fn weight(name: &str, dims: &[usize]) -> TensorProto {
    let n: usize = dims.iter().product();
    TensorProto {
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: Some(1),
        name: Some(name.into()),
        raw_data: Some(
            (0..n)
                .flat_map(|i| (i as f32 * 0.01).to_le_bytes())
                .collect(),
        ),
        ..Default::default()
    }
}

/// A graph on `input` `[batch, 3, 8, 8]` (or `dims`), with output `out`.
fn model(nodes: Vec<NodeProto>, weights: Vec<TensorProto>, dims: &[Option<i64>]) -> Vec<u8> {
    use proto::tensor_shape_proto::{Dimension, dimension::Value};
    let dim = |d: &Option<i64>| Dimension {
        value: Some(match d {
            Some(v) => Value::DimValue(*v),
            None => Value::DimParam("batch".into()),
        }),
        ..Default::default()
    };
    let info = |name: &str, dims: &[Option<i64>]| proto::ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(proto::TypeProto {
            value: Some(proto::type_proto::Value::TensorType(
                proto::type_proto::Tensor {
                    elem_type: Some(1),
                    shape: Some(proto::TensorShapeProto {
                        dim: dims.iter().map(dim).collect(),
                    }),
                },
            )),
            ..Default::default()
        }),
        ..Default::default()
    };
    ModelProto {
        ir_version: Some(8),
        opset_import: vec![proto::OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(17),
        }],
        graph: Some(GraphProto {
            node: nodes,
            initializer: weights,
            input: vec![info("input", dims)],
            output: vec![info("out", &[None])],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

const IMAGE: [Option<i64>; 4] = [None, Some(3), Some(8), Some(8)];

fn unsupported(bytes: &[u8]) -> Vec<cnn_onnx::Unsupported> {
    match import(bytes, &ImportOptions::default()) {
        Err(Error::Unsupported(list)) => list,
        other => panic!("expected nodes refused, got {other:?}"),
    }
}

#[test]
fn every_operator_without_a_layer_is_listed() {
    let bytes = model(
        vec![
            node(
                "Resize",
                "/up/Resize",
                &["input", "", "scales"],
                "a",
                vec![],
            ),
            node("Relu", "/relu/Relu", &["a"], "b", vec![]),
            node("Pad", "/pad/Pad", &["b", "pads"], "out", vec![]),
        ],
        vec![weight("scales", &[4]), weight("pads", &[8])],
        &IMAGE,
    );
    let list = unsupported(&bytes);
    let names: Vec<(&str, &str)> = list
        .iter()
        .map(|u| (u.node.as_str(), u.op.as_str()))
        .collect();
    assert_eq!(names, [("/up/Resize", "Resize"), ("/pad/Pad", "Pad")]);
    let message = Error::Unsupported(list).to_string();
    assert!(
        message.starts_with("2 nodes cannot be written in cnn!:\n"),
        "{message}"
    );
    assert!(
        message.contains("Resize `/up/Resize`: cnn! has no upsampling"),
        "{message}"
    );
}

#[test]
fn a_convolution_padded_unevenly_is_refused_with_its_pads() {
    let bytes = model(
        vec![node(
            "Conv",
            "/conv/Conv",
            &["input", "conv.weight"],
            "out",
            vec![ints("pads", &[0, 0, 1, 1]), ints("kernel_shape", &[3, 3])],
        )],
        vec![weight("conv.weight", &[4, 3, 3, 3])],
        &IMAGE,
    );
    let list = unsupported(&bytes);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].node, "/conv/Conv");
    assert!(
        list[0]
            .why
            .contains("pads [0, 0, 1, 1] differ before and after"),
        "{}",
        list[0].why
    );
}

#[test]
fn a_product_of_two_computed_values_is_not_a_gate() {
    let bytes = model(
        vec![
            node("Relu", "/a/Relu", &["input"], "a", vec![]),
            node("Sigmoid", "/b/Sigmoid", &["input"], "b", vec![]),
            node("Mul", "/Mul", &["a", "b"], "out", vec![]),
        ],
        vec![],
        &IMAGE,
    );
    let list = unsupported(&bytes);
    assert_eq!(list[0].node, "/Mul");
    assert!(list[0].why.contains("multiplies two computed values"));
}

#[test]
fn a_graph_that_forks_into_two_outputs_is_refused() {
    let nodes = vec![
        node("Relu", "/a/Relu", &["input"], "out", vec![]),
        node("Sigmoid", "/b/Sigmoid", &["input"], "other", vec![]),
    ];
    let list = unsupported(&model(nodes, vec![], &IMAGE));
    assert!(list[0].why.contains("never join"), "{:?}", list);
}

#[test]
fn an_input_of_unknown_size_needs_one_given() {
    let bytes = model(
        vec![node("Relu", "/relu/Relu", &["input"], "out", vec![])],
        vec![],
        &[None, Some(3), None, None],
    );
    let err = import(&bytes, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InputSize(_)), "{err}");
    assert!(err.to_string().contains("--input 3,224,224"), "{err}");
    let options = ImportOptions {
        input: Some(vec![3, 16, 16]),
        ..ImportOptions::default()
    };
    let imported = import(&bytes, &options).unwrap();
    assert!(
        imported.source.contains("pub struct Net<3, 16, 16>"),
        "{}",
        imported.source
    );
    assert!(
        imported.source.contains("relu: ReLU,"),
        "{}",
        imported.source
    );
}

#[test]
fn nodes_out_of_order_are_a_malformed_graph() {
    let bytes = model(
        vec![
            node("Relu", "/b/Relu", &["a"], "out", vec![]),
            node("Relu", "/a/Relu", &["input"], "a", vec![]),
        ],
        vec![],
        &IMAGE,
    );
    let err = import(&bytes, &ImportOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("reads `a` before any node makes it"),
        "{err}"
    );
    // A node reading its own output is out of order too.
    let bytes = model(
        vec![node("Relu", "/r/Relu", &["out"], "out", vec![])],
        vec![],
        &IMAGE,
    );
    assert!(import(&bytes, &ImportOptions::default()).is_err());
}

#[test]
fn bytes_that_are_not_onnx_are_an_error() {
    for bytes in [&b""[..], b"PK\x03\x04not a model", &[0xff; 64]] {
        let err = import(bytes, &ImportOptions::default()).unwrap_err();
        assert!(
            matches!(err, Error::Decode(_) | Error::Inputs(_)),
            "{bytes:?}: {err}"
        );
    }
}

#[test]
fn a_tensor_shorter_than_its_dims_is_malformed() {
    let mut w = weight("conv.weight", &[4, 3, 3, 3]);
    w.raw_data.as_mut().unwrap().truncate(10);
    let bytes = model(
        vec![node(
            "Conv",
            "/conv/Conv",
            &["input", "conv.weight"],
            "out",
            vec![],
        )],
        vec![w],
        &IMAGE,
    );
    let err = import(&bytes, &ImportOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("holds 10 bytes for 108 values"),
        "{err}"
    );
}

/// Every single-byte change to a real file (a thousand of them, spread
/// over it) gives a model or an error: never a panic or a hang.
#[test]
fn damaged_files_never_panic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/onnx/features_ext.onnx"
    );
    let original = std::fs::read(path).unwrap();
    let mut state = 0x9e3779b97f4a7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..1000 {
        let mut bytes = original.clone();
        let at = (next() % bytes.len() as u64) as usize;
        bytes[at] = next() as u8;
        if next() % 4 == 0 {
            bytes.truncate(at);
        }
        match import(&bytes, &ImportOptions::default()) {
            Ok(_) => ok += 1,
            Err(_) => refused += 1,
        }
    }
    // Most bytes are weights: most changes still import.
    assert!(ok > 0 && refused > 0, "{ok} imported, {refused} refused");
}

/// A tensor stored outside the graph: `location` relative to the graph's
/// directory, never outside it.
fn external_weight(location: &str, length: usize) -> TensorProto {
    let entry = |k: &str, v: String| proto::StringStringEntryProto {
        key: Some(k.into()),
        value: Some(v),
    };
    TensorProto {
        dims: vec![4, 3, 1, 1],
        data_type: Some(1),
        name: Some("conv.weight".into()),
        data_location: Some(1),
        external_data: vec![
            entry("location", location.into()),
            entry("length", length.to_string()),
        ],
        ..Default::default()
    }
}

fn conv_on(weight: TensorProto) -> Vec<u8> {
    model(
        vec![node(
            "Conv",
            "/conv/Conv",
            &["input", "conv.weight"],
            "out",
            vec![],
        )],
        vec![weight],
        &IMAGE,
    )
}

#[test]
fn external_weights_are_read_from_beside_the_graph_only() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("external");
    std::fs::create_dir_all(&dir).unwrap();
    let values: Vec<u8> = (0..12).flat_map(|i| (i as f32).to_le_bytes()).collect();
    std::fs::write(dir.join("w.data"), &values).unwrap();
    let options = ImportOptions {
        dir: Some(dir.clone()),
        ..ImportOptions::default()
    };
    // Beside the graph: read.
    let imported = import(&conv_on(external_weight("w.data", 48)), &options).unwrap();
    let weights = imported.weights.expect("read from w.data");
    assert_eq!(weights["conv.weight"].bytes, values);
    // Absent: a model without weights.
    let imported = import(&conv_on(external_weight("absent.data", 48)), &options).unwrap();
    assert!(imported.weights.is_none());
    // Outside the directory, or past the file's end: an error.
    for (location, length, problem) in [
        ("../w.data", 48, "outside the model's directory"),
        ("/etc/passwd", 48, "outside the model's directory"),
        ("w.data", 40, "states a length other than 48 bytes"),
    ] {
        let err = import(&conv_on(external_weight(location, length)), &options).unwrap_err();
        assert!(err.to_string().contains(problem), "{location}: {err}");
    }
    std::fs::write(dir.join("short.data"), &values[..20]).unwrap();
    let err = import(&conv_on(external_weight("short.data", 48)), &options).unwrap_err();
    assert!(err.to_string().contains("lies past the end"), "{err}");
}

#[test]
fn a_name_that_is_not_an_identifier_is_refused_before_reading() {
    for name in ["my-net", "1net", "struct", ""] {
        let options = ImportOptions {
            name: name.into(),
            ..ImportOptions::default()
        };
        let err = import(b"", &options).unwrap_err();
        assert!(
            err.to_string().contains("is not a Rust identifier"),
            "{name}: {err}"
        );
    }
}

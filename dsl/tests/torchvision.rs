//! torchvision's full-size classification models, written with `cnn!` in
//! `examples/zoo/`, against what torchvision itself reports of them
//! (`tests/fixtures/zoo/keys/`): every state_dict name and shape, the
//! parameter count, and every module's output shape at 224x224.

use std::collections::BTreeMap;

/// The `cnn! { ... }` body of an example file.
fn model_source(name: &str) -> String {
    let path = format!("{}/../examples/zoo/{name}.rs", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = text
        .find("cnn! {")
        .unwrap_or_else(|| panic!("{path}: no `cnn! {{`"));
    let body = &text[start + "cnn! {".len()..];
    let end = body.rfind('}').unwrap();
    body[..end].to_string()
}

fn keys(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../tests/fixtures/zoo/keys/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn dims(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect()
}

/// Checks the model of `examples/zoo/{name}.rs` (its last struct) against
/// `keys/{name}.json`.
fn check(name: &str) {
    let tokens: proc_macro2::TokenStream = model_source(name).parse().unwrap();
    let analysis = cnn_dsl::analyze(tokens);
    let errors: Vec<String> = analysis
        .diagnostics
        .as_slice()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    let model = analysis.models.last().unwrap();
    let keys = keys(name);

    let want: BTreeMap<String, Vec<usize>> = keys["state_dict"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e[0].as_str().unwrap().ends_with("num_batches_tracked"))
        .map(|e| (e[0].as_str().unwrap().to_string(), dims(&e[1])))
        .collect();
    let got: BTreeMap<String, Vec<usize>> = model.tensors().into_iter().collect();
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: missing {missing:?}, unexpected {extra:?}"
    );
    for (k, shape) in &want {
        assert_eq!(&got[k], shape, "{name}: {k}");
    }
    assert_eq!(
        model.params,
        Some(keys["total_params"].as_u64().unwrap() as usize),
        "{name}: parameters"
    );

    // Per module, its outputs in the order of its calls (a shared ReLU is
    // called several times).
    let mut rows: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &model.rows {
        rows.entry(r.name.as_str())
            .or_default()
            .push(r.output.to_string());
    }
    let mut want: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in keys["modules"].as_array().unwrap() {
        let module = m[0].as_str().unwrap();
        if module != "(root)" {
            let shape = dims(&m[2]);
            let shape = cnn_dsl::shape::Shape::from_dims(&shape[1..]).to_string();
            want.entry(module).or_default().push(shape);
        }
    }
    let wrong: Vec<String> = want
        .iter()
        .filter(|(module, shapes)| rows.get(*module) != Some(*shapes))
        .map(|(module, shapes)| format!("{module}: {:?}, torchvision {shapes:?}", rows.get(module)))
        .collect();
    assert!(wrong.is_empty(), "{name}: {wrong:#?}");
}

macro_rules! models {
    ($($name:ident)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

models!(resnet18 resnet34 resnet50 resnext50_32x4d wide_resnet50_2 mobilenet_v2 mobilenet_v3_small efficientnet_b0 regnet_x_400mf regnet_y_400mf shufflenet_v2_x0_5 convnext_tiny densenet121 alexnet vgg11_bn squeezenet1_1 googlenet mnasnet0_5);

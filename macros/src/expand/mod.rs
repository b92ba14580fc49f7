//! Checked models -> Rust code.
//!
//! Each model becomes a struct holding its layers, an inherent `impl` with
//! its shapes, counts and forward pass, and `Module`/`Model` impls; lint
//! warnings become rustc warnings. When a model has errors, the errors are
//! emitted together with a stub of the same struct and methods, so the
//! user's other code sees no follow-on errors.

mod forward;
#[cfg(test)]
mod fuzz;
mod layer;
mod model;
mod stub;
mod warning;

use proc_macro2::TokenStream;
use quote::quote;

/// Expands the tokens inside `cnn! { ... }`.
pub fn expand(input: TokenStream) -> TokenStream {
    let analysis = cnn_dsl::analyze(input);
    let mut out = TokenStream::new();
    if let Some(error) = analysis.diagnostics.to_syn_error() {
        out.extend(error.to_compile_error());
    }
    out.extend(warning::warnings(&analysis.diagnostics));
    for model in &analysis.models {
        let code = if model.has_errors {
            stub::model(model)
        } else {
            match model::model(model) {
                Ok(code) => code,
                // A gap between checker and generator: say so rather than panic.
                Err(what) => {
                    let msg = format!("internal error in cnn!: {what}; please report this model");
                    let error = syn::Error::new(model.name.span(), msg).to_compile_error();
                    let stub = stub::model(model);
                    quote! { #error #stub }
                }
            }
        };
        out.extend(code);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::expand;
    use proptest::prelude::*;

    fn expand_str(src: &str) -> String {
        expand(src.parse().expect("test source must tokenize")).to_string()
    }

    #[test]
    fn a_valid_model_expands_without_errors() {
        let out = expand_str(
            "pub struct Net<3, 32, 32> {
                conv: Conv2d(3, 16, 5, stride = 2, padding = 1), relu: ReLU,
                pool: MaxPool2d(3, stride = 2, padding = 1, ceil_mode = true),
                avg: AvgPool2d(2, divisor_override = 3), bn: BatchNorm2d(_),
                gap: AdaptiveAvgPool2d((2, 3)), flatten: Flatten, fc: Linear(_, 10),
                drop: Dropout(0.2), sm: Softmax(dim = -1),
            }",
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("pub struct Net"));
        assert!(
            out.contains(":: cnn :: Conv2d < 3 , 16 , 5 , 5 , 2 , 2 , 1 , 1 , 1 , 1 , 1 , 1 , 1 >"),
            "{out}"
        );
        assert!(out.contains("const PARAMS : usize ="));
    }

    #[test]
    fn a_model_with_errors_expands_to_errors_and_a_stub() {
        let out = expand_str("pub struct Net<3, 32, 32> { flatten: Flatten, fc: Linear(100, 10) }");
        assert!(out.contains("compile_error"));
        assert!(out.contains("_unbuilt"));
        assert!(out.contains("pub fn forward"));
        // the declared output still types the stub's forward
        assert!(out.contains(":: cnn :: Batch < 10 >"), "{out}");
    }

    /// A result borrowed for the last time is dropped right after that
    /// statement (its buffer back to the pool for the next layer); one
    /// moved into its last use is not; the same model expands to the same
    /// code every time.
    #[test]
    fn results_are_dropped_after_their_last_use() {
        let src = "pub struct Net<3, 8, 8> {
            conv: Conv2d(3, 4, 3, padding = 1),
            act: SiLU,
            pool: MaxPool2d(2),
            flatten: Flatten,
            fc: Linear(64, 10),
        }";
        let out = expand_str(src);
        assert!(!out.contains("compile_error"), "{out}");
        let body = &out[out.find("fn forward").expect("a forward pass")..];
        let body = &body[..body.find("fn forward_into").expect("forward_into")];
        // SiLU takes the conv's result `t1` by value, the pooling borrows
        // SiLU's `t2`, Flatten takes `t3`, the Linear borrows `t4` and
        // `t5` is the result: `t2` and `t4` are dropped, right after
        // their last use, and nothing else.
        let drop_of = |t: &str| format!(":: core :: mem :: drop ({t}) ;");
        for (t, last_use) in [("t2", "(& t2) ;"), ("t4", "(& t4) ;")] {
            let at = body.find(last_use).unwrap_or_else(|| panic!("{body}"));
            let after = &body[at + last_use.len()..];
            assert!(after.trim_start().starts_with(&drop_of(t)), "{t}: {body}");
        }
        assert_eq!(body.matches(":: core :: mem :: drop").count(), 2, "{body}");
        assert_eq!(out, expand_str(src));
    }

    /// A classifier holding more weights than stay in cache runs on the
    /// whole batch, after the image layers have run a slice of images at a
    /// time; a small one runs with them.
    #[test]
    fn large_classifiers_run_on_the_whole_batch() {
        let net = |out: usize| {
            expand_str(&format!(
                "pub struct Net<3, 8, 8> {{
                    conv: Conv2d(3, 4, 3, padding = 1),
                    pool: MaxPool2d(2),
                    flatten: Flatten,
                    fc: Linear(64, {out}),
                }}"
            ))
        };
        let forward = |out: &str| {
            let body = &out[out.find("fn forward").expect("a forward pass")..];
            body[..body.find("fn forward_into").expect("forward_into")].to_string()
        };
        // 64 * 1024 + 1024 weights: over the limit.
        let large = forward(&net(1024));
        let (head, tail) = large.split_at(large.find("self . flatten").expect("the Flatten"));
        assert!(
            head.contains(":: cnn :: slices :: forward") && head.contains("self . pool"),
            "{large}"
        );
        // Flatten takes the slices' gathered results, by value.
        assert!(
            tail.contains("(head) ;") && tail.contains("self . fc"),
            "{large}"
        );
        assert!(!tail.contains(":: cnn :: slices"), "{large}");
        // 64 * 1000 + 1000: under it, every layer in the slices.
        let small = forward(&net(1000));
        let closure = &small[small.find(":: cnn :: slices :: forward").expect("slices")..];
        assert!(
            closure.contains("self . fc") && !small.contains("head"),
            "{small}"
        );
        // 69,649 weights, over the limit, but fewer than 32 for each of
        // the 4,096 values an image gives them: in the slices too.
        let wide = forward(&expand_str(
            "pub struct Net<3, 8, 8> {
                conv: Conv2d(3, 64, 3, padding = 1),
                flatten: Flatten,
                fc: Linear(4096, 17),
            }",
        ));
        assert!(
            !wide.contains("head") && wide.contains("self . fc"),
            "{wide}"
        );
    }

    /// The cost of expanding ResNet-18 (parse, check and generate), the
    /// largest model in the repository:
    /// `cargo test --release -p cnn-macros expansion_time -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement; run it by name"]
    fn expansion_time() {
        let file = include_str!("../../../tests/models/resnet18.rs");
        let body = &file[file.find("cnn! {").expect("the model") + "cnn! {".len()
            ..file.rfind('}').expect("its end")];
        let out = expand_str(body);
        assert!(
            out.contains("pub struct ResNet18") && !out.contains("compile_error"),
            "{out}"
        );
        let runs = 50;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            std::hint::black_box(expand_str(body));
        }
        let each = start.elapsed() / runs;
        println!(
            "ResNet-18: {each:?} per expansion, {} bytes of generated code",
            out.len()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Valid and invalid models with random sizes: expansion never panics.
        #[test]
        fn expansion_never_panics(c in 1usize..6, h in 1usize..40, k in 1usize..8, s in 1usize..4, p in 0usize..4, f in 1usize..3000) {
            let src = format!(
                "struct Net<{c}, {h}, {h}> {{
                    conv: Conv2d({c}, 4, {k}, stride = {s}, padding = {p}),
                    pool: MaxPool2d({k}, padding = {p}, ceil_mode = true),
                    avg: AvgPool2d({k}, stride = {s}, padding = {p}),
                    flatten: Flatten, fc: Linear({f}, 3),
                }}"
            );
            let _ = expand_str(&src);
        }
    }
}

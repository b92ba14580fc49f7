//! The compiler errors users see, pinned as trybuild snapshots: one mistake
//! a file under `tests/ui/<group>/`, and models that must build under
//! `tests/ui/pass/`. Regenerate with `TRYBUILD=overwrite cargo test --test ui`
//! and read every changed `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    // The pass cases make trybuild build (not only check) every case, so
    // the runtime's post-monomorphization asserts fire too.
    t.pass("tests/ui/pass/*.rs");
    for group in [
        "shapes",
        "arguments",
        "layers",
        "names",
        "syntax",
        "model",
        "blocks",
        "runtime",
        "lints",
    ] {
        t.compile_fail(format!("tests/ui/{group}/*.rs"));
    }
}

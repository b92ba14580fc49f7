//! The `cnn!` macro's documentation (`src/docs/cnn.md`) lists every layer
//! with its exact signature.

use cnn_dsl::vocab::SIGNATURES;
use cnn_dsl::vocab::args::signature_text;

#[test]
fn the_layer_table_matches_the_vocabulary() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../src/docs/cnn.md"))
            .unwrap();
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    for sig in SIGNATURES {
        let row = format!("| `{}` | `{}` |", sig.name, signature_text(sig));
        assert!(
            rows.iter().any(|r| r.starts_with(&row)),
            "src/docs/cnn.md lacks the row {row}"
        );
    }
    let layer_rows = rows
        .iter()
        .filter(|r| {
            // A signature cell: `Name(arguments)`.
            r.split('|').nth(2).is_some_and(|c| {
                let c = c.trim();
                c.starts_with('`') && c.ends_with(")`")
            })
        })
        .count();
    assert_eq!(
        layer_rows,
        SIGNATURES.len(),
        "src/docs/cnn.md lists a layer the vocabulary lacks"
    );
}

//! Reading a UI case: the text of its `cnn! { ... }` invocation. Shared by
//! the checker's fix round trip and the macro's fuzzer, which both start
//! from the UI cases.

/// The text between `cnn! {` and the brace that closes it.
pub fn body(text: &str) -> Option<&str> {
    let start = text.find("cnn! {")? + "cnn! {".len();
    let mut depth = 1;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

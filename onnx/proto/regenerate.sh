#!/usr/bin/env bash
# Writes src/proto.rs from onnx.proto with prost-build and protox (a
# protobuf compiler in Rust, so no system protoc is needed), in a scratch
# crate outside the workspace: neither is a dependency of cnn-onnx.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
mkdir -p "$work/src"
cp "$here/onnx.proto" "$work/"
cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "onnx-proto-gen"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
prost-build = "0.14"
protox = "0.10"
TOML
cat > "$work/src/main.rs" <<'RS'
fn main() {
    let files = protox::compile(["onnx.proto"], ["."]).expect("onnx.proto compiles");
    std::fs::create_dir_all("out").unwrap();
    prost_build::Config::new()
        .out_dir("out")
        .compile_fds(files)
        .expect("prost-build writes the module");
}
RS
(cd "$work" && cargo run --quiet)
{
    echo '// The ONNX schema (proto/onnx.proto, ONNX 1.23), as prost-build 0.14 writes it;'
    echo '// proto/regenerate.sh makes it again.'
    cat "$work/out/onnx.rs"
} > "$here/../src/proto.rs"
rm -rf "$work"

#!/usr/bin/env bash
# What a model costs at compile time: builds a crate holding only one
# model (ResNet-18, tests/models/resnet18.rs, unless MODEL=path and
# STRUCT=name say another) against this checkout, in release mode, and
# prints three wall-clock times:
#   cold         the crate and all its dependencies, from nothing
#   crate only   the crate alone, its dependencies already built
#   one-line     again after a one-line edit of the crate's source
# Usage: bench/compile_cost.sh   (from anywhere; leaves target/compile-cost)
#        MODEL=examples/zoo/densenet121.rs STRUCT=DenseNet121 bench/compile_cost.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${MODEL:-tests/models/resnet18.rs}
struct=${STRUCT:-ResNet18}
dir=$root/target/compile-cost
rm -rf "$dir"
mkdir -p "$dir/src"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "resnet-only"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
cnn = { path = "$root" }

[workspace]
TOML
{
  cat "$root/$model"
  cat <<'RS'

fn main() {
    use cnn::Model;
    println!("the model: {} parameters", ResNet18::PARAMS);
}
RS
} | sed "s/ResNet18/$struct/g" > "$dir/src/main.rs"
export CARGO_TARGET_DIR=$dir/target
seconds() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $t0" | bc; }
cd "$dir"
cold=$(seconds cargo build --release)
cargo clean --release -p resnet-only >/dev/null 2>&1
crate=$(seconds cargo build --release)
sed -i 's/{} parameters/{} parameters in all/' src/main.rs
edit=$(seconds cargo build --release)
./target/release/resnet-only
printf 'cold (with dependencies): %.1f s\ncrate only:               %.1f s\none-line edit:            %.1f s\n' "$cold" "$crate" "$edit"

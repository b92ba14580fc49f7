#!/usr/bin/env bash
# How fast a user's debug build runs: a crate holding the tutorial's model
# (examples/tutorial.rs's Tutorial5x5) times 20 forward passes at batch 64,
# built three ways: debug as it comes, debug with the dependencies
# optimised (the README's `[profile.dev.package."*"] opt-level = 3`), and
# release. Prints the milliseconds a pass for each.
# Usage: bench/debug_speed.sh   (leaves target/debug-speed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/target/debug-speed
rm -rf "$dir"
mkdir -p "$dir/src"
manifest() {
  cat <<TOML
[package]
name = "debug-speed"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
cnn = { path = "$root" }

[workspace]
TOML
}
cat > "$dir/src/main.rs" <<'RS'
cnn::cnn! {
    pub struct Tutorial5x5<3, 32, 32> {
        conv1: Conv2d(3, 16, 5, stride = 2, padding = 1),
        relu1: ReLU,
        conv2: Conv2d(16, 32, 5, stride = 2, padding = 1),
        relu2: ReLU,
        flatten: Flatten,
        fc: Linear(1568, 10),
    }
}

fn main() {
    let net = Tutorial5x5::new(0);
    let x = cnn::Batch::<3, 32, 32>::from_vec(64, vec![0.5; 64 * 3 * 32 * 32]).unwrap();
    let _ = net.forward(&x);
    let start = std::time::Instant::now();
    for _ in 0..20 {
        std::hint::black_box(net.forward(&x));
    }
    println!("{:.2}", start.elapsed().as_secs_f64() * 1000.0 / 20.0);
}
RS
cd "$dir"
manifest > Cargo.toml
cargo build -q 2>/dev/null
plain=$(./target/debug/debug-speed)
{ manifest; printf '\n[profile.dev.package."*"]\nopt-level = 3\n'; } > Cargo.toml
cargo build -q 2>/dev/null
optimised=$(./target/debug/debug-speed)
cargo build -q --release 2>/dev/null
release=$(./target/release/debug-speed)
printf 'ms a pass, batch 64: debug %s, debug with dependencies optimised %s, release %s\n' "$plain" "$optimised" "$release"

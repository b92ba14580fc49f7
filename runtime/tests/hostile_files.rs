//! No byte string makes loading panic: random bytes, random headers with a
//! valid length prefix, and valid files with bytes flipped or cut off.

use cnn_runtime::{BatchNorm2d, Conv2d, Init, StateDict};
use proptest::prelude::*;

fn valid_file() -> Vec<u8> {
    let conv: Conv2d<2, 3, 3, 3> = Conv2d::new(true, &mut Init::new(3));
    let bn: BatchNorm2d<3> = BatchNorm2d::new(1e-5, true);
    let mut sd = StateDict::of(&conv);
    for (name, t) in StateDict::of(&bn).iter() {
        sd.insert(format!("bn.{name}"), t.clone());
    }
    sd.to_safetensors()
}

fn with_header(header: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(body);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = StateDict::from_safetensors(&bytes);
    }

    #[test]
    fn random_headers(
        dtype in prop::sample::select(&["F32", "F16", "BF16", "F64", "I64", "I32", "BOOL", "U8", "F8_E4M3", "XX"][..]),
        shape in prop::collection::vec(prop_oneof![0usize..5, Just(usize::MAX), Just(1 << 40)], 0..4),
        start in prop_oneof![0usize..40, Just(usize::MAX)],
        end in prop_oneof![0usize..40, Just(usize::MAX)],
        body in prop::collection::vec(any::<u8>(), 0..48),
    ) {
        let shape: Vec<String> = shape.iter().map(usize::to_string).collect();
        let header = format!(
            r#"{{"w":{{"dtype":"{dtype}","shape":[{}],"data_offsets":[{start},{end}]}}}}"#,
            shape.join(",")
        );
        let _ = StateDict::from_safetensors(&with_header(&header, &body));
    }

    #[test]
    fn damaged_valid_files(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6), cut in any::<prop::sample::Index>()) {
        let mut bytes = valid_file();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = StateDict::from_safetensors(&bytes);
        let end = cut.index(bytes.len());
        let _ = StateDict::from_safetensors(&bytes[..end]);
    }
}

/// A file in the temporary directory holding `bytes`.
fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("cnn-hostile-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

const CONV: &str = r#""weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#;

#[test]
fn a_name_given_twice_is_a_duplicate_whether_or_not_the_entries_agree() {
    for second in [
        r#""weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#,
        r#""weight":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}"#,
    ] {
        let bytes = with_header(&format!("{{{CONV},{second}}}"), &[0; 8]);
        let err = StateDict::from_safetensors(&bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a valid safetensors file: tensor `weight` is listed twice in its header"
        );
    }
}

#[test]
fn a_bad_entry_names_its_tensor() {
    let bytes = with_header(
        r#"{"conv.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,400]}}"#,
        &[0; 8],
    );
    let err = StateDict::from_safetensors(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `conv.weight` lies at bytes 0..400, outside the file's 8 bytes of data"
    );
    let bytes = with_header(
        r#"{"conv.weight":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
        &[0; 8],
    );
    let err = StateDict::from_safetensors(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `conv.weight` holds 8 bytes, but its shape [3] in F32 needs 12"
    );
}

#[test]
fn names_with_control_characters_are_printed_escaped() {
    let header = format!(
        "{{{},{}}}",
        r#""weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#,
        r#""x\nerror: forged\u001b[31m":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}"#
    );
    let sd = StateDict::from_safetensors(&with_header(&header, &[0; 8])).unwrap();
    let mut conv: Conv2d<1, 1, 1, 1> = Conv2d::new(false, &mut Init::new(0));
    let err = cnn_runtime::load_state_dict(&mut conv, &sd, cnn_runtime::Strictness::Strict)
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\u{1b}'), "{err:?}");
    // The headline, the unexpected name, the wrong shape: no forged line.
    assert_eq!(err.lines().count(), 3, "{err:?}");
    assert!(
        err.contains(r"unexpected: x\nerror: forged\u{1b}[31m"),
        "{err:?}"
    );
}

#[test]
fn devices_and_directories_are_refused_without_reading() {
    for path in ["/dev/zero", "/dev/urandom"] {
        if !std::path::Path::new(path).exists() {
            continue;
        }
        let err = StateDict::read(path).unwrap_err();
        assert_eq!(err.to_string(), format!("{path}: not a regular file"));
    }
    let err = StateDict::read(std::env::temp_dir()).unwrap_err();
    assert!(err.to_string().ends_with("not a regular file"), "{err}");
}

#[test]
fn lenient_loading_ignores_unexpected_tensors_of_any_dtype() {
    let conv: Conv2d<2, 3, 3, 3> = Conv2d::new(true, &mut Init::new(3));
    let mut entries: Vec<(String, safetensors::Dtype, Vec<usize>, Vec<u8>)> = StateDict::of(&conv)
        .iter()
        .map(|(n, t)| {
            let bytes = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
            (
                n.to_string(),
                safetensors::Dtype::F32,
                t.shape.clone(),
                bytes,
            )
        })
        .collect();
    entries.push((
        "optimizer.step".into(),
        safetensors::Dtype::I64,
        vec![],
        vec![0; 8],
    ));
    entries.push(("mask".into(), safetensors::Dtype::BOOL, vec![2], vec![1, 0]));
    let views: Vec<_> = entries
        .iter()
        .map(|(n, d, s, b)| {
            (
                n.as_str(),
                safetensors::tensor::TensorView::new(*d, s.clone(), b).unwrap(),
            )
        })
        .collect();
    let path = temp_file(
        "lenient.safetensors",
        &safetensors::tensor::serialize(views, None).unwrap(),
    );
    let mut loaded: Conv2d<2, 3, 3, 3> = Conv2d::new(true, &mut Init::new(9));
    let report =
        cnn_runtime::load_safetensors(&mut loaded, &path, cnn_runtime::Strictness::Lenient)
            .unwrap();
    assert_eq!(report.unexpected, ["mask", "optimizer.step"]);
    assert_eq!(StateDict::of(&loaded), StateDict::of(&conv));
    let err = cnn_runtime::load_safetensors(&mut loaded, &path, cnn_runtime::Strictness::Strict)
        .unwrap_err();
    assert!(
        err.to_string().contains("unexpected: mask, optimizer.step"),
        "{err}"
    );
    std::fs::remove_file(path).unwrap();
}

/// A small deterministic generator (xorshift) for the long run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// A valid file with a few mutations: bytes flipped, cut or added, or its
/// header's text edited (numbers swapped for extremes, entries doubled).
fn mutated_file(valid: &[u8], rng: &mut Rng) -> Vec<u8> {
    let n = u64::from_le_bytes(valid[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&valid[8..8 + n]).unwrap();
    let body = &valid[8 + n..];
    let mut bytes = match rng.below(3) {
        // Edit the header as text, then re-frame it.
        0 => {
            let mut text = header.to_string();
            for _ in 0..=rng.below(3) {
                let digits: Vec<usize> = text
                    .char_indices()
                    .filter(|(_, c)| c.is_ascii_digit())
                    .map(|(i, _)| i)
                    .collect();
                let extreme = [
                    "0",
                    "18446744073709551615",
                    "4294967296",
                    "999999999999",
                    "-1",
                    "1e9",
                ][rng.below(6)];
                match rng.below(3) {
                    0 if !digits.is_empty() => {
                        let at = digits[rng.below(digits.len())];
                        text.replace_range(at..at + 1, extreme);
                    }
                    1 => {
                        // An entry given twice.
                        if let Some(end) = text.find("},") {
                            let entry = text[1..end + 2].to_string();
                            text.insert_str(1, &entry);
                        }
                    }
                    _ => {
                        let dtype = [
                            "\"F32\"", "\"I64\"", "\"F16\"", "\"BOOL\"", "\"F4\"", "\"X\"",
                        ][rng.below(6)];
                        text = text.replacen("\"F32\"", dtype, 1);
                    }
                }
            }
            with_header(&text, body)
        }
        1 => {
            let mut bytes = valid.to_vec();
            for _ in 0..=rng.below(8) {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            bytes
        }
        _ => {
            let mut bytes = valid.to_vec();
            let cut = rng.below(bytes.len() + 64);
            bytes.resize(cut, 0xAB);
            bytes
        }
    };
    if bytes.len() >= 8 && rng.below(10) == 0 {
        bytes[..8].copy_from_slice(&(rng.below(1 << 20) as u64).to_le_bytes());
    }
    bytes
}

#[test]
fn mutated_files_are_errors_or_tensors_never_panics() {
    let valid = valid_file();
    let mut rng = Rng(0x5EED);
    for _ in 0..3000 {
        let bytes = mutated_file(&valid, &mut rng);
        let _ = StateDict::from_safetensors(&bytes);
    }
}

/// The long run: `CNN_FUZZ_CASES=1000000 CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
/// cargo test --release -p cnn-runtime --test hostile_files fuzz_long -- --ignored --nocapture`.
#[test]
#[ignore = "the long run: run it by name"]
fn fuzz_long() {
    let cases: usize = std::env::var("CNN_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let valid = valid_file();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let start = std::time::Instant::now();
    let (loaded, slowest) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let valid = &valid;
                scope.spawn(move || {
                    let mut rng = Rng(0x5EED + t as u64 * 7919);
                    let (mut loaded, mut slowest) = (0, std::time::Duration::ZERO);
                    for _ in 0..cases / threads {
                        let bytes = mutated_file(valid, &mut rng);
                        let begin = std::time::Instant::now();
                        let result =
                            std::panic::catch_unwind(|| StateDict::from_safetensors(&bytes));
                        slowest = slowest.max(begin.elapsed());
                        match result {
                            Ok(Ok(_)) => loaded += 1,
                            Ok(Err(_)) => {}
                            Err(_) => panic!("panicked on {bytes:?}"),
                        }
                    }
                    (loaded, slowest)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold((0, std::time::Duration::ZERO), |a, b| {
                (a.0 + b.0, a.1.max(b.1))
            })
    });
    println!(
        "{cases} mutated files in {:?}: {loaded} loaded, the rest refused; slowest {slowest:?}",
        start.elapsed()
    );
    assert!(slowest < std::time::Duration::from_millis(500));
}

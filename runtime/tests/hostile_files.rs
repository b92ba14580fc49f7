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
    sd.to_safetensors().unwrap()
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

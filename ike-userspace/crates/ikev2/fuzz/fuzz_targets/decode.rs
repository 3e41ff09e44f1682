//! Decode arbitrary octets as an IKE message and as a payload chain; what
//! decodes must re-encode to the same octets (see `ikev2::codec::fuzz_decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ikev2::codec::fuzz_decode(data));

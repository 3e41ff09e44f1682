//! Codec and crypto together on the strongSwan captures: the suite comes from
//! the decoded IKE_SA_INIT response, `encrypted_parts` cuts each SK message
//! into associated data and body, `SkCipher::open` decrypts with the keys
//! charon logged, and the plaintext is the inner chain charon logged and
//! decodes with `decode_chain`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use ikev2::codec::{
    decode_chain, encrypted_parts, HeaderFlags, Message, PayloadBody, TransformType,
};
use ikev2::crypto::{CipherSuite, SkCipher};

fn run_dir(run: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/strongswan")
        .join(run)
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The `<name> secret: hex` lines of keys.txt.
fn keys(run: &str) -> HashMap<String, Vec<u8>> {
    let text = fs::read_to_string(run_dir(run).join("keys.txt")).unwrap();
    text.lines()
        .filter_map(|line| line.split_once(" secret: "))
        .map(|(label, value)| (label.to_owned(), hex(value)))
        .collect()
}

fn messages(run: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = fs::read_dir(run_dir(run))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .map(|p| fs::read(p).unwrap())
        .collect()
}

/// The IKE SA's cipher suite, from the SA payload of the IKE_SA_INIT response.
fn suite(init_response: &[u8]) -> CipherSuite {
    let message = Message::decode(init_response).unwrap();
    let Some(PayloadBody::Sa(sa)) = message.payloads.first().map(|p| &p.body) else {
        panic!("IKE_SA_INIT response starts with SA");
    };
    let transforms = &sa.proposals[0].transforms;
    let encr = transforms
        .iter()
        .find(|t| t.transform_type == TransformType::ENCR)
        .unwrap();
    let integ = transforms.iter().find_map(|t| t.integ_id());

    CipherSuite::from_ids(encr.id, encr.key_length(), integ.map(|i| i.0)).unwrap()
}

fn logged_plaintexts(run: &str) -> Vec<Vec<u8>> {
    let trace = fs::read_to_string(run_dir(run).join("sk-trace.txt")).unwrap();
    trace
        .lines()
        .filter_map(|l| l.strip_prefix("plain:"))
        .map(|h| hex(h.trim()))
        .collect()
}

#[test]
fn sk_payloads_decrypt_to_the_logged_inner_chains() {
    for run in ["x25519-aesgcm", "modp2048-aescbc"] {
        let messages = messages(run);
        let keys = keys(run);
        let suite = suite(&messages[1]);
        let key = |name: &str| keys.get(name).cloned().unwrap_or_default();
        let initiator = SkCipher::new(suite, &key("Sk_ei"), &key("Sk_ai")).unwrap();
        let responder = SkCipher::new(suite, &key("Sk_er"), &key("Sk_ar")).unwrap();

        let logged = logged_plaintexts(run);
        assert_eq!(logged.len(), 8, "{run}");

        for (bytes, logged) in messages[2..].iter().zip(logged) {
            let message = Message::decode(bytes).unwrap();
            let sender = if message.header.flags.contains(HeaderFlags::INITIATOR) {
                &initiator
            } else {
                &responder
            };
            let parts = encrypted_parts(bytes).unwrap();
            let plain = sender.open(parts.authenticated, parts.body).unwrap();

            assert_eq!(plain, logged, "{run}");
            let first = message.encrypted().unwrap().first_inner;
            assert!(decode_chain(first, &plain).is_ok(), "{run}");
        }
    }
}

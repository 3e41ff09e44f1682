//! The fuzz target's property (`codec::fuzz_decode`) replayed without
//! libFuzzer: over the strongSwan captures and their logged SK plaintexts,
//! then over 100 000 deterministic random mutations of them.

use std::fs;
use std::path::Path;

use ikev2::codec::{decode_chain, fuzz_decode, Message, PayloadType};

const MUTATIONS: usize = 100_000;

/// Every capture as a message, and every logged SK plaintext as a chain
/// input (its first inner payload type in front).
fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/strongswan");
    let mut corpus = Vec::new();
    for run in ["x25519-aesgcm", "modp2048-aescbc"] {
        let dir = root.join(run);
        let mut names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let messages: Vec<_> = names
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "bin"))
            .map(|p| fs::read(p).unwrap())
            .collect();
        corpus.extend(chains(
            &messages,
            &fs::read_to_string(dir.join("sk-trace.txt")).unwrap(),
        ));
        corpus.extend(messages);
    }
    corpus
}

/// The SK plaintexts of `trace`, each prefixed with its first payload type.
fn chains(messages: &[Vec<u8>], trace: &str) -> Vec<Vec<u8>> {
    let firsts = messages.iter().filter_map(|m| {
        Message::decode(m)
            .ok()?
            .encrypted()
            .map(|sk| sk.first_inner.0)
    });
    let plains = trace
        .lines()
        .filter_map(|l| l.strip_prefix("plain:"))
        .map(|h| hex(h.trim()));

    firsts
        .zip(plains)
        .map(|(first, plain)| [vec![first], plain].concat())
        .collect()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// xorshift64*: a fixed seed gives the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random edit: bit flip, interesting byte, 16-bit word nudge (hits
/// length fields), cut, duplicate, delete or append.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    let at = rng.below(data.len());
    match rng.below(7) {
        0 if !data.is_empty() => data[at] ^= 1 << rng.below(8),
        1 if !data.is_empty() => data[at] = [0, 1, 2, 3, 0x7f, 0x80, 0xff][rng.below(7)],
        2 if data.len() >= 2 => {
            let at = at.min(data.len() - 2);
            let word = u16::from_be_bytes([data[at], data[at + 1]]);
            let nudged = word.wrapping_add(rng.below(9) as u16).wrapping_sub(4);
            data[at..at + 2].copy_from_slice(&nudged.to_be_bytes());
        }
        3 => data.truncate(at),
        4 => {
            let end = (at + rng.below(16)).min(data.len());
            let copy = data[at..end].to_vec();
            data.splice(at..at, copy);
        }
        5 => {
            let end = (at + rng.below(8)).min(data.len());
            data.drain(at..end);
        }
        _ => data.extend((0..rng.below(8)).map(|_| rng.next() as u8)),
    }
}

#[test]
fn corpus_satisfies_the_fuzz_property() {
    let corpus = corpus();
    assert_eq!(corpus.len(), 36);

    for input in &corpus {
        fuzz_decode(input);
        let decodes = Message::decode(input).is_ok()
            || decode_chain(PayloadType(input[0]), &input[1..]).is_ok();
        assert!(decodes, "corpus entry must decode");
    }
}

#[test]
fn mutations_satisfy_the_fuzz_property() {
    let corpus = corpus();
    let mut rng = Rng(0x5eed_1d5e_c0de_c0de);
    let mut still_decoding = 0;

    for _ in 0..MUTATIONS {
        let mut input = corpus[rng.below(corpus.len())].clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut input);
        }

        fuzz_decode(&input);
        still_decoding += usize::from(Message::decode(&input).is_ok());
    }

    assert!(
        still_decoding > MUTATIONS / 50,
        "only {still_decoding} mutants decoded"
    );
}

//! Cross-implementation known answers from strongSwan 5.9.8 captures
//! (tests/data/strongswan/*: the IKE messages of one IKE SA and the keys charon logged,
//! see capture.sh there). From the captured messages and the logged g^ir we recompute
//! SKEYSEED, the seven IKE SA secrets, both AUTH payloads, and decrypt every SK payload.

mod crypto_common;

use std::fs;
use std::path::PathBuf;

use crypto_common::unhex;
use ikev2::crypto::{
    signed_octets, skeyseed, Authenticator, CipherSuite, EncrAlg, IkeSaKeys, IntegAlg, PrfAlg,
    PskAuthenticator, Role,
};

/// The pre-shared key in capture.sh.
const PSK: &[u8] = b"rsec capture pre-shared key";

const IKE_HEADER_LEN: usize = 28;
const PAYLOAD_KE: u8 = 34;
const PAYLOAD_IDI: u8 = 35;
const PAYLOAD_IDR: u8 = 36;
const PAYLOAD_AUTH: u8 = 39;
const PAYLOAD_NONCE: u8 = 40;
const PAYLOAD_SK: u8 = 46;
const FLAG_INITIATOR: u8 = 0x08;

struct Capture {
    dir: PathBuf,
    messages: Vec<Vec<u8>>,
    log: Vec<(String, Vec<u8>)>,
}

impl Capture {
    fn load(name: &str) -> Capture {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/strongswan")
            .join(name);
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
            .collect();
        files.sort();

        let messages = files.iter().map(|path| fs::read(path).unwrap()).collect();
        let log = read_dump(&dir.join("keys.txt"));
        Capture { dir, messages, log }
    }

    /// The values logged under `label`, in log order.
    fn logged(&self, label: &str) -> Vec<&[u8]> {
        let found: Vec<&[u8]> = self
            .log
            .iter()
            .filter(|(l, _)| l == label)
            .map(|(_, v)| v.as_slice())
            .collect();
        assert!(!found.is_empty(), "{}: no {label:?}", self.dir.display());
        found
    }
}

/// `label: hex` lines; '#' lines are comments.
fn read_dump(path: &PathBuf) -> Vec<(String, Vec<u8>)> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(": "))
        .map(|(label, hex)| (label.to_string(), unhex(hex)))
        .collect()
}

/// (payload type, payload body without the generic header) of a payload chain.
fn payloads(mut next: u8, mut bytes: &[u8]) -> Vec<(u8, &[u8])> {
    let mut found = Vec::new();
    while next != 0 {
        let len = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
        found.push((next, &bytes[4..len]));
        next = bytes[0];
        bytes = &bytes[len..];
    }
    found
}

fn message_payloads(message: &[u8]) -> Vec<(u8, &[u8])> {
    payloads(message[16], &message[IKE_HEADER_LEN..])
}

fn find(payloads: &[(u8, &[u8])], kind: u8) -> Vec<u8> {
    let (_, body) = payloads
        .iter()
        .find(|(t, _)| *t == kind)
        .expect("payload present");
    body.to_vec()
}

/// The SK payload of a message: (AAD = header..SK generic header, SK body, first inner
/// payload type).
fn sk_parts(message: &[u8]) -> (&[u8], &[u8], u8) {
    let mut offset = IKE_HEADER_LEN;
    let mut next = message[16];
    while next != PAYLOAD_SK {
        next = message[offset];
        let len = u16::from_be_bytes([message[offset + 2], message[offset + 3]]);
        offset += usize::from(len);
    }

    let sk_len = usize::from(u16::from_be_bytes([
        message[offset + 2],
        message[offset + 3],
    ]));
    let first_inner = message[offset];
    (
        &message[..offset + 4],
        &message[offset + 4..offset + sk_len],
        first_inner,
    )
}

fn sender(message: &[u8]) -> Role {
    if message[19] & FLAG_INITIATOR != 0 {
        Role::Initiator
    } else {
        Role::Responder
    }
}

/// Recomputes what charon logged and decrypts all SK payloads; returns the decrypted
/// messages (IKE_AUTH onwards) as (first inner payload type, plaintext).
fn check_capture(
    name: &str,
    prf: PrfAlg,
    suite: CipherSuite,
) -> (Capture, IkeSaKeys, Vec<(u8, Vec<u8>)>) {
    let cap = Capture::load(name);
    let (init_req, init_resp) = (&cap.messages[0], &cap.messages[1]);
    let ni = find(&message_payloads(init_req), PAYLOAD_NONCE);
    let nr = find(&message_payloads(init_resp), PAYLOAD_NONCE);
    let spi_i: [u8; 8] = init_resp[..8].try_into().unwrap();
    let spi_r: [u8; 8] = init_resp[8..16].try_into().unwrap();
    let g_ir = cap.logged("shared Diffie Hellman secret")[0];

    assert_eq!(
        skeyseed(prf, &ni, &nr, g_ir).as_bytes(),
        cap.logged("SKEYSEED")[0]
    );
    let keys = IkeSaKeys::from_ike_sa_init(prf, suite, g_ir, &ni, &nr, &spi_i, &spi_r).unwrap();
    assert_eq!(keys.sk_d.as_bytes(), cap.logged("Sk_d secret")[0]);
    assert_eq!(keys.sk_ei.as_bytes(), cap.logged("Sk_ei secret")[0]);
    assert_eq!(keys.sk_er.as_bytes(), cap.logged("Sk_er secret")[0]);
    assert_eq!(keys.sk_pi.as_bytes(), cap.logged("Sk_pi secret")[0]);
    assert_eq!(keys.sk_pr.as_bytes(), cap.logged("Sk_pr secret")[0]);
    if suite.integ().is_some() {
        assert_eq!(keys.sk_ai.as_bytes(), cap.logged("Sk_ai secret")[0]);
        assert_eq!(keys.sk_ar.as_bytes(), cap.logged("Sk_ar secret")[0]);
    }

    let mut decrypted = Vec::new();
    for message in &cap.messages[2..] {
        let (aad, body, first) = sk_parts(message);
        let sk = keys.sk_cipher(sender(message)).unwrap();
        let plain = sk.open(aad, body).unwrap_or_else(|e| panic!("{name}: {e}"));
        decrypted.push((first, plain));
    }

    (cap, keys, decrypted)
}

/// The decrypted inner payloads equal charon's "plain" dumps, message by message.
fn check_plaintexts(name: &str, decrypted: &[(u8, Vec<u8>)]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/strongswan")
        .join(name);
    let trace = read_dump(&dir.join("sk-trace.txt"));
    let logged: Vec<&Vec<u8>> = trace
        .iter()
        .filter(|(l, _)| l == "plain")
        .map(|(_, v)| v)
        .collect();

    let ours: Vec<&Vec<u8>> = decrypted.iter().map(|(_, plain)| plain).collect();
    assert_eq!(ours, logged);
}

/// Both AUTH payloads (RFC 7296 section 2.15): the signed octets charon logged, and the
/// AUTH data in the decrypted IKE_AUTH messages, verified with the PSK.
fn check_auth(cap: &Capture, prf: PrfAlg, keys: &IkeSaKeys, decrypted: &[(u8, Vec<u8>)]) {
    let ni = find(&message_payloads(&cap.messages[0]), PAYLOAD_NONCE);
    let nr = find(&message_payloads(&cap.messages[1]), PAYLOAD_NONCE);
    let psk = PskAuthenticator::new(prf, PSK);
    let logged_octets = cap.logged("octets = message + nonce + prf(Sk_px, IDx')");
    let logged_auth = cap.logged("AUTH = prf(prf(secret, keypad), octets)");
    let sides = [
        (Role::Initiator, 0, &nr, PAYLOAD_IDI),
        (Role::Responder, 1, &ni, PAYLOAD_IDR),
    ];

    for (role, index, peer_nonce, id_type) in sides {
        let (first, plain) = &decrypted[index];
        let inner = payloads(*first, plain);
        let id = find(&inner, id_type);
        let auth = find(&inner, PAYLOAD_AUTH);

        let octets = signed_octets(prf, &cap.messages[index], peer_nonce, keys.sk_p(role), &id);

        assert_eq!(octets, logged_octets[index], "{role:?}");
        assert_eq!(psk.sign(&octets).unwrap(), logged_auth[index], "{role:?}");
        assert_eq!(auth[0], psk.method());
        psk.verify_payload(auth[0], &octets, &auth[4..]).unwrap();
    }
    assert_eq!(
        prf.prf(PSK, &[b"Key Pad for IKEv2"]).as_bytes(),
        cap.logged("prf(secret, keypad)")[0]
    );
}

/// aes256gcm16-prfsha256-x25519 (capture.sh defaults).
#[test]
fn strongswan_x25519_aes256gcm() {
    let prf = PrfAlg::HmacSha2_256;
    let suite = CipherSuite::new(EncrAlg::AesGcm16_256, None).unwrap();

    let (cap, keys, decrypted) = check_capture("x25519-aesgcm", prf, suite);

    let ke = find(&message_payloads(&cap.messages[0]), PAYLOAD_KE);
    assert_eq!(u16::from_be_bytes([ke[0], ke[1]]), 31);
    check_plaintexts("x25519-aesgcm", &decrypted);
    check_auth(&cap, prf, &keys, &decrypted);
}

/// AES-256-CBC, HMAC-SHA2-256-128, PRF-HMAC-SHA2-256, MODP-2048.
#[test]
fn strongswan_modp2048_aes256cbc_sha256() {
    let prf = PrfAlg::HmacSha2_256;
    let suite = CipherSuite::new(EncrAlg::AesCbc256, Some(IntegAlg::HmacSha2_256_128)).unwrap();

    let (cap, keys, decrypted) = check_capture("modp2048-aescbc", prf, suite);

    let ke = find(&message_payloads(&cap.messages[0]), PAYLOAD_KE);
    assert_eq!(u16::from_be_bytes([ke[0], ke[1]]), 14);
    check_plaintexts("modp2048-aescbc", &decrypted);
    check_auth(&cap, prf, &keys, &decrypted);
}

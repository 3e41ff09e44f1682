//! Messages captured from two strongSwan 5.9.8 daemons (see
//! tests/data/strongswan/README.md) decode to the expected payloads and
//! re-encode octet for octet; the decrypted SK contents charon logged
//! decode as inner payload chains.

use std::fs;
use std::path::{Path, PathBuf};

use ikev2::codec::{
    decode_chain, encode_chain, ExchangeType, HeaderFlags, Message, NotifyType, PayloadBody,
    PayloadType,
};

const RUNS: [&str; 2] = ["x25519-aesgcm", "modp2048-aescbc"];

fn run_dir(run: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/strongswan")
        .join(run)
}

/// The capture files of a run, sorted by name (= order on the wire).
fn captures(run: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(run_dir(run))
        .expect("capture directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
        .collect();
    files.sort();

    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).expect("capture file"))
        })
        .collect()
}

fn types(payloads: &[ikev2::codec::Payload]) -> Vec<PayloadType> {
    payloads.iter().map(|p| p.payload_type()).collect()
}

fn notify_types(payloads: &[ikev2::codec::Payload]) -> Vec<NotifyType> {
    payloads
        .iter()
        .filter_map(|p| match &p.body {
            PayloadBody::Notify(n) => Some(n.notify_type),
            _ => None,
        })
        .collect()
}

/// Exchange, response flag and (outer) payload types of each capture.
fn expected_outer(index: usize) -> (ExchangeType, bool, Vec<PayloadType>) {
    use PayloadType as P;
    let init = vec![
        P::SA,
        P::KE,
        P::NONCE,
        P::NOTIFY,
        P::NOTIFY,
        P::NOTIFY,
        P::NOTIFY,
        P::NOTIFY,
    ];
    let mut init_resp = init.clone();
    init_resp.push(P::NOTIFY);

    match index {
        0 => (
            ExchangeType::IKE_SA_INIT,
            false,
            [init, vec![P::VENDOR_ID]].concat(),
        ),
        1 => (
            ExchangeType::IKE_SA_INIT,
            true,
            [init_resp, vec![P::VENDOR_ID]].concat(),
        ),
        2 | 3 => (ExchangeType::IKE_AUTH, index == 3, vec![P::SK]),
        4 | 5 => (ExchangeType::CREATE_CHILD_SA, index == 5, vec![P::SK]),
        _ => (ExchangeType::INFORMATIONAL, index % 2 == 1, vec![P::SK]),
    }
}

/// Inner payload types of the SK messages (captures 3 to 10).
fn expected_inner(index: usize) -> Vec<PayloadType> {
    use PayloadType as P;
    match index {
        0 => vec![
            P::IDI,
            P::NOTIFY,
            P::IDR,
            P::AUTH,
            P::CP,
            P::SA,
            P::TSI,
            P::TSR,
            P::NOTIFY,
            P::NOTIFY,
            P::NOTIFY,
        ],
        1 => vec![P::IDR, P::AUTH, P::CP, P::SA, P::TSI, P::TSR],
        2 => vec![P::NOTIFY, P::SA, P::NONCE, P::KE, P::TSI, P::TSR],
        3 => vec![P::SA, P::NONCE, P::KE, P::TSI, P::TSR],
        4..=6 => vec![P::DELETE],
        _ => vec![],
    }
}

/// Notifications inside the SK messages (captures 3 to 10).
fn expected_inner_notifications(index: usize) -> Vec<NotifyType> {
    use NotifyType as N;
    match index {
        0 => vec![
            N::INITIAL_CONTACT,
            N::MULTIPLE_AUTH_SUPPORTED,
            N::EAP_ONLY_AUTHENTICATION,
            N::IKEV2_MESSAGE_ID_SYNC_SUPPORTED,
        ],
        2 => vec![N::REKEY_SA],
        _ => vec![],
    }
}

#[test]
fn captures_round_trip_with_expected_payloads() {
    for run in RUNS {
        let captures = captures(run);
        assert_eq!(captures.len(), 10, "{run}");

        for (index, (name, bytes)) in captures.iter().enumerate() {
            let message = Message::decode(bytes).unwrap_or_else(|e| panic!("{run}/{name}: {e}"));
            let (exchange, response, payloads) = expected_outer(index);

            assert_eq!(message.header.exchange_type, exchange, "{run}/{name}");
            assert_eq!(
                message.header.flags.contains(HeaderFlags::RESPONSE),
                response
            );
            assert_eq!(
                message.header.flags.contains(HeaderFlags::INITIATOR),
                !response
            );
            assert_eq!(types(&message.payloads), payloads, "{run}/{name}");
            assert_eq!(message.first_unsupported_critical(), None);
            assert_eq!(&message.encode().unwrap(), bytes, "{run}/{name} re-encodes");
        }
    }
}

#[test]
fn ike_sa_init_notifications_are_the_known_ones() {
    use NotifyType as N;
    let common = [
        N::NAT_DETECTION_SOURCE_IP,
        N::NAT_DETECTION_DESTINATION_IP,
        N::IKEV2_FRAGMENTATION_SUPPORTED,
        N::SIGNATURE_HASH_ALGORITHMS,
    ];
    let request = [&common[..], &[N::REDIRECT_SUPPORTED]].concat();
    let response = [
        &common[..],
        &[N::CHILDLESS_IKEV2_SUPPORTED, N::MULTIPLE_AUTH_SUPPORTED],
    ]
    .concat();

    for run in RUNS {
        let captures = captures(run);
        let init_req = Message::decode(&captures[0].1).unwrap();
        let init_resp = Message::decode(&captures[1].1).unwrap();
        assert_eq!(notify_types(&init_req.payloads), request);
        assert_eq!(notify_types(&init_resp.payloads), response);
    }
}

/// The "plain:" hex dumps of sk-trace.txt, in order.
fn logged_plaintexts(run: &str) -> Vec<Vec<u8>> {
    let trace = fs::read_to_string(run_dir(run).join("sk-trace.txt")).expect("sk-trace.txt");
    trace
        .lines()
        .filter_map(|line| line.strip_prefix("plain:"))
        .map(|hex| decode_hex(hex.trim()))
        .collect()
}

fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn logged_sk_plaintexts_decode_as_inner_chains() {
    for run in RUNS {
        let sk_messages: Vec<_> = captures(run)
            .into_iter()
            .skip(2)
            .map(|(_, bytes)| Message::decode(&bytes).unwrap())
            .collect();
        let plaintexts = logged_plaintexts(run);
        assert_eq!(plaintexts.len(), sk_messages.len(), "{run}");

        for (index, (message, plain)) in sk_messages.iter().zip(&plaintexts).enumerate() {
            let first = message.encrypted().expect("SK payload").first_inner;
            let inner =
                decode_chain(first, plain).unwrap_or_else(|e| panic!("{run} #{index}: {e}"));

            assert_eq!(types(&inner), expected_inner(index), "{run} #{index}");
            assert_eq!(notify_types(&inner), expected_inner_notifications(index));
            assert_eq!(encode_chain(&inner).unwrap(), (first, plain.clone()));
        }
    }
}

//! IKEv2 message codec (RFC 7296 section 3): typed structs to and from
//! wire octets.
//!
//! Decoding is bounds-checked and total: any input either decodes or yields
//! an [`Error`] naming the field at fault, never a panic. Decoding keeps
//! every octet (reserved bits, critical bits, unknown code points and
//! payloads), so for any input that decodes, encoding gives the same octets
//! back, and decoding what was encoded gives the same value.
//!
//! The SK payload stays encrypted ([`Encrypted`]); once the crypto layer has
//! removed IV, padding and ICV, [`decode_chain`] parses the inner payloads
//! and [`encode_chain`] builds them for sending.

mod cp;
mod error;
mod header;
mod message;
mod payload;
mod payloads;
mod sa;
mod sk;
mod ts;
mod types;
mod wire;

pub use cp::{ConfigAttribute, Configuration};
pub use error::{Error, ErrorKind, Result};
pub use header::{Header, HeaderFlags, HEADER_LEN, MAJOR_VERSION};
pub use message::{encrypted_parts, EncryptedParts, Message};
pub use payload::{
    check_critical, decode_chain, encode_chain, first_unsupported_critical, Payload, PayloadBody,
    PayloadFlags,
};
pub use payloads::{
    Authentication, Certificate, CertificateRequest, Delete, Eap, Identification, KeyExchange,
    Nonce, Notify, VendorId,
};
pub use sa::{Attribute, AttributeValue, Proposal, Sa, Transform};
pub use sk::{Encrypted, EncryptedFragment};
pub use ts::{IpRange, TrafficSelector, TrafficSelectors};
pub use types::{
    AttributeType, AuthMethod, CertEncoding, CfgAttrType, CfgType, DhGroup, EncrId, EsnId,
    ExchangeType, IdType, IntegId, NotifyType, PayloadType, PrfId, ProtocolId, TransformType,
    TsType,
};

/// The fuzzing property, shared by the cargo-fuzz target `decode` and the
/// replay test: whatever `data` is, decoding must not panic, and whatever
/// decodes must re-encode to the same octets and decode to the same value.
/// `data` is tried both as a message and, after its first octet (the first
/// payload type), as a bare payload chain.
///
/// # Panics
///
/// When the property does not hold: that is a codec bug.
pub fn fuzz_decode(data: &[u8]) {
    if let Ok(message) = Message::decode(data) {
        let encoded = message.encode().expect("a decoded message encodes");
        assert_eq!(encoded, data, "message re-encodes to different octets");
        assert_eq!(Message::decode(&encoded).as_ref(), Ok(&message));
    }

    let Some((&first, chain)) = data.split_first() else {
        return;
    };
    if let Ok(payloads) = decode_chain(PayloadType(first), chain) {
        let (first_type, encoded) = encode_chain(&payloads).expect("a decoded chain encodes");
        let expected_first = if payloads.is_empty() {
            PayloadType::NONE
        } else {
            PayloadType(first)
        };
        assert_eq!(first_type, expected_first, "chain's first type changed");
        assert_eq!(encoded, chain, "chain re-encodes to different octets");
    }
}

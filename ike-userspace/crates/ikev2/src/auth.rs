//! Peer authentication for the exchanges (RFC 7296 section 2.15): which
//! [`Authenticator`] signs our AUTH payload and checks the peer's, and the
//! AUTH payload computation over the IKE_SA_INIT messages.
//!
//! Only pre-shared keys exist now ([`Psk`]); certificates will implement
//! [`Credentials`] too.

use std::fmt;

use crate::codec::{encode_chain, Authentication, Identification, Payload, PayloadBody};
use crate::config::Identity;
use crate::crypto::{signed_octets, Authenticator, PrfAlg, PskAuthenticator, Secret};
use crate::error::{Error, Result};

/// Where the authenticators for an IKE SA come from.
pub trait Credentials: Send + Sync + fmt::Debug {
    /// The authenticator for our own AUTH payload as `local`, with the
    /// IKE SA's PRF.
    fn local(&self, prf: PrfAlg, local: &Identity) -> Result<Box<dyn Authenticator>>;

    /// The authenticator that checks the AUTH payload of a peer claiming to
    /// be `peer`; `None` if that identity is unknown.
    fn peer(&self, prf: PrfAlg, peer: &Identity) -> Option<Box<dyn Authenticator>>;
}

/// One pre-shared key for both directions (RFC 7296 section 2.15).
#[derive(Clone)]
pub struct Psk {
    secret: Secret,
}

impl Psk {
    /// A PSK credential with `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: Secret::from_slice(secret),
        }
    }
}

impl fmt::Debug for Psk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Psk(<redacted>)")
    }
}

impl Credentials for Psk {
    fn local(&self, prf: PrfAlg, _local: &Identity) -> Result<Box<dyn Authenticator>> {
        Ok(Box::new(PskAuthenticator::new(prf, self.secret.as_bytes())))
    }

    fn peer(&self, prf: PrfAlg, _peer: &Identity) -> Option<Box<dyn Authenticator>> {
        Some(Box::new(PskAuthenticator::new(prf, self.secret.as_bytes())))
    }
}

/// The ID payload body after the generic header (ID Type, RESERVED,
/// data): the `RestOfIDPayload` that AUTH covers (section 2.15).
pub fn id_payload_body(id: &Identification) -> Result<Vec<u8>> {
    let (_, mut chain) = encode_chain(&[Payload::new(PayloadBody::IdI(id.clone()))])?;
    chain.drain(..4);
    Ok(chain)
}

/// The inputs of one side's AUTH payload (section 2.15).
#[derive(Clone, Copy, Debug)]
pub struct AuthInput<'a> {
    /// The negotiated PRF.
    pub prf: PrfAlg,
    /// The signer's IKE_SA_INIT message as sent, header to end.
    pub real_message: &'a [u8],
    /// The other side's nonce data.
    pub peer_nonce: &'a [u8],
    /// SK_pi or SK_pr of the signer.
    pub sk_p: &'a Secret,
    /// The signer's ID payload.
    pub id: &'a Identification,
}

impl AuthInput<'_> {
    fn octets(&self) -> Result<Vec<u8>> {
        let id = id_payload_body(self.id)?;
        Ok(signed_octets(
            self.prf,
            self.real_message,
            self.peer_nonce,
            self.sk_p,
            &id,
        ))
    }
}

/// Our AUTH payload over `input`.
pub fn sign(authenticator: &dyn Authenticator, input: &AuthInput<'_>) -> Result<Authentication> {
    let data = authenticator.sign(&input.octets()?)?;
    let method = crate::codec::AuthMethod(authenticator.method());
    Ok(Authentication::new(method, data))
}

/// Checks the peer's AUTH payload over `input`.
pub fn verify(
    authenticator: &dyn Authenticator,
    input: &AuthInput<'_>,
    auth: &Authentication,
) -> Result<()> {
    authenticator
        .verify_payload(auth.method.0, &input.octets()?, &auth.data)
        .map_err(|_| Error::AuthenticationFailed)
}

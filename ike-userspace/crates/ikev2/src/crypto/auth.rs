//! IKE peer authentication (RFC 7296 section 2.15): the signed octets and the AUTH
//! payload computation, behind [`Authenticator`] so that signature methods can plug in.

use super::{Error, PrfAlg, Secret};

/// Auth Method "Shared Key Message Integrity Code" (RFC 7296 section 3.8).
pub const AUTH_METHOD_SHARED_KEY: u8 = 2;

/// The pad string of the PSK AUTH computation (RFC 7296 section 2.15), without a
/// terminating NUL.
const KEY_PAD: &[u8] = b"Key Pad for IKEv2";

/// Computes and checks the Authentication Data of AUTH payloads for one method.
pub trait Authenticator {
    /// The Auth Method number of the AUTH payload (RFC 7296 section 3.8).
    fn method(&self) -> u8;

    /// The Authentication Data for our AUTH payload over `signed_octets`
    /// (see [`signed_octets`]).
    fn sign(&self, signed_octets: &[u8]) -> Result<Vec<u8>, Error>;

    /// Checks the peer's Authentication Data over its `signed_octets`.
    /// Failures are [`Error::AuthenticationFailed`].
    fn verify(&self, signed_octets: &[u8], auth_data: &[u8]) -> Result<(), Error>;

    /// Checks the Auth Method of the peer's AUTH payload, then its Authentication Data.
    fn verify_payload(
        &self,
        method: u8,
        signed_octets: &[u8],
        auth_data: &[u8],
    ) -> Result<(), Error> {
        if method != self.method() {
            return Err(Error::AuthMethodMismatch {
                expected: self.method(),
                actual: method,
            });
        }

        self.verify(signed_octets, auth_data)
    }
}

/// `<InitiatorSignedOctets>` or `<ResponderSignedOctets>` (RFC 7296 section 2.15):
///
/// `RealMessage | NonceData of the peer | prf(SK_p, RestOfIDPayload)`
///
/// - `real_message`: the signer's IKE_SA_INIT message as sent (message 1 for the
///   initiator, message 2 for the responder), from the IKE header to the end;
/// - `peer_nonce`: the other end's Nonce Data (Nr for the initiator, Ni for the
///   responder), without the payload header;
/// - `sk_p`: SK_pi for the initiator, SK_pr for the responder;
/// - `id_payload_body`: the signer's ID payload after the generic payload header:
///   ID Type, the three RESERVED octets and the Identification Data.
pub fn signed_octets(
    prf: PrfAlg,
    real_message: &[u8],
    peer_nonce: &[u8],
    sk_p: &Secret,
    id_payload_body: &[u8],
) -> Vec<u8> {
    let maced_id = prf.prf(sk_p.as_bytes(), &[id_payload_body]);

    [real_message, peer_nonce, maced_id.as_bytes()].concat()
}

/// Pre-shared key authentication: AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"),
/// <SignedOctets>) (RFC 7296 section 2.15), with the IKE SA's PRF.
#[derive(Debug, Clone)]
pub struct PskAuthenticator {
    prf: PrfAlg,
    pad_key: Secret,
}

impl PskAuthenticator {
    /// An authenticator for the shared secret `psk` and the negotiated PRF.
    pub fn new(prf: PrfAlg, psk: &[u8]) -> Self {
        PskAuthenticator {
            prf,
            pad_key: prf.prf(psk, &[KEY_PAD]),
        }
    }
}

impl Authenticator for PskAuthenticator {
    fn method(&self) -> u8 {
        AUTH_METHOD_SHARED_KEY
    }

    fn sign(&self, signed_octets: &[u8]) -> Result<Vec<u8>, Error> {
        let auth = self.prf.prf(self.pad_key.as_bytes(), &[signed_octets]);
        Ok(auth.as_bytes().to_vec())
    }

    fn verify(&self, signed_octets: &[u8], auth_data: &[u8]) -> Result<(), Error> {
        let expected = self.prf.prf(self.pad_key.as_bytes(), &[signed_octets]);
        if !expected.ct_eq(auth_data) {
            return Err(Error::AuthenticationFailed);
        }

        Ok(())
    }
}

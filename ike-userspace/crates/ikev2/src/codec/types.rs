//! IANA code points of IKEv2 ("Internet Key Exchange Version 2 (IKEv2)
//! Parameters" registry), as open newtypes: any value round-trips, the
//! associated constants name the assigned ones this crate knows.

use std::fmt;

/// Defines an open code-point newtype with named constants.
macro_rules! code_point {
    (
        $(#[$meta:meta])*
        $name:ident($repr:ty) {
            $($(#[$cmeta:meta])* $cname:ident = $value:expr,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $repr);

        impl $name {
            $($(#[$cmeta])* pub const $cname: Self = Self($value);)*

            /// Every value this crate has a name for.
            pub const KNOWN: &'static [Self] = &[$(Self::$cname),*];

            /// The IANA name of this value, if this crate knows it.
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $(Self::$cname => Some(stringify!($cname)),)*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => write!(f, "{}::{}", stringify!($name), name),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }
    };
}

code_point! {
    /// Payload type, the "Next Payload" field (RFC 7296 section 3.2,
    /// RFC 7383 section 2.5 for SKF).
    PayloadType(u8) {
        /// No Next Payload: ends a chain.
        NONE = 0,
        /// Security Association (section 3.3).
        SA = 33,
        /// Key Exchange (section 3.4).
        KE = 34,
        /// Identification - Initiator (section 3.5).
        IDI = 35,
        /// Identification - Responder (section 3.5).
        IDR = 36,
        /// Certificate (section 3.6).
        CERT = 37,
        /// Certificate Request (section 3.7).
        CERTREQ = 38,
        /// Authentication (section 3.8).
        AUTH = 39,
        /// Nonce (section 3.9).
        NONCE = 40,
        /// Notify (section 3.10).
        NOTIFY = 41,
        /// Delete (section 3.11).
        DELETE = 42,
        /// Vendor ID (section 3.12).
        VENDOR_ID = 43,
        /// Traffic Selector - Initiator (section 3.13).
        TSI = 44,
        /// Traffic Selector - Responder (section 3.13).
        TSR = 45,
        /// Encrypted and Authenticated (section 3.14).
        SK = 46,
        /// Configuration (section 3.15).
        CP = 47,
        /// Extensible Authentication (section 3.16).
        EAP = 48,
        /// Encrypted and Authenticated Fragment (RFC 7383 section 2.5).
        SKF = 53,
    }
}

code_point! {
    /// Exchange type of the IKE header (RFC 7296 section 3.1).
    ExchangeType(u8) {
        /// IKE_SA_INIT.
        IKE_SA_INIT = 34,
        /// IKE_AUTH.
        IKE_AUTH = 35,
        /// CREATE_CHILD_SA.
        CREATE_CHILD_SA = 36,
        /// INFORMATIONAL.
        INFORMATIONAL = 37,
        /// IKE_SESSION_RESUME (RFC 5723).
        IKE_SESSION_RESUME = 38,
        /// IKE_INTERMEDIATE (RFC 9242).
        IKE_INTERMEDIATE = 43,
        /// IKE_FOLLOWUP_KE (RFC 9370).
        IKE_FOLLOWUP_KE = 44,
    }
}

code_point! {
    /// Protocol ID of proposals, notifications and deletes (RFC 7296
    /// section 3.3.1).
    ProtocolId(u8) {
        /// Sent in a Notify without SPI (section 3.10).
        NONE = 0,
        /// IKE.
        IKE = 1,
        /// AH.
        AH = 2,
        /// ESP.
        ESP = 3,
    }
}

code_point! {
    /// Transform type (RFC 7296 section 3.3.2).
    TransformType(u8) {
        /// Encryption Algorithm (ENCR).
        ENCR = 1,
        /// Pseudorandom Function (PRF).
        PRF = 2,
        /// Integrity Algorithm (INTEG).
        INTEG = 3,
        /// Diffie-Hellman group (D-H), "Key Exchange Method" since RFC 9370.
        DH = 4,
        /// Extended Sequence Numbers (ESN).
        ESN = 5,
    }
}

code_point! {
    /// Transform IDs for transform type 1, ENCR (RFC 7296 section 3.3.2).
    EncrId(u16) {
        /// ENCR_DES_IV64.
        DES_IV64 = 1,
        /// ENCR_DES.
        DES = 2,
        /// ENCR_3DES.
        TRIPLE_DES = 3,
        /// ENCR_NULL.
        NULL = 11,
        /// ENCR_AES_CBC (RFC 3602).
        AES_CBC = 12,
        /// ENCR_AES_CTR (RFC 5930).
        AES_CTR = 13,
        /// ENCR_AES_CCM_8 (RFC 5282).
        AES_CCM_8 = 14,
        /// ENCR_AES_CCM_12 (RFC 5282).
        AES_CCM_12 = 15,
        /// ENCR_AES_CCM_16 (RFC 5282).
        AES_CCM_16 = 16,
        /// ENCR_AES_GCM_8 (RFC 5282).
        AES_GCM_8 = 18,
        /// ENCR_AES_GCM_12 (RFC 5282).
        AES_GCM_12 = 19,
        /// ENCR_AES_GCM_16 (RFC 5282).
        AES_GCM_16 = 20,
        /// ENCR_NULL_AUTH_AES_GMAC (RFC 4543).
        NULL_AUTH_AES_GMAC = 21,
        /// ENCR_CHACHA20_POLY1305 (RFC 7634).
        CHACHA20_POLY1305 = 28,
    }
}

code_point! {
    /// Transform IDs for transform type 2, PRF (RFC 7296 section 3.3.2).
    PrfId(u16) {
        /// PRF_HMAC_MD5.
        HMAC_MD5 = 1,
        /// PRF_HMAC_SHA1.
        HMAC_SHA1 = 2,
        /// PRF_AES128_XCBC (RFC 4434).
        AES128_XCBC = 4,
        /// PRF_HMAC_SHA2_256 (RFC 4868).
        HMAC_SHA2_256 = 5,
        /// PRF_HMAC_SHA2_384 (RFC 4868).
        HMAC_SHA2_384 = 6,
        /// PRF_HMAC_SHA2_512 (RFC 4868).
        HMAC_SHA2_512 = 7,
        /// PRF_AES128_CMAC (RFC 4615).
        AES128_CMAC = 8,
    }
}

code_point! {
    /// Transform IDs for transform type 3, INTEG (RFC 7296 section 3.3.2).
    IntegId(u16) {
        /// NONE.
        NONE = 0,
        /// AUTH_HMAC_MD5_96.
        HMAC_MD5_96 = 1,
        /// AUTH_HMAC_SHA1_96.
        HMAC_SHA1_96 = 2,
        /// AUTH_AES_XCBC_96.
        AES_XCBC_96 = 5,
        /// AUTH_AES_CMAC_96 (RFC 4494).
        AES_CMAC_96 = 8,
        /// AUTH_HMAC_SHA2_256_128 (RFC 4868).
        HMAC_SHA2_256_128 = 12,
        /// AUTH_HMAC_SHA2_384_192 (RFC 4868).
        HMAC_SHA2_384_192 = 13,
        /// AUTH_HMAC_SHA2_512_256 (RFC 4868).
        HMAC_SHA2_512_256 = 14,
    }
}

code_point! {
    /// Transform IDs for transform type 4, Diffie-Hellman group (RFC 7296
    /// section 3.3.2); also the group of a KE payload (section 3.4).
    DhGroup(u16) {
        /// NONE.
        NONE = 0,
        /// 768-bit MODP.
        MODP_768 = 1,
        /// 1024-bit MODP.
        MODP_1024 = 2,
        /// 1536-bit MODP (RFC 3526).
        MODP_1536 = 5,
        /// 2048-bit MODP (RFC 3526).
        MODP_2048 = 14,
        /// 3072-bit MODP (RFC 3526).
        MODP_3072 = 15,
        /// 4096-bit MODP (RFC 3526).
        MODP_4096 = 16,
        /// 6144-bit MODP (RFC 3526).
        MODP_6144 = 17,
        /// 8192-bit MODP (RFC 3526).
        MODP_8192 = 18,
        /// 256-bit random ECP (RFC 5903).
        ECP_256 = 19,
        /// 384-bit random ECP (RFC 5903).
        ECP_384 = 20,
        /// 521-bit random ECP (RFC 5903).
        ECP_521 = 21,
        /// Curve25519 (RFC 8031).
        CURVE25519 = 31,
        /// Curve448 (RFC 8031).
        CURVE448 = 32,
    }
}

code_point! {
    /// Transform IDs for transform type 5, ESN (RFC 7296 section 3.3.2).
    EsnId(u16) {
        /// No Extended Sequence Numbers.
        NO_ESN = 0,
        /// Extended Sequence Numbers.
        ESN = 1,
    }
}

code_point! {
    /// Transform attribute type, 15 bits (RFC 7296 section 3.3.5).
    AttributeType(u16) {
        /// Key Length in bits (TV format).
        KEY_LENGTH = 14,
    }
}

code_point! {
    /// Notify message type (RFC 7296 section 3.10.1 and the IANA registry).
    NotifyType(u16) {
        /// UNSUPPORTED_CRITICAL_PAYLOAD.
        UNSUPPORTED_CRITICAL_PAYLOAD = 1,
        /// INVALID_IKE_SPI.
        INVALID_IKE_SPI = 4,
        /// INVALID_MAJOR_VERSION.
        INVALID_MAJOR_VERSION = 5,
        /// INVALID_SYNTAX.
        INVALID_SYNTAX = 7,
        /// INVALID_MESSAGE_ID.
        INVALID_MESSAGE_ID = 9,
        /// INVALID_SPI.
        INVALID_SPI = 11,
        /// NO_PROPOSAL_CHOSEN.
        NO_PROPOSAL_CHOSEN = 14,
        /// INVALID_KE_PAYLOAD.
        INVALID_KE_PAYLOAD = 17,
        /// AUTHENTICATION_FAILED.
        AUTHENTICATION_FAILED = 24,
        /// SINGLE_PAIR_REQUIRED.
        SINGLE_PAIR_REQUIRED = 34,
        /// NO_ADDITIONAL_SAS.
        NO_ADDITIONAL_SAS = 35,
        /// INTERNAL_ADDRESS_FAILURE.
        INTERNAL_ADDRESS_FAILURE = 36,
        /// FAILED_CP_REQUIRED.
        FAILED_CP_REQUIRED = 37,
        /// TS_UNACCEPTABLE.
        TS_UNACCEPTABLE = 38,
        /// INVALID_SELECTORS.
        INVALID_SELECTORS = 39,
        /// TEMPORARY_FAILURE.
        TEMPORARY_FAILURE = 43,
        /// CHILD_SA_NOT_FOUND.
        CHILD_SA_NOT_FOUND = 44,
        /// INITIAL_CONTACT.
        INITIAL_CONTACT = 16384,
        /// SET_WINDOW_SIZE.
        SET_WINDOW_SIZE = 16385,
        /// ADDITIONAL_TS_POSSIBLE.
        ADDITIONAL_TS_POSSIBLE = 16386,
        /// IPCOMP_SUPPORTED.
        IPCOMP_SUPPORTED = 16387,
        /// NAT_DETECTION_SOURCE_IP.
        NAT_DETECTION_SOURCE_IP = 16388,
        /// NAT_DETECTION_DESTINATION_IP.
        NAT_DETECTION_DESTINATION_IP = 16389,
        /// COOKIE.
        COOKIE = 16390,
        /// USE_TRANSPORT_MODE.
        USE_TRANSPORT_MODE = 16391,
        /// HTTP_CERT_LOOKUP_SUPPORTED.
        HTTP_CERT_LOOKUP_SUPPORTED = 16392,
        /// REKEY_SA.
        REKEY_SA = 16393,
        /// ESP_TFC_PADDING_NOT_SUPPORTED.
        ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
        /// NON_FIRST_FRAGMENTS_ALSO.
        NON_FIRST_FRAGMENTS_ALSO = 16395,
        /// MOBIKE_SUPPORTED (RFC 4555).
        MOBIKE_SUPPORTED = 16396,
        /// NO_ADDITIONAL_ADDRESSES (RFC 4555).
        NO_ADDITIONAL_ADDRESSES = 16399,
        /// MULTIPLE_AUTH_SUPPORTED (RFC 4739).
        MULTIPLE_AUTH_SUPPORTED = 16404,
        /// ANOTHER_AUTH_FOLLOWS (RFC 4739).
        ANOTHER_AUTH_FOLLOWS = 16405,
        /// REDIRECT_SUPPORTED (RFC 5685).
        REDIRECT_SUPPORTED = 16406,
        /// EAP_ONLY_AUTHENTICATION (RFC 5998).
        EAP_ONLY_AUTHENTICATION = 16417,
        /// CHILDLESS_IKEV2_SUPPORTED (RFC 6023).
        CHILDLESS_IKEV2_SUPPORTED = 16418,
        /// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (RFC 6311).
        IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420,
        /// IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383).
        IKEV2_FRAGMENTATION_SUPPORTED = 16430,
        /// SIGNATURE_HASH_ALGORITHMS (RFC 7427).
        SIGNATURE_HASH_ALGORITHMS = 16431,
    }
}

impl NotifyType {
    /// Types below 16384 report errors (RFC 7296 section 3.10.1).
    pub fn is_error(self) -> bool {
        self.0 < 16384
    }
}

code_point! {
    /// ID type of IDi/IDr (RFC 7296 section 3.5).
    IdType(u8) {
        /// ID_IPV4_ADDR.
        IPV4_ADDR = 1,
        /// ID_FQDN.
        FQDN = 2,
        /// ID_RFC822_ADDR.
        RFC822_ADDR = 3,
        /// ID_IPV6_ADDR.
        IPV6_ADDR = 5,
        /// ID_DER_ASN1_DN.
        DER_ASN1_DN = 9,
        /// ID_DER_ASN1_GN.
        DER_ASN1_GN = 10,
        /// ID_KEY_ID.
        KEY_ID = 11,
    }
}

code_point! {
    /// Certificate encoding of CERT/CERTREQ (RFC 7296 section 3.6).
    CertEncoding(u8) {
        /// PKCS #7 wrapped X.509 certificate.
        PKCS7_X509 = 1,
        /// PGP Certificate.
        PGP = 2,
        /// DNS Signed Key.
        DNS_SIGNED_KEY = 3,
        /// X.509 Certificate - Signature.
        X509_SIGNATURE = 4,
        /// Kerberos Token.
        KERBEROS = 6,
        /// Certificate Revocation List (CRL).
        CRL = 7,
        /// Authority Revocation List (ARL).
        ARL = 8,
        /// SPKI Certificate.
        SPKI = 9,
        /// X.509 Certificate - Attribute.
        X509_ATTRIBUTE = 10,
        /// Raw RSA Key (deprecated).
        RAW_RSA_KEY = 11,
        /// Hash and URL of X.509 certificate.
        HASH_URL_X509 = 12,
        /// Hash and URL of X.509 bundle.
        HASH_URL_X509_BUNDLE = 13,
        /// Raw Public Key (RFC 7670).
        RAW_PUBLIC_KEY = 15,
    }
}

code_point! {
    /// Authentication method of the AUTH payload (RFC 7296 section 3.8).
    AuthMethod(u8) {
        /// RSA Digital Signature.
        RSA_SIGNATURE = 1,
        /// Shared Key Message Integrity Code.
        SHARED_KEY_MIC = 2,
        /// DSS Digital Signature.
        DSS_SIGNATURE = 3,
        /// ECDSA with SHA-256 on P-256 (RFC 4754).
        ECDSA_SHA256_P256 = 9,
        /// ECDSA with SHA-384 on P-384 (RFC 4754).
        ECDSA_SHA384_P384 = 10,
        /// ECDSA with SHA-512 on P-521 (RFC 4754).
        ECDSA_SHA512_P521 = 11,
        /// Generic Secure Password Authentication Method (RFC 6467).
        GENERIC_SECURE_PASSWORD = 12,
        /// NULL Authentication (RFC 7619).
        NULL = 13,
        /// Digital Signature (RFC 7427).
        DIGITAL_SIGNATURE = 14,
    }
}

code_point! {
    /// Traffic selector type (RFC 7296 section 3.13.1).
    TsType(u8) {
        /// TS_IPV4_ADDR_RANGE.
        IPV4_ADDR_RANGE = 7,
        /// TS_IPV6_ADDR_RANGE.
        IPV6_ADDR_RANGE = 8,
    }
}

code_point! {
    /// CFG type of the Configuration payload (RFC 7296 section 3.15).
    CfgType(u8) {
        /// CFG_REQUEST.
        REQUEST = 1,
        /// CFG_REPLY.
        REPLY = 2,
        /// CFG_SET.
        SET = 3,
        /// CFG_ACK.
        ACK = 4,
    }
}

code_point! {
    /// Configuration attribute type, 15 bits (RFC 7296 section 3.15.1).
    CfgAttrType(u16) {
        /// INTERNAL_IP4_ADDRESS.
        INTERNAL_IP4_ADDRESS = 1,
        /// INTERNAL_IP4_NETMASK.
        INTERNAL_IP4_NETMASK = 2,
        /// INTERNAL_IP4_DNS.
        INTERNAL_IP4_DNS = 3,
        /// INTERNAL_IP4_NBNS.
        INTERNAL_IP4_NBNS = 4,
        /// INTERNAL_IP4_DHCP.
        INTERNAL_IP4_DHCP = 6,
        /// APPLICATION_VERSION.
        APPLICATION_VERSION = 7,
        /// INTERNAL_IP6_ADDRESS.
        INTERNAL_IP6_ADDRESS = 8,
        /// INTERNAL_IP6_DNS.
        INTERNAL_IP6_DNS = 10,
        /// INTERNAL_IP6_DHCP.
        INTERNAL_IP6_DHCP = 12,
        /// INTERNAL_IP4_SUBNET.
        INTERNAL_IP4_SUBNET = 13,
        /// SUPPORTED_ATTRIBUTES.
        SUPPORTED_ATTRIBUTES = 14,
        /// INTERNAL_IP6_SUBNET.
        INTERNAL_IP6_SUBNET = 15,
    }
}

//! NAT detection (RFC 7296 section 2.23): the NAT_DETECTION_SOURCE_IP and
//! NAT_DETECTION_DESTINATION_IP notification data.

use std::net::{IpAddr, SocketAddr};

use ring::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY};

/// SHA-1(SPIi | SPIr | IP address | port) for `addr` (section 2.23);
/// SPIr is zero in the first IKE_SA_INIT request.
pub fn detection_hash(spi_i: u64, spi_r: u64, addr: SocketAddr) -> Vec<u8> {
    let mut input = Vec::with_capacity(34);
    input.extend_from_slice(&spi_i.to_be_bytes());
    input.extend_from_slice(&spi_r.to_be_bytes());
    match addr.ip() {
        IpAddr::V4(a) => input.extend_from_slice(&a.octets()),
        IpAddr::V6(a) => input.extend_from_slice(&a.octets()),
    }
    input.extend_from_slice(&addr.port().to_be_bytes());
    digest(&SHA1_FOR_LEGACY_USE_ONLY, &input).as_ref().to_vec()
}

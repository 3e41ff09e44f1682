//! The error type of this crate, and the reading of the kernel's extended acknowledgements.

use std::fmt;
use std::io;

use netlink_packet_core::{parse_u32, NlasIterator, NLM_F_ACK_TLVS, NLM_F_CAPPED};

use crate::spec::AttrSet;

/// `struct nlmsghdr` length.
const NLMSG_HDRLEN: usize = 16;
/// `struct genlmsghdr` length.
const GENL_HDRLEN: usize = 4;

/// Attributes of an extended acknowledgement (`enum nlmsgerr_attrs`).
const NLMSGERR_ATTR_MSG: u16 = 1;
const NLMSGERR_ATTR_OFFS: u16 = 2;
const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
const NLMSGERR_ATTR_MISS_NEST: u16 = 6;

/// Everything that can go wrong talking to the `rsec` family.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The netlink socket failed.
    #[error("netlink socket: {0}")]
    Io(#[from] io::Error),

    /// The kernel has no `rsec` family: the module is not loaded.
    #[error("generic netlink family \"rsec\" not found (is the rsec module loaded?)")]
    FamilyNotFound,

    /// The kernel refused a request.
    #[error("{0}")]
    Kernel(KernelError),

    /// A reply attribute had the wrong size or layout.
    #[error("malformed reply: attribute {attr}: {reason}")]
    Malformed {
        /// The attribute, as `set.name`.
        attr: String,
        /// What was wrong with it.
        reason: String,
    },

    /// A reply lacked an attribute it must carry.
    #[error("malformed reply: missing attribute {0}")]
    Missing(&'static str),

    /// The kernel said something that makes no sense in this exchange.
    #[error("netlink protocol: {0}")]
    Protocol(String),

    /// A dump was interrupted by a concurrent change, repeatedly.
    #[error("the SA table kept changing during the dump; try again")]
    DumpInterrupted,
}

impl Error {
    /// The errno of a kernel refusal (positive, as in `EINVAL`), if that is what this is.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Kernel(k) => Some(k.errno),
            _ => None,
        }
    }
}

/// A negative acknowledgement, with whatever the extended ack said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelError {
    /// The errno, positive.
    pub errno: i32,
    /// The extack message (NLMSGERR_ATTR_MSG).
    pub message: Option<String>,
    /// Offset of the offending attribute in the request (NLMSGERR_ATTR_OFFS).
    pub offset: Option<u32>,
    /// Name of the offending attribute, found from the offset in our request.
    pub attr: Option<String>,
    /// Name of an attribute the kernel wanted and did not get (NLMSGERR_ATTR_MISS_TYPE, in
    /// the nest at NLMSGERR_ATTR_MISS_NEST if given).
    pub missing: Option<String>,
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rsec: {}", strerror(self.errno))?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(missing) = &self.missing {
            write!(f, ": missing attribute {missing}")?;
        }
        if let Some(attr) = &self.attr {
            write!(f, " (attribute {attr})")?;
        }
        Ok(())
    }
}

impl KernelError {
    /// Reads the body of an NLMSG_ERROR after its errno: the echoed request (all of it, or
    /// only its header if `NLM_F_CAPPED`), then extack TLVs if `NLM_F_ACK_TLVS`.
    pub fn from_error_body(errno: i32, flags: u16, body: &[u8], request: &[u8]) -> Self {
        let echoed = echoed_len(flags, body);
        let tlvs = body.get(echoed..).unwrap_or_default();
        Self::from_tlvs(errno, flags, tlvs, request)
    }

    /// Reads extack TLVs (as an NLMSG_DONE of a failed dump carries them directly).
    pub fn from_tlvs(errno: i32, flags: u16, tlvs: &[u8], request: &[u8]) -> Self {
        let mut err = KernelError {
            errno,
            ..KernelError::default()
        };
        if flags & NLM_F_ACK_TLVS == 0 {
            return err;
        }

        let (mut miss_type, mut miss_nest) = (None, None);
        for nla in NlasIterator::new(tlvs).map_while(Result::ok) {
            let value = nla.value();
            match nla.kind() {
                NLMSGERR_ATTR_MSG => err.message = Some(c_string(value)),
                NLMSGERR_ATTR_OFFS => err.offset = parse_u32(value).ok(),
                NLMSGERR_ATTR_MISS_TYPE => miss_type = parse_u32(value).ok(),
                NLMSGERR_ATTR_MISS_NEST => miss_nest = parse_u32(value).ok(),
                _ => {}
            }
        }

        err.attr = err.offset.and_then(|offs| attr_at(request, offs as usize));
        err.missing = miss_type.map(|kind| missing_name(request, miss_nest, kind));
        err
    }
}

/// Name of missing attribute `kind`, top-level or in the nest at offset `nest` of `request`.
fn missing_name(request: &[u8], nest: Option<u32>, kind: u32) -> String {
    let set = match nest {
        None => Some(AttrSet::Sa),
        Some(offs) => set_at(request, offs as usize),
    };
    let name = set.and_then(|set| set.attr_name(kind as u16));
    name.map_or_else(|| format!("#{kind}"), str::to_string)
}

/// The attribute set nested in the attribute starting at `offset` (top-level only).
fn set_at(request: &[u8], offset: usize) -> Option<AttrSet> {
    let start = NLMSG_HDRLEN + GENL_HDRLEN;
    let mut pos = start;
    for nla in NlasIterator::new(request.get(start..)?) {
        let nla = nla.ok()?;
        if pos == offset {
            return AttrSet::Sa.nested(nla.kind());
        }
        pos += (nla.length() as usize + 3) & !3;
    }
    None
}

/// Length of the request echoed at the start of an error body.
fn echoed_len(flags: u16, body: &[u8]) -> usize {
    if flags & NLM_F_CAPPED != 0 {
        return NLMSG_HDRLEN;
    }
    let len = body.get(..4).and_then(|b| parse_u32(b).ok()).unwrap_or(0) as usize;
    (len + 3) & !3
}

/// The C library's text for `errno`, without the " (os error N)" that `io::Error` appends.
fn strerror(errno: i32) -> String {
    let text = io::Error::from_raw_os_error(errno).to_string();
    let suffix = format!(" (os error {errno})");
    text.strip_suffix(&suffix)
        .map(str::to_string)
        .unwrap_or(text)
}

/// A NUL-terminated (or not) string attribute, lossily decoded.
fn c_string(value: &[u8]) -> String {
    let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
    String::from_utf8_lossy(&value[..end]).into_owned()
}

/// The name (as `a` or `a.b` for nested) of the attribute starting at `offset` in `request`.
pub(crate) fn attr_at(request: &[u8], offset: usize) -> Option<String> {
    let start = NLMSG_HDRLEN + GENL_HDRLEN;
    let attrs = request.get(start..)?;
    attr_in(AttrSet::Sa, attrs, offset.checked_sub(start)?)
}

fn attr_in(set: AttrSet, bytes: &[u8], offset: usize) -> Option<String> {
    let mut pos = 0;
    for nla in NlasIterator::new(bytes) {
        let nla = nla.ok()?;
        let len = nla.length() as usize;
        let name = set.attr_name(nla.kind()).unwrap_or("?");
        if offset == pos {
            return Some(name.to_string());
        }
        if offset > pos && offset < pos + len {
            let inner = set.nested(nla.kind())?;
            let rest = attr_in(inner, nla.value(), offset - pos - 4)?;
            return Some(format!("{name}.{rest}"));
        }
        pos += (len + 3) & !3;
    }
    None
}

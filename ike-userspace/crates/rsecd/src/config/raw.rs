//! The configuration file as TOML gives it: serde structs that keep the position of every
//! value that is checked later, so that a bad value can be named by line and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A value with its byte range in the file.
pub type S<T> = Spanned<T>;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    #[serde(default)]
    pub daemon: RawDaemon,
    #[serde(default)]
    pub connections: BTreeMap<S<String>, RawConnection>,
    #[serde(default)]
    pub secrets: BTreeMap<S<String>, RawSecret>,
}

/// `[daemon]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDaemon {
    pub listen: Option<Vec<S<String>>>,
    pub port: Option<u16>,
    pub control_socket: Option<String>,
    pub owner_id: Option<S<u32>>,
    pub backend: Option<S<String>>,
    pub retransmit_timeout: Option<S<RawDuration>>,
    pub retransmit_base: Option<S<f64>>,
    pub retransmit_tries: Option<u32>,
}

/// `[connections.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConnection {
    pub version: Option<S<i64>>,
    #[serde(default)]
    pub local_addrs: Vec<S<String>>,
    #[serde(default)]
    pub remote_addrs: Vec<S<String>>,
    pub local_port: Option<u16>,
    pub remote_port: Option<u16>,
    pub proposals: Option<Vec<S<String>>>,
    pub dpd_delay: Option<S<RawDuration>>,
    pub rekey_time: Option<S<RawDuration>>,
    pub over_time: Option<S<RawDuration>>,
    pub rand_time: Option<S<RawDuration>>,
    pub local: Option<S<RawAuth>>,
    pub remote: Option<S<RawAuth>>,
    #[serde(default)]
    pub children: BTreeMap<S<String>, RawChild>,
}

/// `[connections.NAME.local]` and `[connections.NAME.remote]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuth {
    pub auth: Option<S<String>>,
    pub id: Option<S<String>>,
}

/// `[connections.NAME.children.CHILD]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChild {
    pub local_ts: Option<Vec<S<String>>>,
    pub remote_ts: Option<Vec<S<String>>>,
    pub esp_proposals: Option<Vec<S<String>>>,
    pub mode: Option<S<String>>,
    pub interface: Option<String>,
    pub start_action: Option<S<String>>,
    pub dpd_action: Option<S<String>>,
    pub rekey_time: Option<S<RawDuration>>,
    pub life_time: Option<S<RawDuration>>,
    pub rand_time: Option<S<RawDuration>>,
    pub rekey_bytes: Option<u64>,
    pub life_bytes: Option<u64>,
}

/// `[secrets.ikeNAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecret {
    pub id: Option<S<OneOrMany>>,
    pub secret: Option<S<String>>,
    pub secret_file: Option<S<String>>,
}

/// A string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, in order.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A duration as written: seconds as an integer, or a string with a unit.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawDuration {
    Seconds(i64),
    Text(String),
}

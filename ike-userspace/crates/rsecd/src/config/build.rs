//! From the raw TOML structs to the checked [`Config`], with positions in every error.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::Range;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ikev2::config::{EspProposal, Identity, IkeProposal, Mode};
use ikev2::time::RetransmitPolicy;
use ikev2::ts::TsRange;
use zeroize::Zeroizing;

use super::raw::{RawAuth, RawChild, RawConnection, RawDaemon, RawDuration, RawFile, RawSecret, S};
use super::value;
use super::{
    BackendKind, Child, Config, ConfigError, Connection, DaemonConfig, DpdAction, Location,
    PresharedKey,
};
use crate::proposal;

/// The uid secret files must belong to besides root: the daemon's own.
pub fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Default rekey time of IKE SAs.
const IKE_REKEY_TIME: Duration = Duration::from_secs(4 * 3600);
/// Default rekey time of Child SAs.
const CHILD_REKEY_TIME: Duration = Duration::from_secs(3600);
/// Default IKE port.
const IKE_PORT: u16 = 500;

/// Parses and checks the text of the configuration file `file`.
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
    let ctx = Ctx { file, text };
    let raw: RawFile = toml::from_str(text).map_err(|e| ConfigError::Syntax {
        location: ctx.at(e.span().unwrap_or(0..0)),
        message: e.message().trim().to_owned(),
    })?;

    let daemon = ctx.daemon(raw.daemon)?;
    let secrets = ctx.secrets(raw.secrets)?;
    let has_inline_secrets = secrets.iter().any(|s| s.inline);
    let connections = raw
        .connections
        .into_iter()
        .map(|(name, conn)| ctx.connection(name, conn, &daemon, &secrets))
        .collect::<Result<_, _>>()?;

    Ok(Config {
        file: file.to_owned(),
        daemon,
        connections,
        has_inline_secrets,
    })
}

/// A checked `[secrets.ike*]` section.
struct Secret {
    ids: Vec<Identity>,
    key: PresharedKey,
    inline: bool,
}

/// The file being parsed, to turn byte spans into positions.
struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    /// The line and column of byte `span.start`.
    fn at(&self, span: Range<usize>) -> Location {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            file: self.file.to_owned(),
            line,
            column: self.text[line_start..start].chars().count() + 1,
        }
    }

    fn invalid(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            location: self.at(span),
            message: message.into(),
        }
    }

    /// Applies `f` to a spanned value, blaming the value's position on failure.
    fn check<T, U>(
        &self,
        v: &S<T>,
        f: impl FnOnce(&T) -> Result<U, String>,
    ) -> Result<U, ConfigError> {
        f(v.get_ref()).map_err(|m| self.invalid(v.span(), m))
    }

    fn duration(&self, v: &Option<S<RawDuration>>) -> Result<Option<Duration>, ConfigError> {
        v.as_ref()
            .map(|d| self.check(d, value::duration))
            .transpose()
    }

    fn daemon(&self, raw: RawDaemon) -> Result<DaemonConfig, ConfigError> {
        let retransmit = self.retransmit(&raw)?;
        let listen = match raw.listen {
            Some(list) => list
                .iter()
                .map(|a| self.check(a, |t| value::address(t)))
                .collect::<Result<_, _>>()?,
            None => vec![IpAddr::from([0, 0, 0, 0]), IpAddr::from([0u16; 8])],
        };
        let backend = match &raw.backend {
            None => BackendKind::Netlink,
            Some(b) => self.check(b, |t| match t.as_str() {
                "netlink" => Ok(BackendKind::Netlink),
                "memory" => Ok(BackendKind::Memory),
                other => Err(format!(
                    "unknown backend {other:?} (expected netlink or memory)"
                )),
            })?,
        };
        let owner_id = match &raw.owner_id {
            Some(id) => self.check(id, |n| match n {
                0 => Err("owner_id must not be 0".to_owned()),
                n => Ok(*n),
            })?,
            None => 1,
        };

        Ok(DaemonConfig {
            listen,
            port: raw.port.unwrap_or(IKE_PORT),
            control_socket: raw.control_socket.map_or_else(
                || PathBuf::from(rsec_control::DEFAULT_SOCKET),
                PathBuf::from,
            ),
            owner_id,
            backend,
            retransmit,
        })
    }

    fn retransmit(&self, raw: &RawDaemon) -> Result<RetransmitPolicy, ConfigError> {
        let mut policy = RetransmitPolicy::default();
        if let Some(timeout) = self.duration(&raw.retransmit_timeout)? {
            policy.initial = timeout.max(Duration::from_millis(100));
        }
        if let Some(base) = &raw.retransmit_base {
            policy.factor = self.check(base, |b| {
                (1.0..=10.0)
                    .contains(b)
                    .then_some(*b)
                    .ok_or_else(|| "retransmit_base must be between 1.0 and 10.0".to_owned())
            })?;
        }
        if let Some(tries) = raw.retransmit_tries {
            policy.max_retransmits = tries;
        }
        Ok(policy)
    }

    fn secrets(&self, raw: BTreeMap<S<String>, RawSecret>) -> Result<Vec<Secret>, ConfigError> {
        raw.into_iter()
            .map(|(name, s)| self.secret(&name, s))
            .collect()
    }

    fn secret(&self, name: &S<String>, raw: RawSecret) -> Result<Secret, ConfigError> {
        if !name.get_ref().starts_with("ike") {
            let message = format!(
                "secret {:?}: only IKE secrets exist, name it ike<suffix>",
                name.get_ref()
            );
            return Err(self.invalid(name.span(), message));
        }

        let ids = match &raw.id {
            Some(list) => self.check(list, |l| {
                l.to_vec()
                    .iter()
                    .map(|t| {
                        value::identity(t)?.ok_or_else(|| "a secret's id cannot be %any".to_owned())
                    })
                    .collect()
            })?,
            None => Vec::new(),
        };
        let (key, inline) = match (&raw.secret, &raw.secret_file) {
            (Some(s), None) => (self.check(s, |t| secret_bytes(t))?, true),
            (None, Some(f)) => (self.check(f, |p| secret_file(Path::new(p)))?, false),
            _ => {
                let message = "a secret needs exactly one of secret and secret_file";
                return Err(self.invalid(name.span(), message));
            }
        };

        Ok(Secret { ids, key, inline })
    }

    fn connection(
        &self,
        name: S<String>,
        raw: RawConnection,
        daemon: &DaemonConfig,
        secrets: &[Secret],
    ) -> Result<Connection, ConfigError> {
        if let Some(v) = &raw.version {
            self.check(v, |n| match n {
                0 | 2 => Ok(()),
                _ => Err("only IKE version 2 is supported".to_owned()),
            })?;
        }

        let local_addrs = self.addresses(&raw.local_addrs)?;
        let remote_addrs = self.addresses(&raw.remote_addrs)?;
        let (local_id, remote_id) = self.identities(&name, &raw, &local_addrs)?;
        let psk = pick_secret(secrets, &local_id, remote_id.as_ref()).ok_or_else(|| {
            let remote = remote_id
                .as_ref()
                .map_or("%any".to_owned(), value::identity_text);
            let message = format!(
                "connection {:?}: no secret in [secrets] for {} and {remote}",
                name.get_ref(),
                value::identity_text(&local_id)
            );
            self.invalid(name.span(), message)
        })?;
        let proposals = self.ike_proposals(&raw.proposals)?;
        let (rekey_time, over_time, rand_time) = self.ike_times(&raw)?;
        let children = self.children(&name, raw.children, &local_addrs, &remote_addrs)?;

        Ok(Connection {
            name: name.get_ref().clone(),
            location: self.at(name.span()),
            local_addrs,
            remote_addrs,
            local_port: raw.local_port.unwrap_or(daemon.port),
            remote_port: raw.remote_port.unwrap_or(IKE_PORT),
            local_id,
            remote_id,
            psk,
            proposals,
            dpd_delay: self.duration(&raw.dpd_delay)?.filter(|d| !d.is_zero()),
            rekey_time,
            over_time,
            rand_time,
            children,
        })
    }

    fn addresses(&self, list: &[S<String>]) -> Result<Vec<IpAddr>, ConfigError> {
        list.iter()
            .filter(|a| a.get_ref() != "%any")
            .map(|a| self.check(a, |t| value::address(t)))
            .collect()
    }

    fn identities(
        &self,
        name: &S<String>,
        raw: &RawConnection,
        local_addrs: &[IpAddr],
    ) -> Result<(Identity, Option<Identity>), ConfigError> {
        let local = raw
            .local
            .as_ref()
            .map(|l| self.auth(l))
            .transpose()?
            .flatten();
        let remote = raw
            .remote
            .as_ref()
            .map(|r| self.auth(r))
            .transpose()?
            .flatten();

        let local = match (local, local_addrs.first()) {
            (Some(id), _) => id,
            (None, Some(IpAddr::V4(a))) => Identity::Ipv4(*a),
            (None, Some(IpAddr::V6(a))) => Identity::Ipv6(*a),
            (None, None) => {
                let message = "local.id is needed when local_addrs is empty";
                return Err(self.invalid(name.span(), message));
            }
        };
        Ok((local, remote))
    }

    /// The identity of a `local`/`remote` section; checks its auth method.
    fn auth(&self, raw: &S<RawAuth>) -> Result<Option<Identity>, ConfigError> {
        let auth = raw.get_ref();
        if let Some(method) = &auth.auth {
            self.check(method, |m| match m.as_str() {
                "psk" => Ok(()),
                other => Err(format!("auth method {other:?} is not supported (only psk)")),
            })?;
        }

        match &auth.id {
            Some(id) => self.check(id, |t| value::identity(t)),
            None => Ok(None),
        }
    }

    fn ike_proposals(
        &self,
        list: &Option<Vec<S<String>>>,
    ) -> Result<Vec<IkeProposal>, ConfigError> {
        let Some(list) = list else {
            return Ok(proposal::default_ike());
        };
        if list.is_empty() {
            return Ok(proposal::default_ike());
        }

        let mut out = Vec::new();
        for p in list {
            out.extend(self.check(p, |t| {
                proposal::parse_ike(t).map_err(|e| format!("proposal {t:?}: {e}"))
            })?);
        }
        Ok(out)
    }

    fn esp_proposals(
        &self,
        list: &Option<Vec<S<String>>>,
    ) -> Result<Vec<EspProposal>, ConfigError> {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            return Ok(proposal::default_esp());
        };

        let mut out = Vec::new();
        for p in list {
            out.extend(self.check(p, |t| {
                proposal::parse_esp(t).map_err(|e| format!("proposal {t:?}: {e}"))
            })?);
        }
        Ok(out)
    }

    /// `rekey_time`, `over_time`, `rand_time` of an IKE SA, with their defaults: over time a
    /// tenth of the rekey time, random time the over time.
    fn ike_times(
        &self,
        raw: &RawConnection,
    ) -> Result<(Option<Duration>, Duration, Duration), ConfigError> {
        let rekey = self.duration(&raw.rekey_time)?.unwrap_or(IKE_REKEY_TIME);
        let over = self.duration(&raw.over_time)?.unwrap_or(rekey / 10);
        let rand = self.duration(&raw.rand_time)?.unwrap_or(over);
        if let Some(r) = &raw.rand_time {
            if !rekey.is_zero() && rand >= rekey {
                return Err(self.invalid(r.span(), "rand_time must be shorter than rekey_time"));
            }
        }

        let rekey = (!rekey.is_zero()).then_some(rekey);
        Ok((rekey, over, rand.min(rekey.unwrap_or(Duration::ZERO) / 2)))
    }

    fn children(
        &self,
        conn: &S<String>,
        raw: BTreeMap<S<String>, RawChild>,
        local_addrs: &[IpAddr],
        remote_addrs: &[IpAddr],
    ) -> Result<Vec<Child>, ConfigError> {
        if raw.is_empty() {
            let message = format!("connection {:?} has no children", conn.get_ref());
            return Err(self.invalid(conn.span(), message));
        }
        if let Some((second, _)) = raw.iter().nth(1) {
            let message = "only one child per connection is supported for now";
            return Err(self.invalid(second.span(), message));
        }

        raw.into_iter()
            .map(|(name, child)| self.child(name, child, local_addrs, remote_addrs))
            .collect()
    }

    fn child(
        &self,
        name: S<String>,
        raw: RawChild,
        local_addrs: &[IpAddr],
        remote_addrs: &[IpAddr],
    ) -> Result<Child, ConfigError> {
        let local_ts = self.selectors(&name, &raw.local_ts, local_addrs, "local")?;
        let remote_ts = self.selectors(&name, &raw.remote_ts, remote_addrs, "remote")?;
        let (rekey_time, life_time, rand_time) = self.child_times(&raw)?;
        let life_bytes = raw.life_bytes.unwrap_or(0);
        let rekey_bytes = raw.rekey_bytes.unwrap_or(0);
        if life_bytes != 0 && rekey_bytes >= life_bytes {
            return Err(self.invalid(name.span(), "rekey_bytes must be below life_bytes"));
        }

        Ok(Child {
            name: name.get_ref().clone(),
            location: self.at(name.span()),
            local_ts,
            remote_ts,
            esp_proposals: self.esp_proposals(&raw.esp_proposals)?,
            mode: self.keyword(
                &raw.mode,
                &[("tunnel", Mode::Tunnel), ("transport", Mode::Transport)],
                Mode::Tunnel,
            )?,
            interface: raw.interface.unwrap_or_else(|| "rsec0".to_owned()),
            start: self.keyword(
                &raw.start_action,
                &[("none", false), ("start", true)],
                false,
            )?,
            dpd_action: self.keyword(
                &raw.dpd_action,
                &[("clear", DpdAction::Clear), ("restart", DpdAction::Restart)],
                DpdAction::Clear,
            )?,
            rekey_time,
            life_time,
            rand_time,
            rekey_bytes,
            life_bytes,
        })
    }

    /// One of a fixed set of words.
    fn keyword<T: Copy>(
        &self,
        v: &Option<S<String>>,
        words: &[(&str, T)],
        default: T,
    ) -> Result<T, ConfigError> {
        let Some(v) = v else { return Ok(default) };
        self.check(v, |text| {
            words
                .iter()
                .find(|(w, _)| w == text)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let names: Vec<&str> = words.iter().map(|(w, _)| *w).collect();
                    format!("unknown value {text:?} (expected {})", names.join(" or "))
                })
        })
    }

    /// Traffic selectors of one side; `dynamic` (the default) is the side's first address.
    fn selectors(
        &self,
        child: &S<String>,
        list: &Option<Vec<S<String>>>,
        addrs: &[IpAddr],
        side: &str,
    ) -> Result<Vec<TsRange>, ConfigError> {
        let dynamic = |span: Range<usize>| {
            addrs.first().map(|a| TsRange::host(*a)).ok_or_else(|| {
                let message = format!("{side}_ts \"dynamic\" needs an address in {side}_addrs");
                self.invalid(span, message)
            })
        };
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            return Ok(vec![dynamic(child.span())?]);
        };

        list.iter()
            .map(|ts| match ts.get_ref().as_str() {
                "dynamic" => dynamic(ts.span()),
                _ => self.check(ts, |t| value::traffic_selector(t)),
            })
            .collect()
    }

    /// `rekey_time`, `life_time`, `rand_time` of a Child SA, with their defaults: life time
    /// a tenth above the rekey time, random time their difference.
    fn child_times(
        &self,
        raw: &RawChild,
    ) -> Result<(Option<Duration>, Option<Duration>, Duration), ConfigError> {
        let rekey = self.duration(&raw.rekey_time)?.unwrap_or(CHILD_REKEY_TIME);
        let life = self.duration(&raw.life_time)?.unwrap_or(rekey + rekey / 10);
        if let Some(l) = &raw.life_time {
            if !rekey.is_zero() && !life.is_zero() && life <= rekey {
                return Err(self.invalid(l.span(), "life_time must be longer than rekey_time"));
            }
        }
        let rand = self
            .duration(&raw.rand_time)?
            .unwrap_or(life.saturating_sub(rekey));
        if let Some(r) = &raw.rand_time {
            if !rekey.is_zero() && rand >= rekey {
                return Err(self.invalid(r.span(), "rand_time must be shorter than rekey_time"));
            }
        }

        let rekey = (!rekey.is_zero()).then_some(rekey);
        let life = (!life.is_zero()).then_some(life);
        Ok((rekey, life, rand.min(rekey.unwrap_or(Duration::ZERO) / 2)))
    }
}

/// The secret for a pair of identities: the one naming both beats the one naming one,
/// which beats one naming none; a secret naming other identities only does not match.
fn pick_secret(
    secrets: &[Secret],
    local: &Identity,
    remote: Option<&Identity>,
) -> Option<PresharedKey> {
    let score = |s: &Secret| -> Option<u8> {
        if s.ids.is_empty() {
            return Some(0);
        }
        let l = u8::from(s.ids.contains(local));
        let r = u8::from(remote.is_some_and(|r| s.ids.contains(r)));
        (l + r > 0).then_some(l + r)
    };

    let mut best: Option<(u8, &Secret)> = None;
    for s in secrets {
        if let Some(n) = score(s) {
            if !matches!(best, Some((b, _)) if n <= b) {
                best = Some((n, s));
            }
        }
    }
    best.map(|(_, s)| s.key.clone())
}

/// A secret's octets: `0x` and hex digits, or the text itself.
fn secret_bytes(text: &str) -> Result<PresharedKey, String> {
    let bytes = match text.strip_prefix("0x") {
        Some(hex) => value::hex_bytes(hex)?,
        None => text.as_bytes().to_vec(),
    };
    if bytes.is_empty() {
        return Err("empty secret".to_owned());
    }

    Ok(PresharedKey(Zeroizing::new(bytes)))
}

/// A secret from a file that only its owner, root or the daemon's user, can read; the
/// final line break is not part of it.
fn secret_file(path: &Path) -> Result<PresharedKey, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("secret file {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "secret file {} is not a regular file",
            path.display()
        ));
    }
    if meta.uid() != 0 && meta.uid() != current_uid() {
        return Err(format!(
            "secret file {} must belong to root",
            path.display()
        ));
    }
    if meta.mode() & 0o077 != 0 {
        let message = format!(
            "secret file {} is accessible to others (mode {:o}); chmod 600 it",
            path.display(),
            meta.mode() & 0o777
        );
        return Err(message);
    }

    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| format!("secret file {}: {e}", path.display()))?,
    );
    secret_bytes(text.trim_end_matches(['\n', '\r']))
}

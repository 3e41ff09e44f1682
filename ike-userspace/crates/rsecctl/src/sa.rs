//! `rsecctl sa`: manual keying of the kernel's SAs over netlink.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use rsec_netlink::{
    Client, Dir, EncrAlg, Integ, IntegAlg, Key, Lifetime, Mode, Proto, SaConfig, SaFilter, SaFlags,
    SaId, SaInfo, Selector, SpiRequest,
};
use serde::Serialize;

use crate::parse;
use crate::render::{self, SaJson};
use crate::{CliError, Output};

/// The `sa` subcommands.
#[derive(Debug, Subcommand)]
pub enum SaCommand {
    /// Reserve a free inbound SPI and print it.
    AllocSpi(AllocSpiArgs),
    /// Create an SA.
    Add(Box<AddArgs>),
    /// Delete an SA (or SPI reservation).
    Del(IdArgs),
    /// Show one SA.
    Get(IdArgs),
    /// List SAs, all or those of one device or owner.
    List(FilterArgs),
    /// Delete SAs, all or those of one device or owner.
    Flush(FilterArgs),
}

/// Arguments of `sa alloc-spi`.
#[derive(Debug, Args)]
pub struct AllocSpiArgs {
    /// Security protocol of the future SA.
    #[arg(long, default_value = "esp")]
    proto: Proto,
    /// Outer destination address of the future SA (this host's).
    #[arg(long = "dst", value_name = "ADDR")]
    daddr: IpAddr,
    /// Lowest acceptable SPI.
    #[arg(long, value_parser = parse::number_u32)]
    min: Option<u32>,
    /// Highest acceptable SPI.
    #[arg(long, value_parser = parse::number_u32)]
    max: Option<u32>,
    /// Owner cookie of the reservation.
    #[arg(long, value_parser = parse::number_u64, default_value = "0")]
    owner: u64,
}

/// The four values naming an SA.
#[derive(Debug, Args)]
pub struct IdArgs {
    /// Direction: in or out.
    #[arg(long)]
    dir: Dir,
    /// SPI, decimal or 0x hex.
    #[arg(long, value_parser = parse::number_u32)]
    spi: u32,
    /// Security protocol.
    #[arg(long, default_value = "esp")]
    proto: Proto,
    /// Outer destination address.
    #[arg(long = "dst", value_name = "ADDR")]
    daddr: IpAddr,
}

impl IdArgs {
    fn id(&self) -> SaId {
        SaId {
            dir: self.dir,
            spi: self.spi,
            proto: self.proto,
            daddr: self.daddr,
        }
    }
}

/// The rsec device of an SA, by name or index.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct DeviceArgs {
    /// Device name.
    #[arg(long)]
    dev: Option<String>,
    /// Device index.
    #[arg(long)]
    ifindex: Option<u32>,
}

/// Restricts list and flush to a device and/or an owner.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only SAs of this device.
    #[arg(long, conflicts_with = "ifindex")]
    dev: Option<String>,
    /// Only SAs of this device index.
    #[arg(long)]
    ifindex: Option<u32>,
    /// Only SAs of this owner cookie.
    #[arg(long, value_parser = parse::number_u64)]
    owner: Option<u64>,
}

/// The encryption key, given in hex or in a file holding hex.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct EncrKeyArgs {
    /// Encryption key in hex (AEADs: key then 4-byte salt). Shows in `ps`: prefer a file.
    #[arg(long, value_parser = parse::hex_key)]
    encr_key: Option<Key>,
    /// File holding the encryption key in hex.
    #[arg(long)]
    encr_key_file: Option<PathBuf>,
}

/// Arguments of `sa add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    id: IdArgs,
    /// Encapsulation mode.
    #[arg(long, default_value = "tunnel")]
    mode: Mode,
    /// Outer source address.
    #[arg(long = "src", value_name = "ADDR")]
    saddr: IpAddr,
    #[command(flatten)]
    device: DeviceArgs,
    /// Encryption algorithm: aes-gcm-16, chacha20-poly1305 or aes-cbc.
    #[arg(long)]
    encr: EncrAlg,
    #[command(flatten)]
    encr_key: EncrKeyArgs,
    /// Integrity algorithm (with aes-cbc): hmac-sha2-256-128, -384-192 or -512-256.
    #[arg(long)]
    integ: Option<IntegAlg>,
    /// Integrity key in hex.
    #[arg(long, value_parser = parse::hex_key, requires = "integ")]
    integ_key: Option<Key>,
    /// File holding the integrity key in hex.
    #[arg(long, requires = "integ", conflicts_with = "integ_key")]
    integ_key_file: Option<PathBuf>,
    /// Anti-replay window in packets (inbound; 0 turns it off).
    #[arg(long)]
    replay_window: Option<u32>,
    /// Use 64-bit extended sequence numbers.
    #[arg(long)]
    esn: bool,
    /// Traffic selector, repeatable: 'src=10.1.0.0/24,dst=10.2.0.0/24,proto=tcp,sport=1-65535,dport=80'.
    #[arg(long = "sel", value_parser = parse::selector)]
    selectors: Vec<Selector>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Owner cookie.
    #[arg(long, value_parser = parse::number_u64, default_value = "0")]
    owner: u64,
}

/// Soft and hard lifetime limits; 0 or absent is none.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Soft limit in bytes.
    #[arg(long, default_value_t = 0)]
    soft_bytes: u64,
    /// Soft limit in packets.
    #[arg(long, default_value_t = 0)]
    soft_packets: u64,
    /// Soft limit in seconds.
    #[arg(long, default_value_t = 0)]
    soft_seconds: u64,
    /// Hard limit in bytes.
    #[arg(long, default_value_t = 0)]
    hard_bytes: u64,
    /// Hard limit in packets.
    #[arg(long, default_value_t = 0)]
    hard_packets: u64,
    /// Hard limit in seconds.
    #[arg(long, default_value_t = 0)]
    hard_seconds: u64,
}

impl LimitArgs {
    fn soft(&self) -> Lifetime {
        Lifetime {
            bytes: self.soft_bytes,
            packets: self.soft_packets,
            seconds: self.soft_seconds,
        }
    }

    fn hard(&self) -> Lifetime {
        Lifetime {
            bytes: self.hard_bytes,
            packets: self.hard_packets,
            seconds: self.hard_seconds,
        }
    }
}

/// Runs one `sa` subcommand.
pub fn run(cmd: SaCommand, out: Output) -> Result<(), CliError> {
    match cmd {
        SaCommand::AllocSpi(args) => alloc_spi(&args, out),
        SaCommand::Add(args) => add(&args),
        SaCommand::Del(args) => Ok(Client::connect()?.del_sa(&args.id())?),
        SaCommand::Get(args) => get(&args, out),
        SaCommand::List(args) => list(&args, out),
        SaCommand::Flush(args) => Ok(Client::connect()?.flush(&filter(&args)?)?),
    }
}

fn alloc_spi(args: &AllocSpiArgs, out: Output) -> Result<(), CliError> {
    let req = SpiRequest {
        proto: args.proto,
        daddr: args.daddr,
        min: args.min,
        max: args.max,
        owner: args.owner,
    };
    let spi = Client::connect()?.alloc_spi(&req)?;

    #[derive(Serialize)]
    struct Reply {
        spi: u32,
    }
    if out.json {
        return print_json(&Reply { spi });
    }
    println!("{spi:#010x}");
    Ok(())
}

fn add(args: &AddArgs) -> Result<(), CliError> {
    let ifindex = device_index(&args.device)?;
    let cfg = config(args, ifindex)?;
    Client::connect()?.add_sa(&cfg)?;
    Ok(())
}

/// The SaConfig that `sa add` asks for, on device `ifindex`.
fn config(args: &AddArgs, ifindex: u32) -> Result<SaConfig, CliError> {
    let encr_key = key(&args.encr_key.encr_key, &args.encr_key.encr_key_file)?;
    let integ = match args.integ {
        None => None,
        Some(alg) => Some(Integ {
            alg,
            key: key(&args.integ_key, &args.integ_key_file)?,
        }),
    };
    let flags = if args.esn {
        SaFlags::ESN
    } else {
        SaFlags::default()
    };

    Ok(SaConfig {
        id: args.id.id(),
        mode: args.mode,
        saddr: args.saddr,
        ifindex,
        encr_alg: args.encr,
        encr_key,
        integ,
        replay_window: args.replay_window,
        flags,
        lifetime_soft: args.limits.soft(),
        lifetime_hard: args.limits.hard(),
        selectors: args.selectors.clone(),
        owner: args.owner,
    })
}

/// A key given inline or in a file.
fn key(inline: &Option<Key>, file: &Option<PathBuf>) -> Result<Key, CliError> {
    if let Some(key) = inline {
        return Ok(key.clone());
    }
    match file {
        Some(path) => parse::key_file(path),
        None => Err(CliError::Usage(
            "--integ needs --integ-key or --integ-key-file".into(),
        )),
    }
}

fn get(args: &IdArgs, out: Output) -> Result<(), CliError> {
    let sa = Client::connect()?.get_sa(&args.id())?;
    let dev = device_name(sa.ifindex);
    if out.json {
        return print_json(&SaJson::new(&sa, dev));
    }
    print!("{}", render::sa_details(&sa, &dev));
    Ok(())
}

fn list(args: &FilterArgs, out: Output) -> Result<(), CliError> {
    let sas = Client::connect()?.dump_sas(&filter(args)?)?;
    let named: Vec<(SaInfo, Option<String>)> = sas
        .into_iter()
        .map(|sa| {
            let dev = device_name(sa.ifindex);
            (sa, dev)
        })
        .collect();
    if out.json {
        let json: Vec<SaJson> = named
            .iter()
            .map(|(sa, dev)| SaJson::new(sa, dev.clone()))
            .collect();
        return print_json(&json);
    }
    print!("{}", render::sa_table(&named));
    Ok(())
}

fn filter(args: &FilterArgs) -> Result<SaFilter, CliError> {
    let ifindex = match (&args.dev, args.ifindex) {
        (Some(name), _) => Some(name_to_index(name)?),
        (None, ifindex) => ifindex,
    };
    Ok(SaFilter {
        ifindex,
        owner: args.owner,
    })
}

fn device_index(device: &DeviceArgs) -> Result<u32, CliError> {
    match (&device.dev, device.ifindex) {
        (Some(name), _) => name_to_index(name),
        (None, Some(ifindex)) => Ok(ifindex),
        (None, None) => Err(CliError::Usage("give --dev or --ifindex".into())),
    }
}

fn name_to_index(name: &str) -> Result<u32, CliError> {
    nix::net::if_::if_nametoindex(name)
        .map_err(|e| CliError::Usage(format!("device {name:?}: {}", e.desc())))
}

/// The name of device `ifindex` in this namespace, if it has one.
fn device_name(ifindex: u32) -> Option<String> {
    let name = nix::net::if_::if_indextoname(ifindex).ok()?;
    name.into_string().ok()
}

fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Usage(format!("JSON output: {e}")))?;
    println!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(subcommand)]
        cmd: SaCommand,
    }

    fn parse(args: &str) -> Result<SaCommand, clap::Error> {
        let argv = std::iter::once("sa").chain(args.split_whitespace());
        Wrap::try_parse_from(argv).map(|w| w.cmd)
    }

    fn add_args(args: &str) -> AddArgs {
        match parse(args).unwrap() {
            SaCommand::Add(add) => *add,
            other => panic!("not add: {other:?}"),
        }
    }

    const GCM_OUT: &str = "add --dir out --spi 0x1000 --proto esp --mode tunnel \
        --src 198.51.100.1 --dst 198.51.100.2 --ifindex 4 --encr aes-gcm-16 \
        --encr-key 000102030405060708090a0b0c0d0e0f10111213";

    #[test]
    fn add_builds_the_config() {
        let args = add_args(&format!(
            "{GCM_OUT} --sel src=10.1.0.0/24,dst=10.2.0.0/24 --sel dst=10.3.0.1 --esn \
             --soft-bytes 1000 --hard-seconds 60 --owner 0x2a"
        ));
        let cfg = config(&args, 4).unwrap();

        assert_eq!(cfg.id.dir, Dir::Out);
        assert_eq!(cfg.id.spi, 0x1000);
        assert_eq!(cfg.id.daddr, "198.51.100.2".parse::<IpAddr>().unwrap());
        assert_eq!(cfg.encr_alg, EncrAlg::AesGcm16);
        assert_eq!(cfg.encr_key.as_bytes(), (0..20).collect::<Vec<u8>>());
        assert_eq!(cfg.integ, None);
        assert_eq!(cfg.selectors.len(), 2);
        assert!(cfg.flags.esn());
        assert_eq!(cfg.lifetime_soft.bytes, 1000);
        assert_eq!(cfg.lifetime_hard.seconds, 60);
        assert_eq!(cfg.owner, 42);
        assert_eq!(cfg.replay_window, None);
    }

    #[test]
    fn add_with_cbc_and_integrity_key_file() {
        let path = std::env::temp_dir().join(format!("rsecctl-integ-{}", std::process::id()));
        std::fs::write(&path, "ab".repeat(32)).unwrap();
        let args = add_args(&format!(
            "add --dir in --spi 4096 --src ::1 --dst ::2 --ifindex 1 --encr aes-cbc \
             --encr-key 00112233445566778899aabbccddeeff --integ hmac-sha2-256-128 \
             --integ-key-file {} --replay-window 128",
            path.display()
        ));
        let cfg = config(&args, 1);
        std::fs::remove_file(&path).unwrap();

        let cfg = cfg.unwrap();
        let integ = cfg.integ.unwrap();
        assert_eq!(integ.alg, IntegAlg::HmacSha2_256_128);
        assert_eq!(integ.key.as_bytes(), [0xab; 32]);
        assert_eq!(cfg.replay_window, Some(128));
        assert_eq!(cfg.id.proto, Proto::Esp);
        assert_eq!(cfg.mode, Mode::Tunnel);
    }

    #[test]
    fn integ_without_key_is_refused() {
        let args = add_args(&format!("{GCM_OUT} --integ hmac-sha2-256-128"));
        let err = config(&args, 4).unwrap_err();
        assert!(err.to_string().contains("--integ-key"), "{err}");
    }

    #[test]
    fn add_argument_errors() {
        let no_key = GCM_OUT.split(" --encr-key").next().unwrap();
        assert!(parse(no_key).is_err(), "an encryption key is required");
        assert!(
            parse(&format!("{GCM_OUT} --encr-key-file /k")).is_err(),
            "one key source"
        );
        assert!(
            parse(&GCM_OUT.replace("--ifindex 4", "")).is_err(),
            "a device is required"
        );
        assert!(
            parse(&format!("{GCM_OUT} --dev rsec0")).is_err(),
            "one device"
        );
        assert!(parse(&GCM_OUT.replace("aes-gcm-16", "des")).is_err());
        assert!(parse(&GCM_OUT.replace("0x1000", "0x1g")).is_err());
        assert!(
            parse(&format!("{GCM_OUT} --integ-key 00")).is_err(),
            "key needs --integ"
        );
        assert!(parse(&format!("{GCM_OUT} --sel proto=tcp")).is_err());
    }

    #[test]
    fn id_and_filter_arguments() {
        let SaCommand::Del(id) = parse("del --dir in --spi 0x100 --dst 192.0.2.1").unwrap() else {
            panic!("not del");
        };
        assert_eq!(id.id().proto, Proto::Esp);
        assert_eq!(id.id().spi, 0x100);

        let SaCommand::List(f) = parse("list --ifindex 3 --owner 0x10").unwrap() else {
            panic!("not list");
        };
        assert_eq!(
            filter(&f).unwrap(),
            SaFilter {
                ifindex: Some(3),
                owner: Some(16)
            }
        );
        assert!(parse("flush --dev a --ifindex 3").is_err());

        let SaCommand::Flush(f) = parse("flush --dev no-such-device0").unwrap() else {
            panic!("not flush");
        };
        let err = filter(&f).unwrap_err();
        assert!(err.to_string().contains("no-such-device0"), "{err}");
    }

    #[test]
    fn alloc_spi_arguments() {
        let SaCommand::AllocSpi(a) =
            parse("alloc-spi --dst 192.0.2.1 --min 0x100 --max 0x1ff").unwrap()
        else {
            panic!("not alloc-spi");
        };
        assert_eq!(
            (a.proto, a.min, a.max, a.owner),
            (Proto::Esp, Some(256), Some(511), 0)
        );
    }
}

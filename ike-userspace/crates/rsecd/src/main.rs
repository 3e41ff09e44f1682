//! `rsecd`: the IKEv2 daemon of rsec.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use rsecd::backend::{KernelBackend, MemoryBackend, NetlinkBackend};
use rsecd::config::{BackendKind, Config};
use rsecd::daemon::{Daemon, DaemonError};
use tokio::signal::unix::{signal, SignalKind};
use tracing::{error, info, warn};

/// Command line of rsecd.
#[derive(Debug, Parser)]
#[command(version, about = "IKEv2 daemon of the rsec IPsec stack")]
struct Args {
    /// The configuration file.
    #[arg(long, short, default_value = "/etc/rsec/rsecd.toml")]
    config: PathBuf,
    /// Stay in the foreground (rsecd never daemonizes itself; run it under systemd or
    /// similar; accepted for compatibility).
    #[arg(long, short)]
    foreground: bool,
    /// Log filter: error, warn, info, debug, trace, or a tracing-subscriber directive.
    #[arg(long, default_value = "info")]
    log_level: String,
    /// Override the configured kernel backend (`memory` keeps SAs in the daemon only).
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Override the configured IKE port.
    #[arg(long)]
    port: Option<u16>,
    /// Check the configuration and exit.
    #[arg(long)]
    check: bool,
}

/// `--backend` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum BackendArg {
    Netlink,
    Memory,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&args.log_level))
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal: in log files they split `key=value` apart.
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let config = match load(&args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("rsecd: {e}");
            return ExitCode::from(2);
        }
    };
    if args.check {
        println!(
            "{}: OK, {} connection(s)",
            config.file.display(),
            config.connections.len()
        );
        return ExitCode::SUCCESS;
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rsecd: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            error!(error = %e, "rsecd failed");
            eprintln!("rsecd: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The configuration with the command line's overrides.
fn load(args: &Args) -> Result<Config, DaemonError> {
    let mut config = Config::load(&args.config)?;
    if let Some(port) = args.port {
        config.daemon.port = port;
    }
    match args.backend {
        Some(BackendArg::Memory) => config.daemon.backend = BackendKind::Memory,
        Some(BackendArg::Netlink) => config.daemon.backend = BackendKind::Netlink,
        None => {}
    }
    if config.has_inline_secrets {
        warn_if_readable(&config);
    }
    Ok(config)
}

/// Inline secrets in a file others can read are worth a warning.
fn warn_if_readable(config: &Config) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&config.file)
        .map(|m| m.permissions().mode())
        .unwrap_or(0);
    if mode & 0o077 != 0 {
        warn!(file = %config.file.display(), mode = format_args!("{:o}", mode & 0o777), "configuration holds secrets and is readable by others");
    }
}

/// Runs the daemon until SIGTERM or SIGINT; SIGHUP reloads the configuration.
async fn serve(config: Config) -> Result<(), DaemonError> {
    let backend: Box<dyn KernelBackend> = match config.daemon.backend {
        BackendKind::Netlink => Box::new(NetlinkBackend::connect()?),
        BackendKind::Memory => Box::new(MemoryBackend::default()),
    };
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let daemon = Daemon::start(config, backend).await?;

    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => reload(&daemon).await,
        }
    }
    info!("signal received, stopping");
    daemon.shutdown().await;
    Ok(())
}

async fn reload(daemon: &Daemon) {
    let (reply, response) = tokio::sync::oneshot::channel();
    let event = rsecd::daemon::Event::Control {
        request: rsec_control::Request::Reload,
        reply,
    };
    if daemon.events().send(event).await.is_ok() {
        match response.await {
            Ok(rsec_control::Response::Ok { message }) => info!(%message, "SIGHUP"),
            Ok(other) => warn!(?other, "SIGHUP reload"),
            Err(_) => {}
        }
    }
}

//! rsecctl: command-line control of the rsec IPsec stack.
//!
//! `rsecctl sa ...` keys SAs by hand in the kernel over the `rsec` generic netlink family.
//! `rsecctl status|list-sas|initiate|terminate|reload` control rsecd over its Unix socket.

mod daemon;
mod parse;
mod render;
mod sa;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command-line control of the rsec IPsec stack.
#[derive(Debug, Parser)]
#[command(name = "rsecctl", version, about)]
struct Cli {
    /// Print JSON for machines instead of tables.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

/// The subcommands, one module each.
#[derive(Debug, Subcommand)]
enum Command {
    /// Manual keying: allocate SPIs, add, read, list and delete the kernel's SAs.
    #[command(subcommand)]
    Sa(sa::SaCommand),

    /// Daemon control: status, list-sas, initiate, terminate, reload.
    #[command(flatten)]
    Daemon(daemon::DaemonCommand),
}

/// Everything that makes rsecctl fail.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The kernel or the netlink exchange failed.
    #[error("{0}")]
    Netlink(#[from] rsec_netlink::Error),

    /// rsecd refused a command or could not be reached.
    #[error("{0}")]
    Daemon(#[from] rsec_control::Error),

    /// An argument made no sense.
    #[error("{0}")]
    Usage(String),

    /// A file named on the command line could not be read.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// How results are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// JSON instead of text.
    pub json: bool,
}

fn run(cli: Cli) -> Result<(), CliError> {
    let out = Output { json: cli.json };
    match cli.command {
        Command::Sa(cmd) => sa::run(cmd, out),
        Command::Daemon(cmd) => daemon::run(cmd, out),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rsecctl: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn json_is_global() {
        let before = Cli::try_parse_from(["rsecctl", "--json", "sa", "list"]).unwrap();
        let after = Cli::try_parse_from(["rsecctl", "sa", "list", "--json"]).unwrap();
        assert!(before.json && after.json);
        let plain = Cli::try_parse_from(["rsecctl", "sa", "list"]).unwrap();
        assert!(!plain.json);
    }

    #[test]
    fn daemon_subcommands_parse() {
        let cli =
            Cli::try_parse_from(["rsecctl", "initiate", "gw", "--socket", "/tmp/x.sock"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Daemon(daemon::DaemonCommand::Initiate { ref connection, .. }) if connection == "gw"
        ));
        let cli = Cli::try_parse_from(["rsecctl", "list-sas", "--json"]).unwrap();
        assert!(
            cli.json
                && matches!(
                    cli.command,
                    Command::Daemon(daemon::DaemonCommand::ListSas(_))
                )
        );
        assert!(Cli::try_parse_from(["rsecctl", "terminate"]).is_err());
    }
}

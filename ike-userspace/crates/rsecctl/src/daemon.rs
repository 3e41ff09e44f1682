//! `rsecctl status|list-sas|initiate|terminate|reload`: control of the rsecd daemon over its
//! Unix socket (root only), with the protocol and client of `rsec-control`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rsec_control::{format, Client, DEFAULT_SOCKET};

use crate::{CliError, Output};

/// Where rsecd listens.
#[derive(Debug, Args)]
pub struct SocketArg {
    /// rsecd's control socket.
    #[arg(long, default_value = DEFAULT_SOCKET)]
    socket: PathBuf,
}

/// Daemon control subcommands.
#[derive(Debug, Subcommand)]
pub enum DaemonCommand {
    /// Show rsecd's status and configured connections.
    Status(SocketArg),
    /// List IKE and Child SAs with algorithms, SPIs, counters and rekey times.
    ListSas(SocketArg),
    /// Set up a connection now.
    Initiate {
        /// The connection's name in rsecd's configuration.
        connection: String,
        #[command(flatten)]
        socket: SocketArg,
    },
    /// Delete a connection's SAs, telling the peer.
    Terminate {
        /// The connection's name in rsecd's configuration.
        connection: String,
        #[command(flatten)]
        socket: SocketArg,
    },
    /// Make rsecd read its configuration again (a bad file changes nothing).
    Reload(SocketArg),
}

/// Runs one daemon subcommand.
pub fn run(cmd: DaemonCommand, out: Output) -> Result<(), CliError> {
    match cmd {
        DaemonCommand::Status(s) => {
            let status = Client::connect(&s.socket)?.status()?;
            print(out, &status, || format::status_text(&status))
        }
        DaemonCommand::ListSas(s) => {
            let sas = Client::connect(&s.socket)?.list_sas()?;
            print(out, &sas, || format::sa_table(&sas))
        }
        DaemonCommand::Initiate { connection, socket } => {
            message(out, Client::connect(&socket.socket)?.initiate(&connection)?)
        }
        DaemonCommand::Terminate { connection, socket } => message(
            out,
            Client::connect(&socket.socket)?.terminate(&connection)?,
        ),
        DaemonCommand::Reload(s) => message(out, Client::connect(&s.socket)?.reload()?),
    }
}

fn print<T: serde::Serialize>(
    out: Output,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<(), CliError> {
    if out.json {
        let json =
            serde_json::to_string_pretty(value).map_err(|e| CliError::Usage(e.to_string()))?;
        println!("{json}");
    } else {
        print!("{}", text());
    }
    Ok(())
}

fn message(out: Output, text: String) -> Result<(), CliError> {
    print(out, &serde_json::json!({ "message": text }), || {
        format!("{text}\n")
    })
}

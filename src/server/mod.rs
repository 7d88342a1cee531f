//! The team's sync server (`meedoen-server`, also `meedoen server`): a stateless service over
//! PostgreSQL that keeps each team's sealed records and hands them to the team's replicas.
//!
//! It speaks [`crate::protocol`] and uses nothing else of meedoen (`tests/server.rs`
//! checks the built binary holds no terminal UI, and the `meedoen` binary no async runtime).
//! - [`schema`]: the tables and their migrations, run at every start;
//! - [`db`]: the connection pool and the queries (join, invites, pull, create-team);
//! - [`push`]: a push applied in one transaction per team;
//! - [`http`]: the routes, bodies and error statuses;
//! - [`tls`]: rustls from PEM files.

pub mod db;
pub mod http;
pub mod push;
pub mod schema;
pub mod tls;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// Exit code of wrong arguments (as `meedoen`'s).
pub const USAGE: i32 = 2;
/// How long a stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(10);
/// How often expired invite payloads and old push answers are removed (also at start).
const TIDY: Duration = Duration::from_secs(6 * 3600);

/// meedoen-server: the team sync service over PostgreSQL (it stores sealed records it cannot read).
#[derive(Debug, Parser)]
#[command(name = "meedoen-server", version, args_conflicts_with_subcommands = true)]
pub struct Args {
    /// The PostgreSQL database (postgres://USER@HOST/DB, or key=value settings).
    #[arg(long, env = "MEEDOEN_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: Option<String>,
    /// Address and port to listen on; plain HTTP only on a loopback address.
    #[arg(long, default_value = "127.0.0.1:8443", value_name = "ADDR")]
    listen: SocketAddr,
    /// The server's certificate chain (PEM, leaf first).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<ServerCommand>,
}

#[derive(Debug, Subcommand)]
enum ServerCommand {
    /// Create a team and print the one-time code of its first coach (valid 14 days).
    CreateTeam {
        /// The PostgreSQL database.
        #[arg(long, env = "MEEDOEN_DATABASE_URL", value_name = "URL", hide_env_values = true)]
        database: String,
        /// The team's name (the organisation's, shown to the coaches who join).
        name: String,
    },
}

/// Why a request failed; `http` turns it into a status and a sentence.
#[derive(Debug)]
pub enum Fail {
    BadRequest(String),
    Unauthorized,
    Forbidden(String),
    NotFound(String),
    Gone(String),
    TooLarge,
    Unavailable(String),
    Internal(String),
}

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Fail {
        // The database is unreachable: a closed or failed connection, or a refusal of the
        // classes "connection exception" (08), "insufficient resources" (53) or "operator
        // intervention" (57: shutting down, starting up). Anything else is a bug here.
        let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        let class = e.code().and_then(|c| c.code().get(..2));
        if e.is_closed() || io || matches!(class, Some("08" | "53" | "57")) {
            Fail::Unavailable(format!("the database cannot be reached ({e})"))
        } else {
            Fail::Internal(format!("database error: {e}"))
        }
    }
}

/// Runs the server's command line; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { USAGE } else { 0 };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("meedoen-server: cannot start: {e}");
            return 1;
        }
    };
    let outcome = match args.command {
        Some(ServerCommand::CreateTeam { database, name }) => runtime.block_on(create_team(&database, &name)),
        None => match plan(args) {
            Ok(plan) => runtime.block_on(serve(plan)),
            Err(e) => Err(e),
        },
    };
    runtime.shutdown_timeout(Duration::from_secs(1));
    match outcome {
        Ok(()) => 0,
        Err(Failure { message, code }) => {
            eprintln!("meedoen-server: {message}");
            code
        }
    }
}

/// A command's failure: one sentence and an exit code.
struct Failure {
    message: String,
    code: i32,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, code: 1 }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure { message: message.into(), code: USAGE }
}

/// What `serve` is to do, checked.
struct Plan {
    database: String,
    listen: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
}

fn plan(args: Args) -> Result<Plan, Failure> {
    let database = args.database.ok_or_else(|| usage("--database URL is needed (the PostgreSQL database)"))?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::config(cert, key)?),
        _ => None,
    };
    if tls.is_none() && !args.listen.ip().is_loopback() {
        return Err(usage(format!(
            "{} is not a loopback address: give --tls-cert FILE and --tls-key FILE to listen there",
            args.listen
        )));
    }
    Ok(Plan { database, listen: args.listen, tls })
}

/// One connection, for the migrations and `create-team`.
async fn connect(url: &str) -> Result<tokio_postgres::Client, String> {
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| format!("the database URL is not valid: {e}"))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    let (client, connection) =
        config.connect(tokio_postgres::NoTls).await.map_err(|e| format!("cannot reach the database: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

async fn migrate(url: &str) -> Result<(), String> {
    let mut client = connect(url).await?;
    schema::migrate(&mut client).await.map_err(|e| format!("cannot create or update the tables: {e}"))?;
    Ok(())
}

async fn create_team(url: &str, name: &str) -> Result<(), Failure> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(usage("the team's name is 1 to 200 characters"));
    }
    migrate(url).await?;
    let mut client = connect(url).await?;
    let code = db::create_team(&mut client, name).await.map_err(|e| format!("cannot create the team: {e}"))?;
    println!("Team \"{name}\" is made. Its first coach joins it in meedoen with this one-time code,");
    println!("valid for 14 days; their caseload's key becomes the team's. Colleagues are invited from meedoen.");
    println!("{code}");
    Ok(())
}

async fn serve(plan: Plan) -> Result<(), Failure> {
    migrate(&plan.database).await?;
    let pool = db::pool(&plan.database)?;
    let tidying = pool.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TIDY);
        loop {
            every.tick().await;
            if let Err(e) = db::tidy(&tidying).await {
                eprintln!("meedoen-server: tidying up failed: {e:?}");
            }
        }
    });
    let listener =
        TcpListener::bind(plan.listen).await.map_err(|e| format!("cannot listen on {}: {e}", plan.listen))?;
    let local = listener.local_addr().map_err(|e| format!("cannot listen on {}: {e}", plan.listen))?;
    let app = http::router(pool).into_make_service();
    let stopping = Arc::new(Notify::new());
    let signal = {
        let stopping = stopping.clone();
        async move {
            stop_signal().await;
            stopping.notify_one();
        }
    };
    let served = async {
        match plan.tls {
            Some(config) => {
                let listener = tls::TlsListener::new(listener, config).map_err(|e| format!("cannot listen: {e}"))?;
                eprintln!("meedoen-server listening on https://{local}");
                axum::serve(listener, app).with_graceful_shutdown(signal).await
            }
            None => {
                eprintln!("meedoen-server listening on http://{local}");
                axum::serve(listener, app).with_graceful_shutdown(signal).await
            }
        }
        .map_err(|e| format!("the server stopped: {e}"))
    };
    // A stop waits for requests in flight, but not for ever.
    let deadline = async {
        stopping.notified().await;
        tokio::time::sleep(DRAIN).await;
    };
    tokio::select! {
        outcome = served => outcome?,
        () = deadline => {}
    }
    eprintln!("meedoen-server stopped");
    Ok(())
}

/// SIGTERM (a service manager) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

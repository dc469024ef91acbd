//! `fwr-backend`: the reference backend of fetch-with-refresh.
//!
//! One HTTP server on 127.0.0.1 that issues real HS256 JWTs (`exp`/`iat`), rotates refresh tokens on
//! every refresh and detects reuse (an old refresh token presented again revokes its whole family),
//! and speaks the five backend flavours of DESIGN.md under `/s000` … `/s004`. With `--admin` it has
//! the test-only `/__admin/*` endpoints (expire tokens now, inject refresh faults, read counters);
//! with `--static DIR` it serves files under `/static/`, with `--app DIR` a built app at `/`.
//!
//! The first stdout line is `LISTENING http://127.0.0.1:PORT`; then one stderr line per request
//! (unless `--quiet`). SIGINT or SIGTERM stops it cleanly (exit status 0).

mod admin;
mod api;
mod config;
mod cors;
mod counters;
mod faults;
mod files;
mod flavours;
mod http;
mod jwt;
mod log;
mod server;
mod state;
mod tokens;

use std::future::{Future, IntoFuture as _};
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::{Command, Config, USAGE};
use crate::server::App;
use crate::state::Backend;
use crate::tokens::{Authority, Ids};

/// How long open requests may take to finish after a stop signal before the process exits anyway.
const GRACE: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    let config = match config::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            let _ = writeln!(std::io::stdout().lock(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            log::line(&format!("fwr-backend: {error}\n\n{USAGE}"));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            log::line(&format!("fwr-backend: cannot start the runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log::line(&format!("fwr-backend: {error}"));
            ExitCode::FAILURE
        }
    }
}

/// `N` bytes from the operating system's random source.
fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes: {e}"))?;
    Ok(bytes)
}

/// Resolves at the first SIGINT or SIGTERM. The handlers are installed before this returns, so a
/// signal sent right after the LISTENING line is never lost.
#[cfg(unix)]
fn stop_signal() -> Result<impl Future<Output = ()>, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| format!("SIGTERM handler: {e}"))?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| format!("SIGINT handler: {e}"))?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// Resolves at the first Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> Result<impl Future<Output = ()>, String> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Prints the LISTENING line, flushed: whoever started us waits for it.
fn announce(address: SocketAddr) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "LISTENING http://{address}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("stdout: {e}"))
}

/// Serves until a stop signal.
async fn run(config: Config) -> Result<(), String> {
    let secret = match config.secret {
        Some(secret) => secret,
        None => random_bytes::<32>()?.to_vec(),
    };
    let authority = Authority::new(
        jwt::Jwt::new(&secret)?,
        Ids::new(random_bytes()?),
        config.access_ttl,
        config.refresh_ttl,
    );
    let app = Arc::new(App::new(Backend::new(authority), config.admin, config.static_dir, config.app_dir));

    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
    let address = listener.local_addr().map_err(|e| format!("no local address: {e}"))?;
    let stop = stop_signal()?;
    announce(address)?;

    let stopping = Arc::new(Notify::new());
    let shutdown = {
        let (app, stopping) = (Arc::clone(&app), Arc::clone(&stopping));
        async move {
            stop.await;
            app.backend.faults.reset(); // ends the calls held open by a `hang` fault
            stopping.notify_one();
        }
    };
    let serving = axum::serve(listener, server::router(app, config.quiet)).with_graceful_shutdown(shutdown);
    tokio::select! {
        result = serving.into_future() => result.map_err(|e| format!("server: {e}")),
        () = async { stopping.notified().await; tokio::time::sleep(GRACE).await } => {
            log::line("fwr-backend: requests still open after the grace period; stopping anyway");
            Ok(())
        }
    }
}

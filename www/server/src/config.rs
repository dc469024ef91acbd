//! The command line, with environment fallbacks:
//!
//! ```text
//! fwr-backend [--port N] [--static DIR] [--app DIR] [--access-ttl S] [--refresh-ttl S]
//!             [--admin] [--secret S] [--quiet]
//! ```
//!
//! `FWR_PORT`, `FWR_ACCESS_TTL`, `FWR_REFRESH_TTL` and `FWR_SECRET` are read when the flag is not
//! given; a flag also takes the `--name=value` form.

use std::path::PathBuf;

/// The usage text (`--help`).
pub const USAGE: &str = "\
usage: fwr-backend [--port N] [--static DIR] [--app DIR] [--access-ttl S] [--refresh-ttl S]
                   [--admin] [--secret S] [--quiet]

The reference backend of fetch-with-refresh, on 127.0.0.1 only. It issues HS256 JWTs and serves
the five backend flavours under /s000 ... /s004.

  --port N          port (0: any free one; env FWR_PORT; default 8787)
  --static DIR      serve DIR's files under /static/
  --app DIR         serve a built single-page app from DIR at /
  --access-ttl S    access token lifetime in seconds (env FWR_ACCESS_TTL; default 60)
  --refresh-ttl S   refresh token lifetime in seconds (env FWR_REFRESH_TTL; default 600)
  --admin           enable the test-only /__admin/* endpoints
  --secret S        HS256 signing secret (env FWR_SECRET; default: random per run)
  --quiet           no request log on stderr

The first stdout line is `LISTENING http://127.0.0.1:PORT`. SIGINT or SIGTERM stops it.";

/// What the server runs with.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Served under `/static/`.
    pub static_dir: Option<PathBuf>,
    /// Served at `/`.
    pub app_dir: Option<PathBuf>,
    /// Access token lifetime, seconds.
    pub access_ttl: u64,
    /// Refresh token lifetime, seconds.
    pub refresh_ttl: u64,
    /// Whether `/__admin/*` answers.
    pub admin: bool,
    /// The signing secret (random when `None`).
    pub secret: Option<Vec<u8>>,
    /// No request log.
    pub quiet: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("port", &self.port)
            .field("static_dir", &self.static_dir)
            .field("app_dir", &self.app_dir)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("admin", &self.admin)
            .field("secret", &self.secret.as_ref().map(|_| "<set>"))
            .field("quiet", &self.quiet)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 8787,
            static_dir: None,
            app_dir: None,
            access_ttl: 60,
            refresh_ttl: 600,
            admin: false,
            secret: None,
            quiet: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve.
    Run(Config),
    /// Print [`USAGE`].
    Help,
}

/// A port number.
fn port(text: &str) -> Result<u16, String> {
    text.parse().map_err(|_| format!("not a port number: {text:?}"))
}

/// A lifetime: a whole number of seconds, at least 1.
fn seconds(text: &str) -> Result<u64, String> {
    text.parse()
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("not a positive whole number of seconds: {text:?}"))
}

/// An existing directory, made absolute.
fn directory(text: &str) -> Result<PathBuf, String> {
    let path = std::fs::canonicalize(text).map_err(|e| format!("{text}: {e}"))?;
    if path.is_dir() {
        Ok(path)
    } else {
        Err(format!("{text}: not a directory"))
    }
}

/// A secret: any non-empty string, used as its UTF-8 bytes.
fn secret(text: &str) -> Result<Vec<u8>, String> {
    if text.is_empty() {
        Err("the secret is empty".to_owned())
    } else {
        Ok(text.as_bytes().to_vec())
    }
}

/// Parses the arguments (without the program name); `env` reads an environment variable.
pub fn parse(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Command, String> {
    let mut config = Config::default();
    let fallbacks = [
        ("FWR_PORT", "--port"),
        ("FWR_ACCESS_TTL", "--access-ttl"),
        ("FWR_REFRESH_TTL", "--refresh-ttl"),
        ("FWR_SECRET", "--secret"),
    ];
    for (variable, flag) in fallbacks {
        if let Some(value) = env(variable) {
            set(&mut config, flag, &value).map_err(|e| format!("{variable}: {e}"))?;
        }
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg, None),
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--admin" | "--quiet" if inline.is_some() => return Err(format!("{flag} takes no value")),
            "--admin" => config.admin = true,
            "--quiet" => config.quiet = true,
            "--port" | "--static" | "--app" | "--access-ttl" | "--refresh-ttl" | "--secret" => {
                let value = inline.or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"))?;
                set(&mut config, &flag, &value).map_err(|e| format!("{flag}: {e}"))?;
            }
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(Command::Run(config))
}

/// Sets the option of a flag that takes a value.
fn set(config: &mut Config, flag: &str, value: &str) -> Result<(), String> {
    match flag {
        "--port" => config.port = port(value)?,
        "--static" => config.static_dir = Some(directory(value)?),
        "--app" => config.app_dir = Some(directory(value)?),
        "--access-ttl" => config.access_ttl = seconds(value)?,
        "--refresh-ttl" => config.refresh_ttl = seconds(value)?,
        "--secret" => config.secret = Some(secret(value)?),
        _ => return Err(format!("unknown flag {flag}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Config, String> {
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match parse(args.iter().map(|a| (*a).to_owned()), lookup)? {
            Command::Run(config) => Ok(config),
            Command::Help => Err("help".to_owned()),
        }
    }

    #[test]
    fn defaults_are_the_demo_ones() {
        assert_eq!(run(&[], &[]).unwrap(), Config::default());
        assert_eq!(Config::default().port, 8787);
        assert_eq!((Config::default().access_ttl, Config::default().refresh_ttl), (60, 600));
    }

    #[test]
    fn flags_win_over_the_environment() {
        let env =
            [("FWR_PORT", "9000"), ("FWR_ACCESS_TTL", "5"), ("FWR_REFRESH_TTL", "50"), ("FWR_SECRET", "e")];
        let c = run(&[], &env).unwrap();
        assert_eq!(
            (c.port, c.access_ttl, c.refresh_ttl, c.secret.as_deref()),
            (9000, 5, 50, Some(&b"e"[..]))
        );
        let c = run(&["--port", "0", "--access-ttl=7", "--admin", "--quiet", "--secret", "s"], &env).unwrap();
        assert_eq!((c.port, c.access_ttl, c.refresh_ttl), (0, 7, 50));
        assert!(c.admin && c.quiet);
        assert_eq!(c.secret.as_deref(), Some(&b"s"[..]));
        assert!(!format!("{c:?}").contains("\"s\""), "the secret is not printed");
    }

    #[test]
    fn directories_must_exist() {
        let c = run(&["--static", ".", "--app", "."], &[]).unwrap();
        assert!(c.static_dir.unwrap().is_absolute());
        assert!(run(&["--static", "/no/such/dir"], &[]).is_err());
        assert!(run(&["--app", "Cargo.toml"], &[]).unwrap_err().contains("not a directory"));
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(run(&["--port"], &[]).unwrap_err().contains("needs a value"));
        assert!(run(&["--port", "70000"], &[]).is_err());
        assert!(run(&["--access-ttl", "0"], &[]).is_err());
        assert!(run(&["--access-ttl", "1.5"], &[]).is_err());
        assert!(run(&["--admin=yes"], &[]).is_err());
        assert!(run(&["--secret", ""], &[]).is_err());
        assert!(run(&["--bogus"], &[]).unwrap_err().contains("unknown argument"));
        assert!(run(&[], &[("FWR_PORT", "x")]).unwrap_err().starts_with("FWR_PORT"));
        assert_eq!(run(&["--help"], &[]), Err("help".to_owned()));
    }
}

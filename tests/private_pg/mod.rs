//! A private PostgreSQL cluster for fault tests: `initdb` into a temp folder as the `postgres`
//! OS user (initdb refuses root), started on a free port with its unix socket in the folder.
//! Stopped (SIGQUIT, immediate shutdown) and removed on drop, also when a test fails.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{free_port, port_open, wait_for};

/// Sends `sig` to `pid`, quietly (the process may have exited).
fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status();
}

/// The newest installed PostgreSQL's bin directory.
pub fn pg_bin() -> PathBuf {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed under /usr/lib/postgresql")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort();
    PathBuf::from(format!(
        "/usr/lib/postgresql/{}/bin",
        versions.last().expect("a PostgreSQL version")
    ))
}

/// A private cluster; `port` stays the same across [`PrivatePg::stop`] / [`PrivatePg::start`].
pub struct PrivatePg {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// Extra `-c name=value` settings passed on every start.
    pub settings: Vec<String>,
    child: Option<Child>,
}

fn as_postgres(program: &Path) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(program);
    c
}

impl PrivatePg {
    /// initdb + start on a free port.
    pub fn new() -> PrivatePg {
        Self::with_settings(&[])
    }

    /// initdb + start with TLS on (the Debian snakeoil certificate, CN and SAN `localhost`).
    pub fn with_tls() -> PrivatePg {
        Self::with_settings(&["ssl=on"])
    }

    /// initdb + start with extra settings (`name=value`). With `ssl=on` the snakeoil
    /// certificate and key are copied into the cluster's folder first.
    pub fn with_settings(settings: &[&str]) -> PrivatePg {
        let dir = tempfile::tempdir().unwrap();
        let st = Command::new("chown")
            .arg("postgres:postgres")
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(st.success(), "chown of the temp folder failed");
        let out = as_postgres(&pg_bin().join("initdb"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut settings: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
        if settings.iter().any(|s| s == "ssl=on") {
            let (crt, key) = (dir.path().join("server.crt"), dir.path().join("server.key"));
            std::fs::copy("/etc/ssl/certs/ssl-cert-snakeoil.pem", &crt).unwrap();
            std::fs::copy("/etc/ssl/private/ssl-cert-snakeoil.key", &key).unwrap();
            for f in [&crt, &key] {
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(f)
                    .status()
                    .unwrap();
                Command::new("chmod").arg("600").arg(f).status().unwrap();
            }
            settings.push(format!("ssl_cert_file={}", crt.display()));
            settings.push(format!("ssl_key_file={}", key.display()));
        }
        let mut pg = PrivatePg {
            dir,
            port: free_port(),
            settings,
            child: None,
        };
        pg.start();
        pg
    }

    /// Starts the server (again) on the same port and waits until it accepts queries.
    pub fn start(&mut self) {
        let child = as_postgres(&pg_bin().join("postgres"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(self.dir.path())
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=30",
                "-c",
                "shared_buffers=16MB",
            ])
            .args(self.settings.iter().flat_map(|s| ["-c", s.as_str()]))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(self.dir.path().join("server.log")).unwrap(),
            ))
            .spawn()
            .expect("start postgres");
        self.child = Some(child);
        let ok = wait_for(Duration::from_secs(20), || {
            (port_open(&format!("127.0.0.1:{}", self.port)) && self.psql("SELECT 1").is_some())
                .then_some(())
        });
        assert!(
            ok.is_some(),
            "private postgres did not start: {}",
            self.log()
        );
    }

    /// The server log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// The postmaster's pid, from postmaster.pid.
    pub fn postmaster(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// The postmaster and all its children (backends, background workers).
    pub fn pids(&self) -> Vec<u32> {
        let Some(pm) = self.postmaster() else {
            return vec![];
        };
        let mut out = vec![pm];
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // pid (comm) state ppid ...
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(pm) {
                out.push(pid);
            }
        }
        out
    }

    /// SIGSTOPs the whole cluster (a hung database).
    pub fn pause(&self) {
        let pids = self.pids();
        // Postmaster first, so it forks nothing new meanwhile.
        for p in &pids {
            signal(*p, "STOP");
        }
    }

    /// SIGCONTs the whole cluster.
    pub fn resume(&self) {
        for p in self.pids() {
            signal(p, "CONT");
        }
    }

    /// Immediate shutdown (like a crash); the port is kept for [`PrivatePg::start`].
    pub fn stop(&mut self) {
        self.resume();
        if let Some(pm) = self.postmaster() {
            signal(pm, "QUIT");
        }
        if let Some(mut c) = self.child.take() {
            let done = wait_for(Duration::from_secs(10), || c.try_wait().ok().flatten());
            if done.is_none() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        let _ = wait_for(Duration::from_secs(10), || {
            (!port_open(&format!("127.0.0.1:{}", self.port))).then_some(())
        });
    }

    /// Runs one statement through psql over the unix socket; `None` on failure.
    pub fn psql(&self, sql: &str) -> Option<String> {
        psql_at(
            &self.dir.path().display().to_string(),
            self.port,
            "postgres",
            sql,
        )
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `sql` with psql as `user` against `host:port`; trimmed unaligned output, `None` on error.
pub fn psql_at(host: &str, port: u16, user: &str, sql: &str) -> Option<String> {
    let out = Command::new("psql")
        .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", host, "-p"])
        .arg(port.to_string())
        .args(["-U", user, "-d", "postgres", "-c", sql])
        .env("PGCONNECT_TIMEOUT", "5")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

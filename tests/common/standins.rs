//! Stand-ins for the NEXO stack's dependencies at the addresses its host names map to in the
//! tests' `/etc/hosts` (see [`HOSTS`]): a private PostgreSQL cluster with TLS and the roles the
//! shipped files name, a private Redis with the docs' ACL user, and the services' health
//! endpoints. The local RabbitMQ stands in for `rabbitmq`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Guard, port_open, wait_for};

/// Where each host name used by a shipped configuration points.
pub const HOSTS: &[(&str, &str)] = &[
    ("postgres", "127.0.0.2"),
    ("replica", "127.0.0.2"),
    ("redis", "127.0.0.3"),
    ("rabbitmq", "127.0.0.1"),
    ("rabbitmq-events", "127.0.0.1"),
    ("auth", "127.0.1.1"),
    ("auth-service", "127.0.1.1"),
    ("gateway", "127.0.1.2"),
    ("api-gateway", "127.0.1.2"),
    ("crm-service", "127.0.1.3"),
];

/// The health endpoints' addresses (`auth:3001`, `gateway:3000`, `crm-service:3003`).
pub const HEALTH_ADDRS: &[&str] = &["127.0.1.1:3001", "127.0.1.2:3000", "127.0.1.3:3003"];

/// Password of the PostgreSQL roles (what an operator puts in the secret files).
pub const PG_PASSWORD: &str = "nexo";
/// Password of the Redis ACL user `nexo-monitor`.
pub const REDIS_MONITOR_PASSWORD: &str = "redis-monitor-pw";

/// Runs a shell script in `dir`; panics when it fails.
pub fn sh(dir: &Path, script: &str) {
    let out = Command::new("sh")
        .arg("-ec")
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ------------------------------------------------------------------------------ the stand-ins

/// A private PostgreSQL cluster on 127.0.0.2:5432 with TLS and the roles the files name.
pub struct Postgres {
    _guard: Guard,
    dir: tempfile::TempDir,
}

impl Drop for Postgres {
    /// `runuser` does not pass signals on: stop the postmaster itself (immediate shutdown) and
    /// wait until it is gone, so the address is free for the next test.
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next()?.trim().parse::<u32>().ok());
        if let Some(pid) = pid {
            super::signal(pid, "QUIT");
            let _ = wait_for(Duration::from_secs(10), || {
                (!Path::new(&format!("/proc/{pid}")).exists()).then_some(())
            });
        }
    }
}

fn as_postgres(program: &Path) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(program);
    c
}

impl Postgres {
    /// initdb, TLS with `pki`'s server.pem/server.key, roles nexo (db crm_db) and nexo_monitor.
    pub fn start(pki: &Path) -> Postgres {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        for (from, to) in [("server.pem", "server.crt"), ("server.key", "server.key")] {
            std::fs::copy(pki.join(from), dir.path().join(to)).unwrap();
        }
        sh(
            dir.path(),
            "chmod 600 server.key && chown -R postgres:postgres .",
        );
        let out = as_postgres(&pg_bin().join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {out:?}");
        // Local socket: trust (the test's own psql); TCP: scram passwords, as in production.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.0/8 scram-sha-256\n",
        )
        .unwrap();
        let child = as_postgres(&pg_bin().join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", "5432", "-k"])
            .arg(dir.path())
            .args(["-c", "listen_addresses=127.0.0.2", "-c", "fsync=off"])
            .args(["-c", "shared_buffers=16MB", "-c", "max_connections=30"])
            .args(["-c", "ssl=on", "-c"])
            .arg(format!(
                "ssl_cert_file={}",
                dir.path().join("server.crt").display()
            ))
            .arg("-c")
            .arg(format!(
                "ssl_key_file={}",
                dir.path().join("server.key").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("server.log")).unwrap(),
            ))
            .spawn()
            .expect("postgres");
        let pg = Postgres {
            _guard: Guard(child),
            dir,
        };
        let ok = wait_for(Duration::from_secs(30), || {
            pg.psql("SELECT 1").filter(|s| s == "1").map(|_| ())
        });
        assert!(
            ok.is_some(),
            "private postgres did not start: {}",
            std::fs::read_to_string(pg.dir.path().join("server.log")).unwrap_or_default()
        );
        // The roles of deploy/ (nexo, crm_db) and of the docs (nexo_monitor: pg_monitor only).
        for sql in [
            format!("CREATE ROLE nexo LOGIN PASSWORD '{PG_PASSWORD}'"),
            "CREATE DATABASE crm_db OWNER nexo".to_string(),
            format!("CREATE ROLE nexo_monitor LOGIN PASSWORD '{PG_PASSWORD}' IN ROLE pg_monitor"),
        ] {
            assert!(pg.psql(&sql).is_some(), "{sql}");
        }
        pg
    }

    /// Runs `sql` over the cluster's socket as postgres.
    pub fn psql(&self, sql: &str) -> Option<String> {
        let out = Command::new("psql")
            .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args(["-p", "5432", "-U", "postgres", "-d", "postgres", "-c", sql])
            .stdin(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

/// A private redis-server on 127.0.0.3:6379 with the ACL user of docs/redis.md.
pub fn redis() -> (Guard, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new("redis-server")
        .args(["--port", "6379", "--bind", "127.0.0.3"])
        .args(["--save", "", "--appendonly", "no", "--dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server");
    let g = Guard(child);
    assert!(
        wait_for(Duration::from_secs(10), || port_open("127.0.0.3:6379")
            .then_some(()))
        .is_some(),
        "private redis did not start"
    );
    // docs/redis.md: `ACL SETUSER nexo-monitor on >PASSWORD -@all +info +client|setname +ping`
    let out = Command::new("redis-cli")
        .args([
            "-h",
            "127.0.0.3",
            "-p",
            "6379",
            "ACL",
            "SETUSER",
            "nexo-monitor",
        ])
        .args(["on", &format!(">{REDIS_MONITOR_PASSWORD}"), "-@all"])
        .args(["+info", "+client|setname", "+ping"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "OK", "{out:?}");
    (g, dir)
}

/// NEXO services' health endpoints: `GET /api/health` → 200 on each address; stops on drop.
pub struct Health {
    stop: Arc<AtomicBool>,
    addrs: Vec<SocketAddr>,
}

impl Health {
    /// Serves on every address of `addrs`.
    pub fn serve(addrs: &[&str]) -> Health {
        let stop = Arc::new(AtomicBool::new(false));
        let mut bound = Vec::new();
        for a in addrs {
            let l = TcpListener::bind(a).unwrap_or_else(|e| panic!("bind {a}: {e}"));
            bound.push(l.local_addr().unwrap());
            let stop = stop.clone();
            std::thread::spawn(move || {
                for s in l.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(mut s) = s else { continue };
                    let mut line = String::new();
                    let _ = BufReader::new(&s).read_line(&mut line);
                    let ok = line.starts_with("GET /api/health ");
                    let body = if ok {
                        "{\"status\":\"ok\"}"
                    } else {
                        "not found"
                    };
                    let _ = write!(
                        s,
                        "HTTP/1.1 {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        if ok { "200 OK" } else { "404 Not Found" },
                        body.len()
                    );
                }
            });
        }
        Health { stop, addrs: bound }
    }
}

impl Drop for Health {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for a in &self.addrs {
            let _ = std::net::TcpStream::connect_timeout(a, Duration::from_millis(200));
        }
    }
}

/// A CA and a server certificate for `postgres` and `replica` (plus 127.0.0.2), in `dir`.
pub fn make_pki(dir: &Path) {
    sh(
        dir,
        r#"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=nexo-test-db-ca 2>/dev/null
openssl req $ec -keyout server.key -out server.csr -subj /CN=postgres 2>/dev/null
printf 'subjectAltName=DNS:postgres,DNS:replica,IP:127.0.0.2\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
"#,
    );
}

/// The newest installed PostgreSQL's bin directory.
pub fn pg_bin() -> std::path::PathBuf {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed under /usr/lib/postgresql")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort();
    std::path::PathBuf::from(format!(
        "/usr/lib/postgresql/{}/bin",
        versions.last().expect("a PostgreSQL version")
    ))
}

/// `/etc/hosts` of this machine plus [`HOSTS`].
pub fn hosts_file() -> String {
    std::fs::read_to_string("/etc/hosts").unwrap()
        + &HOSTS
            .iter()
            .map(|(h, ip)| format!("{ip} {h}\n"))
            .collect::<String>()
}

//! What the compatibility tests create on the test setup's live services, and the exporter
//! configuration pointed at them: a database with a table and a (never used) physical
//! replication slot on the shared PostgreSQL, a queue on the shared RabbitMQ broker, a
//! container with a CPU quota on the shared dockerd and a private Redis master and replica.
//! Everything is removed on drop (failure included).

use std::process::{Command, Stdio};

use super::{Guard, free_port, redis_on};

/// Runs `cmd args`; (success, stdout + stderr).
pub fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Runs `sql` in database `db` of the shared PostgreSQL as `postgres`; panics on failure.
pub fn psql(db: &str, sql: &str) {
    let (ok, out) = run(
        "psql",
        &[
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            db,
            "-c",
            sql,
        ],
    );
    assert!(ok, "psql {sql}: {out}");
}

/// Commands run in reverse order on drop.
struct Cleanup(Vec<(String, Vec<String>)>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for (cmd, args) in self.0.iter().rev() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = run(cmd, &args);
        }
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The objects a test created on the live services; removed on drop.
pub struct Services {
    /// The test's id (`nexo_compat_<pid>`): its database and replication slot.
    pub id: String,
    /// Its queue on vhost `/` of the shared broker.
    pub queue: String,
    /// Its container's name on the shared dockerd (`--cpus 0.5`).
    pub container: String,
    /// The port of its private Redis replica (of a private master).
    pub replica_port: u16,
    _replica: Guard,
    _master: Guard,
    _redis_dir: tempfile::TempDir,
    _cleanup: Cleanup,
}

impl Services {
    /// Creates everything; `tag` keeps concurrent tests' objects apart.
    pub fn create(tag: &str) -> Services {
        let id = format!("nexo_{tag}_{}", std::process::id());
        let mut cleanup = Cleanup(Vec::new());
        let psql_args = [
            "-X",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
        ];

        // PostgreSQL: a database with a table (pg_stat_user_tables_*) and a replication slot.
        psql("postgres", &format!("CREATE DATABASE {id}"));
        let mut drop_db = strings(&psql_args);
        drop_db.push(format!("DROP DATABASE IF EXISTS {id} WITH (FORCE)"));
        cleanup.0.push(("psql".into(), drop_db));
        psql(
            &id,
            "CREATE TABLE t (i int); INSERT INTO t VALUES (1), (2); DELETE FROM t WHERE i = 1",
        );
        psql(
            "postgres",
            &format!("SELECT pg_create_physical_replication_slot('{id}')"),
        );
        let mut drop_slot = strings(&psql_args);
        drop_slot.push(format!("SELECT pg_drop_replication_slot('{id}')"));
        cleanup.0.push(("psql".into(), drop_slot));

        // RabbitMQ: one queue (per-queue series), expiring on its own if the test dies hard.
        let queue = format!("{id}_q");
        let url = format!("http://127.0.0.1:15672/api/queues/%2F/{queue}");
        let (ok, out) = run(
            "curl",
            &[
                "-sf",
                "-u",
                "guest:guest",
                "-X",
                "PUT",
                "-H",
                "content-type: application/json",
                "-d",
                r#"{"durable":false,"arguments":{"x-expires":600000}}"#,
                &url,
            ],
        );
        assert!(ok, "declare queue: {out}");
        cleanup.0.push((
            "curl".into(),
            strings(&["-s", "-u", "guest:guest", "-X", "DELETE", &url]),
        ));

        // Docker: a FROM-scratch busybox container with a CPU quota (cfs and quota families).
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy("/usr/bin/busybox", dir.path().join("busybox")).expect("busybox-static");
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT [\"/bin/busybox\"]\n",
        )
        .unwrap();
        let image = format!("{}-img:latest", id.replace('_', "-"));
        let out = Command::new("docker")
            .args(["build", "-q", "-t", &image])
            .arg(dir.path())
            .env("DOCKER_BUILDKIT", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        cleanup
            .0
            .push(("docker".into(), strings(&["rmi", "-f", &image])));
        let container = id.replace('_', "-");
        let (ok, out) = run(
            "docker",
            &[
                "run", "-d", "--name", &container, "--cpus", "0.5", &image, "sleep", "1000",
            ],
        );
        assert!(ok, "docker run: {out}");
        cleanup
            .0
            .push(("docker".into(), strings(&["rm", "-f", &container])));

        // Redis: a private master and its replica (the replica-side families).
        let rdir = tempfile::tempdir().unwrap();
        let (mport, rport) = (free_port(), free_port());
        std::fs::create_dir_all(rdir.path().join("m")).unwrap();
        let master = redis_on(&rdir.path().join("m"), mport, &[]);
        std::fs::create_dir_all(rdir.path().join("r")).unwrap();
        let replica = redis_on(
            &rdir.path().join("r"),
            rport,
            &["--replicaof", "127.0.0.1", &mport.to_string()],
        );
        Services {
            id,
            queue,
            container,
            replica_port: rport,
            _replica: replica,
            _master: master,
            _redis_dir: rdir,
            _cleanup: cleanup,
        }
    }

    /// The exporter configuration for these services: PostgreSQL (the test's database), the
    /// shared Redis and the replica, RabbitMQ and Docker.
    pub fn exporter_config(&self) -> String {
        format!(
            "postgres:\n  - name: postgres\n    dbname: {}\nredis:\n  - name: redis\n    url: redis://127.0.0.1:6379\n  - name: replica\n    url: redis://127.0.0.1:{}\nrabbitmq:\n  - name: rabbitmq\n    detailed_queue_metrics: true\ndocker:\n  enabled: true\n",
            self.id, self.replica_port
        )
    }
}

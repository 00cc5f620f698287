//! Docker images for tests, built without a registry: the exporter image FROM scratch with the
//! locally built binary, the shared libraries `ldd` lists, the shipped Dockerfile's USER,
//! HEALTHCHECK and ENTRYPOINT; and a busybox image FROM scratch (Debian's busybox-static).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::exporter_bin;
use super::stack::root;

/// Runs `cmd` with stdin closed.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs `cmd`, panics unless it succeeds; returns its trimmed stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A name unique to this test run.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos:x}", std::process::id())
}

/// A Docker object removed on drop (also when the test fails).
pub struct DockerObject {
    /// `container`, `network` or `image`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
}

impl Drop for DockerObject {
    fn drop(&mut self) {
        let args: Vec<&str> = match self.kind {
            "container" => vec!["rm", "-f", "-v"],
            "network" => vec!["network", "rm"],
            _ => vec!["rmi", "-f"],
        };
        let _ = Command::new("docker")
            .args(&args)
            .arg(&self.name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Copies `src` to `<rootfs><dest>`, creating directories.
pub fn put(rootfs: &Path, src: &Path, dest: &str) {
    let to = rootfs.join(dest.trim_start_matches('/'));
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(src, &to).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
}

/// The shared libraries `ldd` lists for `bin` (absolute paths; the vDSO left out).
pub fn shared_libraries(bin: &Path) -> Vec<String> {
    let out = run_ok(Command::new("ldd").arg(bin));
    let mut libs = Vec::new();
    for line in out.lines() {
        let line = line.trim();
        let path = match line.split_once("=>") {
            Some((_, rest)) => rest.split_whitespace().next().unwrap_or(""),
            None => line.split_whitespace().next().unwrap_or(""),
        };
        if path.starts_with('/') {
            libs.push(path.to_string());
        }
    }
    libs
}

/// The shipped Dockerfile's last line starting with `kw` (continuations joined).
pub fn dockerfile_line(kw: &str) -> String {
    let text = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    let joined = text.replace("\\\n", " ");
    joined
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with(kw))
        .unwrap_or_else(|| panic!("deploy/Dockerfile has no {kw}"))
        .trim()
        .to_string()
}

/// `HEALTHCHECK ... CMD [...]` (from CMD on) and `ENTRYPOINT [...]` of the shipped Dockerfile.
pub fn shipped_dockerfile() -> (String, String) {
    let hc = dockerfile_line("HEALTHCHECK");
    let cmd = hc[hc.find("CMD").expect("HEALTHCHECK CMD")..].to_string();
    (cmd, dockerfile_line("ENTRYPOINT"))
}

/// The shipped image's user (`USER` of the Dockerfile's last stage), e.g. `65532:65532`.
pub fn shipped_user() -> String {
    dockerfile_line("USER")["USER".len()..].trim().to_string()
}

/// Without it, glibc's default `services: nis ... files` makes the static busybox's wget
/// dlopen NSS modules a scratch image lacks, and it crashes (SIGSEGV) before connecting.
pub const NSSWITCH: &str = "passwd: files\ngroup: files\nhosts: files dns\nservices: files\n";

fn build(ctx: &Path, prefix: &str) -> DockerObject {
    let image = DockerObject {
        kind: "image",
        name: format!("{}:test", unique(prefix)),
    };
    run_ok(
        Command::new("docker")
            .env("DOCKER_BUILDKIT", "0")
            .args(["build", "-q", "-t", &image.name])
            .arg(ctx),
    );
    image
}

/// The exporter image: FROM scratch, the local binary and its libraries, the shipped USER,
/// HEALTHCHECK (with `healthcheck_timing`, e.g. `--interval=1s --timeout=3s --retries=3`)
/// and ENTRYPOINT; `extra` files (path in image, content) are added. Removed on drop.
pub fn exporter_image(healthcheck_timing: &str, extra: &[(&str, &str)]) -> DockerObject {
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = tmp.path().join("rootfs");
    let bin = exporter_bin();
    put(&rootfs, &bin, "/usr/local/bin/nexo-exporter");
    for lib in shared_libraries(&bin) {
        put(&rootfs, Path::new(&lib), &lib);
    }
    let user = shipped_user();
    let uid = user.split(':').next().unwrap().to_string();
    std::fs::create_dir_all(rootfs.join("etc")).unwrap();
    std::fs::write(
        rootfs.join("etc/passwd"),
        format!("root:x:0:0:root:/:/sbin/nologin\nnonroot:x:{uid}:{uid}:nonroot:/:/sbin/nologin\n"),
    )
    .unwrap();
    std::fs::write(
        rootfs.join("etc/group"),
        format!("root:x:0:\nnonroot:x:{uid}:\n"),
    )
    .unwrap();
    std::fs::write(rootfs.join("etc/nsswitch.conf"), NSSWITCH).unwrap();
    std::fs::create_dir_all(rootfs.join("tmp")).unwrap();
    for (path, content) in extra {
        let to = rootfs.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, content).unwrap();
    }
    let (hc_cmd, entrypoint) = shipped_dockerfile();
    std::fs::write(
        tmp.path().join("Dockerfile"),
        format!(
            "FROM scratch\nCOPY rootfs/ /\nUSER {user}\nEXPOSE 8910\n\
             HEALTHCHECK {healthcheck_timing} {hc_cmd}\n{entrypoint}\n"
        ),
    )
    .unwrap();
    build(tmp.path(), "nexo-exporter-test")
}

/// A busybox image FROM scratch (`/bin/busybox`, nsswitch.conf), with `entrypoint` (a JSON
/// array, or empty for none). Removed on drop.
pub fn busybox_image(entrypoint: &str) -> DockerObject {
    let tmp = tempfile::tempdir().unwrap();
    put(tmp.path(), Path::new("/bin/busybox"), "/bin/busybox");
    std::fs::create_dir_all(tmp.path().join("etc")).unwrap();
    std::fs::write(tmp.path().join("etc/nsswitch.conf"), NSSWITCH).unwrap();
    let ep = if entrypoint.is_empty() {
        String::new()
    } else {
        format!("ENTRYPOINT {entrypoint}\n")
    };
    std::fs::write(
        tmp.path().join("Dockerfile"),
        format!("FROM scratch\nCOPY bin/busybox /bin/busybox\nCOPY etc/ /etc/\n{ep}"),
    )
    .unwrap();
    build(tmp.path(), "nexo-busybox-test")
}

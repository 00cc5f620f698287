//! Records the git revision and rustc version for `nexo_exporter_build_info`.
use std::process::Command;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let rev = std::env::var("NEXO_BUILD_REVISION")
        .ok()
        .or_else(|| output("git", &["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let ver = output(&rustc, &["--version"])
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=NEXO_BUILD_REVISION={rev}");
    println!("cargo:rustc-env=NEXO_BUILD_RUSTC={ver}");
    println!("cargo:rerun-if-env-changed=NEXO_BUILD_REVISION");
    println!("cargo:rerun-if-changed=.git/HEAD");
}

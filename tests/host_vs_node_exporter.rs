//! The host probe against Debian's prometheus-node-exporter on the same machine: identical
//! metric names and labels for the covered series, equal load and sizes, avail within 1%; every
//! `node_*` family the probe serves exists in node_exporter with the same label sets, and its
//! values lie between two node_exporter scrapes taken around ours.

mod common;

use common::*;
use std::process::{Command, Stdio};
use std::time::Duration;

const CONFIG: &str = "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\n";

/// The node_exporter collectors whose families the host probe serves.
const COLLECTORS: [&str; 19] = [
    "loadavg",
    "filesystem",
    "meminfo",
    "cpu",
    "stat",
    "netdev",
    "netclass",
    "diskstats",
    "vmstat",
    "filefd",
    "conntrack",
    "entropy",
    "pressure",
    "time",
    "timex",
    "uname",
    "hwmon",
    "mdadm",
    "bonding",
];

fn node_exporter() -> Option<(Guard, u16)> {
    if !have("prometheus-node-exporter") {
        eprintln!("prometheus-node-exporter not installed; scripts/test.sh installs it");
        return None;
    }
    let port = free_port();
    let child = Command::new("prometheus-node-exporter")
        .args(COLLECTORS.iter().map(|c| format!("--collector.{c}")))
        .args(["--collector.edac"])
        .args([
            "--collector.disable-defaults",
            // Upstream node_exporter's netdev defaults (Debian excludes lo and uses netlink).
            "--collector.netdev.device-exclude=",
            "--no-collector.netdev.netlink",
            // Same exclusions as ours (upstream node_exporter's defaults; Debian patches them).
            &format!(
                "--collector.filesystem.mount-points-exclude=^(?:{})$",
                nexo_exporter::config::DEFAULT_MOUNT_POINTS_EXCLUDE
            ),
            &format!(
                "--collector.filesystem.fs-types-exclude=^(?:{})$",
                nexo_exporter::config::DEFAULT_FS_TYPES_EXCLUDE
            ),
            &format!("--web.listen-address=127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let g = Guard(child);
    wait_for(Duration::from_secs(10), || {
        port_open(&format!("127.0.0.1:{port}")).then_some(())
    })?;
    Some((g, port))
}

fn label_sets(text: &str, name: &str) -> Vec<Vec<(String, String)>> {
    let mut v: Vec<_> = samples(text, name)
        .into_iter()
        .map(|(mut l, _)| {
            l.sort();
            l
        })
        .collect();
    v.sort();
    v
}

#[test]
fn host_series_agree_with_node_exporter() {
    let Some((_ne, port)) = node_exporter() else {
        return;
    };
    let ex = Exporter::start(CONFIG, &[]);
    let ne_addr = format!("127.0.0.1:{port}").parse().unwrap();
    // Scrape both back to back, several times, so load averages match on at least one pair.
    let mut load_equal = false;
    let (mut ours, mut theirs) = (String::new(), String::new());
    for _ in 0..5 {
        ours = ex.scrape();
        theirs = http(ne_addr, "GET", "/metrics", &[]).unwrap().text();
        if ["node_load1", "node_load5", "node_load15"]
            .iter()
            .all(|m| sample(&ours, m, &[]) == sample(&theirs, m, &[]))
        {
            load_equal = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(load_equal, "load averages differ");

    for name in [
        "node_filesystem_size_bytes",
        "node_filesystem_avail_bytes",
        "node_filesystem_free_bytes",
        "node_filesystem_readonly",
        "node_filesystem_device_error",
        "node_cpu_seconds_total",
    ] {
        assert_eq!(
            label_sets(&ours, name),
            label_sets(&theirs, name),
            "label sets of {name} differ"
        );
    }
    for (labels, size) in samples(&theirs, "node_filesystem_size_bytes") {
        let l: Vec<(&str, &str)> = labels
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            sample(&ours, "node_filesystem_size_bytes", &l),
            Some(size),
            "{l:?}"
        );
        let theirs_avail = sample(&theirs, "node_filesystem_avail_bytes", &l).unwrap();
        let ours_avail = sample(&ours, "node_filesystem_avail_bytes", &l).unwrap();
        let tol = (theirs_avail * 0.01).max(1.0);
        assert!(
            (ours_avail - theirs_avail).abs() <= tol,
            "avail {l:?}: {ours_avail} vs {theirs_avail}"
        );
    }
    assert_eq!(
        sample(&ours, "node_memory_MemTotal_bytes", &[]),
        sample(&theirs, "node_memory_MemTotal_bytes", &[])
    );
    let (a, b) = (
        sample(&ours, "node_memory_MemAvailable_bytes", &[]).unwrap(),
        sample(&theirs, "node_memory_MemAvailable_bytes", &[]).unwrap(),
    );
    assert!((a - b).abs() / b < 0.01, "MemAvailable {a} vs {b}");
}

#[test]
fn failing_mount_is_reported_and_does_not_fail_the_probe() {
    // A procfs copy whose mounts list a mount point that does not exist: statfs fails for it,
    // which must give node_filesystem_device_error 1 for that mount and leave the rest intact.
    // (The same path handles a statfs that exceeds host.mount_timeout; a really hanging mount
    // needs an NFS or FUSE server this test suite does not have.)
    let dir = tempfile::tempdir().unwrap();
    let procfs = dir.path().join("proc");
    std::fs::create_dir_all(procfs.join("1")).unwrap();
    for f in ["loadavg", "stat", "meminfo"] {
        std::fs::copy(format!("/proc/{f}"), procfs.join(f)).unwrap();
    }
    std::fs::write(
        procfs.join("1/mounts"),
        "/dev/vda / ext4 rw 0 0\n/dev/gone /no/such/mount ext4 rw 0 0\n",
    )
    .unwrap();
    let cfg = format!("{CONFIG}host:\n  procfs: {}\n", procfs.display());
    let ex = Exporter::start(&cfg, &[]);
    let body = ex.scrape();
    assert_eq!(
        sample(&body, "nexo_exporter_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "node_filesystem_device_error",
            &[("mountpoint", "/no/such/mount")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "node_filesystem_device_error",
            &[("mountpoint", "/")]
        ),
        Some(0.0)
    );
    assert!(
        sample(
            &body,
            "node_filesystem_size_bytes",
            &[("mountpoint", "/no/such/mount")]
        )
        .is_none()
    );
}

/// Sorted label pairs of one sample.
type LabelSet = Vec<(String, String)>;

/// `(name, labels, value)` of every `node_*` sample in `text`, labels sorted.
fn node_samples(text: &str) -> Vec<(String, LabelSet, f64)> {
    let mut names: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("node_"))
        .filter_map(|l| l.split(['{', ' ']).next())
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for n in names {
        for (mut l, v) in samples(text, n) {
            l.sort();
            out.push((n.to_string(), l, v));
        }
    }
    out
}

/// Gauges that move between two scrapes by more than a counter's bracket allows.
fn fluctuates(name: &str) -> bool {
    (name.starts_with("node_memory_") && !name.ends_with("Total_bytes"))
        || name.starts_with("node_procs_")
        || name.starts_with("node_load")
        || name.starts_with("node_filesystem_")
        || matches!(
            name,
            "node_disk_io_now"
                | "node_filefd_allocated"
                | "node_nf_conntrack_entries"
                | "node_entropy_available_bits"
                | "node_timex_offset_seconds"
                | "node_timex_frequency_adjustment_ratio"
                | "node_timex_maxerror_seconds"
                | "node_timex_estimated_error_seconds"
        )
}

/// What differs between our scrape and node_exporter's scrapes `a` (before) and `b` (after).
fn differences(ours: &str, a: &str, b: &str) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    type Series = BTreeMap<(String, LabelSet), f64>;
    let index = |t: &str| -> Series {
        node_samples(t)
            .into_iter()
            .map(|(n, l, v)| ((n, l), v))
            .collect()
    };
    let (o, a, b) = (index(ours), index(a), index(b));
    let fams = |s: &Series| -> BTreeSet<String> { s.keys().map(|k| k.0.clone()).collect() };
    let theirs = fams(&a);
    let mut diffs = Vec::new();
    for fam in fams(&o) {
        if !theirs.contains(&fam) {
            diffs.push(format!("{fam}: not served by node_exporter"));
            continue;
        }
        let ls = |s: &Series| -> BTreeSet<LabelSet> {
            s.keys()
                .filter(|k| k.0 == fam)
                .map(|k| k.1.clone())
                .collect()
        };
        if ls(&o) != ls(&a) {
            diffs.push(format!(
                "{fam}: label sets differ: ours {:?} theirs {:?}",
                ls(&o),
                ls(&a)
            ));
            continue;
        }
        if fluctuates(&fam) {
            continue;
        }
        for l in ls(&o) {
            let key = (fam.clone(), l);
            let (v, x, y) = (o[&key], a[&key], b.get(&key).copied().unwrap_or(a[&key]));
            let (lo, hi) = (x.min(y), x.max(y));
            let tol = 1e-6 + 0.001 * hi.abs();
            if v < lo - tol || v > hi + tol {
                diffs.push(format!("{key:?}: ours {v}, node_exporter {x} then {y}"));
            }
        }
    }
    diffs
}

#[test]
fn node_families_agree_with_node_exporter() {
    let Some((_ne, port)) = node_exporter() else {
        panic!("prometheus-node-exporter missing");
    };
    let ex = Exporter::start(CONFIG, &[]);
    let ne_addr = format!("127.0.0.1:{port}").parse().unwrap();
    let theirs = || http(ne_addr, "GET", "/metrics", &[]).unwrap().text();
    // Containers of other tests come and go (veth interfaces): retry until a quiet moment.
    let mut diffs = Vec::new();
    let mut ours = String::new();
    for _ in 0..5 {
        let a = theirs();
        ours = ex.scrape();
        let b = theirs();
        diffs = differences(&ours, &a, &b);
        if diffs.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // The families the community's rules read are served whenever the host has them.
    for name in [
        "node_uname_info",
        "node_time_seconds",
        "node_boot_time_seconds",
        "node_context_switches_total",
        "node_network_receive_bytes_total",
        "node_network_receive_packets_total",
        "node_network_receive_errs_total",
        "node_network_receive_drop_total",
        "node_network_transmit_bytes_total",
        "node_network_transmit_packets_total",
        "node_network_transmit_errs_total",
        "node_network_transmit_drop_total",
        "node_network_up",
        "node_disk_reads_completed_total",
        "node_disk_writes_completed_total",
        "node_disk_read_bytes_total",
        "node_disk_written_bytes_total",
        "node_disk_read_time_seconds_total",
        "node_disk_write_time_seconds_total",
        "node_disk_io_time_seconds_total",
        "node_disk_io_time_weighted_seconds_total",
        "node_vmstat_pgmajfault",
        "node_vmstat_oom_kill",
        "node_memory_MemFree_bytes",
        "node_memory_SwapTotal_bytes",
        "node_memory_Active_anon_bytes",
        "node_filefd_allocated",
        "node_filefd_maximum",
        "node_timex_sync_status",
        "node_timex_offset_seconds",
        "node_timex_maxerror_seconds",
        "node_entropy_available_bits",
    ] {
        assert!(!samples(&ours, name).is_empty(), "{name} missing");
    }
    // Present only where the kernel has them; then they must be ours too (checked above).
    for (file, name) in [
        (
            "/proc/sys/net/netfilter/nf_conntrack_count",
            "node_nf_conntrack_entries",
        ),
        (
            "/proc/pressure/io",
            "node_pressure_io_stalled_seconds_total",
        ),
        ("/proc/mdstat", "node_md_disks"),
        ("/sys/class/hwmon", "node_hwmon_chip_names"),
        ("/sys/class/net/bonding_masters", "node_bonding_slaves"),
    ] {
        if !std::path::Path::new(file).exists() {
            assert!(samples(&ours, name).is_empty(), "{name} without {file}");
        }
    }
}

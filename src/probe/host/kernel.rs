//! node_exporter's syscall-based collectors: `uname`, `time` and `timex`.
//!
//! These ask the running kernel, as node_exporter does; in a container they describe the host
//! kernel (its clock and NTP state are not namespaced), with the container's own node name unless
//! it shares the host's UTS namespace.

use std::ffi::CStr;
use std::time::{SystemTime, UNIX_EPOCH};

use super::metrics;
use crate::metrics::{MetricSet, labels};

/// Adds `node_uname_info`, `node_time_seconds`, `node_time_zone_offset_seconds` and the
/// `node_timex_*` families.
pub fn collect(set: &mut MetricSet) {
    match nix::sys::utsname::uname() {
        Ok(u) => {
            let s = |o: &std::ffi::OsStr| o.to_string_lossy().into_owned();
            uname_metric(
                &Uname {
                    sysname: s(u.sysname()),
                    nodename: s(u.nodename()),
                    release: s(u.release()),
                    version: s(u.version()),
                    machine: s(u.machine()),
                    domainname: s(u.domainname()),
                },
                set,
            );
        }
        Err(e) => tracing::debug!(error = %e, "uname failed"),
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    set.put(&metrics::NODE_TIME_SECONDS, vec![], now.as_secs_f64());
    if let Some((zone, offset)) = local_zone(now.as_secs() as i64) {
        set.put(
            &metrics::NODE_TIME_ZONE_OFFSET_SECONDS,
            labels([("time_zone", &zone)]),
            offset as f64,
        );
    }
    match adjtimex() {
        Some(t) => timex_metrics(&t, set),
        None => tracing::debug!("adjtimex failed"),
    }
}

/// The fields of `uname(2)`.
#[derive(Debug, Clone, Default)]
pub struct Uname {
    /// Operating system name (`Linux`).
    pub sysname: String,
    /// Host name.
    pub nodename: String,
    /// Kernel release.
    pub release: String,
    /// Kernel version string.
    pub version: String,
    /// Hardware (`x86_64`).
    pub machine: String,
    /// NIS domain name (`(none)` when unset).
    pub domainname: String,
}

/// `node_uname_info` with node_exporter's six labels.
pub fn uname_metric(u: &Uname, set: &mut MetricSet) {
    set.put(
        &metrics::NODE_UNAME_INFO,
        labels([
            ("domainname", &u.domainname),
            ("machine", &u.machine),
            ("nodename", &u.nodename),
            ("release", &u.release),
            ("sysname", &u.sysname),
            ("version", &u.version),
        ]),
        1.0,
    );
}

/// The local time zone's abbreviation and UTC offset at `secs`, as the C library resolves it
/// (`TZ`, else `/etc/localtime`).
fn local_zone(secs: i64) -> Option<(String, i64)> {
    let t = secs as libc::time_t;
    // SAFETY: `tm` is plain data that localtime_r fills; both pointers are valid for the call.
    // `tm_zone` then points at a static string of the C library (or is null).
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return None;
        }
        let zone = if tm.tm_zone.is_null() {
            String::new()
        } else {
            CStr::from_ptr(tm.tm_zone).to_string_lossy().into_owned()
        };
        Some((zone, tm.tm_gmtoff))
    }
}

/// The fields of `struct timex` the exported families use, widened to `i64`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timex {
    /// Time offset (µs, or ns with `STA_NANO`).
    pub offset: i64,
    /// Frequency offset (ppm with a 16-bit fraction).
    pub freq: i64,
    /// Maximum error (µs).
    pub maxerror: i64,
    /// Estimated error (µs).
    pub esterror: i64,
    /// Clock status bits.
    pub status: i64,
    /// PLL time constant.
    pub constant: i64,
    /// Microseconds between clock ticks.
    pub tick: i64,
    /// PPS frequency (ppm with a 16-bit fraction).
    pub ppsfreq: i64,
    /// PPS jitter (µs, or ns with `STA_NANO`).
    pub jitter: i64,
    /// PPS interval duration (seconds, log2).
    pub shift: i64,
    /// PPS stability (ppm with a 16-bit fraction).
    pub stabil: i64,
    /// PPS jitter limit exceeded count.
    pub jitcnt: i64,
    /// PPS calibration intervals.
    pub calcnt: i64,
    /// PPS calibration errors.
    pub errcnt: i64,
    /// PPS stability limit exceeded count.
    pub stbcnt: i64,
    /// TAI offset (seconds).
    pub tai: i64,
}

/// Reads the kernel clock's NTP state with a read-only `adjtimex(2)` (modes 0).
fn adjtimex() -> Option<Timex> {
    // SAFETY: `tx` is plain data; with `modes` 0 the call only fills it in.
    let tx = unsafe {
        let mut tx: libc::timex = std::mem::zeroed();
        if libc::adjtimex(&mut tx) < 0 {
            return None;
        }
        tx
    };
    Some(Timex {
        offset: tx.offset as i64,
        freq: tx.freq as i64,
        maxerror: tx.maxerror as i64,
        esterror: tx.esterror as i64,
        status: tx.status as i64,
        constant: tx.constant as i64,
        tick: tx.tick as i64,
        ppsfreq: tx.ppsfreq as i64,
        jitter: tx.jitter as i64,
        shift: tx.shift as i64,
        stabil: tx.stabil as i64,
        jitcnt: tx.jitcnt as i64,
        calcnt: tx.calcnt as i64,
        errcnt: tx.errcnt as i64,
        stbcnt: tx.stbcnt as i64,
        tai: tx.tai as i64,
    })
}

/// `STA_UNSYNC`: the clock is not synchronised.
const STA_UNSYNC: i64 = 0x0040;
/// `STA_NANO`: offsets are in nanoseconds.
const STA_NANO: i64 = 0x2000;

/// node_exporter's `node_timex_*` families from one `adjtimex` reading.
pub fn timex_metrics(t: &Timex, set: &mut MetricSet) {
    const PPM16: f64 = 1_000_000.0 * 65536.0;
    const MICRO: f64 = 1e6;
    let div = if t.status & STA_NANO != 0 { 1e9 } else { MICRO };
    let gauges = [
        (
            &metrics::NODE_TIMEX_SYNC_STATUS,
            if t.status & STA_UNSYNC == 0 { 1.0 } else { 0.0 },
        ),
        (&metrics::NODE_TIMEX_OFFSET_SECONDS, t.offset as f64 / div),
        (
            &metrics::NODE_TIMEX_FREQUENCY_ADJUSTMENT_RATIO,
            1.0 + t.freq as f64 / PPM16,
        ),
        (
            &metrics::NODE_TIMEX_MAXERROR_SECONDS,
            t.maxerror as f64 / MICRO,
        ),
        (
            &metrics::NODE_TIMEX_ESTIMATED_ERROR_SECONDS,
            t.esterror as f64 / MICRO,
        ),
        (&metrics::NODE_TIMEX_STATUS, t.status as f64),
        (&metrics::NODE_TIMEX_LOOP_TIME_CONSTANT, t.constant as f64),
        (&metrics::NODE_TIMEX_TICK_SECONDS, t.tick as f64 / MICRO),
        (
            &metrics::NODE_TIMEX_PPS_FREQUENCY_HERTZ,
            t.ppsfreq as f64 / PPM16,
        ),
        (
            &metrics::NODE_TIMEX_PPS_JITTER_SECONDS,
            t.jitter as f64 / div,
        ),
        (&metrics::NODE_TIMEX_PPS_SHIFT_SECONDS, t.shift as f64),
        (
            &metrics::NODE_TIMEX_PPS_STABILITY_HERTZ,
            t.stabil as f64 / PPM16,
        ),
        (&metrics::NODE_TIMEX_TAI_OFFSET_SECONDS, t.tai as f64),
    ];
    for (desc, v) in gauges {
        set.put(desc, vec![], v);
    }
    let counters = [
        (&metrics::NODE_TIMEX_PPS_JITTER_TOTAL, t.jitcnt),
        (&metrics::NODE_TIMEX_PPS_CALIBRATION_TOTAL, t.calcnt),
        (&metrics::NODE_TIMEX_PPS_ERROR_TOTAL, t.errcnt),
        (&metrics::NODE_TIMEX_PPS_STABILITY_EXCEEDED_TOTAL, t.stbcnt),
    ];
    for (desc, v) in counters {
        set.put(desc, vec![], v as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timex_units_as_node_exporter() {
        let mut s = MetricSet::new();
        timex_metrics(
            &Timex {
                offset: 1500,
                freq: 65536,
                maxerror: 16000,
                status: 0x0040,
                tick: 10000,
                ..Timex::default()
            },
            &mut s,
        );
        let v = |n: &str| s.get(n).unwrap().samples[0].1;
        assert_eq!(v("node_timex_sync_status"), 0.0);
        assert_eq!(v("node_timex_offset_seconds"), 0.0015);
        assert_eq!(v("node_timex_frequency_adjustment_ratio"), 1.000001);
        assert_eq!(v("node_timex_maxerror_seconds"), 0.016);
        assert_eq!(v("node_timex_tick_seconds"), 0.01);
        let mut s = MetricSet::new();
        timex_metrics(
            &Timex {
                offset: 1500,
                status: 0x2000,
                ..Timex::default()
            },
            &mut s,
        );
        assert_eq!(
            s.get("node_timex_offset_seconds").unwrap().samples[0].1,
            0.0000015
        );
        assert_eq!(s.get("node_timex_sync_status").unwrap().samples[0].1, 1.0);
    }

    #[test]
    fn live_kernel_families_present() {
        let mut s = MetricSet::new();
        collect(&mut s);
        for name in [
            "node_uname_info",
            "node_time_seconds",
            "node_timex_sync_status",
            "node_timex_maxerror_seconds",
        ] {
            assert!(s.get(name).is_some(), "{name}");
        }
    }
}

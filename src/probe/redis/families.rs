//! redis_exporter's families from `INFO ALL` and `CONFIG GET`, computed as redis_exporter
//! computes them, so the redis-mixin and the community's Redis rules read the names they expect.
//!
//! Pure: [`info_families`] takes the `INFO ALL` text, [`config_families`] the `CONFIG GET`
//! pairs. Fields are mapped through redis_exporter's tables (gauges and counters), plus its
//! special cases: `redis_instance_info` (role, version, mode, eviction policy, ...),
//! `redis_db_keys{db}` for every database (0 for the empty ones), `redis_commands_total{cmd}`,
//! the replication families and `redis_start_time_seconds`. `redis_exporter`'s latency
//! summaries are left out (summaries are not part of this exporter's sample model).

use std::collections::BTreeMap;

use super::metrics;
use crate::metrics::{MetricSet, labels};

/// redis_exporter's value conversion: `ok`/`true` are 1, `err`/`fail`/`false` are 0.
fn value(raw: &str) -> Option<f64> {
    match raw.trim() {
        "ok" | "true" => Some(1.0),
        "err" | "fail" | "false" => Some(0.0),
        v => v.parse().ok().filter(|v: &f64| v.is_finite()),
    }
}

/// `k=v,k=v` pairs of a compound INFO value (`db0:keys=3,expires=0`).
fn pairs(v: &str) -> BTreeMap<&str, &str> {
    v.split(',').filter_map(|kv| kv.split_once('=')).collect()
}

/// Adds redis_exporter's families from the `INFO ALL` text. Families already in `set` (the
/// probe's required ones) are not added twice. `databases` (from `CONFIG GET databases`) gives
/// `redis_db_keys 0` to the empty databases, as redis_exporter does by default. `now` is the
/// Unix time used for `redis_start_time_seconds`.
pub fn info_families(text: &str, databases: Option<u32>, now: f64, set: &mut MetricSet) {
    let mut section = "";
    let mut kv: BTreeMap<&str, &str> = BTreeMap::new();
    let (mut master_host, mut master_port) = ("", "");
    let mut dbs_seen = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(s) = line.strip_prefix("# ") {
            section = s;
            continue;
        }
        let Some((key, val)) = line.split_once(':') else {
            continue;
        };
        kv.insert(key, val);
        if key.starts_with("master_") && key.ends_with("_host") || key == "master_host" {
            master_host = val;
        }
        if key.starts_with("master_") && key.ends_with("_port") || key == "master_port" {
            master_port = val;
        }
        match section {
            "Replication" if replication(key, val, master_host, master_port, set) => continue,
            "Server" => {
                if key == "uptime_in_seconds"
                    && let Some(up) = value(val)
                {
                    set.put(
                        &metrics::REDIS_START_TIME_SECONDS,
                        vec![],
                        (now - up).floor(),
                    );
                }
                let hz = match key {
                    "hz" => Some(&metrics::REDIS_HZ),
                    "configured_hz" => Some(&metrics::REDIS_CONFIGURED_HZ),
                    _ => None,
                };
                if let Some(desc) = hz
                    && let Some(v) = value(val)
                {
                    set.put(desc, vec![], v);
                }
            }
            "Commandstats" => {
                commandstats(key, val, set);
                continue;
            }
            "Errorstats" => {
                if let (Some(err), Some(count)) = (
                    key.strip_prefix("errorstat_"),
                    pairs(val).get("count").and_then(|c| value(c)),
                ) {
                    set.put(&metrics::REDIS_ERRORS_TOTAL, labels([("err", err)]), count);
                }
                continue;
            }
            "Latencystats" => continue,
            "Keyspace" if keyspace(key, val, set) => {
                dbs_seen.push(key.to_string());
                continue;
            }
            _ => {}
        }
        generic(key, val, set);
    }
    if let Some(n) = databases {
        for i in 0..n {
            let db = format!("db{i}");
            if !dbs_seen.contains(&db) {
                keyspace(&db, "keys=0,expires=0", set);
            }
        }
    }
    instance_info(&kv, set);
}

/// One mapped field (gauge or counter), `cluster_*` fields as gauges of the same name.
fn generic(key: &str, val: &str, set: &mut MetricSet) {
    let desc = metrics::INFO_GAUGES
        .iter()
        .chain(metrics::INFO_COUNTERS)
        .find(|(f, _)| *f == key)
        .map(|(_, d)| d);
    if desc.is_none() && !key.starts_with("cluster_") {
        return;
    }
    let Some(mut v) = value(val) else { return };
    match desc {
        Some(desc) => {
            if set.get(desc.name).is_some() {
                return;
            }
            if desc.name == "redis_latest_fork_seconds" {
                v /= 1e6;
            }
            set.put(desc, vec![], v);
        }
        // Another field of the Cluster section: a `redis_cluster_*` pattern family.
        None => {
            let name = format!("redis_{key}");
            if set.get(&name).is_none() {
                set.gauge(&name, &format!("Redis INFO field {key}."), vec![], v);
            }
        }
    }
}

/// The replication families: the link to the master on a replica, the replicas on a master.
fn replication(key: &str, val: &str, host: &str, port: &str, set: &mut MetricSet) -> bool {
    let ml = || labels([("master_host", host), ("master_port", port)]);
    let is_master_field = |suffix: &str| {
        key.strip_prefix("master_")
            .and_then(|r| r.strip_suffix(suffix))
            .is_some_and(|mid| {
                mid.is_empty()
                    || mid
                        .strip_suffix('_')
                        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
            })
    };
    if is_master_field("link_status") {
        set.put(
            &metrics::REDIS_MASTER_LINK_UP,
            ml(),
            if val == "up" { 1.0 } else { 0.0 },
        );
        return true;
    }
    for (suffix, desc) in [
        (
            "last_io_seconds_ago",
            &metrics::REDIS_MASTER_LAST_IO_SECONDS_AGO,
        ),
        ("sync_in_progress", &metrics::REDIS_MASTER_SYNC_IN_PROGRESS),
    ] {
        if is_master_field(suffix) {
            set.put(desc, ml(), val.trim().parse::<i64>().unwrap_or(0) as f64);
            return true;
        }
    }
    if key == "slave_repl_offset" {
        set.put(
            &metrics::REDIS_SLAVE_REPL_OFFSET,
            ml(),
            val.trim().parse::<i64>().unwrap_or(0) as f64,
        );
        return true;
    }
    if let Some(n) = key.strip_prefix("slave")
        && !n.is_empty()
        && n.chars().all(|c| c.is_ascii_digit())
    {
        let p = pairs(val);
        let Some(offset) = p.get("offset").and_then(|o| value(o)) else {
            return false;
        };
        let l = labels([
            ("slave_ip", p.get("ip").copied().unwrap_or("")),
            ("slave_port", p.get("port").copied().unwrap_or("")),
            ("slave_state", p.get("state").copied().unwrap_or("")),
        ]);
        set.put(
            &metrics::REDIS_CONNECTED_SLAVE_OFFSET_BYTES,
            l.clone(),
            offset,
        );
        if let Some(lag) = p.get("lag").and_then(|v| value(v)) {
            set.put(&metrics::REDIS_CONNECTED_SLAVE_LAG_SECONDS, l, lag);
        }
        return true;
    }
    false
}

/// `cmdstat_get:calls=21,usec=175,usec_per_call=8.33,rejected_calls=0,failed_calls=0`.
fn commandstats(key: &str, val: &str, set: &mut MetricSet) {
    let Some(cmd) = key.strip_prefix("cmdstat_") else {
        return;
    };
    let p = pairs(val);
    let (Some(calls), Some(usec)) = (
        p.get("calls").and_then(|v| value(v)),
        p.get("usec").and_then(|v| value(v)),
    ) else {
        return;
    };
    let l = || labels([("cmd", cmd)]);
    set.put(&metrics::REDIS_COMMANDS_TOTAL, l(), calls);
    set.put(
        &metrics::REDIS_COMMANDS_DURATION_SECONDS_TOTAL,
        l(),
        usec / 1e6,
    );
    if let (Some(rej), Some(fail)) = (
        p.get("rejected_calls").and_then(|v| value(v)),
        p.get("failed_calls").and_then(|v| value(v)),
    ) {
        set.put(&metrics::REDIS_COMMANDS_REJECTED_CALLS_TOTAL, l(), rej);
        set.put(&metrics::REDIS_COMMANDS_FAILED_CALLS_TOTAL, l(), fail);
    }
}

/// `db0:keys=3,expires=1,avg_ttl=5000`; false when the line is not a database.
fn keyspace(key: &str, val: &str, set: &mut MetricSet) -> bool {
    if !key.starts_with("db") {
        return false;
    }
    let p = pairs(val);
    let (Some(keys), Some(expires)) = (
        p.get("keys").and_then(|v| value(v)),
        p.get("expires").and_then(|v| value(v)),
    ) else {
        return false;
    };
    let l = || labels([("db", key)]);
    set.put(&metrics::REDIS_DB_KEYS, l(), keys);
    set.put(&metrics::REDIS_DB_KEYS_EXPIRING, l(), expires);
    if let Some(ttl) = p.get("avg_ttl").and_then(|v| value(v)) {
        set.put(&metrics::REDIS_DB_AVG_TTL_SECONDS, l(), ttl / 1000.0);
    }
    true
}

/// `redis_instance_info` with redis_exporter's labels, and `redis_slave_info` on a replica.
fn instance_info(kv: &BTreeMap<&str, &str>, set: &mut MetricSet) {
    let g = |k: &str| kv.get(k).copied().unwrap_or("");
    let mode = match g("redis_mode") {
        "" => g("server_mode"),
        m => m,
    };
    set.put(
        &metrics::REDIS_INSTANCE_INFO,
        labels([
            ("role", g("role")),
            ("redis_version", g("redis_version")),
            ("redis_build_id", g("redis_build_id")),
            ("redis_mode", mode),
            ("os", g("os")),
            ("maxmemory_policy", g("maxmemory_policy")),
            ("tcp_port", g("tcp_port")),
            ("run_id", g("run_id")),
            ("process_id", g("process_id")),
            ("master_replid", g("master_replid")),
        ]),
        1.0,
    );
    if g("role") == "slave" {
        set.put(
            &metrics::REDIS_SLAVE_INFO,
            labels([
                ("master_host", g("master_host")),
                ("master_port", g("master_port")),
                ("read_only", g("slave_read_only")),
            ]),
            1.0,
        );
    }
}

/// `redis_config_maxclients`, `redis_config_maxmemory` and `redis_config_io_threads` from
/// `CONFIG GET` pairs; returns the `databases` setting for [`info_families`].
pub fn config_families(pairs: &[(String, String)], set: &mut MetricSet) -> Option<u32> {
    let mut databases = None;
    for (k, v) in pairs {
        if k == "databases" {
            databases = v.trim().parse().ok();
        }
        let Some((_, desc)) = metrics::CONFIG.iter().find(|(key, _)| key == k) else {
            continue;
        };
        if let Ok(val) = v.trim().parse::<f64>() {
            set.put(desc, vec![], val);
        }
    }
    databases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(set: &MetricSet, name: &str, l: &[(&str, &str)]) -> Option<f64> {
        set.value(name, l)
    }

    const MASTER: &str = "# Server\r\nredis_version:7.0.15\r\nredis_build_id:ae4d\r\nredis_mode:standalone\r\nos:Linux\r\nprocess_id:42\r\nrun_id:abc\r\ntcp_port:6379\r\nuptime_in_seconds:100\r\nhz:10\r\n\
# Clients\r\nconnected_clients:7\r\nblocked_clients:1\r\n\
# Memory\r\nused_memory:1048576\r\nused_memory_rss:2097152\r\nmaxmemory:0\r\nmaxmemory_policy:allkeys-lru\r\nmem_fragmentation_ratio:2.00\r\ntotal_system_memory:25000000000\r\n\
# Persistence\r\nrdb_last_save_time:1700000000\r\nrdb_last_bgsave_status:ok\r\naof_last_write_status:err\r\n\
# Stats\r\ntotal_net_input_bytes:10\r\nkeyspace_hits:5\r\nkeyspace_misses:2\r\nrejected_connections:0\r\nlatest_fork_usec:1500\r\n\
# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=10.0.0.2,port=6380,state=online,offset=1234,lag=1\r\nmaster_replid:r1\r\nmaster_repl_offset:1234\r\n\
# Commandstats\r\ncmdstat_get:calls=21,usec=175,usec_per_call=8.33,rejected_calls=1,failed_calls=2\r\ncmdstat_config|get:calls=3,usec=30,usec_per_call=10.00\r\n\
# Errorstats\r\nerrorstat_ERR:count=4\r\n\
# Latencystats\r\nlatency_percentiles_usec_get:p50=1.003,p99=2.007\r\n\
# Cluster\r\ncluster_enabled:0\r\n\
# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=5000\r\n";

    #[test]
    fn master_info_as_redis_exporter() {
        let mut s = MetricSet::new();
        info_families(MASTER, Some(2), 1000.0, &mut s);
        let info = &s.get("redis_instance_info").unwrap().samples[0].0;
        assert!(info.contains(&("role".into(), "master".into())));
        assert!(info.contains(&("maxmemory_policy".into(), "allkeys-lru".into())));
        assert_eq!(info.len(), 10);
        assert_eq!(v(&s, "redis_db_keys", &[("db", "db0")]), Some(3.0));
        assert_eq!(v(&s, "redis_db_keys", &[("db", "db1")]), Some(0.0));
        assert_eq!(
            v(&s, "redis_db_avg_ttl_seconds", &[("db", "db0")]),
            Some(5.0)
        );
        assert_eq!(v(&s, "redis_commands_total", &[("cmd", "get")]), Some(21.0));
        assert_eq!(
            v(
                &s,
                "redis_commands_duration_seconds_total",
                &[("cmd", "config|get")]
            ),
            Some(0.00003)
        );
        assert_eq!(
            v(&s, "redis_commands_failed_calls_total", &[("cmd", "get")]),
            Some(2.0)
        );
        assert_eq!(v(&s, "redis_errors_total", &[("err", "ERR")]), Some(4.0));
        assert_eq!(v(&s, "redis_keyspace_hits_total", &[]), Some(5.0));
        assert_eq!(v(&s, "redis_memory_used_rss_bytes", &[]), Some(2097152.0));
        assert_eq!(v(&s, "redis_mem_fragmentation_ratio", &[]), Some(2.0));
        assert_eq!(v(&s, "redis_rdb_last_bgsave_status", &[]), Some(1.0));
        assert_eq!(v(&s, "redis_aof_last_write_status", &[]), Some(0.0));
        assert_eq!(v(&s, "redis_latest_fork_seconds", &[]), Some(0.0015));
        assert_eq!(v(&s, "redis_total_system_memory_bytes", &[]), Some(25e9));
        assert_eq!(v(&s, "redis_start_time_seconds", &[]), Some(900.0));
        assert_eq!(v(&s, "redis_cluster_enabled", &[]), Some(0.0));
        assert_eq!(
            v(
                &s,
                "redis_connected_slave_lag_seconds",
                &[("slave_ip", "10.0.0.2"), ("slave_state", "online")]
            ),
            Some(1.0)
        );
        assert_eq!(v(&s, "redis_connected_slaves", &[]), Some(1.0));
        assert!(s.get("redis_slave_info").is_none());
        assert_eq!(
            s.get("redis_keyspace_hits_total").unwrap().kind,
            crate::metrics::Kind::Counter
        );
    }

    #[test]
    fn replica_info() {
        let text = "# Server\nredis_version:7.0.15\n# Replication\nrole:slave\nmaster_host:10.0.0.1\nmaster_port:6379\nmaster_link_status:down\nmaster_last_io_seconds_ago:-1\nmaster_sync_in_progress:0\nslave_repl_offset:99\nslave_read_only:1\n";
        let mut s = MetricSet::new();
        info_families(text, None, 0.0, &mut s);
        let m = [("master_host", "10.0.0.1"), ("master_port", "6379")];
        assert_eq!(v(&s, "redis_master_link_up", &m), Some(0.0));
        assert_eq!(v(&s, "redis_master_last_io_seconds_ago", &m), Some(-1.0));
        assert_eq!(v(&s, "redis_slave_repl_offset", &m), Some(99.0));
        assert_eq!(v(&s, "redis_slave_info", &[("read_only", "1")]), Some(1.0));
        assert_eq!(
            v(&s, "redis_instance_info", &[("role", "slave")]),
            Some(1.0)
        );
    }

    #[test]
    fn config_and_garbage() {
        let mut s = MetricSet::new();
        let dbs = config_families(
            &[
                ("maxmemory".into(), "0".into()),
                ("maxclients".into(), "10000".into()),
                ("databases".into(), "16".into()),
                ("io-threads".into(), "1".into()),
            ],
            &mut s,
        );
        assert_eq!(dbs, Some(16));
        assert_eq!(v(&s, "redis_config_maxclients", &[]), Some(10000.0));
        assert_eq!(v(&s, "redis_config_io_threads", &[]), Some(1.0));
        let mut s = MetricSet::new();
        info_families(
            "\u{0}:\u{ffff}\n::\n# Keyspace\ndb0:garbage\ncmdstat_x:calls=a\n",
            None,
            0.0,
            &mut s,
        );
        assert!(s.get("redis_db_keys").is_none());
        assert!(s.get("redis_instance_info").is_some());
    }
}

//! Pure parsing for the containers probe: stats JSON, cgroup files, events, inspect fields.
//!
//! Nothing here does I/O; every function maps bytes or decoded API objects to numbers, so
//! it can be unit-tested and fuzzed.

use std::collections::HashMap;

use bollard::models::{ContainerStatsResponse, EventMessage, EventMessageTypeEnum};

/// Resource usage of one running container at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// Cumulative CPU time, seconds.
    pub cpu_seconds: f64,
    /// Memory usage (cgroup `memory.usage_in_bytes` / `memory.current`), bytes.
    pub memory_usage: f64,
    /// Usage minus inactive file pages, floored at 0, bytes.
    pub working_set: f64,
}

/// The working set as cAdvisor and the docker CLI compute it: usage minus
/// `total_inactive_file` (cgroup v1) or `inactive_file` (v2), floored at 0.
pub fn working_set(usage: u64, stat: &HashMap<String, u64>) -> u64 {
    let inactive = stat
        .get("total_inactive_file")
        .or_else(|| stat.get("inactive_file"))
        .copied()
        .unwrap_or(0);
    usage.saturating_sub(inactive)
}

/// Usage from a one-shot stats answer; `None` when it carries no numbers (a container that
/// is not running answers with empty stats).
pub fn usage_from_stats(s: &ContainerStatsResponse) -> Option<Usage> {
    let mem = s.memory_stats.as_ref()?;
    let usage = mem.usage?;
    let empty = HashMap::new();
    let stat = mem.stats.as_ref().unwrap_or(&empty);
    let cpu_ns = s
        .cpu_stats
        .as_ref()
        .and_then(|c| c.cpu_usage.as_ref())
        .and_then(|u| u.total_usage)?;
    Some(Usage {
        cpu_seconds: cpu_ns as f64 / 1e9,
        memory_usage: usage as f64,
        working_set: working_set(usage, stat) as f64,
    })
}

/// Decodes a stats JSON document (`GET /containers/{id}/stats?stream=false&one-shot=true`).
pub fn usage_from_stats_json(body: &[u8]) -> Result<Option<Usage>, String> {
    let s: ContainerStatsResponse =
        serde_json::from_slice(body).map_err(|e| format!("stats JSON: {e}"))?;
    Ok(usage_from_stats(&s))
}

/// Parses a cgroup `memory.stat` / `cpu.stat` file: `key value` per line. Bad lines are skipped.
pub fn parse_flat_keyed(text: &str) -> HashMap<String, u64> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let k = it.next()?;
            let v = it.next()?.parse().ok()?;
            Some((k.to_string(), v))
        })
        .collect()
}

/// Parses a single-number cgroup file (`memory.usage_in_bytes`, `cpuacct.usage`,
/// `memory.current`).
pub fn parse_single(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// Usage from cgroup v1 files: `memory.usage_in_bytes`, `memory.stat`, `cpuacct.usage` (ns).
pub fn usage_from_cgroup_v1(mem_usage: &str, mem_stat: &str, cpuacct_usage: &str) -> Option<Usage> {
    let usage = parse_single(mem_usage)?;
    let stat = parse_flat_keyed(mem_stat);
    let cpu_ns = parse_single(cpuacct_usage)?;
    Some(Usage {
        cpu_seconds: cpu_ns as f64 / 1e9,
        memory_usage: usage as f64,
        working_set: working_set(usage, &stat) as f64,
    })
}

/// Usage from cgroup v2 files: `memory.current`, `memory.stat`, `cpu.stat` (`usage_usec`).
pub fn usage_from_cgroup_v2(mem_current: &str, mem_stat: &str, cpu_stat: &str) -> Option<Usage> {
    let usage = parse_single(mem_current)?;
    let stat = parse_flat_keyed(mem_stat);
    // v2 has no total_* keys; working_set falls back to inactive_file.
    let cpu_us = *parse_flat_keyed(cpu_stat).get("usage_usec")?;
    Some(Usage {
        cpu_seconds: cpu_us as f64 / 1e6,
        memory_usage: usage as f64,
        working_set: working_set(usage, &stat) as f64,
    })
}

/// CPU limit in cores: `NanoCpus / 1e9` (`--cpus`), else `CpuQuota / CpuPeriod`
/// (`--cpu-quota`; period defaults to 100 ms), 0 when unlimited.
pub fn cpu_limit_cores(nano_cpus: Option<i64>, quota: Option<i64>, period: Option<i64>) -> f64 {
    match nano_cpus {
        Some(n) if n > 0 => n as f64 / 1e9,
        _ => match quota {
            Some(q) if q > 0 => {
                let p = period.filter(|p| *p > 0).unwrap_or(100_000);
                q as f64 / p as f64
            }
            _ => 0.0,
        },
    }
}

/// Memory limit from `HostConfig.Memory`: bytes, 0 when unlimited (never host RAM).
pub fn memory_limit_bytes(memory: Option<i64>) -> f64 {
    memory.filter(|m| *m > 0).unwrap_or(0) as f64
}

/// Parses a Docker RFC 3339 UTC time (`2026-11-28T16:21:24.014656454Z`) to Unix seconds;
/// `None` for the zero time (`0001-01-01T00:00:00Z`, never started) or garbage.
pub fn parse_docker_time(s: &str) -> Option<f64> {
    if s.is_empty() || s.starts_with("0001-") {
        return None;
    }
    let t = humantime::parse_rfc3339(s).ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(d.as_secs_f64())
}

/// As [`parse_docker_time`], in nanoseconds since the epoch.
pub fn parse_docker_time_nanos(s: &str) -> Option<i64> {
    if s.is_empty() || s.starts_with("0001-") {
        return None;
    }
    let t = humantime::parse_rfc3339(s).ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_nanos()).ok()
}

/// What a container event means to the restart and OOM counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The main process exited (`die`; not `exec_die`).
    Die,
    /// The container started (`start`).
    Start,
    /// An explicit `docker restart` finished (`restart`).
    Restart,
    /// The kernel OOM-killed a process of the container (`oom`).
    Oom,
    /// The container was removed (`destroy`).
    Destroy,
    /// Anything else that may change inspect data (health_status, update, pause, ...).
    Other,
}

/// A container event reduced to what the probe needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerEvent {
    /// Container id.
    pub id: String,
    /// What happened.
    pub action: Action,
    /// `timeNano` of the event (0 when absent).
    pub time_nano: i64,
    /// Actor attributes (container name, image, labels).
    pub attributes: HashMap<String, String>,
}

/// Maps an event of the `/events` stream to a [`ContainerEvent`]; `None` for events of
/// other object types, exec events and events without an id.
pub fn parse_event(e: &EventMessage) -> Option<ContainerEvent> {
    if e.typ != Some(EventMessageTypeEnum::CONTAINER) {
        return None;
    }
    let actor = e.actor.as_ref()?;
    let id = actor.id.clone().filter(|i| !i.is_empty())?;
    let raw = e.action.as_deref().unwrap_or("");
    if raw.starts_with("exec_") {
        return None;
    }
    // Health events are "health_status: healthy"; keep the verb only.
    let verb = raw.split(':').next().unwrap_or("").trim();
    let action = match verb {
        "die" => Action::Die,
        "start" => Action::Start,
        "restart" => Action::Restart,
        "oom" => Action::Oom,
        "destroy" => Action::Destroy,
        _ => Action::Other,
    };
    Some(ContainerEvent {
        id,
        action,
        time_nano: e.time_nano.unwrap_or(0),
        attributes: actor.attributes.clone().unwrap_or_default(),
    })
}

/// Decodes one JSON event line of `/events`.
pub fn parse_event_json(line: &[u8]) -> Result<Option<ContainerEvent>, String> {
    let e: EventMessage = serde_json::from_slice(line).map_err(|e| format!("event JSON: {e}"))?;
    Ok(parse_event(&e))
}

/// The container's name from the list API's `Names` (`/name`; link aliases `/a/b` skipped).
pub fn container_name(names: &[String]) -> String {
    names
        .iter()
        .map(|n| n.strip_prefix('/').unwrap_or(n))
        .find(|n| !n.contains('/'))
        .or_else(|| names.first().map(|n| n.trim_start_matches('/')))
        .unwrap_or("")
        .to_string()
}

/// Whether `labels` satisfy every selector entry (`key` present, or `key=value` equal).
pub fn selector_matches(selector: &[String], labels: &HashMap<String, String>) -> bool {
    selector.iter().all(|s| match s.split_once('=') {
        Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
        None => labels.contains_key(s.as_str()),
    })
}

/// The compose project label.
pub const COMPOSE_PROJECT: &str = "com.docker.compose.project";
/// The compose service label.
pub const COMPOSE_SERVICE: &str = "com.docker.compose.service";

#[cfg(test)]
mod tests {
    use super::*;

    const STATS_V1: &str = r#"{"read":"2026-11-28T16:21:24.014656454Z","preread":"0001-01-01T00:00:00Z",
      "cpu_stats":{"cpu_usage":{"total_usage":27662244,"percpu_usage":[27662244,0]},"system_cpu_usage":1939240000000,"online_cpus":2},
      "precpu_stats":{"cpu_usage":{"total_usage":0}},
      "memory_stats":{"usage":352256,"max_usage":3579904,"stats":{"inactive_file":4096,"total_inactive_file":102400,"cache":0},"limit":67108864},
      "name":"/x","id":"abc"}"#;

    #[test]
    fn stats_v1_uses_total_inactive_file() {
        let u = usage_from_stats_json(STATS_V1.as_bytes()).unwrap().unwrap();
        assert_eq!(u.memory_usage, 352256.0);
        assert_eq!(u.working_set, (352256 - 102400) as f64);
        assert!((u.cpu_seconds - 0.027662244).abs() < 1e-12);
    }

    #[test]
    fn stats_v2_uses_inactive_file_and_floors() {
        let j = r#"{"cpu_stats":{"cpu_usage":{"total_usage":5000000000}},
          "memory_stats":{"usage":1000,"stats":{"inactive_file":5000},"limit":25276063744}}"#;
        let u = usage_from_stats_json(j.as_bytes()).unwrap().unwrap();
        assert_eq!(u.working_set, 0.0);
        assert_eq!(u.cpu_seconds, 5.0);
    }

    #[test]
    fn stats_of_stopped_container_are_empty() {
        let j = r#"{"read":"0001-01-01T00:00:00Z","cpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{}}"#;
        assert_eq!(usage_from_stats_json(j.as_bytes()).unwrap(), None);
        assert!(usage_from_stats_json(b"not json").is_err());
        assert!(usage_from_stats_json(b"").is_err());
    }

    #[test]
    fn cgroup_files() {
        let u = usage_from_cgroup_v1(
            "1048576\n",
            "cache 0\ninactive_file 10\ntotal_inactive_file 4096\ngarbage\n",
            "2500000000\n",
        )
        .unwrap();
        assert_eq!(u.memory_usage, 1048576.0);
        assert_eq!(u.working_set, (1048576 - 4096) as f64);
        assert_eq!(u.cpu_seconds, 2.5);
        let u = usage_from_cgroup_v2(
            "2048\n",
            "anon 1\ninactive_file 48\n",
            "usage_usec 1500000\nuser_usec 1\n",
        )
        .unwrap();
        assert_eq!(u.working_set, 2000.0);
        assert_eq!(u.cpu_seconds, 1.5);
        assert_eq!(usage_from_cgroup_v2("max\n", "", ""), None);
        assert_eq!(usage_from_cgroup_v2("1", "", "user_usec 3"), None);
    }

    #[test]
    fn limits() {
        assert_eq!(cpu_limit_cores(Some(500_000_000), None, None), 0.5);
        assert_eq!(cpu_limit_cores(Some(0), Some(150_000), Some(100_000)), 1.5);
        assert_eq!(cpu_limit_cores(None, Some(50_000), Some(0)), 0.5);
        assert_eq!(cpu_limit_cores(Some(0), Some(-1), Some(100_000)), 0.0);
        assert_eq!(cpu_limit_cores(None, None, None), 0.0);
        assert_eq!(memory_limit_bytes(Some(67108864)), 67108864.0);
        assert_eq!(memory_limit_bytes(Some(0)), 0.0);
        assert_eq!(memory_limit_bytes(None), 0.0);
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_docker_time("2026-11-28T16:21:24.5Z"),
            Some(1795882884.5)
        );
        assert_eq!(parse_docker_time("0001-01-01T00:00:00Z"), None);
        assert_eq!(parse_docker_time(""), None);
        assert_eq!(parse_docker_time("yesterday"), None);
    }

    #[test]
    fn events() {
        let e = |action: &str| {
            format!(
                r#"{{"status":"{action}","id":"c1","Type":"container","Action":"{action}",
                "Actor":{{"ID":"c1","Attributes":{{"name":"web","image":"bb","exitCode":"1"}}}},
                "scope":"local","time":1,"timeNano":1000}}"#
            )
        };
        let p = |a: &str| parse_event_json(e(a).as_bytes()).unwrap().map(|e| e.action);
        assert_eq!(p("die"), Some(Action::Die));
        assert_eq!(p("start"), Some(Action::Start));
        assert_eq!(p("restart"), Some(Action::Restart));
        assert_eq!(p("oom"), Some(Action::Oom));
        assert_eq!(p("destroy"), Some(Action::Destroy));
        assert_eq!(p("health_status: unhealthy"), Some(Action::Other));
        assert_eq!(p("exec_die"), None);
        let ev = parse_event_json(e("die").as_bytes()).unwrap().unwrap();
        assert_eq!(ev.id, "c1");
        assert_eq!(ev.time_nano, 1000);
        assert_eq!(ev.attributes["name"], "web");
        let img = r#"{"Type":"image","Action":"pull","Actor":{"ID":"x"}}"#;
        assert_eq!(parse_event_json(img.as_bytes()).unwrap(), None);
        let noid = r#"{"Type":"container","Action":"die","Actor":{}}"#;
        assert_eq!(parse_event_json(noid.as_bytes()).unwrap(), None);
        assert!(parse_event_json(b"{").is_err());
    }

    #[test]
    fn names_and_selectors() {
        assert_eq!(container_name(&["/web".into()]), "web");
        assert_eq!(container_name(&["/other/alias".into(), "/db".into()]), "db");
        assert_eq!(container_name(&[]), "");
        let labels: HashMap<String, String> = [
            ("com.docker.compose.project".to_string(), "nexo".to_string()),
            ("tier".to_string(), "api".to_string()),
        ]
        .into();
        assert!(selector_matches(&[], &labels));
        assert!(selector_matches(
            &["tier=api".into(), COMPOSE_PROJECT.into()],
            &labels
        ));
        assert!(!selector_matches(&["tier=db".into()], &labels));
        assert!(!selector_matches(&["missing".into()], &labels));
    }
}

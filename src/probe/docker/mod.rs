//! Containers probe: restarts, OOM kills, state, health, CPU and memory from the Docker
//! Engine API (bollard).
//!
//! One collection lists every container, inspects the selected ones and reads their usage
//! (cgroup files or one-shot stats, bounded concurrency). A background task, spawned on the
//! first collection, follows the `/events` stream to count restarts and OOM kills between
//! scrapes; it reconnects when the stream ends, and its counters outlive dockerd restarts.
//! Semantics: docs/containers.md. Pure parsing lives in [`parse`], counting in [`tracker`].

pub mod cadvisor;
pub mod parse;
pub mod tracker;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::query_parameters::{
    EventsOptions, InspectContainerOptions, ListContainersOptions, StatsOptions,
};
use bollard::{API_DEFAULT_VERSION, ClientVersion, Docker};
use futures::StreamExt;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::metrics::{Labels, MetricSet};
use crate::probe::{Meta, Probe, ProbeError, ProbeFuture, remaining};

mod config;
pub mod metrics;
pub use config::{DockerConfig, StatsSource};

use parse::{COMPOSE_PROJECT, COMPOSE_SERVICE, Usage};
use tracker::{LabelKey, Observation, Tracker};

/// The default Engine socket.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// API version used when `/version` cannot be negotiated (Docker 20.10).
const FALLBACK_API: ClientVersion = ClientVersion {
    major_version: 1,
    minor_version: 41,
};

/// Container states of the `container_state` state set.
pub const STATES: [&str; 7] = [
    "created",
    "running",
    "paused",
    "restarting",
    "removing",
    "exited",
    "dead",
];

/// Health values of the `container_health_status` state set.
pub const HEALTH: [&str; 4] = ["healthy", "unhealthy", "starting", "none"];

/// The containers probe.
pub struct DockerProbe {
    meta: Meta,
    config: DockerConfig,
    timeout: Duration,
    shared: Arc<Shared>,
}

/// State shared by collections and the event task.
struct Shared {
    host: String,
    client: tokio::sync::Mutex<Option<Docker>>,
    tracker: Mutex<Tracker>,
    events: Mutex<Option<JoinHandle<()>>>,
    ncpu: Mutex<Option<i64>>,
    id_label: bool,
    cache: Mutex<InspectCache>,
}

/// Inspect results reused while the event stream shows nothing happened to a container.
///
/// An entry is valid while the stream connection it was taken under is still up, no event
/// for the container arrived since, and the listed state is unchanged. Every event bumps the
/// container's generation; a (re)connect bumps the epoch.
#[derive(Default)]
struct InspectCache {
    epoch: u64,
    live: bool,
    generation: HashMap<String, u64>,
    entries: HashMap<String, CacheEntry>,
}

#[derive(Clone)]
struct CacheEntry {
    epoch: u64,
    generation: u64,
    state: String,
    inspected: Arc<Inspected>,
}

/// What to stamp a fresh inspect with: `(epoch, generation)` when caching is possible.
type Stamp = Option<(u64, u64)>;

impl InspectCache {
    fn get(&self, id: &str, state: &str) -> (Option<Arc<Inspected>>, Stamp) {
        if !self.live {
            return (None, None);
        }
        let generation = self.generation.get(id).copied().unwrap_or(0);
        let hit = self
            .entries
            .get(id)
            .filter(|e| e.epoch == self.epoch && e.generation == generation && e.state == state);
        (
            hit.map(|e| Arc::clone(&e.inspected)),
            Some((self.epoch, generation)),
        )
    }
    fn put(&mut self, id: &str, state: &str, stamp: Stamp, inspected: Arc<Inspected>) {
        if let Some((epoch, generation)) = stamp {
            self.entries.insert(
                id.to_string(),
                CacheEntry {
                    epoch,
                    generation,
                    state: state.to_string(),
                    inspected,
                },
            );
        }
    }
    fn event(&mut self, id: &str) {
        *self.generation.entry(id.to_string()).or_default() += 1;
    }
    fn connected(&mut self, live: bool) {
        self.epoch += 1;
        self.live = live;
    }
    fn retain(&mut self, present: &HashSet<String>) {
        self.entries.retain(|id, _| present.contains(id));
        self.generation.retain(|id, _| present.contains(id));
    }
}

/// The Engine address: configured `host`, else `DOCKER_HOST`, else the default socket.
pub fn resolve_host(configured: &str) -> String {
    if !configured.is_empty() {
        return configured.to_string();
    }
    match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h,
        _ => DEFAULT_HOST.to_string(),
    }
}

impl DockerProbe {
    /// A probe for `config`; `default_timeout` applies when it sets none.
    pub fn new(config: DockerConfig, default_timeout: Duration) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        let host = resolve_host(&config.host);
        let shared = Arc::new(Shared {
            host: host.clone(),
            client: tokio::sync::Mutex::new(None),
            tracker: Mutex::new(Tracker::new()),
            events: Mutex::new(None),
            ncpu: Mutex::new(None),
            id_label: config.id_label,
            cache: Mutex::new(InspectCache::default()),
        });
        DockerProbe {
            meta: Meta::new("docker", "docker", timeout)
                .target(host)
                .up(
                metrics::NEXO_EXPORTER_DOCKER_UP,
                vec![],
                ),
            config,
            timeout,
            shared,
        }
    }
}

impl Drop for DockerProbe {
    fn drop(&mut self) {
        if let Ok(mut g) = self.shared.events.lock()
            && let Some(h) = g.take()
        {
            h.abort();
        }
    }
}

fn connect_err(e: impl std::fmt::Display) -> ProbeError {
    ProbeError::Connect(e.to_string())
}

fn map_err(e: bollard::errors::Error) -> ProbeError {
    use bollard::errors::Error as E;
    match e {
        E::DockerResponseServerError {
            status_code,
            message,
        } => ProbeError::Query(format!("engine answered {status_code}: {message}")),
        E::JsonDataError { .. } | E::JsonSerdeError { .. } => ProbeError::Protocol(e.to_string()),
        other => ProbeError::Connect(other.to_string()),
    }
}

/// A client for `host` with the API version negotiated (pinned to 1.41 when `/version`
/// answers something unusable). Errors when the Engine cannot be reached.
async fn connect(host: &str, budget: Duration) -> Result<Docker, ProbeError> {
    let secs = budget.as_secs().max(1);
    let make = |v: &ClientVersion| -> Result<Docker, ProbeError> {
        if let Some(path) = host.strip_prefix("unix://") {
            Docker::connect_with_unix(path, secs, v).map_err(connect_err)
        } else if host.starts_with('/') {
            Docker::connect_with_unix(host, secs, v).map_err(connect_err)
        } else if host.starts_with("tcp://") || host.starts_with("http://") {
            Docker::connect_with_http(host, secs, v).map_err(connect_err)
        } else {
            Err(ProbeError::Connect(format!(
                "unsupported Docker host scheme in {host:?} (unix:// or tcp://)"
            )))
        }
    };
    let docker = make(API_DEFAULT_VERSION)?;
    match tokio::time::timeout(budget, docker.negotiate_version()).await {
        Err(_) => Err(ProbeError::Timeout(budget)),
        Ok(Ok(d)) => Ok(d),
        Ok(Err(bollard::errors::Error::APIVersionParseError {})) => make(&FALLBACK_API),
        Ok(Err(e)) => Err(map_err(e)),
    }
}

impl Shared {
    async fn client(&self, budget: Duration) -> Result<Docker, ProbeError> {
        let mut g = self.client.lock().await;
        if let Some(d) = g.as_ref() {
            return Ok(d.clone());
        }
        let d = connect(&self.host, budget).await?;
        *g = Some(d.clone());
        Ok(d)
    }

    /// Forgets the client so the next use renegotiates (dockerd may have been upgraded).
    async fn reset_client(&self) {
        *self.client.lock().await = None;
    }

    fn key_from_attributes(&self, id: &str, a: &HashMap<String, String>) -> Option<LabelKey> {
        let name = a.get("name")?;
        Some(label_key(
            name,
            a.get("image").map(String::as_str).unwrap_or(""),
            a,
            self.id_label.then_some(id),
        ))
    }

    fn ensure_event_task(self: &Arc<Self>) {
        let mut g = self.events.lock().expect("events lock");
        if g.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        let weak = Arc::downgrade(self);
        *g = Some(tokio::spawn(event_loop(weak)));
    }
}

/// Follows `/events` for as long as the probe exists, reconnecting with back-off.
async fn event_loop(weak: std::sync::Weak<Shared>) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let Some(shared) = weak.upgrade() else { return };
        let result = follow_events(&shared).await;
        shared.cache.lock().expect("cache lock").connected(false);
        if let Err(e) = result {
            tracing::debug!(error = %e, "docker event stream");
            shared.reset_client().await;
        } else {
            backoff = Duration::from_millis(500);
        }
        drop(shared);
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

/// One connection of the event stream; returns when it ends.
async fn follow_events(shared: &Arc<Shared>) -> Result<(), ProbeError> {
    let docker = shared.client(Duration::from_secs(5)).await?;
    let last = shared
        .tracker
        .lock()
        .expect("tracker lock")
        .last_event_nano();
    let since = if last > 0 {
        // Resume where the previous connection stopped; repeats are ignored by the tracker.
        Some(format!(
            "{}.{:09}",
            last / 1_000_000_000,
            last % 1_000_000_000
        ))
    } else {
        None
    };
    let opts = EventsOptions {
        since,
        until: None,
        filters: Some(HashMap::from([(
            "type".to_string(),
            vec!["container".to_string()],
        )])),
    };
    // A new epoch: entries cached under an earlier connection are stale (events may have
    // been missed). The caller marks the cache dead again when this connection ends.
    shared.cache.lock().expect("cache lock").connected(true);
    let mut stream = docker.events(Some(opts));
    while let Some(item) = stream.next().await {
        let msg = item.map_err(map_err)?;
        if let Some(ev) = parse::parse_event(&msg) {
            shared.cache.lock().expect("cache lock").event(&ev.id);
            let key = shared.key_from_attributes(&ev.id, &ev.attributes);
            shared
                .tracker
                .lock()
                .expect("tracker lock")
                .apply_event(&ev, key);
        }
    }
    Ok(())
}

/// The series labels of a container.
fn label_key(
    name: &str,
    image: &str,
    labels: &HashMap<String, String>,
    id: Option<&str>,
) -> LabelKey {
    let get = |k: &str| labels.get(k).cloned().unwrap_or_default();
    let mut key = vec![
        ("name".to_string(), name.to_string()),
        ("image".to_string(), image.to_string()),
        ("compose_project".to_string(), get(COMPOSE_PROJECT)),
        ("compose_service".to_string(), get(COMPOSE_SERVICE)),
    ];
    if let Some(id) = id {
        key.push(("id".to_string(), id.to_string()));
    }
    key
}

/// Everything one container contributes to a collection.
struct Sample {
    key: LabelKey,
    state: String,
    inspect: Option<Arc<Inspected>>,
    /// Whether `inspect` is fresh (counted by the tracker) rather than cached.
    fresh: bool,
    usage: Option<Usage>,
    /// cAdvisor's CPU settings, throttling, block I/O and network (cgroup files only).
    extra: Option<cadvisor::Extra>,
}

/// What the probe keeps from a container's inspect answer (public for the fuzz targets).
pub struct Inspected {
    /// The fields the restart and OOM tracker uses.
    pub obs: Observation,
    exit_code: i64,
    pid: i64,
    health: String,
    cpu_limit: f64,
    memory_limit: f64,
    cgroup_parent: String,
}

/// Reduces an inspect answer (`GET /containers/{id}/json`) to what the probe uses.
pub fn inspected(r: &bollard::models::ContainerInspectResponse) -> Inspected {
    let st = r.state.clone().unwrap_or_default();
    let hc = r.host_config.clone().unwrap_or_default();
    let health = st
        .health
        .as_ref()
        .and_then(|h| h.status)
        .map(|s| s.to_string())
        .filter(|s| HEALTH.contains(&s.as_str()))
        .unwrap_or_else(|| "none".to_string());
    Inspected {
        obs: Observation {
            restart_count: r.restart_count.unwrap_or(0),
            oom_killed: st.oom_killed.unwrap_or(false),
            started_at: st.started_at.clone().unwrap_or_default(),
            finished_at: st.finished_at.clone().unwrap_or_default(),
        },
        exit_code: st.exit_code.unwrap_or(0),
        pid: st.pid.unwrap_or(0),
        health,
        cpu_limit: parse::cpu_limit_cores(hc.nano_cpus, hc.cpu_quota, hc.cpu_period),
        memory_limit: parse::memory_limit_bytes(hc.memory),
        cgroup_parent: hc.cgroup_parent.unwrap_or_default(),
    }
}

/// The container's cgroup directories for [`cadvisor::read`], `None` when not there.
pub fn cgroup_dirs(root: &Path, id: &str, parent: &str) -> Option<cadvisor::CgroupDirs> {
    let parents: Vec<String> = if parent.is_empty() || parent == "/docker" {
        vec!["docker".into(), format!("system.slice/docker-{id}.scope")]
    } else {
        vec![parent.trim_start_matches('/').to_string()]
    };
    let v2 = root.join("cgroup.controllers").exists();
    for p in &parents {
        let sub = |ctl: Option<&str>| {
            let base = ctl
                .map(|c| root.join(c))
                .unwrap_or_else(|| root.to_path_buf());
            if p.ends_with(".scope") {
                base.join(p)
            } else {
                base.join(p).join(id)
            }
        };
        if v2 {
            let d = sub(None);
            if d.is_dir() {
                return Some(cadvisor::CgroupDirs::V2(d));
            }
        } else {
            let cpu = sub(Some("cpu"));
            if cpu.is_dir() {
                return Some(cadvisor::CgroupDirs::V1 {
                    cpu,
                    blkio: sub(Some("blkio")),
                });
            }
        }
    }
    None
}

/// Reads usage from the host's cgroup files, `None` when the container's cgroup is not there;
/// with cgroup v2 also the `cpu.stat` text it read, which [`cadvisor::read`] reuses.
pub fn cgroup_usage(root: &Path, id: &str, parent: &str) -> (Option<Usage>, Option<String>) {
    let read = |p: PathBuf| crate::probe::pseudo_fs::read(&p).ok();
    let parents: Vec<String> = if parent.is_empty() || parent == "/docker" {
        vec!["docker".into(), format!("system.slice/docker-{id}.scope")]
    } else {
        vec![parent.trim_start_matches('/').to_string()]
    };
    if root.join("cgroup.controllers").exists() {
        // cgroup v2 (unified).
        for p in &parents {
            let dir = if p.ends_with(".scope") {
                root.join(p)
            } else {
                root.join(p).join(id)
            };
            if let (Some(cur), Some(stat), Some(cpu)) = (
                read(dir.join("memory.current")),
                read(dir.join("memory.stat")),
                read(dir.join("cpu.stat")),
            ) {
                return (parse::usage_from_cgroup_v2(&cur, &stat, &cpu), Some(cpu));
            }
        }
        return (None, None);
    }
    for p in &parents {
        let sub = |ctl: &str| {
            if p.ends_with(".scope") {
                root.join(ctl).join(p)
            } else {
                root.join(ctl).join(p).join(id)
            }
        };
        let mem = sub("memory");
        let cpu = sub("cpuacct");
        if let (Some(u), Some(stat), Some(c)) = (
            read(mem.join("memory.usage_in_bytes")),
            read(mem.join("memory.stat")),
            read(cpu.join("cpuacct.usage")),
        ) {
            return (parse::usage_from_cgroup_v1(&u, &stat, &c), None);
        }
    }
    (None, None)
}

async fn api_usage(docker: &Docker, id: &str) -> Result<Option<Usage>, ProbeError> {
    let opts = StatsOptions {
        stream: false,
        one_shot: true,
    };
    let mut s = docker.stats(id, Some(opts));
    match s.next().await {
        Some(Ok(st)) => Ok(parse::usage_from_stats(&st)),
        Some(Err(e)) => Err(map_err(e)),
        None => Ok(None),
    }
}

impl DockerProbe {
    async fn run(&self, deadline: Instant) -> Result<MetricSet, ProbeError> {
        let shared = &self.shared;
        let docker = shared.client(remaining(deadline)).await?;
        shared.ensure_event_task();

        let list = docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                ..Default::default()
            }))
            .await;
        let list = match list {
            Ok(l) => l,
            Err(e) => {
                shared.reset_client().await;
                return Err(map_err(e));
            }
        };

        let ncpu = {
            let cached = *shared.ncpu.lock().expect("ncpu lock");
            match cached {
                Some(n) => Some(n),
                None => {
                    let n = docker.info().await.ok().and_then(|i| i.ncpu);
                    *shared.ncpu.lock().expect("ncpu lock") = n;
                    n
                }
            }
        };

        let present: HashSet<String> = list.iter().filter_map(|c| c.id.clone()).collect();
        let mut selected = Vec::new();
        {
            let tracker = shared.tracker.lock().expect("tracker lock");
            for c in &list {
                let Some(id) = c.id.clone() else { continue };
                let name = parse::container_name(c.names.as_deref().unwrap_or(&[]));
                if !self.config.name_include.is_match(&name)
                    || self
                        .config
                        .name_exclude
                        .as_ref()
                        .is_some_and(|p| p.is_match(&name))
                {
                    continue;
                }
                let empty = HashMap::new();
                let labels = c.labels.as_ref().unwrap_or(&empty);
                if !parse::selector_matches(&self.config.label_selector, labels) {
                    continue;
                }
                let state = c.state.map(|s| s.to_string()).unwrap_or_default();
                let live = matches!(state.as_str(), "running" | "restarting" | "paused");
                if !live && !tracker.knows(&id) {
                    continue;
                }
                let key = label_key(
                    &name,
                    c.image.as_deref().unwrap_or(""),
                    labels,
                    self.config.id_label.then_some(id.as_str()),
                );
                selected.push((id, key, state));
            }
        }

        let source = self.config.stats_source;
        let root = self.config.cgroup_root.clone();
        let procfs = self.config.procfs.clone();
        let cadvisor = self.config.cadvisor_metrics;
        let fetches = selected.into_iter().map(|(id, key, state)| {
            let docker = docker.clone();
            let root = root.clone();
            let procfs = procfs.clone();
            async move {
                let (cached, stamp) = shared.cache.lock().expect("cache lock").get(&id, &state);
                let fresh = cached.is_none();
                let inspect = match cached {
                    Some(c) => Some(c),
                    None => {
                        let r = docker
                            .inspect_container(&id, None::<InspectContainerOptions>)
                            .await;
                        match r {
                            Ok(r) => {
                                let i = Arc::new(inspected(&r));
                                shared.cache.lock().expect("cache lock").put(
                                    &id,
                                    &state,
                                    stamp,
                                    Arc::clone(&i),
                                );
                                Some(i)
                            }
                            // Removed between list and inspect.
                            Err(bollard::errors::Error::DockerResponseServerError {
                                status_code: 404,
                                ..
                            }) => None,
                            Err(e) => return Err(map_err(e)),
                        }
                    }
                };
                let mut usage = None;
                let mut extra = None;
                if state == "running" || state == "paused" {
                    let parent = inspect
                        .as_ref()
                        .map(|i| i.cgroup_parent.as_str())
                        .unwrap_or("");
                    if source != StatsSource::Api {
                        let cpu_stat;
                        (usage, cpu_stat) = cgroup_usage(&root, &id, parent);
                        if let Some(dirs) = cgroup_dirs(&root, &id, parent).filter(|_| cadvisor) {
                            let pid = inspect.as_ref().map(|i| i.pid).unwrap_or(0);
                            extra = Some(cadvisor::read(&root, dirs, &procfs, pid, cpu_stat));
                        }
                    }
                    if usage.is_none() && source != StatsSource::Cgroup {
                        usage = api_usage(&docker, &id).await.unwrap_or(None);
                    }
                }
                Ok((
                    id,
                    Sample {
                        key,
                        state,
                        inspect,
                        fresh,
                        usage,
                        extra,
                    },
                ))
            }
        });
        let results: Vec<Result<(String, Sample), ProbeError>> = futures::stream::iter(fetches)
            .buffer_unordered(self.config.stats_concurrency.max(1))
            .collect()
            .await;
        let mut samples = Vec::with_capacity(results.len());
        for r in results {
            samples.push(r?);
        }
        samples.sort_by(|a, b| a.1.key.cmp(&b.1.key));

        let mut set = MetricSet::new();
        if let Some(n) = ncpu {
            set.put(&metrics::MACHINE_CPU_CORES, vec![],
                n as f64,
            );
        }
        let mut tracker = shared.tracker.lock().expect("tracker lock");
        for (id, s) in &samples {
            if let (Some(i), true) = (&s.inspect, s.fresh) {
                tracker.observe(id, s.key.clone(), i.obs.clone());
            }
        }
        tracker.retain_present(&|id| present.contains(id));
        shared.cache.lock().expect("cache lock").retain(&present);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        for (_, s) in &samples {
            emit(&mut set, s, tracker.totals(&s.key));
            if s.state == "running" || s.state == "paused" {
                cadvisor::emit_last_seen(&mut set, &s.key, now);
            }
            if let Some(x) = &s.extra {
                cadvisor::emit(&mut set, &s.key, x);
            }
        }
        Ok(set)
    }
}

fn with(key: &LabelKey, extra: (&str, &str)) -> Labels {
    let mut l = key.clone();
    l.push((extra.0.to_string(), extra.1.to_string()));
    l
}

fn emit(set: &mut MetricSet, s: &Sample, totals: tracker::Totals) {
    let k = &s.key;
    set.put(&metrics::CONTAINER_RESTARTS_TOTAL, k.clone(),
        totals.restarts as f64,
    );
    set.put(&metrics::CONTAINER_OOM_EVENTS_TOTAL, k.clone(),
        totals.ooms as f64,
    );
    for st in STATES {
        set.put(&metrics::CONTAINER_STATE, with(k, ("state", st)),
            if s.state == st { 1.0 } else { 0.0 },
        );
    }
    if let Some(i) = &s.inspect {
        set.put(&metrics::CONTAINER_RESTART_COUNT, k.clone(),
            i.obs.restart_count as f64,
        );
        set.put(&metrics::CONTAINER_LAST_EXIT_CODE, k.clone(),
            i.exit_code as f64,
        );
        for h in HEALTH {
            set.put(&metrics::CONTAINER_HEALTH_STATUS, with(k, ("status", h)),
                if i.health == h { 1.0 } else { 0.0 },
            );
        }
        if let Some(t) = parse::parse_docker_time(&i.obs.started_at) {
            set.put(&metrics::CONTAINER_START_TIME_SECONDS, k.clone(),
                t,
            );
        }
        set.put(&metrics::CONTAINER_SPEC_CPU_LIMIT_CORES, k.clone(),
            i.cpu_limit,
        );
        set.put(&metrics::CONTAINER_SPEC_MEMORY_LIMIT_BYTES, k.clone(),
            i.memory_limit,
        );
    }
    if let Some(u) = &s.usage {
        set.put(&metrics::CONTAINER_CPU_USAGE_SECONDS_TOTAL, k.clone(),
            u.cpu_seconds,
        );
        set.put(&metrics::CONTAINER_MEMORY_USAGE_BYTES, k.clone(),
            u.memory_usage,
        );
        set.put(&metrics::CONTAINER_MEMORY_WORKING_SET_BYTES, k.clone(),
            u.working_set,
        );
    }
}

impl Probe for DockerProbe {
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn collect(&self, deadline: Instant) -> ProbeFuture<'_> {
        Box::pin(async move {
            match tokio::time::timeout(remaining(deadline), self.run(deadline)).await {
                Ok(r) => r,
                Err(_) => Err(ProbeError::Timeout(self.timeout)),
            }
        })
    }
}

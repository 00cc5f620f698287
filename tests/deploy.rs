//! Checks the deploy bundle (deploy/):
//! - the image: built from the locally built binary (no registry here: a FROM scratch image
//!   with the binary, the shared libraries `ldd` lists and a non-root user, using the shipped
//!   Dockerfile's HEALTHCHECK and ENTRYPOINT), run with the Docker socket and the host's `/`
//!   mounted read-only, scraped over a user-defined Docker network from a second container and
//!   over a published 127.0.0.1 port, and reported healthy by Docker;
//! - `promtool check config` on deploy/prometheus/prometheus.yml with the shipped rules;
//! - docker-compose.yml and the Kubernetes manifests: parsed and every key checked against
//!   an allow-list per object type (a typo'd key fails), plus the wiring the stack relies on;
//! - the exporter configurations shipped in deploy/ pass `nexo-exporter check-config`;
//! - `nexo-exporter healthcheck` (the HEALTHCHECK of shell-less images) exits 0/1.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::image::{
    DockerObject, busybox_image, exporter_image, run, run_ok, shipped_dockerfile, shipped_user,
    unique,
};
use common::root;
use common::{Exporter, exporter_bin, sample, wait_for};
use serde_json::Value;

#[test]
fn shipped_dockerfile_is_multi_stage_non_root_with_a_healthcheck() {
    let text = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert!(froms.len() >= 2, "multi-stage build expected: {froms:?}");
    assert!(froms[0].contains("rust:1.95"), "{froms:?}");
    assert!(froms.last().unwrap().contains(":nonroot"), "{froms:?}");
    let user = text
        .lines()
        .rev()
        .find(|l| l.starts_with("USER "))
        .expect("USER");
    assert!(!user.contains(" 0") && !user.contains("root"), "{user}");
    let (hc, entry) = shipped_dockerfile();
    assert!(
        hc.contains("healthcheck") && hc.contains("/-/healthy"),
        "{hc}"
    );
    assert!(entry.contains("/usr/local/bin/nexo-exporter"), "{entry}");
}

#[test]
fn healthcheck_subcommand_reports_a_running_and_a_missing_exporter() {
    let ex = Exporter::start(
        "postgres: []\nredis: []\nrabbitmq: []\ndocker: {enabled: false}\n",
        &[],
    );
    let url = format!("http://{}/-/healthy", ex.addr);
    let out = run(Command::new(exporter_bin()).args(["healthcheck", "--url", &url]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A wrong path answers 404: unhealthy.
    let url404 = format!("http://{}/nope", ex.addr);
    let out = run(Command::new(exporter_bin()).args(["healthcheck", "--url", &url404]));
    assert_eq!(out.status.code(), Some(1));
    // Nothing listening: unhealthy, quickly.
    let closed = format!("http://127.0.0.1:{}/-/healthy", common::free_port());
    let out = run(Command::new(exporter_bin()).args([
        "healthcheck",
        "--url",
        &closed,
        "--timeout",
        "1s",
    ]));
    assert_eq!(out.status.code(), Some(1));
    // A server that never answers: bounded by --timeout.
    let hole = common::blackhole_server();
    let start = std::time::Instant::now();
    let out = run(Command::new(exporter_bin()).args([
        "healthcheck",
        "--url",
        &format!("http://127.0.0.1:{hole}/-/healthy"),
        "--timeout",
        "1s",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(10));
}

/// Exporter configuration of the image test: host and containers only.
const IMAGE_CONFIG: &str = "\
host:
  enabled: true
  rootfs: /host
  procfs: /host/proc
docker:
  enabled: true
  host: unix:///var/run/docker.sock
postgres: []
redis: []
rabbitmq: []
";

#[test]
fn image_serves_metrics_inside_docker_and_reads_the_socket() {
    assert!(
        run(Command::new("docker").arg("info")).status.success(),
        "dockerd must be running (scripts/test.sh starts it)"
    );
    // 1. Exporter image FROM scratch: binary + its shared libraries + the shipped USER.
    let image = exporter_image(
        "--interval=1s --timeout=3s --retries=3",
        &[("/etc/nexo-exporter/config.yml", IMAGE_CONFIG)],
    );
    // 2. A busybox image FROM scratch to scrape from inside the Docker network.
    let busybox = busybox_image("");
    // 3. A user-defined network and the exporter on it, socket and host / read-only.
    let network = DockerObject {
        kind: "network",
        name: unique("nexo-test-net"),
    };
    run_ok(Command::new("docker").args(["network", "create", &network.name]));
    let sock_gid = std::fs::metadata("/var/run/docker.sock")
        .map(|m| std::os::unix::fs::MetadataExt::gid(&m))
        .expect("/var/run/docker.sock");
    let container = DockerObject {
        kind: "container",
        name: unique("nexo-exporter-test"),
    };
    run_ok(Command::new("docker").args([
        "run",
        "-d",
        "--name",
        &container.name,
        "--network",
        &network.name,
        "-p",
        "127.0.0.1::8910",
        "--group-add",
        &sock_gid.to_string(),
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock:ro",
        "-v",
        "/:/host:ro",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        &image.name,
        "--config.file=/etc/nexo-exporter/config.yml",
        "--path.rootfs=/host",
    ]));
    let logs = || {
        let o = run(Command::new("docker").args(["logs", &container.name]));
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    // Non-root.
    let user = run_ok(Command::new("docker").args([
        "inspect",
        "--format",
        "{{.Config.User}}",
        &container.name,
    ]));
    assert_eq!(user, shipped_user());
    // 4. Scrape over the Docker network from the busybox container.
    let url = format!("http://{}:8910/metrics", container.name);
    let mut last = String::new();
    let inside = wait_for(Duration::from_secs(30), || {
        let o = run(Command::new("docker").args([
            "run",
            "--rm",
            "--network",
            &network.name,
            &busybox.name,
            "/bin/busybox",
            "wget",
            // No -T: Debian's static busybox 1.35 wget segfaults with it in a scratch image.
            "-q",
            "-O",
            "-",
            &url,
        ]));
        last = format!("{}: {}", o.status, String::from_utf8_lossy(&o.stderr));
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
    })
    .unwrap_or_else(|| {
        panic!(
            "no scrape over the Docker network ({last}); logs:\n{}",
            logs()
        )
    });
    // The docker probe reads the mounted socket: its up gauge is 1.
    assert_eq!(
        sample(&inside, "nexo_exporter_docker_up", &[]),
        Some(1.0),
        "nexo_exporter_docker_up is not 1 inside the container:\n{inside}\nlogs:\n{}",
        logs()
    );
    // The host probe reads the host through /host: load and the root filesystem.
    assert!(sample(&inside, "node_load1", &[]).is_some(), "{inside}");
    assert!(
        sample(
            &inside,
            "node_filesystem_size_bytes",
            &[("mountpoint", "/")]
        )
        .is_some(),
        "host / not reported through /host:\n{inside}\nlogs:\n{}",
        logs()
    );
    // 5. Scrape over the published 127.0.0.1 port.
    let port = run_ok(Command::new("docker").args(["port", &container.name, "8910/tcp"]));
    let addr: std::net::SocketAddr = port
        .lines()
        .find(|l| l.starts_with("127.0.0.1:"))
        .unwrap_or_else(|| panic!("not published on 127.0.0.1: {port}"))
        .parse()
        .unwrap();
    let r = common::http(addr, "GET", "/metrics", &[]).expect("scrape published port");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("nexo_exporter_build_info"));
    // 6. Docker runs the shipped HEALTHCHECK command and reports healthy.
    let health = wait_for(Duration::from_secs(30), || {
        let s = run_ok(Command::new("docker").args([
            "inspect",
            "--format",
            "{{.State.Health.Status}}",
            &container.name,
        ]));
        (s == "healthy").then_some(s)
    });
    assert!(
        health.is_some(),
        "container never healthy; logs:\n{}",
        logs()
    );
    drop(container);
    drop(network);
}

// ---------------------------------------------------------------------------------------
// Prometheus config.

/// A Prometheus rule file (top-level `groups:`), not a promtool test file or other YAML.
fn is_rule_file(p: &Path) -> bool {
    std::fs::read_to_string(p)
        .map(|t| t.lines().any(|l| l.starts_with("groups:")))
        .unwrap_or(false)
}

#[test]
fn promtool_accepts_the_compose_prometheus_config_with_the_shipped_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("prometheus.yml");
    std::fs::copy(root().join("deploy/prometheus/prometheus.yml"), &cfg).unwrap();
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        text.contains("rules/*.yml"),
        "rules must be loaded from rules/*.yml"
    );
    // The compose file mounts alerts/ at rules/ next to the config; mirror that in a temp copy.
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let mut copied = 0;
    if let Ok(rd) = std::fs::read_dir(root().join("alerts")) {
        for e in rd {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".yml") && is_rule_file(&p) {
                std::fs::copy(&p, rules.join(&name)).unwrap();
                copied += 1;
            }
        }
    }
    if copied == 0 {
        // No rules on this branch yet: a placeholder in the temp copy only.
        std::fs::write(rules.join("placeholder.yml"), "groups: []\n").unwrap();
    }
    let out = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(&cfg));
    assert!(
        out.status.success(),
        "promtool check config: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The scrape config points at the compose service names.
    for target in ["nexo-exporter:8910", "alertmanager:9093"] {
        assert!(text.contains(target), "{target} not scraped/used");
    }
}

#[test]
fn alertmanager_config_is_valid_when_present() {
    let path = root().join("deploy/alertmanager/alertmanager.yml");
    assert!(path.exists(), "{} is missing", path.display());
    let out = run(Command::new("amtool").arg("check-config").arg(&path));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// ---------------------------------------------------------------------------------------
// Structural validation: allow-lists of keys per object type.

/// `(type, [(key, child type)])`. Child types: "" scalar or list of scalars, "*" anything
/// (free-form maps such as labels), "T" object of type T, "T[]" list of T, "{T}" map of T.
type Schema = &'static [(&'static str, &'static [(&'static str, &'static str)])];

const K8S: Schema = &[
    (
        "ObjectMeta",
        &[
            ("name", ""),
            ("namespace", ""),
            ("labels", "*"),
            ("annotations", "*"),
        ],
    ),
    (
        "ConfigMap",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("metadata", "ObjectMeta"),
            ("data", "*"),
            ("binaryData", "*"),
            ("immutable", ""),
        ],
    ),
    (
        "Deployment",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "DeploymentSpec"),
        ],
    ),
    (
        "DaemonSet",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "DaemonSetSpec"),
        ],
    ),
    (
        "Service",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "ServiceSpec"),
        ],
    ),
    (
        "ServiceMonitor",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "ServiceMonitorSpec"),
        ],
    ),
    (
        "PrometheusRule",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "PrometheusRuleSpec"),
        ],
    ),
    (
        "Kustomization",
        &[
            ("apiVersion", ""),
            ("kind", ""),
            ("namespace", ""),
            ("resources", ""),
            ("labels", "*"),
            ("commonLabels", "*"),
            ("images", "*"),
            ("configMapGenerator", "*"),
        ],
    ),
    (
        "DeploymentSpec",
        &[
            ("replicas", ""),
            ("selector", "LabelSelector"),
            ("template", "PodTemplate"),
            ("strategy", "*"),
            ("revisionHistoryLimit", ""),
            ("minReadySeconds", ""),
        ],
    ),
    (
        "DaemonSetSpec",
        &[
            ("selector", "LabelSelector"),
            ("template", "PodTemplate"),
            ("updateStrategy", "DaemonSetUpdateStrategy"),
            ("revisionHistoryLimit", ""),
            ("minReadySeconds", ""),
        ],
    ),
    (
        "DaemonSetUpdateStrategy",
        &[("type", ""), ("rollingUpdate", "*")],
    ),
    (
        "LabelSelector",
        &[("matchLabels", "*"), ("matchExpressions", "*")],
    ),
    (
        "PodTemplate",
        &[("metadata", "ObjectMeta"), ("spec", "PodSpec")],
    ),
    (
        "PodSpec",
        &[
            ("containers", "Container[]"),
            ("initContainers", "Container[]"),
            ("volumes", "Volume[]"),
            ("securityContext", "PodSecurityContext"),
            ("serviceAccountName", ""),
            ("automountServiceAccountToken", ""),
            ("nodeSelector", "*"),
            ("tolerations", "Toleration[]"),
            ("affinity", "*"),
            ("hostNetwork", ""),
            ("hostPID", ""),
            ("priorityClassName", ""),
            ("terminationGracePeriodSeconds", ""),
            ("dnsPolicy", ""),
            ("restartPolicy", ""),
            ("enableServiceLinks", ""),
        ],
    ),
    (
        "Container",
        &[
            ("name", ""),
            ("image", ""),
            ("imagePullPolicy", ""),
            ("command", ""),
            ("args", ""),
            ("env", "EnvVar[]"),
            ("envFrom", "*"),
            ("ports", "ContainerPort[]"),
            ("volumeMounts", "VolumeMount[]"),
            ("resources", "Resources"),
            ("livenessProbe", "Probe"),
            ("readinessProbe", "Probe"),
            ("startupProbe", "Probe"),
            ("securityContext", "SecurityContext"),
            ("workingDir", ""),
        ],
    ),
    (
        "EnvVar",
        &[("name", ""), ("value", ""), ("valueFrom", "EnvVarSource")],
    ),
    (
        "EnvVarSource",
        &[
            ("secretKeyRef", "KeyRef"),
            ("configMapKeyRef", "KeyRef"),
            ("fieldRef", "*"),
            ("resourceFieldRef", "*"),
        ],
    ),
    ("KeyRef", &[("name", ""), ("key", ""), ("optional", "")]),
    (
        "ContainerPort",
        &[
            ("name", ""),
            ("containerPort", ""),
            ("protocol", ""),
            ("hostPort", ""),
            ("hostIP", ""),
        ],
    ),
    (
        "VolumeMount",
        &[
            ("name", ""),
            ("mountPath", ""),
            ("readOnly", ""),
            ("subPath", ""),
            ("mountPropagation", ""),
        ],
    ),
    ("Resources", &[("requests", "*"), ("limits", "*")]),
    (
        "Probe",
        &[
            ("httpGet", "HTTPGetAction"),
            ("tcpSocket", "*"),
            ("exec", "*"),
            ("initialDelaySeconds", ""),
            ("periodSeconds", ""),
            ("timeoutSeconds", ""),
            ("failureThreshold", ""),
            ("successThreshold", ""),
        ],
    ),
    (
        "HTTPGetAction",
        &[
            ("path", ""),
            ("port", ""),
            ("scheme", ""),
            ("host", ""),
            ("httpHeaders", "*"),
        ],
    ),
    (
        "SecurityContext",
        &[
            ("allowPrivilegeEscalation", ""),
            ("readOnlyRootFilesystem", ""),
            ("capabilities", "Capabilities"),
            ("runAsNonRoot", ""),
            ("runAsUser", ""),
            ("runAsGroup", ""),
            ("privileged", ""),
            ("seccompProfile", "SeccompProfile"),
        ],
    ),
    ("Capabilities", &[("add", ""), ("drop", "")]),
    (
        "PodSecurityContext",
        &[
            ("runAsNonRoot", ""),
            ("runAsUser", ""),
            ("runAsGroup", ""),
            ("fsGroup", ""),
            ("supplementalGroups", ""),
            ("seccompProfile", "SeccompProfile"),
        ],
    ),
    ("SeccompProfile", &[("type", ""), ("localhostProfile", "")]),
    (
        "Toleration",
        &[
            ("key", ""),
            ("operator", ""),
            ("value", ""),
            ("effect", ""),
            ("tolerationSeconds", ""),
        ],
    ),
    (
        "Volume",
        &[
            ("name", ""),
            ("configMap", "ConfigMapVolume"),
            ("secret", "*"),
            ("hostPath", "HostPathVolume"),
            ("emptyDir", "*"),
        ],
    ),
    (
        "ConfigMapVolume",
        &[
            ("name", ""),
            ("items", "*"),
            ("defaultMode", ""),
            ("optional", ""),
        ],
    ),
    ("HostPathVolume", &[("path", ""), ("type", "")]),
    (
        "ServiceSpec",
        &[
            ("selector", "*"),
            ("ports", "ServicePort[]"),
            ("type", ""),
            ("clusterIP", ""),
        ],
    ),
    (
        "ServicePort",
        &[
            ("name", ""),
            ("port", ""),
            ("targetPort", ""),
            ("protocol", ""),
            ("nodePort", ""),
        ],
    ),
    (
        "ServiceMonitorSpec",
        &[
            ("selector", "LabelSelector"),
            ("endpoints", "Endpoint[]"),
            ("namespaceSelector", "*"),
            ("jobLabel", ""),
            ("targetLabels", ""),
            ("podTargetLabels", ""),
        ],
    ),
    (
        "Endpoint",
        &[
            ("port", ""),
            ("path", ""),
            ("interval", ""),
            ("scrapeTimeout", ""),
            ("scheme", ""),
            ("honorLabels", ""),
            ("relabelings", "RelabelConfig[]"),
            ("metricRelabelings", "RelabelConfig[]"),
        ],
    ),
    (
        "RelabelConfig",
        &[
            ("sourceLabels", ""),
            ("targetLabel", ""),
            ("regex", ""),
            ("replacement", ""),
            ("action", ""),
            ("separator", ""),
            ("modulus", ""),
        ],
    ),
    ("PrometheusRuleSpec", &[("groups", "RuleGroup[]")]),
    (
        "RuleGroup",
        &[
            ("name", ""),
            ("interval", ""),
            ("rules", "Rule[]"),
            ("limit", ""),
            ("partial_response_strategy", ""),
        ],
    ),
    (
        "Rule",
        &[
            ("alert", ""),
            ("record", ""),
            ("expr", ""),
            ("for", ""),
            ("keep_firing_for", ""),
            ("labels", "*"),
            ("annotations", "*"),
        ],
    ),
];

const COMPOSE: Schema = &[
    (
        "Compose",
        &[
            ("name", ""),
            ("version", ""),
            ("services", "{Service}"),
            ("volumes", "*"),
            ("networks", "*"),
            ("secrets", "*"),
            ("configs", "*"),
        ],
    ),
    (
        "Service",
        &[
            ("image", ""),
            ("build", "Build"),
            ("container_name", ""),
            ("command", ""),
            ("entrypoint", ""),
            ("environment", "*"),
            ("env_file", ""),
            ("ports", ""),
            ("expose", ""),
            ("volumes", ""),
            ("depends_on", "*"),
            ("restart", ""),
            ("healthcheck", "Healthcheck"),
            ("networks", "*"),
            ("group_add", ""),
            ("user", ""),
            ("read_only", ""),
            ("security_opt", ""),
            ("cap_drop", ""),
            ("cap_add", ""),
            ("pid", ""),
            ("labels", "*"),
            ("logging", "*"),
            ("deploy", "*"),
            ("mem_limit", ""),
            ("cpus", ""),
            ("extra_hosts", ""),
            ("tmpfs", ""),
            ("working_dir", ""),
            ("secrets", "*"),
            ("profiles", ""),
            ("stop_grace_period", ""),
            ("privileged", ""),
            ("hostname", ""),
            ("ulimits", "*"),
        ],
    ),
    (
        "Build",
        &[
            ("context", ""),
            ("dockerfile", ""),
            ("args", "*"),
            ("target", ""),
        ],
    ),
    (
        "Healthcheck",
        &[
            ("test", ""),
            ("interval", ""),
            ("timeout", ""),
            ("retries", ""),
            ("start_period", ""),
            ("disable", ""),
        ],
    ),
];

fn check(schema: Schema, v: &Value, ty: &str, path: &str, errors: &mut Vec<String>) {
    if ty.is_empty() {
        if v.is_object() || v.as_array().is_some_and(|a| a.iter().any(Value::is_object)) {
            errors.push(format!("{path}: expected a scalar or a list of scalars"));
        }
        return;
    }
    if ty == "*" {
        return;
    }
    if let Some(inner) = ty.strip_suffix("[]") {
        match v.as_array() {
            Some(a) => {
                for (i, item) in a.iter().enumerate() {
                    check(schema, item, inner, &format!("{path}[{i}]"), errors);
                }
            }
            None => errors.push(format!("{path}: expected a list")),
        }
        return;
    }
    if let Some(inner) = ty.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        match v.as_object() {
            Some(m) => {
                for (k, item) in m {
                    check(schema, item, inner, &format!("{path}.{k}"), errors);
                }
            }
            None => errors.push(format!("{path}: expected a map")),
        }
        return;
    }
    let fields = schema
        .iter()
        .find(|(t, _)| *t == ty)
        .unwrap_or_else(|| panic!("no schema for {ty}"))
        .1;
    let Some(m) = v.as_object() else {
        errors.push(format!("{path}: expected a {ty} object"));
        return;
    };
    for (k, item) in m {
        if k.starts_with("x-") {
            continue;
        }
        match fields.iter().find(|(f, _)| f == k) {
            Some((_, child)) => check(schema, item, child, &format!("{path}.{k}"), errors),
            None => errors.push(format!("{path}: unknown key {k:?} in {ty}")),
        }
    }
}

/// Every YAML document of `path` as JSON values (merge keys applied).
fn yaml_docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for doc in serde_norway::Deserializer::from_str(&text) {
        let mut v: serde_norway::Value = serde::Deserialize::deserialize(doc)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        v.apply_merge().unwrap();
        if !v.is_null() {
            out.push(serde_json::to_value(v).unwrap());
        }
    }
    out
}

#[test]
fn schema_checker_catches_a_typo() {
    let mut errors = Vec::new();
    let v: Value = serde_json::json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "x"}, "spec": {"ports": [{"port": 1, "tragetPort": 2}]}});
    check(K8S, &v, "Service", "svc", &mut errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("tragetPort"));
    let mut errors = Vec::new();
    let c: Value = serde_json::json!({"services": {"a": {"image": "x", "volumse": []}}});
    check(COMPOSE, &c, "Compose", "compose", &mut errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn kubernetes_manifests_are_structurally_valid() {
    let dir = root().join("deploy/kubernetes");
    let mut errors = Vec::new();
    let mut kinds = BTreeSet::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if !p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            continue;
        }
        let file = p.file_name().unwrap().to_string_lossy().into_owned();
        for (i, doc) in yaml_docs(&p).iter().enumerate() {
            let kind = doc["kind"].as_str().unwrap_or("").to_string();
            let api = doc["apiVersion"].as_str().unwrap_or("");
            let want_api = match kind.as_str() {
                "ConfigMap" | "Service" => "v1",
                "Deployment" | "DaemonSet" => "apps/v1",
                "ServiceMonitor" | "PrometheusRule" => "monitoring.coreos.com/v1",
                "Kustomization" => "kustomize.config.k8s.io/v1beta1",
                other => {
                    errors.push(format!("{file}#{i}: unexpected kind {other:?}"));
                    continue;
                }
            };
            if api != want_api {
                errors.push(format!(
                    "{file}#{i}: {kind} needs apiVersion {want_api}, not {api}"
                ));
            }
            if kind != "Kustomization" && doc["metadata"]["name"].as_str().is_none_or(str::is_empty)
            {
                errors.push(format!("{file}#{i}: {kind} without metadata.name"));
            }
            check(K8S, doc, &kind, &format!("{file}#{i}"), &mut errors);
            // Workloads: selector matches the template, ports and mounts are declared.
            if kind == "Deployment" || kind == "DaemonSet" {
                let sel = &doc["spec"]["selector"]["matchLabels"];
                let labels = &doc["spec"]["template"]["metadata"]["labels"];
                for (k, v) in sel.as_object().into_iter().flatten() {
                    if &labels[k] != v {
                        errors.push(format!(
                            "{file}#{i}: selector {k} does not match the template"
                        ));
                    }
                }
                let spec = &doc["spec"]["template"]["spec"];
                let volumes: BTreeSet<&str> = spec["volumes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v["name"].as_str())
                    .collect();
                for c in spec["containers"].as_array().into_iter().flatten() {
                    for m in c["volumeMounts"].as_array().into_iter().flatten() {
                        if !volumes.contains(m["name"].as_str().unwrap_or("")) {
                            errors.push(format!("{file}#{i}: mount {} has no volume", m["name"]));
                        }
                    }
                    if c["securityContext"]["readOnlyRootFilesystem"] != true {
                        errors.push(format!("{file}#{i}: root filesystem should be read-only"));
                    }
                }
                if spec["securityContext"]["runAsNonRoot"] != true {
                    errors.push(format!("{file}#{i}: must run as non-root"));
                }
            }
            if kind == "ConfigMap"
                && file == "grafana-dashboards.yaml"
                && doc["metadata"]["labels"]["grafana_dashboard"] != "1"
            {
                errors.push(format!(
                    "{file}#{i}: dashboards need label grafana_dashboard=1"
                ));
            }
            kinds.insert(kind);
        }
    }
    for k in [
        "ConfigMap",
        "Deployment",
        "DaemonSet",
        "Service",
        "ServiceMonitor",
        "Kustomization",
    ] {
        if !kinds.contains(k) {
            errors.push(format!("no {k} in deploy/kubernetes"));
        }
    }
    // The kustomization lists every manifest that exists.
    let kust = &yaml_docs(&dir.join("kustomization.yaml"))[0];
    for r in kust["resources"].as_array().unwrap() {
        if !dir.join(r.as_str().unwrap()).exists() {
            errors.push(format!("kustomization resource {r} missing"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn compose_file_is_structurally_valid_and_wired() {
    let path = root().join("deploy/docker-compose.yml");
    let docs = yaml_docs(&path);
    assert_eq!(docs.len(), 1);
    let c = &docs[0];
    let mut errors = Vec::new();
    check(COMPOSE, c, "Compose", "docker-compose.yml", &mut errors);
    let svc = |n: &str| &c["services"][n];
    for n in [
        "auth",
        "gateway",
        "crm-service",
        "postgres",
        "redis",
        "rabbitmq",
        "nexo-exporter",
        "prometheus",
        "alertmanager",
        "grafana",
    ] {
        if !svc(n).is_object() {
            errors.push(format!("service {n} missing"));
        }
    }
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let ex = svc("nexo-exporter");
    let vols = strings(&ex["volumes"]);
    if !vols.iter().any(|v| v.starts_with("/:/host:ro")) {
        errors.push("exporter: host / must be mounted read-only at /host".into());
    }
    if !vols
        .iter()
        .any(|v| v == "/var/run/docker.sock:/var/run/docker.sock:ro")
    {
        errors.push("exporter: Docker socket must be mounted read-only".into());
    }
    if !strings(&ex["command"])
        .iter()
        .any(|a| a == "--path.rootfs=/host")
    {
        errors.push("exporter: --path.rootfs=/host missing".into());
    }
    if strings(&ex["group_add"]).is_empty() {
        errors.push("exporter: group_add for the socket's group missing".into());
    }
    // Host paths the stack mounts exist in the repository (relative to deploy/), except the
    // Alertmanager routing another change ships.
    let pending = ["./alertmanager/alertmanager.yml"];
    for (name, s) in c["services"].as_object().unwrap() {
        for v in strings(&s["volumes"]) {
            let src = v.split(':').next().unwrap();
            if src.starts_with('.')
                && !pending.contains(&src)
                && !root().join("deploy").join(src).exists()
            {
                errors.push(format!("{name}: mounted path {src} does not exist"));
            }
        }
    }
    let joined = |n: &str| strings(&svc(n)["volumes"]).join(" ");
    if !joined("prometheus").contains("../alerts:/etc/prometheus/rules") {
        errors.push("prometheus: shipped rules (alerts/) not mounted".into());
    }
    if !joined("grafana").contains("../dashboards:")
        || !joined("grafana").contains("./grafana/provisioning:")
    {
        errors.push("grafana: dashboards or provisioning not mounted".into());
    }
    if !joined("alertmanager").contains("./alertmanager/alertmanager.yml:") {
        errors.push("alertmanager: shipped routing not mounted".into());
    }
    // The dashboard provider's path is where the dashboards are mounted.
    let provider =
        std::fs::read_to_string(root().join("deploy/grafana/provisioning/dashboards/nexo.yml"))
            .unwrap();
    if !provider.contains("/var/lib/grafana/dashboards/nexo")
        || !joined("grafana").contains(":/var/lib/grafana/dashboards/nexo")
    {
        errors.push("grafana: provider path and dashboards mount differ".into());
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Docker Compose itself: tests/compose_stack.rs.
}

#[test]
fn shipped_exporter_configurations_pass_check_config() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = vec![root().join("deploy/nexo-exporter.yml")];
    for doc in yaml_docs(&root().join("deploy/kubernetes/config.yaml")) {
        for (k, v) in doc["data"].as_object().unwrap() {
            let p = tmp.path().join(k);
            std::fs::write(&p, v.as_str().unwrap()).unwrap();
            files.push(p);
        }
    }
    assert!(files.len() >= 3);
    for f in files {
        let out = run(Command::new(exporter_bin()).arg("check-config").arg(&f));
        assert!(
            out.status.success(),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn systemd_unit_is_hardened() {
    let text =
        std::fs::read_to_string(root().join("deploy/systemd/nexo-exporter.service")).unwrap();
    for want in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "ProtectHome=",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=\n",
        "RestrictAddressFamilies=",
        "SupplementaryGroups=docker",
        "ExecStart=/usr/local/bin/nexo-exporter",
    ] {
        assert!(text.contains(want), "unit lacks {want:?}");
    }
    if common::have("systemd-analyze") {
        let out = run(Command::new("systemd-analyze")
            .arg("verify")
            .arg(root().join("deploy/systemd/nexo-exporter.service")));
        let err = String::from_utf8_lossy(&out.stderr);
        // The binary is not installed at /usr/local/bin here; anything else is a real problem.
        let real: Vec<&str> = err
            .lines()
            .filter(|l| !l.contains("is not executable") && !l.trim().is_empty())
            .collect();
        assert!(
            real.is_empty(),
            "systemd-analyze verify: {}",
            real.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------
// The HEALTHCHECK with a web configuration (TLS, client certificates, basic auth).

/// The web configuration example of docs/security.md (the first ```yaml block there).
fn security_md_web_config() -> String {
    let text = std::fs::read_to_string(root().join("docs/security.md")).unwrap();
    let start = text
        .find("```yaml\n")
        .expect("a yaml block in docs/security.md")
        + 8;
    let end = start + text[start..].find("```").unwrap();
    text[start..end].to_string()
}

/// A CA, a server certificate for 127.0.0.1 signed by it, and a second, unrelated server
/// certificate (`other.pem`/`other.key`), in `dir`, as docs/security.md names them.
fn make_web_pki(dir: &Path) {
    let out = run(Command::new("sh").arg("-ec").current_dir(dir).arg(
        r#"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=nexo-test-ca 2>/dev/null
openssl req $ec -keyout server.key -out server.csr -subj /CN=nexo-exporter 2>/dev/null
printf 'subjectAltName=DNS:nexo-exporter\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
openssl req -x509 $ec -keyout other.key -out other.pem -days 2 -subj /CN=other 2>/dev/null
"#,
    ));
    assert!(out.status.success(), "{out:?}");
}

/// The exporter serving with `web.yml` of `dir` on a free port; killed on drop.
fn serve_with_web_config(dir: &Path) -> (common::Guard, String) {
    let port = common::free_port();
    let child = Command::new(exporter_bin())
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg(format!(
            "--web.config.file={}",
            dir.join("web.yml").display()
        ))
        .arg(format!(
            "--config.file={}",
            dir.join("config.yml").display()
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let g = common::Guard(child);
    assert!(
        wait_for(Duration::from_secs(15), || common::port_open(&format!(
            "127.0.0.1:{port}"
        ))
        .then_some(()))
        .is_some()
    );
    (g, format!("http://127.0.0.1:{port}/-/healthy"))
}

/// `nexo-exporter healthcheck --url URL` with the web configuration given as the server gets
/// it in the image (`NEXO_EXPORTER_WEB_CONFIG_FILE`); true when it exits 0.
fn healthcheck_ok(url: &str, web: Option<&Path>) -> bool {
    let mut cmd = Command::new(exporter_bin());
    cmd.args(["healthcheck", "--url", url, "--timeout", "3s"]);
    match web {
        Some(w) => cmd.env("NEXO_EXPORTER_WEB_CONFIG_FILE", w),
        None => cmd.env_remove("NEXO_EXPORTER_WEB_CONFIG_FILE"),
    };
    let out = run(&mut cmd);
    if !out.status.success() {
        eprintln!("healthcheck: {}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

#[test]
fn healthcheck_works_with_tls_client_certificates_and_basic_auth() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    make_web_pki(d);
    std::fs::write(
        d.join("config.yml"),
        "host: {enabled: false}\ndocker: {enabled: false}\npostgres: []\nredis: []\nrabbitmq: []\n",
    )
    .unwrap();
    let web = d.join("web.yml");
    let tls = "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n";
    let hash = "$2b$10$5bNw067pfSpu5CmrDV8U1uAW7LndXn.LGFCgyAhayxk6/DVUkNGay";
    let cases = [
        (
            "docs/security.md example (TLS, required client certs, basic auth)",
            security_md_web_config(),
        ),
        ("TLS only", tls.to_string()),
        (
            "TLS 1.2 only, required client certificates",
            format!(
                "{tls}  client_ca_file: ca.pem\n  client_auth_type: RequireAndVerifyClientCert\n  max_version: TLS12\n"
            ),
        ),
        (
            "basic auth only",
            format!("basic_auth_users:\n  prometheus: {hash}\n"),
        ),
        (
            "TLS and basic auth",
            format!("{tls}basic_auth_users:\n  prometheus: {hash}\n"),
        ),
    ];
    for (what, text) in cases {
        std::fs::write(&web, &text).unwrap();
        let (_server, url) = serve_with_web_config(d);
        // The old check (plain HTTP, no credentials) fails against this server...
        assert!(!healthcheck_ok(&url, None), "{what}: plain check passed?");
        // ... the check reading the same web configuration passes.
        assert!(healthcheck_ok(&url, Some(&web)), "{what}");
    }
    // A server presenting another certificate than the configured one is not ours.
    std::fs::write(&web, tls).unwrap();
    let (_server, url) = serve_with_web_config(d);
    let other = d.join("other-web.yml");
    std::fs::write(
        &other,
        "tls_server_config:\n  cert_file: other.pem\n  key_file: other.key\n",
    )
    .unwrap();
    assert!(!healthcheck_ok(&url, Some(&other)));
    // Over TLS, a wrong path answers 404: unhealthy.
    assert!(!healthcheck_ok(
        &url.replace("/-/healthy", "/nope"),
        Some(&web)
    ));
}

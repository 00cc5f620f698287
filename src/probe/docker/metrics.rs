//! The metrics of the docker probe, declared once: name, type, labels and help.

use crate::metrics::Desc;

/// `nexo_exporter_docker_up`.
pub const NEXO_EXPORTER_DOCKER_UP: Desc = Desc::gauge(
    "nexo_exporter_docker_up",
    &[],
    "Whether the Docker engine answered.",
);
/// `machine_cpu_cores`.
pub const MACHINE_CPU_CORES: Desc = Desc::gauge(
    "machine_cpu_cores",
    &[],
    "Number of logical CPUs of the Docker host.",
);
/// `container_restarts_total`.
pub const CONTAINER_RESTARTS_TOTAL: Desc = Desc::counter(
    "container_restarts_total",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Restarts observed while the exporter runs (policy, explicit and daemon restarts); never decreases.",
);
/// `container_oom_events_total`.
pub const CONTAINER_OOM_EVENTS_TOTAL: Desc = Desc::counter(
    "container_oom_events_total",
    &["name", "image", "compose_project", "compose_service", "id"],
    "OOM kills observed (oom events and State.OOMKilled transitions).",
);
/// `container_state`.
pub const CONTAINER_STATE: Desc = Desc::gauge(
    "container_state",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "state",
    ],
    "Container state (state set: 1 for the current state).",
);
/// `container_restart_count`.
pub const CONTAINER_RESTART_COUNT: Desc = Desc::gauge(
    "container_restart_count",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Docker's RestartCount (restart-policy restarts; reset by docker start/restart and daemon restarts).",
);
/// `container_last_exit_code`.
pub const CONTAINER_LAST_EXIT_CODE: Desc = Desc::gauge(
    "container_last_exit_code",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Exit code of the container's last exit (0 while it never exited).",
);
/// `container_health_status`.
pub const CONTAINER_HEALTH_STATUS: Desc = Desc::gauge(
    "container_health_status",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "status",
    ],
    "Healthcheck status (state set; none without a HEALTHCHECK).",
);
/// `container_start_time_seconds`.
pub const CONTAINER_START_TIME_SECONDS: Desc = Desc::gauge(
    "container_start_time_seconds",
    &["name", "image", "compose_project", "compose_service", "id"],
    "When the container last started, Unix seconds.",
);
/// `container_spec_cpu_limit_cores`.
pub const CONTAINER_SPEC_CPU_LIMIT_CORES: Desc = Desc::gauge(
    "container_spec_cpu_limit_cores",
    &["name", "image", "compose_project", "compose_service", "id"],
    "CPU limit in cores (NanoCpus or CpuQuota/CpuPeriod); 0 when unlimited.",
);
/// `container_spec_memory_limit_bytes`.
pub const CONTAINER_SPEC_MEMORY_LIMIT_BYTES: Desc = Desc::gauge(
    "container_spec_memory_limit_bytes",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Memory limit (HostConfig.Memory); 0 when unlimited.",
);
/// `container_cpu_usage_seconds_total`.
pub const CONTAINER_CPU_USAGE_SECONDS_TOTAL: Desc = Desc::counter(
    "container_cpu_usage_seconds_total",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Cumulative CPU time consumed, seconds.",
);
/// `container_memory_usage_bytes`.
pub const CONTAINER_MEMORY_USAGE_BYTES: Desc = Desc::gauge(
    "container_memory_usage_bytes",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Memory usage including page cache, bytes.",
);
/// `container_memory_working_set_bytes`.
pub const CONTAINER_MEMORY_WORKING_SET_BYTES: Desc = Desc::gauge(
    "container_memory_working_set_bytes",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Memory usage minus inactive file pages, bytes (what the OOM killer weighs).",
);

// cAdvisor's per-container families (cadvisor.rs).
/// `container_last_seen`.
pub const CONTAINER_LAST_SEEN: Desc = Desc::gauge(
    "container_last_seen",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Last time a container was seen by the exporter",
);
/// `container_spec_cpu_period`.
pub const CONTAINER_SPEC_CPU_PERIOD: Desc = Desc::gauge(
    "container_spec_cpu_period",
    &["name", "image", "compose_project", "compose_service", "id"],
    "CPU period of the container.",
);
/// `container_spec_cpu_quota`.
pub const CONTAINER_SPEC_CPU_QUOTA: Desc = Desc::gauge(
    "container_spec_cpu_quota",
    &["name", "image", "compose_project", "compose_service", "id"],
    "CPU quota of the container.",
);
/// `container_cpu_cfs_periods_total`.
pub const CONTAINER_CPU_CFS_PERIODS_TOTAL: Desc = Desc::counter(
    "container_cpu_cfs_periods_total",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Number of elapsed enforcement period intervals.",
);
/// `container_cpu_cfs_throttled_periods_total`.
pub const CONTAINER_CPU_CFS_THROTTLED_PERIODS_TOTAL: Desc = Desc::counter(
    "container_cpu_cfs_throttled_periods_total",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Number of throttled period intervals.",
);
/// `container_cpu_cfs_throttled_seconds_total`.
pub const CONTAINER_CPU_CFS_THROTTLED_SECONDS_TOTAL: Desc = Desc::counter(
    "container_cpu_cfs_throttled_seconds_total",
    &["name", "image", "compose_project", "compose_service", "id"],
    "Total time duration the container has been throttled.",
);
/// `container_spec_cpu_shares`.
pub const CONTAINER_SPEC_CPU_SHARES: Desc = Desc::gauge(
    "container_spec_cpu_shares",
    &["name", "image", "compose_project", "compose_service", "id"],
    "CPU share of the container.",
);
/// `container_fs_reads_bytes_total`.
pub const CONTAINER_FS_READS_BYTES_TOTAL: Desc = Desc::counter(
    "container_fs_reads_bytes_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "device",
    ],
    "Cumulative count of bytes read",
);
/// `container_fs_writes_bytes_total`.
pub const CONTAINER_FS_WRITES_BYTES_TOTAL: Desc = Desc::counter(
    "container_fs_writes_bytes_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "device",
    ],
    "Cumulative count of bytes written",
);
/// `container_fs_reads_total`.
pub const CONTAINER_FS_READS_TOTAL: Desc = Desc::counter(
    "container_fs_reads_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "device",
    ],
    "Cumulative count of reads completed",
);
/// `container_fs_writes_total`.
pub const CONTAINER_FS_WRITES_TOTAL: Desc = Desc::counter(
    "container_fs_writes_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "device",
    ],
    "Cumulative count of writes completed",
);
/// `container_network_receive_bytes_total`.
pub const CONTAINER_NETWORK_RECEIVE_BYTES_TOTAL: Desc = Desc::counter(
    "container_network_receive_bytes_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of bytes received",
);
/// `container_network_receive_packets_total`.
pub const CONTAINER_NETWORK_RECEIVE_PACKETS_TOTAL: Desc = Desc::counter(
    "container_network_receive_packets_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of packets received",
);
/// `container_network_receive_errors_total`.
pub const CONTAINER_NETWORK_RECEIVE_ERRORS_TOTAL: Desc = Desc::counter(
    "container_network_receive_errors_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of errors received",
);
/// `container_network_receive_packets_dropped_total`.
pub const CONTAINER_NETWORK_RECEIVE_PACKETS_DROPPED_TOTAL: Desc = Desc::counter(
    "container_network_receive_packets_dropped_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of packets_dropped received",
);
/// `container_network_transmit_bytes_total`.
pub const CONTAINER_NETWORK_TRANSMIT_BYTES_TOTAL: Desc = Desc::counter(
    "container_network_transmit_bytes_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of bytes transmitd",
);
/// `container_network_transmit_packets_total`.
pub const CONTAINER_NETWORK_TRANSMIT_PACKETS_TOTAL: Desc = Desc::counter(
    "container_network_transmit_packets_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of packets transmitd",
);
/// `container_network_transmit_errors_total`.
pub const CONTAINER_NETWORK_TRANSMIT_ERRORS_TOTAL: Desc = Desc::counter(
    "container_network_transmit_errors_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of errors transmitd",
);
/// `container_network_transmit_packets_dropped_total`.
pub const CONTAINER_NETWORK_TRANSMIT_PACKETS_DROPPED_TOTAL: Desc = Desc::counter(
    "container_network_transmit_packets_dropped_total",
    &[
        "name",
        "image",
        "compose_project",
        "compose_service",
        "id",
        "interface",
    ],
    "Cumulative count of packets_dropped transmitd",
);
/// The network counters in [`cadvisor::Net`](super::cadvisor::Net) order: receive bytes,
/// packets, errors, packets_dropped; then the same transmitted.
pub const CONTAINER_NETWORK: [Desc; 8] = [
    CONTAINER_NETWORK_RECEIVE_BYTES_TOTAL,
    CONTAINER_NETWORK_RECEIVE_PACKETS_TOTAL,
    CONTAINER_NETWORK_RECEIVE_ERRORS_TOTAL,
    CONTAINER_NETWORK_RECEIVE_PACKETS_DROPPED_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_BYTES_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_PACKETS_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_ERRORS_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_PACKETS_DROPPED_TOTAL,
];

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &[
    NEXO_EXPORTER_DOCKER_UP,
    MACHINE_CPU_CORES,
    CONTAINER_RESTARTS_TOTAL,
    CONTAINER_OOM_EVENTS_TOTAL,
    CONTAINER_STATE,
    CONTAINER_RESTART_COUNT,
    CONTAINER_LAST_EXIT_CODE,
    CONTAINER_HEALTH_STATUS,
    CONTAINER_START_TIME_SECONDS,
    CONTAINER_SPEC_CPU_LIMIT_CORES,
    CONTAINER_SPEC_MEMORY_LIMIT_BYTES,
    CONTAINER_CPU_USAGE_SECONDS_TOTAL,
    CONTAINER_MEMORY_USAGE_BYTES,
    CONTAINER_MEMORY_WORKING_SET_BYTES,
    CONTAINER_LAST_SEEN,
    CONTAINER_SPEC_CPU_PERIOD,
    CONTAINER_SPEC_CPU_QUOTA,
    CONTAINER_CPU_CFS_PERIODS_TOTAL,
    CONTAINER_CPU_CFS_THROTTLED_PERIODS_TOTAL,
    CONTAINER_CPU_CFS_THROTTLED_SECONDS_TOTAL,
    CONTAINER_SPEC_CPU_SHARES,
    CONTAINER_FS_READS_BYTES_TOTAL,
    CONTAINER_FS_WRITES_BYTES_TOTAL,
    CONTAINER_FS_READS_TOTAL,
    CONTAINER_FS_WRITES_TOTAL,
    CONTAINER_NETWORK_RECEIVE_BYTES_TOTAL,
    CONTAINER_NETWORK_RECEIVE_PACKETS_TOTAL,
    CONTAINER_NETWORK_RECEIVE_ERRORS_TOTAL,
    CONTAINER_NETWORK_RECEIVE_PACKETS_DROPPED_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_BYTES_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_PACKETS_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_ERRORS_TOTAL,
    CONTAINER_NETWORK_TRANSMIT_PACKETS_DROPPED_TOTAL,
];

//! The metrics of the rabbitmq probe, declared once: name, type, labels and help.

use crate::metrics::Desc;

/// `rabbitmq_up`.
pub const RABBITMQ_UP: Desc = Desc::gauge(
    "rabbitmq_up",
    &[],
    "Whether the broker answered both an AMQP round trip and the per-queue HTTP source in the last collection.",
);
/// `rabbitmq_queue_messages_unacked`.
pub const RABBITMQ_QUEUE_MESSAGES_UNACKED: Desc = Desc::gauge(
    "rabbitmq_queue_messages_unacked",
    &["vhost", "queue"],
    "Messages delivered to consumers but not yet acknowledged, per queue.",
);
/// `rabbitmq_queue_messages_ready`.
pub const RABBITMQ_QUEUE_MESSAGES_READY: Desc = Desc::gauge(
    "rabbitmq_queue_messages_ready",
    &["vhost", "queue"],
    "Messages ready to be delivered to consumers, per queue.",
);
/// `rabbitmq_queue_consumers`.
pub const RABBITMQ_QUEUE_CONSUMERS: Desc = Desc::gauge(
    "rabbitmq_queue_consumers",
    &["vhost", "queue"],
    "Consumers attached to the queue.",
);
/// `nexo_exporter_rabbitmq_queues_dropped`.
pub const NEXO_EXPORTER_RABBITMQ_QUEUES_DROPPED: Desc = Desc::gauge(
    "nexo_exporter_rabbitmq_queues_dropped",
    &[],
    "Queues matching the include/exclude filters left out by max_queues in the last collection.",
);

/// `nexo_exporter_rabbitmq_amqp_up`.
pub const NEXO_EXPORTER_RABBITMQ_AMQP_UP: Desc = Desc::gauge(
    "nexo_exporter_rabbitmq_amqp_up",
    &[],
    "Whether the broker answered an AMQP round trip in the last collection (one half of rabbitmq_up).",
);
/// `nexo_exporter_rabbitmq_queue_source_up`.
pub const NEXO_EXPORTER_RABBITMQ_QUEUE_SOURCE_UP: Desc = Desc::gauge(
    "nexo_exporter_rabbitmq_queue_source_up",
    &[],
    "Whether the per-queue HTTP source (metrics or management plugin) answered in the last collection (the other half of rabbitmq_up).",
);
// The plugin's families (plugin.rs, and the detailed per-queue names in mod.rs).
/// `rabbitmq_detailed_queue_messages_ready`.
pub const RABBITMQ_DETAILED_QUEUE_MESSAGES_READY: Desc = Desc::gauge(
    "rabbitmq_detailed_queue_messages_ready",
    &["vhost", "queue"],
    "Messages ready to be delivered to consumers",
);
/// `rabbitmq_detailed_queue_messages_unacked`.
pub const RABBITMQ_DETAILED_QUEUE_MESSAGES_UNACKED: Desc = Desc::gauge(
    "rabbitmq_detailed_queue_messages_unacked",
    &["vhost", "queue"],
    "Messages delivered to consumers but not yet acknowledged",
);
/// `rabbitmq_detailed_queue_messages`.
pub const RABBITMQ_DETAILED_QUEUE_MESSAGES: Desc = Desc::gauge(
    "rabbitmq_detailed_queue_messages",
    &["vhost", "queue"],
    "Sum of ready and unacknowledged messages - total queue depth",
);
/// `rabbitmq_detailed_queue_consumers`.
pub const RABBITMQ_DETAILED_QUEUE_CONSUMERS: Desc = Desc::gauge(
    "rabbitmq_detailed_queue_consumers",
    &["vhost", "queue"],
    "Consumers on a queue",
);
/// `rabbitmq_identity_info`.
pub const RABBITMQ_IDENTITY_INFO: Desc = Desc::gauge(
    "rabbitmq_identity_info",
    &[
        "rabbitmq_node",
        "rabbitmq_cluster",
        "rabbitmq_cluster_permanent_id",
    ],
    "RabbitMQ node & cluster identity info (passed through from the plugin, its labels and help included).",
);
/// `rabbitmq_build_info`.
pub const RABBITMQ_BUILD_INFO: Desc = Desc::gauge(
    "rabbitmq_build_info",
    &[
        "rabbitmq_version",
        "prometheus_plugin_version",
        "prometheus_client_version",
        "erlang_version",
    ],
    "RabbitMQ & Erlang/OTP version info (passed through from the plugin, its labels and help included).",
);
/// `erlang_vm_dist_node_state`.
pub const ERLANG_VM_DIST_NODE_STATE: Desc = Desc::gauge(
    "erlang_vm_dist_node_state",
    &["peer"],
    "The current state of the distribution link (passed through from the plugin's /metrics, its labels and help included).",
);
/// `rabbitmq_*`.
pub const RABBITMQ_X: Desc = Desc::gauge(
    "rabbitmq_*",
    &[],
    "A family of the plugin's aggregated /metrics, passed through with its labels and help (counters ending in _total as counters, other counters and untyped families as gauges; histograms and summaries left out). Not rabbitmq_queue_messages_ready, _unacked and rabbitmq_queue_consumers, served per queue instead.",
);

/// Every metric this probe produces, in declaration order; `rabbitmq_*` is a pattern.
pub const ALL: &[Desc] = &[
    RABBITMQ_UP,
    RABBITMQ_QUEUE_MESSAGES_UNACKED,
    RABBITMQ_QUEUE_MESSAGES_READY,
    RABBITMQ_QUEUE_CONSUMERS,
    NEXO_EXPORTER_RABBITMQ_QUEUES_DROPPED,
    NEXO_EXPORTER_RABBITMQ_AMQP_UP,
    NEXO_EXPORTER_RABBITMQ_QUEUE_SOURCE_UP,
    RABBITMQ_DETAILED_QUEUE_MESSAGES_READY,
    RABBITMQ_DETAILED_QUEUE_MESSAGES_UNACKED,
    RABBITMQ_DETAILED_QUEUE_MESSAGES,
    RABBITMQ_DETAILED_QUEUE_CONSUMERS,
    RABBITMQ_IDENTITY_INFO,
    RABBITMQ_BUILD_INFO,
    ERLANG_VM_DIST_NODE_STATE,
    RABBITMQ_X,
];

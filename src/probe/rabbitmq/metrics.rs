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

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &[RABBITMQ_UP, RABBITMQ_QUEUE_MESSAGES_UNACKED, RABBITMQ_QUEUE_MESSAGES_READY, RABBITMQ_QUEUE_CONSUMERS, NEXO_EXPORTER_RABBITMQ_QUEUES_DROPPED];

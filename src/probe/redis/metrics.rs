//! The metrics of the redis probe, declared once: name, type, labels and help.

use crate::metrics::Desc;

/// `redis_up`.
pub const REDIS_UP: Desc = Desc::gauge(
    "redis_up",
    &[],
    "Whether the last probe of Redis succeeded (connect and INFO).",
);
/// `redis_memory_used_bytes`.
pub const REDIS_MEMORY_USED_BYTES: Desc = Desc::gauge(
    "redis_memory_used_bytes",
    &[],
    "Memory allocated by Redis (INFO used_memory), in bytes.",
);
/// `redis_memory_max_bytes`.
pub const REDIS_MEMORY_MAX_BYTES: Desc = Desc::gauge(
    "redis_memory_max_bytes",
    &[],
    "Configured maxmemory in bytes; 0 means no limit (guard ratios with > 0).",
);
/// `redis_connected_clients`.
pub const REDIS_CONNECTED_CLIENTS: Desc = Desc::gauge(
    "redis_connected_clients",
    &[],
    "Client connections, the exporter's own included (INFO connected_clients).",
);
/// `redis_evicted_keys_total`.
pub const REDIS_EVICTED_KEYS_TOTAL: Desc = Desc::counter(
    "redis_evicted_keys_total",
    &[],
    "Keys evicted because of maxmemory since the server started.",
);
/// `redis_uptime_in_seconds`.
pub const REDIS_UPTIME_IN_SECONDS: Desc = Desc::gauge(
    "redis_uptime_in_seconds",
    &[],
    "Seconds since the Redis server started.",
);

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &[REDIS_UP, REDIS_MEMORY_USED_BYTES, REDIS_MEMORY_MAX_BYTES, REDIS_CONNECTED_CLIENTS, REDIS_EVICTED_KEYS_TOTAL, REDIS_UPTIME_IN_SECONDS];

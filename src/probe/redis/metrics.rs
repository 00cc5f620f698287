//! The metrics of the redis probe, declared once: name, type, labels and help.

use crate::metrics::{Desc, column, concat};

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

/// INFO field → gauge, redis_exporter's `metricMapGauges` (Tile38 fields left out), plus
/// `total_system_memory`, which redis_exporter adds only with `--include-system-metrics` and the
/// community's rules read, the Redis 6/7 fields redis_exporter 1.45 (Debian) maps, and
/// `cluster_enabled` (every other `cluster_*` field: [`REDIS_CLUSTER_X`]). `latest_fork_usec` is
/// served in seconds. A few of redis_exporter's gauge names end in `_total`; they stay gauges.
pub const INFO_GAUGES: &[(&str, Desc)] = &[
    ("uptime_in_seconds", REDIS_UPTIME_IN_SECONDS),
    (
        "process_id",
        Desc::gauge("redis_process_id", &[], "Redis INFO field process_id."),
    ),
    ("connected_clients", REDIS_CONNECTED_CLIENTS),
    (
        "blocked_clients",
        Desc::gauge(
            "redis_blocked_clients",
            &[],
            "Redis INFO field blocked_clients.",
        ),
    ),
    (
        "tracking_clients",
        Desc::gauge(
            "redis_tracking_clients",
            &[],
            "Redis INFO field tracking_clients.",
        ),
    ),
    (
        "client_longest_output_list",
        Desc::gauge(
            "redis_client_longest_output_list",
            &[],
            "Redis INFO field client_longest_output_list.",
        ),
    ),
    (
        "client_biggest_input_buf",
        Desc::gauge(
            "redis_client_biggest_input_buf",
            &[],
            "Redis INFO field client_biggest_input_buf.",
        ),
    ),
    (
        "client_recent_max_output_buffer",
        Desc::gauge(
            "redis_client_recent_max_output_buffer_bytes",
            &[],
            "Redis INFO field client_recent_max_output_buffer.",
        ),
    ),
    (
        "client_recent_max_input_buffer",
        Desc::gauge(
            "redis_client_recent_max_input_buffer_bytes",
            &[],
            "Redis INFO field client_recent_max_input_buffer.",
        ),
    ),
    (
        "allocator_active",
        Desc::gauge(
            "redis_allocator_active_bytes",
            &[],
            "Redis INFO field allocator_active.",
        ),
    ),
    (
        "allocator_allocated",
        Desc::gauge(
            "redis_allocator_allocated_bytes",
            &[],
            "Redis INFO field allocator_allocated.",
        ),
    ),
    (
        "allocator_resident",
        Desc::gauge(
            "redis_allocator_resident_bytes",
            &[],
            "Redis INFO field allocator_resident.",
        ),
    ),
    (
        "allocator_frag_ratio",
        Desc::gauge(
            "redis_allocator_frag_ratio",
            &[],
            "Redis INFO field allocator_frag_ratio.",
        ),
    ),
    (
        "allocator_frag_bytes",
        Desc::gauge(
            "redis_allocator_frag_bytes",
            &[],
            "Redis INFO field allocator_frag_bytes.",
        ),
    ),
    (
        "allocator_rss_ratio",
        Desc::gauge(
            "redis_allocator_rss_ratio",
            &[],
            "Redis INFO field allocator_rss_ratio.",
        ),
    ),
    (
        "allocator_rss_bytes",
        Desc::gauge(
            "redis_allocator_rss_bytes",
            &[],
            "Redis INFO field allocator_rss_bytes.",
        ),
    ),
    ("used_memory", REDIS_MEMORY_USED_BYTES),
    (
        "used_memory_rss",
        Desc::gauge(
            "redis_memory_used_rss_bytes",
            &[],
            "Redis INFO field used_memory_rss.",
        ),
    ),
    (
        "used_memory_peak",
        Desc::gauge(
            "redis_memory_used_peak_bytes",
            &[],
            "Redis INFO field used_memory_peak.",
        ),
    ),
    (
        "used_memory_lua",
        Desc::gauge(
            "redis_memory_used_lua_bytes",
            &[],
            "Redis INFO field used_memory_lua.",
        ),
    ),
    (
        "used_memory_overhead",
        Desc::gauge(
            "redis_memory_used_overhead_bytes",
            &[],
            "Redis INFO field used_memory_overhead.",
        ),
    ),
    (
        "used_memory_startup",
        Desc::gauge(
            "redis_memory_used_startup_bytes",
            &[],
            "Redis INFO field used_memory_startup.",
        ),
    ),
    (
        "used_memory_dataset",
        Desc::gauge(
            "redis_memory_used_dataset_bytes",
            &[],
            "Redis INFO field used_memory_dataset.",
        ),
    ),
    (
        "used_memory_scripts",
        Desc::gauge(
            "redis_memory_used_scripts_bytes",
            &[],
            "Redis INFO field used_memory_scripts.",
        ),
    ),
    ("maxmemory", REDIS_MEMORY_MAX_BYTES),
    (
        "maxmemory_reservation",
        Desc::gauge(
            "redis_memory_max_reservation_bytes",
            &[],
            "Redis INFO field maxmemory_reservation.",
        ),
    ),
    (
        "maxmemory_desired_reservation",
        Desc::gauge(
            "redis_memory_max_reservation_desired_bytes",
            &[],
            "Redis INFO field maxmemory_desired_reservation.",
        ),
    ),
    (
        "maxfragmentationmemory_reservation",
        Desc::gauge(
            "redis_memory_max_fragmentation_reservation_bytes",
            &[],
            "Redis INFO field maxfragmentationmemory_reservation.",
        ),
    ),
    (
        "maxfragmentationmemory_desired_reservation",
        Desc::gauge(
            "redis_memory_max_fragmentation_reservation_desired_bytes",
            &[],
            "Redis INFO field maxfragmentationmemory_desired_reservation.",
        ),
    ),
    (
        "mem_fragmentation_ratio",
        Desc::gauge(
            "redis_mem_fragmentation_ratio",
            &[],
            "Redis INFO field mem_fragmentation_ratio.",
        ),
    ),
    (
        "mem_fragmentation_bytes",
        Desc::gauge(
            "redis_mem_fragmentation_bytes",
            &[],
            "Redis INFO field mem_fragmentation_bytes.",
        ),
    ),
    (
        "mem_clients_slaves",
        Desc::gauge(
            "redis_mem_clients_slaves",
            &[],
            "Redis INFO field mem_clients_slaves.",
        ),
    ),
    (
        "mem_clients_normal",
        Desc::gauge(
            "redis_mem_clients_normal",
            &[],
            "Redis INFO field mem_clients_normal.",
        ),
    ),
    (
        "expired_stale_perc",
        Desc::gauge(
            "redis_expired_stale_percentage",
            &[],
            "Redis INFO field expired_stale_perc.",
        ),
    ),
    (
        "mem_not_counted_for_evict",
        Desc::gauge(
            "redis_mem_not_counted_for_eviction_bytes",
            &[],
            "Redis INFO field mem_not_counted_for_evict.",
        ),
    ),
    (
        "lazyfree_pending_objects",
        Desc::gauge(
            "redis_lazyfree_pending_objects",
            &[],
            "Redis INFO field lazyfree_pending_objects.",
        ),
    ),
    (
        "active_defrag_running",
        Desc::gauge(
            "redis_active_defrag_running",
            &[],
            "Redis INFO field active_defrag_running.",
        ),
    ),
    (
        "migrate_cached_sockets",
        Desc::gauge(
            "redis_migrate_cached_sockets_total",
            &[],
            "Redis INFO field migrate_cached_sockets.",
        ),
    ),
    (
        "active_defrag_hits",
        Desc::gauge(
            "redis_defrag_hits",
            &[],
            "Redis INFO field active_defrag_hits.",
        ),
    ),
    (
        "active_defrag_misses",
        Desc::gauge(
            "redis_defrag_misses",
            &[],
            "Redis INFO field active_defrag_misses.",
        ),
    ),
    (
        "active_defrag_key_hits",
        Desc::gauge(
            "redis_defrag_key_hits",
            &[],
            "Redis INFO field active_defrag_key_hits.",
        ),
    ),
    (
        "active_defrag_key_misses",
        Desc::gauge(
            "redis_defrag_key_misses",
            &[],
            "Redis INFO field active_defrag_key_misses.",
        ),
    ),
    (
        "expired_time_cap_reached_count",
        Desc::gauge(
            "redis_expired_time_cap_reached_total",
            &[],
            "Redis INFO field expired_time_cap_reached_count.",
        ),
    ),
    (
        "loading",
        Desc::gauge("redis_loading_dump_file", &[], "Redis INFO field loading."),
    ),
    (
        "rdb_changes_since_last_save",
        Desc::gauge(
            "redis_rdb_changes_since_last_save",
            &[],
            "Redis INFO field rdb_changes_since_last_save.",
        ),
    ),
    (
        "rdb_bgsave_in_progress",
        Desc::gauge(
            "redis_rdb_bgsave_in_progress",
            &[],
            "Redis INFO field rdb_bgsave_in_progress.",
        ),
    ),
    (
        "rdb_last_save_time",
        Desc::gauge(
            "redis_rdb_last_save_timestamp_seconds",
            &[],
            "Redis INFO field rdb_last_save_time.",
        ),
    ),
    (
        "rdb_last_bgsave_status",
        Desc::gauge(
            "redis_rdb_last_bgsave_status",
            &[],
            "Redis INFO field rdb_last_bgsave_status.",
        ),
    ),
    (
        "rdb_last_bgsave_time_sec",
        Desc::gauge(
            "redis_rdb_last_bgsave_duration_sec",
            &[],
            "Redis INFO field rdb_last_bgsave_time_sec.",
        ),
    ),
    (
        "rdb_current_bgsave_time_sec",
        Desc::gauge(
            "redis_rdb_current_bgsave_duration_sec",
            &[],
            "Redis INFO field rdb_current_bgsave_time_sec.",
        ),
    ),
    (
        "rdb_last_cow_size",
        Desc::gauge(
            "redis_rdb_last_cow_size_bytes",
            &[],
            "Redis INFO field rdb_last_cow_size.",
        ),
    ),
    (
        "aof_enabled",
        Desc::gauge("redis_aof_enabled", &[], "Redis INFO field aof_enabled."),
    ),
    (
        "aof_rewrite_in_progress",
        Desc::gauge(
            "redis_aof_rewrite_in_progress",
            &[],
            "Redis INFO field aof_rewrite_in_progress.",
        ),
    ),
    (
        "aof_rewrite_scheduled",
        Desc::gauge(
            "redis_aof_rewrite_scheduled",
            &[],
            "Redis INFO field aof_rewrite_scheduled.",
        ),
    ),
    (
        "aof_last_rewrite_time_sec",
        Desc::gauge(
            "redis_aof_last_rewrite_duration_sec",
            &[],
            "Redis INFO field aof_last_rewrite_time_sec.",
        ),
    ),
    (
        "aof_current_rewrite_time_sec",
        Desc::gauge(
            "redis_aof_current_rewrite_duration_sec",
            &[],
            "Redis INFO field aof_current_rewrite_time_sec.",
        ),
    ),
    (
        "aof_last_cow_size",
        Desc::gauge(
            "redis_aof_last_cow_size_bytes",
            &[],
            "Redis INFO field aof_last_cow_size.",
        ),
    ),
    (
        "aof_current_size",
        Desc::gauge(
            "redis_aof_current_size_bytes",
            &[],
            "Redis INFO field aof_current_size.",
        ),
    ),
    (
        "aof_base_size",
        Desc::gauge(
            "redis_aof_base_size_bytes",
            &[],
            "Redis INFO field aof_base_size.",
        ),
    ),
    (
        "aof_pending_rewrite",
        Desc::gauge(
            "redis_aof_pending_rewrite",
            &[],
            "Redis INFO field aof_pending_rewrite.",
        ),
    ),
    (
        "aof_buffer_length",
        Desc::gauge(
            "redis_aof_buffer_length",
            &[],
            "Redis INFO field aof_buffer_length.",
        ),
    ),
    (
        "aof_rewrite_buffer_length",
        Desc::gauge(
            "redis_aof_rewrite_buffer_length",
            &[],
            "Redis INFO field aof_rewrite_buffer_length.",
        ),
    ),
    (
        "aof_pending_bio_fsync",
        Desc::gauge(
            "redis_aof_pending_bio_fsync",
            &[],
            "Redis INFO field aof_pending_bio_fsync.",
        ),
    ),
    (
        "aof_delayed_fsync",
        Desc::gauge(
            "redis_aof_delayed_fsync",
            &[],
            "Redis INFO field aof_delayed_fsync.",
        ),
    ),
    (
        "aof_last_bgrewrite_status",
        Desc::gauge(
            "redis_aof_last_bgrewrite_status",
            &[],
            "Redis INFO field aof_last_bgrewrite_status.",
        ),
    ),
    (
        "aof_last_write_status",
        Desc::gauge(
            "redis_aof_last_write_status",
            &[],
            "Redis INFO field aof_last_write_status.",
        ),
    ),
    (
        "module_fork_in_progress",
        Desc::gauge(
            "redis_module_fork_in_progress",
            &[],
            "Redis INFO field module_fork_in_progress.",
        ),
    ),
    (
        "module_fork_last_cow_size",
        Desc::gauge(
            "redis_module_fork_last_cow_size",
            &[],
            "Redis INFO field module_fork_last_cow_size.",
        ),
    ),
    (
        "pubsub_channels",
        Desc::gauge(
            "redis_pubsub_channels",
            &[],
            "Redis INFO field pubsub_channels.",
        ),
    ),
    (
        "pubsub_patterns",
        Desc::gauge(
            "redis_pubsub_patterns",
            &[],
            "Redis INFO field pubsub_patterns.",
        ),
    ),
    (
        "latest_fork_usec",
        Desc::gauge(
            "redis_latest_fork_seconds",
            &[],
            "Redis INFO field latest_fork_usec.",
        ),
    ),
    (
        "connected_slaves",
        Desc::gauge(
            "redis_connected_slaves",
            &[],
            "Redis INFO field connected_slaves.",
        ),
    ),
    (
        "repl_backlog_size",
        Desc::gauge(
            "redis_replication_backlog_bytes",
            &[],
            "Redis INFO field repl_backlog_size.",
        ),
    ),
    (
        "repl_backlog_active",
        Desc::gauge(
            "redis_repl_backlog_is_active",
            &[],
            "Redis INFO field repl_backlog_active.",
        ),
    ),
    (
        "repl_backlog_first_byte_offset",
        Desc::gauge(
            "redis_repl_backlog_first_byte_offset",
            &[],
            "Redis INFO field repl_backlog_first_byte_offset.",
        ),
    ),
    (
        "repl_backlog_histlen",
        Desc::gauge(
            "redis_repl_backlog_history_bytes",
            &[],
            "Redis INFO field repl_backlog_histlen.",
        ),
    ),
    (
        "master_repl_offset",
        Desc::gauge(
            "redis_master_repl_offset",
            &[],
            "Redis INFO field master_repl_offset.",
        ),
    ),
    (
        "second_repl_offset",
        Desc::gauge(
            "redis_second_repl_offset",
            &[],
            "Redis INFO field second_repl_offset.",
        ),
    ),
    (
        "slave_expires_tracked_keys",
        Desc::gauge(
            "redis_slave_expires_tracked_keys",
            &[],
            "Redis INFO field slave_expires_tracked_keys.",
        ),
    ),
    (
        "slave_priority",
        Desc::gauge(
            "redis_slave_priority",
            &[],
            "Redis INFO field slave_priority.",
        ),
    ),
    (
        "sync_full",
        Desc::gauge(
            "redis_replica_resyncs_full",
            &[],
            "Redis INFO field sync_full.",
        ),
    ),
    (
        "sync_partial_ok",
        Desc::gauge(
            "redis_replica_partial_resync_accepted",
            &[],
            "Redis INFO field sync_partial_ok.",
        ),
    ),
    (
        "sync_partial_err",
        Desc::gauge(
            "redis_replica_partial_resync_denied",
            &[],
            "Redis INFO field sync_partial_err.",
        ),
    ),
    (
        "cluster_stats_messages_sent",
        Desc::gauge(
            "redis_cluster_messages_sent_total",
            &[],
            "Redis INFO field cluster_stats_messages_sent.",
        ),
    ),
    (
        "cluster_stats_messages_received",
        Desc::gauge(
            "redis_cluster_messages_received_total",
            &[],
            "Redis INFO field cluster_stats_messages_received.",
        ),
    ),
    (
        "server_threads",
        Desc::gauge(
            "redis_server_threads_total",
            &[],
            "Redis INFO field server_threads.",
        ),
    ),
    (
        "long_lock_waits",
        Desc::gauge(
            "redis_long_lock_waits_total",
            &[],
            "Redis INFO field long_lock_waits.",
        ),
    ),
    (
        "current_client_thread",
        Desc::gauge(
            "redis_current_client_thread",
            &[],
            "Redis INFO field current_client_thread.",
        ),
    ),
    (
        "total_system_memory",
        Desc::gauge(
            "redis_total_system_memory_bytes",
            &[],
            "Redis INFO field total_system_memory.",
        ),
    ),
    (
        "io_threads_active",
        Desc::gauge(
            "redis_io_threads_active",
            &[],
            "Redis INFO field io_threads_active.",
        ),
    ),
    (
        "clients_in_timeout_table",
        Desc::gauge(
            "redis_clients_in_timeout_table",
            &[],
            "Redis INFO field clients_in_timeout_table.",
        ),
    ),
    (
        "number_of_cached_scripts",
        Desc::gauge(
            "redis_number_of_cached_scripts",
            &[],
            "Redis INFO field number_of_cached_scripts.",
        ),
    ),
    (
        "tracking_total_keys",
        Desc::gauge(
            "redis_tracking_total_keys",
            &[],
            "Redis INFO field tracking_total_keys.",
        ),
    ),
    (
        "tracking_total_items",
        Desc::gauge(
            "redis_tracking_total_items",
            &[],
            "Redis INFO field tracking_total_items.",
        ),
    ),
    (
        "tracking_total_prefixes",
        Desc::gauge(
            "redis_tracking_total_prefixes",
            &[],
            "Redis INFO field tracking_total_prefixes.",
        ),
    ),
    (
        "cluster_enabled",
        Desc::gauge(
            "redis_cluster_enabled",
            &[],
            "Redis INFO field cluster_enabled.",
        ),
    ),
];

/// INFO field → counter, redis_exporter's `metricMapCounters`. The few without a `_total`
/// suffix are gauges (this exporter's counters always end in `_total`).
pub const INFO_COUNTERS: &[(&str, Desc)] = &[
    (
        "total_connections_received",
        Desc::counter(
            "redis_connections_received_total",
            &[],
            "Redis INFO field total_connections_received.",
        ),
    ),
    (
        "total_commands_processed",
        Desc::counter(
            "redis_commands_processed_total",
            &[],
            "Redis INFO field total_commands_processed.",
        ),
    ),
    (
        "rejected_connections",
        Desc::counter(
            "redis_rejected_connections_total",
            &[],
            "Redis INFO field rejected_connections.",
        ),
    ),
    (
        "total_net_input_bytes",
        Desc::counter(
            "redis_net_input_bytes_total",
            &[],
            "Redis INFO field total_net_input_bytes.",
        ),
    ),
    (
        "total_net_output_bytes",
        Desc::counter(
            "redis_net_output_bytes_total",
            &[],
            "Redis INFO field total_net_output_bytes.",
        ),
    ),
    (
        "expired_keys",
        Desc::counter(
            "redis_expired_keys_total",
            &[],
            "Redis INFO field expired_keys.",
        ),
    ),
    ("evicted_keys", REDIS_EVICTED_KEYS_TOTAL),
    (
        "keyspace_hits",
        Desc::counter(
            "redis_keyspace_hits_total",
            &[],
            "Redis INFO field keyspace_hits.",
        ),
    ),
    (
        "keyspace_misses",
        Desc::counter(
            "redis_keyspace_misses_total",
            &[],
            "Redis INFO field keyspace_misses.",
        ),
    ),
    (
        "used_cpu_sys",
        Desc::counter(
            "redis_cpu_sys_seconds_total",
            &[],
            "Redis INFO field used_cpu_sys.",
        ),
    ),
    (
        "used_cpu_user",
        Desc::counter(
            "redis_cpu_user_seconds_total",
            &[],
            "Redis INFO field used_cpu_user.",
        ),
    ),
    (
        "used_cpu_sys_children",
        Desc::counter(
            "redis_cpu_sys_children_seconds_total",
            &[],
            "Redis INFO field used_cpu_sys_children.",
        ),
    ),
    (
        "used_cpu_user_children",
        Desc::counter(
            "redis_cpu_user_children_seconds_total",
            &[],
            "Redis INFO field used_cpu_user_children.",
        ),
    ),
    (
        "used_cpu_sys_main_thread",
        Desc::counter(
            "redis_cpu_sys_main_thread_seconds_total",
            &[],
            "Redis INFO field used_cpu_sys_main_thread.",
        ),
    ),
    (
        "used_cpu_user_main_thread",
        Desc::counter(
            "redis_cpu_user_main_thread_seconds_total",
            &[],
            "Redis INFO field used_cpu_user_main_thread.",
        ),
    ),
    (
        "unexpected_error_replies",
        Desc::gauge(
            "redis_unexpected_error_replies",
            &[],
            "Redis INFO field unexpected_error_replies.",
        ),
    ),
    (
        "total_error_replies",
        Desc::gauge(
            "redis_total_error_replies",
            &[],
            "Redis INFO field total_error_replies.",
        ),
    ),
    (
        "dump_payload_sanitizations",
        Desc::gauge(
            "redis_dump_payload_sanitizations",
            &[],
            "Redis INFO field dump_payload_sanitizations.",
        ),
    ),
    (
        "total_reads_processed",
        Desc::gauge(
            "redis_total_reads_processed",
            &[],
            "Redis INFO field total_reads_processed.",
        ),
    ),
    (
        "total_writes_processed",
        Desc::gauge(
            "redis_total_writes_processed",
            &[],
            "Redis INFO field total_writes_processed.",
        ),
    ),
    (
        "io_threaded_reads_processed",
        Desc::gauge(
            "redis_io_threaded_reads_processed",
            &[],
            "Redis INFO field io_threaded_reads_processed.",
        ),
    ),
    (
        "io_threaded_writes_processed",
        Desc::gauge(
            "redis_io_threaded_writes_processed",
            &[],
            "Redis INFO field io_threaded_writes_processed.",
        ),
    ),
];

/// `redis_cluster_*`: an INFO `cluster_*` field not in [`INFO_GAUGES`], as a gauge of its name.
pub const REDIS_CLUSTER_X: Desc = Desc::gauge(
    "redis_cluster_*",
    &[],
    "Redis INFO field cluster_<field> (the fields of the Cluster section beyond cluster_enabled).",
);
/// `redis_start_time_seconds`.
pub const REDIS_START_TIME_SECONDS: Desc = Desc::gauge(
    "redis_start_time_seconds",
    &[],
    "Start time of the Redis instance since unix epoch in seconds.",
);
/// `redis_hz`.
pub const REDIS_HZ: Desc = Desc::gauge("redis_hz", &[], "Redis INFO hz.");
/// `redis_configured_hz`.
pub const REDIS_CONFIGURED_HZ: Desc =
    Desc::gauge("redis_configured_hz", &[], "Redis INFO configured_hz.");
/// `redis_errors_total`.
pub const REDIS_ERRORS_TOTAL: Desc = Desc::counter(
    "redis_errors_total",
    &["err"],
    "Total number of errors per error type",
);
/// `redis_master_link_up`.
pub const REDIS_MASTER_LINK_UP: Desc = Desc::gauge(
    "redis_master_link_up",
    &["master_host", "master_port"],
    "Master link status on Redis slave",
);
/// `redis_master_last_io_seconds_ago`.
pub const REDIS_MASTER_LAST_IO_SECONDS_AGO: Desc = Desc::gauge(
    "redis_master_last_io_seconds_ago",
    &["master_host", "master_port"],
    "Master last io seconds ago",
);
/// `redis_master_sync_in_progress`.
pub const REDIS_MASTER_SYNC_IN_PROGRESS: Desc = Desc::gauge(
    "redis_master_sync_in_progress",
    &["master_host", "master_port"],
    "Master sync in progress",
);
/// `redis_slave_repl_offset`.
pub const REDIS_SLAVE_REPL_OFFSET: Desc = Desc::gauge(
    "redis_slave_repl_offset",
    &["master_host", "master_port"],
    "Slave replication offset",
);
/// `redis_connected_slave_offset_bytes`.
pub const REDIS_CONNECTED_SLAVE_OFFSET_BYTES: Desc = Desc::gauge(
    "redis_connected_slave_offset_bytes",
    &["slave_ip", "slave_port", "slave_state"],
    "Offset of connected slave",
);
/// `redis_connected_slave_lag_seconds`.
pub const REDIS_CONNECTED_SLAVE_LAG_SECONDS: Desc = Desc::gauge(
    "redis_connected_slave_lag_seconds",
    &["slave_ip", "slave_port", "slave_state"],
    "Lag of connected slave",
);
/// `redis_commands_total`.
pub const REDIS_COMMANDS_TOTAL: Desc = Desc::counter(
    "redis_commands_total",
    &["cmd"],
    "Total number of calls per command",
);
/// `redis_commands_duration_seconds_total`.
pub const REDIS_COMMANDS_DURATION_SECONDS_TOTAL: Desc = Desc::counter(
    "redis_commands_duration_seconds_total",
    &["cmd"],
    "Total amount of time in seconds spent per command",
);
/// `redis_commands_rejected_calls_total`.
pub const REDIS_COMMANDS_REJECTED_CALLS_TOTAL: Desc = Desc::counter(
    "redis_commands_rejected_calls_total",
    &["cmd"],
    "Total number of errors prior command execution per command",
);
/// `redis_commands_failed_calls_total`.
pub const REDIS_COMMANDS_FAILED_CALLS_TOTAL: Desc = Desc::counter(
    "redis_commands_failed_calls_total",
    &["cmd"],
    "Total number of errors within command execution per command",
);
/// `redis_db_keys`.
pub const REDIS_DB_KEYS: Desc = Desc::gauge("redis_db_keys", &["db"], "Total number of keys by DB");
/// `redis_db_keys_expiring`.
pub const REDIS_DB_KEYS_EXPIRING: Desc = Desc::gauge(
    "redis_db_keys_expiring",
    &["db"],
    "Total number of expiring keys by DB",
);
/// `redis_db_avg_ttl_seconds`.
pub const REDIS_DB_AVG_TTL_SECONDS: Desc =
    Desc::gauge("redis_db_avg_ttl_seconds", &["db"], "Avg TTL in seconds");
/// `redis_instance_info`.
pub const REDIS_INSTANCE_INFO: Desc = Desc::gauge(
    "redis_instance_info",
    &[
        "role",
        "redis_version",
        "redis_build_id",
        "redis_mode",
        "os",
        "maxmemory_policy",
        "tcp_port",
        "run_id",
        "process_id",
        "master_replid",
    ],
    "Information about the Redis instance",
);
/// `redis_slave_info`.
pub const REDIS_SLAVE_INFO: Desc = Desc::gauge(
    "redis_slave_info",
    &["master_host", "master_port", "read_only"],
    "Information about the Redis slave",
);
/// `redis_config_io_threads`.
pub const REDIS_CONFIG_IO_THREADS: Desc = Desc::gauge(
    "redis_config_io_threads",
    &[],
    "Redis configuration setting io-threads (CONFIG GET).",
);
/// `redis_config_maxclients`.
pub const REDIS_CONFIG_MAXCLIENTS: Desc = Desc::gauge(
    "redis_config_maxclients",
    &[],
    "Redis configuration setting maxclients (CONFIG GET).",
);
/// `redis_config_maxmemory`.
pub const REDIS_CONFIG_MAXMEMORY: Desc = Desc::gauge(
    "redis_config_maxmemory",
    &[],
    "Redis configuration setting maxmemory (CONFIG GET).",
);

/// `(CONFIG GET key, family)`: the settings served as `redis_config_*`.
pub const CONFIG: [(&str, Desc); 3] = [
    ("io-threads", REDIS_CONFIG_IO_THREADS),
    ("maxclients", REDIS_CONFIG_MAXCLIENTS),
    ("maxmemory", REDIS_CONFIG_MAXMEMORY),
];

const OWN: &[Desc] = &[REDIS_UP];
const INFO_GAUGE_DESCS: [Desc; INFO_GAUGES.len()] = column(INFO_GAUGES);
const INFO_COUNTER_DESCS: [Desc; INFO_COUNTERS.len()] = column(INFO_COUNTERS);
const SPECIAL: &[Desc] = &[
    REDIS_START_TIME_SECONDS,
    REDIS_HZ,
    REDIS_CONFIGURED_HZ,
    REDIS_ERRORS_TOTAL,
    REDIS_MASTER_LINK_UP,
    REDIS_MASTER_LAST_IO_SECONDS_AGO,
    REDIS_MASTER_SYNC_IN_PROGRESS,
    REDIS_SLAVE_REPL_OFFSET,
    REDIS_CONNECTED_SLAVE_OFFSET_BYTES,
    REDIS_CONNECTED_SLAVE_LAG_SECONDS,
    REDIS_COMMANDS_TOTAL,
    REDIS_COMMANDS_DURATION_SECONDS_TOTAL,
    REDIS_COMMANDS_REJECTED_CALLS_TOTAL,
    REDIS_COMMANDS_FAILED_CALLS_TOTAL,
    REDIS_DB_KEYS,
    REDIS_DB_KEYS_EXPIRING,
    REDIS_DB_AVG_TTL_SECONDS,
    REDIS_INSTANCE_INFO,
    REDIS_SLAVE_INFO,
    REDIS_CONFIG_IO_THREADS,
    REDIS_CONFIG_MAXCLIENTS,
    REDIS_CONFIG_MAXMEMORY,
    REDIS_CLUSTER_X,
];
const ALL_ARRAY: [Desc; OWN.len() + INFO_GAUGES.len() + INFO_COUNTERS.len() + SPECIAL.len()] =
    concat(&[OWN, &INFO_GAUGE_DESCS, &INFO_COUNTER_DESCS, SPECIAL]);

/// Every metric this probe produces: `redis_up`, the INFO field tables, the special cases;
/// `redis_cluster_*` is a pattern.
pub const ALL: &[Desc] = &ALL_ARRAY;

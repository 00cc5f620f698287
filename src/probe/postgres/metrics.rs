//! The metrics of the postgres probe, declared once: name, type, labels and help.

use crate::metrics::{Desc, column, concat};

/// `pg_up`.
pub const PG_UP: Desc = Desc::gauge(
    "pg_up",
    &[],
    "Whether the last probe of PostgreSQL succeeded (connect and queries).",
);
/// `pg_stat_activity_count`.
pub const PG_STAT_ACTIVITY_COUNT: Desc = Desc::gauge(
    "pg_stat_activity_count",
    &["datname", "state"],
    "Client connections per database and state (the exporter's own excluded).",
);
/// `pg_stat_activity_max_tx_duration`.
pub const PG_STAT_ACTIVITY_MAX_TX_DURATION: Desc = Desc::gauge(
    "pg_stat_activity_max_tx_duration",
    &["datname", "state"],
    "Age in seconds of the oldest open transaction per database and state (0 when none).",
);
/// `pg_stat_activity_application_count`.
pub const PG_STAT_ACTIVITY_APPLICATION_COUNT: Desc = Desc::gauge(
    "pg_stat_activity_application_count",
    &["application_name"],
    "Client connections per application_name (capped; the rest summed as \"other\").",
);
/// `pg_settings_max_connections`.
pub const PG_SETTINGS_MAX_CONNECTIONS: Desc = Desc::gauge(
    "pg_settings_max_connections",
    &[],
    "Server setting max_connections.",
);
/// `pg_settings_superuser_reserved_connections`.
pub const PG_SETTINGS_SUPERUSER_RESERVED_CONNECTIONS: Desc = Desc::gauge(
    "pg_settings_superuser_reserved_connections",
    &[],
    "Server setting superuser_reserved_connections.",
);

/// `pg_exporter_last_scrape_error`.
pub const PG_EXPORTER_LAST_SCRAPE_ERROR: Desc = Desc::gauge(
    "pg_exporter_last_scrape_error",
    &[],
    "Whether the last collection of the statistics families failed (1) or not (0).",
);

// The statistics families (stats.rs).
/// `pg_postmaster_start_time_seconds`.
pub const PG_POSTMASTER_START_TIME_SECONDS: Desc = Desc::gauge(
    "pg_postmaster_start_time_seconds",
    &[],
    "Time at which postmaster started",
);
/// `pg_replication_is_replica`.
pub const PG_REPLICATION_IS_REPLICA: Desc = Desc::gauge(
    "pg_replication_is_replica",
    &[],
    "Indicates if the server is a replica",
);
/// `pg_replication_lag_seconds`.
pub const PG_REPLICATION_LAG_SECONDS: Desc = Desc::gauge(
    "pg_replication_lag_seconds",
    &[],
    "Replication lag behind master in seconds",
);
/// `pg_replication_lag`.
pub const PG_REPLICATION_LAG: Desc = Desc::gauge(
    "pg_replication_lag",
    &[],
    "Replication lag behind master in seconds (postgres_exporter's queries.yaml name)",
);
/// `pg_replication_last_replay_seconds`.
pub const PG_REPLICATION_LAST_REPLAY_SECONDS: Desc = Desc::gauge(
    "pg_replication_last_replay_seconds",
    &[],
    "Age of last replay in seconds",
);
/// `pg_stat_database_active_time_seconds_total`.
pub const PG_STAT_DATABASE_ACTIVE_TIME_SECONDS_TOTAL: Desc = Desc::counter(
    "pg_stat_database_active_time_seconds_total",
    &["datid", "datname"],
    "Time spent executing SQL statements in this database, in seconds",
);
/// `pg_stat_database_stats_reset`.
pub const PG_STAT_DATABASE_STATS_RESET: Desc = Desc::gauge(
    "pg_stat_database_stats_reset",
    &["datid", "datname"],
    "Time at which these statistics were last reset",
);
/// `pg_locks_count`.
pub const PG_LOCKS_COUNT: Desc =
    Desc::gauge("pg_locks_count", &["datname", "mode"], "Number of locks");
/// `pg_replication_slots_active`.
pub const PG_REPLICATION_SLOTS_ACTIVE: Desc = Desc::gauge(
    "pg_replication_slots_active",
    &["slot_name", "slot_type", "database"],
    "Whether the replication slot is active",
);
/// `nexo_exporter_pg_stat_user_tables_dropped`.
pub const NEXO_EXPORTER_PG_STAT_USER_TABLES_DROPPED: Desc = Desc::gauge(
    "nexo_exporter_pg_stat_user_tables_dropped",
    &[],
    "Tables of the connected database left out of pg_stat_user_tables_* by max_tables.",
);
/// `pg_stat_bgwriter_checkpoints_timed_total`.
pub const PG_STAT_BGWRITER_CHECKPOINTS_TIMED_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_checkpoints_timed_total",
    &[],
    "pg_stat_bgwriter column checkpoints_timed.",
);
/// `pg_stat_bgwriter_checkpoints_req_total`.
pub const PG_STAT_BGWRITER_CHECKPOINTS_REQ_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_checkpoints_req_total",
    &[],
    "pg_stat_bgwriter column checkpoints_req.",
);
/// `pg_stat_bgwriter_checkpoint_write_time_total`.
pub const PG_STAT_BGWRITER_CHECKPOINT_WRITE_TIME_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_checkpoint_write_time_total",
    &[],
    "pg_stat_bgwriter column checkpoint_write_time.",
);
/// `pg_stat_bgwriter_checkpoint_sync_time_total`.
pub const PG_STAT_BGWRITER_CHECKPOINT_SYNC_TIME_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_checkpoint_sync_time_total",
    &[],
    "pg_stat_bgwriter column checkpoint_sync_time.",
);
/// `pg_stat_bgwriter_buffers_checkpoint_total`.
pub const PG_STAT_BGWRITER_BUFFERS_CHECKPOINT_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_buffers_checkpoint_total",
    &[],
    "pg_stat_bgwriter column buffers_checkpoint.",
);
/// `pg_stat_bgwriter_buffers_clean_total`.
pub const PG_STAT_BGWRITER_BUFFERS_CLEAN_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_buffers_clean_total",
    &[],
    "pg_stat_bgwriter column buffers_clean.",
);
/// `pg_stat_bgwriter_maxwritten_clean_total`.
pub const PG_STAT_BGWRITER_MAXWRITTEN_CLEAN_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_maxwritten_clean_total",
    &[],
    "pg_stat_bgwriter column maxwritten_clean.",
);
/// `pg_stat_bgwriter_buffers_backend_total`.
pub const PG_STAT_BGWRITER_BUFFERS_BACKEND_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_buffers_backend_total",
    &[],
    "pg_stat_bgwriter column buffers_backend.",
);
/// `pg_stat_bgwriter_buffers_backend_fsync_total`.
pub const PG_STAT_BGWRITER_BUFFERS_BACKEND_FSYNC_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_buffers_backend_fsync_total",
    &[],
    "pg_stat_bgwriter column buffers_backend_fsync.",
);
/// `pg_stat_bgwriter_buffers_alloc_total`.
pub const PG_STAT_BGWRITER_BUFFERS_ALLOC_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_buffers_alloc_total",
    &[],
    "pg_stat_bgwriter column buffers_alloc.",
);
/// `pg_stat_bgwriter_stats_reset_total`.
pub const PG_STAT_BGWRITER_STATS_RESET_TOTAL: Desc = Desc::counter(
    "pg_stat_bgwriter_stats_reset_total",
    &[],
    "pg_stat_bgwriter column stats_reset.",
);

/// pg_stat_database columns → `pg_stat_database_<column>{datid,datname}`. postgres_exporter's
/// counters have no `_total` suffix; they are gauges here (this exporter's counters always end
/// in `_total`).
pub const STAT_DATABASE: [(&str, Desc); 16] = [
    (
        "numbackends",
        Desc::gauge(
            "pg_stat_database_numbackends",
            &["datid", "datname"],
            "pg_stat_database column numbackends.",
        ),
    ),
    (
        "xact_commit",
        Desc::gauge(
            "pg_stat_database_xact_commit",
            &["datid", "datname"],
            "pg_stat_database column xact_commit.",
        ),
    ),
    (
        "xact_rollback",
        Desc::gauge(
            "pg_stat_database_xact_rollback",
            &["datid", "datname"],
            "pg_stat_database column xact_rollback.",
        ),
    ),
    (
        "blks_read",
        Desc::gauge(
            "pg_stat_database_blks_read",
            &["datid", "datname"],
            "pg_stat_database column blks_read.",
        ),
    ),
    (
        "blks_hit",
        Desc::gauge(
            "pg_stat_database_blks_hit",
            &["datid", "datname"],
            "pg_stat_database column blks_hit.",
        ),
    ),
    (
        "tup_returned",
        Desc::gauge(
            "pg_stat_database_tup_returned",
            &["datid", "datname"],
            "pg_stat_database column tup_returned.",
        ),
    ),
    (
        "tup_fetched",
        Desc::gauge(
            "pg_stat_database_tup_fetched",
            &["datid", "datname"],
            "pg_stat_database column tup_fetched.",
        ),
    ),
    (
        "tup_inserted",
        Desc::gauge(
            "pg_stat_database_tup_inserted",
            &["datid", "datname"],
            "pg_stat_database column tup_inserted.",
        ),
    ),
    (
        "tup_updated",
        Desc::gauge(
            "pg_stat_database_tup_updated",
            &["datid", "datname"],
            "pg_stat_database column tup_updated.",
        ),
    ),
    (
        "tup_deleted",
        Desc::gauge(
            "pg_stat_database_tup_deleted",
            &["datid", "datname"],
            "pg_stat_database column tup_deleted.",
        ),
    ),
    (
        "conflicts",
        Desc::gauge(
            "pg_stat_database_conflicts",
            &["datid", "datname"],
            "pg_stat_database column conflicts.",
        ),
    ),
    (
        "temp_files",
        Desc::gauge(
            "pg_stat_database_temp_files",
            &["datid", "datname"],
            "pg_stat_database column temp_files.",
        ),
    ),
    (
        "temp_bytes",
        Desc::gauge(
            "pg_stat_database_temp_bytes",
            &["datid", "datname"],
            "pg_stat_database column temp_bytes.",
        ),
    ),
    (
        "deadlocks",
        Desc::gauge(
            "pg_stat_database_deadlocks",
            &["datid", "datname"],
            "pg_stat_database column deadlocks.",
        ),
    ),
    (
        "blk_read_time",
        Desc::gauge(
            "pg_stat_database_blk_read_time",
            &["datid", "datname"],
            "pg_stat_database column blk_read_time.",
        ),
    ),
    (
        "blk_write_time",
        Desc::gauge(
            "pg_stat_database_blk_write_time",
            &["datid", "datname"],
            "pg_stat_database column blk_write_time.",
        ),
    ),
];

/// pg_stat_bgwriter (and, from PostgreSQL 17, pg_stat_checkpointer) columns →
/// `pg_stat_bgwriter_<name>`; a family's help names its column before PostgreSQL 17.
pub const STAT_BGWRITER: [(&str, Desc); 16] = [
    (
        "checkpoints_timed",
        PG_STAT_BGWRITER_CHECKPOINTS_TIMED_TOTAL,
    ),
    ("num_timed", PG_STAT_BGWRITER_CHECKPOINTS_TIMED_TOTAL),
    ("checkpoints_req", PG_STAT_BGWRITER_CHECKPOINTS_REQ_TOTAL),
    ("num_requested", PG_STAT_BGWRITER_CHECKPOINTS_REQ_TOTAL),
    (
        "checkpoint_write_time",
        PG_STAT_BGWRITER_CHECKPOINT_WRITE_TIME_TOTAL,
    ),
    ("write_time", PG_STAT_BGWRITER_CHECKPOINT_WRITE_TIME_TOTAL),
    (
        "checkpoint_sync_time",
        PG_STAT_BGWRITER_CHECKPOINT_SYNC_TIME_TOTAL,
    ),
    ("sync_time", PG_STAT_BGWRITER_CHECKPOINT_SYNC_TIME_TOTAL),
    (
        "buffers_checkpoint",
        PG_STAT_BGWRITER_BUFFERS_CHECKPOINT_TOTAL,
    ),
    ("buffers_written", PG_STAT_BGWRITER_BUFFERS_CHECKPOINT_TOTAL),
    ("buffers_clean", PG_STAT_BGWRITER_BUFFERS_CLEAN_TOTAL),
    ("maxwritten_clean", PG_STAT_BGWRITER_MAXWRITTEN_CLEAN_TOTAL),
    ("buffers_backend", PG_STAT_BGWRITER_BUFFERS_BACKEND_TOTAL),
    (
        "buffers_backend_fsync",
        PG_STAT_BGWRITER_BUFFERS_BACKEND_FSYNC_TOTAL,
    ),
    ("buffers_alloc", PG_STAT_BGWRITER_BUFFERS_ALLOC_TOTAL),
    ("stats_reset", PG_STAT_BGWRITER_STATS_RESET_TOTAL),
];

/// pg_stat_user_tables columns 3.. of the statistics statement's last query →
/// `pg_stat_user_tables_<column>{datname,schemaname,relname}`; postgres_exporter's counters
/// here have no `_total`: gauges in this exporter.
pub const STAT_USER_TABLES: [Desc; 19] = [
    Desc::gauge(
        "pg_stat_user_tables_seq_scan",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column seq_scan.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_seq_tup_read",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column seq_tup_read.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_idx_scan",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column idx_scan.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_idx_tup_fetch",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column idx_tup_fetch.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_tup_ins",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_tup_ins.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_tup_upd",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_tup_upd.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_tup_del",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_tup_del.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_tup_hot_upd",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_tup_hot_upd.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_live_tup",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_live_tup.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_dead_tup",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_dead_tup.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_n_mod_since_analyze",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column n_mod_since_analyze.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_last_vacuum",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column last_vacuum.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_last_autovacuum",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column last_autovacuum.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_last_analyze",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column last_analyze.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_last_autoanalyze",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column last_autoanalyze.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_vacuum_count",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column vacuum_count.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_autovacuum_count",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column autovacuum_count.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_analyze_count",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column analyze_count.",
    ),
    Desc::gauge(
        "pg_stat_user_tables_autoanalyze_count",
        &["datname", "schemaname", "relname"],
        "pg_stat_user_tables column autoanalyze_count.",
    ),
];

/// The settings served as `pg_settings_<name>` (postgres_mixin, awesome-prometheus-alerts),
/// besides the two the main query reads: `(name, family)`.
pub const SETTINGS: [(&str, Desc); 9] = [
    (
        "autovacuum_vacuum_scale_factor",
        Desc::gauge(
            "pg_settings_autovacuum_vacuum_scale_factor",
            &[],
            "Server setting autovacuum_vacuum_scale_factor.",
        ),
    ),
    (
        "autovacuum_vacuum_threshold",
        Desc::gauge(
            "pg_settings_autovacuum_vacuum_threshold",
            &[],
            "Server setting autovacuum_vacuum_threshold.",
        ),
    ),
    (
        "autovacuum_analyze_scale_factor",
        Desc::gauge(
            "pg_settings_autovacuum_analyze_scale_factor",
            &[],
            "Server setting autovacuum_analyze_scale_factor.",
        ),
    ),
    (
        "autovacuum_analyze_threshold",
        Desc::gauge(
            "pg_settings_autovacuum_analyze_threshold",
            &[],
            "Server setting autovacuum_analyze_threshold.",
        ),
    ),
    (
        "autovacuum_max_workers",
        Desc::gauge(
            "pg_settings_autovacuum_max_workers",
            &[],
            "Server setting autovacuum_max_workers.",
        ),
    ),
    (
        "max_locks_per_transaction",
        Desc::gauge(
            "pg_settings_max_locks_per_transaction",
            &[],
            "Server setting max_locks_per_transaction.",
        ),
    ),
    (
        "max_prepared_transactions",
        Desc::gauge(
            "pg_settings_max_prepared_transactions",
            &[],
            "Server setting max_prepared_transactions.",
        ),
    ),
    (
        "max_wal_senders",
        Desc::gauge(
            "pg_settings_max_wal_senders",
            &[],
            "Server setting max_wal_senders.",
        ),
    ),
    (
        "max_replication_slots",
        Desc::gauge(
            "pg_settings_max_replication_slots",
            &[],
            "Server setting max_replication_slots.",
        ),
    ),
];

const SPECIAL: &[Desc] = &[
    PG_POSTMASTER_START_TIME_SECONDS,
    PG_REPLICATION_IS_REPLICA,
    PG_REPLICATION_LAG_SECONDS,
    PG_REPLICATION_LAG,
    PG_REPLICATION_LAST_REPLAY_SECONDS,
    PG_STAT_DATABASE_ACTIVE_TIME_SECONDS_TOTAL,
    PG_STAT_DATABASE_STATS_RESET,
    PG_LOCKS_COUNT,
    PG_REPLICATION_SLOTS_ACTIVE,
    NEXO_EXPORTER_PG_STAT_USER_TABLES_DROPPED,
];
const BGWRITER: &[Desc] = &[
    PG_STAT_BGWRITER_CHECKPOINTS_TIMED_TOTAL,
    PG_STAT_BGWRITER_CHECKPOINTS_REQ_TOTAL,
    PG_STAT_BGWRITER_CHECKPOINT_WRITE_TIME_TOTAL,
    PG_STAT_BGWRITER_CHECKPOINT_SYNC_TIME_TOTAL,
    PG_STAT_BGWRITER_BUFFERS_CHECKPOINT_TOTAL,
    PG_STAT_BGWRITER_BUFFERS_CLEAN_TOTAL,
    PG_STAT_BGWRITER_MAXWRITTEN_CLEAN_TOTAL,
    PG_STAT_BGWRITER_BUFFERS_BACKEND_TOTAL,
    PG_STAT_BGWRITER_BUFFERS_BACKEND_FSYNC_TOTAL,
    PG_STAT_BGWRITER_BUFFERS_ALLOC_TOTAL,
    PG_STAT_BGWRITER_STATS_RESET_TOTAL,
];
const STAT_DATABASE_DESCS: [Desc; 16] = column(&STAT_DATABASE);
const SETTINGS_DESCS: [Desc; 9] = column(&SETTINGS);
const OWN: &[Desc] = &[
    PG_UP,
    PG_EXPORTER_LAST_SCRAPE_ERROR,
    PG_STAT_ACTIVITY_COUNT,
    PG_STAT_ACTIVITY_MAX_TX_DURATION,
    PG_STAT_ACTIVITY_APPLICATION_COUNT,
    PG_SETTINGS_MAX_CONNECTIONS,
    PG_SETTINGS_SUPERUSER_RESERVED_CONNECTIONS,
];
const ALL_ARRAY: [Desc;
    OWN.len()
        + SETTINGS.len()
        + SPECIAL.len()
        + STAT_DATABASE.len()
        + BGWRITER.len()
        + STAT_USER_TABLES.len()] = concat(&[
    OWN,
    &SETTINGS_DESCS,
    SPECIAL,
    &STAT_DATABASE_DESCS,
    BGWRITER,
    &STAT_USER_TABLES,
]);

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &ALL_ARRAY;

//! The metrics of the postgres probe, declared once: name, type, labels and help.

use crate::metrics::Desc;

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

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &[PG_UP, PG_STAT_ACTIVITY_COUNT, PG_STAT_ACTIVITY_MAX_TX_DURATION, PG_STAT_ACTIVITY_APPLICATION_COUNT, PG_SETTINGS_MAX_CONNECTIONS, PG_SETTINGS_SUPERUSER_RESERVED_CONNECTIONS];

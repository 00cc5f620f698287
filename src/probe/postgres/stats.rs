//! postgres_exporter's statistics families the postgres_mixin and the community's rules read:
//! `pg_stat_database_*{datid,datname}`, `pg_stat_bgwriter_*`, `pg_locks_count{datname,mode}`,
//! `pg_replication_*`, `pg_replication_slots_active`, `pg_settings_*` for the settings those
//! rules use, `pg_postmaster_start_time_seconds` and `pg_stat_user_tables_*` of the connected
//! database (the largest tables, capped).
//!
//! One simple-query round trip of cheap catalog reads, separate from the probe's main query,
//! executing statements prepared once per connection (planning them cost the server more than
//! running them). Settings come from `current_setting()`, not the `pg_settings` view, which
//! computes every setting before filtering.
//! Version differences are absorbed by reading whole rows as JSON (`to_jsonb`, timestamps
//! turned into Unix seconds by the SQL), so a column a server lacks is simply absent; PostgreSQL 17's `pg_stat_checkpointer` is read once the
//! server's version is known (from the previous collection). Building the metrics from the
//! returned text is pure ([`build`]).

use serde_json::Value;

use crate::metrics::{MetricSet, labels};

use super::parse::{cell, number};
use super::{Rows, metrics};

/// Lock modes of `pg_locks_count`, zero-filled per database as postgres_exporter does.
const LOCK_MODES: [&str; 9] = [
    "accesssharelock",
    "rowsharelock",
    "rowexclusivelock",
    "shareupdateexclusivelock",
    "sharelock",
    "sharerowexclusivelock",
    "exclusivelock",
    "accessexclusivelock",
    "sireadlock",
];

/// The statements of one collection, for a server of `version` (`server_version_num`, 0 when
/// not known yet) and at most `max_tables` tables. Result sets, in order: server facts,
/// pg_stat_database rows, pg_stat_bgwriter, pg_stat_checkpointer, locks, settings, slots,
/// user tables.
pub fn sql(version: u32, max_tables: usize) -> String {
    let modes = LOCK_MODES
        .iter()
        .map(|m| format!("('{m}')"))
        .collect::<Vec<_>>()
        .join(", ");
    let settings = metrics::SETTINGS
        .iter()
        .map(|(s, _)| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let checkpointer = if version >= 170000 {
        "SELECT to_jsonb(c) - 'stats_reset' FROM pg_stat_checkpointer c"
    } else {
        "SELECT NULL::jsonb WHERE false"
    };
    format!(
        "SELECT current_setting('server_version_num'), \
 extract(epoch FROM pg_postmaster_start_time()), \
 CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END, \
 CASE WHEN NOT pg_is_in_recovery() THEN 0 \
 WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
 ELSE GREATEST(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp())) END, \
 CASE WHEN NOT pg_is_in_recovery() THEN 0 \
 ELSE GREATEST(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp())) END, \
 COALESCE(GREATEST(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp())), 0); \
SELECT to_jsonb(d) || jsonb_build_object('stats_reset', extract(epoch FROM d.stats_reset)) \
 FROM pg_stat_database d WHERE d.datname IS NOT NULL; \
SELECT to_jsonb(b) || jsonb_build_object('stats_reset', extract(epoch FROM b.stats_reset)) \
 FROM pg_stat_bgwriter b; \
{checkpointer}; \
SELECT d.datname, m.mode, COALESCE(l.count, 0) FROM (VALUES {modes}) AS m(mode) \
 CROSS JOIN pg_database d \
 LEFT JOIN (SELECT database, lower(mode) AS mode, count(*) AS count FROM pg_locks \
 WHERE database IS NOT NULL GROUP BY 1, 2) l ON l.mode = m.mode AND l.database = d.oid \
 ORDER BY 1, 2; \
SELECT s, current_setting(s, true) FROM unnest(ARRAY[{settings}]) AS s \
 WHERE current_setting(s, true) IS NOT NULL; \
SELECT slot_name, slot_type, COALESCE(database, ''), active::int FROM pg_replication_slots; \
SELECT current_database(), schemaname, relname, seq_scan, seq_tup_read, \
 COALESCE(idx_scan, 0), COALESCE(idx_tup_fetch, 0), n_tup_ins, n_tup_upd, n_tup_del, \
 n_tup_hot_upd, n_live_tup, n_dead_tup, n_mod_since_analyze, \
 COALESCE(extract(epoch FROM last_vacuum), 0), COALESCE(extract(epoch FROM last_autovacuum), 0), \
 COALESCE(extract(epoch FROM last_analyze), 0), COALESCE(extract(epoch FROM last_autoanalyze), 0), \
 vacuum_count, autovacuum_count, analyze_count, autoanalyze_count, count(*) OVER () \
 FROM pg_stat_user_tables ORDER BY n_live_tup + n_dead_tup DESC, schemaname, relname \
 LIMIT {max_tables}"
    )
}

/// The statements of [`sql`], one per result set, for preparing them once per connection.
pub fn statements(version: u32, max_tables: usize) -> Vec<String> {
    sql(version, max_tables)
        .split("; ")
        .map(str::to_string)
        .collect()
}

/// Number of result sets [`sql`] returns.
pub const RESULT_SETS: usize = 8;

fn json(row: &[Option<String>]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_str::<Value>(cell(row, 0)?) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err("expected a JSON object".into()),
    }
}

/// A JSON field as a number (timestamps are turned into Unix seconds by the SQL).
fn json_number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Builds the families from the result sets of [`sql`]; returns the server's version number.
pub fn build(sets: &[Rows], set: &mut MetricSet) -> Result<u32, String> {
    if sets.len() != RESULT_SETS {
        return Err(format!(
            "expected {RESULT_SETS} result sets, got {}",
            sets.len()
        ));
    }
    // Server facts.
    let row = sets[0].first().ok_or("no server row")?;
    let version = cell(row, 0)?.trim().parse::<u32>().unwrap_or(0);
    set.put(
        &metrics::PG_POSTMASTER_START_TIME_SECONDS,
        vec![],
        number(cell(row, 1)?)?,
    );
    set.put(
        &metrics::PG_REPLICATION_IS_REPLICA,
        vec![],
        number(cell(row, 2)?)?,
    );
    set.put(
        &metrics::PG_REPLICATION_LAG_SECONDS,
        vec![],
        number(cell(row, 3)?)?,
    );
    set.put(&metrics::PG_REPLICATION_LAG, vec![], number(cell(row, 4)?)?);
    set.put(
        &metrics::PG_REPLICATION_LAST_REPLAY_SECONDS,
        vec![],
        number(cell(row, 5)?)?,
    );
    // pg_stat_database.
    for row in &sets[1] {
        let m = json(row)?;
        let s = |k: &str| match m.get(k) {
            Some(Value::String(v)) => v.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let l = labels([("datid", &s("datid")), ("datname", &s("datname"))]);
        for (col, desc) in &metrics::STAT_DATABASE {
            if let Some(v) = m.get(*col).and_then(json_number) {
                set.put(desc, l.clone(), v);
            }
        }
        if let Some(v) = m.get("active_time").and_then(json_number) {
            set.put(
                &metrics::PG_STAT_DATABASE_ACTIVE_TIME_SECONDS_TOTAL,
                l.clone(),
                v / 1000.0,
            );
        }
        if let Some(v) = m.get("stats_reset").and_then(json_number) {
            set.put(&metrics::PG_STAT_DATABASE_STATS_RESET, l.clone(), v);
        }
    }
    // pg_stat_bgwriter, pg_stat_checkpointer.
    for row in sets[2].iter().chain(sets[3].iter()) {
        let m = json(row)?;
        for (col, desc) in &metrics::STAT_BGWRITER {
            if let Some(v) = m.get(*col).and_then(json_number) {
                set.put(desc, vec![], v);
            }
        }
    }
    // Locks.
    for row in &sets[4] {
        set.put(
            &metrics::PG_LOCKS_COUNT,
            labels([("datname", cell(row, 0)?), ("mode", cell(row, 1)?)]),
            number(cell(row, 2)?)?,
        );
    }
    // Settings.
    for row in &sets[5] {
        // Every setting read is numeric and unitless, so current_setting's text is its value.
        let (name, v) = (cell(row, 0)?, number(cell(row, 1)?)?);
        // The statement selects only these settings.
        if let Some((_, desc)) = metrics::SETTINGS.iter().find(|(n, _)| *n == name) {
            set.put(desc, vec![], v);
        }
    }
    // Replication slots.
    for row in &sets[6] {
        set.put(
            &metrics::PG_REPLICATION_SLOTS_ACTIVE,
            labels([
                ("slot_name", cell(row, 0)?),
                ("slot_type", cell(row, 1)?),
                ("database", cell(row, 2)?),
            ]),
            number(cell(row, 3)?)?,
        );
    }
    // User tables of the connected database, capped.
    let mut total = 0.0;
    for row in &sets[7] {
        let l = labels([
            ("datname", cell(row, 0)?),
            ("schemaname", cell(row, 1)?),
            ("relname", cell(row, 2)?),
        ]);
        for (i, desc) in metrics::STAT_USER_TABLES.iter().enumerate() {
            set.put(desc, l.clone(), number(cell(row, 3 + i)?)?);
        }
        total = number(cell(row, 3 + metrics::STAT_USER_TABLES.len())?)?;
    }
    set.put(
        &metrics::NEXO_EXPORTER_PG_STAT_USER_TABLES_DROPPED,
        vec![],
        (total - sets[7].len() as f64).max(0.0),
    );
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Rows {
        v.iter()
            .map(|r| r.iter().map(|c| Some(c.to_string())).collect())
            .collect()
    }

    fn get(set: &MetricSet, name: &str, l: &[(&str, &str)]) -> Option<f64> {
        set.value(name, l)
    }

    #[test]
    fn builds_postgres_exporter_families() {
        let sets = vec![
            rows(&[&["150020", "1796150000.5", "0", "0", "0", "0"]]),
            rows(&[&[
                r#"{"datid": 5, "datname": "crm", "numbackends": 3, "xact_commit": 10, "tup_fetched": 99, "blk_read_time": 1.5, "active_time": 2500.0, "stats_reset": 1796119200.0}"#,
            ]]),
            rows(&[&[
                r#"{"checkpoints_timed": 4, "checkpoints_req": 1, "buffers_alloc": 77, "stats_reset": 1796115600}"#,
            ]]),
            rows(&[]),
            rows(&[
                &["crm", "accesssharelock", "2"],
                &["crm", "exclusivelock", "0"],
            ]),
            rows(&[
                &["autovacuum_vacuum_scale_factor", "0.2"],
                &["max_locks_per_transaction", "64"],
            ]),
            rows(&[&["s1", "physical", "", "1"]]),
            rows(&[&[
                "crm",
                "public",
                "accounts",
                "1",
                "2",
                "3",
                "4",
                "5",
                "6",
                "7",
                "8",
                "900",
                "12",
                "13",
                "0",
                "1796150000",
                "0",
                "0",
                "1",
                "2",
                "3",
                "4",
                "3",
            ]]),
        ];
        let mut s = MetricSet::new();
        let version = build(&sets, &mut s).unwrap();
        assert_eq!(version, 150020);
        let db = [("datid", "5"), ("datname", "crm")];
        assert_eq!(get(&s, "pg_stat_database_tup_fetched", &db), Some(99.0));
        assert_eq!(get(&s, "pg_stat_database_numbackends", &db), Some(3.0));
        assert_eq!(
            get(&s, "pg_stat_database_active_time_seconds_total", &db),
            Some(2.5)
        );
        assert_eq!(
            get(&s, "pg_stat_database_stats_reset", &db),
            Some(1796119200.0)
        );
        assert_eq!(
            get(&s, "pg_stat_bgwriter_stats_reset_total", &[]),
            Some(1796115600.0)
        );
        assert_eq!(
            get(&s, "pg_stat_bgwriter_checkpoints_timed_total", &[]),
            Some(4.0)
        );
        assert_eq!(
            get(&s, "pg_locks_count", &[("mode", "accesssharelock")]),
            Some(2.0)
        );
        assert_eq!(
            get(&s, "pg_settings_autovacuum_vacuum_scale_factor", &[]),
            Some(0.2)
        );
        assert_eq!(get(&s, "pg_replication_is_replica", &[]), Some(0.0));
        assert_eq!(
            get(&s, "pg_postmaster_start_time_seconds", &[]),
            Some(1796150000.5)
        );
        assert_eq!(
            get(&s, "pg_replication_slots_active", &[("slot_name", "s1")]),
            Some(1.0)
        );
        let t = [("relname", "accounts"), ("schemaname", "public")];
        assert_eq!(get(&s, "pg_stat_user_tables_n_live_tup", &t), Some(900.0));
        assert_eq!(get(&s, "pg_stat_user_tables_n_dead_tup", &t), Some(12.0));
        assert_eq!(
            get(&s, "pg_stat_user_tables_last_autovacuum", &t),
            Some(1796150000.0)
        );
        assert_eq!(
            get(&s, "pg_stat_user_tables_autoanalyze_count", &t),
            Some(4.0)
        );
        assert_eq!(
            get(&s, "nexo_exporter_pg_stat_user_tables_dropped", &[]),
            Some(2.0)
        );
    }

    #[test]
    fn rejects_bad_sets_and_versions_the_sql() {
        let mut s = MetricSet::new();
        assert!(build(&[], &mut s).is_err());
        assert!(sql(170000, 10).contains("pg_stat_checkpointer"));
        assert!(!sql(160000, 10).contains("pg_stat_checkpointer"));
        assert!(sql(0, 7).ends_with("LIMIT 7"));
    }
}

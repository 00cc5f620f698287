//! Pure parsing for the PostgreSQL probe (no I/O): the query's text rows into metrics, and
//! the TLS parameters of a DSN (fuzzed by `fuzz/postgres_rows`).

use super::{
    APP_ROWS, OTHER_APPLICATIONS, Rows, STATE_ROWS, STATES, SslMode, UNNAMED_APPLICATION, metrics,
};
use crate::metrics::{MetricSet, labels};

pub(super) fn cell(row: &[Option<String>], i: usize) -> Result<&str, String> {
    row.get(i)
        .ok_or_else(|| format!("row has {} columns, expected more than {i}", row.len()))?
        .as_deref()
        .ok_or_else(|| format!("column {i} is NULL"))
}

pub(super) fn number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("not a number: {:?}", s.chars().take(40).collect::<String>()))
}

/// Splits the one-pass activity statement (grouping sets over `pg_stat_activity`) into the
/// two result sets [`build_metrics`] reads: connections and oldest transaction per database
/// and state, zero-filled for every database of `dbs` and every state of [`STATES`], in
/// (database, state) order; and connections per application name.
pub fn split_activity(dbs: &Rows, stats: &Rows) -> Result<(Rows, Rows), String> {
    let mut by_state: std::collections::HashMap<(&str, &str), (&str, &str)> = Default::default();
    let mut apps = Rows::new();
    for row in stats {
        match cell(row, 0)? {
            STATE_ROWS => {
                if let (Some(Some(db)), Some(Some(state))) = (row.get(1), row.get(2)) {
                    by_state.insert((db, state), (cell(row, 4)?, cell(row, 5)?));
                }
            }
            APP_ROWS => apps.push(vec![Some(cell(row, 3)?.to_string()), Some(cell(row, 4)?.to_string())]),
            other => return Err(format!("unexpected grouping {other:?}")),
        }
    }
    let mut names: Vec<&str> = dbs.iter().map(|r| cell(r, 0)).collect::<Result<_, _>>()?;
    names.sort_unstable();
    let mut states = STATES;
    states.sort_unstable();
    let mut activity = Rows::with_capacity(names.len() * states.len());
    for db in names {
        for state in states {
            let (n, oldest) = by_state.get(&(db, state)).copied().unwrap_or(("0", "0"));
            activity.push(vec![
                Some(db.to_string()),
                Some(state.to_string()),
                Some(n.to_string()),
                Some(oldest.to_string()),
            ]);
        }
    }
    Ok((activity, apps))
}

/// Turns the three result sets (activity per database and state; the two settings;
/// connections per application) into metrics. `max_applications` caps the application series;
/// the rest are summed as [`OTHER_APPLICATIONS`].
pub fn build_metrics(
    activity: &Rows,
    settings: &Rows,
    apps: &Rows,
    max_applications: usize,
) -> Result<MetricSet, String> {
    let mut set = MetricSet::new();
    for row in activity {
        let (db, state) = (cell(row, 0)?, cell(row, 1)?);
        let l = labels([("datname", db), ("state", state)]);
        set.put(&metrics::PG_STAT_ACTIVITY_COUNT, l.clone(),
            number(cell(row, 2)?)?,
        );
        set.put(&metrics::PG_STAT_ACTIVITY_MAX_TX_DURATION, l,
            number(cell(row, 3)?)?,
        );
    }
    let mut seen = 0;
    for row in settings {
        let (name, value) = (cell(row, 0)?, number(cell(row, 1)?)?);
        let desc = match name {
            "max_connections" => metrics::PG_SETTINGS_MAX_CONNECTIONS,
            "superuser_reserved_connections" => metrics::PG_SETTINGS_SUPERUSER_RESERVED_CONNECTIONS,
            _ => continue,
        };
        seen += 1;
        set.put(&desc, vec![], value);
    }
    if seen != 2 {
        return Err(format!(
            "pg_settings returned {seen} of the 2 expected settings"
        ));
    }
    let mut counts = Vec::with_capacity(apps.len());
    for row in apps {
        counts.push((cell(row, 0)?.to_string(), number(cell(row, 1)?)?));
    }
    for (name, n) in cap_applications(counts, max_applications) {
        set.put(&metrics::PG_STAT_ACTIVITY_APPLICATION_COUNT, labels([("application_name", &name)]),
            n,
        );
    }
    Ok(set)
}

/// Keeps the `max` applications with the most connections (ties by name) and sums the rest
/// into one [`OTHER_APPLICATIONS`] entry; empty names become [`UNNAMED_APPLICATION`]. Names
/// equal to the reserved labels are merged into them.
pub fn cap_applications(apps: Vec<(String, f64)>, max: usize) -> Vec<(String, f64)> {
    let mut merged: std::collections::BTreeMap<String, f64> = Default::default();
    for (name, n) in apps {
        let name = if name.is_empty() {
            UNNAMED_APPLICATION.to_string()
        } else {
            name
        };
        *merged.entry(name).or_default() += n;
    }
    let mut other = merged.remove(OTHER_APPLICATIONS);
    let mut v: Vec<(String, f64)> = merged.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if v.len() > max {
        let rest: f64 = v.drain(max..).map(|(_, n)| n).sum();
        *other.get_or_insert(0.0) += rest;
    }
    if let Some(n) = other {
        v.push((OTHER_APPLICATIONS.to_string(), n));
    }
    v
}

pub(super) fn parse_sslmode(s: &str) -> Result<SslMode, String> {
    Ok(match s {
        "disable" => SslMode::Disable,
        "allow" | "prefer" => SslMode::Prefer,
        "require" => SslMode::Require,
        "verify-ca" => SslMode::VerifyCa,
        "verify-full" => SslMode::VerifyFull,
        other => return Err(format!("invalid sslmode {other:?}")),
    })
}

/// Removes `sslmode` and `sslrootcert` from a DSN (URL or `key=value` form), which
/// tokio-postgres does not understand beyond `require`, and returns them separately.
pub fn split_ssl_params(dsn: &str) -> Result<(String, Option<String>, Option<String>), String> {
    let mut mode = None;
    let mut root = None;
    let dsn = dsn.trim();
    if dsn.starts_with("postgres://") || dsn.starts_with("postgresql://") {
        let Some((base, query)) = dsn.split_once('?') else {
            return Ok((dsn.to_string(), None, None));
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "sslmode" => mode = Some(v),
                "sslrootcert" => root = Some(v),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return Ok((rest, mode, root));
    }
    // key=value form: values may be 'quoted' with \ escapes.
    let mut kept = String::new();
    let mut chars = dsn.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut key = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        if chars.next().map(|(_, c)| c) != Some('=') {
            return Err(format!("invalid dsn: expected '=' after {key:?}"));
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '\'') {
            chars.next();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    '\'' => {
                        closed = true;
                        break;
                    }
                    o => value.push(o),
                }
            }
            if !closed {
                return Err(format!("invalid dsn: unterminated quote in {key:?}"));
            }
        } else {
            while let Some(&(_, c)) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        let end = chars.peek().map(|(i, _)| *i).unwrap_or(dsn.len());
        match key.as_str() {
            "sslmode" => mode = Some(value),
            "sslrootcert" => root = Some(value),
            _ => {
                if !kept.is_empty() {
                    kept.push(' ');
                }
                kept.push_str(&dsn[start..end]);
            }
        }
    }
    Ok((kept, mode, root))
}

/// Decodes `%XX` escapes of a URL query value (invalid UTF-8 replaced), as libpq does.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

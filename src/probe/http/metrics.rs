//! The metrics of the http probe, declared once: name, type, labels and help.

use crate::metrics::Desc;

/// `probe_success`.
pub const PROBE_SUCCESS: Desc = Desc::gauge(
    "probe_success",
    &["service"],
    "Whether the service health check succeeded.",
);
/// `probe_duration_seconds`.
pub const PROBE_DURATION_SECONDS: Desc = Desc::gauge(
    "probe_duration_seconds",
    &["service"],
    "How long the health check took, in seconds.",
);
/// `probe_http_status_code`.
pub const PROBE_HTTP_STATUS_CODE: Desc = Desc::gauge(
    "probe_http_status_code",
    &["service"],
    "HTTP status of the health check response, 0 when no response arrived.",
);

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &[PROBE_SUCCESS, PROBE_DURATION_SECONDS, PROBE_HTTP_STATUS_CODE];

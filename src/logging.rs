//! Log setup: logfmt or JSON lines on standard error.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::cli::{LogFormat, LogLevel};

/// Installs the global subscriber.
pub fn init(level: LogLevel, format: LogFormat) {
    let filter = match level {
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Error => LevelFilter::ERROR,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(filter)
        .with_writer(std::io::stderr);
    // lapin logs every closed AMQP socket at error level, including the ones the RabbitMQ
    // probe shuts on purpose; the probe logs the failure itself. Show lapin only at debug.
    let lapin = if filter == LevelFilter::DEBUG {
        LevelFilter::DEBUG
    } else {
        LevelFilter::OFF
    };
    let targets = Targets::new()
        .with_default(filter)
        .with_target("lapin", lapin)
        .with_target("amq_protocol", lapin);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .finish()
            .with(targets)
            .try_init(),
        LogFormat::Logfmt => builder
            .event_format(Logfmt)
            .finish()
            .with(targets)
            .try_init(),
    };
}

/// A logfmt event formatter: `ts=<RFC 3339> level=<level> msg="..." key=value ...`.
pub struct Logfmt;

struct Fields<'a>(&'a mut String);

fn quote(v: &str) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '=')
    {
        v.to_string()
    } else {
        format!("{v:?}")
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let key = if field.name() == "message" {
            "msg"
        } else {
            field.name()
        };
        self.0.push_str(&format!(" {key}={}", quote(value)));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

impl<S, N> FormatEvent<S, N> for Logfmt
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let ts = humantime::format_rfc3339_millis(std::time::SystemTime::now());
        let mut s = format!(
            "ts={ts} level={}",
            event.metadata().level().as_str().to_ascii_lowercase()
        );
        event.record(&mut Fields(&mut s));
        writeln!(w, "{s}")
    }
}

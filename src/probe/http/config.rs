//! Configuration of the service health probe (`services:`, a list of health URLs).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{Global, HttpUrl, opt_duration};
use crate::net::http::IpProtocol;
use crate::probe::{Probe, Target};

/// One NEXO service health endpoint (ServiceDown).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceTarget {
    /// Service name, used as the `service` label.
    pub name: String,
    /// Health URL, e.g. `http://crm-service:3003/api/health`.
    pub url: HttpUrl,
    /// Status codes counted as healthy (default: 200).
    #[serde(default = "default_statuses")]
    pub expected_status: Vec<u16>,
    /// IP family tried first.
    #[serde(default)]
    pub ip_protocol: IpProtocol,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(default, with = "opt_duration")]
    pub timeout: Option<Duration>,
}

fn default_statuses() -> Vec<u16> {
    vec![200]
}
impl Target for ServiceTarget {
    /// The zero-config run probes no service.
    fn embedded() -> Vec<Self> {
        Vec::new()
    }
    fn example() -> Self {
        ServiceTarget {
            name: "service".into(),
            url: HttpUrl::parse("http://127.0.0.1/").expect("valid"),
            expected_status: default_statuses(),
            ip_protocol: IpProtocol::Ip4,
            timeout: None,
        }
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn validate(&self, key: &str) -> Result<(), String> {
        if self.expected_status.is_empty()
            || self.expected_status.iter().any(|c| !(100..=599).contains(c))
        {
            return Err(format!(
                "key {key}.expected_status: status codes must be between 100 and 599"
            ));
        }
        Ok(())
    }
    fn build(&self, global: &Global, _first: bool) -> Arc<dyn Probe> {
        Arc::new(super::HttpProbe::new(self.clone(), global.timeout))
    }
}

//! Infrastructure shared by probes: the bounded HTTP client and the TLS client setup.
//!
//! Nothing here knows about a particular dependency; probes build on it.

pub mod http;
pub mod tls;

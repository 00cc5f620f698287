//! How a probe kind plugs into the configuration: the [`Section`] and [`Target`] traits and
//! the `registry!` macro that turns the registry list in [`crate::probe`] into the
//! [`Config`](crate::config::Config) struct and its per-kind loops.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::{ConfigError, Global};

use super::Probe;

/// One top-level section of the configuration file, owned by one probe kind.
///
/// List kinds (`postgres:`, `redis:`, ...) get this through the blanket impl for
/// `Vec<T: Target>`; single kinds (`host:`, `docker:`) implement it directly.
pub trait Section:
    Serialize + DeserializeOwned + Clone + fmt::Debug + Send + Sync + 'static
{
    /// The section in the zero-config run (no configuration file).
    fn embedded() -> Self;
    /// The section when a configuration file leaves it out: the probe is off.
    fn absent() -> Self;
    /// A value listing every key, one element per list (the schema behind the
    /// `NEXO_EXPORTER_...` environment overrides).
    fn example() -> Self;
    /// Reads `*_file` secrets; `key` is the section's key in the file.
    fn resolve_secrets(&mut self, _key: &str) -> Result<(), ConfigError> {
        Ok(())
    }
    /// Checks what serde cannot; the error reads `key <path>: <message>`.
    fn validate(&self, _key: &str) -> Result<(), String> {
        Ok(())
    }
    /// Configured target names, which must be unique across kinds.
    fn names(&self) -> Vec<&str> {
        Vec::new()
    }
    /// Builds the section's probes into `out`.
    fn build(&self, global: &Global, out: &mut Vec<Arc<dyn Probe>>);
}

/// One element of a list section: one target of a multi-target probe kind.
pub trait Target:
    Serialize + DeserializeOwned + Clone + fmt::Debug + Send + Sync + 'static
{
    /// The targets of the zero-config run.
    fn embedded() -> Vec<Self>;
    /// A target listing every key.
    fn example() -> Self;
    /// The target's name.
    fn name(&self) -> &str;
    /// Reads `*_file` secrets; `key` is e.g. `postgres[0]`.
    fn resolve_secrets(&mut self, _key: &str) -> Result<(), ConfigError> {
        Ok(())
    }
    /// Checks what serde cannot; `key` is e.g. `services[2]`.
    fn validate(&self, _key: &str) -> Result<(), String> {
        Ok(())
    }
    /// Builds the probe; `first` says whether it is the first of its kind (served on
    /// `/metrics` by the kinds that serve only one target there).
    fn build(&self, global: &Global, first: bool) -> Arc<dyn Probe>;
}

impl<T: Target> Section for Vec<T> {
    fn embedded() -> Self {
        T::embedded()
    }
    fn absent() -> Self {
        Vec::new()
    }
    fn example() -> Self {
        vec![T::example()]
    }
    fn resolve_secrets(&mut self, key: &str) -> Result<(), ConfigError> {
        for (i, t) in self.iter_mut().enumerate() {
            t.resolve_secrets(&format!("{key}[{i}]"))?;
        }
        Ok(())
    }
    fn validate(&self, key: &str) -> Result<(), String> {
        for (i, t) in self.iter().enumerate() {
            t.validate(&format!("{key}[{i}]"))?;
        }
        Ok(())
    }
    fn names(&self) -> Vec<&str> {
        self.iter().map(Target::name).collect()
    }
    fn build(&self, global: &Global, out: &mut Vec<Arc<dyn Probe>>) {
        for (i, t) in self.iter().enumerate() {
            out.push(t.build(global, i == 0));
        }
    }
}

/// Expands the registry list into the [`Config`](crate::config::Config) struct (one field per
/// section, in order) and the loops over sections. Used once, in [`crate::probe`].
macro_rules! registry {
    ($( $(#[$doc:meta])* mod $module:ident => $key:ident : $ty:ty ),* $(,)?) => {
        $( pub mod $module; )*

        /// The whole configuration: shared settings, then one section per probe kind.
        ///
        /// A section the file leaves out is off (its [`Section::absent`] value); without a
        /// file every section takes its [`Section::embedded`] value.
        #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct Config {
            /// Shared settings.
            pub global: $crate::config::Global,
            $( $(#[$doc])* pub $key: $ty, )*
        }

        impl Default for Config {
            /// Every section absent (off), shared settings at their defaults.
            fn default() -> Self {
                Config {
                    global: Default::default(),
                    $( $key: <$ty as $crate::probe::Section>::absent(), )*
                }
            }
        }

        impl Config {
            /// The configuration of the zero-config run.
            pub fn embedded() -> Self {
                Config {
                    global: Default::default(),
                    $( $key: <$ty as $crate::probe::Section>::embedded(), )*
                }
            }

            /// Every key listed, one element in every list.
            pub(crate) fn schema_example() -> Self {
                Config {
                    global: Default::default(),
                    $( $key: <$ty as $crate::probe::Section>::example(), )*
                }
            }

            /// Gives every section for which `present` is false its embedded default.
            pub(crate) fn embed_missing(&mut self, present: impl Fn(&str) -> bool) {
                $( if !present(stringify!($key)) {
                    self.$key = <$ty as $crate::probe::Section>::embedded();
                } )*
            }

            /// Reads every section's `*_file` secrets.
            pub(crate) fn resolve_section_secrets(&mut self) -> Result<(), $crate::config::ConfigError> {
                $( $crate::probe::Section::resolve_secrets(&mut self.$key, stringify!($key))?; )*
                Ok(())
            }

            /// Every section's own validation.
            pub(crate) fn validate_sections(&self) -> Result<(), String> {
                $( $crate::probe::Section::validate(&self.$key, stringify!($key))?; )*
                Ok(())
            }

            /// `(section key, target name)` of every named target.
            pub(crate) fn target_names(&self) -> Vec<(&'static str, &str)> {
                let mut out = Vec::new();
                $( for n in $crate::probe::Section::names(&self.$key) {
                    out.push((stringify!($key), n));
                } )*
                out
            }

            /// Per section key, the names of the targets it probes (empty: the section is off).
            pub fn probed(&self) -> Vec<(&'static str, Vec<String>)> {
                let mut out = Vec::new();
                $( {
                    let mut probes = Vec::new();
                    $crate::probe::Section::build(&self.$key, &self.global, &mut probes);
                    out.push((
                        stringify!($key),
                        probes.iter().map(|p| p.name().to_string()).collect(),
                    ));
                } )*
                out
            }

            /// Every probe kind's metric declarations (its `metrics::ALL`), in registry order.
            pub fn metric_declarations() -> Vec<(&'static str, &'static [$crate::metrics::Desc])> {
                vec![$( (stringify!($module), $module::metrics::ALL) ),*]
            }

            /// Builds every enabled probe, in registry order.
            pub fn build_probes(&self) -> Vec<std::sync::Arc<dyn $crate::probe::Probe>> {
                let mut out = Vec::new();
                $( $crate::probe::Section::build(&self.$key, &self.global, &mut out); )*
                out
            }
        }
    };
}

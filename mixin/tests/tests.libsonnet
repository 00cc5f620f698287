// The promtool unit tests, one file per rule group (alerts/tests/<file>.yml). Each file is a
// function (c: _config, a: the alert objects by name) returning { tests: [...] }: expected
// labels and annotations come from the alert objects, and every threshold-dependent input
// and expectation is computed from c, so the tests follow an overridden _config.
{
  nexoAlertTests:: {
    availability: (import 'availability.libsonnet')($._config, $.nexoAlerts),
    errors: (import 'errors.libsonnet')($._config, $.nexoAlerts),
    performance: (import 'performance.libsonnet')($._config, $.nexoAlerts),
    resources: (import 'resources.libsonnet')($._config, $.nexoAlerts),
    system: (import 'system.libsonnet')($._config, $.nexoAlerts),
    database: (import 'database.libsonnet')($._config, $.nexoAlerts),
    messaging: (import 'messaging.libsonnet')($._config, $.nexoAlerts),
    cache: (import 'cache.libsonnet')($._config, $.nexoAlerts),
    prometheus: (import 'prometheus.libsonnet')($._config, $.nexoAlerts),
  },
}

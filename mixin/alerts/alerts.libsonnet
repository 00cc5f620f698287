// The alert groups, one file per runbook category, in the runbook's order. Each file is a
// function of _config returning { name: <rule group>, alerts: [alert objects] }.
{
  // The alert objects (rule + panel + threshold), grouped; read by the dashboards and tests.
  nexoAlertGroups:: [
    (import 'availability.libsonnet')($._config),
    (import 'errors.libsonnet')($._config),
    (import 'performance.libsonnet')($._config),
    (import 'resources.libsonnet')($._config),
    (import 'system.libsonnet')($._config),
    (import 'database.libsonnet')($._config),
    (import 'messaging.libsonnet')($._config),
    (import 'cache.libsonnet')($._config),
    (import 'prometheus.libsonnet')($._config),
  ],
  // Every alert object by name.
  nexoAlerts:: { [a.alert]: a for g in $.nexoAlertGroups for a in g.alerts },

  prometheusAlerts+:: {
    groups+: [
      { name: g.name, rules: [a.rule for a in g.alerts] }
      for g in $.nexoAlertGroups
    ],
  },
}

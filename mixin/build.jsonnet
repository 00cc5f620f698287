// Every generated file of the repository, by path (scripts/generate.sh writes them with
// `jsonnet -m`). Evaluate with an override to see its effect, e.g.
//   jsonnet -J . -S -m OUT --tla-code mixin="(import 'mixin/mixin.libsonnet') + {...}" mixin/build.jsonnet
function(mixin=(import 'mixin.libsonnet') + (import 'tests/tests.libsonnet'))
  local m = if std.objectHasAll(mixin, 'nexoAlertTests') then mixin else mixin + (import 'tests/tests.libsonnet');
  local yaml(v) = (import 'lib/yaml.libsonnet').manifest(v);
  local header = '# GENERATED from mixin/ by scripts/generate.sh: do not edit (see docs/mixin.md).\n';
  local conventions = |||
    # The alert rules of the NEXO CRM runbook, one per runbook entry, named as there.
    # Labels: severity (critical|warning), category (the runbook's, lower case). Annotations:
    # summary (static), description (templated), runbook_url (<runbookBase>#<name lower case>),
    # dashboard_url (<grafanaBase>/d/<uid>?viewPanel=<id>: the alert's panel). Each expression is
    # `<value> <op> <threshold>` [guard]: the dashboards plot <value> and draw <threshold>.
    # Thresholds, `for`, windows, job and URLs: _config in mixin/config.libsonnet.
  |||;
  {
    'alerts/nexo-alerts.yml': header + conventions + yaml(m.prometheusAlerts),
    'deploy/kubernetes/prometheusrule.yaml':
      header + '# Prometheus Operator picks this up through its ruleSelector (label role: alert-rules).\n'
      + yaml({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: {
          name: 'nexo-exporter-nexo-alerts',
          labels: { 'app.kubernetes.io/name': 'nexo-exporter', role: 'alert-rules' },
        },
        spec: m.prometheusAlerts,
      }),
  } + {
    ['alerts/tests/%s.yml' % name]: header + yaml({
      rule_files: ['../nexo-alerts.yml'],
      evaluation_interval: '1m',
    } + m.nexoAlertTests[name])
    for name in std.objectFields(m.nexoAlertTests)
  }

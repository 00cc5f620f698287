// The alert object of the mixin. Each alert declares the value it plots (`value`, a PromQL
// expression), its comparison (`op`) and its threshold (from _config); the rule's expression is
// `value op threshold` followed by an optional `guard` (`and ...`, `or ...`, `unless ...`). The
// dashboards plot `value` and draw `threshold`, so a panel shows what its rule checks by
// construction.
local fmt = import 'fmt.libsonnet';
{
  // new(config, fields) -> alert object. Fields: alert, severity, category, value, op,
  // threshold, for, summary, description, guard (optional), panel { dashboard, id, unit,
  // title, legend }.
  new(c, o):: {
    local s = self,
    guard: '',
    // A multi-line value (it may hold `or`) is wrapped in parentheses before the comparison.
    // (std.split/std.endsWith/std.strReplace: the C++ jsonnet's fast builtins.)
    local chomp(t) = if std.endsWith(t, '\n') then std.substr(t, 0, std.length(t) - 1) else t,
    local v = chomp(s.value),
    local value = if std.length(std.split(v, '\n')) > 1
    then '(\n  ' + std.strReplace(v, '\n', '\n  ') + '\n)'
    else v,
    local g = chomp(s.guard),
    expr: value + ' ' + s.op + ' ' + fmt.num(s.threshold) + (if g == '' then '' else '\n' + g),
    // The runbook entry of the same name; alerts the runbook has none for set the nearest.
    runbookAnchor: std.asciiLower(s.alert),
    runbookUrl: '%s#%s' % [c.runbookBase, s.runbookAnchor],
    dashboardUrl: '%s/d/%s?viewPanel=%d' % [c.grafanaBase, s.panel.dashboard, s.panel.id],
    labels: { severity: s.severity, category: s.category },
    annotations: {
      summary: s.summary,
      description: s.description,
      runbook_url: s.runbookUrl,
      dashboard_url: s.dashboardUrl,
    },
    // The Prometheus alerting rule.
    rule: {
      alert: s.alert,
      expr: if std.length(std.split(s.expr, '\n')) > 1 then s.expr + '\n' else s.expr,
      'for': s['for'],
      labels: s.labels,
      annotations: s.annotations,
    },
  } + o,

  // `<up> == 0`, or, while the exporter's scrape fails (`up == 0` of the same job and
  // instance), the last value `<up>` had within lastValueWindow was 0: a dependency alert does
  // not resolve because the watcher died (NexoExporterDown pages then and Alertmanager mutes
  // the rest). A real recovery reported by the exporter resolves at once (unlike
  // keep_firing_for, which would hold every resolution), and a target the exporter no longer
  // reports while it is up is NexoExporterTargetMissing's, never "not responding".
  lastValueGuard(c, up)::
    'or\n(last_over_time(%s[%s]) == 0 and on (job, instance) up == 0)' % [up, c.lastValueWindow],
  // Appended to their descriptions: says when the alert is the exporter's last report.
  lastValueNote:: '{{ with printf "up{job=%q,instance=%q} == 0" $labels.job $labels.instance | query }} The exporter is not answering now: this is its last report.{{ end }}',

  // A dependency-down alert: `<up> == 0`, kept on its last value while the exporter is down.
  down(c, name, up, what, verb, forDur, category, panel)::
    local fmt = import 'fmt.libsonnet';
    $.new(c, {
      alert: name,
      severity: 'critical',
      category: category,
      value: up,
      op: '==',
      threshold: 0,
      guard: $.lastValueGuard(c, up),
      'for': forDur,
      summary: '%s is not responding.' % what,
      description: 'The exporter at {{ $labels.instance }} has not been able to %(verb)s %(what)s for more than %(d)s.' % {
        verb: verb,
        what: what,
        d: fmt.words(forDur),
      } + $.lastValueNote,
      panel: panel { unit: 'bool', title: '%s up' % what, legend: '{{instance}}' },
    }),
}

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
    runbookUrl: '%s#%s' % [c.runbookBase, std.asciiLower(s.alert)],
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

  // A dependency-down alert: `<up> == 0`, or the exporter is up but reports no `<up>` at all.
  down(c, name, up, what, verb, forDur, category, panel)::
    local fmt = import 'fmt.libsonnet';
    $.new(c, {
      alert: name,
      severity: 'critical',
      category: category,
      value: up,
      op: '==',
      threshold: 0,
      guard: 'or\n(absent(%s) and on () up{%s} == 1)' % [up, c.exporterSelector],
      'for': forDur,
      summary: '%s is not responding.' % what,
      description: '{{ if $labels.instance }}The exporter at {{ $labels.instance }} has not been able to %(verb)s %(what)s for more than %(d)s.{{ else }}The exporter (job %(job)s) is up but has reported no %(up)s for more than %(d)s: %(what)s is not monitored.{{ end }}' % {
        verb: verb,
        what: what,
        d: fmt.words(forDur),
        job: c.exporterJob,
        up: up,
      },
      panel: panel { unit: 'bool', title: '%s up' % what, legend: '{{instance}}' },
    }),
}

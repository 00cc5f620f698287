// Helpers for the promtool unit tests of mixin/tests/: expectations built from the alert
// objects (labels, annotations) and times from their `for`.
local fmt = import 'fmt.libsonnet';
{
  // A series line: name{k="v",...} (labels in alphabetical order).
  series(name, labels, values):: {
    series: name + '{' + std.join(',', ['%s="%s"' % [k, labels[k]] for k in std.objectFields(labels)]) + '}',
    values: values,
  },
  // minutes -> promtool duration.
  m(n):: std.format('%dm', n),
  // The alert's `for` in minutes.
  forMin(a):: fmt.seconds(a['for']) / 60,
  // The alert fires at minute `at` with these extra labels and this description.
  fires(a, at, labels, description):: {
    eval_time: $.m(at),
    alertname: a.alert,
    exp_alerts: [{ exp_labels: a.labels + labels, exp_annotations: a.annotations { description: description } }],
  },
  // The alert does not fire at minute `at`.
  silent(a, at):: { eval_time: $.m(at), alertname: a.alert, exp_alerts: [] },
  // x rounded to the nearest integer (input values that must be exact).
  round(x):: std.floor(x + 0.5),
}

// A YAML writer for the generated files. The C++ jsonnet of Debian (0.18) escapes strings
// character by character in std.manifestYamlDoc (about 15 s for the rules file); this one
// uses only fast builtins: a multi-line string becomes a literal block (`|`), any other string
// a single-quoted scalar (where only `'` needs escaping), keys stay plain when they are
// identifiers, known keys come in a readable order. tests/mixin.rs checks that what it writes parses back to the same value.
local plainKey(k) =
  std.length(k) > 0
  && std.length(std.split(k, ' ')) == 1
  && std.length(std.split(k, ':')) == 1
  && std.length(std.split(k, '"')) == 1
  && std.length(std.split(k, "'")) == 1
  && !std.member(['-', '?', '{', '[', '!', '*', '&', '#', '|', '>', '@', '`', '%'], k[0]);
local key(k) = if plainKey(k) then k else "'" + std.strReplace(k, "'", "''") + "'";
local scalar(v, indent) =
  if std.type(v) == 'string' then
    local lines = std.split(v, '\n');
    if std.length(lines) > 1 && std.endsWith(v, '\n') && !std.startsWith(v, ' ') then
      '|\n' + std.join('\n', [if l == '' then '' else indent + '  ' + l for l in lines[:std.length(lines) - 1]])
    else if std.length(lines) > 1 then
      '|-\n' + std.join('\n', [if l == '' then '' else indent + '  ' + l for l in lines])
    else "'" + std.strReplace(v, "'", "''") + "'"
  else if std.type(v) == 'boolean' then (if v then 'true' else 'false')
  else if v == null then 'null'
  // Numbers as the shortest text that reads back the same for the values used here.
  else if v == std.floor(v) && std.abs(v) < 1e15 then std.format('%d', v)
  else std.format('%.15g', v);
// Keys in the order a reader expects (Prometheus rules, promtool tests, Kubernetes objects),
// then the others alphabetically.
local first = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'alert',
  'expr',
  'for',
  'labels',
  'annotations',
  'summary',
  'description',
  'rule_files',
  'evaluation_interval',
  'interval',
  'input_series',
  'series',
  'values',
  'alert_rule_test',
  'eval_time',
  'alertname',
  'exp_alerts',
  'exp_labels',
  'exp_annotations',
  'promql_expr_test',
  'exp_samples',
];
local order(o) =
  [k for k in first if std.objectHas(o, k)]
  + [k for k in std.objectFields(o) if !std.member(first, k)];
local isEmpty(v) = (std.type(v) == 'array' || std.type(v) == 'object') && std.length(v) == 0;
local isCollection(v) = (std.type(v) == 'array' || std.type(v) == 'object') && std.length(v) > 0;
local emptyOf(v) = if std.type(v) == 'array' then '[]' else '{}';
local node(v, indent) =
  if std.type(v) == 'object' then
    std.join('\n', [
      local x = v[k];
      indent + key(k) + ':' + (
        if isCollection(x) then '\n' + node(x, indent + '  ')
        else if isEmpty(x) then ' ' + emptyOf(x)
        else ' ' + scalar(x, indent)
      )
      for k in order(v)
    ])
  else
    std.join('\n', [
      indent + '-' + (
        if std.type(x) == 'object' && std.length(x) > 0 then
          // The first key on the dash's line, the others aligned under it.
          local n = node(x, indent + '  ');
          ' ' + std.substr(n, std.length(indent) + 2, std.length(n))
        else if std.type(x) == 'array' && std.length(x) > 0 then '\n' + node(x, indent + '  ')
        else if isEmpty(x) then ' ' + emptyOf(x)
        else ' ' + scalar(x, indent + '  ')
      )
      for x in v
    ]);
{
  // manifest(value) -> the YAML document, ending with a newline.
  manifest(v):: node(v, '') + '\n',
}

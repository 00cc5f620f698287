// Number formatting shared by rules, tests and dashboards.
{
  // A threshold as PromQL/YAML text: integers without a decimal point.
  num(x):: if std.type(x) == 'number' && x == std.floor(x) && std.abs(x) < 1e15
  then std.format('%d', x) else std.format('%.15g', x),
  // 0.05 -> "5%" (like Prometheus's humanizePercentage, 4 significant digits).
  pct(x):: std.format('%.4g%%', x * 100),
  // 0.5 -> "500ms", 1.8 -> "1.8s" (like humanizeDuration below one minute).
  dur(x):: if x >= 1 then std.format('%.4gs', x) else std.format('%.4gms', x * 1000),
  // 100000 -> "100k", 120e6 -> "120M" (like humanize).
  si(x)::
    if x >= 1e9 then std.format('%.4gG', x / 1e9)
    else if x >= 1e6 then std.format('%.4gM', x / 1e6)
    else if x >= 1e3 then std.format('%.4gk', x / 1e3)
    else std.format('%.4g', x),
  // "5m" -> 300 (seconds); s, m, h.
  seconds(d)::
    local n = std.parseInt(std.substr(d, 0, std.length(d) - 1));
    local u = d[std.length(d) - 1];
    n * { s: 1, m: 60, h: 3600 }[u],
  // 300 -> "5m": a duration for promtool's eval_time.
  minutes(s):: std.format('%dm', s / 60),
  // "1m" -> "1 minute", "15m" -> "15 minutes", "1h" -> "1 hour": durations in sentences.
  words(d)::
    local n = std.parseInt(std.substr(d, 0, std.length(d) - 1));
    local u = { s: 'second', m: 'minute', h: 'hour' }[d[std.length(d) - 1]];
    if n == 1 then '1 ' + u else '%d %ss' % [n, u],
  // "1h" -> "the last hour", "5m" -> "the last 5 minutes".
  last(d):: local w = self.words(d); 'the last ' + (if std.startsWith(w, '1 ') then std.substr(w, 2, 99) else w),
  // The text without its final newline (std.endsWith/std.substr: fast builtins).
  chomp(t):: if std.endsWith(t, '\n') then std.substr(t, 0, std.length(t) - 1) else t,
}

// Grafana panel and dashboard builders (classic JSON model, schema 39: Grafana 11.x/12.x).
// Plain jsonnet: grafonnet does not install from a package registry here.
local fmt = import 'fmt.libsonnet';
{
  ds:: { type: 'prometheus', uid: '${datasource}' },
  // The job/instance matchers of the investigation panels (dashboard variables).
  sel:: 'job=~"$job",instance=~"$instance"',

  target(ref, expr, legend=null, instant=false, format='time_series'):: {
    refId: ref,
    datasource: $.ds,
    editorMode: 'code',
    expr: expr,
    range: !instant,
    instant: instant,
    format: format,
  } + (if legend == null then {} else { legendFormat: legend }),

  link(title, url):: { title: title, url: url, targetBlank: true },

  // Red where the alert's comparison holds; `== 0` (a down gauge) is red below 1.
  thresholds(op, value)::
    {
      mode: 'absolute',
      steps:
        if op == '>' || op == '>=' then [{ color: 'green', value: null }, { color: 'red', value: value }]
        else if op == '<' || op == '<=' then [{ color: 'red', value: null }, { color: 'green', value: value }]
        else if op == '==' && value == 0 then [{ color: 'red', value: null }, { color: 'green', value: 1 }]
        else error 'cannot draw threshold %s %s' % [op, value],
    },

  // A time series panel; `w`/`h` are its size (placed by layout()). noValue: the text shown
  // when the query returns nothing (empty by design).
  timeseries(id, title, description, unit, targets, links, thresholds=null, stack=false, w=8, h=8, noValue=null):: {
    id: id,
    type: 'timeseries',
    title: title,
    description: description,
    datasource: $.ds,
    size:: { w: w, h: h },
    fieldConfig: {
      defaults: {
        unit: unit,
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: 10,
          showPoints: 'never',
          spanNulls: false,
          axisSoftMin: 0,
          stacking: { mode: if stack then 'normal' else 'none', group: 'A' },
          thresholdsStyle: { mode: if thresholds == null then 'off' else 'line' },
        },
        thresholds: if thresholds == null then { mode: 'absolute', steps: [{ color: 'green', value: null }] } else thresholds,
      } + (if noValue == null then {} else { noValue: noValue }),
      overrides: [],
    },
    options: {
      // Worst first: the legend table is sorted by the last value.
      legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['lastNotNull', 'max'], sortBy: 'Last *', sortDesc: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    links: links,
    targets: targets,
  },

  // A stat panel. mappings: Grafana value mappings (e.g. 1 -> up, 0 -> DOWN).
  stat(id, title, description, unit, targets, links, thresholds=null, w=6, h=5, noValue=null, mappings=[]):: {
    id: id,
    type: 'stat',
    title: title,
    description: description,
    datasource: $.ds,
    size:: { w: w, h: h },
    fieldConfig: {
      defaults: {
        unit: unit,
        color: { mode: 'thresholds' },
        mappings: mappings,
        thresholds: if thresholds == null then { mode: 'absolute', steps: [{ color: 'blue', value: null }] } else thresholds,
      } + (if noValue == null then {} else { noValue: noValue }),
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
    links: links,
    targets: targets,
  },

  // A table of an instant query, sorted by value (worst first).
  table(id, title, description, unit, targets, links, w=12, h=8, noValue=null):: {
    id: id,
    type: 'table',
    title: title,
    description: description,
    datasource: $.ds,
    size:: { w: w, h: h },
    fieldConfig: {
      defaults: {
        unit: unit,
        custom: { align: 'auto' },
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
      } + (if noValue == null then {} else { noValue: noValue }),
      overrides: [],
    },
    options: {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '' },
      sortBy: [{ displayName: 'Value', desc: true }],
    },
    transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }],
    links: links,
    targets: targets,
  },

  row(id, title):: { id: id, type: 'row', title: title, collapsed: false, panels: [], size:: { w: 24, h: 1 }, isRow:: true },

  // Places panels left to right, top to bottom (24 columns); a row starts a new line.
  layout(panels)::
    local step(st, p) =
      local s = p.size;
      local wrap = (std.objectHasAll(p, 'isRow') && st.x > 0) || st.x + s.w > 24;
      local x = if wrap then 0 else st.x;
      local y = if wrap then st.y + st.rowH else st.y;
      local rowH = if wrap then 0 else st.rowH;
      {
        x: if std.objectHasAll(p, 'isRow') then 0 else x + s.w,
        y: if std.objectHasAll(p, 'isRow') then y + 1 else y,
        rowH: if std.objectHasAll(p, 'isRow') then 0 else std.max(rowH, s.h),
        out: st.out + [p { gridPos: { h: s.h, w: s.w, x: x, y: y } }],
      };
    std.foldl(step, panels, { x: 0, y: 0, rowH: 0, out: [] }).out,

  // The job/instance variables and the data source.
  templating:: {
    local queryVar(name, label, query) = {
      name: name,
      label: label,
      type: 'query',
      datasource: $.ds,
      query: { query: query, refId: '%s-query' % name },
      definition: query,
      refresh: 2,
      multi: true,
      includeAll: true,
      allValue: '.+',
      current: { selected: true, text: ['All'], value: ['$__all'] },
      sort: 1,
      hide: 0,
      regex: '',
      options: [],
    },
    list: [
      { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', refresh: 1, hide: 0, regex: '', multi: false, includeAll: false, current: {}, options: [] },
      queryVar('job', 'Job', 'label_values(up, job)'),
      queryVar('instance', 'Instance', 'label_values(up{job=~"$job"}, instance)'),
    ],
  },

  dashboard(uid, title, description, panels, runbookBase):: {
    annotations: { list: [{
      builtIn: 1,
      datasource: { type: 'grafana', uid: '-- Grafana --' },
      enable: true,
      hide: true,
      iconColor: 'rgba(0, 211, 255, 1)',
      name: 'Annotations & Alerts',
      type: 'dashboard',
    }] },
    description: description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [
      { title: 'NEXO dashboards', type: 'dashboards', tags: ['nexo'], asDropdown: true, includeVars: true, keepTime: true },
      { title: 'Runbook', type: 'link', url: runbookBase, targetBlank: true, icon: 'doc' },
    ],
    panels: $.layout(panels),
    refresh: '30s',
    schemaVersion: 39,
    tags: ['nexo', 'nexo-exporter'],
    templating: $.templating,
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'utc',
    title: title,
    uid: uid,
    version: 1,
    weekStart: '',
  },
}

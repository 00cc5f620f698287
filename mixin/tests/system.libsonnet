// promtool unit tests: DiskSpaceLow, DiskSpaceCritical, HighLoadAverage (host probe metrics).
// Inputs are computed from the thresholds and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local low = a.DiskSpaceLow;
  local crit = a.DiskSpaceCritical;
  local load = a.HighLoadAverage;
  local size = 100000000000;
  local fs(instance, device, fstype, mountpoint) = { job: c.exporterJob, instance: instance, device: device, fstype: fstype, mountpoint: mountpoint };
  local disk(labels, share, readonly=0, s=size) = [
    t.series('node_filesystem_avail_bytes', labels, '%dx30' % t.round(s * share)),
    t.series('node_filesystem_size_bytes', labels, '%dx30' % s),
  ] + (if readonly == null then [] else [t.series('node_filesystem_readonly', labels, '%dx30' % readonly)]);
  local desc(l, share) = 'Filesystem %s (%s, %s) on %s has only %s of its space available.' % [l.mountpoint, l.device, l.fstype, l.instance, fmt.pct(share)];
  local between = (low.threshold + crit.threshold) / 2;
  local below = crit.threshold - 0.02;
  local sda1 = fs('exporter:9187', '/dev/sda1', 'ext4', '/');
  local sdb1 = fs('exporter:9187', '/dev/sdb1', 'xfs', '/var/lib/docker');
  local tmp = fs('exporter:9187', 'tmpfs', 'tmpfs', '/tmp/x');
  local high = load.threshold * 1.25;
  {
    tests: [
      {
        name: 'DiskSpaceLow fires at %s free after %s; DiskSpaceCritical (%s) does not' % [fmt.pct(between), low['for'], fmt.pct(crit.threshold)],
        interval: '1m',
        input_series: disk(sda1, between),
        alert_rule_test: [
          t.silent(low, t.forMin(low) - 1),
          t.fires(low, t.forMin(low), sda1, desc(sda1, between)),
          t.silent(crit, 20),
        ],
      },
      {
        name: 'DiskSpaceCritical fires at %s free after %s, DiskSpaceLow fires too (inhibited by Alertmanager)' % [fmt.pct(below), crit['for']],
        interval: '1m',
        input_series: disk(sdb1, below),
        alert_rule_test: [
          t.silent(crit, t.forMin(crit) - 1),
          t.fires(crit, t.forMin(crit), sdb1, desc(sdb1, below)),
          t.fires(low, t.forMin(low), sdb1, desc(sdb1, below)),
        ],
      },
      {
        name: 'DiskSpaceLow fires without a readonly series (unknown is not read-only)',
        interval: '1m',
        input_series: disk(tmp, between, null, 10000000),
        alert_rule_test: [t.fires(low, t.forMin(low), tmp, desc(tmp, between))],
      },
      {
        name: 'Disk alerts do not fire at exactly the threshold / 0.5 % above it, for read-only filesystems, size 0, or a short dip',
        interval: '1m',
        input_series:
          disk(sda1, low.threshold)
          + disk(fs('exporter:9187', '/dev/sda2', 'ext4', '/data'), low.threshold + 0.005)
          + disk(fs('exporter:9187', '/dev/loop0', 'squashfs', '/snap/core'), 0, 1, 100000000)
          + disk(fs('exporter:9187', '/dev/weird', 'fuse', '/mnt/weird'), 0, 0, 0)
          + [
            // A dip below both thresholds shorter than DiskSpaceCritical's `for`.
            t.series('node_filesystem_avail_bytes',
                     fs('exporter:9187', '/dev/sdc1', 'ext4', '/srv'),
                     '50000000000 %s50000000000x30' % std.join('', ['%d ' % t.round(size * below) for _ in std.range(1, t.forMin(crit))])),
            t.series('node_filesystem_size_bytes', fs('exporter:9187', '/dev/sdc1', 'ext4', '/srv'), '%dx30' % size),
          ],
        alert_rule_test: [t.silent(low, 10), t.silent(crit, 10)],
      },
      {
        name: 'HighLoadAverage fires at load5 %s after %s' % [fmt.num(high), load['for']],
        interval: '1m',
        input_series: [t.series('node_load5', { job: c.exporterJob, instance: 'exporter:9187' }, '%sx30' % fmt.num(high))],
        alert_rule_test: [
          t.silent(load, t.forMin(load) - 1),
          t.fires(load,
                  t.forMin(load),
                  { job: c.exporterJob, instance: 'exporter:9187' },
                  'The 5-minute load average of exporter:9187 is %s (threshold %s).' % [std.format('%.4g', high), fmt.num(load.threshold)]),
        ],
      },
      {
        name: 'HighLoadAverage does not fire at exactly the threshold nor on a burst shorter than its `for`',
        interval: '1m',
        input_series: [
          t.series('node_load5', { job: c.exporterJob, instance: 'a:9187' }, '%sx30' % fmt.num(load.threshold)),
          t.series('node_load5', { job: c.exporterJob, instance: 'b:9187' }, '1 %sx%d 1x20' % [fmt.num(load.threshold * 2.5), t.forMin(load) - 1]),
        ],
        alert_rule_test: [t.silent(load, t.forMin(load)), t.silent(load, t.forMin(load) + 5)],
      },
    ],
  }

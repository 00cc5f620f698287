// promtool unit tests: RabbitMQDown, HighUnackedMessages (RabbitMQ probe metrics).
// Inputs are computed from the thresholds and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local un = a.HighUnackedMessages;
  local q(name) = { job: c.exporterJob, instance: 'exporter:9187', vhost: '/', queue: name };
  local high = un.threshold * 1.5;
  {
    tests: (import 'down.libsonnet')(c, a, a.RabbitMQDown, 'rabbitmq_up', 'RabbitMQ', 'reach') + [
      {
        name: 'HighUnackedMessages fires at %s unacked after %s, only for that queue' % [fmt.num(high), un['for']],
        interval: '1m',
        input_series: [
          t.series('rabbitmq_queue_messages_unacked', q('crm.events'), '%sx30' % fmt.num(high)),
          t.series('rabbitmq_queue_messages_unacked', q('auth.events'), '3x30'),
        ],
        alert_rule_test: [
          t.silent(un, t.forMin(un) - 1),
          t.fires(un,
                  t.forMin(un),
                  q('crm.events'),
                  'Queue crm.events in vhost / has %s unacknowledged messages (threshold %s).' % [fmt.si(high), fmt.num(un.threshold)]),
        ],
      },
      {
        name: 'HighUnackedMessages does not fire at exactly the threshold nor on a one-sample burst',
        interval: '1m',
        input_series: [
          t.series('rabbitmq_queue_messages_unacked', q('a'), '%sx30' % fmt.num(un.threshold)),
          t.series('rabbitmq_queue_messages_unacked', q('b'), '0 %(b)s 0 0 %(b)s 0x25' % { b: fmt.num(un.threshold * 50) }),
        ],
        alert_rule_test: [t.silent(un, t.forMin(un) * 2)],
      },
    ],
  }

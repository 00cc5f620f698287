// promtool unit tests: RabbitMQDown, RabbitMQMetricsUnavailable, HighUnackedMessages,
// RabbitMQQueueNoConsumers, RabbitMQQueueBacklog, NexoExporterRabbitMQQueuesDropped.
// Inputs are computed from the thresholds and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local un = a.HighUnackedMessages;
  local q(name) = { job: c.exporterJob, instance: 'exporter:9187', vhost: '/', queue: name };
  local high = un.threshold * 1.5;
  local down = a.RabbitMQDown;
  local mu = a.RabbitMQMetricsUnavailable;
  local nc = a.RabbitMQQueueNoConsumers;
  local bl = a.RabbitMQQueueBacklog;
  local qd = a.NexoExporterRabbitMQQueuesDropped;
  local ex = { job: c.exporterJob, instance: 'exporter:9187' };
  {
    tests: (import 'down.libsonnet')(c, a, a.RabbitMQDown, 'rabbitmq_up', 'RabbitMQ over AMQP', 'reach') + [
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
      {
        // Issue 11 item 2: RabbitMQDown paged "not responding" when only the plugin failed.
        name: 'Metrics plugin down while AMQP answers: RabbitMQMetricsUnavailable (warning), not RabbitMQDown',
        interval: '1m',
        input_series: [
          t.series('up', ex, '1x30'),
          t.series('rabbitmq_up', ex, '0x30'),
          t.series('nexo_exporter_rabbitmq_amqp_up', ex, '1x30'),
          t.series('nexo_exporter_rabbitmq_queue_source_up', ex, '0x30'),
        ],
        alert_rule_test: [
          t.silent(down, 20),
          t.silent(mu, t.forMin(mu) - 1),
          t.fires(mu, t.forMin(mu), ex, 'RabbitMQ at exporter:9187 answers AMQP, but its metrics source (the rabbitmq_prometheus plugin or the management API) has failed for more than %s: the queue alerts are blind. Check the plugin (rabbitmq-plugins list) and port 15692/15672.' % fmt.words(mu['for'])),
        ],
      },
      {
        name: 'AMQP down (whatever the plugin): RabbitMQDown, not RabbitMQMetricsUnavailable',
        interval: '1m',
        input_series: [
          t.series('up', ex, '1x30'),
          t.series('rabbitmq_up', ex, '0x30'),
          t.series('nexo_exporter_rabbitmq_amqp_up', ex, '0x30'),
          t.series('nexo_exporter_rabbitmq_queue_source_up', ex, '0x30'),
        ],
        alert_rule_test: [
          t.fires(down, t.forMin(down) + 1, ex, 'The exporter at exporter:9187 has not been able to reach RabbitMQ over AMQP for more than %s.' % fmt.words(down['for'])),
          t.silent(mu, 20),
        ],
      },
      {
        // Issue 11 item 3: a consumer crash returns its unacked messages to ready; unacked
        // drops to 0 and 50,000 messages pile up without any alert.
        name: 'Consumer crash: RabbitMQQueueNoConsumers and RabbitMQQueueBacklog fire, HighUnackedMessages does not',
        interval: '1m',
        input_series: [
          t.series('rabbitmq_queue_messages_unacked', q('crm.events'), '5000x5 0x40'),
          t.series('rabbitmq_queue_messages_ready', q('crm.events'), '0x5 5000+1500x30 50000x10'),
          t.series('rabbitmq_queue_consumers', q('crm.events'), '1x5 0x40'),
        ],
        alert_rule_test: [
          t.silent(un, 20),
          t.silent(nc, 6 + t.forMin(nc) - 1),
          t.fires(nc, 6 + t.forMin(nc), q('crm.events'), 'Queue crm.events in vhost / has had ready messages and no consumer for more than %s: its consumer is gone (crashed, disconnected) and nothing processes the queue.' % fmt.words(nc['for'])),
          t.fires(bl, 30, q('crm.events'), 'Queue crm.events in vhost / has %s ready messages (threshold %s) and the backlog has grown over %s: its consumers do not keep up.' % [fmt.si(5000 + 1500 * 24), fmt.num(bl.threshold), fmt.last(c.queueBacklogWindow)]),
        ],
      },
      {
        name: 'No queue alert for an empty queue without consumers, a steady backlog, or a backlog being worked off',
        interval: '1m',
        input_series: [
          t.series('rabbitmq_queue_consumers', q('idle'), '0x40'),
          t.series('rabbitmq_queue_messages_ready', q('idle'), '0x40'),
          t.series('rabbitmq_queue_consumers', q('steady'), '3x40'),
          t.series('rabbitmq_queue_messages_ready', q('steady'), '%dx40' % (bl.threshold * 5)),
          t.series('rabbitmq_queue_consumers', q('draining'), '3x40'),
          t.series('rabbitmq_queue_messages_ready', q('draining'), '%d-100x40' % (bl.threshold * 10)),
        ],
        alert_rule_test: [t.silent(nc, 35), t.silent(bl, 35)],
      },
      {
        name: 'NexoExporterRabbitMQQueuesDropped fires when the exporter leaves queues out for %s' % qd['for'],
        interval: '1m',
        input_series: [t.series('nexo_exporter_rabbitmq_queues_dropped', ex, '0 5x30')],
        alert_rule_test: [
          t.silent(qd, t.forMin(qd)),
          t.fires(qd, t.forMin(qd) + 1, ex, 'The exporter at exporter:9187 left 5 queues out of its last collection (rabbitmq max_queues): their unacked, backlog and no-consumer alerts cannot fire. Raise max_queues or narrow queue_include/queue_exclude.'),
        ],
      },
      {
        name: 'NexoExporterRabbitMQQueuesDropped does not fire with 0 dropped',
        interval: '1m',
        input_series: [t.series('nexo_exporter_rabbitmq_queues_dropped', ex, '0x30')],
        alert_rule_test: [t.silent(qd, 25)],
      },
    ],
  }

// Runbook section "Messaging Alerts" (the RabbitMQ probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c) {
  name: 'nexo-messaging',
  alerts: [
    alert.down(c,
               'RabbitMQDown',
               'rabbitmq_up',
               'RabbitMQ',
               'reach',
               c.rabbitmqDownFor,
               'messaging',
               { dashboard: 'nexo-rabbitmq', id: 20 }),
    alert.new(c, {
      alert: 'HighUnackedMessages',
      severity: 'warning',
      category: 'messaging',
      value: 'rabbitmq_queue_messages_unacked',
      op: '>',
      threshold: c.unackedThreshold,
      'for': c.unackedFor,
      summary: 'A RabbitMQ queue has more than %s unacknowledged messages.' % fmt.num(c.unackedThreshold),
      description: 'Queue {{ $labels.queue }} in vhost {{ $labels.vhost }} has {{ $value | humanize }} unacknowledged messages (threshold %s).' % fmt.num(c.unackedThreshold),
      panel: { dashboard: 'nexo-rabbitmq', id: 21, unit: 'short', title: 'unacked messages per queue', legend: '{{vhost}} {{queue}}' },
    }),
  ],
}

// Runbook section "Messaging Alerts" (the RabbitMQ probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c) {
  name: 'nexo-messaging',
  alerts: [
    // rabbitmq_up is 0 when AMQP or the metrics source (plugin / management API) fails. Say
    // what is down: with nexo_exporter_rabbitmq_amqp_up == 1 the broker answers AMQP and only
    // its metrics are missing (RabbitMQMetricsUnavailable, a warning). Without that series the
    // alert is RabbitMQDown as before.
    alert.down(c,
               'RabbitMQDown',
               'rabbitmq_up',
               'RabbitMQ',
               'reach',
               c.rabbitmqDownFor,
               'messaging',
               { dashboard: 'nexo-rabbitmq', id: 20 }) {
      guard: 'unless on (job, instance) nexo_exporter_rabbitmq_amqp_up == 1\n' + alert.lastValueGuard(c, 'rabbitmq_up'),
      description: 'The exporter at {{ $labels.instance }} has not been able to reach RabbitMQ over AMQP for more than %s.' % fmt.words(c.rabbitmqDownFor) + alert.lastValueNote,
    },
    alert.new(c, {
      alert: 'RabbitMQMetricsUnavailable',
      severity: 'warning',
      category: 'messaging',
      value: 'nexo_exporter_rabbitmq_queue_source_up',
      op: '==',
      threshold: 0,
      guard: 'and on (job, instance) nexo_exporter_rabbitmq_amqp_up == 1',
      'for': c.rabbitmqMetricsFor,
      runbookAnchor: 'rabbitmqdown',
      summary: 'RabbitMQ answers AMQP but its queue metrics are unavailable.',
      description: 'RabbitMQ at {{ $labels.instance }} answers AMQP, but its metrics source (the rabbitmq_prometheus plugin or the management API) has failed for more than %s: the queue alerts are blind. Check the plugin (rabbitmq-plugins list) and port 15692/15672.' % fmt.words(c.rabbitmqMetricsFor),
      panel: { dashboard: 'nexo-rabbitmq', id: 32, unit: 'bool', title: 'AMQP and metrics source up', legend: '{{instance}}' },
    }),
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
    // A consumer crash returns its unacked messages to ready: HighUnackedMessages resolves
    // while the messages pile up. The RabbitMQ cluster-operator's QueueHasNoConsumers.
    alert.new(c, {
      alert: 'RabbitMQQueueNoConsumers',
      severity: 'warning',
      category: 'messaging',
      value: 'rabbitmq_queue_consumers{%s}' % c.rabbitmqQueueSelector,
      op: '==',
      threshold: 0,
      guard: 'and on (job, instance, vhost, queue)\nrabbitmq_queue_messages_ready > 0',
      'for': c.queueNoConsumersFor,
      runbookAnchor: 'highunackedmessages',
      summary: 'A RabbitMQ queue has messages and no consumer.',
      description: 'Queue {{ $labels.queue }} in vhost {{ $labels.vhost }} has had ready messages and no consumer for more than %s: its consumer is gone (crashed, disconnected) and nothing processes the queue.' % fmt.words(c.queueNoConsumersFor),
      panel: { dashboard: 'nexo-rabbitmq', id: 33, unit: 'short', title: 'consumers per queue', legend: '{{vhost}} {{queue}}' },
    }),
    // Consumers attached but not keeping up: the ready backlog above queueBacklogThreshold and
    // still growing (the cluster-operator's QueueIsGrowing, with a floor).
    alert.new(c, {
      alert: 'RabbitMQQueueBacklog',
      severity: 'warning',
      category: 'messaging',
      value: 'rabbitmq_queue_messages_ready{%s}' % c.rabbitmqQueueSelector,
      op: '>',
      threshold: c.queueBacklogThreshold,
      guard: 'and on (job, instance, vhost, queue)\nderiv(rabbitmq_queue_messages_ready[%s]) > 0' % c.queueBacklogWindow,
      'for': c.queueBacklogFor,
      runbookAnchor: 'highunackedmessages',
      summary: 'A RabbitMQ queue backlog keeps growing.',
      description: 'Queue {{ $labels.queue }} in vhost {{ $labels.vhost }} has {{ $value | humanize }} ready messages (threshold %s) and the backlog has grown over %s: its consumers do not keep up.' % [fmt.num(c.queueBacklogThreshold), fmt.last(c.queueBacklogWindow)],
      panel: { dashboard: 'nexo-rabbitmq', id: 34, unit: 'short', title: 'ready messages per queue', legend: '{{vhost}} {{queue}}' },
    }),
    // The exporter leaves queues out (max_queues): their queue alerts cannot fire.
    alert.new(c, {
      alert: 'NexoExporterRabbitMQQueuesDropped',
      severity: 'warning',
      category: 'messaging',
      value: 'nexo_exporter_rabbitmq_queues_dropped',
      op: '>',
      threshold: 0,
      'for': c.queuesDroppedFor,
      runbookAnchor: 'highunackedmessages',
      summary: 'The exporter leaves RabbitMQ queues unwatched.',
      description: 'The exporter at {{ $labels.instance }} left {{ $value | humanize }} queues out of its last collection (rabbitmq max_queues): their unacked, backlog and no-consumer alerts cannot fire. Raise max_queues or narrow queue_include/queue_exclude.',
      panel: { dashboard: 'nexo-rabbitmq', id: 35, unit: 'short', title: 'queues left out', legend: '{{instance}}' },
    }),
  ],
}

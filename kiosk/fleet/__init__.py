"""Fleet health on Amazon CloudWatch (opt-in, `[fleet]`): each closed analytics bucket
becomes PutMetricData datums in a durable queue (`metrics.sqlite3`, the event queue's
code with the `metric` record kind), sent by an uploader with the events' backoff and
dead-letter rules; `status` reads the fleet back with GetMetricData."""

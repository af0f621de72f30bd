#!/usr/bin/env bash
# Starts the local RabbitMQ if it is down, waits until it answers, and enables the management
# plugin (its HTTP API on 127.0.0.1:15672 is how the fault tests cut connections).
set -euo pipefail

broker_up() { timeout 20 rabbitmqctl -q await_startup >/dev/null 2>&1; }

if ! broker_up; then
  echo "RabbitMQ is not running: starting it"
  rabbitmq-server -detached || true
  for _ in $(seq 1 120); do
    broker_up && break
    sleep 0.5
  done
  broker_up || { echo "RabbitMQ did not start within a minute" >&2; exit 1; }
fi

if ! rabbitmq-plugins -q is_enabled rabbitmq_management >/dev/null 2>&1; then
  rabbitmq-plugins -q enable rabbitmq_management
fi
for _ in $(seq 1 60); do
  curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "RabbitMQ management API did not answer on 127.0.0.1:15672" >&2
exit 1

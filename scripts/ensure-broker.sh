#!/usr/bin/env bash
# Starts the local RabbitMQ if it is down, waits until it answers, and enables the management
# plugin (its HTTP API on 127.0.0.1:15672 is how the fault tests cut connections).
set -euo pipefail

broker_up() { timeout 10 rabbitmqctl -q await_startup >/dev/null 2>&1; }

if ! broker_up; then
  echo "RabbitMQ is not running: starting it"
  rabbitmq-server -detached || true
  # rabbitmqctl fails at once while the node boots, so poll it, for two minutes at most.
  deadline=$((SECONDS + 120))
  until broker_up; do
    if ((SECONDS >= deadline)); then
      echo "RabbitMQ did not start within two minutes" >&2
      exit 1
    fi
    sleep 0.5
  done
fi

rabbitmq-plugins -q enable rabbitmq_management >/dev/null
deadline=$((SECONDS + 60))
until curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then
    echo "RabbitMQ management API did not answer on 127.0.0.1:15672" >&2
    exit 1
  fi
  sleep 0.5
done

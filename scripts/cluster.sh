#!/usr/bin/env bash
# A local three-node RabbitMQ cluster beside the default broker, for the cluster tests and demo.
#
#   bash scripts/cluster.sh start        start c1..c3@localhost and join them (idempotent)
#   bash scripts/cluster.sh stop         stop every node and remove the cluster's data
#   bash scripts/cluster.sh status       which nodes run, and the cluster as c1 (or the first up) sees it
#   bash scripts/cluster.sh kill N       SIGKILL node N's Erlang VM (a crash, not a shutdown)
#   bash scripts/cluster.sh restart N    start node N again (it rejoins the cluster from its data)
#   bash scripts/cluster.sh urls         the AMQP URLs, comma-separated (RABBITMQ_URL for a service; no
#                                        credentials in them: amqplib then logs in as the local guest)
#
# Node N: AMQP 127.0.0.1:570N, management API 127.0.0.1:1570N, Erlang distribution 2570N. Each node
# has its own config, data, log and pid paths under $PEERPREP_CLUSTER_DIR (default
# /var/tmp/peerprep-cluster), owned by the rabbitmq user. The default broker (rabbit@localhost,
# 5672) is never touched. Needs Debian's rabbitmq-server; run as root or as rabbitmq.
#
# The vhost / gets the default queue type the contract asks for (generated/definitions.json), so
# that a peer declaring a queue with no arguments (the Python services) shares our quorum queues.
# RabbitMQ 3.10 sets a vhost's default queue type only when the vhost is created: start recreates
# the fresh cluster's empty / with it.
set -euo pipefail

NODES=(1 2 3)
DIR=${PEERPREP_CLUSTER_DIR:-/var/tmp/peerprep-cluster}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RABBITMQ_BIN=/usr/lib/rabbitmq/bin
STARTUP_SECONDS=${PEERPREP_CLUSTER_STARTUP_SECONDS:-120}
# RabbitMQ's built-in account; the cluster's config lets it log in over 127.0.0.1 only (listeners are loopback).
ADMIN_USER=guest
ADMIN_PASSWORD=guest

node_name() { echo "c$1@localhost"; }
amqp_port() { echo $((5700 + $1)); }
management_port() { echo $((15700 + $1)); }
dist_port() { echo $((25700 + $1)); }
pid_file() { echo "$DIR/c$1/rabbitmq.pid"; }

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

check_node_number() {
  case "${1:-}" in
    1 | 2 | 3) ;;
    *)
      echo "error: node number must be 1, 2 or 3, got '${1:-}'" >&2
      echo "  hint: bash scripts/cluster.sh status lists the nodes" >&2
      exit 2
      ;;
  esac
}

# Runs a command as the rabbitmq user (root bypasses the Debian wrapper, which drops the environment).
as_rabbitmq() {
  if [ "$(id -un)" = rabbitmq ]; then
    sh -c "$1"
  else
    su rabbitmq -s /bin/sh -c "$1"
  fi
}

ctl() {
  local node=$1
  shift
  timeout 30 rabbitmqctl -q -n "$(node_name "$node")" "$@"
}

node_answers() { ctl "$1" await_startup >/dev/null 2>&1; }

node_pid() {
  local file
  file=$(pid_file "$1")
  [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

write_config() {
  local n=$1 home="$DIR/c$1"
  mkdir -p "$home/data" "$home/log"
  cat >"$home/rabbitmq.conf" <<EOF
listeners.tcp.local = 127.0.0.1:$(amqp_port "$n")
management.tcp.ip = 127.0.0.1
management.tcp.port = $(management_port "$n")
loopback_users = none
EOF
  echo '[rabbitmq_management].' >"$home/enabled_plugins"
}

start_node() {
  local n=$1 home="$DIR/c$1"
  if node_answers "$n"; then return 0; fi
  write_config "$n"
  chown -R rabbitmq:rabbitmq "$DIR" 2>/dev/null || true
  as_rabbitmq "HOME=/var/lib/rabbitmq \
    RABBITMQ_NODENAME=$(node_name "$n") \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$(amqp_port "$n") \
    RABBITMQ_DIST_PORT=$(dist_port "$n") \
    RABBITMQ_CONFIG_FILE=$home/rabbitmq \
    RABBITMQ_ENABLED_PLUGINS_FILE=$home/enabled_plugins \
    RABBITMQ_MNESIA_BASE=$home/data \
    RABBITMQ_LOG_BASE=$home/log \
    RABBITMQ_PID_FILE=$(pid_file "$n") \
    $RABBITMQ_BIN/rabbitmq-server -detached" >/dev/null
}

await_node() {
  local n=$1 deadline=$((SECONDS + STARTUP_SECONDS))
  until node_answers "$n"; do
    if ((SECONDS >= deadline)); then
      echo "error: node $(node_name "$n") did not start within ${STARTUP_SECONDS} s" >&2
      echo "  hint: its log is in $DIR/c$n/log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

await_management() {
  local n=$1 deadline=$((SECONDS + 60))
  until curl -fsS -u "$ADMIN_USER:$ADMIN_PASSWORD" "http://127.0.0.1:$(management_port "$n")/api/overview" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "error: the management API of $(node_name "$n") did not answer on port $(management_port "$n")" >&2
      exit 1
    fi
    sleep 0.5
  done
}

api() {
  local method=$1 path=$2 body=${3:-}
  curl -fsS -u "$ADMIN_USER:$ADMIN_PASSWORD" -X "$method" -H 'content-type: application/json' \
    ${body:+-d "$body"} "http://127.0.0.1:$(management_port 1)/api$path"
}

json_field() { grep -o "\"$1\": *\"[a-z]*\"" | head -1 | sed 's/.*"\([a-z]*\)"$/\1/'; }

set_default_queue_type() {
  local wanted current
  wanted=$(json_field default_queue_type <"$ROOT/generated/definitions.json" || true)
  [ -n "$wanted" ] || return 0
  current=$(api GET /vhosts/%2F | json_field default_queue_type || true)
  [ "$current" = "$wanted" ] && return 0
  if [ "$(api GET '/queues/%2F?columns=name')" != "[]" ]; then
    echo "warning: vhost / holds queues, so its default queue type stays '$current' (the contract wants '$wanted'); 'stop' then 'start' gives a fresh cluster" >&2
    return 0
  fi
  api DELETE /vhosts/%2F >/dev/null
  api PUT /vhosts/%2F "{\"defaultqueuetype\":\"$wanted\"}" >/dev/null
  api PUT /permissions/%2F/$ADMIN_USER '{"configure":".*","write":".*","read":".*"}' >/dev/null
}

cmd_start() {
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in "${NODES[@]}"; do await_node "$n"; done
  for n in 2 3; do
    # A node that already belongs (a restart of the script) is left alone.
    if ctl 1 cluster_status --formatter json | grep -q "\"running_nodes\":\[[^]]*\"$(node_name "$n")\""; then continue; fi
    ctl "$n" stop_app >/dev/null
    ctl "$n" reset >/dev/null
    ctl "$n" join_cluster "$(node_name 1)" >/dev/null 2>&1
    ctl "$n" start_app >/dev/null
  done
  for n in "${NODES[@]}"; do await_management "$n"; done
  set_default_queue_type
  echo "cluster up: $(cmd_urls)"
}

cmd_stop() {
  for n in "${NODES[@]}"; do
    if node_answers "$n"; then ctl "$n" stop >/dev/null 2>&1 || true; fi
    local pid
    if pid=$(node_pid "$n"); then kill -9 "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$DIR"
  echo "cluster stopped"
}

cmd_status() {
  local first_up=""
  for n in "${NODES[@]}"; do
    if node_answers "$n"; then
      echo "$(node_name "$n") up (amqp $(amqp_port "$n"), management $(management_port "$n"))"
      [ -n "$first_up" ] || first_up=$n
    else
      echo "$(node_name "$n") down"
    fi
  done
  if [ -n "$first_up" ]; then ctl "$first_up" cluster_status; fi
}

cmd_kill() {
  check_node_number "${1:-}"
  local pid
  if ! pid=$(node_pid "$1"); then
    echo "error: $(node_name "$1") is not running" >&2
    exit 1
  fi
  kill -9 "$pid"
  echo "killed $(node_name "$1") (pid $pid)"
}

cmd_restart() {
  check_node_number "${1:-}"
  if node_answers "$1"; then
    echo "$(node_name "$1") is already running"
    return 0
  fi
  start_node "$1"
  await_node "$1"
  await_management "$1"
  echo "restarted $(node_name "$1")"
}

cmd_urls() {
  local urls=()
  for n in "${NODES[@]}"; do urls+=("amqp://127.0.0.1:$(amqp_port "$n")"); done
  (IFS=,; echo "${urls[*]}")
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kill) cmd_kill "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  urls) cmd_urls ;;
  -h | --help | help) usage 0 ;;
  *) usage ;;
esac

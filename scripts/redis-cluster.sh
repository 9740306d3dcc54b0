#!/usr/bin/env bash
# A local Redis Cluster for the stock (STOCK_REDIS_CLUSTER_NODES), from the installed redis-server:
# REDIS_CLUSTER_MASTERS masters (default 3), each with REDIS_CLUSTER_REPLICAS replicas (default 1), on
# consecutive ports from REDIS_CLUSTER_PORT (default 7000: 7000..7005; each node's cluster bus on its
# port + 10000), unpersisted (--save "" --appendonly no) like the development Redis, data and
# nodes-<port>.conf in $DROPS_RUN/redis-cluster.
#   scripts/redis-cluster.sh up      start the nodes that do not answer, create the cluster when it has no slots yet
#   scripts/redis-cluster.sh down    stop every node and forget the cluster (the next `up` creates a new one)
#   scripts/redis-cluster.sh status  each node's answer and the cluster's state
#   scripts/redis-cluster.sh nodes   prints the STOCK_REDIS_CLUSTER_NODES value
# scripts/infra.sh runs `up` / `down` / `status` too when REDIS_CLUSTER=1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MASTERS="${REDIS_CLUSTER_MASTERS:-3}"
REPLICAS="${REDIS_CLUSTER_REPLICAS:-1}"
FIRST="${REDIS_CLUSTER_PORT:-7000}"
[[ "$MASTERS" =~ ^[3-9]$ ]] || die "REDIS_CLUSTER_MASTERS must be 3 to 9 (a cluster needs at least three masters; got '$MASTERS')."
[[ "$REPLICAS" =~ ^[0-2]$ ]] || die "REDIS_CLUSTER_REPLICAS must be 0 to 2 (got '$REPLICAS')."
[[ "$FIRST" =~ ^[0-9]+$ ]] && ((FIRST >= 1024 && FIRST + MASTERS * (REPLICAS + 1) + 10000 <= 65535)) \
  || die "REDIS_CLUSTER_PORT must leave room for the nodes and their bus ports (+10000) below 65536 (got '$FIRST')."
DIR="$DROPS_RUN/redis-cluster"
mapfile -t PORTS < <(seq "$FIRST" $((FIRST + MASTERS * (REPLICAS + 1) - 1)))

nodes_list() { local p out=""; for p in "${PORTS[@]}"; do out+="${out:+,}127.0.0.1:$p"; done; echo "$out"; }
cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
cluster_ok() { cli "${PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }
slots_assigned() { cli "${PORTS[0]}" cluster info 2>/dev/null | sed -n 's/^cluster_slots_assigned:\([0-9]*\).*/\1/p'; }

node_up() {
  local port=$1
  if port_open 127.0.0.1 "$port"; then info "Redis Cluster node answers at 127.0.0.1:$port"; return 0; fi
  mkdir -p "$DIR/$port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
    --cluster-config-file "$DIR/$port/nodes.conf" --cluster-node-timeout 5000 --save "" --appendonly no \
    --dir "$DIR/$port" --pidfile "$DROPS_RUN/pids/redis-cluster-$port.pid" --logfile "$DROPS_RUN/logs/redis-cluster-$port.log"
  wait_for "Redis Cluster node 127.0.0.1:$port" 15 port_open 127.0.0.1 "$port" || die "Redis Cluster node $port did not start; see $DROPS_RUN/logs/redis-cluster-$port.log"
}

up() {
  need redis-server "Debian: apt-get install redis-server (7.0 or newer)."
  need redis-cli "Debian: apt-get install redis-tools."
  step "Redis Cluster: $MASTERS masters, $REPLICAS replica(s) each, ports ${PORTS[0]}..${PORTS[-1]}"
  local p
  for p in "${PORTS[@]}"; do node_up "$p"; done
  if [[ "$(slots_assigned)" != 16384 ]]; then
    step "Creating the cluster"
    local addrs=(); for p in "${PORTS[@]}"; do addrs+=("127.0.0.1:$p"); done
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas "$REPLICAS" --cluster-yes >"$DROPS_RUN/logs/redis-cluster-create.log" 2>&1 \
      || die "redis-cli --cluster create failed; see $DROPS_RUN/logs/redis-cluster-create.log"
  fi
  wait_for "Redis Cluster" 60 cluster_ok || die "the cluster did not reach cluster_state:ok; see $DROPS_RUN/logs/redis-cluster-*.log"
  info "STOCK_REDIS_CLUSTER_NODES=$(nodes_list)"
}

down() {
  local p f pid
  for p in "${PORTS[@]}"; do
    f="$DROPS_RUN/pids/redis-cluster-$p.pid"
    if [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null; then
      pid="$(cat "$f")"; step "Stopping Redis Cluster node $p (pid $pid)"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  # unpersisted: nothing to keep but the slot map, which a new `up` draws again
  rm -rf "$DIR"
}

status() {
  local p
  for p in "${PORTS[@]}"; do
    if port_open 127.0.0.1 "$p"; then echo "redis-cluster node up (127.0.0.1:$p, $(cli "$p" role 2>/dev/null | head -1))"; else echo "redis-cluster node down (127.0.0.1:$p)"; fi
  done
  cluster_ok && echo "redis-cluster ok ($(nodes_list))" || echo "redis-cluster not ok"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  nodes) nodes_list ;;
  *) die "usage: scripts/redis-cluster.sh up|down|status|nodes" ;;
esac

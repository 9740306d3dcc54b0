#!/usr/bin/env bash
# Runs the whole platform locally: provisions Node 24, pnpm and dependencies, starts
# PostgreSQL/Redis/Kafka when none answer, creates topics, migrates, seeds the admin and the
# demo drop, starts every service (each its own process, logs in .run/logs/) and prints the
# gateway's URL (the HTTP API and its docs at /docs). Ctrl-C stops the services and the
# infrastructure this script started.
#   DETACH=1 scripts/up.sh   start everything and return (stop later with scripts/down.sh)
#   PORT=3100 scripts/up.sh  the gateway on another port (PORT moves the gateway only)
#   INSTANCES=3 scripts/up.sh three of every service behind HAProxy (installed with apt-get when
#                            missing): HAProxy listens on every service's port above and balances
#                            over the instances, which listen on that port + INSTANCE_PORT_STEP (100)
#                            times 1..N (the gateways on 3100, 3200, 3300); config .run/haproxy.cfg
#                            from infra/haproxy/, log .run/logs/haproxy.log. A stopping instance
#                            drains (SHUTDOWN_DRAIN_MS=3000: /ready 503 while it still serves).
# Every service reads its port from its own variable: PORT (gateway, default 3000), CATALOG_PORT
# (3001), INVENTORY_PORT (3002), ORDER_PORT (3003), CART_PORT (3004), NOTIFICATION_PORT (3005).
# All services get the same environment, so the internal URLs follow the ports.
# Secrets: JWT_SECRET, ADMISSION_SECRET and INTERNAL_AUTH_SECRET, when not set, are generated once
# per checkout into .run/secrets.env (git-ignored) and reused, so a local run never signs with the
# public development defaults (docs/security.md "Secrets").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DROPS_ROOT"

SERVICES=(catalog inventory order cart notification gateway)

export PORT="${PORT:-3000}" CATALOG_PORT="${CATALOG_PORT:-3001}" INVENTORY_PORT="${INVENTORY_PORT:-3002}" \
  ORDER_PORT="${ORDER_PORT:-3003}" CART_PORT="${CART_PORT:-3004}" NOTIFICATION_PORT="${NOTIFICATION_PORT:-3005}"
export CATALOG_URL="${CATALOG_URL:-http://127.0.0.1:$CATALOG_PORT}" INVENTORY_URL="${INVENTORY_URL:-http://127.0.0.1:$INVENTORY_PORT}" \
  ORDER_URL="${ORDER_URL:-http://127.0.0.1:$ORDER_PORT}" CART_URL="${CART_URL:-http://127.0.0.1:$CART_PORT}" \
  NOTIFICATION_URL="${NOTIFICATION_URL:-http://127.0.0.1:$NOTIFICATION_PORT}"

# The secrets every service shares: the caller's, else those of .run/secrets.env (made once).
secrets_file="$DROPS_RUN/secrets.env"
if [[ ! -f "$secrets_file" ]]; then
  mkdir -p "$DROPS_RUN"
  (umask 077; for v in JWT_SECRET ADMISSION_SECRET INTERNAL_AUTH_SECRET; do
    echo "$v=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  done >"$secrets_file")
fi
while IFS='=' read -r name value; do
  if [[ -n "$name" && -z "${!name:-}" ]]; then export "$name=$value"; fi
done <"$secrets_file"

# port_var SERVICE: the variable the service reads its port from.
port_var() { if [[ $1 == gateway ]]; then echo PORT; else echo "${1^^}_PORT"; fi; }
service_port() { local v; v="$(port_var "$1")"; echo "${!v}"; }

INSTANCES="${INSTANCES:-1}"
[[ "$INSTANCES" =~ ^[1-9][0-9]*$ ]] || die "INSTANCES must be a positive number (got '$INSTANCES')"
INSTANCE_PORT_STEP="${INSTANCE_PORT_STEP:-100}"
# Six PostgreSQL pools per set of services (inventory 1, order 2, notification 2, catalog 1): with
# more instances each pool gets fewer connections, so that all of them stay under PostgreSQL's
# default max_connections of 100 (10 each with one instance; 4 with three).
export DATABASE_POOL_MAX="${DATABASE_POOL_MAX:-$(( INSTANCES == 1 ? 10 : (80 / (6 * INSTANCES) > 2 ? 80 / (6 * INSTANCES) : 2) ))}"
# instance_names SERVICE: its pid/log names: the service itself with one instance, else SERVICE-1..N.
instance_names() { if ((INSTANCES == 1)); then echo "$1"; else for ((i = 1; i <= INSTANCES; i++)); do echo "$1-$i"; done; fi; }
# instance_port NAME: the port of an instance (with one instance, the service's own port).
instance_port() {
  local svc=${1%-*} i=0
  [[ $1 == *-* ]] && i=${1##*-}
  echo $(($(service_port "$svc") + INSTANCE_PORT_STEP * i))
}
if ((INSTANCES > 1)); then
  ensure_haproxy
  # Behind the balancer a stop drains first (packages/http drain.ts), inside a longer grace.
  export SHUTDOWN_DRAIN_MS="${SHUTDOWN_DRAIN_MS:-3000}" SHUTDOWN_GRACE_MS="${SHUTDOWN_GRACE_MS:-20000}"
  # The admin metrics summary reads every instance's own GET /metrics, not the one HAProxy picks.
  gw_urls="" inv_urls="" ord_urls=""
  for ((i = 1; i <= INSTANCES; i++)); do
    gw_urls+="${gw_urls:+,}http://127.0.0.1:$((${METRICS_PORT:-9464} + i - 1))/metrics"
    inv_urls+="${inv_urls:+,}http://127.0.0.1:$(instance_port "inventory-$i")/metrics"
    ord_urls+="${ord_urls:+,}http://127.0.0.1:$(instance_port "order-$i")/metrics"
  done
  export SUMMARY_GATEWAY_METRICS_URLS="${SUMMARY_GATEWAY_METRICS_URLS:-$gw_urls}" \
    SUMMARY_INVENTORY_METRICS_URLS="${SUMMARY_INVENTORY_METRICS_URLS:-$inv_urls}" SUMMARY_ORDER_METRICS_URLS="${SUMMARY_ORDER_METRICS_URLS:-$ord_urls}"
fi

ensure_deps
bash scripts/infra.sh up
# REDIS_CLUSTER=1: infra.sh started the local Redis Cluster (scripts/redis-cluster.sh); the stock goes there.
if [[ "${REDIS_CLUSTER:-0}" == 1 && -z "${STOCK_REDIS_CLUSTER_NODES:-}" ]]; then
  STOCK_REDIS_CLUSTER_NODES="$(bash scripts/redis-cluster.sh nodes)"; export STOCK_REDIS_CLUSTER_NODES
fi

# KAFKA_BROKERS_COUNT=3: infra.sh runs three brokers; every service gets all three (not only the first as a seed).
if [[ "${KAFKA_BROKERS_COUNT:-1}" != 1 ]]; then KAFKA_BROKERS="$(bash scripts/infra.sh brokers)"; export KAFKA_BROKERS; fi

step "Creating Kafka topics"
node scripts/create-topics.ts
step "Applying database migrations"
node scripts/migrate.ts
if [[ -f scripts/seed.ts ]]; then
  step "Seeding the admin and the demo drop"
  seed_out="$(node scripts/seed.ts)"
  printf '%s\n' "$seed_out" | sed 's/^/    /'
  demo_drop="$(sed -n 's/^DEMO_DROP_ID=//p' <<<"$seed_out" | tail -1)"
  demo_products="$(sed -n 's/^DEMO_PRODUCT_IDS=//p' <<<"$seed_out" | tail -1)"
fi

# start_service NAME: one instance (NAME is the service, or SERVICE-i with INSTANCES>1).
start_service() {
  local name=$1 svc=${1%-*} dir="$DROPS_ROOT/services/${1%-*}"
  local cmd; cmd="$(node -p "require('$dir/package.json').scripts.start")"
  if pid_file_alive "$name"; then info "$name already running (pid $(cat "$DROPS_RUN/pids/$name.pid"))"; return; fi
  local var port extra=()
  var="$(port_var "$svc")" port="$(instance_port "$name")"
  # Several gateways: each its own metrics port (9464, 9465, ...), the client's address from HAProxy.
  if [[ $svc == gateway && $name == *-* ]]; then extra=(METRICS_PORT=$((${METRICS_PORT:-9464} + ${name##*-} - 1)) TRUST_PROXY="${TRUST_PROXY:-true}"); fi
  (cd "$dir" && exec nohup env "$var=$port" SERVICE_NAME="$svc" "${extra[@]}" bash -c "exec $cmd" >"$DROPS_RUN/logs/$name.log" 2>&1) &
  echo $! >"$DROPS_RUN/pids/$name.pid"
  info "$name started on $var=$port (pid $!, log .run/logs/$name.log)"
}
pid_file_alive() { [[ -f "$DROPS_RUN/pids/$1.pid" ]] && kill -0 "$(cat "$DROPS_RUN/pids/$1.pid")" 2>/dev/null; }

url_ok() {
  if command -v curl >/dev/null 2>&1; then curl -fsS "$1" >/dev/null 2>&1
  else node -e "fetch('$1').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; fi
}
ready() { url_ok "http://127.0.0.1:$(instance_port "$1")/ready"; }

# start_balancer: HAProxy on every service's port, over its instances (before them: the health
# checks bring each into rotation once it is ready, and the internal URLs go through it from the start).
start_balancer() {
  local args=() svc name servers
  for svc in "${SERVICES[@]}"; do
    servers=""
    for name in $(instance_names "$svc"); do servers+="${servers:+,}127.0.0.1:$(instance_port "$name")"; done
    args+=("$svc=${HOST:-127.0.0.1}:$(service_port "$svc")=$servers")
  done
  node scripts/haproxy-config.ts --out "$DROPS_RUN/haproxy.cfg" --socket "$DROPS_RUN/haproxy.sock" "${args[@]}"
  haproxy -c -q -f "$DROPS_RUN/haproxy.cfg" || die "the generated .run/haproxy.cfg is not valid"
  if pid_file_alive haproxy; then
    # a running balancer reloads the new configuration gracefully (master-worker: SIGUSR2)
    kill -USR2 "$(cat "$DROPS_RUN/pids/haproxy.pid")"; info "haproxy reloaded (.run/haproxy.cfg)"; return
  fi
  nohup haproxy -W -db -f "$DROPS_RUN/haproxy.cfg" >"$DROPS_RUN/logs/haproxy.log" 2>&1 &
  echo $! >"$DROPS_RUN/pids/haproxy.pid"
  info "haproxy started on the services' ports, $INSTANCES instances each (pid $!, config .run/haproxy.cfg, log .run/logs/haproxy.log)"
}
balanced() { url_ok "http://127.0.0.1:$(service_port gateway)/ready"; }

if ((INSTANCES > 1)); then
  step "Starting the balancer (HAProxy)"
  start_balancer
fi
if ((INSTANCES > 1)); then step "Starting services ($INSTANCES instances each)"; else step "Starting services"; fi
for svc in "${SERVICES[@]}"; do for name in $(instance_names "$svc"); do start_service "$name"; done; done
for svc in "${SERVICES[@]}"; do
  for name in $(instance_names "$svc"); do
    wait_for "$name" $((60 * INSTANCES)) ready "$name" || { tail -20 "$DROPS_RUN/logs/$name.log" >&2; die "$name did not become ready; see .run/logs/$name.log"; }
  done
done
if ((INSTANCES > 1)); then
  wait_for "the balancer" 30 balanced || die "HAProxy does not answer /ready on port $(service_port gateway); see .run/logs/haproxy.log"
fi

url="http://127.0.0.1:$(service_port gateway)"
if [[ -f scripts/seed.ts ]]; then
  step "Selling out the demo sold-out drop (a demo buyer buys it through the gateway)"
  node scripts/seed.ts --sell-out "$url" | sed 's/^/    /' || info "the demo sell-out did not complete (the platform is up; see above)"
fi
step "The platform is up"
info "storefront:  $url/  (open it in a browser)"
info "gateway:     $url/api  (liveness $url/health, readiness $url/ready)"
((INSTANCES > 1)) && info "balancer:    HAProxy on $url over $INSTANCES gateways ($(for n in $(instance_names gateway); do printf '%s ' "$(instance_port "$n")"; done)), and on each service's port"
info "API docs:    $url/docs"
[[ -n "${demo_drop:-}" ]] && info "demo drop:   $url/api/drops/$demo_drop  (DEMO_DROP_ID=$demo_drop)"
[[ -n "${demo_products:-}" ]] && info "cart products: DEMO_PRODUCT_IDS=$demo_products  ($url/api/products/<id>)"
info "logs:        .run/logs/"
if [[ "${DETACH:-0}" == 1 ]]; then
  info "stop with:   bash scripts/down.sh"
  exit 0
fi
info "press Ctrl-C to stop"
trap 'echo; bash "$DROPS_ROOT/scripts/down.sh"; exit 0' INT TERM
while true; do
  for svc in "${SERVICES[@]}"; do
    for name in $(instance_names "$svc"); do
      pid_file_alive "$name" || { warn "$name exited; see .run/logs/$name.log"; }
    done
  done
  ((INSTANCES == 1)) || pid_file_alive haproxy || warn "haproxy exited; see .run/logs/haproxy.log"
  sleep 5
done

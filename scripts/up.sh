#!/usr/bin/env bash
# Runs the whole platform locally: provisions Node 24, pnpm and dependencies, starts
# PostgreSQL/Redis/Kafka when none answer, creates topics, migrates, seeds the admin and the
# demo drop, starts every service (each its own process, logs in .run/logs/) and prints the
# gateway's URL (the HTTP API and its docs at /docs). Ctrl-C stops the services and the
# infrastructure this script started.
#   DETACH=1 scripts/up.sh   start everything and return (stop later with scripts/down.sh)
#   PORT=3100 scripts/up.sh  the gateway on another port (PORT moves the gateway only)
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

ensure_deps
bash scripts/infra.sh up
# REDIS_CLUSTER=1: infra.sh started the local Redis Cluster (scripts/redis-cluster.sh); the stock goes there.
if [[ "${REDIS_CLUSTER:-0}" == 1 && -z "${STOCK_REDIS_CLUSTER_NODES:-}" ]]; then
  STOCK_REDIS_CLUSTER_NODES="$(bash scripts/redis-cluster.sh nodes)"; export STOCK_REDIS_CLUSTER_NODES
fi

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

start_service() {
  local svc=$1 dir="$DROPS_ROOT/services/$1"
  local cmd; cmd="$(node -p "require('$dir/package.json').scripts.start")"
  if pid_file_alive "$svc"; then info "$svc already running (pid $(cat "$DROPS_RUN/pids/$svc.pid"))"; return; fi
  local var; var="$(port_var "$svc")"
  (cd "$dir" && exec nohup env "$var=$(service_port "$svc")" SERVICE_NAME="$svc" bash -c "exec $cmd" >"$DROPS_RUN/logs/$svc.log" 2>&1) &
  echo $! >"$DROPS_RUN/pids/$svc.pid"
  info "$svc started on $var=$(service_port "$svc") (pid $!, log .run/logs/$svc.log)"
}
pid_file_alive() { [[ -f "$DROPS_RUN/pids/$1.pid" ]] && kill -0 "$(cat "$DROPS_RUN/pids/$1.pid")" 2>/dev/null; }

ready() {
  local u="http://127.0.0.1:$(service_port "$1")/ready"
  if command -v curl >/dev/null 2>&1; then curl -fsS "$u" >/dev/null 2>&1
  else node -e "fetch('$u').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; fi
}

step "Starting services"
for svc in "${SERVICES[@]}"; do start_service "$svc"; done
for svc in "${SERVICES[@]}"; do
  wait_for "$svc" 60 ready "$svc" || { tail -20 "$DROPS_RUN/logs/$svc.log" >&2; die "$svc did not become ready; see .run/logs/$svc.log"; }
done

url="http://127.0.0.1:$(service_port gateway)"
if [[ -f scripts/seed.ts ]]; then
  step "Selling out the demo sold-out drop (a demo buyer buys it through the gateway)"
  node scripts/seed.ts --sell-out "$url" | sed 's/^/    /' || info "the demo sell-out did not complete (the platform is up; see above)"
fi
step "The platform is up"
info "storefront:  $url/  (open it in a browser)"
info "gateway:     $url/api  (liveness $url/health, readiness $url/ready)"
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
    pid_file_alive "$svc" || { warn "$svc exited; see .run/logs/$svc.log"; }
  done
  sleep 5
done

#!/usr/bin/env bash
# Prometheus and Grafana without Docker, from Debian's packages when they are installed
# (apt-get install prometheus; Grafana from its own apt repository: grafana), scraping the services
# that scripts/up.sh runs on this machine (each service's own port, the gateway's METRICS_PORT 9464).
#
#   scripts/observability.sh          start what is installed (Prometheus :9090, Grafana :3100), in .run/
#   scripts/observability.sh stop     stop them
#
# Grafana gets the same provisioning as docker-compose (infra/grafana), with the Prometheus datasource
# pointed at 127.0.0.1:9090. Traces need a collector or Jaeger (docker-compose, or any OTLP/HTTP
# endpoint: OTEL_ENABLED=true OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 scripts/up.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/.run/observability"
mkdir -p "$RUN"

stop() {
  for name in prometheus grafana; do
    if [[ -f "$RUN/$name.pid" ]]; then kill "$(cat "$RUN/$name.pid")" 2>/dev/null || true; rm -f "$RUN/$name.pid"; echo "$name stopped"; fi
  done
}
if [[ "${1:-}" == stop ]]; then stop; exit 0; fi

started=0
if command -v prometheus >/dev/null; then
  # the compose scrape config with this machine's addresses
  sed -e 's/"gateway:9464"/"127.0.0.1:9464"/' -e 's/"catalog:3001"/"127.0.0.1:3001"/' -e 's/"inventory:3002"/"127.0.0.1:3002"/' \
      -e 's/"order:3003"/"127.0.0.1:3003"/' -e 's/"cart:3004"/"127.0.0.1:3004"/' -e 's/"notification:3005"/"127.0.0.1:3005"/' \
      "$ROOT/infra/prometheus/prometheus.yml" > "$RUN/prometheus.yml"
  prometheus --config.file="$RUN/prometheus.yml" --storage.tsdb.path="$RUN/prometheus-data" --web.listen-address=127.0.0.1:9090 \
    > "$RUN/prometheus.log" 2>&1 &
  echo $! > "$RUN/prometheus.pid"
  echo "Prometheus: http://127.0.0.1:9090 (log $RUN/prometheus.log)"
  started=1
else
  echo "prometheus is not installed (Debian: apt-get install prometheus)"
fi

if command -v grafana-server >/dev/null || command -v grafana >/dev/null; then
  prov="$RUN/grafana-provisioning"
  mkdir -p "$prov/datasources" "$prov/dashboards"
  sed 's#http://prometheus:9090#http://127.0.0.1:9090#; s#http://jaeger:16686#http://127.0.0.1:16686#' "$ROOT/infra/grafana/provisioning/datasources/datasources.yml" > "$prov/datasources/datasources.yml"
  sed "s#/var/lib/grafana/dashboards#$ROOT/infra/grafana/dashboards#" "$ROOT/infra/grafana/provisioning/dashboards/dashboards.yml" > "$prov/dashboards/dashboards.yml"
  home="/usr/share/grafana"
  bin="$(command -v grafana || command -v grafana-server)"
  args=(--homepath "$home")
  [[ "$(basename "$bin")" == grafana ]] && args=(server "${args[@]}")
  GF_PATHS_PROVISIONING="$prov" GF_PATHS_DATA="$RUN/grafana-data" GF_PATHS_LOGS="$RUN" GF_SERVER_HTTP_ADDR=127.0.0.1 GF_SERVER_HTTP_PORT=3100 \
    GF_AUTH_ANONYMOUS_ENABLED=true GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer "$bin" "${args[@]}" > "$RUN/grafana.log" 2>&1 &
  echo $! > "$RUN/grafana.pid"
  echo "Grafana: http://127.0.0.1:3100 (dashboard \"Drops: a drop live\"; log $RUN/grafana.log)"
  started=1
else
  echo "grafana is not installed (Grafana's apt repository: https://apt.grafana.com, package grafana)"
fi
[[ $started == 1 ]] || echo "nothing started; the storefront's admin page (/admin, Live figures) shows the key figures without either"

#!/usr/bin/env bash
# The flash-drop benchmark in one command: provisions Node 24, pnpm, the workspace and JMeter 5.6.3
# (all cached), makes sure PostgreSQL, Redis and Kafka answer (scripts/infra.sh up), then runs
# scripts/bench/flash-drop.ts: the platform through the e2e stack (or BENCH_GATEWAY_URL), buyers and
# a drop seeded through the API, infra/jmeter/plans/flash-drop.jmx against a hello-world ceiling and
# the platform, outcome checks, CPU per process, JMeter dashboards and docs/performance.md.
#
#   bash scripts/bench/flash-drop.sh                      # the brief's flash drop (takes a while)
#   BENCH_SCALE=smoke bash scripts/bench/flash-drop.sh    # a few hundred requests
#   BENCH_VARIANTS="rowlock:PURCHASE_STRATEGY=rowlock" bash scripts/bench/flash-drop.sh
#
# Every parameter is an environment variable: see docs/performance.md ("Running it").
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
cd "$DROPS_ROOT"

ensure_node
ensure_pnpm
if [[ ! -d node_modules/.pnpm || "${BENCH_INSTALL:-0}" == 1 ]]; then ensure_deps; fi
if [[ -z "${BENCH_GATEWAY_URL:-}" ]]; then bash scripts/infra.sh up; fi
bash scripts/bench/jmeter.sh --provision >/dev/null
exec node scripts/bench/flash-drop.ts "$@"

#!/usr/bin/env bash
# The whole test suite on real infrastructure: provisions Node 24, pnpm, dependencies,
# PostgreSQL, Redis and a Kafka broker (started here if none answers, stopped again at the end),
# then typechecks, lints and runs every tap test.
#   KEEP_INFRA=1 scripts/test.sh        leave a Kafka this script started running
#   scripts/test.sh path/to/x.test.ts   run only some test files (still typechecks and lints)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DROPS_ROOT"
started=$(date +%s)

ensure_deps

had_kafka=0
[[ -f "$DROPS_RUN/pids/kafka.pid" ]] && had_kafka=1
bash scripts/infra.sh up
if [[ $had_kafka == 0 && -f "$DROPS_RUN/pids/kafka.pid" && "${KEEP_INFRA:-0}" != 1 ]]; then
  trap 'bash "$DROPS_ROOT/scripts/infra.sh" down' EXIT
fi

step "Creating Kafka topics and applying migrations"
node scripts/create-topics.ts
node scripts/migrate.ts

step "Typecheck"
pnpm run -s typecheck
step "Lint"
pnpm run -s lint

step "Tests (tap)"
set +e
pnpm exec tap "$@" 2>&1 | tee "$DROPS_RUN/logs/tap.log"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^# \{ total: ' "$DROPS_RUN/logs/tap.log" | tail -1 || true)
pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
echo "${pass:-0} passed, ${fail:-0} failed"
info "test run took $(( $(date +%s) - started )) s"
exit "$status"

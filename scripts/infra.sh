#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Redis and a real Apache Kafka broker (KRaft).
#   scripts/infra.sh up      start what is not already answering (idempotent)
#   scripts/infra.sh down    stop what this script started (Kafka, and Redis/PostgreSQL if it started them)
#   scripts/infra.sh status  show what answers
#   scripts/infra.sh brokers print the KAFKA_BROKERS list of the Kafka nodes (with KAFKA_BROKERS_COUNT)
# Configured endpoints (DATABASE_URL, REDIS_URL, KAFKA_BROKERS) are used as they are when they answer.
# KAFKA_BROKERS_COUNT=3 (default 1) runs three KRaft nodes instead of one, each broker and controller,
# the three the controller quorum, on the ports KAFKA_BROKERS lists (default 9092, 9094, 9096; each
# node's controller on its port + 1), data in $DROPS_RUN/kafka-<id>; new and internal topics are
# then replicated three times with min.insync.replicas 2. `up` starts the nodes that do not answer
# (so after one was killed, `up` starts that one again on its data); `down` stops every node.
# REDIS_CLUSTER=1 also runs the stock's Redis Cluster (scripts/redis-cluster.sh: three masters and
# three replicas on 7000..7005; the services take it with STOCK_REDIS_CLUSTER_NODES).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/drops}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
KAFKA_BROKERS_COUNT="${KAFKA_BROKERS_COUNT:-1}"
[[ "$KAFKA_BROKERS_COUNT" =~ ^[1-9]$ ]] || die "KAFKA_BROKERS_COUNT must be 1 to 9 (got '$KAFKA_BROKERS_COUNT')."
KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$DROPS_ROOT/infra/kafka/pom.xml")"
KAFKA_LIBS="$DROPS_CACHE/kafka-$KAFKA_VERSION/libs"

# host_port URL DEFAULT_PORT -> "host port"
host_port() {
  local rest=${1#*://}; rest=${rest#*@}; rest=${rest%%/*}; rest=${rest%%\?*}
  local host=${rest%%:*} port=${rest##*:}
  [[ "$port" == "$rest" ]] && port=$2
  echo "$host $port"
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

postgres_up() {
  read -r host port < <(host_port "$DATABASE_URL" 5432)
  if port_open "$host" "$port"; then info "PostgreSQL answers at $host:$port"; return 0; fi
  [[ "$host" == 127.0.0.1 || "$host" == localhost ]] || die "PostgreSQL at $host:$port does not answer (DATABASE_URL)."
  step "Starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]] && [[ "$port" == 5432 ]]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  else
    local bindir; bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [[ -n "$bindir" ]] || die "PostgreSQL is not running and not installed. Install it (Debian: apt-get install postgresql) or set DATABASE_URL."
    local data="$DROPS_RUN/postgres"
    if [[ ! -f "$data/PG_VERSION" ]]; then
      "$bindir/initdb" -D "$data" -U postgres --auth=trust >"$DROPS_RUN/logs/postgres-init.log" 2>&1 || die "initdb failed; see $DROPS_RUN/logs/postgres-init.log (as root, run as a non-root user or use the system cluster)."
    fi
    "$bindir/pg_ctl" -D "$data" -o "-p $port -k $DROPS_RUN -c listen_addresses=127.0.0.1" -l "$DROPS_RUN/logs/postgres.log" start >/dev/null
    touch "$DROPS_RUN/pids/postgres.ours"
  fi
  wait_for PostgreSQL 30 port_open "$host" "$port" || die "PostgreSQL did not start; see $DROPS_RUN/logs/postgres.log"
}

redis_up() {
  read -r host port < <(host_port "$REDIS_URL" 6379)
  if port_open "$host" "$port"; then info "Redis answers at $host:$port"; return 0; fi
  [[ "$host" == 127.0.0.1 || "$host" == localhost ]] || die "Redis at $host:$port does not answer (REDIS_URL)."
  command -v redis-server >/dev/null 2>&1 || die "Redis is not running and not installed. Install it (Debian: apt-get install redis-server) or set REDIS_URL."
  step "Starting Redis on port $port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$DROPS_RUN" --pidfile "$DROPS_RUN/pids/redis.pid" --logfile "$DROPS_RUN/logs/redis.log"
  wait_for Redis 15 port_open "$host" "$port" || die "Redis did not start; see $DROPS_RUN/logs/redis.log"
}

kafka_fetch() {
  if [[ -f "$KAFKA_LIBS/.complete" ]]; then return 0; fi
  need java "Kafka needs a Java runtime (17+). Debian: apt-get install openjdk-17-jre-headless."
  need mvn "Kafka's jars are fetched from Maven Central with Maven. Debian: apt-get install maven."
  step "Fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS (first run only)"
  rm -rf "$KAFKA_LIBS"; mkdir -p "$KAFKA_LIBS"
  mvn -q -B -f "$DROPS_ROOT/infra/kafka/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >"$DROPS_RUN/logs/kafka-fetch.log" 2>&1 \
    || die "Maven could not fetch Kafka; see $DROPS_RUN/logs/kafka-fetch.log"
  touch "$KAFKA_LIBS/.complete"
  info "$(ls "$KAFKA_LIBS" | wc -l) jars cached"
}

# kafka_addrs: host:port of node 1..KAFKA_BROKERS_COUNT, one a line: the entries of KAFKA_BROKERS
# when it lists that many, else the first entry's port and every second port above it.
kafka_addrs() {
  local -a list; IFS=, read -ra list <<<"$KAFKA_BROKERS"
  local first=${list[0]} i
  for ((i = 0; i < KAFKA_BROKERS_COUNT; i++)); do
    if ((${#list[@]} >= KAFKA_BROKERS_COUNT)); then echo "${list[i]}"; else echo "${first%%:*}:$((${first##*:} + 2 * i))"; fi
  done
}

# kafka_node_up ID HOST:PORT VOTERS CLUSTER_ID: writes node ID's server.properties, formats its storage
# (once) and starts it in the background; the caller waits. One node: $DROPS_RUN/kafka, pids/kafka.pid.
kafka_node_up() {
  local id=$1 addr=$2 voters=$3 cluster=$4
  local host=${addr%%:*} port=${addr##*:} n=$KAFKA_BROKERS_COUNT
  local dir="$DROPS_RUN/kafka" pidfile="$DROPS_RUN/pids/kafka.pid" cport=$((port + 1))
  ((n == 1)) || { dir="$DROPS_RUN/kafka-$id"; pidfile="$DROPS_RUN/pids/kafka-$id.pid"; }
  local replication=$((n < 3 ? n : 3)); local min_isr=$((replication < 3 ? 1 : 2))
  mkdir -p "$dir/data" "$dir/logs"
  sed -e "s|@NODE_ID@|$id|g" -e "s|@VOTERS@|$voters|g" -e "s|@REPLICATION@|$replication|g" -e "s|@MIN_ISR@|$min_isr|g" \
    -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@DATA_DIR@|$dir/data|g" \
    "$DROPS_ROOT/infra/kafka/server.properties.template" >"$dir/server.properties"
  # Several JVMs share the machine with the services: a smaller heap, the serial collector and C1 only.
  local java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC)
  ((n == 1)) || java_opts=(-Xms128m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
  java_opts+=(-Djava.awt.headless=true "-Dlog4j.configuration=file:$DROPS_ROOT/infra/kafka/log4j.properties" "-Dkafka.logs.dir=$dir/logs")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    step "Formatting Kafka storage in $dir/data"
    java "${java_opts[@]}" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cluster" \
      -c "$dir/server.properties" >"$dir/logs/format.log" 2>&1 || die "Kafka storage format failed; see $dir/logs/format.log"
  fi
  step "Starting Kafka $KAFKA_VERSION (KRaft$( ((n == 1)) || echo ", node $id of $n")) on $host:$port"
  nohup java "${java_opts[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
}

# kafka_cluster_id: the id the nodes already formatted carry, else a new one (all nodes share it).
kafka_cluster_id() {
  local meta pattern="$DROPS_RUN/kafka-*/data/meta.properties"
  ((KAFKA_BROKERS_COUNT > 1)) || pattern="$DROPS_RUN/kafka/data/meta.properties"
  for meta in $pattern; do
    [[ -f "$meta" ]] && { sed -n 's/^cluster.id=//p' "$meta"; return 0; }
  done
  java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1
}

# started_count FILE: how many times the broker logged that it started (it appends to its server.log).
started_count() { local c; c="$(grep -c 'Transition from STARTING to STARTED' "$1" 2>/dev/null)" || true; echo "${c:-0}"; }

# kafka_started FILE BEFORE HOST PORT: the node listens and logged a start after BEFORE: it is
# registered with the quorum and unfenced, so that the cluster shows every broker to a topic creator.
kafka_started() { port_open "$3" "$4" && (($(started_count "$1") > $2)); }

kafka_up() {
  local -a addrs waits=(); mapfile -t addrs < <(kafka_addrs)
  local i voters="" cluster=""
  if ((KAFKA_BROKERS_COUNT > 1)) && pid_alive "$DROPS_RUN/pids/kafka.pid"; then
    die "the single Kafka node of $DROPS_RUN runs on the first port; stop it first (scripts/infra.sh down)."
  fi
  for i in "${!addrs[@]}"; do voters+="${voters:+,}$((i + 1))@${addrs[i]%%:*}:$((${addrs[i]##*:} + 1))"; done
  for i in "${!addrs[@]}"; do
    local host=${addrs[i]%%:*} port=${addrs[i]##*:}
    if port_open "$host" "$port"; then info "Kafka answers at $host:$port"; continue; fi
    [[ "$host" == 127.0.0.1 || "$host" == localhost ]] || die "Kafka at $host:$port does not answer (KAFKA_BROKERS)."
    kafka_fetch
    [[ -n "$cluster" ]] || cluster="$(kafka_cluster_id)"
    local log="$DROPS_RUN/kafka-$((i + 1))/logs/server.log"
    waits+=("$log" "$(started_count "$log")" "$host" "$port")
    kafka_node_up $((i + 1)) "${addrs[i]}" "$voters" "$cluster"
  done
  if ((KAFKA_BROKERS_COUNT == 1)); then
    ((${#waits[@]} == 0)) || wait_for Kafka 90 port_open "${waits[2]}" "${waits[3]}" || die "Kafka did not start in 90 s; see $DROPS_RUN/kafka/logs/"
    return 0
  fi
  for ((i = 0; i < ${#waits[@]}; i += 4)); do
    wait_for "Kafka at ${waits[i + 2]}:${waits[i + 3]}" 120 kafka_started "${waits[@]:i:4}" || die "Kafka at ${waits[i + 2]}:${waits[i + 3]} did not start in 120 s; see $(dirname "${waits[i]}")/"
  done
  info "KAFKA_BROKERS=$(IFS=,; echo "${addrs[*]}")"
}

stop_pid() {
  local name=$1 file=$2
  if pid_alive "$file"; then
    local pid; pid="$(cat "$file")"
    step "Stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

case "${1:-up}" in
  up)
    step "Local infrastructure"
    postgres_up
    redis_up
    if [[ "${REDIS_CLUSTER:-0}" == 1 ]]; then bash "$DROPS_ROOT/scripts/redis-cluster.sh" up; fi
    kafka_up
    ;;
  down)
    stop_pid Kafka "$DROPS_RUN/pids/kafka.pid"
    # The nodes of a cluster are told to stop together: one after the other, the last ones would wait for a quorum that is gone.
    for f in "$DROPS_RUN"/pids/kafka-*.pid; do
      if pid_alive "$f"; then kill "$(cat "$f")" 2>/dev/null || true; fi
    done
    for f in "$DROPS_RUN"/pids/kafka-*.pid; do
      if [[ -f "$f" ]]; then stop_pid "Kafka node $(basename "$f" .pid | cut -d- -f2)" "$f"; fi
    done
    stop_pid Redis "$DROPS_RUN/pids/redis.pid"
    if [[ "${REDIS_CLUSTER:-0}" == 1 ]]; then bash "$DROPS_ROOT/scripts/redis-cluster.sh" down; fi
    if [[ -f "$DROPS_RUN/pids/postgres.ours" ]]; then
      "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$DROPS_RUN/postgres" stop >/dev/null || true
      rm -f "$DROPS_RUN/pids/postgres.ours"
    fi
    ;;
  status)
    read -r h p < <(host_port "$DATABASE_URL" 5432); port_open "$h" "$p" && echo "postgres up ($h:$p)" || echo "postgres down ($h:$p)"
    read -r h p < <(host_port "$REDIS_URL" 6379); port_open "$h" "$p" && echo "redis up ($h:$p)" || echo "redis down ($h:$p)"
    if [[ "${REDIS_CLUSTER:-0}" == 1 ]]; then bash "$DROPS_ROOT/scripts/redis-cluster.sh" status; fi
    while read -r f; do port_open "${f%%:*}" "${f##*:}" && echo "kafka up ($f)" || echo "kafka down ($f)"; done < <(kafka_addrs)
    ;;
  brokers) kafka_addrs | paste -sd, ;;
  *) die "usage: scripts/infra.sh up|down|status|brokers" ;;
esac

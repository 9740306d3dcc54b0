#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Redis and a real Apache Kafka broker (KRaft).
#   scripts/infra.sh up      start what is not already answering (idempotent)
#   scripts/infra.sh down    stop what this script started (Kafka, and Redis/PostgreSQL if it started them)
#   scripts/infra.sh status  show what answers
# Configured endpoints (DATABASE_URL, REDIS_URL, KAFKA_BROKERS) are used as they are when they answer.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/drops}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
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

kafka_up() {
  local first=${KAFKA_BROKERS%%,*}
  local host=${first%%:*} port=${first##*:}
  if port_open "$host" "$port"; then info "Kafka answers at $host:$port"; return 0; fi
  [[ "$host" == 127.0.0.1 || "$host" == localhost ]] || die "Kafka at $host:$port does not answer (KAFKA_BROKERS)."
  kafka_fetch
  local dir="$DROPS_RUN/kafka" cport=$((port + 1))
  mkdir -p "$dir/data" "$dir/logs"
  sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@DATA_DIR@|$dir/data|g" \
    "$DROPS_ROOT/infra/kafka/server.properties.template" >"$dir/server.properties"
  local java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$DROPS_ROOT/infra/kafka/log4j.properties" "-Dkafka.logs.dir=$dir/logs")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    step "Formatting Kafka storage in $dir/data"
    java "${java_opts[@]}" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format \
      -t "$(java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$dir/server.properties" >"$dir/logs/format.log" 2>&1 || die "Kafka storage format failed; see $dir/logs/format.log"
  fi
  step "Starting Kafka $KAFKA_VERSION (KRaft) on $host:$port"
  nohup java "${java_opts[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$DROPS_RUN/pids/kafka.pid"
  wait_for Kafka 90 port_open "$host" "$port" || die "Kafka did not start in 90 s; see $dir/logs/"
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
    kafka_up
    ;;
  down)
    stop_pid Kafka "$DROPS_RUN/pids/kafka.pid"
    stop_pid Redis "$DROPS_RUN/pids/redis.pid"
    if [[ -f "$DROPS_RUN/pids/postgres.ours" ]]; then
      "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$DROPS_RUN/postgres" stop >/dev/null || true
      rm -f "$DROPS_RUN/pids/postgres.ours"
    fi
    ;;
  status)
    read -r h p < <(host_port "$DATABASE_URL" 5432); port_open "$h" "$p" && echo "postgres up ($h:$p)" || echo "postgres down ($h:$p)"
    read -r h p < <(host_port "$REDIS_URL" 6379); port_open "$h" "$p" && echo "redis up ($h:$p)" || echo "redis down ($h:$p)"
    f=${KAFKA_BROKERS%%,*}; port_open "${f%%:*}" "${f##*:}" && echo "kafka up ($f)" || echo "kafka down ($f)"
    ;;
  *) die "usage: scripts/infra.sh up|down|status" ;;
esac

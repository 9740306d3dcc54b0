#!/usr/bin/env bash
# Apache JMeter 5.6.3, non-GUI, from Maven Central (never a distribution tarball, never Debian's 2.13,
# which cannot load 5.x plans). Provisioned once into $DROPS_CACHE/jmeter-5.6.3:
#   lib/  every jar of infra/jmeter/pom.xml (mvn dependency:copy-dependencies)
#   bin/  jmeter.properties, saveservice.properties, upgrade.properties, reportgenerator.properties,
#         report-template/ ... (the ApacheJMeter_config jar's bin/ folder, unpacked)
# and launched with org.apache.jmeter.NewDriver on that class path, jmeter.home pointing at it.
#
#   bash scripts/bench/jmeter.sh --provision            # fetch only; prints JMETER_HOME=...
#   bash scripts/bench/jmeter.sh -n -t infra/jmeter/plans/browse-search.jmx -Jhost=127.0.0.1 -Jport=3000 ...
#
# Env: DROPS_CACHE (download cache), JMETER_HEAP (default -Xms256m -Xmx1g), JAVA (default java).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

JMETER_VERSION=5.6.3
JMETER_HOME="${JMETER_HOME:-$DROPS_CACHE/jmeter-$JMETER_VERSION}"
JAVA="${JAVA:-java}"

provision() {
  if [[ -f "$JMETER_HOME/.complete" ]]; then return 0; fi
  need "$JAVA" "Install Java 17+ (JMeter 5.6 needs Java 8+; the Kafka broker already needs 17)."
  need mvn "Install Maven: JMeter's jars come from Maven Central."
  step "Fetching Apache JMeter $JMETER_VERSION from Maven Central into $JMETER_HOME (once)"
  local tmp="$JMETER_HOME.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib/ext" "$tmp/lib/junit" "$tmp/bin" # NewDriver looks into lib/ext and lib/junit
  mvn -q -B -Dstyle.color=never -f "$DROPS_ROOT/infra/jmeter/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp/lib" \
    || die "mvn could not fetch JMeter $JMETER_VERSION (see the output above)"
  local config="$tmp/lib/ApacheJMeter_config-$JMETER_VERSION.jar"
  [[ -f "$config" ]] || die "ApacheJMeter_config-$JMETER_VERSION.jar missing after mvn"
  # Unpack bin/ of the config jar (properties, report template) without needing unzip.
  (cd "$tmp" && jar_extract "$config" bin)
  for f in jmeter.properties saveservice.properties upgrade.properties reportgenerator.properties; do
    [[ -f "$tmp/bin/$f" ]] || die "bin/$f missing from the ApacheJMeter_config jar"
  done
  [[ -d "$tmp/bin/report-template" ]] || die "bin/report-template missing from the ApacheJMeter_config jar"
  touch "$tmp/.complete"
  rm -rf "$JMETER_HOME"
  mv "$tmp" "$JMETER_HOME"
  info "JMeter $JMETER_VERSION in $JMETER_HOME ($(find "$JMETER_HOME/lib" -maxdepth 1 -name "*.jar" | wc -l) jars)"
}

# jar_extract JAR PREFIX: the entries of JAR under PREFIX/ into the current directory.
jar_extract() {
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$1" "$2/*"
  elif command -v jar >/dev/null 2>&1; then
    jar xf "$1" "$2"
  else
    python3 - "$1" "$2" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(".", [n for n in z.namelist() if n.startswith(sys.argv[2] + "/")])
PY
  fi
}

provision
if [[ "${1:-}" == "--provision" ]]; then
  echo "JMETER_HOME=$JMETER_HOME"
  exit 0
fi

# shellcheck disable=SC2086 # JMETER_HEAP is a list of JVM flags
exec "$JAVA" ${JMETER_HEAP:--Xms256m -Xmx1g} -XX:+UseG1GC -XX:MaxGCPauseMillis=100 \
  -Djava.awt.headless=true -Djmeter.home="$JMETER_HOME" \
  -cp "$JMETER_HOME/lib/*" org.apache.jmeter.NewDriver "$@"

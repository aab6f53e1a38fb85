#!/usr/bin/env bash
# Times the point-in-time activity features on generated data (default 1M leads x 20 events):
#   bench/activity-features.sh [leads] [events-per-lead]
# Runs through the pinned pyspark wheel's spark-submit, local[2] unless SPARK_MASTER is set.
# Data goes to $BENCH_DIR (default /tmp/leadscore-bench-activity), never into the checkout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LEADSCORE_VENV:-$ROOT/.leadscore/venv}"
LEADS="${1:-1000000}"
PER_LEAD="${2:-20}"
DIR="${BENCH_DIR:-/tmp/leadscore-bench-activity}"
SPARK_HOME="$("$VENV/bin/python" -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME
SPARK_JARS="$SPARK_HOME/jars"

(cd "$ROOT" && mvn -B -q -o -DskipTests package -pl features -am)
FEATURES_JAR="$(ls "$ROOT"/features/target/leadscore-features-*.jar | grep -v tests | head -1)"
TRANSFORMS_JAR="$(ls "$ROOT"/transforms/target/leadscore-transforms-*.jar | grep -v tests | head -1)"
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
javac -q -nowarn -cp "$SPARK_JARS/*:$FEATURES_JAR" -d "$BUILD" "$ROOT/bench/ActivityFeaturesBench.java" 2>/dev/null \
  || javac -cp "$SPARK_JARS/*:$FEATURES_JAR" -d "$BUILD" "$ROOT/bench/ActivityFeaturesBench.java"
(cd "$BUILD" && jar cf bench.jar ActivityFeaturesBench.class)
mkdir -p "$DIR"
echo "activity features bench: $LEADS leads x $PER_LEAD events, master ${SPARK_MASTER:-local[2]}, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/spark-submit" --master "${SPARK_MASTER:-local[2]}" --driver-memory "${DRIVER_MEMORY:-6g}" \
  --conf spark.sql.shuffle.partitions="${SHUFFLE_PARTITIONS:-32}" --conf spark.ui.enabled=false \
  --conf spark.sql.session.timeZone=UTC \
  --jars "$FEATURES_JAR,$TRANSFORMS_JAR" --class ActivityFeaturesBench "$BUILD/bench.jar" \
  "$DIR" "$LEADS" "$PER_LEAD" 2>&1 | grep -E "^RESULT|Exception|Error|${BENCH_EXPLAIN:+Exchange|HashAggregate|Join|Expand|Sort}" || true

#!/usr/bin/env bash
# Times batch scoring on generated leads (default 2M; 10 categoricals, 15 numerics, in Delta):
#   bench/scorer_bench.sh [rows] [variants]
# variants: comma list of baseline, lr-transform, lr-compiled, lr-compiled-noreasons,
# lr-compiled-wscg, gbt-transform, gbt-compiled, gbt-compiled-noreasons, gbt-compiled-wscg,
# baseline-again (default: all). Each variant reads the leads Delta table and writes a
# scores-table-wide Delta output; RESULT lines give rows/s and time relative to the baseline,
# plus the largest generated method per whole-stage-codegen subtree (HotSpot does not JIT
# methods above 8000 bytes; Spark drops whole-stage codegen above 65535).
# Runs through the pinned pyspark wheel's spark-submit, local[2] unless SPARK_MASTER is set.
# Data and fitted models stay in $BENCH_DIR (default /tmp/leadscore-bench-scorer) for reruns.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LEADSCORE_VENV:-$ROOT/.leadscore/venv}"
ROWS="${1:-2000000}"
VARIANTS="${2:-all}"
DIR="${BENCH_DIR:-/tmp/leadscore-bench-scorer}"
SPARK_HOME="$("$VENV/bin/python" -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME
M2="${M2_REPO:-$HOME/.m2/repository}"
DELTA_JARS="$M2/io/delta/delta-spark_2.12/3.3.3/delta-spark_2.12-3.3.3.jar,$M2/io/delta/delta-storage/3.3.3/delta-storage-3.3.3.jar"

(cd "$ROOT" && mvn -B -q -o -DskipTests package -pl models -am)
jar_of() { ls "$ROOT/$1"/target/leadscore-"$1"-*.jar | grep -v tests | head -1; }
JARS="$(jar_of models),$(jar_of features),$(jar_of transforms)"
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
javac -nowarn -cp "$SPARK_HOME/jars/*:${JARS//,/:}" -d "$BUILD" "$ROOT"/bench/ScorerBench.java "$ROOT"/bench/CodegenProbe.java
(cd "$BUILD" && jar cf bench.jar io)
mkdir -p "$DIR"
echo "scorer bench: $ROWS rows, master ${SPARK_MASTER:-local[2]}, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/spark-submit" --master "${SPARK_MASTER:-local[2]}" --driver-memory "${DRIVER_MEMORY:-4g}" \
  --conf spark.ui.enabled=false --conf spark.sql.session.timeZone=UTC \
  --conf spark.sql.shuffle.partitions="${SHUFFLE_PARTITIONS:-8}" \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  ${SPARK_CONF:+--conf "$SPARK_CONF"} \
  --jars "$JARS,$DELTA_JARS" --class "io.leadscore.models.scoring.${BENCH_CLASS:-ScorerBench}" "$BUILD/bench.jar" \
  "$DIR" "$ROWS" "$VARIANTS" 2>&1 | grep -E "^RESULT|^PROBE|Exception|Error|scorer:" || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

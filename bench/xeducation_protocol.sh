#!/usr/bin/env bash
# The X Education protocol of issue 6, ours next to the plain reference pipeline:
#   bench/xeducation_protocol.sh [fold seeds, comma-separated] [what: ours,ref | A-ref,B-ours-gbt…]
# Environment: FAMILIES (default "gbt, lr"), PARALLELISM (fits at once, default 2), GRIDS (YAML
# lines of training.grids, indented 4 spaces, e.g. '    gbt: { maxIter: [100] }'), or
# BENCH_CONFIG (a whole config file instead; its lakehouse gets the gold table).
# 1. runs the real jobs (ingest → validate → features --mode training) on
#    ../shared/data/xeducation-leads/Leads.csv into $BENCH_DIR/lakehouse (once; reused after);
# 2. runs io.leadscore.bench.XEducationProtocol (bench/XEducationProtocol.java) with the same
#    jar: 5-fold CV ROC AUC of our train job's candidates (leakage detector, feature pipeline,
#    ModelTrainer grids, the `training` section of $BENCH_CONFIG or the bench default) and of
#    the reference (StringIndexer + OneHotEncoder + Imputer + VectorAssembler, GBT 100 trees /
#    logistic regression on the raw CSV columns) over the same folds, for column set A (Tags,
#    Lead Quality, Lead Profile dropped) and B (also the 4 Asymmetrique and Last Activity /
#    Last Notable Activity). RESULT lines: mean ± sample std, min–max and each fold's AUC.
# Runs through the pinned pyspark wheel's spark-submit, local[2] unless SPARK_MASTER is set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LEADSCORE_VENV:-$ROOT/.leadscore/venv}"
export LEADSCORE_VENV="$VENV"
DIR="${BENCH_DIR:-/tmp/leadscore-bench-xeducation}"
CSV="${XEDUCATION_CSV:-$ROOT/../shared/data/xeducation-leads/Leads.csv}"
[[ -f "$CSV" ]] || CSV=/work/shared/data/xeducation-leads/Leads.csv
CONTRACT="$ROOT/conf/contracts/xeducation.yaml"
JAR="$ROOT/jobs/target/leadscore-jobs-all.jar"
MASTER="${SPARK_MASTER:-local[2]}"

(cd "$ROOT" && mvn -B -q -o -DskipTests package -pl jobs -am)
mkdir -p "$DIR"
CONFIG="${BENCH_CONFIG:-$DIR/bench.yaml}"
if [[ -z "${BENCH_CONFIG:-}" ]]; then
  cat > "$CONFIG" <<YAML
lakehouse:
  root: $DIR/lakehouse
  landing: $DIR/landing
mlflow:
  trackingUri: http://127.0.0.1:5000
metrics:
  pushgateway: 127.0.0.1:9091
  enabled: false
pii:
  hashKey: xeducation-bench-key
spark:
  spark.sql.shuffle.partitions: "4"
training:
  folds: 5
  families: [${FAMILIES:-gbt, lr}]
  parallelism: ${PARALLELISM:-2}
${GRIDS:+  grids:
$GRIDS}
YAML
fi
if [[ ! -d "$DIR/lakehouse/gold" ]]; then
  mkdir -p "$DIR/landing/xeducation/leads/2019-01-01"
  cp "$CSV" "$DIR/landing/xeducation/leads/2019-01-01/Leads.csv"
  for job in ingest validate "features --mode training"; do
    # shellcheck disable=SC2086
    "$ROOT/bin/leadscore" --master "$MASTER" $job --config "$CONFIG" --source xeducation \
      --contract "$CONTRACT" 2>&1 | grep -E "^leadscore" | tail -2
  done
fi
export SPARK_HOME="$("$VENV/bin/python" -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')"
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
javac -nowarn -cp "$SPARK_HOME/jars/*:$JAR" -d "$BUILD" "$ROOT/bench/XEducationProtocol.java"
(cd "$BUILD" && jar cf bench.jar io)
cp "$JAR" "$BUILD/leadscore.jar" # a rebuild during the run must not change the classes under it
echo "xeducation protocol: master $MASTER, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
"$VENV/bin/spark-submit" --master "$MASTER" --driver-memory "${DRIVER_MEMORY:-3g}" \
  --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --jars "$BUILD/leadscore.jar" --class io.leadscore.bench.XEducationProtocol "$BUILD/bench.jar" \
  "$CONFIG" "$CONTRACT" "$CSV" "${1:-}" "${2:-ours,ref}" 2>&1 \
  | grep --line-buffered -E "^(RESULT|PROTOCOL|SET)|Exception|Error" || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

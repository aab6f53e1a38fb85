#!/usr/bin/env bash
# The features job's time on generated leads with their events, through the real bin/leadscore
# (spark-submit, local[*]): generate → ingest → validate (leads and events; not in the figure)
# → features --mode training → features --mode scoring (timed).
#
#   bench/features.sh [LEADS]                default 1000000
#
# Environment: BENCH_DIR (default /tmp/leadscore-bench-features), DAYS (default 90), AS_OF
# (default: the day after the last drop), SPARK_OPTS (default "--driver-memory 4g"),
# FROM=features to time the features job again on the silver tables of an earlier run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEADS="${1:-1000000}"
[[ "$LEADS" =~ ^[0-9]+$ ]] || { echo "bench/features.sh: LEADS must be a number, cannot be: $LEADS" >&2; exit 2; }
BENCH_DIR="${BENCH_DIR:-/tmp/leadscore-bench-features}"
DAYS="${DAYS:-90}"
[[ "$DAYS" =~ ^[0-9]+$ ]] || { echo "bench/features.sh: DAYS must be a number, cannot be: $DAYS" >&2; exit 2; }
AS_OF="${AS_OF:-$(date -u -d "2026-01-05 + $DAYS days" +%F)}"
FROM="${FROM:-generate}"
[[ "$FROM" == generate || "$FROM" == features ]] || { echo "bench/features.sh: FROM must be generate or features, cannot be: $FROM" >&2; exit 2; }
read -r -a spark_opts <<< "${SPARK_OPTS:---driver-memory 4g}"

# A private copy of the jar: a rebuild during a long run must not change it under the JVM.
jar="${LEADSCORE_JAR:-$ROOT/jobs/target/leadscore-jobs-all.jar}"
[[ -f "$jar" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl jobs -am)
if [[ "$FROM" == generate ]]; then
  rm -rf "$BENCH_DIR"
fi
mkdir -p "$BENCH_DIR"
cp "$jar" "$BENCH_DIR/leadscore-jobs-all.jar"
export LEADSCORE_JAR="$BENCH_DIR/leadscore-jobs-all.jar"
export LEADSCORE_PII_KEY="${LEADSCORE_PII_KEY:-bench-only-key}"
cat > "$BENCH_DIR/bench.yaml" <<YAML
lakehouse:
  root: $BENCH_DIR/lakehouse
  landing: $BENCH_DIR/landing
mlflow:
  trackingUri: http://127.0.0.1:5000
metrics:
  pushgateway: 127.0.0.1:9091
  enabled: false
pii:
  hashKey: \${LEADSCORE_PII_KEY}
spark:
  spark.sql.shuffle.partitions: "8"
  spark.databricks.delta.snapshotPartitions: "4"
YAML

run() {
  local log="$BENCH_DIR/$1.log"; shift
  local t0; t0=$(date +%s.%N)
  "$ROOT/bin/leadscore" "${spark_opts[@]}" "$@" --config "$BENCH_DIR/bench.yaml" > "$log" 2>&1 \
    || { echo "bench/features.sh: $* failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
  printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)"
}
in_job() { grep -o "succeeded in [0-9.]* s" "$1" | tail -1 | grep -o '[0-9.]*' | head -1; }

echo "features bench: $LEADS leads over $DAYS days, as of $AS_OF, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "$FROM" == generate ]]; then
  echo "generate  $(run generate generate --leads "$LEADS" --days "$DAYS" --replace) s"
  echo "ingest    $(run ingest ingest --source synthetic) s"
  echo "validate  $(run validate validate --source synthetic) s"
fi
grep -h "rows read\|succeeded" "$BENCH_DIR"/validate.log 2>/dev/null | sed 's/^/  /' || true
echo "load before features: $(cut -d' ' -f1-3 /proc/loadavg)"
training_s=$(run features-training features --source synthetic --mode training --as-of "$AS_OF")
scoring_s=$(run features-scoring features --source synthetic --mode scoring --as-of "$AS_OF")
grep -h "training rows\|current leads" "$BENCH_DIR"/features-*.log | sed 's/^/  /'
printf '%-30s %9s %9s\n' "" "wall s" "in-job s"
printf '%-30s %9.1f %9s\n' "features --mode training" "$training_s" "$(in_job "$BENCH_DIR/features-training.log")"
printf '%-30s %9.1f %9s\n' "features --mode scoring" "$scoring_s" "$(in_job "$BENCH_DIR/features-scoring.log")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

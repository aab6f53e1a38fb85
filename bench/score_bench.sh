#!/usr/bin/env bash
# The score job at scale, next to the cost no scorer can avoid, in one run:
#
#   bench/score_bench.sh [rows]            (default 10,000,000)
#
# 1. Takes the demo's outputs (./lakehouse: gold training and scoring features of the synthetic
#    source; models:/leadscore_synthetic@champion on the local MLflow) — runs bin/demo first when
#    they are missing — and replicates the scoring features to <rows> leads (bench/score_tools.py
#    inflate; not timed).
# 2. Times, each through its own spark-submit:
#    score --full            the real job (resolve, score, percentile and tier, reasons, MERGE;
#                            --no-drift: drift is the drift job's, as in the daily DAG), on an
#                            empty scores table: first with the model version not yet in the
#                            model cache (downloaded and compiled), then again with it cached,
#                            as on every run after a version's first; then on a full table;
#    baseline                reads the model's input columns, writes an output as wide as the
#                            scores table (reasons as struct<feature, contribution> arrays) with a
#                            trivial expression (score_tools.py baseline); timed from before its
#                            session was built, as the job's in-job time is;
#    score (incremental)     after 1 % of the leads' features changed (score_tools.py change).
# Prints the times, in-job and wall-clock, and the ratios full/baseline and incremental/full.
# Environment: BENCH_DIR (default /tmp/leadscore-bench-score), SPARK_OPTS (default
# "--driver-memory 4g"), LAKEHOUSE (the demo lakehouse, default ./lakehouse), QUICK=1 to skip
# the full rerun and the drift job (the ratios do not use them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
[[ "$ROWS" =~ ^[0-9]+$ ]] || { echo "bench/score_bench.sh: rows must be a number, cannot be: $ROWS" >&2; exit 2; }
BENCH_DIR="${BENCH_DIR:-/tmp/leadscore-bench-score}"
DEMO="${LAKEHOUSE:-$ROOT/lakehouse}"
VENV="${LEADSCORE_VENV:-$ROOT/.leadscore/venv}"
MLFLOW="http://127.0.0.1:${LEADSCORE_MLFLOW_PORT:-5000}"
MODEL=leadscore_synthetic
read -r -a spark_opts <<< "${SPARK_OPTS:---driver-memory 4g}"

"$ROOT/bin/stack" up >&2
champion_run() {
  curl -fs "$MLFLOW/api/2.0/mlflow/registered-models/alias?name=$MODEL&alias=champion" \
    | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["model_version"]["run_id"])'
}
if [[ ! -d "$DEMO/gold/synthetic/scoring_features" ]] || ! champion_run >/dev/null 2>&1; then
  echo "== no demo outputs: running bin/demo first" >&2
  "$ROOT/bin/demo" >&2
fi
inputs="$(curl -fs "$MLFLOW/api/2.0/mlflow/runs/get?run_id=$(champion_run)" | "$VENV/bin/python" -c '
import json, sys
params = {p["key"]: p["value"] for p in json.load(sys.stdin)["run"]["data"]["params"]}
print(params["features"])')"

# Built from the working tree each time (a jar left from older code would be timed otherwise),
# unless LEADSCORE_JAR names one.
jar="${LEADSCORE_JAR:-$ROOT/jobs/target/leadscore-jobs-all.jar}"
[[ -n "${LEADSCORE_JAR:-}" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl jobs -am)
mkdir -p "$BENCH_DIR"
cp "$jar" "$BENCH_DIR/leadscore-jobs-all.jar"   # a rebuild must not change it under the JVM
export LEADSCORE_JAR="$BENCH_DIR/leadscore-jobs-all.jar"
lake="$BENCH_DIR/lakehouse"
rm -rf "$lake" "$BENCH_DIR/baseline" "$BENCH_DIR"/{full0,full1,full2,incremental,baseline,drift}.log
mkdir -p "$lake/gold/synthetic"
cp -r "$DEMO/gold/synthetic/features" "$lake/gold/synthetic/features"
cat > "$BENCH_DIR/bench.yaml" <<YAML
lakehouse:
  root: $lake
  landing: $lake/landing
mlflow:
  trackingUri: $MLFLOW
metrics:
  pushgateway: 127.0.0.1:${LEADSCORE_PUSHGATEWAY_PORT:-9091}
  enabled: false
pii:
  hashKey: bench-only-key
spark:
  spark.sql.shuffle.partitions: "8"
  spark.databricks.delta.snapshotPartitions: "2"
YAML

export SPARK_HOME="${SPARK_HOME:-$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export PYSPARK_PYTHON="$VENV/bin/python"   # score_tools.py imports delta (delta-spark) from the venv
tools() {
  "$VENV/bin/spark-submit" --master "local[*]" "${spark_opts[@]}" \
    --conf spark.ui.showConsoleProgress=false --conf spark.sql.shuffle.partitions=8 \
    --conf spark.databricks.delta.snapshotPartitions=2 \
    --driver-java-options "-Dlog4j2.configurationFile=file:$ROOT/conf/log4j2.properties" \
    --jars "$LEADSCORE_JAR" "$ROOT/bench/score_tools.py" "$@"
}
score() {
  "$ROOT/bin/leadscore" "${spark_opts[@]}" score --config "$BENCH_DIR/bench.yaml" \
    --source synthetic --no-drift "$@"
}
now() { date +%s.%N; }
secs() { echo "scale=1; ($2 - $1)/1" | bc; }
in_job() { grep -o "succeeded in [0-9.]* s" "$1" | tail -1 | grep -o '[0-9.]*' | head -1; }

echo "score bench: $ROWS leads, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
tools inflate "$DEMO/gold/synthetic/scoring_features" "$lake/gold/synthetic/scoring_features" "$ROWS" \
  | grep '^score_tools'
ta=$(now); score --full > "$BENCH_DIR/full0.log" 2>&1; tb=$(now)
# Into an empty table again, the model version now cached.
rm -rf "$lake/serving/synthetic/scores" "$lake/serving/synthetic/score_ranking"
t0=$(now); score --full > "$BENCH_DIR/full1.log" 2>&1; t1=$(now)
t2=$(now); tools baseline "$lake/gold/synthetic/scoring_features" "$BENCH_DIR/baseline" "$inputs" \
  > "$BENCH_DIR/baseline.log" 2>&1; t3=$(now)
t4=$(now); [[ -n "${QUICK:-}" ]] || score --full > "$BENCH_DIR/full2.log" 2>&1; t5=$(now)
tools change "$lake/gold/synthetic/scoring_features" 1 | grep '^score_tools'
t6=$(now); score > "$BENCH_DIR/incremental.log" 2>&1; t7=$(now)
# Drift on its own (the drift job reads what score wrote), for the record.
t8=$(now); [[ -n "${QUICK:-}" ]] || "$ROOT/bin/leadscore" "${spark_opts[@]}" drift --config "$BENCH_DIR/bench.yaml" \
  --source synthetic > "$BENCH_DIR/drift.log" 2>&1 || true; t9=$(now)

grep -h "run: scored" "$BENCH_DIR"/full1.log "$BENCH_DIR"/incremental.log | sed 's/^/  /'
base_job=$(grep -o 'in [0-9.]* s' "$BENCH_DIR/baseline.log" | grep -o '[0-9.]*' | tail -1)
printf '%-34s %9s %9s\n' "" "wall s" "in-job s"
printf '%-34s %9s %9s\n' "score --full, model not cached" "$(secs "$ta" "$tb")" "$(in_job "$BENCH_DIR/full0.log")"
printf '%-34s %9s %9s\n' "score --full (empty scores table)" "$(secs "$t0" "$t1")" "$(in_job "$BENCH_DIR/full1.log")"
printf '%-34s %9s %9s\n' "baseline (trivial expression)" "$(secs "$t2" "$t3")" "$base_job"
[[ -f "$BENCH_DIR/full2.log" ]] && printf '%-34s %9s %9s\n' "score --full (rerun)" "$(secs "$t4" "$t5")" "$(in_job "$BENCH_DIR/full2.log")"
printf '%-34s %9s %9s\n' "score, 1 % of leads changed" "$(secs "$t6" "$t7")" "$(in_job "$BENCH_DIR/incremental.log")"
[[ -f "$BENCH_DIR/drift.log" ]] && printf '%-34s %9s %9s\n' "drift job (not in the ratios)" "$(secs "$t8" "$t9")" "$(grep -o "in [0-9.]* s" "$BENCH_DIR/drift.log" | tail -1 | grep -o '[0-9.]*')"
full=$(in_job "$BENCH_DIR/full1.log"); inc=$(in_job "$BENCH_DIR/incremental.log")
cold=$(in_job "$BENCH_DIR/full0.log")
[[ -n "$cold" && -n "$base_job" ]] && printf 'ratio full/baseline, model not cached %.2f\n' "$(echo "scale=4; $cold / $base_job" | bc)"
[[ -n "$full" && -n "$base_job" ]] && printf 'ratio full/baseline (in-job)      %.2f   (goal ≤ 1.5)\n' "$(echo "scale=4; $full / $base_job" | bc)"
[[ -n "$full" && -n "$inc" ]] && printf 'ratio incremental/full (in-job)   %.3f  (goal ≤ 0.05)\n' "$(echo "scale=4; $inc / $full" | bc)"
for run in full0 full1 full2 incremental; do
  [[ -f "$BENCH_DIR/$run.log" ]] && echo "$run: $(grep -o 'step times: .*' "$BENCH_DIR/$run.log" | tail -1)"
done
echo "output MB: scores table $(du -sm "$lake/serving/synthetic/scores" | cut -f1) (after the incremental run), baseline $(du -sm "$BENCH_DIR/baseline" | cut -f1)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# A model's test AUC next to the oracle AUC on generated data, through the real jobs
# (bin/leadscore → spark-submit, local[*]): generate → ingest → validate → features → train,
# twice: with the shipped contract (status declared leaky, the leakage detector on) and with
# the planted status leak allow-listed (leakageExempt) so it reaches the model.
#
#   bench/oracle.sh [LEADS]                  default 100000
#
# Environment: BENCH_DIR (default /tmp/leadscore-bench-oracle, deleted first), DAYS (default
# 120: leads of the last 37 days have no matured label), SEED (42), FAMILIES (lr), FOLDS (3),
# SPARK_OPTS (default "--driver-memory 3g"), KEEP=1 to keep the files and the registered model,
# FROM=<step> to resume an earlier run's BENCH_DIR at that step (generate ingest validate
# features-clean train-clean features-leaky train-leaky). PII is hashed with LEADSCORE_PII_KEY
# (bin/leadscore exports a per-checkout key when it is unset).
# The figures come from the train job's line "test ROC AUC … vs oracle AUC … on the same …
# rows"; MLflow has them as test_oracle_auc and test_auc_to_oracle_ratio.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEADS="${1:-100000}"
[[ "$LEADS" =~ ^[0-9]+$ ]] || { echo "bench/oracle.sh: LEADS must be a number, cannot be: $LEADS" >&2; exit 2; }
BENCH_DIR="${BENCH_DIR:-/tmp/leadscore-bench-oracle}"
DAYS="${DAYS:-120}"
SEED="${SEED:-42}"
FAMILIES="${FAMILIES:-lr}"
FOLDS="${FOLDS:-3}"
START=2026-01-05
# Training rows are cut off the day after the last drop: every label window ending before it
# lies inside the exports (a later cutoff would read late conversions, not yet exported, as 0).
CUTOFF="$(date -u -d "$START + $DAYS days" +%F)"
read -r -a spark_opts <<< "${SPARK_OPTS:---driver-memory 3g}"
MLFLOW="${LEADSCORE_MLFLOW_URI:-http://127.0.0.1:5000}"
MODEL="leadscore_oracle_bench_$$"

jar="${LEADSCORE_JAR:-$ROOT/jobs/target/leadscore-jobs-all.jar}"
[[ -f "$jar" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl jobs -am)
FROM="${FROM:-generate}"
if [[ "$FROM" == generate ]]; then
  rm -rf "$BENCH_DIR"
fi
mkdir -p "$BENCH_DIR"
cp "$jar" "$BENCH_DIR/leadscore-jobs-all.jar"
export LEADSCORE_JAR="$BENCH_DIR/leadscore-jobs-all.jar"

config="$BENCH_DIR/bench.yaml"
cat > "$config" <<YAML
lakehouse:
  root: $BENCH_DIR/lakehouse
  landing: $BENCH_DIR/landing
mlflow:
  trackingUri: $MLFLOW
metrics:
  pushgateway: 127.0.0.1:9091
  enabled: false
pii:
  hashKey: \${LEADSCORE_PII_KEY}
training:
  families: [${FAMILIES}]
  folds: ${FOLDS}
  gate: { criteria: ["roc_auc >= 0.5"], minImprovement: 0.0 }
YAML
clean="$ROOT/conf/contracts/synthetic.yaml"
leaky="$BENCH_DIR/synthetic-status-allowed.yaml"
sed 's/leaky: "sales stage/leakageExempt: "bench only, let the planted leak through: sales stage/' \
  "$clean" > "$leaky"
grep -q 'leakageExempt: "bench only' "$leaky" || { echo "bench/oracle.sh: status is not declared leaky in $clean" >&2; exit 1; }

steps=(generate ingest validate features-clean train-clean features-leaky train-leaky)
[[ " ${steps[*]} " == *" $FROM "* ]] || { echo "bench/oracle.sh: FROM must be one of ${steps[*]}, cannot be: $FROM" >&2; exit 2; }
started=false
job() {
  [[ "$1" == "$FROM" ]] && started=true
  $started || { echo "== skipping $1 (FROM=$FROM)" >&2; return 0; }
  local log="$BENCH_DIR/$1.log"; shift
  local t0; t0=$(date +%s)
  echo "== leadscore $*" >&2
  "$ROOT/bin/leadscore" "${spark_opts[@]}" "$@" --config "$config" > "$log" 2>&1 \
    || { tail -30 "$log" >&2; exit 1; }
  grep '^leadscore\|^WARN leadscore' "$log" | grep -v 'ingested file' >&2 || true
  echo "   ($(( $(date +%s) - t0 )) s)" >&2
}

job generate generate --leads "$LEADS" --days "$DAYS" --seed "$SEED"
job ingest ingest --source synthetic --contract "$clean"
job validate validate --source synthetic --contract "$clean"
job features-clean features --source synthetic --mode training --as-of "$CUTOFF" --contract "$clean"
job train-clean train --source synthetic --contract "$clean" --model-name "$MODEL"
job features-leaky features --source synthetic --mode training --as-of "$CUTOFF" --contract "$leaky"
job train-leaky train --source synthetic --contract "$leaky" --model-name "$MODEL"

line() { grep -o 'test ROC AUC [0-9.]* vs oracle AUC [0-9.]* on the same [0-9]* rows: ratio [0-9.]*' "$BENCH_DIR/$1.log"; }
rows=$(grep -o '[0-9]* training rows ([0-9]* positive, [0-9.]* %)' "$BENCH_DIR/features-clean.log")
echo
echo "oracle bench: $LEADS generated leads over $DAYS days (seed $SEED), cutoff $CUTOFF, $rows; families $FAMILIES, $FOLDS folds"
echo "  generator, all leads: $(grep -o 'oracle AUC [0-9.]* (exact, [0-9,]* leads' "$BENCH_DIR/generate.log")"
echo "  clean (status declared leaky, detector on):  $(line train-clean)"
echo "  status leak allowed (leakageExempt):         $(line train-leaky)"
echo "  leakage excluded (clean run): $(grep -o 'excluded \[.*\]' "$BENCH_DIR/train-clean.log")"
grep -o '[0-9]* test rows without truth left out, [0-9]* labels differ[^;]*' "$BENCH_DIR/train-clean.log" | sed 's/^/  /' || true

if [[ "${KEEP:-}" != 1 ]]; then
  "${LEADSCORE_VENV:-$ROOT/.leadscore/venv}/bin/python" -c \
    "import sys; from mlflow import MlflowClient; MlflowClient(sys.argv[1]).delete_registered_model(sys.argv[2])" \
    "$MLFLOW" "$MODEL" 2>/dev/null || echo "bench/oracle.sh: could not delete the registered model $MODEL" >&2
  rm -rf "$BENCH_DIR/landing" "$BENCH_DIR/truth" "$BENCH_DIR/lakehouse"
fi

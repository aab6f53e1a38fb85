#!/usr/bin/env bash
# Ingest + validate time of the leads of one source next to a plain Spark CSV → Delta copy of
# the same files, in the same run, through the real bin/leadscore (spark-submit, local[*]):
#
#   bench/ingest_validate.sh --leads N            generate N synthetic leads first (needs the
#                                                 generate job in the jar)
#   bench/ingest_validate.sh --landing DIR        use a landing folder that holds
#                                                 <source>/leads/... already
#   options: --source NAME (default synthetic), --contract FILE (default
#   conf/contracts/<source>.yaml), --days N (generate; default 90)
#
# Environment: BENCH_DIR (default /tmp/leadscore-bench-ingest; its lakehouse is deleted
# first), SPARK_OPTS (spark-submit options, default "--driver-memory 4g").
# Prints the seconds of ingest, validate, their sum, the copy, and the ratio sum/copy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/leadscore-bench-ingest}"
VENV="${LEADSCORE_VENV:-$ROOT/.leadscore/venv}"
read -r -a spark_opts <<< "${SPARK_OPTS:---driver-memory 4g}"
source_name=synthetic
contract=""
landing=""
leads=""
days=90
while [[ $# -gt 0 ]]; do
  case "$1" in
    --leads) leads="$2"; shift 2 ;;
    --landing) landing="$2"; shift 2 ;;
    --source) source_name="$2"; shift 2 ;;
    --contract) contract="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    *) echo "bench/ingest_validate.sh: unknown argument $1 (see the header of this script)" >&2
       exit 2 ;;
  esac
done
[[ -n "$leads" || -n "$landing" ]] || { echo "bench/ingest_validate.sh: give --leads N or --landing DIR" >&2; exit 2; }
[[ -z "$leads" || "$leads" =~ ^[0-9]+$ ]] || { echo "bench/ingest_validate.sh: --leads must be a number, cannot be: $leads" >&2; exit 2; }
contract="${contract:-$ROOT/conf/contracts/$source_name.yaml}"
[[ -f "$contract" ]] || { echo "bench/ingest_validate.sh: contract $contract does not exist" >&2; exit 2; }

# A private copy of the jar: a rebuild during a long run must not change it under the JVM.
jar="${LEADSCORE_JAR:-$ROOT/jobs/target/leadscore-jobs-all.jar}"
[[ -f "$jar" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl jobs -am)
mkdir -p "$BENCH_DIR"
cp "$jar" "$BENCH_DIR/leadscore-jobs-all.jar"
export LEADSCORE_JAR="$BENCH_DIR/leadscore-jobs-all.jar"
export LEADSCORE_PII_KEY="${LEADSCORE_PII_KEY:-bench-only-key}"

rm -rf "$BENCH_DIR/lakehouse" "$BENCH_DIR/copy"
if [[ -z "$landing" ]]; then
  landing="$BENCH_DIR/landing"
fi
cat > "$BENCH_DIR/bench.yaml" <<YAML
lakehouse:
  root: $BENCH_DIR/lakehouse
  landing: $landing
mlflow:
  trackingUri: http://127.0.0.1:5000
metrics:
  pushgateway: 127.0.0.1:9091
  enabled: false
pii:
  hashKey: \${LEADSCORE_PII_KEY}
spark:
  # As conf/local.yaml; small Delta snapshot partitions keep the small ops tables cheap.
  spark.sql.shuffle.partitions: "8"
  spark.databricks.delta.snapshotPartitions: "4"
YAML

seconds() { echo "$2 - $1" | bc; }
if [[ -n "$leads" ]]; then
  rm -rf "$landing"
  echo "== generate $leads leads over $days days into $landing" >&2
  "$ROOT/bin/leadscore" "${spark_opts[@]}" generate --config "$BENCH_DIR/bench.yaml" \
    --leads "$leads" --days "$days" --replace >&2
fi
leads_dir="$landing/$source_name/leads"
[[ -d "$leads_dir" ]] || { echo "bench/ingest_validate.sh: no folder $leads_dir" >&2; exit 2; }
csv_bytes=$(find "$leads_dir" -name '*.csv' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
csv_files=$(find "$leads_dir" -name '*.csv' | wc -l)

run() {
  "$ROOT/bin/leadscore" "${spark_opts[@]}" "$@" --config "$BENCH_DIR/bench.yaml" \
    --source "$source_name" --contract "$contract" --dataset leads
}
echo "== ingest" >&2
t0=$(date +%s.%N); run ingest | tee "$BENCH_DIR/ingest.log" >&2; t1=$(date +%s.%N)
echo "== validate" >&2
run validate | tee "$BENCH_DIR/validate.log" >&2; t2=$(date +%s.%N)
echo "== plain CSV → Delta copy of the same files" >&2
export SPARK_HOME="${SPARK_HOME:-$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
t3=$(date +%s.%N)
"$VENV/bin/spark-submit" --master "local[*]" "${spark_opts[@]}" \
  --conf spark.ui.showConsoleProgress=false \
  --driver-java-options "-Dlog4j2.configurationFile=file:$ROOT/conf/log4j2.properties" \
  --jars "$LEADSCORE_JAR" "$ROOT/bench/csv_to_delta.py" "$leads_dir" "$BENCH_DIR/copy" \
  | tee "$BENCH_DIR/copy.log" >&2
t4=$(date +%s.%N)

ingest_s=$(seconds "$t0" "$t1"); validate_s=$(seconds "$t1" "$t2"); copy_s=$(seconds "$t3" "$t4")
both_s=$(echo "$ingest_s + $validate_s" | bc)
rows=$(grep -o 'rows read [0-9]*' "$BENCH_DIR/validate.log" | head -1 | grep -o '[0-9]*' || echo "?")
echo
echo "leads CSV: $csv_files file(s), $(echo "scale=1; $csv_bytes/1000000" | bc) MB, $rows rows validated"
grep -o 'rows read .*' "$BENCH_DIR/validate.log" | head -1 || true
printf '%-28s %8.1f s\n' "ingest" "$ingest_s" "validate" "$validate_s" \
  "ingest + validate" "$both_s" "plain CSV → Delta copy" "$copy_s"
printf '%-28s %8.2f\n' "ratio (ingest+validate)/copy" "$(echo "scale=4; $both_s / $copy_s" | bc)"
# The same without the JVM and Spark start-ups: the jobs' and the copy's own timings.
in_job() { grep -o "$1 in [0-9.]* s" "$2" | tail -1 | grep -o '[0-9.]*' | head -1; }
ij=$(in_job succeeded "$BENCH_DIR/ingest.log"); vj=$(in_job succeeded "$BENCH_DIR/validate.log")
cj=$(grep -o 'rows in [0-9.]* s' "$BENCH_DIR/copy.log" | grep -o '[0-9.]*' | tail -1)
if [[ -n "$ij" && -n "$vj" && -n "$cj" ]]; then
  printf '%-28s %8.1f s + %.1f s vs %.1f s: ratio %.2f\n' "in-job times" "$ij" "$vj" "$cj" \
    "$(echo "scale=4; ($ij + $vj) / $cj" | bc)"
fi

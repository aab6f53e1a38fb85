#!/usr/bin/env bash
# Generation time, output size and oracle AUC of the synthetic CRM generator, through the
# real bin/leadscore (spark-submit, local[*]):
#
#   bench/generate.sh [LEADS ...]          default sizes: 1000000 10000000
#
# Environment: BENCH_DIR (default /tmp/leadscore-bench-generate; each size in its own folder,
# deleted first), DAYS (default 90), SPARK_OPTS (spark-submit options, default
# "--driver-memory 4g"), KEEP=1 to keep the generated files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/leadscore-bench-generate}"
DAYS="${DAYS:-90}"
read -r -a spark_opts <<< "${SPARK_OPTS:---driver-memory 4g}"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000000 10000000)

# Run a private copy of the jar: a rebuild during a long run must not change it under the JVM.
jar="${LEADSCORE_JAR:-$ROOT/jobs/target/leadscore-jobs-all.jar}"
[[ -f "$jar" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl jobs -am)
mkdir -p "$BENCH_DIR"
cp "$jar" "$BENCH_DIR/leadscore-jobs-all.jar"
export LEADSCORE_JAR="$BENCH_DIR/leadscore-jobs-all.jar"

results=()
for leads in "${sizes[@]}"; do
  [[ "$leads" =~ ^[0-9]+$ ]] || { echo "bench/generate.sh: sizes must be numbers, cannot be: $leads" >&2; exit 2; }
  out="$BENCH_DIR/$leads"
  rm -rf "$out"
  mkdir -p "$out"
  cat > "$out/bench.yaml" <<YAML
lakehouse:
  root: $out/lakehouse
  landing: $out/landing
mlflow:
  trackingUri: http://127.0.0.1:5000
metrics:
  pushgateway: 127.0.0.1:9091
YAML
  echo "== generate $leads leads over $DAYS days into $out" >&2
  start=$(date +%s.%N)
  "$ROOT/bin/leadscore" "${spark_opts[@]}" generate --config "$out/bench.yaml" \
    --leads "$leads" --days "$DAYS" 2>&1 | tee "$out/generate.log" >&2
  end=$(date +%s.%N)
  seconds=$(echo "$end - $start" | bc)
  landing_bytes=$(du -sb "$out/landing" | cut -f1)
  truth_bytes=$(du -sb "$out/truth" | cut -f1)
  files=$(find "$out/landing" -type f | wc -l)
  lead_rows=$(grep -o 'lead drops: [0-9,]* rows' "$out/generate.log" | grep -o '[0-9,]*' | tr -d ,)
  events=$(grep -o 'event drops: [0-9,]* events' "$out/generate.log" | grep -o '[0-9,]*' | tr -d ,)
  write_s=$(grep -o 'wrote [0-9.]* MB in [0-9.]* s' "$out/generate.log" | grep -o 'in [0-9.]*' | grep -o '[0-9.]*')
  auc=$(grep -o 'oracle AUC [0-9.]*' "$out/generate.log" | grep -o '[0-9.]*$')
  results+=("$(printf '%11s %8.1f %8.1f %10.1f %8.1f %6s %12s %12s %8s' "$leads" "$seconds" \
    "$write_s" "$(echo "$landing_bytes/1000000" | bc -l)" "$(echo "$truth_bytes/1000000" | bc -l)" \
    "$files" "$lead_rows" "$events" "$auc")")
  [[ "${KEEP:-}" == 1 ]] || rm -rf "$out/landing" "$out/truth" "$out/lakehouse"
done

echo
echo "generate: $(nproc) cores, SPARK_OPTS='${spark_opts[*]}', $DAYS days; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%11s %8s %8s %10s %8s %6s %12s %12s %8s\n' leads total_s write_s landing_MB truth_MB files \
  lead_rows events oracle_auc
printf '%s\n' "${results[@]}"

#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time and prints one summary line per target.
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS TARGET...
# Each target fuzzes a scratch corpus (BUILD_DIR/corpus/<target>) seeded from the committed
# tests/fuzz/corpus/<target>; crash inputs are written to BUILD_DIR/crashes/. Exit status is
# non-zero when any target crashed, leaked, timed out or ran out of memory.
set -u
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
export OMP_THREAD_LIMIT=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$build/crashes" "$build/logs"
failed=0
printf '%-26s %8s %12s %10s %s\n' target seconds executions exec/s result
for target in "$@"; do
  binary="$build/tests/fuzz/$target"
  seeds="$here/corpus/$target"
  work="$build/corpus/$target"
  log="$build/logs/$target.log"
  mkdir -p "$work"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
  # -timeout: one input taking over 10 s is reported as a hang; -rss_limit_mb bounds memory.
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$target-" "$work" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ $status -eq 0 ]; then
    result="ok (0 crashes)"
  else
    result="FAILED (exit $status, see $log)"
    failed=1
  fi
  printf '%-26s %8s %12s %10s %s\n' "$target" "$seconds" "${runs:-?}" "${rate:-?}" "$result"
done
exit $failed

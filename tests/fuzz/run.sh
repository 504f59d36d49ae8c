#!/usr/bin/env bash
# Runs each libFuzzer target of build-fuzz/ for a number of seconds and prints, per target, the
# executions, the seconds run and the crashes found (see tests/fuzz/README.md).
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# The growing corpus of each target is kept in BUILD_DIR/fuzz/corpus/<target> (the committed
# seeds in tests/fuzz/corpus/<target> are read too, never written); crashing inputs are written
# to BUILD_DIR/fuzz/artifacts/<target>/. Exits 1 when any target crashed.
set -u
build_dir=${1:?build directory}
seconds=${2:?seconds per target}
shift 2
source_dir=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(events_validate_fuzz http_request_fuzz csv_import_fuzz inbound_mime_fuzz templates_fuzz
           dispatcher_fuzz)
fi

summary=()
failed=0
for target in "${targets[@]}"; do
  name=${target%_fuzz}
  binary=$build_dir/tests/fuzz/$target
  if [ ! -x "$binary" ]; then
    summary+=("$(printf '%-22s not built' "$target")")
    failed=1
    continue
  fi
  corpus=$build_dir/fuzz/corpus/$name
  artifacts=$build_dir/fuzz/artifacts/$name
  log=$build_dir/fuzz/$name.log
  mkdir -p "$corpus" "$artifacts"
  before=$(find "$artifacts" -type f | wc -l)
  echo "== $target: ${seconds}s (log: $log)"
  start=$(date +%s)
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$source_dir/corpus/$name" >"$log" 2>&1
  status=$?
  elapsed=$(($(date +%s) - start))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(($(find "$artifacts" -type f | wc -l) - before))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  [ "$crashes" -ne 0 ] && failed=1
  line=$(printf '%-22s %12s executions %6ss %3s crashes' "$target" "${executions:-?}" "$elapsed" "$crashes")
  [ "$crashes" -ne 0 ] && line+="  (see $artifacts and $log)"
  echo "$line"
  summary+=("$line")
done

echo
echo "fuzzing summary (${seconds}s per target, ASan+UBSan):"
printf '  %s\n' "${summary[@]}"
exit $failed

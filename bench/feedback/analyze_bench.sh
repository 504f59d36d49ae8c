#!/usr/bin/env bash
# texts/s of `ecrm feedback analyze` over N generated texts (default 1,000,000), and its peak
# memory. See README.md.
#   bench/feedback/analyze_bench.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${ECRM_BUILD_DIR:-$here/../../build}
n=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flock /tmp/ecrm-build.lock ninja -C "$build" ecrm >/dev/null
python3 "$here/generate_texts.py" "$n" > "$work/texts.csv"
echo "texts: $n ($(du -h "$work/texts.csv" | cut -f1))"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "$build/ecrm" feedback analyze "$work/texts.csv" --format json \
  > "$work/out.json"
end=$(date +%s.%N)
python3 - "$start" "$end" "$n" "$work/rss" "$work/out.json" <<'PY'
import json, sys
start, end, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
rss_kib = int(open(sys.argv[4]).read().split()[-1])
doc = json.load(open(sys.argv[5]))
assert doc["texts"] == n and len(doc["items"]) == n
print("seconds: %.1f" % (end - start))
print("texts/s: %d" % (n / (end - start)))
print("peak RSS: %d MiB" % (rss_kib // 1024))
print("top issues: " + ", ".join("%s (%d)" % (i["phrase"], i["count"]) for i in doc["issues"][:5]))
PY

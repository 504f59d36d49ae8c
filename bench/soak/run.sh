#!/usr/bin/env bash
# Soak and load of the mixed workload (bench/soak/soak_load.cpp: lists, 360° pages,
# recommendations, orders, event batches).
#
# 1. One node on SQLite with the demo shop: the peak requests/s (closed loop, CONNECTIONS
#    clients, PEAK_SECONDS, at least 120: the rate of its last whole minute, once the background
#    work the orders start runs as it will in the soak), then LOAD (0.8) of that peak on a fixed
#    schedule for DURATION
#    seconds (600), printing per minute the requests, errors, p50/p99 and the server's resident
#    memory; then the RSS growth from the first minute's start to the end and the last minute's
#    p99 against the first's.
# 2. With CLUSTER=1 (default): deploy/cluster.sh (PostgreSQL, two web nodes, a worker, nginx)
#    and the peak of the same workload on one web node directly and on both through nginx,
#    alternating, ROUNDS (3) times each; medians.
#
# Usage (from the repository root, after building ecrm and the load):
#   cmake --build build --target ecrm soak_load
#   bench/soak/run.sh                       # DURATION=600 PEAK_SECONDS=180 CONNECTIONS=16
#   DURATION=120 CLUSTER=0 bench/soak/run.sh
# Environment: CUSTOMERS (50000: the SQLite node's demo shop; the soak's orders then add about
#              four to each customer's history, where 5,000 customers would each get forty and
#              every customer page would read ten times more by the end: bench/soak/README.md,
#              "Fifth round"), CLUSTER_CUSTOMERS (5000, the cluster's shop),
#              LOAD (0.8), ROUNDS (3), CLUSTER_SECONDS (30, each cluster
#              round), ECRM_BIN (build/ecrm), BENCH_DIR (build/bench/soak), SERVE_ARGS (more
#              options of the SQLite node's `ecrm serve`), KEEP_LOGS (a directory: the
#              servers' logs and the load's output are copied there at the end).
set -euo pipefail
DURATION=${DURATION:-600}
PEAK_SECONDS=${PEAK_SECONDS:-180}
CLUSTER_SECONDS=${CLUSTER_SECONDS:-30}
CONNECTIONS=${CONNECTIONS:-16}
LOAD=${LOAD:-0.8}
CUSTOMERS=${CUSTOMERS:-50000}
CLUSTER_CUSTOMERS=${CLUSTER_CUSTOMERS:-5000}
ROUNDS=${ROUNDS:-3}
CLUSTER=${CLUSTER:-1}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
BENCH_DIR=${BENCH_DIR:-build/bench/soak}
EMAIL=soak@example.com
PASSWORD='Soak-pass-12345'

die() { echo "bench/soak/run.sh: $*" >&2; exit 1; }
[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first"
[[ -x $BENCH_DIR/soak_load ]] || die "build the load first: cmake --build build --target soak_load"
((PEAK_SECONDS >= 120)) || die "PEAK_SECONDS must be at least 120 (the peak is the rate of its last whole minute)"

TMP=$(mktemp -d -t ecrm-bench-soak.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n ${KEEP_LOGS:-} ]]; then mkdir -p "$KEEP_LOGS" && cp "$TMP"/*.log "$TMP"/*.txt "$KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# keys BASE_URL: signs in as the admin; prints "API_KEY WRITE_KEY".
keys() {
  local base=$1 csrf api write
  csrf=$(curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$base/api/v1/auth/login" | json_field csrf_token) ||
    die "signing in at $base failed"
  api=$(curl -sf -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"soak","scopes":["customers:read","orders:read","orders:write","recommendations:read","catalog:read"]}' \
    "$base/api/v1/api-keys" | json_field key) || die "creating the API key failed"
  write=$(curl -sf -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"soak"}' "$base/api/v1/write-keys" | json_field key) || die "creating the write key failed"
  echo "$api $write"
}

field() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2

# --- 1. One node on SQLite: peak, then the soak ---
db="sqlite:$TMP/shop.db"
"$ECRM_BIN" demo --db "$db" --customers "$CUSTOMERS" >"$TMP/demo.log" 2>&1 || die "demo: $(cat "$TMP/demo.log")"
ECRM_ADMIN_EMAIL=$EMAIL ECRM_ADMIN_PASSWORD=$PASSWORD "$ECRM_BIN" serve --db "$db" --port 0 \
  --no-access-log ${SERVE_ARGS:-} >"$TMP/server.log" 2>&1 &
server=$!
PIDS+=("$server")
url=""
for _ in $(seq 1 150); do
  url=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$TMP/server.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
  [[ -n $url ]] && break
  sleep 0.2
done
[[ -n $url ]] || die "the server did not start: $(cat "$TMP/server.log")"
read -r api write < <(keys "$url")

"$BENCH_DIR/soak_load" "$url" "$api" "$write" peak "$PEAK_SECONDS" "$CONNECTIONS" >"$TMP/peak.txt"
sed 's/^/peak: /' "$TMP/peak.txt" >&2
# The sustained peak: the last whole minute's requests a second.
whole=$((PEAK_SECONDS / 60))
last=$(awk -v m="minute $whole:" 'index($0, m) == 1 {for (i = 1; i < NF; i++) if ($i == "requests") print $(i + 1)}' "$TMP/peak.txt")
[[ -n $last ]] || die "no minute $whole in the peak's output"
peak=$(python3 -c "print(round($last / 60, 1))")
echo "one node (SQLite) peak: $peak requests/s in minute $whole of the closed loop ($(grep '^requests/s' "$TMP/peak.txt") over all $PEAK_SECONDS s)" >&2
rate=$(python3 -c "print(round($peak * $LOAD, 1))")
echo "soak: $rate requests/s ($LOAD of the peak) for $DURATION s" >&2
"$BENCH_DIR/soak_load" "$url" "$api" "$write" rate "$DURATION" "$CONNECTIONS" "$rate" "$server" | tee "$TMP/soak.txt"
python3 - "$TMP/soak.txt" <<'PY'
import sys
minutes, start, total = [], None, None
for line in open(sys.argv[1]):
    w = line.split()
    if w[0] == "minute":
        minutes.append({"p99": float(w[w.index("p99") + 1]), "rss": int(w[w.index("rss_kib") + 1]),
                        "anon": int(w[w.index("anon_kib") + 1])})
    elif w[0] == "start":
        start = {"rss": int(w[w.index("rss_kib") + 1]), "anon": int(w[w.index("anon_kib") + 1])}
    elif w[0] == "requests/s":
        total = line.strip()
first, last = minutes[0], minutes[-1]
print(f"soak: {total}")
for key, name in (("rss", "rss"), ("anon", "anonymous memory (heap)")):
    print(f"soak: {name} {start[key] / 1024:.1f} MiB at the start, {last[key] / 1024:.1f} MiB at the end "
          f"({(last[key] / start[key] - 1) * 100:+.1f}%; from the end of minute 1: "
          f"{(last[key] / first[key] - 1) * 100:+.1f}%)")
print(f"soak: p99 first minute {first['p99']:.1f} ms, last minute {last['p99']:.1f} ms "
      f"(ratio {last['p99'] / first['p99']:.2f})")
PY
kill -TERM "$server"; wait "$server" 2>/dev/null || true

[[ $CLUSTER == 1 ]] || exit 0

# --- 2. One web node against two behind nginx, on PostgreSQL ---
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ECRM_ADMIN_EMAIL=$EMAIL ECRM_ADMIN_PASSWORD=$PASSWORD CUSTOMERS=$CLUSTER_CUSTOMERS ECRM_BINARY=$ECRM_BIN \
  setsid deploy/cluster.sh "$port" >"$TMP/cluster.log" 2>&1 &
cluster=$!
PIDS+=("$cluster")
for _ in $(seq 1 600); do
  grep -q "^ecrm on two web nodes" "$TMP/cluster.log" && break
  kill -0 "$cluster" 2>/dev/null || die "deploy/cluster.sh ended: $(cat "$TMP/cluster.log")"
  sleep 0.5
done
grep -q "^ecrm on two web nodes" "$TMP/cluster.log" || die "the cluster did not start: $(cat "$TMP/cluster.log")"
node=$(grep -o '^web1: http://127.0.0.1:[0-9]*' "$TMP/cluster.log" | sed 's/^web1: //')
lb="http://127.0.0.1:$port"
read -r api write < <(keys "$lb")
one=() two=()
for round in $(seq 1 "$ROUNDS"); do
  r1=$("$BENCH_DIR/soak_load" "$node" "$api" "$write" peak "$CLUSTER_SECONDS" "$CONNECTIONS" | grep '^requests/s')
  r2=$("$BENCH_DIR/soak_load" "$lb" "$api" "$write" peak "$CLUSTER_SECONDS" "$CONNECTIONS" | grep '^requests/s')
  echo "round $round: one node: $r1 | two nodes behind nginx: $r2" >&2
  one+=("$(echo "$r1" | field requests/s)")
  two+=("$(echo "$r2" | field requests/s)")
done
m1=$(median "${one[@]}")
m2=$(median "${two[@]}")
python3 -c "print(f'cluster (PostgreSQL): one web node {float(\"$m1\"):.0f} requests/s, two behind nginx {float(\"$m2\"):.0f} requests/s (ratio {float(\"$m2\") / float(\"$m1\"):.2f}), medians of $ROUNDS rounds')"
kill -TERM -- "-$cluster" 2>/dev/null || kill -TERM "$cluster" 2>/dev/null || true
wait "$cluster" 2>/dev/null || true

#!/usr/bin/env bash
# Serving benchmark of GET /api/v1/customers/{id}/recommendations under wrk.
#
# Loads the demo shop (`ecrm demo --customers $CUSTOMERS`) into a fresh SQLite database, starts
# `ecrm serve`, runs a rebuild and waits for it, creates an API key with recommendations:read,
# then runs wrk against the route with a random customer id per request (1..$CUSTOMERS), so the
# reads are spread over the whole table rather than one cached row. Reports wrk's output
# (requests/s, latency distribution including p99) and the build's data size.
#
# Usage: bench/recommend/http.sh            (from the repository root, after `make build`)
# Next to it, in alternating rounds, nginx answers the same URLs with one stored response of the
# route (a static file of the same size): the floor for sending these bytes over HTTP on this
# machine. Prints each round and the medians, and ecrm's requests/s as a fraction of nginx's.
# Environment: CUSTOMERS (20000), DURATION seconds (15), CONNECTIONS: one or more counts, each
#              run in turn ("2 4 32"), WRK_THREADS (2, at most the connections),
#              ECRM_THREADS ecrm I/O threads and nginx workers (2), ROUNDS (3),
#              ECRM_BIN (build/ecrm), SEED (1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../nginx.sh"

CUSTOMERS=${CUSTOMERS:-20000}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-"2 4 32"}
WRK_THREADS=${WRK_THREADS:-2}
ECRM_THREADS=${ECRM_THREADS:-2}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-3}

die() { echo "bench/recommend/http.sh: $*" >&2; exit 1; }
[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first (make build)"
for tool in wrk curl python3 nginx; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

TMP=$(mktemp -d -t ecrm-bench-rec.XXXXXX)
ECRM_PID=""
cleanup() {
  local rc=$?
  if [[ -n $ECRM_PID ]] && kill -0 "$ECRM_PID" 2>/dev/null; then
    kill -TERM "$ECRM_PID" 2>/dev/null || true
    wait "$ECRM_PID" 2>/dev/null || true
  fi
  if [[ -n ${NGINX_PID:-} ]]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  if [[ -n ${WORKER_PID:-} ]]; then kill "$WORKER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT

DB="sqlite:$TMP/bench.db"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

echo "loading the demo shop ($CUSTOMERS customers)..."
"$ECRM_BIN" demo --db "$DB" --customers "$CUSTOMERS" --seed "$SEED" >"$TMP/demo.log" 2>&1 ||
  { cat "$TMP/demo.log" >&2; die "ecrm demo failed"; }

ECRM_ADMIN_PASSWORD=$PASSWORD "$ECRM_BIN" serve --db "$DB" --port "$PORT" --no-access-log \
  --threads "$ECRM_THREADS" --no-worker ${RECOMMEND_CACHE_MB:+--recommend-cache-mb "$RECOMMEND_CACHE_MB"} \
  >"$TMP/ecrm.log" 2>&1 &
ECRM_PID=$!
for _ in $(seq 200); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz" || true) == 200 ]] && break
  kill -0 "$ECRM_PID" 2>/dev/null || { cat "$TMP/ecrm.log" >&2; die "ecrm exited"; }
  sleep 0.1
done
EMAIL=$(grep -o 'first admin user: [^ ]*' "$TMP/ecrm.log" | awk '{print $4}')
EMAIL=${EMAIL:-admin@example.com}
login=$(curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login") ||
  die "login failed (is an admin with another password already in the demo database?)"
CSRF=$(json_field '["csrf_token"]' <<<"$login")
post() { curl -sf -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" -d "$2" "$BASE$1"; }
KEY=$(post /api/v1/api-keys '{"name":"bench","scopes":["recommendations:read"]}' | json_field '["key"]')

echo "rebuilding recommendations..."
post /api/v1/recommendations/rebuild '{}' >/dev/null || die "rebuild request failed"
# The server (--no-worker) queues the rebuild; a worker runs it and is gone before the measurements.
"$ECRM_BIN" worker --db "$DB" >"$TMP/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 3000); do
  state=$(curl -sf -H "Authorization: Bearer $KEY" "$BASE/api/v1/recommendations/rebuild")
  [[ $(json_field '["state"]' <<<"$state") == idle ]] && break
  sleep 0.2
done
[[ $(json_field '["last_status"]' <<<"$state") == ok ]] || { echo "$state" >&2; die "rebuild failed"; }
kill -TERM "$WORKER_PID" && wait "$WORKER_PID" || true
WORKER_PID=""
python3 -c 'import json,sys; b=json.load(sys.stdin)["build"]; print("build: %d orders, %d customers, %d products, %d rules, %d neighbour pairs, %d lists; timings %s" % (b["orders"], b["customers"], b["products"], b["rules"], b["neighbours"], b["lists"], json.dumps(b["timings"])))' <<<"$state"

code=$(curl -s -o "$TMP/one.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$BASE/api/v1/customers/1/recommendations")
[[ $code == 200 ]] || { cat "$TMP/one.json" >&2; die "GET recommendations answered $code"; }

cat >"$TMP/random.lua" <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, $CUSTOMERS) .. "/recommendations?limit=10")
end
LUA

# The peer: nginx serving, for the same URLs, one stored response of the same route (a static
# file of the same size from the page cache): the floor for sending these bytes over HTTP here.
NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/nginx/www"
cp "$TMP/one.json" "$TMP/nginx/www/one.json"
nginx_start "$TMP/nginx" "$NGINX_PORT" "$ECRM_THREADS" 'location / { try_files /one.json =404; }'
for _ in $(seq 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/x" || true) == 200 ]] && break
  sleep 0.1
done
echo "response size: $(wc -c <"$TMP/one.json") bytes (customer 1; nginx serves this file)"

# run BASE THREADS CONNECTIONS: one wrk run; prints "requests/s p99_ms" and appends wrk's output to wrk.log.
run() {
  local base=$1 threads=$2 conns=$3 out
  out=$(wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s "$TMP/random.lua" \
    -H "Authorization: Bearer $KEY" "$base")
  echo "$out" >>"$TMP/wrk.log"
  if grep -q 'Non-2xx' <<<"$out"; then echo "$out" >&2; die "non-2xx responses from $base"; fi
  python3 -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
v, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", t).groups()
ms = float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
print("%.0f %.3f" % (rps, ms))' <<<"$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
for conns in $CONNECTIONS; do
  threads=$WRK_THREADS
  (( threads > conns )) && threads=$conns
  echo "wrk -t$threads -c$conns -d${DURATION}s --latency, random customer per request, $ROUNDS rounds"
  : >"$TMP/ecrm.txt"; : >"$TMP/nginx.txt"
  for round in $(seq "$ROUNDS"); do
    e=$(run "$BASE" "$threads" "$conns"); n=$(run "http://127.0.0.1:$NGINX_PORT" "$threads" "$conns")
    echo "  round $round: ecrm $e (req/s, p99 ms)   nginx $n"
    echo "$e" >>"$TMP/ecrm.txt"; echo "$n" >>"$TMP/nginx.txt"
  done
  e_rps=$(cut -d' ' -f1 "$TMP/ecrm.txt" | median); e_p99=$(cut -d' ' -f2 "$TMP/ecrm.txt" | median)
  n_rps=$(cut -d' ' -f1 "$TMP/nginx.txt" | median); n_p99=$(cut -d' ' -f2 "$TMP/nginx.txt" | median)
  echo "  medians at $conns connections: ecrm $e_rps req/s, p99 ${e_p99} ms; nginx $n_rps req/s, p99 ${n_p99} ms"
  python3 -c "print('  recommendations at $conns connections: %.2fx nginx req/s, p99 %.2f ms (nginx %.2f ms)' % ($e_rps / $n_rps, $e_p99, $n_p99))"
done
curl -sf "$BASE/metrics" | python3 -c '
import re, sys
t = sys.stdin.read()
n = {r: int(v) for r, v in re.findall(r"ecrm_recommend_list_cache_reads_total\{result=\"(\w+)\"\} (\d+)", t)}
total = sum(n.values()) or 1
print("list cache reads over all ecrm runs: %s; %.1f%% answered from memory" % (
    ", ".join("%s %d" % kv for kv in sorted(n.items())),
    100.0 * (n.get("hit", 0) + n.get("stale", 0)) / total))'
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true

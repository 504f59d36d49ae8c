#!/usr/bin/env bash
# Event ingestion benchmark: sustained events/s through POST /api/v1/events (batches of 100, a
# write key, concurrent keep-alive clients on the same machine) next to the raw insert rate of the
# same rows straight into the database (100 rows per commit), on SQLite and, when PG_URL is set,
# on PostgreSQL (a multi-row INSERT and COPY). Prints one line per measurement and the ratio
# ingestion / raw insert (and / raw COPY).
#
# Usage (from the repository root, after building ecrm):
#   cmake --build build --target events_load events_raw_insert
#   bench/events/run.sh                                   # SQLite only
#   PG_URL=postgresql://user@127.0.0.1:5432/postgres bench/events/run.sh   # also PostgreSQL
# Environment: SECONDS_PER_RUN (20), CONNECTIONS (16), BATCH (100), VISITORS (10 per batch),
#              WORKERS (server worker threads, default 4 per core), RAW_ROWS (200000),
#              ECRM_BIN (build/ecrm), BENCH_DIR (build/bench/events).
set -euo pipefail
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
CONNECTIONS=${CONNECTIONS:-16}
BATCH=${BATCH:-100}
VISITORS=${VISITORS:-10}
RAW_ROWS=${RAW_ROWS:-200000}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
BENCH_DIR=${BENCH_DIR:-build/bench/events}
WORKERS=${WORKERS:-0}

die() { echo "bench/events/run.sh: $*" >&2; exit 1; }
[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first"
[[ -x $BENCH_DIR/events_load && -x $BENCH_DIR/events_raw_insert ]] ||
  die "build the benchmarks first: cmake --build build --target events_load events_raw_insert"

TMP=$(mktemp -d -t ecrm-bench-events.XXXXXX)
PID=""
PG_DBS=()
cleanup() {
  if [[ -n $PID ]]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  for db in "${PG_DBS[@]}"; do psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# pg_url_for NAME: PG_URL with its database replaced by NAME (created fresh).
pg_url_for() {
  psql "$PG_URL" -qc "CREATE DATABASE $1" >/dev/null
  PG_DBS+=("$1")
  python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_URL" "$1"
}

# ingest DB_URL LABEL: starts a server on DB_URL, creates a write key, runs the load.
ingest() {
  local db=$1 label=$2 email=bench@example.com password='Bench-pass-1234'
  ECRM_ADMIN_EMAIL=$email ECRM_ADMIN_PASSWORD=$password "$ECRM_BIN" serve --db "$db" --port 0 \
    --no-access-log --threads 2 --workers "$WORKERS" >"$TMP/server-$label.log" 2>&1 &
  PID=$!
  local url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$TMP/server-$label.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
    [[ -n $url ]] && break
    sleep 0.1
  done
  [[ -n $url ]] || die "server did not start: $(cat "$TMP/server-$label.log")"
  local csrf key
  csrf=$(curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$url/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  key=$(curl -sf -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"bench"}' "$url/api/v1/write-keys" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  local result
  result=$("$BENCH_DIR/events_load" "$url" "$key" "$CONNECTIONS" "$SECONDS_PER_RUN" "$BATCH" "$VISITORS")
  local stored
  stored=$(curl -sf -b "$TMP/cookies" "$url/api/v1/events/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  echo "$label ingest: $result stored $stored" >&2
  echo "$result" | awk '{print $2}'
}

raw() {
  local db=$1 label=$2 shift_args=("${@:3}")
  local result
  result=$("$BENCH_DIR/events_raw_insert" "$db" "$RAW_ROWS" "$BATCH" "${shift_args[@]}")
  echo "$label raw insert: $result" >&2
  echo "$result" | awk '{print $2}'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
sqlite_ingest=$(ingest "sqlite:$TMP/ingest.db" sqlite)
sqlite_raw=$(raw "sqlite:$TMP/raw.db" sqlite 1 full)
sqlite_raw_normal=$(raw "sqlite:$TMP/raw-normal.db" sqlite-normal 1 normal)
python3 -c "import sys; print(f'sqlite: ingestion {float(sys.argv[1]):.0f} events/s, raw insert {float(sys.argv[2]):.0f} rows/s (synchronous=FULL) / {float(sys.argv[3]):.0f} rows/s (NORMAL); ratio {float(sys.argv[1])/float(sys.argv[2]):.2f} / {float(sys.argv[1])/float(sys.argv[3]):.2f}')" \
  "$sqlite_ingest" "$sqlite_raw" "$sqlite_raw_normal"
if [[ -n ${PG_URL:-} ]]; then
  suffix=$$
  pg_ingest=$(ingest "$(pg_url_for ecrm_bench_ingest_$suffix)" postgresql)
  pg_raw1=$(raw "$(pg_url_for ecrm_bench_raw1_$suffix)" postgresql-1conn 1)
  pg_raw4=$(raw "$(pg_url_for ecrm_bench_raw4_$suffix)" postgresql-4conn 4)
  pg_copy1=$(raw "$(pg_url_for ecrm_bench_copy1_$suffix)" postgresql-copy-1conn 1 copy)
  pg_copy4=$(raw "$(pg_url_for ecrm_bench_copy4_$suffix)" postgresql-copy-4conn 4 copy)
  python3 -c "import sys; a=[float(x) for x in sys.argv[1:]]; print(f'postgresql: ingestion {a[0]:.0f} events/s, raw insert {a[1]:.0f} rows/s (1 connection) / {a[2]:.0f} rows/s (4), raw COPY {a[3]:.0f} rows/s (1) / {a[4]:.0f} rows/s (4); ratio to insert {a[0]/a[1]:.2f} / {a[0]/a[2]:.2f}, to COPY {a[0]/a[3]:.2f} / {a[0]/a[4]:.2f}')" \
    "$pg_ingest" "$pg_raw1" "$pg_raw4" "$pg_copy1" "$pg_copy4"
fi

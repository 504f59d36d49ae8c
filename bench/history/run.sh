#!/usr/bin/env bash
# A customer's long history a page at a time: the latency of GET /api/v1/customers/{id}/timeline
# and of the customer's order list (GET /api/v1/orders?customer={id}) on the first page, on a page
# about 500 entries in and on the last full page, reached by following the API's own cursors, for
# one customer with 50,000 timeline entries among many customers; on SQLite and (with PG_URL) on
# PostgreSQL. Prints each round, the medians, and the ratio deep page / first page (target ≈ 1).
#
# Usage (from the repository root, after building ecrm):
#   bench/history/run.sh                                                     # SQLite
#   PG_URL=postgresql://postgres@127.0.0.1:5432/postgres bench/history/run.sh  # and PostgreSQL
# Environment: CUSTOMERS (100000) other customers, ORDERS (300000) theirs, HEAVY (25000) orders of
#              the one customer (two status changes each: 50,000 entries), PAGE (50, the web UI's
#              page size), DURATION seconds per wrk run (3), ROUNDS (5), ECRM_BIN (build/ecrm),
#              DATA (where the CSV files are generated once).
# Each measurement is `wrk -t1 -c1 -d$DURATION --latency` on one URL (one client: the latency of
# a request alone, no queueing); its median latency is taken, and the median of that over the
# rounds is reported. The URLs alternate within each round.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-100000}
ORDERS=${ORDERS:-300000}
HEAVY=${HEAVY:-25000}
PAGE=${PAGE:-50}
DURATION=${DURATION:-3}
ROUNDS=${ROUNDS:-5}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
DATA=${DATA:-/tmp/ecrm-bench-history-$CUSTOMERS-$ORDERS-$HEAVY}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "bench/history/run.sh: $*" >&2; exit 1; }
[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first"
for tool in wrk curl python3 sqlite3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[[ -z ${PG_URL:-} ]] || command -v psql >/dev/null || die "psql is not installed"

TMP=$(mktemp -d -t ecrm-bench-history.XXXXXX)
PID=""
PG_DBS=()
cleanup() {
  if [[ -n $PID ]]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  for db in "${PG_DBS[@]}"; do psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

if [[ ! -f $DATA/orders.csv ]]; then
  mkdir -p "$DATA"
  echo "generating $CUSTOMERS customers with $ORDERS orders and one with $HEAVY orders into $DATA..."
  python3 "$HERE/generate.py" "$DATA" "$CUSTOMERS" "$ORDERS" "$HEAVY"
fi

# pg_url_for NAME: PG_URL with its database replaced by NAME (created fresh; register NAME in
# PG_DBS before, since this runs in a subshell).
pg_url_for() {
  psql "$PG_URL" -qc "CREATE DATABASE $1" >/dev/null
  python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_URL" "$1"
}
seconds_since() { python3 -c "import sys; print(round($(date +%s.%N) - $1, 1))"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# positions BASE KEY PATH: follows next_cursor through the whole list PATH (PAGE entries a page)
# and prints "entries URL" for the first page, the page after about 500 entries, the last full
# page and the last page.
positions() {
  python3 - "$1" "$2" "$3" "$PAGE" <<'PY'
import json, sys, urllib.parse, urllib.request
base, key, path, page = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sep = "&" if "?" in path else "?"
def url(cursor):
    u = f"{path}{sep}limit={page}"
    return u + ("&cursor=" + urllib.parse.quote(cursor, safe="") if cursor else "")
seen, cursor, starts = 0, None, []   # starts: (entries before the page, its URL)
while True:
    starts.append((seen, url(cursor)))
    req = urllib.request.Request(base + url(cursor), headers={"Authorization": "Bearer " + key})
    body = json.load(urllib.request.urlopen(req))
    seen += len(body["items"])
    cursor = body.get("next_cursor")
    if not cursor:
        break
total = seen
full = [s for s in starts if total - s[0] >= page]
deep = next(s for s in starts if s[0] >= 500)
for label, (before, u) in (("first", starts[0]), ("deep", deep), ("end", full[-1]), ("last", starts[-1])):
    print(label, before, u)
print("total", total, "-")
PY
}

# latency URL: one wrk run with one connection; prints its median latency in ms.
latency() {
  local out
  out=$(wrk -t1 -c1 -d"${DURATION}s" --latency -H "Authorization: Bearer $KEY" "$BASE$1")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "$out" >&2; die "errors from $1"; fi
  python3 -c '
import re, sys
v, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", sys.stdin.read()).groups()
print("%.3f" % (float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]))' <<<"$out"
}

# bench LABEL DB_URL: loads the data into DB_URL, serves it and measures.
bench() {
  local label=$1 db=$2 start
  echo "== $label"
  start=$(date +%s.%N)
  for entity in products customers orders; do
    "$ECRM_BIN" import "$entity" "$DATA/$entity.csv" --db "$db" --quiet >"$TMP/import-$entity.log" 2>&1 ||
      { cat "$TMP/import-$entity.log" >&2; die "import of $entity failed"; }
  done
  echo "imported in $(seconds_since "$start") s"
  local heavy_sql="SELECT id FROM customers WHERE external_id = 'HIST-1'" heavy
  if [[ $db == sqlite:* ]]; then
    heavy=$(sqlite3 "${db#sqlite:}" "$heavy_sql")
  else
    # Statistics as autovacuum would have them shortly after an import this size.
    psql "$db" -qc "ANALYZE" >/dev/null
    heavy=$(psql "$db" -Atc "$heavy_sql")
  fi
  local password="Bench-pass-1234"
  ECRM_ADMIN_EMAIL=bench@example.com ECRM_ADMIN_PASSWORD=$password "$ECRM_BIN" serve --db "$db" \
    --port 0 --no-access-log --threads 2 --no-worker >"$TMP/server-$label.log" 2>&1 &
  PID=$!
  BASE=""
  for _ in $(seq 1 200); do
    BASE=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$TMP/server-$label.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
    [[ -n $BASE ]] && break
    kill -0 "$PID" 2>/dev/null || { cat "$TMP/server-$label.log" >&2; die "ecrm exited"; }
    sleep 0.1
  done
  [[ -n $BASE ]] || die "server did not start: $(cat "$TMP/server-$label.log")"
  local csrf
  csrf=$(curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench@example.com\",\"password\":\"$password\"}" "$BASE/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  KEY=$(curl -sf -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"bench","scopes":["customers:read","orders:read"]}' "$BASE/api/v1/api-keys" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

  local list
  : >"$TMP/urls"
  for list in timeline orders; do
    local path="/api/v1/customers/$heavy/timeline"
    [[ $list == orders ]] && path="/api/v1/orders?customer=$heavy"
    start=$(date +%s.%N)
    positions "$BASE" "$KEY" "$path" >"$TMP/positions"
    echo "$list: $(awk '$1 == "total" {print $2}' "$TMP/positions") entries, followed page by page in $(seconds_since "$start") s"
    awk -v list="$list" '$1 != "total" {print list, $1, $2, $3}' "$TMP/positions" >>"$TMP/urls"
  done

  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  local round name at entries url ms
  for round in $(seq "$ROUNDS"); do
    local line="round $round:"
    while read -r name at entries url; do
      ms=$(latency "$url")
      echo "$ms" >>"$TMP/$label-$name-$at"
      line+=" $name/$at ${ms}ms"
    done <"$TMP/urls"
    echo "$line"
  done
  echo "medians of $ROUNDS rounds (median latency of a request, one client, $PAGE entries a page):"
  while read -r name at entries url; do
    echo "  $name $at (after $entries entries): $(median <"$TMP/$label-$name-$at") ms"
  done <"$TMP/urls"
  for name in timeline orders; do
    python3 -c "
first, deep, end = $(median <"$TMP/$label-$name-first"), $(median <"$TMP/$label-$name-deep"), $(median <"$TMP/$label-$name-end")
print('  $label $name: deep/first %.2f, end/first %.2f' % (deep / first, end / first))"
  done
  kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}

bench sqlite "sqlite:$TMP/history.db"
if [[ -n ${PG_URL:-} ]]; then
  PG_DBS+=("ecrm_bench_history_$$")
  bench postgresql "$(pg_url_for "ecrm_bench_history_$$")"
fi

#!/usr/bin/env bash
# Partner scorecards at scale: every partner's scorecard as ecrm computes it (GET
# /api/v1/partner-scorecards, one request for all; or, with SCORECARDS=each, GET
# /api/v1/partners/{id}/scorecard for each of PARTNERS suppliers, one after the other; on a
# warm server) next to the same aggregation as one SQL statement (scorecards.sql) run by the
# sqlite3 CLI and psql on the same database; on SQLite and on PostgreSQL.
#
#   bench/partners/run.sh                                   # 10,000,000 lines, both backends
#   LINES=1000000 bench/partners/run.sh                     # the quick version
#   SQLITE_DB=/tmp/partners.db PG_DB_URL=postgresql://…/partners bench/partners/run.sh  # keep shops
#
# Steps (README.md says what each measures):
#  1. load:    `ecrm migrate` into a fresh database per backend, then load.sql (set-based INSERT …
#              SELECT over a counter: recursive CTE on SQLite, generate_series on PostgreSQL),
#              then ANALYZE (PostgreSQL: VACUUM ANALYZE); each step timed;
#  2. serve:   `ecrm serve --threads 2 --no-worker --no-access-log` per backend, a staff user
#              made with `ecrm user add`, an API key with partners:read; one scorecard asked first;
#  3. rounds:  ROUNDS times, backends in turn: ecrm's PARTNERS scorecards (scorecards.py
#              fetch-all, or fetch for SCORECARDS=each),
#              then scorecards.sql (sqlite3 with the server's pragmas; psql); after the first
#              round the two are compared partner by partner (scorecards.py compare) and a
#              difference stops the run;
#  4. report:  medians of the rounds and the ratio ecrm / SQL per backend.
#
# Environment:
#   LINES (10000000)  PARTNERS (1000)  PRODUCTS (20000)  CUSTOMERS (100000)  ROUNDS (3)
#   BACKENDS ("sqlite postgresql")  ECRM_THREADS (2)  ECRM_BIN (build/ecrm)
#   SCORECARDS (all): all = one GET /api/v1/partner-scorecards; each = one GET per partner
#   WORK (/tmp): where the temporary directory goes (10M lines: ~3 GB SQLite, ~4 GB PostgreSQL)
#   PG_URL: a PostgreSQL server where the script may create and drop a database; without it a
#           throw-away cluster is started with tests/scripts/pg_cluster.sh (shared_buffers
#           PG_SHARED_BUFFERS, 1GB) and stopped at the end
#   SQLITE_DB / PG_DB_URL: a shop to keep: loaded when empty, measured as it is when it has lines
#   LOAD_ONLY=1: stop after step 1 (with SQLITE_DB / PG_DB_URL: load the shops to measure later)
set -euo pipefail

LINES=${LINES:-10000000}
PARTNERS=${PARTNERS:-1000}
PRODUCTS=${PRODUCTS:-20000}
CUSTOMERS=${CUSTOMERS:-100000}
ROUNDS=${ROUNDS:-3}
BACKENDS=${BACKENDS:-"sqlite postgresql"}
ECRM_THREADS=${ECRM_THREADS:-2}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
SCORECARDS=${SCORECARDS:-all}
WORK=${WORK:-/tmp}
PG_URL=${PG_URL:-}
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB}
SQLITE_DB=${SQLITE_DB:-}
PG_DB_URL=${PG_DB_URL:-}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$REPO/bench/partners"
die() { echo "bench/partners/run.sh: $*" >&2; exit 1; }
say() { echo "[$(date +%H:%M:%S)] $*"; }

[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first (make build)"
for tool in curl python3 sqlite3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (make deps installs sqlite3)"
done
for n in LINES PARTNERS PRODUCTS CUSTOMERS ROUNDS; do
  [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer"
done
((PRODUCTS > PARTNERS)) || die "PRODUCTS must be more than PARTNERS (every supplier gets one)"
((LINES >= 5)) || die "LINES must be at least 5 (orders have 5 lines)"
[[ $SCORECARDS == all || $SCORECARDS == each ]] || die "SCORECARDS must be all or each"
for b in $BACKENDS; do
  [[ $b == sqlite || $b == postgresql ]] || die "BACKENDS may list sqlite and postgresql (got $b)"
done
[[ $BACKENDS != *postgresql* ]] || command -v psql >/dev/null || die "psql is not installed"

TMP=$(mktemp -d "$WORK/ecrm-bench-partners.XXXXXX")
# The binary is copied, so that a rebuild during the run does not change what is measured.
cp "$ECRM_BIN" "$TMP/ecrm"
ECRM="$TMP/ecrm"
PG_STATE=""
OWN_PG_DB=""
declare -A SERVER_PID=() PORT=() DB=() KEY=()

stop() {  # stop PID: TERM, wait up to 10 s, then KILL
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  for b in "${!SERVER_PID[@]}"; do stop "${SERVER_PID[$b]}"; done
  if [[ -n $OWN_PG_DB && -z $PG_STATE ]]; then
    psql -qX "$PG_URL" -c "DROP DATABASE IF EXISTS $OWN_PG_DB" >/dev/null 2>&1 || true
  fi
  [[ -n $PG_STATE ]] && "$REPO/tests/scripts/pg_cluster.sh" stop "$PG_STATE" || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(date +%s.%N) - $1:.1f}')"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR == 0) print ""; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
psql() { PGOPTIONS='-c client_min_messages=warning' command psql "$@"; }
# The server's own connection settings (src/storage/sqlite/sqlite_database.cpp), so that the
# sqlite3 CLI reads the database as the server does.
SQLITE_PRAGMAS="PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
sql() {  # sql BACKEND: run stdin on the backend's shop, rows as `a|b`
  local b=$1
  if [[ $b == sqlite ]]; then
    { echo ".output /dev/null"; echo "$SQLITE_PRAGMAS"; echo ".output stdout"; cat; } |
      sqlite3 -batch -bail "${DB[$b]#sqlite:}"
  else
    psql -qXAt -v ON_ERROR_STOP=1 "${DB[$b]}"
  fi
}
sql1() { sql "$1" <<<"$2"; }  # sql1 BACKEND STATEMENT
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

echo "ecrm partner scorecard benchmark: $LINES order lines, $PARTNERS partners, $PRODUCTS products, $CUSTOMERS customers; backends: $BACKENDS"
echo "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?)$(git -C "$REPO" diff --quiet HEAD -- src migrations 2>/dev/null || echo ' (src/ or migrations/ differ from it)')"
echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds; ecrm's scorecards: $SCORECARDS"
echo

# --- PostgreSQL -------------------------------------------------------------------------------
if [[ $BACKENDS == *postgresql* && -z $PG_DB_URL ]]; then
  if [[ -z $PG_URL ]]; then
    PG_STATE="$TMP/pg.state"
    PG_URL=$(PG_CLUSTER_SETTINGS="-c shared_buffers=$PG_SHARED_BUFFERS" \
             "$REPO/tests/scripts/pg_cluster.sh" start "$PG_STATE")
    say "throw-away PostgreSQL cluster at $PG_URL"
  fi
  OWN_PG_DB=ecrm_partners_bench
  psql -qX "$PG_URL" -c "DROP DATABASE IF EXISTS $OWN_PG_DB" -c "CREATE DATABASE $OWN_PG_DB" >/dev/null
  PG_DB_URL="${PG_URL%/*}/$OWN_PG_DB"
fi

# --- 1. load ----------------------------------------------------------------------------------
declare -A LOADED=()
load() {  # load BACKEND
  local b=$1 start script now_ms took
  start=$(now)
  "$ECRM" migrate --db "${DB[$b]}" >"$TMP/migrate-$b.log" 2>&1 ||
    { cat "$TMP/migrate-$b.log" >&2; die "ecrm migrate failed on $b"; }
  say "$b: migrated in $(since "$start") s"
  now_ms=$(date +%s%3N)
  script=$(sed -e '/^--/d' -e "s/:LINES/$LINES/g" -e "s/:PARTNERS/$PARTNERS/g" \
    -e "s/:PRODUCTS/$PRODUCTS/g" -e "s/:CUSTOMERS/$CUSTOMERS/g" -e "s/:NOW/$now_ms/g" "$HERE/load.sql")
  if [[ $b == postgresql ]]; then
    script=$(sed -e 's/WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \([^)]*\))/WITH n(i) AS (SELECT generate_series(1, \1))/' <<<"$script")
    # The rows carry their ids; the identity columns continue after them.
    for t in categories products customers partners partner_products orders order_lines returns return_lines; do
      script+=$'\n'"SELECT setval(pg_get_serial_sequence('$t', 'id'), (SELECT max(id) FROM $t));"
    done
  fi
  start=$(now)
  sql "$b" <<<"$script" >/dev/null
  took=$(since "$start")
  LOADED[$b]="load.sql $took s"
  say "$b: loaded in $took s"
  start=$(now)
  local analyze; analyze=$([[ $b == sqlite ]] && echo ANALYZE || echo 'VACUUM ANALYZE')
  sql1 "$b" "$analyze" >/dev/null
  took=$(since "$start")
  LOADED[$b]+=", $analyze $took s"
  say "$b: $analyze in $took s"
}

for b in $BACKENDS; do
  if [[ $b == sqlite ]]; then DB[$b]="sqlite:${SQLITE_DB:-$TMP/partners.db}"; else DB[$b]=$PG_DB_URL; fi
  have=$(sql1 "$b" "SELECT count(*) FROM order_lines" 2>/dev/null || echo 0)
  if [[ ${have:-0} -gt 0 ]]; then
    say "$b: measuring the existing shop ${DB[$b]} ($have order lines)"
    LOADED[$b]="kept shop"
  else
    load "$b"
  fi
  sql1 "$b" "SELECT (SELECT count(*) FROM order_lines), (SELECT count(*) FROM orders),
                    (SELECT count(*) FROM partner_line_states),
                    (SELECT count(*) FROM partner_line_states WHERE shipped_at IS NOT NULL),
                    (SELECT count(*) FROM return_lines), (SELECT count(*) FROM partners)" |
    awk -F'|' '{ printf "  %s lines in %s orders; %s line states (%s shipped); %s returned lines; %s partners\n", $1, $2, $3, $4, $5, $6 }'
done
if [[ $BACKENDS == *sqlite* ]]; then
  f=${DB[sqlite]#sqlite:}
  echo "  SQLite file: $(du -m "$f" | cut -f1) MB"
fi
if [[ $BACKENDS == *postgresql* ]]; then
  echo "  PostgreSQL database: $(sql1 postgresql "SELECT pg_database_size(current_database()) / 1048576") MB; shared_buffers $(sql1 postgresql 'SHOW shared_buffers')"
fi
# Supplier sizes: lines per partner (the skew the scorecards meet).
for b in $BACKENDS; do
  sql1 "$b" "SELECT MIN(n), MAX(n), SUM(n) FROM (SELECT pp.partner_id, COUNT(*) AS n FROM order_lines l
             JOIN partner_products pp ON pp.product_id = l.product_id GROUP BY pp.partner_id) x" |
    awk -F'|' -v b="$b" '{ printf "  %s: lines per partner: min %s, max %s\n", b, $1, $2 }'
  break
done

if [[ -n ${LOAD_ONLY:-} ]]; then say "LOAD_ONLY: the shops are loaded"; exit 0; fi

# --- 2. serve ---------------------------------------------------------------------------------
wait_http() {  # wait_http URL PID LOG
  local url=$1 pid=$2 log=$3
  for _ in $(seq 600); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" || true) == 200 ]]; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "server for $url exited"; }
    sleep 0.1
  done
  cat "$log" >&2
  die "$url did not answer 200 within 60 s"
}
seq "$PARTNERS" >"$TMP/ids"
for b in $BACKENDS; do
  email="bench-$(python3 -c 'import secrets; print(secrets.token_hex(4))')@partners.example"
  password="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
  "$ECRM" user add --db "${DB[$b]}" --email "$email" --role admin --name "Bench" \
    --password "$password" >/dev/null 2>&1 || die "ecrm user add failed on $b"
  PORT[$b]=$(free_port)
  "$ECRM" serve --db "${DB[$b]}" --port "${PORT[$b]}" --threads "$ECRM_THREADS" --no-access-log \
    --no-worker >>"$TMP/serve-$b.log" 2>&1 &
  SERVER_PID[$b]=$!
  base="http://127.0.0.1:${PORT[$b]}"
  wait_http "$base/healthz" "${SERVER_PID[$b]}" "$TMP/serve-$b.log"
  login=$(curl -sf -c "$TMP/cookies-$b" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/login") || die "login failed on $b"
  csrf=$(json_field csrf_token <<<"$login")
  created=$(curl -sf -b "$TMP/cookies-$b" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"partner bench","scopes":["partners:read"]}' "$base/api/v1/api-keys") ||
    die "creating the API key failed on $b"
  KEY[$b]=$(json_field key <<<"$created")
  curl -sf -o /dev/null -H "Authorization: Bearer ${KEY[$b]}" "$base/api/v1/partners/$PARTNERS/scorecard" ||
    die "the scorecard of partner $PARTNERS failed on $b"
  say "$b: ecrm serve on port ${PORT[$b]} (--threads $ECRM_THREADS --no-worker)"
done

# --- 3. rounds --------------------------------------------------------------------------------
peer() {  # peer BACKEND OUT: scorecards.sql, seconds on stdout
  local b=$1 out=$2 start
  start=$(now)
  sed -e '/^--/d' "$HERE/scorecards.sql" | sql "$b" >"$out"
  since "$start"
}
declare -A ECRM_S=() SQL_S=()
for r in $(seq "$ROUNDS"); do
  for b in $BACKENDS; do
    load_avg=$(cut -d' ' -f1 /proc/loadavg)
    if [[ $SCORECARDS == all ]]; then
      e=$(python3 "$HERE/scorecards.py" fetch-all "http://127.0.0.1:${PORT[$b]}" "${KEY[$b]}" "$TMP/ecrm-$b.json") ||
        die "ecrm's scorecards failed on $b"
    else
      e=$(python3 "$HERE/scorecards.py" fetch "http://127.0.0.1:${PORT[$b]}" "${KEY[$b]}" "$TMP/ids" "$TMP/ecrm-$b.json") ||
        die "ecrm's scorecards failed on $b"
    fi
    s=$(peer "$b" "$TMP/sql-$b.txt")
    ECRM_S[$b]+=" $e"
    SQL_S[$b]+=" $s"
    say "round $r, $b: ecrm $e s, SQL $s s (load average $load_avg at the start)"
    if [[ $r == 1 ]]; then
      compared=$(python3 "$HERE/scorecards.py" compare "$TMP/ecrm-$b.json" "$TMP/sql-$b.txt") ||
        die "$b: ecrm's scorecards and the SQL differ"
      say "$b: ecrm's scorecards equal the SQL's for all $compared partners with lines"
    fi
  done
done

# --- 4. report --------------------------------------------------------------------------------
echo
echo "Medians of $ROUNDS rounds ($PARTNERS scorecards over $LINES order lines; load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
echo
what=$([[ $SCORECARDS == all ]] && echo "GET /partner-scorecards" || echo "$PARTNERS × GET …/scorecard")
echo "| backend | ecrm, $what | per scorecard | one SQL statement | ecrm / SQL | load |"
echo "|---|---|---|---|---|---|"
for b in $BACKENDS; do
  em=$(median <<<"${ECRM_S[$b]}")
  sm=$(median <<<"${SQL_S[$b]}")
  awk -v b="$b" -v e="$em" -v s="$sm" -v n="$PARTNERS" -v l="${LOADED[$b]}" 'BEGIN {
    printf "| %s | %.1f s | %.1f ms | %.1f s | %.2fx | %s |\n", b, e, 1000 * e / n, s, e / s, l }'
  echo "  rounds: ecrm${ECRM_S[$b]} s; SQL${SQL_S[$b]} s" >&2
done

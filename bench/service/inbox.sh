#!/usr/bin/env bash
# The service inbox at scale: the ticket list's views on a shop of TICKETS tickets, on SQLite and
# on PostgreSQL, next to the customers' unfiltered first page in the same run.
#
#   bench/service/inbox.sh                                   # 1,000,000 tickets, both backends
#   TICKETS=100000 BACKENDS=sqlite bench/service/inbox.sh    # quick
#   SQLITE_DB=/tmp/inbox-1m.db PG_DB_URL=postgresql://…/inbox bench/service/inbox.sh
#                                                            # keep the shops, measure them again
#
# Steps (README.md says what each measures):
#  1. load:  `ecrm demo --customers CUSTOMERS`, a staff user of role admin (the agent whose view
#            "mine" is measured) made with `ecrm user add`, 19 more agents in four teams, then the
#            tickets with one INSERT … SELECT (inbox_tickets.sql, the same rows on both backends);
#            ANALYZE (PostgreSQL: VACUUM ANALYZE, what autovacuum does to a real shop's tables);
#  2. serve: `ecrm serve --threads 2 --no-worker --no-access-log` per backend, an API key of the
#            agent with service:read and customers:read;
#  3. load test: wrk -t2 -c8 -d5s --latency on each request, backends alternating, ROUNDS rounds;
#            medians of p50, p99 and req/s; the verdict: p99 < 20 ms;
#  4. plans: each ticket request's statement as src/service/repo.cpp (ServiceRepo::list_tickets)
#            writes it: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN (ANALYZE, BUFFERS).
#
# Environment:
#   TICKETS (1000000)  CUSTOMERS (20000)  BACKENDS ("sqlite postgresql")  ROUNDS (3)
#   DURATION (5 s)  CONNECTIONS (8)  WRK_THREADS (2)  WRK_TIMEOUT (30 s)  ECRM_THREADS (2)
#   ECRM_BIN (build/ecrm)  WORK (/tmp)  PLANS (1; 0: no plans)
#   PG_SHARED_BUFFERS (1GB): shared_buffers of the throw-away cluster
#   PG_URL: a PostgreSQL server where the script may create and drop databases; without it a
#           throw-away cluster is started with tests/scripts/pg_cluster.sh and stopped at the end
#   SQLITE_DB: where the SQLite shop is kept: measured as it is when it holds tickets (loaded by
#           this script), else loaded there (without the demo step when it has customers)
#   PG_DB_URL: the same for a PostgreSQL database (kept at the end); without it the shop is the
#           database ecrm_inbox_bench on PG_URL or on the throw-away cluster
set -euo pipefail

TICKETS=${TICKETS:-1000000}
CUSTOMERS=${CUSTOMERS:-20000}
BACKENDS=${BACKENDS:-"sqlite postgresql"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-8}
WRK_THREADS=${WRK_THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-30}
ECRM_THREADS=${ECRM_THREADS:-2}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ECRM_BIN=${ECRM_BIN:-$REPO/build/ecrm}
WORK=${WORK:-/tmp}
PLANS=${PLANS:-1}
PG_URL=${PG_URL:-}
SQLITE_DB=${SQLITE_DB:-}
PG_DB_URL=${PG_DB_URL:-}
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB}

die() { echo "bench/service/inbox.sh: $*" >&2; exit 1; }
say() { echo "[$(date +%H:%M:%S)] $*"; }

[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first (make build)"
for tool in wrk curl python3 sqlite3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (make deps-test installs wrk)"
done
for n in TICKETS CUSTOMERS ROUNDS DURATION CONNECTIONS; do
  [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer"
done
for b in $BACKENDS; do
  [[ $b == sqlite || $b == postgresql ]] || die "BACKENDS may list sqlite and postgresql (got $b)"
done
[[ $BACKENDS != *postgresql* ]] || command -v psql >/dev/null || die "psql is not installed"

TMP=$(mktemp -d "$WORK/ecrm-bench-inbox.XXXXXX")
# The binary is copied, so that a rebuild during the run does not change what is measured.
cp "$ECRM_BIN" "$TMP/ecrm"
ECRM="$TMP/ecrm"
PG_STATE=""
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
  [[ -n $PG_STATE ]] && "$REPO/tests/scripts/pg_cluster.sh" stop "$PG_STATE" >/dev/null 2>&1 || true
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
since() { python3 -c "import sys; print(f'{$(date +%s.%N) - $1:.1f}')"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR == 0) print ""; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
psql() { PGOPTIONS='-c client_min_messages=warning' command psql "$@"; }
sql() {  # sql BACKEND STATEMENTS…: run on the backend's shop, rows as `a|b`
  local b=$1; shift
  if [[ $b == sqlite ]]; then sqlite3 -batch "${DB[$b]#sqlite:}" <<<"$*"
  else psql -qXAt -v ON_ERROR_STOP=1 "${DB[$b]}" -c "$*"; fi
}
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

echo "ecrm inbox benchmark: $TICKETS tickets, $CUSTOMERS customers; backends: $BACKENDS"
echo "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?)$(git -C "$REPO" diff --quiet HEAD -- src migrations 2>/dev/null || echo ' (src/ or migrations/ differ from it)')"
echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --timeout ${WRK_TIMEOUT}s --latency, $ROUNDS rounds"
echo

# --- PostgreSQL -----------------------------------------------------------------------------
if [[ $BACKENDS == *postgresql* && -z $PG_DB_URL ]]; then
  if [[ -z $PG_URL ]]; then
    PG_STATE="$TMP/pg.state"
    # A server for a million tickets keeps them in its buffer pool (the tickets and their
    # indexes are about 750 MB): the tests' 128 MB would measure reads from the OS's page cache.
    PG_URL=$(PG_CLUSTER_SETTINGS="-c shared_buffers=$PG_SHARED_BUFFERS" \
             "$REPO/tests/scripts/pg_cluster.sh" start "$PG_STATE")
    say "throw-away PostgreSQL cluster at $PG_URL"
  fi
  psql -qX "$PG_URL" -c "DROP DATABASE IF EXISTS ecrm_inbox_bench" -c "CREATE DATABASE ecrm_inbox_bench" >/dev/null
  PG_DB_URL="${PG_URL%/*}/ecrm_inbox_bench"
fi
if [[ $BACKENDS == *postgresql* ]]; then
  say "postgresql: shared_buffers $(psql -AtqX "$PG_DB_URL" -c 'SHOW shared_buffers' 2>/dev/null || echo ?)"
fi

# --- 1. load ----------------------------------------------------------------------------------
# bench_agents: the agents the tickets are assigned to; the first is the staff user the script
# signs in as (its password is kept there, so that a kept shop can be measured again).
TEAMS=(billing shipping returns technical)
load() {  # load BACKEND
  local b=$1 start email password customers
  customers=$(sql "$b" "SELECT count(*) FROM customers" 2>/dev/null || echo 0)
  if [[ ${customers:-0} -gt 0 ]]; then
    say "$b: the shop has $customers customers and no tickets: no demo shop loaded"
  else
    say "$b: ecrm demo --customers $CUSTOMERS …"
    start=$(now)
    "$ECRM" demo --db "${DB[$b]}" --customers "$CUSTOMERS" >"$TMP/demo-$b.log" 2>&1 ||
      { cat "$TMP/demo-$b.log" >&2; die "ecrm demo failed on $b"; }
    say "$b: demo shop loaded in $(since "$start") s"
  fi
  email="agent0-$(python3 -c 'import secrets; print(secrets.token_hex(4))')@inbox.example"
  password="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
  "$ECRM" user add --db "${DB[$b]}" --email "$email" --role admin --name "Agent 0" \
    --password "$password" >/dev/null 2>&1 || die "ecrm user add failed on $b"
  local now_ms; now_ms=$(date +%s%3N)
  local agents="DROP TABLE IF EXISTS bench_agents; CREATE TABLE bench_agents (k INTEGER PRIMARY KEY, user_id BIGINT NOT NULL, team TEXT NOT NULL, email TEXT NOT NULL, password TEXT NOT NULL DEFAULT '');"
  agents+="INSERT INTO bench_agents (k, user_id, team, email, password) SELECT 0, id, '${TEAMS[0]}', email, '$password' FROM users WHERE email = '$email';"
  for k in $(seq 19); do
    agents+="INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES ('agent$k-${email#*-}', 'Agent $k', 'service', '!', $now_ms, $now_ms);"
    agents+="INSERT INTO bench_agents (k, user_id, team, email) SELECT $k, id, '${TEAMS[$((k % 4))]}', email FROM users WHERE email = 'agent$k-${email#*-}';"
  done
  sql "$b" "$agents" >/dev/null
  say "$b: $TICKETS tickets (bench/service/inbox_tickets.sql) …"
  start=$(now)
  local tickets
  tickets=$(sed -e '/^--/d' -e "s/:TICKETS/$TICKETS/g" -e "s/:NOW/$now_ms/g" "$REPO/bench/service/inbox_tickets.sql")
  sql "$b" "$tickets" >/dev/null
  say "$b: tickets written in $(since "$start") s"
  start=$(now)
  sql "$b" "$([[ $b == sqlite ]] && echo ANALYZE || echo VACUUM ANALYZE)" >/dev/null
  say "$b: $([[ $b == sqlite ]] && echo ANALYZE || echo VACUUM ANALYZE) in $(since "$start") s"
}

for b in $BACKENDS; do
  if [[ $b == sqlite ]]; then DB[$b]="sqlite:${SQLITE_DB:-$TMP/inbox.db}"; else DB[$b]=$PG_DB_URL; fi
  have=$(sql "$b" "SELECT count(*) FROM tickets" 2>/dev/null || echo 0)
  if [[ ${have:-0} -gt 0 ]]; then
    say "$b: measuring the existing shop ${DB[$b]} ($have tickets)"
  else
    load "$b"
  fi
  sql "$b" "SELECT status, count(*), sum(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END) FROM tickets GROUP BY status ORDER BY 2 DESC" |
    awk -F'|' 'BEGIN { printf "  tickets by status (unassigned):" } { printf " %s %s (%s)", $1, $2, $3 } END { print "" }'
done

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
declare -A ME=() OTHER=() CUSTOMER=()
for b in $BACKENDS; do
  PORT[$b]=$(free_port)
  "$ECRM" serve --db "${DB[$b]}" --port "${PORT[$b]}" --threads "$ECRM_THREADS" --no-access-log \
    --no-worker >>"$TMP/serve-$b.log" 2>&1 &
  SERVER_PID[$b]=$!
  wait_http "http://127.0.0.1:${PORT[$b]}/healthz" "${SERVER_PID[$b]}" "$TMP/serve-$b.log"
  base="http://127.0.0.1:${PORT[$b]}"
  IFS='|' read -r email password < <(sql "$b" "SELECT email, password FROM bench_agents WHERE k = 0")
  login=$(curl -sf -c "$TMP/cookies-$b" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/login") || die "login failed on $b"
  csrf=$(json_field csrf_token <<<"$login")
  created=$(curl -sf -b "$TMP/cookies-$b" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"inbox bench","scopes":["service:read","customers:read"]}' \
    "$base/api/v1/api-keys") || die "creating the API key failed on $b"
  KEY[$b]=$(json_field key <<<"$created")
  ME[$b]=$(sql "$b" "SELECT user_id FROM bench_agents WHERE k = 0")
  OTHER[$b]=$(sql "$b" "SELECT user_id FROM bench_agents WHERE k = 5")
  # The 360° page's customer: the one of the newest ticket.
  CUSTOMER[$b]=$(sql "$b" "SELECT customer_id FROM tickets ORDER BY id DESC LIMIT 1")
  say "$b: ecrm serve on port ${PORT[$b]} (--threads $ECRM_THREADS --no-worker); agent 0 is user ${ME[$b]}"
done

# --- 3. load test -----------------------------------------------------------------------------
TARGETS=(page mine unassigned breaching open status_assignee open_p2 breaching_p2 customer)
declare -A LABEL=(
  [page]="customers?limit=50 (the peer)"
  [mine]="tickets?view=mine"
  [unassigned]="tickets?view=unassigned"
  [breaching]="tickets?view=breaching"
  [open]="tickets?active=true (all open)"
  [status_assignee]="tickets?status=open&assignee=(agent 5)"
  [open_p2]="tickets?active=true, page 2 (cursor)"
  [breaching_p2]="tickets?view=breaching, page 2 (cursor)"
  [customer]="tickets?customer_id= (360° page)"
)
declare -A PATH_OF=()
path_of() {  # path_of BACKEND TARGET
  local b=$1 t=$2
  case $t in
    page) echo "/api/v1/customers?limit=50" ;;
    mine) echo "/api/v1/tickets?view=mine&limit=50" ;;
    unassigned) echo "/api/v1/tickets?view=unassigned&limit=50" ;;
    breaching) echo "/api/v1/tickets?view=breaching&limit=50" ;;
    open) echo "/api/v1/tickets?active=true&limit=50" ;;
    status_assignee) echo "/api/v1/tickets?status=open&assignee=${OTHER[$b]}&limit=50" ;;
    customer) echo "/api/v1/tickets?customer_id=${CUSTOMER[$b]}&limit=50" ;;
    open_p2 | breaching_p2)
      # Nothing when the first page is the only one (a small shop).
      local first=${PATH_OF[$b.${t%_p2}]} cursor
      cursor=$(curl -sf -H "Authorization: Bearer ${KEY[$b]}" "http://127.0.0.1:${PORT[$b]}$first" |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_cursor") or "")') ||
        die "$b: $first failed"
      [[ -z $cursor ]] || echo "$first&cursor=$cursor" ;;
  esac
}

for b in $BACKENDS; do
  say "$b: what each request finds, warming the caches"
  for t in "${TARGETS[@]}"; do
    PATH_OF[$b.$t]=$(path_of "$b" "$t")
    if [[ -z ${PATH_OF[$b.$t]} ]]; then
      printf '  %-42s no second page: not measured\n' "${LABEL[$t]}"
      continue
    fi
    code=$(curl -s -o "$TMP/probe.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer ${KEY[$b]}" \
      "http://127.0.0.1:${PORT[$b]}${PATH_OF[$b.$t]}")
    [[ ${code% *} == 200 ]] || { cat "$TMP/probe.json" >&2; die "$b: ${PATH_OF[$b.$t]} answered ${code% *}"; }
    printf '  %-42s %3s items, next_cursor %-3s first request %6.1f ms\n' "${LABEL[$t]}" \
      "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' <"$TMP/probe.json")" \
      "$(python3 -c 'import json,sys; print("yes" if json.load(sys.stdin).get("next_cursor") else "no")' <"$TMP/probe.json")" \
      "$(awk -v s="${code#* }" 'BEGIN { print s * 1000 }')"
  done
done
echo

to_ms() {  # wrk latency (812.00us, 1.23ms, 2.01s) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}
declare -A P50 P99 RPS ERRORS LOADS
status=0
for round in $(seq "$ROUNDS"); do
  LOADS[$round]=$(cut -d' ' -f1 /proc/loadavg)
  for t in "${TARGETS[@]}"; do
    for b in $BACKENDS; do
      [[ -n ${PATH_OF[$b.$t]} ]] || continue
      out="$TMP/wrk-$b-$t-$round.txt"
      wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency \
        -H "Authorization: Bearer ${KEY[$b]}" "http://127.0.0.1:${PORT[$b]}${PATH_OF[$b.$t]}" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed on $b $t"; }
      p50=$(awk '$1 == "50%" {print $2}' "$out")
      p99=$(awk '$1 == "99%" {print $2}' "$out")
      rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
      [[ -n $p50 && -n $p99 && -n $rps ]] || { cat "$out" >&2; die "cannot parse wrk output ($b $t)"; }
      p50=$(to_ms "$p50"); p99=$(to_ms "$p99")
      errors=""
      if line=$(grep -E '^ *Non-2xx or 3xx responses:' "$out"); then errors+=" non2xx=${line##*: }"; fi
      if line=$(grep -E '^ *Socket errors:' "$out"); then errors+=" socket(${line#*: })"; fi
      P50[$b.$t]+="$p50 "; P99[$b.$t]+="$p99 "; RPS[$b.$t]+="$rps "
      [[ -n $errors ]] && ERRORS[$b.$t]+="round $round:$errors; "
      printf 'round %d  %-10s %-16s p50 %8.2f ms  p99 %8.2f ms %9.0f req/s%s\n' "$round" "$b" "$t" \
        "$p50" "$p99" "$rps" "${errors:+  !!$errors}"
    done
  done
done
echo "load average at the start of each round: ${LOADS[*]}; now $(cut -d' ' -f1-3 /proc/loadavg)"
echo

MISSED=()
for b in $BACKENDS; do
  echo "$b, $TICKETS tickets (medians of $ROUNDS rounds; target: p99 < 20 ms)"
  printf '| %-42s | %8s | %8s | %8s | %9s | %s |\n' "request" "p50 ms" "p99 ms" "req/s" "p99/page" "target"
  printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..44})" "----------" "----------" "----------" "-----------" "--------"
  page_p99=$(median <<<"${P99[$b.page]}")
  for t in "${TARGETS[@]}"; do
    [[ -n ${PATH_OF[$b.$t]} ]] || continue
    p50=$(median <<<"${P50[$b.$t]}"); p99=$(median <<<"${P99[$b.$t]}"); rps=$(median <<<"${RPS[$b.$t]}")
    ratio=$(awk -v a="$p99" -v b="$page_p99" 'BEGIN { printf "%.1fx", a / b }')
    verdict="-"
    if [[ $t != page ]]; then
      if awk -v a="$p99" 'BEGIN { exit !(a < 20) }'; then verdict="met"; else verdict="MISSED"; MISSED+=("$b.$t"); fi
    fi
    printf '| %-42s | %8.2f | %8.2f | %8.0f | %9s | %s |\n' "${LABEL[$t]}" "$p50" "$p99" "$rps" "$ratio" "$verdict"
    if [[ -n ${ERRORS[$b.$t]:-} ]]; then echo "  errors on $b $t: ${ERRORS[$b.$t]}" >&2; status=1; fi
  done
  echo
done

# --- 4. plans ---------------------------------------------------------------------------------
# Each request's statement as ServiceRepo::list_tickets (src/service/repo.cpp) writes it, and the
# values it binds (the breaching view: due within the hour of now; page 2: after the first page's
# last row): two lines, the statement and its values separated by commas.
list_sql() {  # list_sql BACKEND TARGET
  local b=$1 t=$2 until last due
  until=$(( $(date +%s%3N) + 3600000 ))
  case $t in
    mine) echo "WHERE assignee_id = \$1 AND active = 1 ORDER BY id DESC LIMIT \$2"; echo "${ME[$b]},50" ;;
    unassigned) echo "WHERE assignee_id IS NULL AND active = 1 ORDER BY id DESC LIMIT \$1"; echo "50" ;;
    breaching) echo "WHERE active = 1 AND next_due_at <= \$1 ORDER BY next_due_at, id LIMIT \$2"; echo "$until,50" ;;
    open) echo "WHERE active = 1 ORDER BY id DESC LIMIT \$1"; echo "50" ;;
    status_assignee) echo "WHERE assignee_id = \$1 AND status = \$2 ORDER BY id DESC LIMIT \$3"; echo "${OTHER[$b]},'open',50" ;;
    open_p2)
      last=$(sql "$b" "SELECT min(id) FROM (SELECT id FROM tickets WHERE active = 1 ORDER BY id DESC LIMIT 50) p")
      echo "WHERE active = 1 AND id < \$1 ORDER BY id DESC LIMIT \$2"; echo "$last,50" ;;
    breaching_p2)
      IFS='|' read -r due last < <(sql "$b" "SELECT next_due_at, id FROM tickets WHERE active = 1 AND next_due_at <= $until ORDER BY next_due_at, id LIMIT 1 OFFSET 49")
      echo "WHERE active = 1 AND next_due_at <= \$1 AND (next_due_at, id) > (\$2, \$3) ORDER BY next_due_at, id LIMIT \$4"
      echo "$until,$due,$last,50" ;;
    customer)
      # PostgreSQL: the limit as an InitPlan (kCustomerPage), so that the walk of tickets_customer wins.
      if [[ $b == sqlite ]]; then echo "WHERE customer_id = \$1 ORDER BY id DESC LIMIT \$2"
      else echo "WHERE customer_id = \$1 ORDER BY id DESC LIMIT (SELECT CAST(\$2 AS BIGINT))"; fi
      echo "${CUSTOMER[$b]},50" ;;
  esac
}
bind() {  # bind STATEMENT VALUES: the values written in for $1, $2, …
  python3 -c 'import re, sys
values = sys.argv[2].split(",")
print(re.sub(r"\$(\d+)", lambda m: values[int(m.group(1)) - 1], sys.argv[1]))' "$1" "$2"
}
if [[ $PLANS != 0 ]]; then
  for b in $BACKENDS; do
    echo "plans on $b"
    for t in "${TARGETS[@]}"; do
      [[ $t != page && -n ${PATH_OF[$b.$t]} ]] || continue
      { read -r where; read -r values; } < <(list_sql "$b" "$t")
      q="SELECT * FROM tickets $where"
      echo "== ${LABEL[$t]}: $q ($values)"
      if [[ $b == sqlite ]]; then
        sqlite3 "${DB[$b]#sqlite:}" "EXPLAIN QUERY PLAN $(bind "$q" "$values")" | sed 's/^/   /'
      else
        # The server prepares its statements: PostgreSQL plans them for the values bound (custom
        # plans) and may settle on one plan for any values after five runs (the generic plan).
        for mode in custom generic; do
          echo "   -- $mode plan"
          psql -qXAt "${DB[$b]}" -c "PREPARE list AS $q" -c "SET plan_cache_mode = force_${mode}_plan" \
            -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE list($values)" | sed 's/^/   /'
        done
      fi
    done
    echo
  done
fi

[[ ${#MISSED[@]} -eq 0 ]] || echo "requests that missed the target: ${MISSED[*]}"
exit "$status"

#!/usr/bin/env bash
# Messaging at scale: how long a campaign to CUSTOMERS customers takes to be enrolled and queued
# (POST /api/v1/campaigns/{id}/send), on SQLite and PostgreSQL; and how fast the delivery worker
# hands MESSAGES messages to postfix's smtp-sink, next to postfix's smtp-source sending the same
# number of messages of the same bytes to the same sink over the same number of connections.
#
#   bench/messaging/run.sh                               # both parts, SQLite and PostgreSQL
#   PARTS=queue BACKENDS=sqlite bench/messaging/run.sh   # the 1M campaign on SQLite only
#   PARTS=delivery MESSAGES=5000 bench/messaging/run.sh  # a quick delivery run
#
# Steps (README.md says what each measures and why):
#  queue:    a database of CUSTOMERS customers with an address and e-mail consent, made once and
#            kept in DATA (SQLite: `ecrm migrate` then `ecrm import customers` of a generated
#            CSV; PostgreSQL: the same rows copied from that SQLite database with COPY). Then,
#            ROUNDS times on a fresh copy: `ecrm serve --no-worker`, a staff user, the template,
#            a campaign to every customer with a holdout of HOLDOUT percent, and the time of
#            POST /api/v1/campaigns/{id}/send as curl sees it (target: < 10 s at 1,000,000).
#  delivery: smtp-sink on a free port; the message a campaign sends captured once with
#            tests/scripts/smtp_server.py (its exact bytes, for smtp-source -F); then ROUNDS
#            times, alternating: ecrm serve --smtp-connections CONNECTIONS delivering a campaign
#            to MESSAGES customers (from the campaign's queueing to the last message's sent_at,
#            read from the outbox), and `smtp-source -s CONNECTIONS -m MESSAGES -d -F message`.
#            Medians, messages/s, CPU per message, and the ratio (target: >= 0.5).
#
# Environment:
#   CUSTOMERS (1000000)  ROUNDS (3)  HOLDOUT (10)  BACKENDS ("sqlite postgresql")
#   PARTS ("queue delivery")  MESSAGES (20000)  CONNECTIONS (4)  DELIVERY_BACKENDS (sqlite)
#   ECRM_BIN (build/ecrm)  WORK (/tmp): where the temporary directory goes
#   DATA (/tmp/ecrm-bench-messaging): where the seeded SQLite databases are kept between runs
#   PG_URL: a PostgreSQL server where the script may create and drop databases; without it a
#           throw-away cluster is started with tests/scripts/pg_cluster.sh and stopped at the end
#   PG_JOURNAL (yes): delivery on PostgreSQL with an outcome journal (--delivery-journal in the
#           temporary directory); no: without one (each outcome committed before the next message).
#           On SQLite the server's default is used: a journal next to the database file
# Needs: curl, python3, sqlite3; psql for PostgreSQL; postfix's smtp-sink and smtp-source and
# python3-aiosmtpd (/usr/bin/python3) for the delivery part (make deps-bench installs them).
set -euo pipefail

CUSTOMERS=${CUSTOMERS:-1000000}
ROUNDS=${ROUNDS:-3}
HOLDOUT=${HOLDOUT:-10}
BACKENDS=${BACKENDS:-"sqlite postgresql"}
PARTS=${PARTS:-"queue delivery"}
MESSAGES=${MESSAGES:-20000}
CONNECTIONS=${CONNECTIONS:-4}
DELIVERY_BACKENDS=${DELIVERY_BACKENDS:-sqlite}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
WORK=${WORK:-/tmp}
DATA=${DATA:-/tmp/ecrm-bench-messaging}
PG_URL=${PG_URL:-}
PG_JOURNAL=${PG_JOURNAL:-yes}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
die() { echo "bench/messaging/run.sh: $*" >&2; exit 1; }
say() { echo "[$(date +%H:%M:%S)] $*"; }

[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first (make build)"
for tool in curl python3 sqlite3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[[ $PG_JOURNAL == yes || $PG_JOURNAL == no ]] || die "PG_JOURNAL must be yes or no"
for n in CUSTOMERS ROUNDS MESSAGES CONNECTIONS; do
  [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer"
done
[[ $HOLDOUT =~ ^[0-9]+$ && $HOLDOUT -le 50 ]] || die "HOLDOUT must be 0 to 50"
for b in $BACKENDS $DELIVERY_BACKENDS; do
  [[ $b == sqlite || $b == postgresql ]] || die "backends may be sqlite and postgresql (got $b)"
done
needs_pg() { [[ $PARTS == *queue* && $BACKENDS == *postgresql* ]] ||
             [[ $PARTS == *delivery* && $DELIVERY_BACKENDS == *postgresql* ]]; }
! needs_pg || command -v psql >/dev/null || die "psql is not installed"
if [[ $PARTS == *delivery* ]]; then
  for tool in smtp-sink smtp-source; do
    command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: postfix; make deps-bench)"
  done
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd is not installed"
fi

mkdir -p "$DATA"
TMP=$(mktemp -d "$WORK/ecrm-bench-messaging.XXXXXX")
# The binary is copied, so that a rebuild during the run does not change what is measured.
cp "$ECRM_BIN" "$TMP/ecrm"
ECRM="$TMP/ecrm"
PG_STATE=""
SERVER_PID=""
SINK_PID=""
CAPTURE_PID=""
OWN_PG_DBS=()

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
  stop "$SERVER_PID"; stop "$SINK_PID"; stop "$CAPTURE_PID"
  if [[ -n $PG_URL ]]; then
    for db in "${OWN_PG_DBS[@]}"; do psql -qX "$PG_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
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
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR == 0) print ""; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
psql() { PGOPTIONS='-c client_min_messages=warning' command psql "$@"; }
pg_db_url() { echo "${PG_URL%/*}/$1"; }
pg_create() {  # pg_create NAME [TEMPLATE]: a database the script drops at the end
  psql -qX "$PG_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1${2:+ TEMPLATE $2}" >/dev/null
  OWN_PG_DBS+=("$1")
}
pg_drop() { psql -qX "$PG_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system time of a process
TICKS=$(getconf CLK_TCK)

echo "ecrm messaging benchmark: parts: $PARTS"
echo "ecrm $("$ECRM" --version 2>/dev/null | head -1 || true), commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?)$(git -C "$REPO" diff --quiet HEAD -- src migrations 2>/dev/null || echo ' (src/ or migrations/ differ from it)')"
echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if needs_pg && [[ -z $PG_URL ]]; then
  PG_STATE="$TMP/pg.state"
  PG_URL=$("$REPO/tests/scripts/pg_cluster.sh" start "$PG_STATE")
  say "throw-away PostgreSQL cluster at $PG_URL"
fi

# --- seeding ----------------------------------------------------------------------------------
# seed_sqlite N: sets SEED_DB to a migrated SQLite database with N consenting customers, made
# with ecrm's own import the first time and kept in DATA.
seed_sqlite() {
  local n=$1
  SEED_DB="$DATA/customers-$n.db"
  [[ -s $SEED_DB ]] && return 0
  say "seeding $n customers into $SEED_DB (ecrm import customers) …"
  python3 "$REPO/bench/messaging/generate.py" "$TMP/customers.csv" "$n"
  rm -f "$SEED_DB.tmp"*
  "$ECRM" migrate --db "sqlite:$SEED_DB.tmp" >/dev/null 2>&1
  local start; start=$(now)
  "$ECRM" import customers "$TMP/customers.csv" --db "sqlite:$SEED_DB.tmp" --quiet
  # Checkpointed into one file, so that a copy of it is the whole database.
  sqlite3 "$SEED_DB.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  mv "$SEED_DB.tmp" "$SEED_DB"
  rm -f "$TMP/customers.csv" "$SEED_DB.tmp-wal" "$SEED_DB.tmp-shm"
  say "  seeded in $(python3 -c "print(f'{$(now) - $start:.1f}')") s"
}

# seed_pg N: creates the template database ecrm_bench_msg_N once per run: migrated by ecrm, the
# customers and their tags copied row for row from the SQLite seed.
declare -A PG_SEEDED=()
seed_pg() {
  local n=$1 name="ecrm_bench_msg_$1"
  [[ -n ${PG_SEEDED[$n]:-} ]] && return 0
  seed_sqlite "$n"
  pg_create "$name"
  "$ECRM" migrate --db "$(pg_db_url "$name")" >/dev/null 2>&1
  local cols start
  cols=$(sqlite3 "$SEED_DB" "SELECT group_concat(name, ', ') FROM pragma_table_info('customers')")
  start=$(now)
  sqlite3 -csv "$SEED_DB" "SELECT $cols FROM customers ORDER BY id" |
    psql -qX "$(pg_db_url "$name")" -c "\\copy customers ($cols) FROM pstdin WITH (FORMAT csv)"
  sqlite3 -csv "$SEED_DB" "SELECT customer_id, tag FROM customer_tags" |
    psql -qX "$(pg_db_url "$name")" -c "\\copy customer_tags (customer_id, tag) FROM pstdin WITH (FORMAT csv)"
  psql -qX "$(pg_db_url "$name")" \
    -c "SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))" \
    -c "VACUUM ANALYZE" >/dev/null
  say "  copied $n customers to PostgreSQL in $(python3 -c "print(f'{$(now) - $start:.1f}')") s"
  PG_SEEDED[$n]=1
}
seed() { if [[ $1 == sqlite ]]; then seed_sqlite "$2"; else seed_pg "$2"; fi; }

# fresh_db BACKEND N: sets URL to a fresh copy of the seed of N customers (ROUND_DB: its file).
fresh_db() {
  local b=$1 n=$2
  if [[ $b == sqlite ]]; then
    seed_sqlite "$n"
    ROUND_DB="$TMP/round.db"
    cp "$SEED_DB" "$ROUND_DB"
    URL="sqlite:$ROUND_DB"
  else
    pg_create ecrm_bench_msg_round "ecrm_bench_msg_$n"
    URL=$(pg_db_url ecrm_bench_msg_round)
  fi
}
drop_db() {
  if [[ $1 == sqlite ]]; then rm -f "$ROUND_DB" "$ROUND_DB-wal" "$ROUND_DB-shm" "$ROUND_DB-delivery"
  else pg_drop ecrm_bench_msg_round; fi
}

# --- serving ----------------------------------------------------------------------------------
TEMPLATE=$(python3 - <<'EOF'
import json
paragraph = ("Our spring collection is here: linen shirts, light jackets and the canvas shoes "
             "many of you asked for, in the colours of the season. ")
html = ("<html><body><h1>Spring news for {{customer.first_name}}</h1>"
        "<p>Dear {{customer.name}},</p>" + "".join(f"<p>{paragraph * 2}</p>" for _ in range(4)) +
        "<p><a href=\"{{shop.url}}/spring\">See the collection</a></p>"
        "<p>{{shop.name}}</p><p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p></body></html>")
text = ("Dear {{customer.name}},\n\n" + "\n\n".join(paragraph * 2 for _ in range(4)) +
        "\n\nSee the collection: {{shop.url}}/spring\n\n{{shop.name}}\n"
        "Unsubscribe: {{unsubscribe_url}}\n")
print(json.dumps({"kind": "marketing", "subject": "Spring news for {{customer.first_name}}",
                  "html": html, "text": text}))
EOF
)
MAIL_FROM="Bench Shop <news@bench.example>"
ADMIN_EMAIL="bench@bench.example"
ADMIN_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"

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
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# serve DB_URL [ARGS…]: starts ecrm serve on DB_URL with a staff user, signs in, stores the
# template bench_news; sets SERVER_PID, BASE and CSRF (cookies in $TMP/cookies).
serve() {
  local url=$1; shift
  "$ECRM" user add --db "$url" --email "$ADMIN_EMAIL" --role admin --password "$ADMIN_PASSWORD" >/dev/null 2>&1 ||
    die "ecrm user add failed on $url"
  local port; port=$(free_port)
  "$ECRM" serve --db "$url" --port "$port" --threads 2 --no-access-log --mail-from "$MAIL_FROM" \
    --public-url "https://bench.example" "$@" >>"$TMP/serve.log" 2>&1 &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$port"
  wait_http "$BASE/healthz" "$SERVER_PID" "$TMP/serve.log"
  local login
  login=$(curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" "$BASE/api/v1/auth/login") || die "login failed"
  CSRF=$(json_field csrf_token <<<"$login")
  api PUT /api/v1/message-templates/bench_news/en "$TEMPLATE" >/dev/null || die "storing the template failed"
}
api() {  # api METHOD PATH [JSON]: the response body; fails on a non-2xx status
  curl -sf -b "$TMP/cookies" -X "$1" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
    ${3:+-d "$3"} "$BASE$2"
}
new_campaign() {  # new_campaign HOLDOUT: the id of a draft campaign to every customer
  api POST /api/v1/campaigns "{\"name\":\"bench\",\"template_key\":\"bench_news\",\"audience\":{},\"holdout_percent\":$1}" |
    json_field id
}

# --- 1. queue ---------------------------------------------------------------------------------
declare -A QUEUE_TIMES=()
if [[ $PARTS == *queue* ]]; then
  for b in $BACKENDS; do seed "$b" "$CUSTOMERS"; done
  say "queue: a campaign to $CUSTOMERS customers (holdout $HOLDOUT%), $ROUNDS rounds on fresh copies"
  for round in $(seq "$ROUNDS"); do
    for b in $BACKENDS; do
      fresh_db "$b" "$CUSTOMERS"
      serve "$URL" --no-worker
      id=$(new_campaign "$HOLDOUT")
      out=$(curl -sf -o "$TMP/sent.json" -w '%{time_total}' -b "$TMP/cookies" -X POST \
        -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" -d '{}' \
        "$BASE/api/v1/campaigns/$id/send") || die "sending the campaign failed on $b"
      recipients=$(json_field recipients <"$TMP/sent.json")
      holdout=$(json_field holdout <"$TMP/sent.json")
      [[ $((recipients + holdout)) == "$CUSTOMERS" ]] ||
        die "$b: $recipients recipients + $holdout held out is not $CUSTOMERS"
      QUEUE_TIMES[$b]+="$out "
      printf '  round %d  %-10s %6.2f s  (%d queued, %d held out)\n' "$round" "$b" "$out" "$recipients" "$holdout"
      stop "$SERVER_PID"; SERVER_PID=""
      drop_db "$b"
    done
  done
  echo
fi

# --- 2. delivery ------------------------------------------------------------------------------
declare -A ECRM_RATES=() ECRM_CPU=() SOURCE_RATES=() SOURCE_CPU=()
if [[ $PARTS == *delivery* ]]; then
  for b in $DELIVERY_BACKENDS; do seed "$b" "$MESSAGES"; done
  SINK_PORT=$(free_port)
  if [[ $(id -u) == 0 ]]; then
    smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 1024 >"$TMP/sink.log" 2>&1 &
  else
    smtp-sink "127.0.0.1:$SINK_PORT" 1024 >"$TMP/sink.log" 2>&1 &
  fi
  SINK_PID=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && break
    kill -0 "$SINK_PID" 2>/dev/null || { cat "$TMP/sink.log" >&2; die "smtp-sink exited"; }
    sleep 0.1
  done
  say "delivery: smtp-sink on 127.0.0.1:$SINK_PORT"

  # The message as ecrm sends it, captured once by the test SMTP server.
  mkdir -p "$TMP/capture"
  /usr/bin/python3 "$REPO/tests/scripts/smtp_server.py" --port-file "$TMP/capture/port" \
    --out "$TMP/capture/got.jsonl" >"$TMP/capture/log" 2>&1 &
  CAPTURE_PID=$!
  for _ in $(seq 100); do [[ -s $TMP/capture/port ]] && break; sleep 0.1; done
  seed_sqlite "$MESSAGES"
  cp "$SEED_DB" "$TMP/capture.db"
  serve "sqlite:$TMP/capture.db" --smtp-url "smtp://127.0.0.1:$(cat "$TMP/capture/port")"
  api POST /api/v1/messages '{"customer_id":1,"template_key":"bench_news"}' >/dev/null
  for _ in $(seq 100); do [[ -s $TMP/capture/got.jsonl ]] && break; sleep 0.1; done
  stop "$SERVER_PID"; SERVER_PID=""; stop "$CAPTURE_PID"; CAPTURE_PID=""
  rm -f "$TMP/capture.db"*
  python3 -c '
import json, sys
data = json.loads(open(sys.argv[1]).readline())["data"]
open(sys.argv[2], "w", newline="").write(data.replace("\r\n", "\n"))
print(len(data.encode()))' "$TMP/capture/got.jsonl" "$TMP/message.eml" >"$TMP/message.size" ||
    die "no message was captured"
  SIZE=$(cat "$TMP/message.size")
  say "  the message: $SIZE bytes as sent (headers, text and HTML parts in base64)"
  say "  $MESSAGES messages, $CONNECTIONS connections, $ROUNDS rounds"

  for round in $(seq "$ROUNDS"); do
    for b in $DELIVERY_BACKENDS; do
      fresh_db "$b" "$MESSAGES"
      journal=()
      if [[ $PG_JOURNAL == yes && $b == postgresql ]]; then
        journal=(--delivery-journal "$TMP/pg-delivery")
      fi
      serve "$URL" --smtp-url "smtp://127.0.0.1:$SINK_PORT" --smtp-connections "$CONNECTIONS" \
        "${journal[@]}"
      id=$(new_campaign 0)
      cpu0=$(cpu_ticks "$SERVER_PID")
      api POST "/api/v1/campaigns/$id/send" '{}' >"$TMP/sent.json"
      queued_at=$(json_field sent_at <"$TMP/sent.json")
      while :; do
        stats=$(api GET /api/v1/messages/stats)
        python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["queued"] == 0 and d["sending"] == 0 else 1)' "$stats" && break
        sleep 0.2
      done
      cpu1=$(cpu_ticks "$SERVER_PID")
      sent=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["sent"])' "$stats")
      [[ $sent == "$MESSAGES" ]] || die "$b: $sent of $MESSAGES sent: $stats"
      if [[ $b == sqlite ]]; then
        last=$(sqlite3 "$ROUND_DB" "SELECT max(sent_at) FROM messages")
      else
        last=$(psql -qXAt "$URL" -c "SELECT max(sent_at) FROM messages")
      fi
      stop "$SERVER_PID"; SERVER_PID=""
      drop_db "$b"
      read -r rate cpu_ms < <(python3 -c "s = ($last - $queued_at) / 1000; print(f'{$MESSAGES / s:.0f} {($cpu1 - $cpu0) * 1000 / $TICKS / $MESSAGES:.3f}')")
      ECRM_RATES[$b]+="$rate "; ECRM_CPU[$b]+="$cpu_ms "
      printf '  round %d  ecrm (%s)   %6d msg/s  %.3f ms CPU per message\n' "$round" "$b" "$rate" "$cpu_ms"
    done
    read -r rate cpu_ms < <(python3 - "$CONNECTIONS" "$MESSAGES" "$TMP/message.eml" "$SINK_PORT" <<'EOF'
import resource, subprocess, sys, time
connections, messages, message, port = sys.argv[1:]
start = time.monotonic()
subprocess.run(["smtp-source", "-s", connections, "-m", messages, "-d", "-F", message,
                "-f", "news@bench.example", "-t", "customer@example.com", f"127.0.0.1:{port}"],
               check=True)
seconds = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{int(messages) / seconds:.0f} {(usage.ru_utime + usage.ru_stime) * 1000 / int(messages):.3f}")
EOF
    )
    SOURCE_RATES[all]+="$rate "; SOURCE_CPU[all]+="$cpu_ms "
    printf '  round %d  smtp-source     %6d msg/s  %.3f ms CPU per message\n' "$round" "$rate" "$cpu_ms"
  done
  echo
fi

# --- summary ----------------------------------------------------------------------------------
status=0
if [[ $PARTS == *queue* ]]; then
  echo "queue: POST /api/v1/campaigns/{id}/send for $CUSTOMERS customers, median of $ROUNDS (target < 10 s)"
  for b in $BACKENDS; do
    m=$(median <<<"${QUEUE_TIMES[$b]}")
    verdict=$(awk -v m="$m" 'BEGIN { print (m < 10) ? "met" : "MISSED" }')
    [[ $verdict == met ]] || status=1
    printf '  %-10s %6.2f s  (%s)  %s\n' "$b" "$m" "${QUEUE_TIMES[$b]% }" "$verdict"
  done
fi
if [[ $PARTS == *delivery* ]]; then
  src=$(median <<<"${SOURCE_RATES[all]}")
  echo "delivery: $MESSAGES messages of $SIZE bytes to smtp-sink over $CONNECTIONS connections, medians of $ROUNDS (target >= 0.5 of smtp-source)"
  printf '  %-18s %6.0f msg/s  %.3f ms CPU per message  (%s)\n' smtp-source "$src" \
    "$(median <<<"${SOURCE_CPU[all]}")" "${SOURCE_RATES[all]% }"
  for b in $DELIVERY_BACKENDS; do
    m=$(median <<<"${ECRM_RATES[$b]}")
    ratio=$(awk -v a="$m" -v b="$src" 'BEGIN { printf "%.2f", a / b }')
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "met" : "MISSED" }')
    [[ $verdict == met ]] || status=1
    printf '  %-18s %6.0f msg/s  %.3f ms CPU per message  (%s)  ratio %s  %s\n' "ecrm ($b)" "$m" \
      "$(median <<<"${ECRM_CPU[$b]}")" "${ECRM_RATES[$b]% }" "$ratio" "$verdict"
  done
fi
exit "$status"

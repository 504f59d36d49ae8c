#!/usr/bin/env bash
# HTTP load benchmark: ecrm next to nginx on loopback, measured with wrk.
#
# Targets (each run as `wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency`):
#   nginx    a private nginx serving a 15-byte static file (the size of ecrm's /healthz body)
#   healthz  ecrm GET /healthz (no database, no authentication)
#   me       ecrm GET /api/v1/me with an API key (Authorization: Bearer ...)
# The targets are run in alternating rounds; the report gives, per target, the median
# requests/s and the median 99th-percentile latency over the rounds, and ecrm's req/s as a
# fraction of nginx's.
#
# Usage: bench/http.sh            (from the repository root, after `make build`)
# Environment: ROUNDS (3), DURATION seconds per run (10), CONNECTIONS (64), WRK_THREADS (2),
#              ECRM_THREADS ecrm I/O threads (2), NGINX_WORKERS (2), ECRM_BIN (build/ecrm).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/nginx.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
ECRM_THREADS=${ECRM_THREADS:-2}
NGINX_WORKERS=${NGINX_WORKERS:-2}
ECRM_BIN=${ECRM_BIN:-build/ecrm}

die() { echo "bench/http.sh: $*" >&2; exit 1; }

[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first (make build)"
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (make deps-test installs wrk and nginx)"
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive integer (seconds)"

TMP=$(mktemp -d -t ecrm-bench-http.XXXXXX)
ECRM_PID=""
NGINX_PID=""

stop() {  # stop PID: TERM, wait up to 5 s, then KILL
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop "$ECRM_PID"
  stop "$NGINX_PID"
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() {  # wait_http URL PID LOG: until URL answers 200, or fail if PID exits
  local url=$1 pid=$2 log=$3
  for _ in $(seq 100); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" || true) == 200 ]]; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "server for $url exited"; }
    sleep 0.1
  done
  cat "$log" >&2
  die "$url did not answer 200 within 10 s"
}

json_field() {  # json_field NAME < JSON
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# --- ecrm -------------------------------------------------------------------------------
ECRM_PORT=$(free_port)
ADMIN_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
ECRM_BASE="http://127.0.0.1:$ECRM_PORT"

start_ecrm() {
  "$ECRM_BIN" serve --db "sqlite:$TMP/bench.db" --port "$ECRM_PORT" --no-access-log \
    --threads "$ECRM_THREADS" >>"$TMP/ecrm.log" 2>&1 &
  ECRM_PID=$!
  wait_http "$ECRM_BASE/healthz" "$ECRM_PID" "$TMP/ecrm.log"
}

# First start creates admin@example.com with our password.
ECRM_ADMIN_PASSWORD=$ADMIN_PASSWORD start_ecrm
grep -q "created the first admin user" "$TMP/ecrm.log" || die "ecrm did not create the first admin"

login=$(curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
  -d "{\"email\":\"admin@example.com\",\"password\":\"$ADMIN_PASSWORD\"}" \
  "$ECRM_BASE/api/v1/auth/login") || die "login failed"
CSRF=$(json_field csrf_token <<<"$login")
created=$(curl -sf -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
  -d '{"name":"bench","scopes":["customers:read"]}' "$ECRM_BASE/api/v1/api-keys") ||
  die "creating the API key failed"
KEY=$(json_field key <<<"$created")

# Restart without the admin password in the environment, so the measured process is a plain
# `ecrm serve` (the database, user and key persist in $TMP/bench.db).
stop "$ECRM_PID"
ECRM_PID=""
start_ecrm
code=$(curl -s -o "$TMP/me.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$ECRM_BASE/api/v1/me")
[[ $code == 200 ]] || { cat "$TMP/me.json" >&2; die "GET /api/v1/me with the API key answered $code"; }

# --- nginx ------------------------------------------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$TMP/nginx/www"
printf '{"status":"ok"}' >"$TMP/nginx/www/healthz"   # same 15 bytes as ecrm's /healthz
nginx_start "$TMP/nginx" "$NGINX_PORT" "$NGINX_WORKERS"
wait_http "http://127.0.0.1:$NGINX_PORT/healthz" "$NGINX_PID" "$TMP/nginx/error.log"

# --- load -------------------------------------------------------------------------------
TARGETS=(nginx healthz me)
declare -A URL=(
  [nginx]="http://127.0.0.1:$NGINX_PORT/healthz"
  [healthz]="$ECRM_BASE/healthz"
  [me]="$ECRM_BASE/api/v1/me"
)

to_ms() {  # wrk latency (e.g. 812.00us, 1.23ms, 2.01s) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

echo "ecrm $("$ECRM_BIN" --version 2>/dev/null | head -1 || true) (--threads $ECRM_THREADS) vs nginx $(nginx -v 2>&1 | sed 's|.*/||') (worker_processes $NGINX_WORKERS)"
echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS rounds, targets alternating"
echo "note: wrk runs on the same $(nproc) cores as the servers, competing with them for CPU;"
echo "      this is the same for both servers, so compare ratios rather than absolute figures."
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews absolute figures)"
echo

server_gone() {  # say which server is no longer running, with the end of its log
  if ! kill -0 "$ECRM_PID" 2>/dev/null; then
    local rc=0
    wait "$ECRM_PID" 2>/dev/null || rc=$?
    echo "ecrm (pid $ECRM_PID) is no longer running, exit status $rc; end of its log:" >&2
    tail -n 30 "$TMP/ecrm.log" >&2
    ECRM_PID=""
  fi
  if ! kill -0 "$NGINX_PID" 2>/dev/null; then
    echo "nginx (pid $NGINX_PID) is no longer running; end of its error log:" >&2
    tail -n 30 "$TMP/nginx/error.log" >&2
    NGINX_PID=""
  fi
}

declare -A RPS P99 ERRORS
for round in $(seq "$ROUNDS"); do
  for target in "${TARGETS[@]}"; do
    out="$TMP/wrk-$target-$round.txt"
    headers=()
    [[ $target == me ]] && headers=(-H "Authorization: Bearer $KEY")
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${headers[@]}" \
      "${URL[$target]}" >"$out" 2>&1 || { cat "$out" >&2; server_gone; die "wrk failed on $target"; }
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    [[ -n $rps && -n $p99 ]] || { cat "$out" >&2; die "cannot parse wrk output for $target"; }
    p99=$(to_ms "$p99")
    errors=""
    if line=$(grep -E '^ *Non-2xx or 3xx responses:' "$out"); then errors+=" non2xx=${line##*: }"; fi
    if line=$(grep -E '^ *Socket errors:' "$out"); then errors+=" socket(${line#*: })"; fi
    RPS[$target]+="$rps "
    P99[$target]+="$p99 "
    [[ -n $errors ]] && ERRORS[$target]+="round $round:$errors; "
    printf 'round %d  %-8s %12s req/s  p99 %8s ms%s\n' "$round" "$target" "$rps" "$p99" "${errors:+  !!$errors}"
  done
done
echo

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

declare -A MED_RPS MED_P99
for target in "${TARGETS[@]}"; do
  MED_RPS[$target]=$(median <<<"${RPS[$target]}")
  MED_P99[$target]=$(median <<<"${P99[$target]}")
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf '%-28s %14s %12s %12s\n' "target" "median req/s" "median p99" "vs nginx"
printf '%-28s %14s %12s %12s\n' "----------------------------" "------------" "----------" "--------"
declare -A LABEL=([nginx]="nginx static 15 B" [healthz]="ecrm /healthz" [me]="ecrm /api/v1/me (API key)")
for target in "${TARGETS[@]}"; do
  printf '%-28s %14.0f %9.2f ms %11sx\n' "${LABEL[$target]}" "${MED_RPS[$target]}" \
    "${MED_P99[$target]}" "$(ratio "${MED_RPS[$target]}" "${MED_RPS[nginx]}")"
done
echo
for target in healthz me; do
  printf '%s: %sx nginx req/s, p99 %.2fms\n' "$target" \
    "$(ratio "${MED_RPS[$target]}" "${MED_RPS[nginx]}")" "${MED_P99[$target]}"
done

status=0
for target in "${TARGETS[@]}"; do
  if [[ -n ${ERRORS[$target]:-} ]]; then
    echo "errors on $target: ${ERRORS[$target]}" >&2
    status=1
  fi
done
exit "$status"

#!/usr/bin/env bash
# bench/search/cpu.sh: the CPU time one request costs the server and PostgreSQL, measured around
# a wrk run against a server that is already up, from the processes' own counters (/proc/PID/stat:
# user + system). A closed loop of C clients on N cores cannot answer faster than C times the
# request's CPU time divided by N, whatever the code does between; this shows what to cut.
#
#   bench/search/cpu.sh PORT API_KEY PATH [CLIENTS] [SECONDS]
#   bench/search/cpu.sh 18090 "$KEY" '/api/v1/customers?q=wang&limit=50' 1 4
#
# Prints the request's p50 and p99 and, per request, the milliseconds of CPU time used by the
# ecrm server listening on PORT and by every process of the postgres user (its backends and
# background workers; nothing else should be running against the cluster meanwhile). A SQLite
# server's own figure is all of it.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,13p' "$0" >&2; exit 2; }
PORT=$1 KEY=$2 PQ=$3 CLIENTS=${4:-1} SECONDS_=${5:-4}
command -v wrk >/dev/null || { echo "cpu.sh: wrk is not installed (make deps-bench)" >&2; exit 2; }
server=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
[[ -n $server ]] || { echo "cpu.sh: nothing listens on port $PORT" >&2; exit 2; }
ticks=$(getconf CLK_TCK)
# user + system time of a process; with its reaped children's as well for PostgreSQL, whose
# postmaster counts the backends and workers that exit during the run. The fields are counted
# from the end of the command's name, which may hold spaces.
cpu_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v all="${2:-}" '{ print $12 + $13 + (all ? $14 + $15 : 0) }' || echo 0; }
postgres_cpu() {
  local total=0 pid
  for pid in $(pgrep -u postgres || true); do total=$((total + $(cpu_of "$pid" children))); done
  echo "$total"
}
[[ -n $(pgrep -u postgres || true) ]] || echo "cpu.sh: no process of the postgres user: its figure will be 0" >&2
s0=$(cpu_of "$server") p0=$(postgres_cpu)
out=$(wrk -t1 -c"$CLIENTS" -d"${SECONDS_}s" --latency -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT$PQ")
s1=$(cpu_of "$server") p1=$(postgres_cpu)
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
[[ ${requests:-0} -gt 0 ]] || { echo "cpu.sh: no request was answered" >&2; echo "$out" >&2; exit 1; }
if grep -q "Non-2xx" <<<"$out"; then echo "cpu.sh: some answers were errors" >&2; echo "$out" >&2; exit 1; fi
awk -v q="$PQ" -v n="$requests" -v t="$ticks" -v s=$((s1 - s0)) -v p=$((p1 - p0)) \
  -v p50="$(awk '/ 50%/ { print $2 }' <<<"$out")" -v p99="$(awk '/ 99%/ { print $2 }' <<<"$out")" \
  'BEGIN { printf "%s  %d requests  p50 %s  p99 %s  CPU ms a request: ecrm %.2f, postgres %.2f\n",
           q, n, p50, p99, s * 1000 / t / n, p * 1000 / t / n }'

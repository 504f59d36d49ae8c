#!/usr/bin/env bash
# Live chat benchmark: 10,000 idle chat WebSockets held by one server on 2 I/O threads (memory per
# connection = the server's RSS growth / connections), then message delivery latency between
# visitor/agent pairs while those idle connections stay open. Each round starts a fresh server on
# a fresh SQLite database; prints each round's figures and the medians.
#
# Usage (from the repository root, after building ecrm and the load client):
#   cmake --build build --target ecrm chat_load
#   bench/service/chat.sh
# Environment: ROUNDS (3), IDLE (10000), PAIRS (200), AGENTS (20), INTERVAL_MS (200: each visitor
#              sends 5 messages/s, each answered at once), SECONDS_PER_RUN (20),
#              SOCKET_IDLE (20: the server pings every socket silent for half of it, so the idle
#              connections answer pings during the run),
#              ECRM_BIN (build/ecrm), LOAD_BIN (build/bench/service/chat_load).
set -euo pipefail
ROUNDS=${ROUNDS:-3}
IDLE=${IDLE:-10000}
PAIRS=${PAIRS:-200}
AGENTS=${AGENTS:-20}
INTERVAL_MS=${INTERVAL_MS:-200}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
SOCKET_IDLE=${SOCKET_IDLE:-20}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
LOAD_BIN=${LOAD_BIN:-build/bench/service/chat_load}

die() { echo "bench/service/chat.sh: $*" >&2; exit 1; }
[[ -x $ECRM_BIN ]] || die "$ECRM_BIN is missing; build it first"
[[ -x $LOAD_BIN ]] || die "build the load client first: cmake --build build --target chat_load"

# Every connection is a file descriptor on both sides (the client and the server are children of
# this shell and inherit the limit).
want=$((IDLE + PAIRS + AGENTS + 1024))
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[[ $(ulimit -n) == unlimited || $(ulimit -n) -ge $want ]] || die "ulimit -n is $(ulimit -n); $want needed"

TMP=$(mktemp -d -t ecrm-bench-chat.XXXXXX)
PID=""
cleanup() {
  if [[ -n $PID ]]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

cap=$(( (PAIRS + AGENTS - 1) / AGENTS )); (( cap >= 1 )) || cap=1
for round in $(seq 1 "$ROUNDS"); do
  email=bench@example.com password='Bench-pass-1234'
  ECRM_ADMIN_EMAIL=$email ECRM_ADMIN_PASSWORD=$password "$ECRM_BIN" serve --db "sqlite:$TMP/chat-$round.db" \
    --port 0 --no-access-log --threads 2 --chat-max-per-agent "$cap" --socket-idle-timeout "$SOCKET_IDLE" >"$TMP/server-$round.log" 2>&1 &
  PID=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$TMP/server-$round.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
    [[ -n $url ]] && break
    sleep 0.1
  done
  [[ -n $url ]] || die "server did not start: $(cat "$TMP/server-$round.log")"
  "$LOAD_BIN" --base "$url" --admin-email "$email" --admin-password "$password" --server-pid "$PID" \
    --idle "$IDLE" --pairs "$PAIRS" --agents "$AGENTS" --interval-ms "$INTERVAL_MS" \
    --seconds "$SECONDS_PER_RUN" >"$TMP/round-$round.txt" || die "round $round failed: $(cat "$TMP/round-$round.txt")"
  echo "== round $round"
  cat "$TMP/round-$round.txt"
  kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done

echo "== medians of $ROUNDS rounds (idle=$IDLE pairs=$PAIRS agents=$AGENTS interval=${INTERVAL_MS}ms socket idle timeout=${SOCKET_IDLE}s)"
python3 - "$TMP" "$ROUNDS" <<'PY'
import statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
values = {}
for r in range(1, rounds + 1):
    for line in open(f"{tmp}/round-{r}.txt"):
        key, _, value = line.strip().partition("=")
        try:
            values.setdefault(key, []).append(float(value))
        except ValueError:
            pass
for key in ("idle_connections", "idle_still_open", "rss_per_connection_bytes", "server_rss_idle_kib",
            "messages_per_second", "visitor_to_agent_p50_ms", "visitor_to_agent_p99_ms",
            "agent_to_visitor_p50_ms", "agent_to_visitor_p99_ms", "agent_to_visitor_max_ms"):
    if key in values:
        print(f"{key}={statistics.median(values[key]):g}")
PY

#!/usr/bin/env bash
# Runs the browser tests (tests/e2e) against a fresh `ecrm serve` on SQLite.
#   run_e2e.sh ECRM_BINARY SOURCE_DIR [TEST_FILE...]   (all of tests/e2e without test files)
set -euo pipefail
binary=${1:?ecrm binary}
src=${2:?source dir}
shift 2
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/e2e/)
work=$(mktemp -d /tmp/ecrm-e2e.XXXXXX)
server_pid=""
demo_pid=""
mail_pid=""
smtp_pid=""
cleanup() {
  for pid in "$server_pid" "$demo_pid" "$mail_pid" "$smtp_pid"; do
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

[ -f "$src/web/dist/index.html" ] || { echo "web/dist is missing: run make build" >&2; exit 1; }
[ -d "$src/tests/e2e/node_modules/playwright-core" ] || { echo "run: npm ci --prefix tests/e2e" >&2; exit 1; }

email=e2e-admin@example.com
password='E2e-pass-1234!'
ECRM_ADMIN_EMAIL=$email ECRM_ADMIN_PASSWORD=$password \
  "$binary" serve --db "sqlite:$work/e2e.db" --port 0 --web-root "$src/web/dist" --no-access-log \
  >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 200); do
  url=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$work/server.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

# A second server on the demo shop (`ecrm demo`, 5,000 customers) for the tests of the UI on
# realistic data.
"$binary" demo --db "sqlite:$work/demo.db" --customers 5000 >"$work/demo.log" 2>&1 ||
  { cat "$work/demo.log" >&2; exit 1; }
ECRM_ADMIN_EMAIL=$email ECRM_ADMIN_PASSWORD=$password \
  "$binary" serve --db "sqlite:$work/demo.db" --port 0 --web-root "$src/web/dist" --no-access-log \
  >"$work/demo-server.log" 2>&1 &
demo_pid=$!
demo_url=""
for _ in $(seq 1 200); do
  demo_url=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$work/demo-server.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
  [ -n "$demo_url" ] && break
  kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo-server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$demo_url" ] || { echo "demo server did not start" >&2; cat "$work/demo-server.log" >&2; exit 1; }

# A third server whose mail goes to a test SMTP server (tests/scripts/smtp_server.py, which
# records what it receives), for the tests that follow a campaign to its delivery. Skipped
# without python3-aiosmtpd.
mail_url=""
smtp_out="$work/smtp.jsonl"
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  /usr/bin/python3 "$src/tests/scripts/smtp_server.py" --port-file "$work/smtp.port" --out "$smtp_out" \
    >"$work/smtp.log" 2>&1 &
  smtp_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$work/smtp.port" ] && break
    kill -0 "$smtp_pid" 2>/dev/null || { cat "$work/smtp.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$work/smtp.port" ] || { echo "the SMTP server did not start" >&2; exit 1; }
  ECRM_ADMIN_EMAIL=$email ECRM_ADMIN_PASSWORD=$password \
    "$binary" serve --db "sqlite:$work/mail.db" --port 0 --web-root "$src/web/dist" --no-access-log \
    --smtp-url "smtp://127.0.0.1:$(cat "$work/smtp.port")" >"$work/mail-server.log" 2>&1 &
  mail_pid=$!
  for _ in $(seq 1 200); do
    mail_url=$(grep -o 'serving http://127.0.0.1:[0-9]*/' "$work/mail-server.log" | head -n1 | sed 's/^serving //; s/\/$//') || true
    [ -n "$mail_url" ] && break
    kill -0 "$mail_pid" 2>/dev/null || { cat "$work/mail-server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$mail_url" ] || { echo "the mail server did not start" >&2; cat "$work/mail-server.log" >&2; exit 1; }
else
  echo "python3-aiosmtpd is missing: the campaign test does not follow its mail to an SMTP server" >&2
fi

cd "$src"
status=0
ECRM_MAIL_URL=$mail_url ECRM_SMTP_OUT=$smtp_out \
ECRM_DEMO_URL=$demo_url ECRM_BASE_URL=$url ECRM_E2E_EMAIL=$email ECRM_E2E_PASSWORD=$password \
  node --test --test-reporter=tap "${tests[@]}" | tee "$work/tap.txt" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log ---" >&2; tail -n 50 "$work/server.log" >&2
  if [ -n "$mail_url" ]; then echo "--- mail server log ---" >&2; tail -n 30 "$work/mail-server.log" >&2; fi
  # Last, where a shortened log still shows it: each failed test with its error and stack.
  echo "--- failed tests ---" >&2
  awk '/^ *not ok / { shown = 0; on = 1 } on && shown < 60 { print; ++shown } on && /^ *\.\.\.$/ { on = 0 }' \
    "$work/tap.txt" >&2
  exit "$status"
fi

#!/usr/bin/env bash
# Inbound service mail: how many messages per second `ecrm mail-in` takes in when an MTA pipes
# them one by one (one process per message, as a Postfix pipe or alias runs it), on SQLite and
# PostgreSQL.
#
#   bench/service/mail_in.sh                                # 500 messages, 5 rounds, both backends
#   MESSAGES=200 ROUNDS=3 BACKENDS=sqlite bench/service/mail_in.sh
#
# The messages (generated once per run with python3): a third open tickets from new senders
# (UTF-8 text), a third open tickets in GB2312 base64 with a 20 KB attachment, a third reply on
# an earlier ticket by In-Reply-To. Each round starts from a fresh, migrated database, pipes every
# message in order and divides the count by the wall time; the median of the rounds is printed
# with every round's figure, and the CPU time (user+sys) the mail-in processes used per message,
# which a busy machine does not inflate. Exit codes other than 0 fail the run.
#
# Environment: MESSAGES (500)  ROUNDS (5)  BACKENDS ("sqlite postgresql")  ECRM_BIN (build/ecrm)
#   WORK (/tmp)  PG_URL: a PostgreSQL server where the script may create and drop databases;
#   without it a throw-away cluster is started with tests/scripts/pg_cluster.sh and stopped.
set -euo pipefail

MESSAGES=${MESSAGES:-500}
ROUNDS=${ROUNDS:-5}
BACKENDS=${BACKENDS:-"sqlite postgresql"}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ECRM_BIN=${ECRM_BIN:-$REPO/build/ecrm}
WORK=${WORK:-/tmp}
PG_URL=${PG_URL:-}
PG_STATE=""

TMP=$(mktemp -d "$WORK/ecrm-bench-mail.XXXXXX")
cleanup() {
  if [[ -n $PG_STATE ]]; then "$REPO/tests/scripts/pg_cluster.sh" stop "$PG_STATE" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
say() { echo "mail_in: $*" >&2; }

python3 - "$TMP/mail" "$MESSAGES" <<'PY'
import base64, os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
attachment = base64.encodebytes(os.urandom(20000)).decode().replace("\n", "\r\n")
for i in range(n):
    kind = i % 3
    if kind == 2 and i >= 3:
        parent = i - 2  # an earlier ticket's first message
        body = f"Still waiting for order {parent}, thanks.\r\n\r\nOn Mon, Shop wrote:\r\n> shipped\r\n"
        m = (f"From: customer{parent}@example.com\r\nTo: service@shop.example\r\nSubject: Re: order {parent}\r\n"
             f"Message-ID: <bench-{i}@example.com>\r\nIn-Reply-To: <bench-{parent}@example.com>\r\n"
             f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}")
    elif kind == 1:
        text = base64.encodebytes(f"您好，订单 {i} 的商品有问题，照片见附件。\r\n".encode("gb18030")).decode().replace("\n", "\r\n")
        subject = "=?GB2312?B?" + base64.b64encode(f"订单 {i} 问题".encode("gb18030")).decode() + "?="
        m = (f"From: customer{i}@example.com\r\nTo: service@shop.example\r\nSubject: {subject}\r\n"
             f"Message-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\n"
             f"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
             f"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}\r\n"
             f"--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=photo{i}.jpg\r\n"
             f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n")
    else:
        m = (f"From: Customer {i} <customer{i}@example.com>\r\nTo: service@shop.example\r\nSubject: order {i}\r\n"
             f"Message-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\n"
             f"Content-Type: text/plain; charset=utf-8\r\n\r\nWhere is my order {i}?\r\n")
    with open(os.path.join(out, f"{i:07d}.eml"), "w", newline="") as f:
        f.write(m)
PY
say "$MESSAGES messages generated in $TMP/mail"
# A copy of the binary: a rebuild during the run must not change or remove it.
cp "$ECRM_BIN" "$TMP/ecrm"
ECRM_BIN="$TMP/ecrm"

psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -qX "$@"; }

round() {  # URL -> "messages/s cpu-ms-per-message"
  local url=$1
  "$ECRM_BIN" migrate --db "$url" >/dev/null 2>&1
  python3 - "$ECRM_BIN" "$url" "$TMP/mail" "$TMP/mail-in.err" <<'PY'
import os, resource, subprocess, sys, time
ecrm, url, mail, err = sys.argv[1:]
files = sorted(os.listdir(mail))
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.monotonic()
with open(err, "ab") as e:
    for name in files:
        with open(os.path.join(mail, name), "rb") as f:
            if subprocess.run([ecrm, "mail-in", "--db", url], stdin=f, stdout=subprocess.DEVNULL, stderr=e).returncode:
                sys.exit(f"mail-in failed on {name}")
elapsed = time.monotonic() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"{len(files) / elapsed:.1f} {cpu / len(files) * 1000:.1f}")
PY
}

median() { python3 -c "import statistics,sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.1f}')" "$@"; }

for backend in $BACKENDS; do
  figures=()
  cpus=()
  for r in $(seq 1 "$ROUNDS"); do
    if [[ $backend == sqlite ]]; then
      url="sqlite:$TMP/round$r.db"
    else
      if [[ -z $PG_URL ]]; then
        PG_STATE="$TMP/pg.url"
        PG_URL=$("$REPO/tests/scripts/pg_cluster.sh" start "$PG_STATE")
      fi
      psql_q "$PG_URL" -c "DROP DATABASE IF EXISTS ecrm_bench_mail WITH (FORCE)" -c "CREATE DATABASE ecrm_bench_mail" >/dev/null
      url="${PG_URL%/*}/ecrm_bench_mail"
    fi
    read -r figure cpu < <(round "$url")
    say "$backend round $r: $figure messages/s, $cpu ms CPU per message (user+sys)"
    figures+=("$figure")
    cpus+=("$cpu")
    [[ $backend == sqlite ]] && rm -f "$TMP/round$r.db"*
  done
  echo "$backend: median $(median "${figures[@]}") messages/s over $ROUNDS rounds of $MESSAGES (${figures[*]}), median $(median "${cpus[@]}") ms CPU per message; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
done

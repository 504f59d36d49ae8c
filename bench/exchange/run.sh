#!/usr/bin/env bash
# CSV import and export of N orders (default 1,000,000, with 2.5 lines each on average), each
# import next to its peer, the database's own bulk load of the same file into the same schema:
#  - SQLite: sqlite3's `.import` of orders.csv into a copy of the same database (the shop's
#    schema, its catalog and customers), into a table of the file's columns with b-tree indexes
#    like the orders tables' (order key, customer and time, time, SKU). No FTS5 index: the peer
#    is a floor, ecrm's import also fills the orders' search index. A bare `.import` into a new
#    database without indexes is shown as well, as before.
#  - PostgreSQL (when PG_URL names a server, e.g. the URL tests/scripts/pg_cluster.sh writes):
#    `\copy` of the same file into the same kind of table in a copy of the same database.
# Each step runs ROUNDS times, ecrm and its peer alternating; medians are reported.
#   bench/exchange/run.sh                  # ORDERS=1000000 ROUNDS=3
#   ORDERS=200000 ROUNDS=3 PG_URL=$(cat /tmp/pg.url) bench/exchange/run.sh
set -euo pipefail
ORDERS=${ORDERS:-1000000}
ROUNDS=${ROUNDS:-3}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
DATA=${DATA:-/tmp/ecrm-bench-exchange-$ORDERS}
PG_URL=${PG_URL:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/ecrm-bench-exchange.XXXXXX)
pg_base=${PG_URL%/*}
pg_prefix="ecrm_bench_exchange_$$"
cleanup() {
  rm -rf "$work"
  if [ -n "$PG_URL" ]; then
    for db in $(psql "$PG_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${pg_prefix}%'"); do
      psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db" || true
    done
  fi
}
trap cleanup EXIT

mkdir -p "$DATA"
if [ ! -s "$DATA/orders.csv" ]; then
  echo "generating $ORDERS orders in $DATA …"
  python3 "$here/generate.py" "$DATA" "$ORDERS"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); orders.csv: $(du -h "$DATA/orders.csv" | cut -f1), $(($(wc -l < "$DATA/orders.csv") - 1)) rows"

# The peer's table: the file's columns, indexed like the orders tables.
peer_table="CREATE TABLE import_orders (external_id TEXT, customer_external_id TEXT,
  placed_at TEXT, channel TEXT, status TEXT, status_at TEXT, currency TEXT, discount TEXT,
  shipping TEXT, sku TEXT, quantity TEXT, unit_price TEXT);
CREATE INDEX import_orders_external_id ON import_orders (external_id);
CREATE INDEX import_orders_customer ON import_orders (customer_external_id, placed_at);
CREATE INDEX import_orders_placed ON import_orders (placed_at);
CREATE INDEX import_orders_sku ON import_orders (sku);"

# The catalog and customers, imported once into a template database.
"$ECRM_BIN" import products "$DATA/products.csv" --db "sqlite:$work/template.db" --quiet >/dev/null
"$ECRM_BIN" import customers "$DATA/customers.csv" --db "sqlite:$work/template.db" --quiet >/dev/null
if [ -n "$PG_URL" ]; then
  psql "$PG_URL" -qc "CREATE DATABASE ${pg_prefix}_template"
  "$ECRM_BIN" import products "$DATA/products.csv" --db "$pg_base/${pg_prefix}_template" --quiet >/dev/null
  "$ECRM_BIN" import customers "$DATA/customers.csv" --db "$pg_base/${pg_prefix}_template" --quiet >/dev/null
fi

seconds() { python3 -c "import sys; print(round($(date +%s.%N) - $1, 2))"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
step() {  # step NAME COMMAND…: runs the command, appends its seconds to $work/NAME
  local name=$1 start
  shift
  start=$(date +%s.%N)
  "$@" >/dev/null
  seconds "$start" >> "$work/$name"
}

for f in import export sqlite_peer sqlite_bare pg_import pg_peer; do : > "$work/$f"; done
for round in $(seq "$ROUNDS"); do
  cp "$work/template.db" "$work/r.db"
  step import "$ECRM_BIN" import orders "$DATA/orders.csv" --db "sqlite:$work/r.db" --quiet
  step export "$ECRM_BIN" export orders --db "sqlite:$work/r.db" -o "$work/export.csv"
  rm -f "$work/r.db" "$work/r.db-wal" "$work/r.db-shm"
  cp "$work/template.db" "$work/peer.db"
  sqlite3 "$work/peer.db" "$peer_table"
  step sqlite_peer sqlite3 "$work/peer.db" -cmd ".mode csv" ".import --skip 1 $DATA/orders.csv import_orders"
  rm -f "$work/peer.db" "$work/plain.db"
  step sqlite_bare sqlite3 "$work/plain.db" -cmd ".mode csv" ".import $DATA/orders.csv orders"
  line="round $round: SQLite import $(tail -1 "$work/import")s, .import indexed $(tail -1 "$work/sqlite_peer")s, bare $(tail -1 "$work/sqlite_bare")s, export $(tail -1 "$work/export")s"
  if [ -n "$PG_URL" ]; then
    db="${pg_prefix}_r$round"
    psql "$PG_URL" -qc "CREATE DATABASE $db TEMPLATE ${pg_prefix}_template"
    step pg_import "$ECRM_BIN" import orders "$DATA/orders.csv" --db "$pg_base/$db" --quiet
    psql "$PG_URL" -qc "DROP DATABASE $db"
    psql "$PG_URL" -qc "CREATE DATABASE ${db}_peer TEMPLATE ${pg_prefix}_template"
    psql "$pg_base/${db}_peer" -qc "$peer_table"
    step pg_peer psql "$pg_base/${db}_peer" -qc "\\copy import_orders FROM '$DATA/orders.csv' WITH (FORMAT csv, HEADER true)"
    psql "$PG_URL" -qc "DROP DATABASE ${db}_peer"
    line+="; PostgreSQL import $(tail -1 "$work/pg_import")s, COPY $(tail -1 "$work/pg_peer")s"
  fi
  echo "$line (load $(cut -d' ' -f1 /proc/loadavg))"
done
imp=$(median < "$work/import"); exp=$(median < "$work/export")
peer=$(median < "$work/sqlite_peer"); bare=$(median < "$work/sqlite_bare")
echo "median SQLite: ecrm import ${imp}s (validated, upserted, indexed, with status history), sqlite3 .import into the same schema with indexes ${peer}s, bare ${bare}s, export ${exp}s"
python3 -c "print(f'ratio SQLite: import {$imp / $peer:.2f}x .import with indexes ({$imp / $bare:.2f}x bare); export {$exp / $bare:.2f}x bare')"
if [ -n "$PG_URL" ]; then
  pimp=$(median < "$work/pg_import"); ppeer=$(median < "$work/pg_peer")
  echo "median PostgreSQL: ecrm import ${pimp}s, COPY into the same schema with indexes ${ppeer}s"
  python3 -c "print(f'ratio PostgreSQL: import {$pimp / $ppeer:.2f}x COPY')"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# CSV import and export of N orders (default 1,000,000, with 2.5 lines each on average), each
# import next to its peer, the database's own bulk load of the same file into the same schema:
#  - SQLite: sqlite3's `.import` of orders.csv into a copy of the same database (the shop's
#    schema, its catalog and customers), into a table of the file's columns with b-tree indexes
#    like the orders tables' (order key, customer and time, time, SKU). No FTS5 index: the peer
#    is a floor, ecrm's import also fills the orders' search index. A bare `.import` into a new
#    database without indexes is shown as well, as before.
#  - PostgreSQL (when PG_URL names a server, e.g. the URL tests/scripts/pg_cluster.sh writes):
#    `\copy` of the same file into the same kind of table in a copy of the same database; and
#    `\copy` of the rows the import stored (orders, lines, status history, read back from it)
#    into the shop's own tables, with their trigram and fields GIN indexes and foreign keys,
#    in a fresh copy of the same database: the database's bulk load of the same rows into the
#    same schema.
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

for f in import export sqlite_peer sqlite_bare pg_import pg_peer pg_rows; do : > "$work/$f"; done
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
    # The second peer: COPY of the very rows the import stored (orders, lines, status history),
    # read back from it, into the shop's own tables with all their indexes (b-tree, trigram and
    # fields GIN), constraints and foreign keys, in a fresh copy of the template.
    : > "$work/copy_in.sql"
    for t in orders order_lines order_status_history; do
      cols=$(psql "$pg_base/$db" -Atc "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)
        FROM information_schema.columns WHERE table_name = '$t' AND is_generated = 'NEVER'")
      psql "$pg_base/$db" -qc "\\copy (SELECT $cols FROM $t ORDER BY id) TO '$work/$t.pg.csv' WITH (FORMAT csv)"
      echo "\\copy $t ($cols) FROM '$work/$t.pg.csv' WITH (FORMAT csv)" >> "$work/copy_in.sql"
    done
    psql "$PG_URL" -qc "DROP DATABASE $db"
    psql "$PG_URL" -qc "CREATE DATABASE ${db}_rows TEMPLATE ${pg_prefix}_template"
    step pg_rows psql "$pg_base/${db}_rows" -q1 -v ON_ERROR_STOP=1 -f "$work/copy_in.sql"
    psql "$PG_URL" -qc "DROP DATABASE ${db}_rows"
    rm -f "$work"/*.pg.csv
    psql "$PG_URL" -qc "CREATE DATABASE ${db}_peer TEMPLATE ${pg_prefix}_template"
    psql "$pg_base/${db}_peer" -qc "$peer_table"
    step pg_peer psql "$pg_base/${db}_peer" -qc "\\copy import_orders FROM '$DATA/orders.csv' WITH (FORMAT csv, HEADER true)"
    psql "$PG_URL" -qc "DROP DATABASE ${db}_peer"
    line+="; PostgreSQL import $(tail -1 "$work/pg_import")s, COPY of the file $(tail -1 "$work/pg_peer")s, COPY of the stored rows $(tail -1 "$work/pg_rows")s"
  fi
  echo "$line (load $(cut -d' ' -f1 /proc/loadavg))"
done
imp=$(median < "$work/import"); exp=$(median < "$work/export")
peer=$(median < "$work/sqlite_peer"); bare=$(median < "$work/sqlite_bare")
echo "median SQLite: ecrm import ${imp}s (validated, upserted, indexed, with status history), sqlite3 .import into the same schema with indexes ${peer}s, bare ${bare}s, export ${exp}s"
python3 -c "print(f'ratio SQLite: import {$imp / $peer:.2f}x .import with indexes ({$imp / $bare:.2f}x bare); export {$exp / $bare:.2f}x bare')"
if [ -n "$PG_URL" ]; then
  pimp=$(median < "$work/pg_import"); ppeer=$(median < "$work/pg_peer"); prows=$(median < "$work/pg_rows")
  echo "median PostgreSQL: ecrm import ${pimp}s, COPY of the file into a table of its columns with b-tree indexes ${ppeer}s, COPY of the rows the import stored into the shop's tables ${prows}s"
  python3 -c "print(f'ratio PostgreSQL: import {$pimp / $prows:.2f}x COPY of the stored rows, {$pimp / $ppeer:.2f}x COPY of the file')"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

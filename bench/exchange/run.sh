#!/usr/bin/env bash
# CSV import and export of N orders (default 1,000,000, with 2.5 lines each on average) on SQLite,
# next to sqlite3's own `.import` of the same orders file into a plain table (the floor for
# getting those bytes into SQLite). Each step runs ROUNDS times; medians are reported.
#   bench/exchange/run.sh                  # ORDERS=1000000 ROUNDS=3
#   ORDERS=200000 ROUNDS=1 bench/exchange/run.sh
set -euo pipefail
ORDERS=${ORDERS:-1000000}
ROUNDS=${ROUNDS:-3}
ECRM_BIN=${ECRM_BIN:-build/ecrm}
DATA=${DATA:-/tmp/ecrm-bench-exchange-$ORDERS}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/ecrm-bench-exchange.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$DATA"
if [ ! -s "$DATA/orders.csv" ]; then
  echo "generating $ORDERS orders in $DATA …"
  python3 "$here/generate.py" "$DATA" "$ORDERS"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); orders.csv: $(du -h "$DATA/orders.csv" | cut -f1), $(($(wc -l < "$DATA/orders.csv") - 1)) rows"

# The catalog and customers, imported once into a template database.
"$ECRM_BIN" import products "$DATA/products.csv" --db "sqlite:$work/template.db" --quiet >/dev/null
"$ECRM_BIN" import customers "$DATA/customers.csv" --db "sqlite:$work/template.db" --quiet >/dev/null

seconds() { python3 -c "import sys; print(round($(date +%s.%N) - $1, 2))"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: > "$work/import" ; : > "$work/export" ; : > "$work/sqlite_import"
for round in $(seq "$ROUNDS"); do
  cp "$work/template.db" "$work/r.db"
  start=$(date +%s.%N)
  "$ECRM_BIN" import orders "$DATA/orders.csv" --db "sqlite:$work/r.db" --quiet >/dev/null
  seconds "$start" >> "$work/import"
  start=$(date +%s.%N)
  "$ECRM_BIN" export orders --db "sqlite:$work/r.db" -o "$work/export.csv" 2>/dev/null
  seconds "$start" >> "$work/export"
  rm -f "$work/plain.db"
  start=$(date +%s.%N)
  sqlite3 "$work/plain.db" -cmd ".mode csv" ".import $DATA/orders.csv orders"
  seconds "$start" >> "$work/sqlite_import"
  echo "round $round: import $(tail -1 "$work/import")s, export $(tail -1 "$work/export")s, sqlite3 .import $(tail -1 "$work/sqlite_import")s"
done
imp=$(median < "$work/import"); exp=$(median < "$work/export"); raw=$(median < "$work/sqlite_import")
echo "median: ecrm import ${imp}s (validated, upserted, indexed, with status history), export ${exp}s, sqlite3 .import ${raw}s"
python3 -c "print(f'ratio: import {$imp / $raw:.2f}x sqlite3 .import; export {$exp / $raw:.2f}x')"

#!/usr/bin/env bash
# RFM + loyalty tiers over the same synthetic orders: ecrm's engine (in memory, columnar) against
# one SQL statement in SQLite and, if a URL is given, in PostgreSQL.
#
#   bench/analytics/rfm_sql.sh [--build DIR] [--orders N] [--customers M] [--runs K] [--pg URL]
#
# Defaults: build dir `build`, 10,000,000 orders of 1,000,000 customers, 3 runs of each query.
# The orders come from generate_orders (the generator BM_RfmTiers uses), written as CSV and
# loaded into each database (loading is not timed). The SQL computes the same scores as
# analytics/rfm.hpp (score = 1 + 5 * (RANK() - 1) / n, ties share a rank), the segments and the
# tiers, and returns per-tier counts and score sums, which must equal those of `ecrm rfm`:
# the script checks that before printing any ratio.
# Prints the median wall time of each, and the ratios to the engine's median (BM_RfmTiers/2).
set -euo pipefail

build=build
orders=10000000
customers=1000000
runs=3
pg_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --orders) orders=$2; shift 2 ;;
    --customers) customers=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --pg) pg_url=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--orders N] [--customers M] [--runs K] [--pg URL]" >&2; exit 2 ;;
  esac
done

command -v sqlite3 >/dev/null || { echo "sqlite3 CLI not found (apt-get install sqlite3)" >&2; exit 1; }
ninja -C "$build" -j2 ecrm bench_analytics generate_orders >/dev/null
gen="$build/bench/analytics/generate_orders"
bench="$build/bench/analytics/bench_analytics"
ecrm="$build/ecrm"

work=$(mktemp -d /tmp/ecrm-rfm-sql.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
csv="$work/orders.csv"
echo "generating $orders orders of $customers customers -> $csv" >&2
"$gen" "$orders" "$customers" > "$csv"
chmod 644 "$csv"

# The generator's orders span 2021-01-01 .. 2023-12-31; score as of the last day.
as_of_date=2023-12-31
as_of=$(( $(date -u -d "$as_of_date" +%s) / 86400 ))

rfm_sql() {
  cat <<SQL
WITH per_customer AS (
  SELECT customer_id, $as_of - MAX(day) AS recency_days, COUNT(*) AS frequency,
         SUM(amount_minor) AS monetary
  FROM orders WHERE day <= $as_of GROUP BY customer_id
),
scored AS (
  SELECT customer_id, frequency,
         1 + 5 * (RANK() OVER (ORDER BY recency_days DESC) - 1) / COUNT(*) OVER () AS r,
         1 + 5 * (RANK() OVER (ORDER BY frequency) - 1) / COUNT(*) OVER () AS f,
         1 + 5 * (RANK() OVER (ORDER BY monetary) - 1) / COUNT(*) OVER () AS m
  FROM per_customer
),
labelled AS (
  SELECT r, f, m,
         CASE WHEN r >= 4 AND f >= 4 THEN 'very_loyal'
              WHEN frequency <= 1 OR r <= 1 THEN 'occasional'
              ELSE 'loyal' END AS tier,
         CASE WHEN r = 5 AND f >= 4 THEN 'champions'
              WHEN r >= 3 AND f >= 4 THEN 'loyal'
              WHEN r = 5 AND f = 1 THEN 'new'
              WHEN r = 4 AND f = 1 THEN 'promising'
              WHEN r >= 4 THEN 'potential'
              WHEN r = 3 THEN 'need_attention'
              WHEN f = 5 THEN 'cant_lose'
              WHEN f >= 3 THEN 'at_risk'
              WHEN r = 2 THEN 'hibernating'
              ELSE 'lost' END AS segment
  FROM scored
)
SELECT tier, COUNT(*), SUM(r), SUM(f), SUM(m), COUNT(DISTINCT segment) FROM labelled
GROUP BY tier ORDER BY tier;
SQL
}

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- ecrm: the engine on columnar arrays (benchmark), and the CLI end to end from the CSV ---
echo "ecrm engine: BM_RfmTiers/2 ($runs repetitions)" >&2
engine_ms=$(ECRM_BENCH_ORDERS=$orders ECRM_BENCH_CUSTOMERS=$customers \
  "$bench" --benchmark_filter='BM_RfmTiers/2/' --benchmark_repetitions="$runs" \
           --benchmark_format=csv 2>/dev/null |
  awk -F, '/^"BM_RfmTiers/ { last = $3 } $1 ~ /_median"?$/ { median = $3 }
           END { print (median != "" ? median : last) }')
engine_s=$(awk -v ms="$engine_ms" 'BEGIN { printf "%.3f", ms / 1000 }')
start=$(now)
"$ecrm" rfm --transactions "$csv" --summary > "$work/ecrm.json"
cli_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
# Per-tier counts from the CLI, to compare with the SQL results.
expected=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tiers"]; print(" ".join(f"{k}={t[k]}" for k in sorted(t)))' "$work/ecrm.json")

check_counts() {  # $1: name, stdin: "tier|count|…" rows
  local got
  got=$(awk -F'|' '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2 }')
  if [ "$got" != "$expected" ]; then
    echo "MISMATCH $1: $got, ecrm: $expected" >&2
    exit 1
  fi
}

# --- SQLite ---
db="$work/orders.db"
echo "loading SQLite" >&2
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE staging (customer_id INTEGER, date TEXT, amount TEXT);
.import --csv --skip 1 $csv staging
CREATE TABLE orders AS
  SELECT CAST(customer_id AS INTEGER) AS customer_id,
         CAST(julianday(date) - 2440587.5 AS INTEGER) AS day,
         CAST(REPLACE(amount, '.', '') AS INTEGER) AS amount_minor
  FROM staging;
DROP TABLE staging;
VACUUM;
SQL
rfm_sql > "$work/rfm.sql"
sqlite_times=()
for _ in $(seq "$runs"); do
  start=$(now)
  sqlite3 "$db" < "$work/rfm.sql" > "$work/sqlite.out"
  sqlite_times+=("$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')")
done
check_counts SQLite < "$work/sqlite.out"
sqlite_s=$(printf '%s\n' "${sqlite_times[@]}" | median)

# --- PostgreSQL ---
pg_s=""
if [ -n "$pg_url" ]; then
  echo "loading PostgreSQL" >&2
  psql "$pg_url" -X -q -v ON_ERROR_STOP=1 <<SQL
DROP TABLE IF EXISTS bench_rfm_staging, orders;
CREATE UNLOGGED TABLE bench_rfm_staging (customer_id BIGINT, date DATE, amount NUMERIC(14, 2));
\copy bench_rfm_staging FROM '$csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE orders AS
  SELECT customer_id, (date - DATE '1970-01-01') AS day, (amount * 100)::BIGINT AS amount_minor
  FROM bench_rfm_staging;
DROP TABLE bench_rfm_staging;
VACUUM ANALYZE orders;
SQL
  pg_times=()
  for _ in $(seq "$runs"); do
    start=$(now)
    psql "$pg_url" -X -q -A -t -v ON_ERROR_STOP=1 -f "$work/rfm.sql" > "$work/pg.out"
    pg_times+=("$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')")
  done
  check_counts PostgreSQL < "$work/pg.out"
  pg_s=$(printf '%s\n' "${pg_times[@]}" | median)
  psql "$pg_url" -X -q -c "DROP TABLE orders" >/dev/null
fi

echo "RFM + tiers, $orders orders / $customers customers, median of $runs (tier counts agree: $expected)"
printf '  %-34s %8.3f s\n' "ecrm engine (in memory, 2 threads)" "$engine_s"
printf '  %-34s %8.3f s\n' "ecrm rfm --summary (CSV end to end)" "$cli_s"
printf '  %-34s %8.3f s   %6.1fx the engine\n' "SQLite ($(sqlite3 --version | cut -d' ' -f1))" "$sqlite_s" \
  "$(awk -v a="$sqlite_s" -v b="$engine_s" 'BEGIN { print a / b }')"
if [ -n "$pg_s" ]; then
  printf '  %-34s %8.3f s   %6.1fx the engine\n' "PostgreSQL" "$pg_s" \
    "$(awk -v a="$pg_s" -v b="$engine_s" 'BEGIN { print a / b }')"
fi

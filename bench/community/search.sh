#!/usr/bin/env bash
# Full-text search over POSTS generated community posts (src/search/fulltext.hpp), on SQLite and
# on PostgreSQL: each query through the search layer next to the same statement run directly with
# the driver (and, on SQLite, the FTS5 table alone) as the limit. README.md says what it measures.
#
#   bench/community/search.sh                                 # 1,000,000 posts, both backends
#   POSTS=100000 BACKENDS=sqlite bench/community/search.sh    # quick
#   SQLITE_DB=/tmp/posts-1m.db PG_DB_URL=postgresql://…/posts bench/community/search.sh
#                                                             # keep the posts, measure again
#
# Environment:
#   POSTS (1000000)  BACKENDS ("sqlite postgresql")  ROUNDS (200 per query and way)
#   BUDGET_S (10: seconds per query and way, at least 20 runs)  WORK (/tmp)
#   BUILD_DIR (build): where bench_community_search is built (under /tmp/ecrm-build.lock)
#   PG_SHARED_BUFFERS (1GB): shared_buffers of the throw-away cluster
#   PG_URL: a PostgreSQL server where the script may create and drop databases; without it a
#           throw-away cluster is started with tests/scripts/pg_cluster.sh and stopped at the end
#   SQLITE_DB / PG_DB_URL: where the posts are kept: reused when they hold POSTS posts
set -euo pipefail

POSTS=${POSTS:-1000000}
BACKENDS=${BACKENDS:-"sqlite postgresql"}
ROUNDS=${ROUNDS:-200}
BUDGET_S=${BUDGET_S:-10}
WORK=${WORK:-/tmp}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO/build}
PG_URL=${PG_URL:-}
SQLITE_DB=${SQLITE_DB:-}
PG_DB_URL=${PG_DB_URL:-}
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB}

die() { echo "bench/community/search.sh: $*" >&2; exit 1; }
say() { echo "[$(date +%H:%M:%S)] $*"; }

[[ $POSTS =~ ^[1-9][0-9]*$ ]] || die "POSTS must be a positive integer"
for b in $BACKENDS; do
  [[ $b == sqlite || $b == postgresql ]] || die "BACKENDS may list sqlite and postgresql (got $b)"
done

say "building bench_community_search"
flock /tmp/ecrm-build.lock ninja -C "$BUILD_DIR" -j2 bench_community_search >/dev/null
TMP=$(mktemp -d "$WORK/ecrm-bench-community.XXXXXX")
cp "$BUILD_DIR/bench/community/bench_community_search" "$TMP/bench"
PG_STATE=""
cleanup() {
  if [[ -n $PG_STATE ]]; then bash "$REPO/tests/scripts/pg_cluster.sh" stop "$PG_STATE" || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $BACKENDS; do
  if [[ $backend == sqlite ]]; then
    db=${SQLITE_DB:-$TMP/posts.db}
    url="sqlite:$db"
  else
    if [[ -n $PG_DB_URL ]]; then
      url=$PG_DB_URL
    else
      if [[ -z $PG_URL ]]; then
        PG_STATE=$TMP/pg.url
        PG_CLUSTER_SETTINGS="-c shared_buffers=$PG_SHARED_BUFFERS" \
          bash "$REPO/tests/scripts/pg_cluster.sh" start "$PG_STATE" >/dev/null
        PG_URL=$(cat "$PG_STATE")
      fi
      psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS ecrm_community_bench" >/dev/null
      psql "$PG_URL" -qAtc "CREATE DATABASE ecrm_community_bench" >/dev/null
      url="${PG_URL%/*}/ecrm_community_bench"
      say "PostgreSQL shared_buffers: $(psql "$url" -qAtc 'SHOW shared_buffers')"
    fi
  fi
  say "$backend: $POSTS posts"
  "$TMP/bench" --db "$url" --posts "$POSTS" --rounds "$ROUNDS" --budget-s "$BUDGET_S"
  if [[ $backend == sqlite ]]; then
    say "sqlite: sizes (MB)"
    sqlite3 "$db" "SELECT name, round(sum(pgsize) / 1e6, 1) FROM dbstat
                   WHERE name LIKE 'bench_posts%' GROUP BY name ORDER BY name" 2>/dev/null || true
  else
    say "postgresql: sizes (MB)"
    psql "$url" -qAtc "SELECT 'bench_posts', round(pg_table_size('bench_posts') / 1e6, 1)
                       UNION ALL SELECT 'bench_posts_words (side table)',
                                        round(pg_table_size('bench_posts_words') / 1e6, 1)
                       UNION ALL SELECT 'bench_posts_words_tsv (GIN)',
                                        round(pg_relation_size('bench_posts_words_tsv') / 1e6, 1)
                       UNION ALL SELECT 'bench_posts_words_seq (BRIN)',
                                        round(pg_relation_size('bench_posts_words_seq') / 1e6, 2)"
  fi
done
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

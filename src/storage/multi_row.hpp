// Statements with a list of rows, for batched inserts, updates from VALUES and IN (…) look-ups:
// the head, `rows` rows of placeholders, the tail. The text is built once per shape and row
// count and kept for the life of the process (shapes are named constants).
//
// A row is "($1, …, $k)" for `columns` parameters; with `types` (one letter per column: i for
// BIGINT, t for TEXT) each parameter is cast, which PostgreSQL needs to type the columns of a
// VALUES list that is not inserted into a table; with `list`, the rows are single parameters
// "$1, $2, …" (an IN list: columns is then 1).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace ecrm::storage {

struct MultiRowShape {
  std::string_view head;
  int columns = 1;
  std::string_view tail;
  std::string_view types = {};
  bool list = false;
};

// The statement for `rows` rows of `shape`. Thread-safe; `shape`'s strings must outlive the
// process (string literals).
const std::string& multi_row_sql(const MultiRowShape& shape, std::size_t rows);

// Statement sizes, largest first and ending in 1: `count` rows are split greedily into them, so
// that a shape is prepared in a few sizes only.
using ChunkSizes = std::initializer_list<std::size_t>;
inline constexpr ChunkSizes kDefaultChunks = {100, 10, 1};

// Calls body(first, size) for each chunk of `count` rows; stops at the first error.
template <typename Body>
Status for_chunks(std::size_t count, Body body, ChunkSizes chunks = kDefaultChunks) {
  std::size_t at = 0;
  for (std::size_t size : chunks) {
    while (count - at >= size) {
      ECRM_RETURN_IF_ERROR(body(at, size));
      at += size;
    }
  }
  return {};
}

// Executes `shape` over `count` rows, a chunk per statement: fill(i, params) appends the
// parameters of row i.
template <typename Fill>
Status execute_rows(Connection& c, const MultiRowShape& shape, std::size_t count, Fill fill,
                    ChunkSizes chunks = kDefaultChunks) {
  std::vector<Value> params;
  return for_chunks(
      count,
      [&](std::size_t first, std::size_t size) -> Status {
        params.clear();
        params.reserve(size * static_cast<std::size_t>(shape.columns));
        for (std::size_t i = first; i < first + size; ++i) fill(i, params);
        return done(c.execute(multi_row_sql(shape, size), params));
      },
      chunks);
}

// Runs `shape` (an IN list: `list` set, one column) for `ids`, calling `on_row` for each row: one
// statement per 128 ids, its list padded with its last id to a power of two (a duplicate in an
// IN list changes nothing), so that a page of 50 ids is one statement and few texts are prepared.
Status query_in_list(Connection& c, const MultiRowShape& shape, std::span<const std::int64_t> ids,
                     const RowCallback& on_row);

// PostgreSQL: a column of values as one array literal in text form ("{1,NULL,\"a\"}"), for
// statements that take whole columns as arrays (INSERT … SELECT * FROM unnest($1::text[], …)):
// one statement and a few parameters however many rows, where a VALUES list binds every value.
// Strings are quoted with backslash escapes; NULL for an empty Value.
class PgArray {
 public:
  void add(const Value& value);
  // The literal; the builder is empty again afterwards.
  std::string take();

 private:
  std::string text_ = "{";
};

// PostgreSQL: `shape`'s statement taking one array per column instead of a VALUES list of
// placeholders: one statement however many rows, a few parameters to bind instead of one per
// value, and one prepared text. `types` names each column's type: i BIGINT, t TEXT.
// - an IN (…) list ("… IN (" + ")") becomes "= ANY($1::type[])";
// - "… VALUES " + tail (an INSERT) becomes "… SELECT * FROM unnest($1::type[], …)" + tail;
// - "… FROM (VALUES " + ") AS u …" (an UPDATE) becomes "… FROM unnest(…) AS u(column1, …) …".
const std::string& postgres_array_sql(const MultiRowShape& shape, std::string_view types);

// The parameters of a postgres_array_sql statement: one array literal per column of `count` rows,
// fill(i, row) appending row i's values.
template <typename Fill>
std::vector<Value> postgres_column_arrays(std::size_t columns, std::size_t count, Fill fill) {
  std::vector<PgArray> arrays(columns);
  std::vector<Value> row;
  for (std::size_t i = 0; i < count; ++i) {
    row.clear();
    fill(i, row);
    for (std::size_t k = 0; k < columns; ++k) arrays[k].add(row[k]);
  }
  std::vector<Value> params;
  params.reserve(columns);
  for (auto& array : arrays) params.emplace_back(array.take());
  return params;
}

// Runs `shape` over `count` rows: fill(i, params) appends row i's values. On PostgreSQL one
// statement with a column array each (postgres_array_sql); elsewhere a VALUES list per chunk.
// Rows the statement returns go to `on_row` when given.
template <typename Fill>
Status run_rows(Connection& c, const MultiRowShape& shape, std::string_view types,
                std::size_t count, Fill fill, const RowCallback* on_row = nullptr) {
  if (count == 0) return {};
  if (c.backend() == Backend::kPostgres) {
    const auto params = postgres_column_arrays(types.size(), count, fill);
    const std::string& sql = postgres_array_sql(shape, types);
    return on_row ? c.query(sql, params, *on_row) : done(c.execute(sql, params));
  }
  if (!on_row) return execute_rows(c, shape, count, fill);
  std::vector<Value> params;
  return for_chunks(count, [&](std::size_t first, std::size_t size) -> Status {
    params.clear();
    for (std::size_t i = first; i < first + size; ++i) fill(i, params);
    return c.query(multi_row_sql(shape, size), params, *on_row);
  });
}

}  // namespace ecrm::storage

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

}  // namespace ecrm::storage

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
#include <string>
#include <string_view>

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

}  // namespace ecrm::storage

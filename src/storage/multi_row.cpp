#include "storage/multi_row.hpp"

#include <map>
#include <mutex>
#include <tuple>

namespace ecrm::storage {

const std::string& multi_row_sql(const MultiRowShape& shape, std::size_t rows) {
  static std::mutex mutex;
  static std::map<std::tuple<const char*, const char*, int, std::size_t>, std::string> cache;
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace({shape.head.data(), shape.tail.data(), shape.columns, rows});
  if (!inserted) return it->second;
  std::string& sql = it->second;
  sql = shape.head;
  int n = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    if (shape.list) {
      sql += r ? ", $" : "$";
      sql += std::to_string(n++);
      continue;
    }
    sql += r ? ", (" : "(";
    for (int col = 0; col < shape.columns; ++col) {
      if (col) sql += ", ";
      std::string param = "$" + std::to_string(n++);
      if (shape.types.empty()) {
        sql += param;
      } else {
        sql += "CAST(" + param +
               (shape.types[static_cast<std::size_t>(col)] == 'i' ? " AS BIGINT)" : " AS TEXT)");
      }
    }
    sql += ")";
  }
  sql += shape.tail;
  return sql;
}

}  // namespace ecrm::storage

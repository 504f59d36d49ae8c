#include "storage/multi_row.hpp"

#include <algorithm>

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

Status query_in_list(Connection& c, const MultiRowShape& shape, std::span<const std::int64_t> ids,
                     const RowCallback& on_row) {
  constexpr std::size_t kMaxIds = 128;
  std::vector<Value> params;
  for (std::size_t first = 0; first < ids.size(); first += kMaxIds) {
    const std::size_t count = std::min(kMaxIds, ids.size() - first);
    std::size_t padded = 1;
    while (padded < count) padded *= 2;
    params.clear();
    for (std::size_t i = 0; i < padded; ++i) params.emplace_back(ids[first + std::min(i, count - 1)]);
    ECRM_RETURN_IF_ERROR(c.query(multi_row_sql(shape, padded), params, on_row));
  }
  return {};
}

}  // namespace ecrm::storage

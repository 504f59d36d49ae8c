#include "storage/multi_row.hpp"

#include <algorithm>
#include <cstdio>

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

const std::string& postgres_array_sql(const storage::MultiRowShape& shape, std::string_view types) {
  static std::mutex mutex;
  static std::map<std::pair<const char*, const char*>, std::string> cache;
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace({shape.head.data(), shape.tail.data()});
  if (!inserted) return it->second;
  auto cast = [&](std::size_t i) {
    return "$" + std::to_string(i + 1) + (types[i] == 'i' ? "::bigint[]" : "::text[]");
  };
  std::string arrays;
  for (std::size_t i = 0; i < types.size(); ++i) arrays += (i ? ", " : "") + cast(i);
  std::string_view head = shape.head;
  std::string& sql = it->second;
  if (shape.list) {
    constexpr std::string_view kIn = " IN (";
    sql = std::string(head.substr(0, head.size() - kIn.size())) + " = ANY(" + cast(0) + ")";
  } else if (constexpr std::string_view kFromValues = "FROM (VALUES "; head.ends_with(kFromValues)) {
    constexpr std::string_view kAlias = ") AS u";
    std::string names;
    for (std::size_t i = 0; i < types.size(); ++i) {
      names += (i ? ", column" : "column") + std::to_string(i + 1);
    }
    sql = std::string(head.substr(0, head.size() - kFromValues.size())) + "FROM unnest(" + arrays +
          ") AS u(" + names + ")" + std::string(shape.tail.substr(kAlias.size()));
  } else {
    constexpr std::string_view kValues = "VALUES ";
    sql = std::string(head.substr(0, head.size() - kValues.size())) + "SELECT * FROM unnest(" +
          arrays + ")" + std::string(shape.tail);
  }
  return sql;
}

void PgArray::add(const Value& value) {
  if (text_.size() > 1) text_ += ',';
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    text_ += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", *d);
    text_ += buffer;
  } else if (const auto* str = std::get_if<std::string>(&value)) {
    text_ += '"';
    for (char ch : *str) {
      if (ch == '"' || ch == '\\') text_ += '\\';
      text_ += ch;
    }
    text_ += '"';
  } else {
    text_ += "NULL";
  }
}

std::string PgArray::take() {
  text_ += '}';
  std::string out = std::move(text_);
  text_ = "{";
  return out;
}

}  // namespace ecrm::storage

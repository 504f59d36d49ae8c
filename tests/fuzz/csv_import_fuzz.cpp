// Fuzzes the reading stage of the CSV importers (exchange/rows.hpp over core/csv.hpp), as
// exchange/importer.cpp runs it before anything is written: the first byte chooses the entity
// (customers, products, orders) and the layout (detected from the header, ecrm's columns or
// Shopify's); the rest is the file. Every row is parsed; orders are grouped as the importer does.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/csv.hpp"
#include "exchange/rows.hpp"

namespace ex = ecrm::exchange;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const ex::Entity entity = static_cast<ex::Entity>(data[0] % 3);
  ex::Format format = static_cast<ex::Format>((data[0] / 3) % 3);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));

  ecrm::CsvReader reader(in);
  std::vector<std::string> fields;
  auto has_header = reader.next(fields);
  if (!has_header.ok() || !*has_header) return 0;
  if (format == ex::Format::kAuto) format = ex::detect_format(entity, fields);

  std::optional<ex::CustomerRows> customers;
  std::optional<ex::ProductRows> products;
  std::optional<ex::OrderRows> orders;
  switch (entity) {
    case ex::Entity::kCustomers: {
      auto rows = ex::CustomerRows::bind(fields, format);
      if (!rows.ok()) return 0;
      customers = std::move(rows).value();
      break;
    }
    case ex::Entity::kProducts: {
      auto rows = ex::ProductRows::bind(fields, format);
      if (!rows.ok()) return 0;
      products = std::move(rows).value();
      break;
    }
    case ex::Entity::kOrders: {
      auto rows = ex::OrderRows::bind(fields, format);
      if (!rows.ok()) return 0;
      orders = std::move(rows).value();
      break;
    }
  }
  std::vector<ex::RowError> errors;
  for (;;) {
    auto more = reader.next(fields);
    if (!more.ok() || !*more) break;
    if (customers) {
      (void)customers->parse(fields, reader.line()).ok();
    } else if (products) {
      (void)products->parse(fields, reader.line()).ok();
    } else {
      (void)orders->add(fields, reader.line(), errors);
    }
  }
  if (orders) (void)orders->finish();
  return 0;
}

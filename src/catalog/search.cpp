#include "catalog/search.hpp"

#include "catalog/repo.hpp"
#include "core/money.hpp"
#include "search/index.hpp"

namespace ecrm::catalog {

Result<std::vector<search::Hit>> ProductSearch::search(const search::Query& query, int limit) {
  std::vector<search::RankedId> found;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(found, search::ranked_ids(*lease, kProductIndex, query, limit, false));
  }
  std::vector<search::Hit> hits;
  for (const auto& [id, rank] : found) {
    auto product = catalog_.get_product(id);
    if (!product.ok()) {
      if (product.error().kind == ErrorKind::kNotFound) continue;  // deleted meanwhile
      return std::move(product).error();
    }
    search::Hit hit;
    hit.id = product->id;
    hit.rank = rank;
    hit.title = product->name;
    hit.subtitle = product->sku;
    if (!product->brand.empty()) hit.subtitle += " · " + product->brand;
    hit.subtitle += " · " + format_money(product->price, product->currency);
    auto add = [&](std::optional<search::Highlight> h) {
      if (h) hit.highlights.push_back(std::move(*h));
    };
    add(search::highlight("name", product->name, query));
    add(search::highlight("sku", product->sku, query));
    add(search::highlight("brand", product->brand, query));
    add(search::highlight("line", product->line, query));
    if (product->category_id) {
      if (auto category = catalog_.get_category(*product->category_id); category.ok()) {
        add(search::highlight("category", category->name, query));
      }
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace ecrm::catalog

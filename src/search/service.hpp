// The search box: one query over every searchable capability, answered in groups (customers,
// orders, products, and whatever registers later). Each capability plugs in a Provider that
// ranks its own records with the search index (index.hpp); the service asks the providers the
// caller may read, in the order they were added.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "search/text.hpp"

namespace ecrm::search {

// One record found.
struct Hit {
  std::int64_t id = 0;
  std::string title;     // what the record is called: a name, an order number
  std::string subtitle;  // what tells it apart: e-mail and city, customer and status, SKU
  MatchRank rank = MatchRank::kSubstring;
  std::vector<Highlight> highlights;  // the fields that matched, matches marked
};
ECRM_DESCRIBE(Hit, id, title, subtitle, rank, highlights)

// The hits of one kind of record, best first.
struct HitGroup {
  std::string kind;  // "customers", "orders", "products", …
  std::vector<Hit> hits;
  bool more = false;  // more records match than were returned
};
ECRM_DESCRIBE(HitGroup, kind, hits, more)
ECRM_WIRE_RULES(HitGroup, rule(&HitGroup::kind, {.description = "customers, orders, products"}))

struct SearchResults {
  std::string query;  // the query as searched (normalised)
  std::vector<HitGroup> groups;
};
ECRM_DESCRIBE(SearchResults, query, groups)

// The search box's parameters.
struct SearchQuery {
  std::string q;
};
ECRM_DESCRIBE(SearchQuery, q)
ECRM_WIRE_RULES(SearchQuery,
                rule(&SearchQuery::q, {.max_length = kMaxQueryBytes,
                                       .description = "the text typed: a name, e-mail, phone "
                                                      "number, order number, SKU, …"}))

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view kind() const = 0;
  // The scope a caller needs to see this provider's group.
  virtual std::string_view scope() const = 0;
  // Up to `limit` records matching `query` (not empty), best rank first.
  virtual Result<std::vector<Hit>> search(const Query& query, int limit) = 0;
};

class SearchService {
 public:
  void add(Provider& provider) { providers_.push_back(&provider); }
  const std::vector<Provider*>& providers() const { return providers_; }
  // The groups of the providers `may_read` allows, `limit` hits each. kInvalidArgument (field
  // q) when nothing searchable is left of `text`.
  template <typename MayRead>
  Result<SearchResults> search(std::string_view text, int limit, MayRead may_read) {
    const Query query = parse_query(text);
    if (query.empty()) return Error::invalid("q must contain text to search for", "q");
    SearchResults out{query.text, {}};
    for (Provider* provider : providers_) {
      if (!may_read(provider->scope())) continue;
      ECRM_ASSIGN_OR_RETURN(auto hits, provider->search(query, limit + 1));
      HitGroup group{std::string(provider->kind()), std::move(hits), false};
      if (static_cast<int>(group.hits.size()) > limit) {
        group.hits.resize(static_cast<std::size_t>(limit));
        group.more = true;
      }
      out.groups.push_back(std::move(group));
    }
    return out;
  }

 private:
  std::vector<Provider*> providers_;
};

}  // namespace ecrm::search

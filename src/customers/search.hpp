// Customers in the search box.
#pragma once

#include "customers/service.hpp"
#include "search/service.hpp"

namespace ecrm::customers {

class CustomerSearch : public search::Provider {
 public:
  explicit CustomerSearch(CustomerService& service) : service_(service) {}
  std::string_view kind() const override { return "customers"; }
  std::string_view scope() const override { return "customers:read"; }
  Result<std::vector<search::Hit>> search(const search::Query& query, int limit) override;

 private:
  CustomerService& service_;
};

// The hit a customer makes for `query`: the name (else e-mail or phone) as title, e-mail or
// phone and city as subtitle, and the fields that matched.
search::Hit customer_hit(const Customer& customer, search::MatchRank rank,
                         const search::Query& query);

}  // namespace ecrm::customers

// Feedback mining's reads (SQL as named constants in repo.cpp). It owns no table: it reads
// products, product_reviews, community_boards, community_threads, community_posts,
// community_post_links, tickets, interactions, social_mentions, social_mention_products,
// order_lines, return_lines and returns.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "feedback/model.hpp"
#include "storage/database.hpp"

namespace ecrm::feedback {

struct ProductHead {
  std::int64_t id = 0;
  std::string name;
  std::string sku;
};

// One text of a product's feedback.
struct SourcedText {
  FeedbackSource source = FeedbackSource::kReview;
  std::int64_t id = 0;
  std::string text;
  UnixMs at = 0;  // when it was written
};

class FeedbackRepo {
 public:
  Result<std::optional<ProductHead>> product(storage::Connection& c, std::int64_t id);

  // The latest `limit` texts of each source about the product, newest first per source: visible
  // reviews (title and body), visible posts of visible threads on the product's board and
  // visible posts linking it, customers' inbound messages on tickets about it (subject and
  // content), and mentions naming it.
  Status texts(storage::Connection& c, std::int64_t product_id, std::int64_t limit,
               const std::function<void(SourcedText&&)>& each);

  // Defect report threads on the product's board or whose opening post links it (not deleted),
  // newest first.
  Result<std::vector<FeedbackDefectReport>> defect_reports(storage::Connection& c,
                                                           std::int64_t product_id,
                                                           std::int64_t limit);

  // Returns holding the product (not rejected) by reason, the commonest first, each with up to
  // `notes` of its latest non-empty notes.
  Result<std::vector<FeedbackReturnReason>> return_reasons(storage::Connection& c,
                                                           std::int64_t product_id,
                                                           std::size_t notes);
};

}  // namespace ecrm::feedback

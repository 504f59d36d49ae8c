#include "feedback/repo.hpp"

#include <map>
#include <string_view>

namespace ecrm::feedback {
namespace {

using storage::RowView;

constexpr std::string_view kProduct = "SELECT id, name, sku FROM products WHERE id = $1";

constexpr std::string_view kReviewTexts =
    "SELECT id, title, body, created_at FROM product_reviews WHERE product_id = $1 AND status = 'visible' "
    "ORDER BY id DESC LIMIT $2";

constexpr std::string_view kCommunityTexts =
    "SELECT p.id, t.title, p.body, p.kind, p.created_at FROM community_posts p "
    "JOIN community_threads t ON t.id = p.thread_id "
    "JOIN community_boards b ON b.id = t.board_id "
    "WHERE b.product_id = $1 AND p.status = 'visible' AND t.status = 'visible' "
    "UNION "
    "SELECT p.id, t.title, p.body, p.kind, p.created_at FROM community_post_links l "
    "JOIN community_posts p ON p.id = l.post_id "
    "JOIN community_threads t ON t.id = p.thread_id "
    "WHERE l.kind = 'product' AND l.target_id = $1 AND p.status = 'visible' "
    "AND t.status = 'visible' "
    "ORDER BY 1 DESC LIMIT $2";

constexpr std::string_view kTicketTexts =
    "SELECT i.id, i.subject, i.content, i.occurred_at FROM tickets t "
    "JOIN interactions i ON i.ticket_id = t.id "
    "WHERE t.product_id = $1 AND i.direction = 'inbound' "
    "ORDER BY i.id DESC LIMIT $2";

constexpr std::string_view kMentionTexts =
    "SELECT m.id, m.text, m.posted_at FROM social_mention_products mp "
    "JOIN social_mentions m ON m.id = mp.mention_id "
    "WHERE mp.product_id = $1 ORDER BY m.id DESC LIMIT $2";

constexpr std::string_view kDefectReports =
    "SELECT t.id, t.title, t.status, t.ticket_id, t.created_at FROM community_threads t "
    "JOIN community_boards b ON b.id = t.board_id "
    "WHERE b.product_id = $1 AND t.kind = 'defect' AND t.status <> 'deleted' "
    "UNION "
    "SELECT t.id, t.title, t.status, t.ticket_id, t.created_at FROM community_post_links l "
    "JOIN community_threads t ON t.opening_post_id = l.post_id "
    "WHERE l.kind = 'product' AND l.target_id = $1 AND t.kind = 'defect' "
    "AND t.status <> 'deleted' "
    "ORDER BY 1 DESC LIMIT $2";

constexpr std::string_view kReturnReasons =
    "SELECT r.reason, COUNT(DISTINCT r.id), SUM(rl.quantity) FROM order_lines ol "
    "JOIN return_lines rl ON rl.order_line_id = ol.id "
    "JOIN returns r ON r.id = rl.return_id "
    "WHERE ol.product_id = $1 AND r.status <> 'rejected' "
    "GROUP BY r.reason ORDER BY 2 DESC, 1";

constexpr std::string_view kReturnNotes =
    "SELECT DISTINCT r.id, r.reason, r.note FROM order_lines ol "
    "JOIN return_lines rl ON rl.order_line_id = ol.id "
    "JOIN returns r ON r.id = rl.return_id "
    "WHERE ol.product_id = $1 AND r.status <> 'rejected' AND r.note <> '' "
    "ORDER BY r.id DESC LIMIT $2";

// A title and a body as one text ("title. body"), either may be empty.
std::string joined(std::string_view title, std::string_view body) {
  if (title.empty()) return std::string(body);
  if (body.empty()) return std::string(title);
  // The title is a sentence of its own: ended with a full stop of its script unless it has one.
  std::string out(title);
  const char last = title.back();
  const bool ended = last == '.' || last == '!' || last == '?' || title.ends_with("\xE3\x80\x82") ||
                     title.ends_with("\xEF\xBC\x81") || title.ends_with("\xEF\xBC\x9F");
  if (!ended) out += static_cast<unsigned char>(last) >= 0x80 ? "\xE3\x80\x82" : ". ";
  else if (static_cast<unsigned char>(last) < 0x80) out += " ";
  out += body;
  return out;
}

}  // namespace

Result<std::optional<ProductHead>> FeedbackRepo::product(storage::Connection& c, std::int64_t id) {
  std::optional<ProductHead> out;
  ECRM_RETURN_IF_ERROR(c.query(kProduct, {id}, [&](const RowView& row) {
    out = ProductHead{row.get_int(0), row.get_string(1), row.get_string(2)};
  }));
  return out;
}

Status FeedbackRepo::texts(storage::Connection& c, std::int64_t product_id, std::int64_t limit,
                           const std::function<void(SourcedText&&)>& each) {
  ECRM_RETURN_IF_ERROR(c.query(kReviewTexts, {product_id, limit}, [&](const RowView& row) {
    each({FeedbackSource::kReview, row.get_int(0), joined(row.get_text(1), row.get_text(2)),
          row.get_int(3)});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kCommunityTexts, {product_id, limit}, [&](const RowView& row) {
    // The opening post carries its thread's title.
    const bool opening = row.get_text(3) == "opening";
    each({FeedbackSource::kCommunity, row.get_int(0),
          opening ? joined(row.get_text(1), row.get_text(2)) : row.get_string(2), row.get_int(4)});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kTicketTexts, {product_id, limit}, [&](const RowView& row) {
    each({FeedbackSource::kTicket, row.get_int(0), joined(row.get_text(1), row.get_text(2)),
          row.get_int(3)});
  }));
  return c.query(kMentionTexts, {product_id, limit}, [&](const RowView& row) {
    each({FeedbackSource::kMention, row.get_int(0), row.get_string(1), row.get_int(2)});
  });
}

Result<std::vector<FeedbackDefectReport>> FeedbackRepo::defect_reports(storage::Connection& c,
                                                                       std::int64_t product_id,
                                                                       std::int64_t limit) {
  std::vector<FeedbackDefectReport> out;
  ECRM_RETURN_IF_ERROR(c.query(kDefectReports, {product_id, limit}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), row.get_string(2),
                   row.get_optional_int(3), row.get_int(4)});
  }));
  return out;
}

Result<std::vector<FeedbackReturnReason>> FeedbackRepo::return_reasons(storage::Connection& c,
                                                                       std::int64_t product_id,
                                                                       std::size_t notes) {
  std::vector<FeedbackReturnReason> out;
  ECRM_RETURN_IF_ERROR(c.query(kReturnReasons, {product_id}, [&](const RowView& row) {
    out.push_back({row.get_string(0), row.get_int(1), row.get_int(2), {}});
  }));
  if (notes == 0 || out.empty()) return out;
  std::map<std::string, FeedbackReturnReason*> by_reason;
  for (FeedbackReturnReason& reason : out) by_reason[reason.reason] = &reason;
  const auto scan = static_cast<std::int64_t>(notes * 20);
  ECRM_RETURN_IF_ERROR(c.query(kReturnNotes, {product_id, scan}, [&](const RowView& row) {
    const auto it = by_reason.find(row.get_string(1));
    if (it != by_reason.end() && it->second->notes.size() < notes) {
      it->second->notes.push_back(row.get_string(2));
    }
  }));
  return out;
}

}  // namespace ecrm::feedback

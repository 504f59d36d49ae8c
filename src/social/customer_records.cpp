#include "social/customer_records.hpp"

#include <boost/json.hpp>

#include <map>

namespace ecrm::social {

namespace json = boost::json;
using customers::TimelineEntry;
using storage::Connection;
using storage::done;
using storage::RowView;

namespace {

constexpr std::string_view kSource = "social_mention";
constexpr std::size_t kSummaryChars = 120;

constexpr std::string_view kMoveMentions =
    "UPDATE social_mentions SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kMoveHandles =
    "UPDATE customer_social_handles SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kRestoreMention =
    "UPDATE social_mentions SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kRestoreHandle =
    "UPDATE customer_social_handles SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kMentionsOf =
    "SELECT id, platform, external_id, author_handle, url, text, posted_at, sentiment, "
    "sentiment_score, status, ticket_id FROM social_mentions WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kRepliesOf =
    "SELECT r.mention_id, r.text, r.status, r.created_at FROM social_replies r "
    "JOIN social_mentions m ON m.id = r.mention_id WHERE m.customer_id = $1 ORDER BY r.id";
constexpr std::string_view kHandlesOf =
    "SELECT platform, handle FROM customer_social_handles WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kEraseReplies =
    "UPDATE social_replies SET text = '' WHERE mention_id IN "
    "(SELECT id FROM social_mentions WHERE customer_id = $1)";
constexpr std::string_view kEraseMentions =
    "UPDATE social_mentions SET text = '', author_handle = '', author_key = '', url = '' "
    "WHERE customer_id = $1";
constexpr std::string_view kEraseHandles = "DELETE FROM customer_social_handles WHERE customer_id = $1";
constexpr std::string_view kTimeline =
    "SELECT id, platform, author_handle, url, text, posted_at, sentiment, status, ticket_id "
    "FROM social_mentions WHERE customer_id = $1 AND (posted_at < $2 OR (posted_at = $2 AND id < $3)) "
    "ORDER BY posted_at DESC, id DESC LIMIT $4";

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() <= kSummaryChars) return line;
  std::size_t cut = kSummaryChars;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return line.substr(0, cut) + "…";
}

}  // namespace

Result<std::vector<std::int64_t>> SocialCustomerRecords::reassign(Connection& c, std::int64_t from,
                                                                  std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kMoveMentions, {from, to}, [&](const RowView& row) {
    ids.push_back(row.get_int(0));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kMoveHandles, {from, to}, [&](const RowView& row) {
    ids.push_back(-row.get_int(0));
  }));
  return ids;
}

Status SocialCustomerRecords::restore(Connection& c, std::span<const std::int64_t> ids,
                                      std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) {
    if (id > 0) {
      ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreMention, {id, from, to})));
    } else {
      ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreHandle, {-id, from, to})));
    }
  }
  return {};
}

Result<json::value> SocialCustomerRecords::export_records(Connection& c, std::int64_t customer_id) {
  json::array mentions;
  std::map<std::int64_t, std::size_t> index;
  ECRM_RETURN_IF_ERROR(c.query(kMentionsOf, {customer_id}, [&](const RowView& row) {
    json::object m{{"id", row.get_int(0)},
                   {"platform", row.get_string(1)},
                   {"external_id", row.get_string(2)},
                   {"author_handle", row.get_string(3)},
                   {"url", row.get_string(4)},
                   {"text", row.get_string(5)},
                   {"posted_at", row.get_int(6)},
                   {"sentiment", row.is_null(7) ? json::value() : json::value(row.get_string(7))},
                   {"sentiment_score", row.is_null(8) ? json::value() : json::value(row.get_double(8))},
                   {"status", row.get_string(9)},
                   {"ticket_id", row.is_null(10) ? json::value() : json::value(row.get_int(10))},
                   {"replies", json::array{}}};
    index[row.get_int(0)] = mentions.size();
    mentions.push_back(std::move(m));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kRepliesOf, {customer_id}, [&](const RowView& row) {
    auto it = index.find(row.get_int(0));
    if (it == index.end()) return;
    mentions[it->second].as_object()["replies"].as_array().push_back(
        json::object{{"text", row.get_string(1)}, {"status", row.get_string(2)},
                     {"created_at", row.get_int(3)}});
  }));
  json::array handles;
  ECRM_RETURN_IF_ERROR(c.query(kHandlesOf, {customer_id}, [&](const RowView& row) {
    handles.push_back(json::object{{"platform", row.get_string(0)}, {"handle", row.get_string(1)}});
  }));
  return json::value(json::object{{"mentions", std::move(mentions)}, {"handles", std::move(handles)}});
}

Status SocialCustomerRecords::erase(Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseReplies, {customer_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseMentions, {customer_id})));
  return done(c.execute(kEraseHandles, {customer_id}));
}

Result<std::vector<TimelineEntry>> SocialCustomerRecords::timeline(
    Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after, int limit) {
  std::vector<TimelineEntry> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kTimeline, {customer_id, after.at, after.id_bound_for(kSource), static_cast<std::int64_t>(limit)},
      [&](const RowView& row) {
        const std::string platform = row.get_string(1);
        std::string summary = "Mentioned the shop on " + platform;
        const std::string gist = first_line(row.get_string(4));
        if (!gist.empty()) summary += ": " + gist;
        json::object data{{"mention_id", row.get_int(0)},
                          {"platform", platform},
                          {"author_handle", row.get_string(2)},
                          {"url", row.get_string(3)},
                          {"status", row.get_string(7)},
                          {"excerpt", gist}};
        if (!row.is_null(6)) data["sentiment"] = row.get_string(6);
        if (!row.is_null(8)) data["ticket_id"] = row.get_int(8);
        out.push_back(TimelineEntry{row.get_int(5), std::string(kSource), row.get_int(0),
                                    "social.mention", std::move(summary), std::move(data)});
      }));
  return out;
}

}  // namespace ecrm::social

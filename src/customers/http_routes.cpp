#include "customers/http_routes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "core/crypto.hpp"
#include "customers/json.hpp"
#include "http/context.hpp"
#include "http/fields.hpp"

namespace ecrm::customers {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {


constexpr const char* kConsentSchema =
    R"({"type":["object","null"],"properties":{"granted":{"type":["boolean","null"]},)"
    R"("at":{"type":["integer","string","null"]},"how":{"type":"string"}}})";

std::string customer_schema() {
  return std::string(
             R"({"type":"object","properties":{"id":{"type":"integer"},)"
             R"("external_id":{"type":["string","null"]},"name":{"type":"string"},)"
             R"("email":{"type":["string","null"]},"phone":{"type":["string","null"]},)"
             R"("birthday":{"type":["string","null"],"format":"date"},)"
             R"("anniversaries":{"type":"array","items":{"type":"object","properties":{)"
             R"("kind":{"type":"string"},"date":{"type":"string","format":"date"},"label":{"type":"string"}}}},)"
             R"("gender":{"type":["string","null"],"enum":["female","male","other",null]},)"
             R"("city":{"type":"string"},"country":{"type":"string"},"language":{"type":"string"},)"
             R"("type":{"type":"string","enum":["home","business","education","government","other"]},)"
             R"("company":{"type":"string"},"employee_count":{"type":["integer","null"]},)"
             R"("source":{"type":"string"},"channel":{"type":"string"},)"
             R"("referred_by":{"type":["integer","null"]},"tags":{"type":"array","items":{"type":"string"}},)"
             R"("attributes":{"type":"object"},"consent":{"type":"object","properties":{"email":)") +
         kConsentSchema + R"(,"sms":)" + kConsentSchema + R"(,"phone":)" + kConsentSchema +
         R"(}},"merged_into":{"type":["integer","null"]},"erased_at":{"type":["integer","null"]},)"
         R"("created_at":{"type":"integer"},"updated_at":{"type":"integer"}}})";
}

template <typename T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// `limit` alone (for lists whose cursors are not id cursors).
Result<int> limit_param(const RequestContext& ctx, int default_limit, int max_limit) {
  ECRM_ASSIGN_OR_RETURN(auto limit, http::query_int(ctx, "limit"));
  if (!limit) return default_limit;
  if (*limit < 1 || *limit > max_limit) {
    return Error::invalid("limit must be an integer from 1 to " + std::to_string(max_limit),
                          "limit");
  }
  return static_cast<int>(*limit);
}

// Cursors of the form "<tag>:<a>:<b>[:<text>]", base64url-encoded.
std::string encode_pair_cursor(std::string_view tag, std::int64_t a, std::int64_t b,
                               std::string_view text = {}) {
  std::string raw = std::string(tag) + ":" + std::to_string(a) + ":" + std::to_string(b);
  if (!text.empty()) raw += ":" + std::string(text);
  return base64url_encode(raw);
}

struct PairCursor {
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::string text;
};

Result<std::optional<PairCursor>> decode_pair_cursor(const RequestContext& ctx,
                                                     std::string_view tag) {
  auto cursor = http::query_text(ctx, "cursor");
  if (!cursor) return std::optional<PairCursor>{};
  Error bad = Error::invalid("cursor is not one this API returned", "cursor");
  auto raw = base64url_decode(*cursor);
  std::string prefix = std::string(tag) + ":";
  if (!raw || raw->rfind(prefix, 0) != 0) return bad;
  std::string_view rest(*raw);
  rest.remove_prefix(prefix.size());
  PairCursor out;
  auto number = [&](std::int64_t& value) {
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc{}) return false;
    rest.remove_prefix(end - rest.data());
    return true;
  };
  if (!number(out.a) || rest.empty() || rest.front() != ':') return bad;
  rest.remove_prefix(1);
  if (!number(out.b)) return bad;
  if (!rest.empty()) {
    if (rest.front() != ':') return bad;
    out.text = std::string(rest.substr(1));
  }
  return std::optional<PairCursor>(out);
}

Status text_field(const json::object& body, std::string_view field, std::size_t max,
                  std::optional<std::string>& out) {
  ECRM_ASSIGN_OR_RETURN(auto value, http::nullable_string(body, field, max));
  if (value) out = value->value_or("");
  return {};
}

Result<std::optional<Consent>> parse_consent(const json::value& value, const std::string& field) {
  if (value.is_null()) return std::optional<Consent>(Consent{});
  if (!value.is_object()) {
    return Error::invalid(field + " must be an object {granted, at, how} or null", field);
  }
  const auto& o = value.get_object();
  Consent consent;
  if (http::is_null_field(o, "granted")) return std::optional<Consent>(Consent{});
  ECRM_ASSIGN_OR_RETURN(consent.granted, http::optional_bool(o, "granted"));
  if (!consent.granted) {
    return Error::invalid(field + ".granted is required", field + ".granted", "required");
  }
  auto at = http::optional_time(o, "at");
  if (!at.ok()) return Error::invalid(at.error().message, field + ".at");
  consent.at = *at;
  auto how = http::optional_string(o, "how", 1000);
  if (!how.ok()) return Error::invalid(how.error().message, field + ".how");
  consent.how = how->value_or("");
  return std::optional<Consent>(consent);
}

Result<CustomerInput> parse_input(const json::object& body) {
  CustomerInput in;
  ECRM_RETURN_IF_ERROR(text_field(body, "external_id", 1000, in.external_id));
  ECRM_RETURN_IF_ERROR(text_field(body, "name", 1000, in.name));
  ECRM_RETURN_IF_ERROR(text_field(body, "email", 1000, in.email));
  ECRM_RETURN_IF_ERROR(text_field(body, "phone", 1000, in.phone));
  ECRM_RETURN_IF_ERROR(text_field(body, "birthday", 100, in.birthday));
  ECRM_RETURN_IF_ERROR(text_field(body, "gender", 100, in.gender));
  ECRM_RETURN_IF_ERROR(text_field(body, "city", 1000, in.city));
  ECRM_RETURN_IF_ERROR(text_field(body, "country", 1000, in.country));
  ECRM_RETURN_IF_ERROR(text_field(body, "language", 100, in.language));
  ECRM_RETURN_IF_ERROR(text_field(body, "type", 100, in.type));
  ECRM_RETURN_IF_ERROR(text_field(body, "company", 1000, in.company));
  ECRM_RETURN_IF_ERROR(text_field(body, "source", 1000, in.source));
  ECRM_RETURN_IF_ERROR(text_field(body, "channel", 1000, in.channel));
  ECRM_ASSIGN_OR_RETURN(in.employee_count, http::nullable_int(body, "employee_count"));
  ECRM_ASSIGN_OR_RETURN(in.referred_by, http::nullable_int(body, "referred_by"));
  if (auto it = body.find("attributes"); it != body.end()) {
    if (it->value().is_null()) {
      in.attributes = "{}";
    } else if (it->value().is_object()) {
      in.attributes = json::serialize(it->value());
    } else {
      return Error::invalid("attributes must be a JSON object", "attributes");
    }
  }
  if (auto it = body.find("consent"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_object()) {
      return Error::invalid("consent must be an object keyed by email, sms and phone", "consent");
    }
    for (const auto& [key, value] : it->value().get_object()) {
      std::string field = "consent." + std::string(key);
      bool known = false;
      for (ConsentChannel channel : kConsentChannels) {
        if (key != to_string(channel)) continue;
        known = true;
        ECRM_ASSIGN_OR_RETURN(in.consent[static_cast<std::size_t>(channel)],
                              parse_consent(value, field));
      }
      if (!known) return Error::invalid("consent channels are email, sms and phone", field);
    }
  }
  if (http::is_null_field(body, "tags")) {
    in.tags = std::vector<std::string>{};
  } else if (body.contains("tags")) {
    ECRM_ASSIGN_OR_RETURN(in.tags, http::string_array(body, "tags", false, 100));
  }
  if (http::is_null_field(body, "anniversaries")) {
    in.anniversaries = std::vector<Anniversary>{};
  } else if (auto it = body.find("anniversaries"); it != body.end()) {
    if (!it->value().is_array() || it->value().get_array().size() > 100) {
      return Error::invalid("anniversaries must be an array of {kind, date, label}",
                            "anniversaries");
    }
    std::vector<Anniversary> list;
    for (const auto& item : it->value().get_array()) {
      if (!item.is_object()) {
        return Error::invalid("anniversaries must be an array of {kind, date, label}",
                              "anniversaries");
      }
      const auto& o = item.get_object();
      Anniversary a;
      auto kind = http::optional_string(o, "kind", 1000);
      auto date = http::optional_string(o, "date", 100);
      auto label = http::optional_string(o, "label", 1000);
      if (!kind.ok() || !date.ok() || !label.ok()) {
        return Error::invalid("anniversaries must be an array of {kind, date, label} strings",
                              "anniversaries");
      }
      a.kind = kind->value_or("");
      a.date = date->value_or("");
      a.label = label->value_or("");
      list.push_back(std::move(a));
    }
    in.anniversaries = std::move(list);
  }
  return in;
}

Result<CustomerFilter> parse_filter(const RequestContext& ctx) {
  CustomerFilter filter;
  filter.q = http::query_text(ctx, "q");
  if (filter.q && filter.q->size() > 200) return Error::invalid("q is longer than 200 bytes", "q");
  if (auto type = http::query_text(ctx, "type")) {
    filter.type = parse_customer_type(*type);
    if (!filter.type) {
      return Error::invalid("type must be home, business, education, government or other", "type");
    }
  }
  filter.tag = http::query_text(ctx, "tag");
  filter.city = http::query_text(ctx, "city");
  ECRM_ASSIGN_OR_RETURN(filter.created_from, http::query_time(ctx, "created_from"));
  ECRM_ASSIGN_OR_RETURN(filter.created_to, http::query_time(ctx, "created_to"));
  if (auto tier = http::query_text(ctx, "tier")) {
    if (*tier != "very_loyal" && *tier != "loyal" && *tier != "occasional") {
      return Error::invalid("tier must be very_loyal, loyal or occasional", "tier");
    }
    filter.tier = tier;
  }
  if (auto segment = http::query_text(ctx, "segment")) {
    static const std::vector<std::string> kSegments = {
        "champions", "loyal",   "potential", "new",         "promising",
        "need_attention", "at_risk", "cant_lose", "hibernating", "lost"};
    if (std::find(kSegments.begin(), kSegments.end(), *segment) == kSegments.end()) {
      return Error::invalid(
          "segment must be champions, loyal, potential, new, promising, need_attention, "
          "at_risk, cant_lose, hibernating or lost",
          "segment");
    }
    filter.segment = segment;
  }
  ECRM_ASSIGN_OR_RETURN(filter.min_clv, http::query_int(ctx, "min_clv"));
  return filter;
}

json::object page_json(json::array items, std::optional<std::string> next_cursor) {
  return json::object{{"items", std::move(items)}, {"next_cursor", or_null(next_cursor)}};
}

json::array reasons_json(const DuplicatePair& pair) {
  json::array reasons;
  if (pair.same_email) reasons.push_back("email");
  if (pair.same_phone) reasons.push_back("phone");
  if (pair.same_name_and_city) reasons.push_back("name_city");
  return reasons;
}

json::object outcome_json(const MergeOutcome& outcome) {
  return json::object{{"merge", merge_json(outcome.merge, false)},
                      {"survivor", customer_json(outcome.survivor)},
                      {"merged", customer_json(outcome.merged)}};
}

json::object timeline_entry_json(const TimelineEntry& e) {
  return json::object{{"at", e.at},         {"kind", e.kind}, {"summary", e.summary},
                      {"source", e.source}, {"id", e.id},     {"data", e.data}};
}

std::int64_t average(std::int64_t total, std::int64_t count) {
  if (count <= 0) return 0;
  return (total + (total >= 0 ? count / 2 : -count / 2)) / count;  // rounded half away from 0
}

json::object summary_json(std::int64_t id, const CustomerSummary& s) {
  json::array by_currency;
  for (const auto& r : s.revenue) {
    by_currency.push_back(json::object{{"currency", r.currency},
                                       {"orders", r.orders},
                                       {"revenue", r.revenue},
                                       {"average_order_value", average(r.revenue, r.orders)}});
  }
  json::array categories;
  for (const auto& c : s.favourite_categories) {
    categories.push_back(json::object{{"category_id", c.category_id},
                                      {"name", c.name},
                                      {"quantity", c.quantity},
                                      {"revenue", c.revenue}});
  }
  const CurrencyRevenue* main = s.revenue.empty() ? nullptr : &s.revenue.front();
  return json::object{
      {"customer_id", id},
      {"order_count", s.order_count},
      {"lifetime_revenue", main ? json::value(main->revenue) : json::value(0)},
      {"currency", main ? json::value(main->currency) : json::value(nullptr)},
      {"average_order_value",
       main ? json::value(average(main->revenue, main->orders)) : json::value(nullptr)},
      {"first_order_at", or_null(s.first_order_at)},
      {"last_order_at", or_null(s.last_order_at)},
      {"returns", s.returns},
      {"revenue_by_currency", std::move(by_currency)},
      {"favourite_categories", std::move(categories)}};
}

json::array changed_fields(const json::object& body) {
  json::array fields;
  for (const auto& [key, value] : body) fields.push_back(json::value(key));
  return fields;
}

}  // namespace

void add_customer_routes(http::Router& router, CustomerService& service) {
  const std::string schema = customer_schema();

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "Search and list live customers by id: `q` over name, e-mail, company "
                         "and phone digits (or an exact external id), filters by type, tag, city "
                         "and creation time range, and by the analytics scores: tier, segment and "
                         "min_clv (minor units)",
              .tag = "customers",
              .query_params = {"q", "type", "tag", "city", "created_from", "created_to", "tier",
                               "segment", "min_clv", "limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page());
        ECRM_ASSIGN_OR_RETURN(auto filter, parse_filter(ctx));
        ECRM_ASSIGN_OR_RETURN(auto customers, service.list(filter, page.after, page.limit));
        json::array items;
        for (const auto& x : customers) items.push_back(customer_json(x));
        std::optional<std::string> next;
        if (static_cast<int>(customers.size()) == page.limit) {
          next = http::encode_cursor(customers.back().id);
        }
        return http::json_response(200, page_json(std::move(items), next));
      })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/customers",
            .access = Access::needs("customers:write"),
            .doc = {.summary = "Create a customer (a name, an e-mail address or a phone number is "
                               "required)",
                    .tag = "customers",
                    .request_schema = schema,
                    .response_schema = schema,
                    .success_status = 201,
                    .error_statuses = {409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
              ECRM_ASSIGN_OR_RETURN(auto input, parse_input(body));
              ECRM_ASSIGN_OR_RETURN(auto created, service.create(input));
              ctx.set_audit(std::to_string(created.id),
                            json::serialize(json::object{{"fields", changed_fields(body)}}));
              return http::json_response(201, customer_json(created));
            }),
            .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/duplicates",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "Likely duplicate pairs of live customers: same normalised e-mail, same "
                         "normalised phone, or same name words and city (`customer`: only pairs "
                         "involving that customer)",
              .tag = "customers",
              .error_statuses = {404},
              .query_params = {"customer", "limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(int limit, limit_param(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto cursor, decode_pair_cursor(ctx, "p"));
        ECRM_ASSIGN_OR_RETURN(auto customer, http::query_int(ctx, "customer"));
        ECRM_ASSIGN_OR_RETURN(auto pairs, service.duplicates(customer, cursor ? cursor->a : 0,
                                                             cursor ? cursor->b : 0, limit));
        json::array items;
        for (const auto& p : pairs) {
          items.push_back(json::object{{"a", customer_json(p.a)},
                                       {"b", customer_json(p.b)},
                                       {"reasons", reasons_json(p.pair)}});
        }
        std::optional<std::string> next;
        if (static_cast<int>(pairs.size()) == limit) {
          next = encode_pair_cursor("p", pairs.back().pair.a, pairs.back().pair.b);
        }
        return http::json_response(200, page_json(std::move(items), next));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "Get one customer (merged ones show merged_into, erased ones erased_at)",
              .tag = "customers",
              .response_schema = schema,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto customer, service.get(id));
        return http::json_response(200, customer_json(customer));
      })});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/customers/{id}",
      .access = Access::needs("customers:write"),
      .doc = {.summary = "Change a customer's fields; null or \"\" clears a field, tags and "
                         "anniversaries are replaced as a whole, consent per channel is a new "
                         "decision",
              .tag = "customers",
              .request_schema = schema,
              .response_schema = schema,
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto input, parse_input(body));
        ECRM_ASSIGN_OR_RETURN(auto updated, service.update(id, input));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"fields", changed_fields(body)}}));
        return http::json_response(200, customer_json(updated));
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/customers/{id}/merge",
      .access = Access::needs("customers:write"),
      .doc = {.summary = "Merge customer `other_id` into this one: missing fields, tags, "
                         "consent, referrals and orders move here; the other is kept as merged "
                         "and the merge can be undone",
              .tag = "customers",
              .request_schema = R"({"type":"object","required":["other_id"],)"
                                R"("properties":{"other_id":{"type":"integer"}}})",
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto other, http::optional_int(body, "other_id"));
        if (!other) return Error::invalid("other_id is required", "other_id", "required");
        ECRM_ASSIGN_OR_RETURN(auto outcome, service.merge(id, *other, ctx.principal().display()));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"merge_id", outcome.merge.id},
                                                   {"merged_id", outcome.merge.merged_id}}));
        return http::json_response(200, outcome_json(outcome));
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/merges",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "The merges involving a customer, oldest first, with their snapshots",
              .tag = "customers",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto merges, service.merges_of(id));
        json::array items;
        for (const auto& m : merges) items.push_back(merge_json(m, true));
        return http::json_response(200, json::object{{"items", std::move(items)}});
      })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/customers/merges/{merge_id}/undo",
            .access = Access::needs("customers:write"),
            .doc = {.summary = "Undo a merge: the merged customer comes back with its orders, "
                               "referrals, tags and the fields it gave the survivor",
                    .tag = "customers",
                    .error_statuses = {404, 409}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto merge_id, ctx.id_param("merge_id"));
              ECRM_ASSIGN_OR_RETURN(auto outcome, service.undo_merge(merge_id));
              ctx.set_audit(std::to_string(merge_id),
                            json::serialize(json::object{{"survivor_id", outcome.merge.survivor_id},
                                                         {"merged_id", outcome.merge.merged_id}}));
              return http::json_response(200, outcome_json(outcome));
            }),
            .audit_entity = "customer_merge"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/export",
      .access = Access::needs("customers:privacy"),
      .doc = {.summary = "Privacy export: everything held on the customer as one JSON document "
                         "(profile, merges, referrals, orders and other records)",
              .tag = "customers",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto data, service.export_data(id));
        Response response = http::json_response(200, data);
        response.header("Content-Disposition",
                        "attachment; filename=\"customer-" + std::to_string(id) + ".json\"");
        return response;
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/customers/{id}/erase",
      .access = Access::needs("customers:erase"),
      .doc = {.summary = "Privacy erasure: removes the customer's personal data; orders are kept, "
                         "anonymised, for accounting",
              .tag = "customers",
              .response_schema = schema,
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto erased, service.erase(id));
        ctx.set_audit(std::to_string(id), R"({"erased":true})");
        return http::json_response(200, customer_json(erased));
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/timeline",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "The customer's 360° timeline, newest first: the record's own history, "
                         "orders and their status changes, returns",
              .tag = "customers",
              .error_statuses = {404},
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(int limit, limit_param(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto cursor, decode_pair_cursor(ctx, "t"));
        std::optional<TimelinePosition> after;
        if (cursor) {
          if (cursor->text.empty()) {
            return Error::invalid("cursor is not one this API returned", "cursor");
          }
          after = TimelinePosition{cursor->a, cursor->text, cursor->b};
        }
        ECRM_ASSIGN_OR_RETURN(auto entries, service.timeline(id, after, limit));
        json::array items;
        for (const auto& e : entries) items.push_back(timeline_entry_json(e));
        std::optional<std::string> next;
        if (static_cast<int>(entries.size()) == limit) {
          const auto& last = entries.back();
          next = encode_pair_cursor("t", last.at, last.id, last.source);
        }
        return http::json_response(200, page_json(std::move(items), next));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/summary",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "The customer's lifetime figures: order count, revenue net of refunds "
                         "(minor units, main currency first), average order value, first and "
                         "last order, returns, favourite categories",
              .tag = "customers",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto summary, service.summary(id));
        return http::json_response(200, summary_json(id, summary));
      })});
}

}  // namespace ecrm::customers

#include "events/validate.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace ecrm::events {

namespace json = boost::json;

namespace {

constexpr UnixMs kEarliestTs = 946'684'800'000;  // 2000-01-01
constexpr std::int64_t kMaxQuantity = 1'000'000;
constexpr std::int64_t kMaxAmount = 1'000'000'000'000;  // minor units

Error bad(std::string field, std::string message, std::string code = "invalid_field") {
  return Error::invalid(std::move(message), std::move(field), std::move(code));
}

// The event type named `text`: a table built once from the enum's description (this runs for
// every event of every batch).
std::optional<EventType> event_type_named(std::string_view text) {
  static const auto types = [] {
    std::vector<std::pair<std::string, EventType>> out;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<EventType>>([&](auto d) {
      out.emplace_back(wire::enumerator_wire_name(d.name), d.value);
    });
    return out;
  }();
  for (const auto& [name, type] : types) {
    if (name == text) return type;
  }
  return std::nullopt;
}

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

// A string member of `object` (absent/null: nullopt), 1..max_length characters; with
// `empty_is_absent` an empty string counts as absent (document.referrer is '' on a direct visit).
Result<std::optional<std::string>> text_of(const json::object& object, std::string_view name,
                                           const std::string& field, std::size_t max_length,
                                           bool empty_is_absent = false) {
  const json::value* v = object.if_contains(name);
  if (!v || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) return bad(field, field + " must be a string");
  std::string text(v->get_string());
  if (text.empty() && empty_is_absent) return std::optional<std::string>{};
  if (text.empty()) return bad(field, field + " must not be empty");
  if (text.size() > max_length) {
    return bad(field, field + " is longer than " + std::to_string(max_length) + " characters");
  }
  if (!printable(text)) return bad(field, field + " holds control characters");
  return std::optional<std::string>(std::move(text));
}

// An integer member within [min, max] (absent/null: nullopt). Whole numbers sent as doubles
// (1.0) are accepted; 1.5 is not.
Result<std::optional<std::int64_t>> int_of(const json::object& object, std::string_view name,
                                           const std::string& field, std::int64_t min,
                                           std::int64_t max, const char* what = "an integer") {
  const json::value* v = object.if_contains(name);
  if (!v || v->is_null()) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  if (v->is_int64()) {
    value = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    value = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double() && v->get_double() >= -9e15 && v->get_double() <= 9e15 &&
             v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double()))) {
    // The range is checked before the conversion: converting a double outside int64's range
    // (1e30) is undefined behaviour.
    value = static_cast<std::int64_t>(v->get_double());
  } else {
    return bad(field, field + " must be " + what);
  }
  if (value < min || value > max) {
    return bad(field, field + " must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return std::optional<std::int64_t>(value);
}

// A product reference: `sku`, else `product_id` (string or integer).
Result<std::optional<std::string>> product_of(const json::object& p, const std::string& prefix) {
  if (p.contains("sku") && !p.at("sku").is_null()) return text_of(p, "sku", prefix + "sku", 200);
  const json::value* id = p.if_contains("product_id");
  if (!id || id->is_null()) return std::optional<std::string>{};
  if (id->is_int64() || id->is_uint64()) {
    return std::optional<std::string>(json::serialize(*id));
  }
  return text_of(p, "product_id", prefix + "product_id", 200);
}

Result<std::optional<std::string>> currency_of(const json::object& p, const std::string& field) {
  ECRM_ASSIGN_OR_RETURN(auto text, text_of(p, "currency", field, 3, true));
  if (!text) return text;
  if (text->size() != 3 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
    return bad(field, field + " must be a three-letter ISO 4217 code");
  }
  std::transform(text->begin(), text->end(), text->begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return text;
}

Result<UnixMs> ts_of(const json::object& event, UnixMs now) {
  const json::value* v = event.if_contains("ts");
  if (!v || v->is_null()) return bad("ts", "ts is required", "required");
  std::optional<UnixMs> ts;
  if (v->is_int64()) {
    ts = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    ts = static_cast<UnixMs>(v->get_uint64());
  } else if (v->is_double() && v->get_double() > 0 && v->get_double() < 9e15) {
    ts = static_cast<UnixMs>(v->get_double());
  } else if (v->is_string()) {
    ts = parse_iso8601(v->get_string());
  }
  if (!ts) return bad("ts", "ts must be unix milliseconds or an ISO-8601 date-time", "invalid_ts");
  if (*ts < kEarliestTs || *ts > now + kMsPerDay) {
    return bad("ts", "ts is out of range (2000 to a day from now)", "invalid_ts");
  }
  return *ts;
}

}  // namespace

std::string device_from_user_agent(std::string_view ua) {
  if (ua.empty()) return "";
  std::string lower(ua);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  auto has = [&](std::string_view s) { return lower.find(s) != std::string::npos; };
  if (has("bot") || has("crawler") || has("spider") || has("headlesschrome") || has("curl/")) {
    return "bot";
  }
  if (has("ipad") || has("tablet") || (has("android") && !has("mobile"))) return "tablet";
  if (has("mobi") || has("iphone") || has("android")) return "mobile";
  return "desktop";
}

Result<IncomingEvent> validate_event(const json::value& raw, int index,
                                     const ValidationContext& context) {
  if (!raw.is_object()) return bad("", "each event must be a JSON object", "invalid_event");
  const json::object& e = raw.get_object();
  IncomingEvent out;
  out.index = index;

  ECRM_ASSIGN_OR_RETURN(auto event_id, text_of(e, "event_id", "event_id", 100));
  if (!event_id) return bad("event_id", "event_id is required", "required");
  out.event_id = std::move(*event_id);

  const json::value* type_value = e.if_contains("type");
  if (!type_value || type_value->is_null()) return bad("type", "type is required", "required");
  if (!type_value->is_string()) return bad("type", "type must be a string", "unknown_type");
  auto type = event_type_named(type_value->get_string());
  if (!type) {
    std::string shown(std::string_view(type_value->get_string()).substr(0, 64));
    return bad("type",
               "unknown event type '" + shown +
                   "': use page_view, product_view, search, add_to_cart, remove_from_cart, "
                   "checkout_step, purchase, identify, or custom with properties.name",
               "unknown_type");
  }
  out.type = *type;

  ECRM_ASSIGN_OR_RETURN(auto anonymous_id, text_of(e, "anonymous_id", "anonymous_id", 128));
  if (!anonymous_id) return bad("anonymous_id", "anonymous_id is required", "required");
  out.anonymous_id = std::move(*anonymous_id);

  ECRM_ASSIGN_OR_RETURN(out.customer_id,
                        int_of(e, "customer_id", "customer_id", 1, INT64_MAX, "a customer id"));
  if (out.customer_id && context.sender == Sender::kWriteKey) {
    return bad("customer_id",
               "a public write key may not name customers: use identify with the shop's "
               "customer id",
               "customer_id_not_allowed");
  }
  ECRM_ASSIGN_OR_RETURN(out.client_session_id, text_of(e, "session_id", "session_id", 128));
  ECRM_ASSIGN_OR_RETURN(out.ts, ts_of(e, context.now));

  static const json::object kEmpty;
  const json::object* props = &kEmpty;
  if (const json::value* p = e.if_contains("properties"); p && !p->is_null()) {
    if (!p->is_object()) return bad("properties", "properties must be an object");
    props = &p->get_object();
  }
  out.properties = json::serialize(*props);
  if (out.properties.size() > kMaxPropertiesBytes) {
    return bad("properties",
               "properties exceed " + std::to_string(kMaxPropertiesBytes) + " bytes",
               "properties_too_large");
  }
  const json::object& p = *props;

  ECRM_ASSIGN_OR_RETURN(auto url, text_of(p, "url", "properties.url", 2048, true));
  out.url = url.value_or("");
  ECRM_ASSIGN_OR_RETURN(auto referrer, text_of(p, "referrer", "properties.referrer", 2048, true));
  out.referrer = referrer.value_or("");
  ECRM_ASSIGN_OR_RETURN(auto device, text_of(p, "device", "properties.device", 20, true));
  out.device = context.device;
  if (device) {
    if (*device != "desktop" && *device != "mobile" && *device != "tablet" && *device != "bot") {
      return bad("properties.device", "properties.device must be desktop, mobile, tablet or bot");
    }
    out.device = *device;
  }
  ECRM_ASSIGN_OR_RETURN(out.currency, currency_of(p, "properties.currency"));

  switch (out.type) {
    case EventType::kPageView:
      if (out.url.empty()) return bad("properties.url", "properties.url is required", "required");
      break;
    case EventType::kProductView:
    case EventType::kAddToCart:
    case EventType::kRemoveFromCart: {
      ECRM_ASSIGN_OR_RETURN(out.product, product_of(p, "properties."));
      if (!out.product) {
        return bad("properties.sku", "properties.sku (or properties.product_id) is required",
                   "required");
      }
      ECRM_ASSIGN_OR_RETURN(out.product_name, text_of(p, "name", "properties.name", 500, true));
      ECRM_ASSIGN_OR_RETURN(out.price, int_of(p, "price", "properties.price", 0, kMaxAmount,
                                              "an integer amount in minor units"));
      ECRM_ASSIGN_OR_RETURN(out.quantity,
                            int_of(p, "quantity", "properties.quantity", 1, kMaxQuantity));
      if (out.type == EventType::kAddToCart && !out.quantity) out.quantity = 1;
      if (out.price && out.type != EventType::kProductView) {
        out.value = *out.price * out.quantity.value_or(1);
      } else if (out.price) {
        out.value = out.price;
      }
      break;
    }
    case EventType::kSearch: {
      ECRM_ASSIGN_OR_RETURN(auto query, text_of(p, "query", "properties.query", 500));
      if (!query) return bad("properties.query", "properties.query is required", "required");
      break;
    }
    case EventType::kCheckoutStep: {
      ECRM_ASSIGN_OR_RETURN(auto step, int_of(p, "step", "properties.step", 1, 100));
      out.step = step.value_or(1);
      break;
    }
    case EventType::kPurchase: {
      const json::value* order = p.if_contains("order_id");
      if (order && (order->is_int64() || order->is_uint64())) {
        out.order_ref = json::serialize(*order);
      } else {
        ECRM_ASSIGN_OR_RETURN(out.order_ref, text_of(p, "order_id", "properties.order_id", 200));
      }
      ECRM_ASSIGN_OR_RETURN(out.value, int_of(p, "total", "properties.total", 0, kMaxAmount,
                                              "an integer amount in minor units"));
      if (const json::value* items = p.if_contains("items"); items && !items->is_null()) {
        if (!items->is_array()) return bad("properties.items", "properties.items must be an array");
        if (items->get_array().size() > 500) {
          return bad("properties.items", "properties.items holds more than 500 items");
        }
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < items->get_array().size(); ++i) {
          std::string prefix = "properties.items[" + std::to_string(i) + "].";
          const json::value& item = items->get_array()[i];
          if (!item.is_object()) return bad(prefix.substr(0, prefix.size() - 1), "each item must be an object");
          const json::object& o = item.get_object();
          IncomingEvent::Item parsed;
          ECRM_ASSIGN_OR_RETURN(auto product, product_of(o, prefix));
          if (!product) return bad(prefix + "sku", prefix + "sku is required", "required");
          parsed.product = std::move(*product);
          ECRM_ASSIGN_OR_RETURN(auto name, text_of(o, "name", prefix + "name", 500, true));
          parsed.name = name.value_or("");
          ECRM_ASSIGN_OR_RETURN(auto quantity, int_of(o, "quantity", prefix + "quantity", 1, kMaxQuantity));
          parsed.quantity = quantity.value_or(1);
          ECRM_ASSIGN_OR_RETURN(auto price, int_of(o, "price", prefix + "price", 0, kMaxAmount,
                                                   "an integer amount in minor units"));
          parsed.price = price.value_or(0);
          sum += parsed.price * parsed.quantity;
          out.items.push_back(std::move(parsed));
        }
        if (!out.value) out.value = sum;
      }
      break;
    }
    case EventType::kIdentify: {
      ECRM_ASSIGN_OR_RETURN(out.external_id, text_of(p, "external_id", "properties.external_id", 200));
      if (const json::value* traits = p.if_contains("traits");
          traits && !traits->is_null() && !traits->is_object()) {
        return bad("properties.traits", "properties.traits must be an object");
      }
      if (!out.external_id && !out.customer_id) {
        return bad("properties.external_id",
                   context.sender == Sender::kWriteKey
                       ? "properties.external_id (the shop's customer id) is required"
                       : "properties.external_id or customer_id is required",
                   "required");
      }
      break;
    }
    case EventType::kCustom: {
      ECRM_ASSIGN_OR_RETURN(auto name, text_of(p, "name", "properties.name", 100));
      if (!name) {
        return bad("properties.name", "custom events need properties.name", "required");
      }
      break;
    }
  }
  return out;
}

}  // namespace ecrm::events

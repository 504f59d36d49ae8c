#include "http/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <charconv>

#include "core/time.hpp"

namespace ecrm::wire {

namespace detail {

json::value parse_json_text(std::string_view text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return json::object{};
  return value;
}

Error wrong_type(const std::string& path, std::string_view expected) {
  std::string name = path.empty() ? "the body" : path;
  return Error::invalid(name + " must be " + std::string(expected), path);
}

std::string member_path(const std::string& parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  return parent + "." + std::string(name);
}

namespace {
Status check_range(std::int64_t value, const std::string& path, const Limits& limits) {
  if ((limits.minimum && value < *limits.minimum) || (limits.maximum && value > *limits.maximum)) {
    std::string range;
    if (limits.minimum && limits.maximum) {
      range = "from " + std::to_string(*limits.minimum) + " to " + std::to_string(*limits.maximum);
    } else if (limits.minimum) {
      range = "at least " + std::to_string(*limits.minimum);
    } else {
      range = "at most " + std::to_string(*limits.maximum);
    }
    return Error::invalid(path + " must be an integer " + range, path);
  }
  return {};
}
}  // namespace

Result<std::int64_t> read_int(const json::value& v, const std::string& path, const Limits& limits) {
  std::int64_t value = 0;
  if (v.is_int64()) {
    value = v.get_int64();
  } else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    value = static_cast<std::int64_t>(v.get_uint64());
  } else if (v.is_double() && v.get_double() >= -0x1p63 && v.get_double() < 0x1p63 &&
             v.get_double() == static_cast<double>(static_cast<std::int64_t>(v.get_double()))) {
    // In range before the conversion: converting 1e30 to int64 is undefined behaviour.
    value = static_cast<std::int64_t>(v.get_double());
  } else {
    return wrong_type(path, "an integer");
  }
  ECRM_RETURN_IF_ERROR(check_range(value, path, limits));
  return value;
}

Result<std::string> read_string(const json::value& v, const std::string& path,
                                const Limits& limits) {
  if (!v.is_string()) return wrong_type(path, "a string");
  std::size_t max = limits.max_length ? limits.max_length : kDefaultMaxLength;
  if (v.get_string().size() > max) {
    return Error::invalid(path + " is longer than " + std::to_string(max) + " bytes", path);
  }
  if (limits.format == "date" && !v.get_string().empty() && !parse_date(v.get_string())) {
    return Error::invalid(path + " must be a date YYYY-MM-DD", path);
  }
  return std::string(v.get_string());
}

Result<std::int64_t> read_time(const json::value& v, const std::string& path) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_string()) {
    if (auto parsed = parse_iso8601(v.get_string())) return *parsed;
  }
  return Error::invalid(path + " must be unix milliseconds or an ISO-8601 date or date-time",
                        path);
}

Result<std::int64_t> query_int(std::string_view text, const std::string& name,
                               const Limits& limits) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return Error::invalid(name + " must be an integer", name);
  }
  ECRM_RETURN_IF_ERROR(check_range(value, name, limits));
  return value;
}

Result<bool> query_bool(std::string_view text, const std::string& name) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return Error::invalid(name + " must be true or false", name);
}

Result<std::int64_t> query_time(std::string_view text, const std::string& name) {
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec == std::errc{} && end == text.data() + text.size()) return ms;
  if (auto parsed = parse_iso8601(text)) return *parsed;
  return Error::invalid(name + " must be unix milliseconds or an ISO-8601 date or date-time",
                        name);
}

}  // namespace detail

void Schemas::add_limits(json::object& out, const Limits& limits, std::string_view kind,
                         Direction direction) {
  if (kind == "string") {
    if (direction == Direction::kRequest) {
      out["maxLength"] = limits.max_length ? limits.max_length : kDefaultMaxLength;
    }
    if (limits.format == "date" || limits.format == "email") out["format"] = limits.format;
  } else {
    if (limits.minimum) out["minimum"] = *limits.minimum;
    if (limits.maximum) out["maximum"] = *limits.maximum;
    if (limits.format == "date-time") {
      out["description"] = direction == Direction::kRequest
                               ? "unix milliseconds or an ISO-8601 date or date-time"
                               : "unix milliseconds (UTC)";
    }
  }
}

json::value Schemas::nullable(json::value inner) {
  if (inner.is_object()) {
    auto& o = inner.as_object();
    if (auto* type = o.if_contains("type"); type && !o.contains("$ref")) {
      if (type->is_string()) {
        json::array types{*type, "null"};
        *type = std::move(types);
      } else if (type->is_array()) {
        type->as_array().push_back("null");
      }
      if (auto* values = o.if_contains("enum"); values && values->is_array()) {
        values->as_array().push_back(nullptr);
      }
      return inner;
    }
    if (o.empty()) return inner;  // any value, null included
  }
  return json::object{{"anyOf", json::array{std::move(inner), json::object{{"type", "null"}}}}};
}

}  // namespace ecrm::wire

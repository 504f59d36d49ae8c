// JSON for described types (core/describe.hpp): one description gives the writer, the reader
// and the JSON Schema of a type.
//
//   to_json(value)                      -> boost::json::value
//   read<T>(json, "body")               -> Result<T>, errors name the field ("anniversaries[2].date")
//   read_query<T>(request)              -> Result<T> from the query string (scalar members)
//   Schemas::of<T>(Direction)           -> a schema; response structs become components ($ref)
//
// Response schemas are strict (every member required, no other property), so a response that
// drifts from its type fails validation; request schemas list the required members and limits.
#pragma once

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <limits>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"

namespace ecrm::wire {

namespace json = boost::json;

// ---- traits --------------------------------------------------------------------------------

template <typename T>
inline constexpr bool is_described_struct =
    boost::describe::has_describe_members<T>::value && std::is_class_v<T>;
template <typename T>
inline constexpr bool is_described_enum = boost::describe::has_describe_enumerators<T>::value;

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
template <typename T>
struct is_vector : std::false_type {};
template <typename T, typename A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <typename T>
struct is_string_map : std::false_type {};
template <typename T, typename C, typename A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <typename T>
concept HasRules = requires { wire_rules(static_cast<T*>(nullptr)); };
template <typename T>
concept HasName = requires { wire_name(static_cast<T*>(nullptr)); };

// The wire name of a described struct (its component name).
template <typename T>
std::string name_of() {
  static_assert(HasName<T>, "describe the type with ECRM_DESCRIBE (it gives the wire name)");
  return std::string(wire_name(static_cast<T*>(nullptr)));
}

// The limits declared for member `pointer` of S (defaults when none).
template <typename S, typename P>
Limits limits_of(P pointer) {
  Limits out{};
  if constexpr (HasRules<S>) {
    std::apply(
        [&](const auto&... rules) {
          auto one = [&](const auto& r) {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(r.member)>, P>) {
              if (r.member == pointer) out = r.limits;
            }
          };
          (one(rules), ...);
        },
        wire_rules(static_cast<S*>(nullptr)));
  }
  return out;
}

// ---- writing -------------------------------------------------------------------------------

template <typename T>
json::value to_json(const T& value);

namespace detail {
json::value parse_json_text(std::string_view text);
}

template <typename T>
json::value to_json(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return json::value(value);
  } else if constexpr (std::is_integral_v<T>) {
    return json::value(static_cast<std::int64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return json::value(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, JsonText>) {
    return detail::parse_json_text(value);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return json::value(std::string_view(value));
  } else if constexpr (std::is_same_v<T, json::value>) {
    return value;
  } else if constexpr (std::is_same_v<T, json::object> || std::is_same_v<T, json::array>) {
    return json::value(value);
  } else if constexpr (is_described_enum<T>) {
    return json::value(enum_name(value));
  } else if constexpr (is_optional<T>::value) {
    return value ? to_json(*value) : json::value(nullptr);
  } else if constexpr (is_vector<T>::value) {
    json::array out;
    out.reserve(value.size());
    for (const auto& item : value) out.push_back(to_json(item));
    return out;
  } else if constexpr (is_string_map<T>::value) {
    json::object out;
    for (const auto& [key, item] : value) out[key] = to_json(item);
    return out;
  } else if constexpr (is_described_struct<T>) {
    json::object out;
    out.reserve(boost::mp11::mp_size<boost::describe::describe_members<
                    T, boost::describe::mod_public | boost::describe::mod_inherited>>::value);
    boost::mp11::mp_for_each<
        boost::describe::describe_members<T, boost::describe::mod_public |
                                                 boost::describe::mod_inherited>>(
        [&](auto d) { out.emplace(d.name, to_json(value.*d.pointer)); });
    return out;
  } else {
    static_assert(sizeof(T) == 0, "no wire form for this type: describe it (ECRM_DESCRIBE)");
  }
}

// ---- reading -------------------------------------------------------------------------------

namespace detail {

Error wrong_type(const std::string& path, std::string_view expected);
Result<std::int64_t> read_int(const json::value& v, const std::string& path, const Limits& limits);
Result<std::string> read_string(const json::value& v, const std::string& path,
                                const Limits& limits);
Result<std::int64_t> read_time(const json::value& v, const std::string& path);
std::string member_path(const std::string& parent, std::string_view name);

template <typename T>
Result<T> read_value(const json::value& v, const std::string& path, const Limits& limits);

template <typename S>
Result<S> read_struct(const json::value& v, const std::string& path, const Limits& limits) {
  if (!v.is_object()) return wrong_type(path, "an object");
  const auto& object = v.get_object();
  if (limits.closed) {
    std::vector<std::string> names;
    boost::mp11::mp_for_each<boost::describe::describe_members<
        S, boost::describe::mod_public | boost::describe::mod_inherited>>(
        [&](auto d) { names.emplace_back(d.name); });
    for (const auto& [key, value] : object) {
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        std::string field = member_path(path, key);
        return Error::invalid(path + " takes only " + one_of_text(names), field);
      }
    }
  }
  S out{};
  std::optional<Error> failure;
  using Members =
      boost::describe::describe_members<S, boost::describe::mod_public |
                                               boost::describe::mod_inherited>;
  boost::mp11::mp_for_each<Members>([&](auto d) {
    if (failure) return;
    using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
    const Limits limits = limits_of<S>(d.pointer);
    std::string field = member_path(path, d.name);
    auto it = object.find(d.name);
    const bool absent = it == object.end();
    if constexpr (is_optional<M>::value) {
      using Inner = typename M::value_type;
      if (absent) return;
      if constexpr (is_optional<Inner>::value) {  // PATCH: absent, null or a value
        if (it->value().is_null()) {
          out.*d.pointer = Inner{};
          return;
        }
        auto value = read_value<typename Inner::value_type>(it->value(), field, limits);
        if (!value.ok()) failure = std::move(value).error();
        else out.*d.pointer = Inner(std::move(value).value());
      } else {
        if (it->value().is_null()) {
          if (limits.null_clears) out.*d.pointer = Inner{};
          return;
        }
        auto value = read_value<Inner>(it->value(), field, limits);
        if (!value.ok()) failure = std::move(value).error();
        else out.*d.pointer = std::move(value).value();
      }
    } else {
      if (absent || (it->value().is_null() && !limits.null_clears)) {
        if (absent && (is_vector<M>::value || is_string_map<M>::value)) return;  // empty
        failure = Error::invalid(field + " is required", field, "required");
        return;
      }
      if (it->value().is_null()) {
        out.*d.pointer = M{};
        return;
      }
      auto value = read_value<M>(it->value(), field, limits);
      if (!value.ok()) failure = std::move(value).error();
      else out.*d.pointer = std::move(value).value();
    }
  });
  if (failure) return std::move(*failure);
  return out;
}

template <typename T>
Result<T> read_value(const json::value& v, const std::string& path, const Limits& limits) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) return wrong_type(path, "true or false");
    return v.get_bool();
  } else if constexpr (std::is_integral_v<T>) {
    Result<std::int64_t> value =
        limits.format == "date-time" ? read_time(v, path) : read_int(v, path, limits);
    if (!value.ok()) return std::move(value).error();
    bool fits = true;
    if constexpr (std::is_signed_v<T>) {
      fits = *value >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
             *value <= static_cast<std::int64_t>(std::numeric_limits<T>::max());
    } else {
      fits = *value >= 0 && static_cast<std::uint64_t>(*value) <=
                                static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    }
    if (!fits) return Error::invalid(path + " is out of range", path);
    return static_cast<T>(*value);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) return wrong_type(path, "a number");
    return static_cast<T>(v.to_number<double>());
  } else if constexpr (std::is_same_v<T, JsonText>) {
    if (!v.is_object()) return wrong_type(path, "a JSON object");
    return JsonText(json::serialize(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return read_string(v, path, limits);
  } else if constexpr (std::is_same_v<T, json::value>) {
    return v;
  } else if constexpr (std::is_same_v<T, json::object>) {
    if (!v.is_object()) return wrong_type(path, "an object");
    return v.get_object();
  } else if constexpr (is_described_enum<T>) {
    if (!v.is_string()) return wrong_type(path, "one of " + one_of_text(enum_names<T>()));
    auto parsed = parse_enum<T>(v.get_string());
    if (!parsed) {
      return Error::invalid(path + " must be " + one_of_text(enum_names<T>()), path);
    }
    return *parsed;
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array()) return wrong_type(path, "an array");
    const auto& array = v.get_array();
    std::size_t max_items = limits.max_length ? limits.max_length : kDefaultMaxItems;
    if (array.size() > max_items) {
      return Error::invalid(path + " has more than " + std::to_string(max_items) + " items",
                            path);
    }
    T out;
    out.reserve(array.size());
    Limits item_limits{};
    item_limits.format = limits.format;
    for (std::size_t i = 0; i < array.size(); ++i) {
      auto item = read_value<typename T::value_type>(array[i], path + "[" + std::to_string(i) + "]",
                                                     item_limits);
      if (!item.ok()) return std::move(item).error();
      out.push_back(std::move(item).value());
    }
    return out;
  } else if constexpr (is_string_map<T>::value) {
    if (!v.is_object()) return wrong_type(path, "an object");
    T out;
    for (const auto& [key, item] : v.get_object()) {
      auto value = read_value<typename T::mapped_type>(item, member_path(path, key), Limits{});
      if (!value.ok()) return std::move(value).error();
      out.emplace(std::string(key), std::move(value).value());
    }
    return out;
  } else if constexpr (is_described_struct<T>) {
    return read_struct<T>(v, path, limits);
  } else {
    static_assert(sizeof(T) == 0, "no wire form for this type: describe it (ECRM_DESCRIBE)");
  }
}

}  // namespace detail

// The names of the optional members of `value` that are set: the fields a PATCH body changed,
// for the audit log.
template <typename T>
std::vector<std::string> present_members(const T& value) {
  std::vector<std::string> out;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto d) {
        if constexpr (is_optional<std::remove_cvref_t<decltype(value.*d.pointer)>>::value) {
          if ((value.*d.pointer).has_value()) out.emplace_back(d.name);
        }
      });
  return out;
}

// Reads a described struct from a parsed JSON body. `path` prefixes field names in errors
// ("" for a request body: errors name "name", "anniversaries[2].date").
template <typename T>
Result<T> read(const json::value& body, const std::string& path = {}) {
  return detail::read_value<T>(body, path, Limits{});
}

// ---- query strings -------------------------------------------------------------------------

// Reads a described struct of scalar members (strings, integers, booleans, enums, optional of
// those, vectors of strings from repeated parameters) from query parameters; `get(name)`
// answers a parameter's text, nullopt when absent or empty.
namespace detail {
Result<std::int64_t> query_int(std::string_view text, const std::string& name,
                               const Limits& limits);
Result<bool> query_bool(std::string_view text, const std::string& name);
Result<std::int64_t> query_time(std::string_view text, const std::string& name);

template <typename T>
Result<T> query_value(std::string_view text, const std::string& name, const Limits& limits) {
  if constexpr (std::is_same_v<T, bool>) {
    return query_bool(text, name);
  } else if constexpr (std::is_integral_v<T>) {
    auto value = limits.format == "date-time" ? query_time(text, name)
                                              : query_int(text, name, limits);
    if (!value.ok()) return std::move(value).error();
    return static_cast<T>(*value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    std::size_t max = limits.max_length ? limits.max_length : kDefaultMaxLength;
    if (text.size() > max) {
      return Error::invalid(name + " is longer than " + std::to_string(max) + " bytes", name);
    }
    return std::string(text);
  } else if constexpr (is_described_enum<T>) {
    auto parsed = parse_enum<T>(text);
    if (!parsed) return Error::invalid(name + " must be " + one_of_text(enum_names<T>()), name);
    return *parsed;
  } else {
    static_assert(sizeof(T) == 0, "query members are strings, integers, booleans or enums");
  }
}
}  // namespace detail

template <typename T, typename Get>
Result<T> read_query(Get&& get) {
  T out{};
  std::optional<Error> failure;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto d) {
        if (failure) return;
        using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
        const Limits limits = limits_of<T>(d.pointer);
        std::string name(d.name);
        std::optional<std::string_view> text = get(std::string_view(d.name));
        if (!text) return;  // absent: nullopt, or the member's default
        if constexpr (is_optional<M>::value) {
          auto value = detail::query_value<typename M::value_type>(*text, name, limits);
          if (!value.ok()) failure = std::move(value).error();
          else out.*d.pointer = std::move(value).value();
        } else {
          auto value = detail::query_value<M>(*text, name, limits);
          if (!value.ok()) failure = std::move(value).error();
          else out.*d.pointer = std::move(value).value();
        }
      });
  if (failure) return std::move(*failure);
  return out;
}

// ---- schemas -------------------------------------------------------------------------------

enum class Direction { kRequest, kResponse };

// Collects the schemas of the types a document names. Response structs are registered as
// components (by wire name) and referenced; request schemas are written inline.
class Schemas {
 public:
  template <typename T>
  json::value of(Direction direction) {
    return schema<T>(direction, Limits{});
  }

  // {name: {"in": "query", ...}} parameters of a described query struct.
  template <typename T>
  json::array query_parameters() {
    json::array out;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto d) {
          using M = std::remove_cvref_t<decltype(std::declval<T&>().*d.pointer)>;
          using V = std::conditional_t<is_optional<M>::value, typename optional_inner<M>::type, M>;
          const Limits limits = limits_of<T>(d.pointer);
          json::object parameter{{"name", d.name},
                                 {"in", "query"},
                                 {"required", false},
                                 {"schema", query_schema<V>(limits)}};
          if (!limits.description.empty()) parameter["description"] = limits.description;
          out.push_back(std::move(parameter));
        });
    return out;
  }

  const json::object& components() const { return components_; }

 private:
  template <typename M>
  struct optional_inner {
    using type = M;
  };
  template <typename M>
  struct optional_inner<std::optional<M>> {
    using type = M;
  };

  template <typename V>
  json::value query_schema(const Limits& limits) {
    if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) {
      if (limits.format == "date-time") {
        return json::object{{"type", "string"},
                            {"description", "unix milliseconds or an ISO-8601 date or date-time"}};
      }
    }
    return schema<V>(Direction::kRequest, limits);
  }

  static void add_limits(json::object& out, const Limits& limits, std::string_view kind,
                         Direction direction);

  template <typename T>
  json::value schema(Direction direction, const Limits& limits) {
    json::object out;
    if constexpr (std::is_same_v<T, bool>) {
      out["type"] = "boolean";
    } else if constexpr (std::is_integral_v<T>) {
      if (limits.format == "date-time" && direction == Direction::kRequest) {
        out["type"] = json::array{"integer", "string"};
      } else {
        out["type"] = "integer";
      }
      add_limits(out, limits, "integer", direction);
    } else if constexpr (std::is_floating_point_v<T>) {
      out["type"] = "number";
    } else if constexpr (std::is_same_v<T, JsonText> || std::is_same_v<T, json::object>) {
      out["type"] = "object";
    } else if constexpr (std::is_same_v<T, json::value>) {
      // any JSON value
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      out["type"] = "string";
      add_limits(out, limits, "string", direction);
    } else if constexpr (is_described_enum<T>) {
      out["type"] = "string";
      json::array values;
      for (auto& n : enum_names<T>()) values.push_back(json::value(n));
      out["enum"] = std::move(values);
    } else if constexpr (is_optional<T>::value) {
      using Inner = typename T::value_type;
      if constexpr (is_optional<Inner>::value) {
        return nullable(schema<typename Inner::value_type>(direction, limits));
      } else {
        return nullable(schema<Inner>(direction, limits));
      }
    } else if constexpr (is_vector<T>::value) {
      out["type"] = "array";
      Limits item_limits{};
      item_limits.format = limits.format;
      out["items"] = schema<typename T::value_type>(direction, item_limits);
      if (direction == Direction::kRequest) {
        out["maxItems"] = limits.max_length ? limits.max_length : kDefaultMaxItems;
      }
    } else if constexpr (is_string_map<T>::value) {
      out["type"] = "object";
      out["additionalProperties"] = schema<typename T::mapped_type>(direction, Limits{});
    } else if constexpr (is_described_struct<T>) {
      if (direction == Direction::kResponse) {
        std::string name = name_of<T>();
        if (!components_.contains(name)) {
          components_[name] = json::object{};  // placeholder: recursion ends here
          components_[name] = struct_schema<T>(direction);
        }
        return json::object{{"$ref", "#/components/schemas/" + name}};
      }
      return struct_schema<T>(direction);
    } else {
      static_assert(sizeof(T) == 0, "no wire form for this type: describe it (ECRM_DESCRIBE)");
    }
    if (!limits.description.empty()) out["description"] = limits.description;
    return out;
  }

  static json::value nullable(json::value inner);

  template <typename S>
  json::object struct_schema(Direction direction) {
    json::object properties;
    json::array required;
    boost::mp11::mp_for_each<boost::describe::describe_members<
        S, boost::describe::mod_public | boost::describe::mod_inherited>>([&](auto d) {
      using M = std::remove_cvref_t<decltype(std::declval<S&>().*d.pointer)>;
      const Limits limits = limits_of<S>(d.pointer);
      json::value member = schema<M>(direction, limits);
      if (limits.null_clears && direction == Direction::kRequest && !is_optional<M>::value) {
        member = nullable(std::move(member));
      }
      properties[d.name] = std::move(member);
      bool needed = direction == Direction::kResponse ||
                    (!is_optional<M>::value && !is_vector<M>::value && !is_string_map<M>::value);
      if (needed) required.push_back(json::value(d.name));
    });
    json::object out{{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) out["required"] = std::move(required);
    out["additionalProperties"] = false;
    return out;
  }

  json::object components_;
};

}  // namespace ecrm::wire

// Describing a wire type once. A struct that crosses the API is described with ECRM_DESCRIBE
// (Boost.Describe underneath) next to its definition; http/wire.hpp derives from that one
// description its JSON writer, its reader (naming the failing field, telling an absent field
// from null) and its JSON Schema in the OpenAPI document.
//
//   struct Anniversary { std::string kind; std::string date; std::string label; };
//   ECRM_DESCRIBE(Anniversary, kind, date, label)
//
// Only the members listed cross the wire (internal keys stay out). A member's type says how:
//   T                             required in a request, always present in a response
//   std::optional<T>              may be absent (request) / may be null (response)
//   std::optional<std::optional<T>>  a PATCH field: absent (keep), null (clear) or a value
//   std::vector<T>, std::map<std::string, T>, described structs and enums, JsonText
// Enumerators cross as snake_case without the leading k (kAtRisk -> "at_risk").
//
// Limits that are part of the contract (a maximum length, a range, a format) are declared
// once per type with ECRM_WIRE_RULES and the member pointer they apply to; the same limit
// constants are the ones the service checks.
//
//   ECRM_WIRE_RULES(CustomerInput, rule(&CustomerInput::name, {.max_length = kMaxName}))
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ecrm::wire {

// The contract of one member beyond its type.
struct Limits {
  std::size_t max_length = 0;  // strings: bytes; arrays: items (0: the default)
  std::optional<std::int64_t> minimum;
  std::optional<std::int64_t> maximum;
  std::string_view format;       // "date", "date-time" (unix ms or ISO-8601 text), "email"
  std::string_view description;  // shown in the OpenAPI document
  bool null_clears = false;      // request: null reads as the empty value (e.g. "")
  bool closed = false;           // request, an object member: an unknown key in it is refused
};

// Strings in a request longer than this are refused unless a rule allows more.
inline constexpr std::size_t kDefaultMaxLength = 1000;
inline constexpr std::size_t kDefaultMaxItems = 1000;

template <typename S, typename M>
struct FieldRule {
  M S::*member;
  Limits limits;
};

template <typename S, typename M>
constexpr FieldRule<S, M> rule(M S::*member, Limits limits) {
  return FieldRule<S, M>{member, limits};
}

// A string holding a JSON document (e.g. free attributes): it crosses the wire as the JSON
// value itself. Converts to and from std::string so stored text stays text.
struct JsonText : std::string {
  using std::string::string;
  JsonText() : std::string("{}") {}
  JsonText(std::string text) : std::string(std::move(text)) {}  // NOLINT: implicit by design
};

// Enumerators by their wire names, for the API and for text stored in the database alike.
// "kAtRisk" -> "at_risk".
std::string enumerator_wire_name(std::string_view cpp_name);

template <typename E>
std::string_view enum_name(E value) {
  static const auto names = [] {
    std::vector<std::pair<E, std::string>> out;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
        [&](auto d) { out.emplace_back(d.value, enumerator_wire_name(d.name)); });
    return out;
  }();
  for (const auto& [v, n] : names) {
    if (v == value) return n;
  }
  return {};
}

template <typename E>
std::optional<E> parse_enum(std::string_view text) {
  std::optional<E> out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (!out && enumerator_wire_name(d.name) == text) out = d.value;
  });
  return out;
}

template <typename E>
std::vector<std::string> enum_names() {
  std::vector<std::string> out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto d) { out.push_back(enumerator_wire_name(d.name)); });
  return out;
}

// "a, b or c"
std::string one_of_text(const std::vector<std::string>& names);

}  // namespace ecrm::wire

// The wire name of a described type (its OpenAPI component name) and its description.
#define ECRM_DESCRIBE(Type, ...)                                         \
  BOOST_DESCRIBE_STRUCT(Type, (), (__VA_ARGS__))                         \
  [[maybe_unused]] inline constexpr std::string_view wire_name(Type*) { \
    return #Type;                                                        \
  }

// ECRM_DESCRIBE for a type that extends a described base: the base's members come first.
//   struct OrderView : Order { std::vector<OrderLine> lines; };
//   ECRM_DESCRIBE_DERIVED(OrderView, Order, lines)
#define ECRM_DESCRIBE_DERIVED(Type, Base, ...)                           \
  BOOST_DESCRIBE_STRUCT(Type, (Base), (__VA_ARGS__))                     \
  [[maybe_unused]] inline constexpr std::string_view wire_name(Type*) { \
    return #Type;                                                        \
  }

// Describes an enum next to its definition: it crosses the wire as its enumerators' names.
#define ECRM_DESCRIBE_ENUM(Enum, ...) BOOST_DESCRIBE_ENUM(Enum, __VA_ARGS__)

#define ECRM_WIRE_RULES(Type, ...)                                    \
  [[maybe_unused]] inline constexpr auto wire_rules(Type*) {          \
    using ::ecrm::wire::rule;                                         \
    return std::make_tuple(__VA_ARGS__);                              \
  }

#include "core/json_text.hpp"

#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>

namespace ecrm {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  const double magnitude = std::fabs(value);
  // Plain notation for every magnitude a shop's figures have; the shortest exponent form for the
  // rest, where plain digits would run to hundreds of characters.
  const bool plain = magnitude == 0.0 || (magnitude >= 1e-6 && magnitude < 1e21);
  auto [end, ec] =
      plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
            : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  if (ec != std::errc{}) {  // cannot happen with 64 characters; kept valid JSON regardless
    out += "null";
    return;
  }
  out.append(buffer, end);
  bool whole = true;
  for (const char* p = buffer; p != end; ++p) {
    if (*p == '.' || *p == 'e') {
      whole = false;
      break;
    }
  }
  if (whole) out += ".0";
}

void append_json_text(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      append_integer(out, value.get_int64());
      return;
    case boost::json::kind::uint64:
      append_integer(out, value.get_uint64());
      return;
    case boost::json::kind::double_:
      append_json_number(out, value.get_double());
      return;
    case boost::json::kind::string:
      append_string(out, value.get_string());
      return;
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_text(out, element);
      }
      out.push_back(']');
      return;
    }
    case boost::json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& entry : value.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_string(out, entry.key());
        out.push_back(':');
        append_json_text(out, entry.value());
      }
      out.push_back('}');
      return;
    }
  }
}

std::string json_text(const boost::json::value& value) {
  std::string out;
  out.reserve(256);
  append_json_text(out, value);
  return out;
}

}  // namespace ecrm

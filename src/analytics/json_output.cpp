#include "analytics/json_output.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdio>

namespace ecrm::analytics {
namespace {

std::string fixed(double value, int decimals) {
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

void indent(std::ostream& out, int depth) {
  for (int i = 0; i < depth; ++i) out << "  ";
}

void write(std::ostream& out, const boost::json::value& value, const JsonFormat& format, int depth,
           bool money) {
  switch (value.kind()) {
    case boost::json::kind::object: {
      const auto& object = value.get_object();
      if (object.empty()) {
        out << "{}";
        return;
      }
      out << "{\n";
      bool first = true;
      for (const auto& entry : object) {
        if (!first) out << ",\n";
        first = false;
        indent(out, depth + 1);
        out << boost::json::serialize(boost::json::string_view(entry.key())) << ": ";
        const bool is_money = std::find(format.money_keys.begin(), format.money_keys.end(),
                                        std::string_view(entry.key())) != format.money_keys.end();
        write(out, entry.value(), format, depth + 1, is_money);
      }
      out << "\n";
      indent(out, depth);
      out << "}";
      return;
    }
    case boost::json::kind::array: {
      const auto& array = value.get_array();
      if (array.empty()) {
        out << "[]";
        return;
      }
      // Arrays of scalars stay on one line; arrays of objects get one element per line.
      const bool scalars = std::none_of(
          array.begin(), array.end(), [](const auto& v) { return v.is_object() || v.is_array(); });
      out << (scalars ? "[" : "[\n");
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (i > 0) out << (scalars ? ", " : ",\n");
        if (!scalars) indent(out, depth + 1);
        write(out, array[i], format, depth + 1, money);
      }
      if (!scalars) {
        out << "\n";
        indent(out, depth);
      }
      out << "]";
      return;
    }
    case boost::json::kind::double_: {
      const double d = value.get_double();
      if (!std::isfinite(d)) {
        out << "null";
      } else if (money) {
        std::string text = fixed(d, 2);
        out << (text == "-0.00" ? "0.00" : text);
      } else {
        out << format_decimal(d, format.significant_digits, format.max_decimals);
      }
      return;
    }
    default:
      out << boost::json::serialize(value);
      return;
  }
}

}  // namespace

std::string format_decimal(double value, int significant, int max_decimals) {
  if (!std::isfinite(value)) return "null";
  if (value == 0.0) return "0";
  const int integer_digits = static_cast<int>(std::floor(std::log10(std::fabs(value)))) + 1;
  const int decimals = std::clamp(significant - integer_digits, 0, max_decimals);
  std::string text = fixed(value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

void write_json(std::ostream& out, const boost::json::value& value, const JsonFormat& format) {
  write(out, value, format, 0, false);
  out << "\n";
}

}  // namespace ecrm::analytics

#include "core/describe.hpp"

#include <cctype>

namespace ecrm::wire {

std::string enumerator_wire_name(std::string_view cpp_name) {
  if (cpp_name.size() > 1 && cpp_name[0] == 'k' && std::isupper(static_cast<unsigned char>(cpp_name[1]))) {
    cpp_name.remove_prefix(1);
  }
  std::string out;
  for (std::size_t i = 0; i < cpp_name.size(); ++i) {
    auto c = static_cast<unsigned char>(cpp_name[i]);
    if (std::isupper(c)) {
      if (i > 0) out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string one_of_text(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace ecrm::wire

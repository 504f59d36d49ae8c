#include "auth/model.hpp"

#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

namespace ecrm::auth {

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<Role>>(
        [&](auto d) { out.push_back(d.value); });
    return out;
  }();
  return roles;
}

}  // namespace ecrm::auth

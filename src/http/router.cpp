#include "http/router.hpp"

#include <array>
#include <stdexcept>

namespace ecrm::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

void Router::add(Route route) {
  if (route.doc.summary.empty()) {
    throw std::logic_error("route " + route.pattern + " has no summary for the API document");
  }
  for (const auto& existing : routes_) {
    if (existing->method == route.method && existing->pattern == route.pattern) {
      throw std::logic_error("duplicate route " + std::string(to_string(route.method)) + " " +
                             route.pattern);
    }
  }
  const bool under_portal = route.pattern.rfind(kPortalApiPrefix, 0) == 0;
  if (route.access.portal && !under_portal) {
    throw std::logic_error("portal route " + route.pattern + " is not under " +
                           std::string(kPortalApiPrefix));
  }
  if (under_portal && !route.access.portal && !route.access.is_public) {
    throw std::logic_error("route " + route.pattern + " is under " +
                           std::string(kPortalApiPrefix) + " but is not a portal route");
  }
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  Compiled compiled{routes_.back().get(), {}};
  for (auto part : split_path(routes_.back()->pattern)) {
    bool is_param = part.size() > 2 && part.front() == '{' && part.back() == '}';
    compiled.segments.push_back(
        {std::string(is_param ? part.substr(1, part.size() - 2) : part), is_param});
  }
  compiled_.push_back(std::move(compiled));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  // At most 16 segments are matched without allocating; longer paths match no route anyway
  // unless a pattern is as long, which split_path then handles.
  std::array<std::string_view, 16> small;
  std::vector<std::string_view> large;
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < path.size();) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (count < small.size()) {
      small[count] = path.substr(pos, end - pos);
    } else {
      if (large.empty()) large.assign(small.begin(), small.end());
      large.push_back(path.substr(pos, end - pos));
    }
    ++count;
    pos = end;
  }
  const std::string_view* parts = large.empty() ? small.data() : large.data();

  RouteMatch result;
  Method wanted = method == Method::kHead ? Method::kGet : method;
  // Literal segments beat parameters: prefer the candidate with the most literal matches.
  const Compiled* best = nullptr;
  int best_literals = -1;
  for (const auto& compiled : compiled_) {
    if (compiled.segments.size() != count) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < count && ok; ++i) {
      const auto& seg = compiled.segments[i];
      if (seg.is_param) {
        ok = !parts[i].empty();
      } else if (seg.text == parts[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (compiled.route->method != wanted) {
      result.method_not_allowed = best == nullptr;
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      best = &compiled;
      result.method_not_allowed = false;
    }
  }
  if (best != nullptr) {
    result.route = best->route;
    for (std::size_t i = 0; i < count; ++i) {
      if (best->segments[i].is_param) result.params[best->segments[i].text] = std::string(parts[i]);
    }
  }
  return result;
}

}  // namespace ecrm::http

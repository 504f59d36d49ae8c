#include "messaging/render.hpp"

#include <kainjow/mustache.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ecrm::messaging {

namespace json = boost::json;
namespace mustache = kainjow::mustache;

namespace {

// The shape of the render data: what a tag may name.
struct Shape {
  enum class Kind { kValue, kObject, kList };
  Kind kind = Kind::kValue;
  std::map<std::string, Shape, std::less<>> fields;  // of an object, or of a list's items
};

Shape value() { return {}; }
Shape object(std::map<std::string, Shape, std::less<>> fields) {
  return {Shape::Kind::kObject, std::move(fields)};
}
Shape list(std::map<std::string, Shape, std::less<>> fields) {
  return {Shape::Kind::kList, std::move(fields)};
}

const Shape& fields() {
  static const Shape root = object({
      {"customer", object({{"name", value()},
                           {"first_name", value()},
                           {"email", value()},
                           {"city", value()},
                           {"company", value()},
                           {"language", value()},
                           {"referral_code", value()},
                           {"referral_url", value()}})},
      {"shop", object({{"name", value()}, {"url", value()}})},
      {"ticket", object({{"subject", value()},
                         {"token", value()},
                         {"number", value()},
                         {"reply", value()}})},
      {"unsubscribe_url", value()},
      {"recommendations", list({{"name", value()},
                                {"product_id", value()},
                                {"sku", value()},
                                {"url", value()},
                                {"price", value()},
                                {"reason", value()}})},
      {"product", object({{"name", value()},
                          {"product_id", value()},
                          {"sku", value()},
                          {"url", value()},
                          {"price", value()},
                          {"old_price", value()},
                          {"brand", value()}})},
      {"change", object({{"new_version", value()},
                         {"back_in_stock", value()},
                         {"price_drop", value()}})},
      {"order", object({{"number", value()},
                        {"status", value()},
                        {"total", value()},
                        {"carrier", value()},
                        {"tracking_number", value()},
                        {"url", value()}})},
      {"cart", object({{"items", list({{"name", value()},
                                       {"quantity", value()},
                                       {"price", value()},
                                       {"url", value()}})},
                       {"total", value()},
                       {"url", value()}})},
      {"anniversary", object({{"kind", value()}, {"label", value()}, {"years", value()}})},
      {"portal", object({{"sign_in_url", value()}, {"expires_minutes", value()}})},
      {"community", object({{"subject", value()},
                            {"title", value()},
                            {"author", value()},
                            {"excerpt", value()},
                            {"url", value()},
                            {"mentioned", value()}})},
      {"survey", object({{"url", value()},
                         {"ticket_subject", value()},
                         {"ticket_number", value()},
                         {"choices", list({{"score", value()}, {"url", value()}})}})},
      {"version", object({{"product", value()},
                          {"product_id", value()},
                          {"name", value()},
                          {"notes", value()},
                          {"upgrade_price", value()},
                          {"url", value()}})},
  });
  return root;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Resolves a (dotted) name against the sections open around it, innermost first, as mustache
// does; nullptr when no open section has it.
const Shape* resolve(const std::vector<const Shape*>& scopes, std::string_view name) {
  if (name == ".") return scopes.back();
  const std::size_t dot = name.find('.');
  const std::string_view head = name.substr(0, dot);
  const Shape* found = nullptr;
  for (auto it = scopes.rbegin(); it != scopes.rend() && !found; ++it) {
    if (auto f = (*it)->fields.find(head); f != (*it)->fields.end()) found = &f->second;
  }
  if (!found || dot == std::string_view::npos) return found;
  std::string_view rest = name.substr(dot + 1);
  while (found) {
    const std::size_t next = rest.find('.');
    auto f = found->fields.find(rest.substr(0, next));
    found = f != found->fields.end() ? &f->second : nullptr;
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return found;
}

Error template_error(std::string_view field, int line, const std::string& what) {
  return Error::invalid(std::string(field) + ", line " + std::to_string(line) + ": " + what,
                        std::string(field));
}

mustache::data to_data(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, member] : v.get_object()) out.set(std::string(key), to_data(member));
      return out;
    }
    case json::kind::array: {
      mustache::list items;
      for (const auto& item : v.get_array()) items.push_back(to_data(item));
      return mustache::data{items};
    }
    case json::kind::string:
      return mustache::data{std::string(v.get_string())};
    case json::kind::bool_:
      return mustache::data{v.get_bool()};
    case json::kind::int64:
      return mustache::data{std::to_string(v.get_int64())};
    case json::kind::uint64:
      return mustache::data{std::to_string(v.get_uint64())};
    case json::kind::double_:
      return mustache::data{json::serialize(v)};
    case json::kind::null:
      return mustache::data{false};
  }
  return mustache::data{false};
}

// The templates a thread parsed, by their source, for the next render of the same source. The
// parse is most of a render (kainjow's parser compares the opening delimiter at every character of
// the source), and the delivery worker renders the same few templates for thousands of messages.
// A parsed template is not changed by rendering it (the tree is only walked; only partials and
// lambdas, which render data never holds, set its error), but it is not shared between threads.
// Bounded: emptied when it would hold more than kMaxCachedTemplates or kMaxCachedBytes.
constexpr std::size_t kMaxCachedTemplates = 32;
constexpr std::size_t kMaxCachedBytes = 1 << 20;

struct ParsedTemplates {
  std::unordered_map<std::string, std::unique_ptr<mustache::mustache>> by_source[2];  // [html]
  std::size_t bytes = 0;
};

// kainjow's context, but a dotted name ({{customer.first_name}}) is split without a
// std::stringstream: the library builds one (and its locale) for every dotted tag of every render.
// The lookup is the library's: innermost section first, each part of the name in turn; the parts
// are those std::getline gives (empty ones kept, none after a final dot).
class Context : public mustache::basic_context<std::string> {
 public:
  explicit Context(const mustache::data* data) { push(data); }

  void push(const mustache::data* data) override { items_.insert(items_.begin(), data); }
  void pop() override { items_.erase(items_.begin()); }

  const mustache::data* get(const std::string& name) const override {
    if (name == ".") return items_.front();
    if (name.find('.') == std::string::npos) return get_partial(name);
    std::vector<std::string> names;
    std::size_t at = 0;
    while (at < name.size()) {
      const std::size_t dot = std::min(name.find('.', at), name.size());
      names.emplace_back(name, at, dot - at);
      at = dot + 1;
    }
    for (const mustache::data* item : items_) {
      const mustache::data* var = item;
      for (const std::string& n : names) {
        var = var->get(n);
        if (!var) break;
      }
      if (var) return var;
    }
    return nullptr;
  }

  const mustache::data* get_partial(const std::string& name) const override {
    for (const mustache::data* item : items_) {
      if (const mustache::data* var = item->get(name)) return var;
    }
    return nullptr;
  }

 private:
  std::vector<const mustache::data*> items_;  // innermost first
};

// The output stream kainjow's render writes to: appends to a string (no std::ostringstream).
struct Appender {
  std::string& out;
  Appender& operator<<(const std::string& piece) {
    out += piece;
    return *this;
  }
};

Result<std::string> render_part(std::string_view field, const std::string& source,
                                const mustache::data& data, bool html) {
  thread_local ParsedTemplates parsed;
  auto& cache = parsed.by_source[html ? 1 : 0];
  auto found = cache.find(source);
  if (found == cache.end()) {
    auto tmpl = std::make_unique<mustache::mustache>(source);
    if (!tmpl->is_valid()) {
      return Error::invalid(std::string(field) + ": " + tmpl->error_message(), std::string(field));
    }
    if (!html) tmpl->set_custom_escape([](const std::string& s) { return s; });
    if (parsed.by_source[0].size() + parsed.by_source[1].size() >= kMaxCachedTemplates ||
        parsed.bytes + source.size() > kMaxCachedBytes) {
      parsed.by_source[0].clear();
      parsed.by_source[1].clear();
      parsed.bytes = 0;
    }
    found = cache.emplace(source, std::move(tmpl)).first;
    parsed.bytes += source.size();
  }
  mustache::mustache& tmpl = *found->second;
  Context context(&data);
  std::string out;
  Appender appender{out};
  tmpl.render(context, appender);
  if (!tmpl.is_valid()) {
    Error error =
        Error::invalid(std::string(field) + ": " + tmpl.error_message(), std::string(field));
    parsed.bytes -= std::min(parsed.bytes, source.size());
    cache.erase(found);
    return error;
  }
  return out;
}

}  // namespace

Status check(std::string_view field, const std::string& source) {
  {
    mustache::mustache parsed{source};
    if (!parsed.is_valid()) {
      return Error::invalid(std::string(field) + ": " + parsed.error_message(), std::string(field));
    }
  }
  std::vector<const Shape*> scopes{&fields()};
  std::vector<std::string> open;  // the names of the open sections
  std::size_t at = 0;
  int line = 1;
  std::size_t counted = 0;
  while ((at = source.find("{{", at)) != std::string::npos) {
    for (; counted < at; ++counted) line += source[counted] == '\n';
    const bool triple = source.compare(at, 3, "{{{") == 0;
    const std::size_t end = source.find(triple ? "}}}" : "}}", at);
    if (end == std::string::npos) return template_error(field, line, "a tag is not closed");
    std::string tag = trim(std::string_view(source).substr(at + (triple ? 3 : 2),
                                                           end - at - (triple ? 3 : 2)));
    at = end + (triple ? 3 : 2);
    if (tag.empty()) return template_error(field, line, "an empty tag");
    const char sigil = tag[0];
    if (sigil == '!') continue;
    if (sigil == '=') return template_error(field, line, "changing the delimiters is not supported");
    if (sigil == '>') return template_error(field, line, "partials are not supported");
    std::string name = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&' ? trim(tag.substr(1)) : tag;
    if (sigil == '/') {
      if (open.empty() || open.back() != name) {
        return template_error(field, line, "{{/" + name + "}} closes no open section");
      }
      open.pop_back();
      scopes.pop_back();
      continue;
    }
    const Shape* shape = resolve(scopes, name);
    if (!shape) return template_error(field, line, "unknown field {{" + name + "}}");
    if (sigil == '#' || sigil == '^') {
      open.push_back(name);
      // A list's section iterates over its items; an object's enters it; a value's is a test.
      scopes.push_back(sigil == '#' && shape->kind != Shape::Kind::kValue ? shape : scopes.back());
      continue;
    }
    if (shape->kind != Shape::Kind::kValue) {
      return template_error(field, line,
                            "{{" + name + "}} is a group of fields: use {{#" + name + "}}…{{/" +
                                name + "}}");
    }
  }
  return {};
}

Status check(const TemplateInput& input) {
  if (input.subject.empty()) return Error::invalid("subject is required", "subject");
  if (input.subject.find_first_of("\r\n") != std::string::npos) {
    return Error::invalid("subject must be one line", "subject");
  }
  if (input.html.empty() && input.text.empty()) {
    return Error::invalid("a template needs an HTML or a text part", "text");
  }
  ECRM_RETURN_IF_ERROR(check("subject", input.subject));
  ECRM_RETURN_IF_ERROR(check("html", input.html));
  return check("text", input.text);
}

Result<Rendered> render(const TemplateInput& tmpl, const json::value& data) {
  const mustache::data context = to_data(data);
  Rendered out;
  ECRM_ASSIGN_OR_RETURN(out.subject, render_part("subject", tmpl.subject, context, false));
  // A subject is one line.
  for (char& ch : out.subject) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  ECRM_ASSIGN_OR_RETURN(out.html, render_part("html", tmpl.html, context, true));
  ECRM_ASSIGN_OR_RETURN(out.text, render_part("text", tmpl.text, context, false));
  return out;
}

}  // namespace ecrm::messaging

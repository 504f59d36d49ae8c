#include "automation/service.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/money.hpp"
#include "http/wire.hpp"
#include "recommend/repo.hpp"
#include "recommend/views.hpp"

namespace ecrm::automation {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;

namespace {

constexpr std::size_t kRecommendationsInMessage = 3;

struct ShippedFlow {
  const char* key;
  const char* name;
  const char* trigger;
  bool enabled;
  const char* description;
};

constexpr ShippedFlow kShippedFlows[] = {
    {"birthday_card", "Birthday card", "birthday", true,
     "On their birthday, customers the care policy gives cards get a greeting card with "
     "new-product recommendations in it"},
    {"birthday_recommendations", "Birthday recommendations", "birthday", true,
     "On their birthday, customers the care policy gives recommendations get a recommendations "
     "mail (unless they get a card, which carries them)"},
    {"anniversary_card", "Anniversary card", "anniversary", true,
     "On each anniversary (wedding, membership, …), a greeting card with recommendations, by "
     "the care policy"},
    {"anniversary_recommendations", "Anniversary recommendations", "anniversary", true,
     "On each anniversary, a recommendations mail, by the care policy"},
    {"new_version", "New version", "new_version", false,
     "When a product line ships a new version, every earlier buyer of the line is told what is "
     "better and how to upgrade"},
    {"cart_recovery", "Cart recovery", "cart_abandoned", false,
     "An hour after a cart is abandoned, unless a purchase came first"},
    {"win_back", "Win back", "p_alive_below", false,
     "Customers drifting away (low P(alive), at-risk segments) get an offer"},
};

constexpr const char* kRecommendationsHtml =
    "{{#recommendations}}<li><a href=\"{{url}}\">{{name}}</a> {{price}}<br><small>{{reason}}"
    "</small></li>{{/recommendations}}";
constexpr const char* kRecommendationsText =
    "{{#recommendations}}- {{name}} {{price}}: {{reason}}\n  {{url}}\n{{/recommendations}}";

struct ShippedTemplate {
  const char* key;
  const char* language;
  const char* subject;
  const char* html_head;
  const char* text_head;
};

constexpr ShippedTemplate kShippedTemplates[] = {
    {"birthday_card", "en", "Happy birthday, {{customer.first_name}}!",
     "<h1>Happy birthday, {{customer.first_name}}!</h1><p>All of us at {{shop.name}} wish you a "
     "wonderful day. A few new things we picked for you:</p>",
     "Happy birthday, {{customer.first_name}}!\n\nAll of us at {{shop.name}} wish you a "
     "wonderful day. A few new things we picked for you:\n\n"},
    {"birthday_card", "zh-CN", "{{customer.name}}，生日快乐！",
     "<h1>{{customer.name}}，生日快乐！</h1><p>{{shop.name}} 全体同仁祝您生日快乐。我们为您挑选了几件新品：</p>",
     "{{customer.name}}，生日快乐！\n\n{{shop.name}} 全体同仁祝您生日快乐。我们为您挑选了几件新品：\n\n"},
    {"birthday_recommendations", "en", "{{customer.first_name}}, picked for your birthday",
     "<p>Hello {{customer.first_name}}, for your birthday we picked these for you:</p>",
     "Hello {{customer.first_name}}, for your birthday we picked these for you:\n\n"},
    {"birthday_recommendations", "zh-CN", "{{customer.name}}，为您的生日精选",
     "<p>{{customer.name}}您好，我们为您的生日精选了这些商品：</p>",
     "{{customer.name}}您好，我们为您的生日精选了这些商品：\n\n"},
    {"anniversary_card", "en", "Happy anniversary, {{customer.first_name}}!",
     "<h1>Happy {{#anniversary}}{{kind}} {{/anniversary}}anniversary, "
     "{{customer.first_name}}!</h1><p>With warm wishes from {{shop.name}}, and a few new "
     "things we picked for you:</p>",
     "Happy {{#anniversary}}{{kind}} {{/anniversary}}anniversary, {{customer.first_name}}!\n\n"
     "With warm wishes from {{shop.name}}, and a few new things we picked for you:\n\n"},
    {"anniversary_card", "zh-CN", "{{customer.name}}，纪念日快乐！",
     "<h1>{{customer.name}}，纪念日快乐！</h1><p>{{shop.name}} 祝福您，并为您挑选了几件新品：</p>",
     "{{customer.name}}，纪念日快乐！\n\n{{shop.name}} 祝福您，并为您挑选了几件新品：\n\n"},
    {"anniversary_recommendations", "en", "{{customer.first_name}}, picked for your anniversary",
     "<p>Hello {{customer.first_name}}, for your anniversary we picked these for you:</p>",
     "Hello {{customer.first_name}}, for your anniversary we picked these for you:\n\n"},
    {"anniversary_recommendations", "zh-CN", "{{customer.name}}，为您的纪念日精选",
     "<p>{{customer.name}}您好，我们为您的纪念日精选了这些商品：</p>",
     "{{customer.name}}您好，我们为您的纪念日精选了这些商品：\n\n"},
};

// The new version of a line: what is better and how to upgrade.
constexpr ShippedTemplate kVersionTemplates[] = {
    {"new_version", "en", "{{#version}}{{product}}: the new version is here{{/version}}",
     "<p>Hello {{customer.first_name}},</p>{{#version}}<p>You bought {{product}} from us. Its "
     "new version, <a href=\"{{url}}\">{{name}}</a>, is here.</p><p>{{notes}}</p>"
     "{{#upgrade_price}}<p>Upgrade for {{upgrade_price}}.</p>{{/upgrade_price}}{{/version}}",
     "Hello {{customer.first_name}},\n\n{{#version}}You bought {{product}} from us. Its new "
     "version, {{name}}, is here: {{url}}\n\n{{notes}}\n{{#upgrade_price}}\nUpgrade for "
     "{{upgrade_price}}.\n{{/upgrade_price}}{{/version}}"},
    {"new_version", "zh-CN", "{{#version}}{{product}} 新版本上市{{/version}}",
     "<p>{{customer.name}}您好，</p>{{#version}}<p>您曾在本店购买 {{product}}。它的新版本 "
     "<a href=\"{{url}}\">{{name}}</a> 已经上市。</p><p>{{notes}}</p>"
     "{{#upgrade_price}}<p>升级价：{{upgrade_price}}。</p>{{/upgrade_price}}{{/version}}",
     "{{customer.name}}您好，\n\n{{#version}}您曾在本店购买 {{product}}。它的新版本 {{name}} "
     "已经上市：{{url}}\n\n{{notes}}\n{{#upgrade_price}}\n升级价：{{upgrade_price}}。\n"
     "{{/upgrade_price}}{{/version}}"},
};

constexpr const char* kUnsubscribeHtml =
    "<p><small><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></small></p>";
constexpr const char* kUnsubscribeText = "\nUnsubscribe: {{unsubscribe_url}}\n";

bool is_tier(const std::string& tier) {
  return tier == "very_loyal" || tier == "loyal" || tier == "occasional";
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

std::string reason_text(const recommend::ReasonView& r) {
  using recommend::ReasonKind;
  const std::string first = r.products.empty() ? std::string() : r.products.front().name;
  switch (r.kind) {
    case ReasonKind::kRule:
      return "Often bought together with " + (first.empty() ? std::string("what you bought") : first);
    case ReasonKind::kAlsoBought:
      return "Customers who bought " + (first.empty() ? std::string("what you bought") : first) +
             " also bought this";
    case ReasonKind::kClass:
      return "Popular with customers like you" + (first.empty() ? std::string() : " (you bought " + first + ")");
    case ReasonKind::kPopular: return "One of our best-sellers";
    case ReasonKind::kReplenish: return "Time to stock up again";
    case ReasonKind::kNewerVersion: return "The new version of " + first;
    case ReasonKind::kHigherTier: return "A step up from " + first;
  }
  return "";
}

}  // namespace

AutomationService::AutomationService(storage::Database& db, messaging::MessagingService& messaging,
                                     recommend::RecommendService& recommend,
                                     catalog::CatalogService& catalog)
    : db_(db), messaging_(messaging), recommend_(recommend), catalog_(catalog) {}

Status AutomationService::install_defaults() {
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    for (const auto& f : kShippedFlows) {
      ECRM_RETURN_IF_ERROR(repo_.ensure_flow(
          *lease, Flow{f.key, f.name, f.trigger, f.enabled, f.description, now_ms()}));
    }
  }
  auto install = [&](const ShippedTemplate& t, const std::string& html, const std::string& text) {
    messaging::Template tmpl;
    tmpl.key = t.key;
    tmpl.language = t.language;
    tmpl.kind = messaging::MessageKind::kMarketing;
    tmpl.subject = t.subject;
    tmpl.html = t.html_head + html + kUnsubscribeHtml;
    tmpl.text = t.text_head + text + kUnsubscribeText;
    return messaging_.ensure_template(tmpl);
  };
  for (const auto& t : kShippedTemplates) {
    ECRM_RETURN_IF_ERROR(install(t, std::string("<ul>") + kRecommendationsHtml + "</ul>",
                                 kRecommendationsText));
  }
  for (const auto& t : kVersionTemplates) ECRM_RETURN_IF_ERROR(install(t, "", ""));
  return {};
}

Result<std::vector<Flow>> AutomationService::flows() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.flows(*lease);
}

Result<Flow> AutomationService::set_enabled(const std::string& key, bool enabled) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(bool found, repo_.set_enabled(*lease, key, enabled, now_ms()));
  if (!found) return Error::not_found("no flow " + key);
  ECRM_ASSIGN_OR_RETURN(auto flow, repo_.flow(*lease, key));
  return std::move(*flow);
}

Result<CarePolicy> AutomationService::policy() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.policy(*lease);
}

Result<CarePolicy> AutomationService::set_policy(const CarePolicy& policy) {
  for (std::size_t i = 0; i < policy.tiers.size(); ++i) {
    if (!is_tier(policy.tiers[i].tier)) {
      return Error::invalid("tiers[" + std::to_string(i) + "].tier must be very_loyal, loyal or occasional",
                            "tiers[" + std::to_string(i) + "].tier");
    }
  }
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    for (const auto& row : policy.tiers) ECRM_RETURN_IF_ERROR(repo_.set_policy(c, row));
    return {};
  }));
  return this->policy();
}

json::array AutomationService::recommendations_of(std::int64_t customer_id, std::size_t limit) {
  json::array out;
  auto list = recommend_.customer_list(customer_id);
  if (!list.ok() || !list->list) return out;
  boost::system::error_code ec;
  const json::value items = json::parse(list->list->items, ec);
  if (ec || !items.is_array()) return out;
  for (const auto& raw : items.get_array()) {
    if (out.size() >= limit) break;
    auto item = wire::read<recommend::RecommendedItem>(raw);
    if (!item.ok()) continue;
    out.push_back(json::object{
        {"name", item->name},
        {"sku", item->sku},
        {"product_id", item->product_id},  // its link is made when the message is sent
        {"price", format_money(item->price, item->currency)},
        {"reason", reason_text(item->reason)}});
  }
  return out;
}

Result<RunSummary> AutomationService::run_date(const std::string& date) {
  if (!parse_date(date) || date.size() != 10) {
    return Error::invalid("date must be a day as YYYY-MM-DD", "date");
  }
  const int year = std::stoi(date.substr(0, 4));
  std::vector<std::string> month_days{date.substr(5, 5)};
  if (month_days.front() == "02-28" && !leap(year)) month_days.push_back("02-29");

  RunSummary summary;
  summary.date = date;
  ECRM_ASSIGN_OR_RETURN(auto policy, this->policy());
  ECRM_ASSIGN_OR_RETURN(auto all_flows, flows());
  auto enabled = [&](const std::string& key) {
    for (const auto& f : all_flows) {
      if (f.key == key) return f.enabled;
    }
    return false;
  };
  // The flow a tier gets for an occasion ("birthday", "anniversary"), or none.
  auto flow_for = [&](const std::string& tier, const std::string& occasion) -> std::string {
    for (const auto& row : policy.tiers) {
      if (row.tier != tier) continue;
      if (row.card && enabled(occasion + "_card")) return occasion + "_card";
      if (row.recommendations && enabled(occasion + "_recommendations")) {
        return occasion + "_recommendations";
      }
    }
    return {};
  };

  struct Planned {
    std::string flow;
    std::int64_t customer_id;
    std::string occurrence;
    json::object data;
  };
  std::vector<Planned> planned;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto birthdays, repo_.birthdays(*lease, month_days));
    for (const auto& c : birthdays) {
      std::string flow = flow_for(c.tier, "birthday");
      if (!flow.empty()) planned.push_back({flow, c.customer_id, std::to_string(year), {}});
    }
    ECRM_ASSIGN_OR_RETURN(auto anniversaries, repo_.anniversaries(*lease, month_days));
    for (const auto& c : anniversaries) {
      std::string flow = flow_for(c.tier, "anniversary");
      if (flow.empty()) continue;
      const int since = std::stoi(c.date.substr(0, 4));
      if (year - since < 1) continue;  // not a year old yet (or still to come)
      json::object anniversary{{"kind", c.kind}, {"label", c.label},
                               {"years", std::to_string(year - since)}};
      planned.push_back({flow, c.customer_id, c.kind + ":" + std::to_string(year),
                         json::object{{"anniversary", std::move(anniversary)}}});
    }
  }
  for (auto& p : planned) {
    p.data["recommendations"] = recommendations_of(p.customer_id, kRecommendationsInMessage);
    ECRM_ASSIGN_OR_RETURN(bool queued, enrol_and_queue(p.flow, p.customer_id, p.occurrence,
                                                       json::serialize(p.data)));
    if (queued) summary.add(p.flow);
  }
  return summary;
}

Result<bool> AutomationService::enrol_and_queue(const std::string& flow, std::int64_t customer_id,
                                               const std::string& occurrence,
                                               const std::string& data) {
  return storage::with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(auto enrolment, repo_.enrol(c, flow, customer_id, occurrence, now_ms()));
    if (!enrolment) return false;  // enrolled for this occurrence before
    messaging::NewMessage m;
    m.customer_id = customer_id;
    m.template_key = flow;
    m.source = flow;
    m.dedupe_key = flow + ":" + std::to_string(customer_id) + ":" + occurrence;
    m.data = data;
    ECRM_ASSIGN_OR_RETURN(auto message, messaging_.queue(c, m));
    if (message) ECRM_RETURN_IF_ERROR(repo_.set_enrolment_message(c, *enrolment, *message));
    return message.has_value();
  });
}

Result<RunSummary> AutomationService::release(const Release& release) {
  auto product = catalog_.get_product(release.product_id);
  if (!product.ok()) {
    if (product.error().kind == ErrorKind::kNotFound) {
      return Error::invalid("no such product", "product_id");
    }
    return std::move(product).error();
  }
  if (product->line.empty()) {
    return Error::invalid("the product belongs to no product line, so it has no earlier buyers",
                          "product_id");
  }
  ECRM_ASSIGN_OR_RETURN(auto all_flows, flows());
  const bool on = std::any_of(all_flows.begin(), all_flows.end(),
                              [](const Flow& f) { return f.key == "new_version" && f.enabled; });
  if (!on) {
    return Error::conflict("the new_version flow is off: turn it on to mail earlier buyers", {},
                           "flow_off");
  }
  std::vector<std::int64_t> buyers;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(buyers, repo_.earlier_buyers(*lease, product->line, product->version));
  }
  json::object version{{"product", product->line},
                       {"name", product->name},
                       {"notes", release.notes},
                       {"product_id", product->id}};
  if (release.upgrade_price) {
    version["upgrade_price"] = format_money(*release.upgrade_price, product->currency);
  }
  const std::string data = json::serialize(json::object{{"version", version}});
  RunSummary summary;
  summary.date = format_date(now_ms());
  const std::string occurrence = "product:" + std::to_string(product->id);
  for (std::int64_t customer_id : buyers) {
    ECRM_ASSIGN_OR_RETURN(bool queued,
                          enrol_and_queue("new_version", customer_id, occurrence, data));
    if (queued) summary.add("new_version");
  }
  return summary;
}

}  // namespace ecrm::automation

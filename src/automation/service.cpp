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
  bool enabled;
  const char* description;
  const char* definition;  // JSON (model.hpp: FlowDefinition)
};

constexpr ShippedFlow kShippedFlows[] = {
    {"birthday_card", "Birthday card", true,
     "On their birthday, customers the care policy gives cards get a greeting card with "
     "new-product recommendations in it",
     R"({"trigger":{"kind":"birthday","care":"card"},"steps":[{"id":"card","type":"send","template_key":"birthday_card"}]})"},
    {"birthday_recommendations", "Birthday recommendations", true,
     "On their birthday, customers the care policy gives recommendations get a recommendations "
     "mail (unless they get a card, which carries them)",
     R"({"trigger":{"kind":"birthday","care":"recommendations"},"steps":[{"id":"recommendations","type":"send","template_key":"birthday_recommendations"}]})"},
    {"anniversary_card", "Anniversary card", true,
     "On each anniversary (wedding, membership, …), a greeting card with recommendations, by "
     "the care policy",
     R"({"trigger":{"kind":"anniversary","care":"card"},"steps":[{"id":"card","type":"send","template_key":"anniversary_card"}]})"},
    {"anniversary_recommendations", "Anniversary recommendations", true,
     "On each anniversary, a recommendations mail, by the care policy",
     R"({"trigger":{"kind":"anniversary","care":"recommendations"},"steps":[{"id":"recommendations","type":"send","template_key":"anniversary_recommendations"}]})"},
    {"new_version", "New version", false,
     "When a product line ships a new version, every earlier buyer of the line is told what is "
     "better and how to upgrade",
     R"({"trigger":{"kind":"new_version"},"steps":[{"id":"announce","type":"send","template_key":"new_version"}]})"},
    {"cart_recovery", "Cart recovery", false,
     "An hour after a cart is abandoned, unless a purchase came first",
     R"({"trigger":{"kind":"cart_abandoned"},"cancel_on_purchase":true,"steps":[{"id":"wait","type":"wait","minutes":60},{"id":"remind","type":"send","template_key":"cart_recovery"}]})"},
    {"win_back", "Win back", false,
     "Customers drifting away (P(alive) below 0.3) get new things picked for them; once per lapse",
     R"({"trigger":{"kind":"p_alive_below","threshold":0.3},"cancel_on_purchase":true,"steps":[{"id":"offer","type":"send","template_key":"win_back"},{"id":"wait","type":"wait","minutes":20160},{"id":"still_away","type":"branch","conditions":[{"field":"days_since_order","op":"between","min":60}],"then":"task","otherwise":"end"},{"id":"task","type":"task","title":"Call a customer drifting away","due_days":3}]})"},
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

// What the cart held, and a way back to it.
constexpr ShippedTemplate kCartTemplates[] = {
    {"cart_recovery", "en", "{{customer.first_name}}, your cart is waiting",
     "<p>Hello {{customer.first_name}},</p><p>You left these in your cart at {{shop.name}}:</p>"
     "{{#cart}}<ul>{{#items}}<li>{{quantity}} × {{name}} {{price}}</li>{{/items}}</ul>"
     "<p>Total: {{total}}</p>{{/cart}}",
     "Hello {{customer.first_name}},\n\nYou left these in your cart at {{shop.name}}:\n\n"
     "{{#cart}}{{#items}}- {{quantity}} x {{name}} {{price}}\n{{/items}}\nTotal: {{total}}\n"
     "{{/cart}}"},
    {"cart_recovery", "zh-CN", "{{customer.name}}，您的购物车还在等您",
     "<p>{{customer.name}}您好，</p><p>您在 {{shop.name}} 的购物车里还有：</p>"
     "{{#cart}}<ul>{{#items}}<li>{{quantity}} × {{name}} {{price}}</li>{{/items}}</ul>"
     "<p>合计：{{total}}</p>{{/cart}}",
     "{{customer.name}}您好，\n\n您在 {{shop.name}} 的购物车里还有：\n\n"
     "{{#cart}}{{#items}}- {{quantity}} x {{name}} {{price}}\n{{/items}}\n合计：{{total}}\n"
     "{{/cart}}"},
    {"win_back", "en", "{{customer.first_name}}, we miss you",
     "<p>Hello {{customer.first_name}}, it has been a while. Here is what is new at "
     "{{shop.name}}, picked for you:</p>",
     "Hello {{customer.first_name}}, it has been a while. Here is what is new at {{shop.name}}, "
     "picked for you:\n\n"},
    {"win_back", "zh-CN", "{{customer.name}}，好久不见",
     "<p>{{customer.name}}您好，好久不见。{{shop.name}} 为您挑选了这些新品：</p>",
     "{{customer.name}}您好，好久不见。{{shop.name}} 为您挑选了这些新品：\n\n"},
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
                                     catalog::CatalogService& catalog, AutomationOptions options)
    : db_(db),
      messaging_(messaging),
      recommend_(recommend),
      catalog_(catalog),
      options_(std::move(options)) {
  // Messages whose template shows recommendations and whose data has none (campaigns, previews)
  // get the customer's when they are rendered.
  messaging_.set_recommendations(
      [this](std::int64_t customer_id) { return recommendations_of(customer_id, kRecommendationsInMessage); });
}

Status AutomationService::install_defaults() {
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    for (const auto& f : kShippedFlows) {
      auto definition = wire::read<FlowDefinition>(json::parse(f.definition));
      if (!definition.ok()) {
        return Error::internal(std::string("shipped flow ") + f.key + ": " +
                               definition.error().message);
      }
      Flow flow;
      flow.key = f.key;
      flow.name = f.name;
      flow.trigger = std::string(wire::enum_name(definition->trigger.kind));
      flow.enabled = f.enabled;
      flow.description = f.description;
      flow.definition = std::move(*definition);
      flow.updated_at = now_ms();
      ECRM_RETURN_IF_ERROR(repo_.ensure_flow(*lease, flow));
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
  ECRM_RETURN_IF_ERROR(install(kCartTemplates[0], "", ""));
  ECRM_RETURN_IF_ERROR(install(kCartTemplates[1], "", ""));
  for (const auto* t : {&kCartTemplates[2], &kCartTemplates[3]}) {
    ECRM_RETURN_IF_ERROR(install(*t, std::string("<ul>") + kRecommendationsHtml + "</ul>",
                                 kRecommendationsText));
  }
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
  const UnixMs day_start = *parse_date(date);
  const int year = std::stoi(date.substr(0, 4));
  std::vector<std::string> month_days{date.substr(5, 5)};
  if (month_days.front() == "02-28" && !leap(year)) month_days.push_back("02-29");

  RunSummary summary;
  summary.date = date;
  ECRM_ASSIGN_OR_RETURN(auto policy, this->policy());
  ECRM_ASSIGN_OR_RETURN(auto all_flows, flows());
  auto on = [&](TriggerKind kind) {
    std::vector<const Flow*> out;
    for (const auto& f : all_flows) {
      if (f.enabled && f.definition.trigger.kind == kind && !f.definition.steps.empty()) {
        out.push_back(&f);
      }
    }
    return out;
  };
  // The care policy: a tier gets the card when the policy gives it cards and a card flow of
  // the occasion is on; else the recommendations mail when the policy gives it those.
  auto allowed = [&](const std::string& tier, CareKind care, TriggerKind occasion) {
    for (const auto& row : policy.tiers) {
      if (row.tier != tier) continue;
      const bool card_on = row.card && std::any_of(all_flows.begin(), all_flows.end(), [&](const Flow& f) {
                             return f.enabled && f.definition.trigger.kind == occasion &&
                                    f.definition.trigger.care == CareKind::kCard;
                           });
      if (care == CareKind::kCard) return row.card;
      return row.recommendations && !card_on;
    }
    return false;
  };
  auto gate = [&](const Flow& f, const std::string& tier) {
    const auto& t = f.definition.trigger;
    return !t.care || allowed(tier, *t.care, t.kind);
  };
  struct Planned {
    const Flow* flow;
    std::int64_t customer_id;
    std::string occurrence;
    json::object context;
    UnixMs triggered_at;
  };
  std::vector<Planned> planned;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    if (auto fs = on(TriggerKind::kBirthday); !fs.empty()) {
      ECRM_ASSIGN_OR_RETURN(auto birthdays, repo_.birthdays(*lease, month_days));
      for (const auto* f : fs) {
        for (const auto& c : birthdays) {
          if (gate(*f, c.tier)) planned.push_back({f, c.customer_id, std::to_string(year), {}, day_start});
        }
      }
    }
    if (auto fs = on(TriggerKind::kAnniversary); !fs.empty()) {
      ECRM_ASSIGN_OR_RETURN(auto anniversaries, repo_.anniversaries(*lease, month_days));
      for (const auto* f : fs) {
        for (const auto& c : anniversaries) {
          const auto& only = f->definition.trigger.anniversary_kind;
          if (only && *only != c.kind) continue;
          if (!gate(*f, c.tier)) continue;
          const int since = std::stoi(c.date.substr(0, 4));
          if (year - since < 1) continue;  // not a year old yet (or still to come)
          json::object anniversary{{"kind", c.kind}, {"label", c.label},
                                   {"years", std::to_string(year - since)}};
          planned.push_back({f, c.customer_id, c.kind + ":" + std::to_string(year),
                             json::object{{"anniversary", std::move(anniversary)}}, day_start});
        }
      }
    }
    if (auto fs = on(TriggerKind::kFirstOrderAnniversary); !fs.empty()) {
      ECRM_ASSIGN_OR_RETURN(auto firsts, repo_.first_order_anniversaries(*lease, month_days));
      for (const auto* f : fs) {
        for (const auto& c : firsts) {
          const int since = std::stoi(c.date.substr(0, 4));
          if (year - since < 1) continue;
          json::object anniversary{{"kind", "first_order"}, {"label", "first order"},
                                   {"years", std::to_string(year - since)}};
          planned.push_back({f, c.customer_id, "first_order:" + std::to_string(year),
                             json::object{{"anniversary", std::move(anniversary)}}, day_start});
        }
      }
    }
    // Inactivity: the last order fell exactly `days` days before the day.
    for (const auto* f : on(TriggerKind::kInactivity)) {
      const UnixMs from = day_start - *f->definition.trigger.days * kMsPerDay;
      ECRM_ASSIGN_OR_RETURN(auto idle, repo_.last_ordered_between(*lease, from, from + kMsPerDay));
      for (const auto& [id, last] : idle) {
        planned.push_back({f, id, "idle:" + std::to_string(last), {}, day_start});
      }
    }
    // Drifting away: once per lapse (the last order before it).
    for (const auto* f : on(TriggerKind::kPAliveBelow)) {
      ECRM_ASSIGN_OR_RETURN(auto low, repo_.p_alive_below(*lease, *f->definition.trigger.threshold));
      for (const auto& [id, last] : low) {
        planned.push_back({f, id, "lapse:" + std::to_string(last), {}, day_start});
      }
    }
  }
  // Tier and segment movements since the last run.
  {
    auto entered = on(TriggerKind::kTierEntered), left = on(TriggerKind::kTierLeft);
    auto s_entered = on(TriggerKind::kSegmentEntered), s_left = on(TriggerKind::kSegmentLeft);
    std::vector<TierChange> changes;
    ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      ECRM_ASSIGN_OR_RETURN(changes, repo_.tier_changes(c));
      return {};
    }));
    for (const auto& ch : changes) {
      if (ch.old_tier.empty()) continue;  // first seen: no movement to tell
      auto add = [&](const std::vector<const Flow*>& fs, const std::string& from, const std::string& to,
                     bool entering, const char* what) {
        if (from == to) return;
        for (const auto* f : fs) {
          const auto& want = std::string(what) == "tier" ? f->definition.trigger.tier
                                                         : f->definition.trigger.segment;
          const std::string& subject = entering ? to : from;
          if (want && *want != subject) continue;
          planned.push_back({f, ch.customer_id,
                             std::string(what) + ":" + from + ">" + to + ":" + date,
                             json::object{{what, json::object{{"from", from}, {"to", to}}}},
                             day_start});
        }
      };
      add(entered, ch.old_tier, ch.new_tier, true, "tier");
      add(left, ch.old_tier, ch.new_tier, false, "tier");
      add(s_entered, ch.old_segment, ch.new_segment, true, "segment");
      add(s_left, ch.old_segment, ch.new_segment, false, "segment");
    }
  }
  for (auto& p : planned) {
    if (!p.context.contains("recommendations")) {
      p.context["recommendations"] = recommendations_of(p.customer_id, kRecommendationsInMessage);
    }
    ECRM_ASSIGN_OR_RETURN(bool enrolled, enrol_one(*p.flow, p.customer_id, p.occurrence,
                                                    std::move(p.context), p.triggered_at, &summary));
    (void)enrolled;
  }
  return summary;
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
  ECRM_ASSIGN_OR_RETURN(auto version_flows, enabled_flows(TriggerKind::kNewVersion));
  ECRM_ASSIGN_OR_RETURN(auto follow_flows, enabled_flows(TriggerKind::kFollowedChanged));
  std::erase_if(follow_flows, [](const Flow& f) {
    return f.definition.trigger.change && *f.definition.trigger.change != ChangeKind::kNewVersion;
  });
  if (version_flows.empty() && follow_flows.empty()) {
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
  RunSummary summary;
  summary.date = format_date(now_ms());
  const std::string occurrence = "product:" + std::to_string(product->id);
  for (const auto& f : version_flows) {
    for (std::int64_t customer_id : buyers) {
      ECRM_ASSIGN_OR_RETURN(bool enrolled, enrol_one(f, customer_id, occurrence,
                                                      json::object{{"version", version}}, now_ms(),
                                                      &summary));
      (void)enrolled;
    }
  }
  // Followers of the line (or its category) hear of it through their flows, once per release:
  // the same occurrence, so a buyer who also follows gets each flow's message once.
  ECRM_ASSIGN_OR_RETURN(auto followed, notify_followers(product->id, ChangeKind::kNewVersion,
                                                        json::object{{"version", version}},
                                                        occurrence));
  summary.enrolled += followed;
  return summary;
}

}  // namespace ecrm::automation
